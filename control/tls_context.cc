#include "control/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace shoal::control {
namespace {

namespace ssl = boost::asio::ssl;

absl::Status FileError(const char* parameter, const std::string& path,
                       const boost::system::error_code& ec) {
  return absl::InvalidArgumentError(
      absl::StrCat("TLS ", parameter, " '", path, "' cannot be loaded: ", ec.message()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsFiles& files) {
  if (files.cert_file.empty() || files.key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both 'cert-file' and 'key-file'");
  }
  if (files.cert_required && files.trust_anchor.empty()) {
    return absl::InvalidArgumentError(
        "TLS with 'cert-required' true (the default) needs a 'trust-anchor' to verify client "
        "certificates; give one, or set 'cert-required' to false");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec) return absl::InternalError(absl::StrCat("TLS options: ", ec.message()));

  if (!files.trust_anchor.empty()) {
    std::error_code fs_error;
    if (std::filesystem::is_directory(files.trust_anchor, fs_error)) {
      context->add_verify_path(files.trust_anchor, ec);
    } else {
      context->load_verify_file(files.trust_anchor, ec);
    }
    if (ec) return FileError("trust-anchor", files.trust_anchor, ec);
  }

  context->use_certificate_chain_file(files.cert_file, ec);
  if (ec) return FileError("cert-file", files.cert_file, ec);
  context->use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS key-file '", files.key_file, "' cannot be loaded or does not match cert-file '",
        files.cert_file, "': ", ec.message()));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS key-file '", files.key_file, "' does not match cert-file '", files.cert_file, "'"));
  }

  // Without a trust anchor there is nothing to verify a client against.
  ssl::verify_mode mode = files.trust_anchor.empty() ? ssl::verify_none : ssl::verify_peer;
  if (files.cert_required) mode |= ssl::verify_fail_if_no_peer_cert;
  context->set_verify_mode(mode, ec);
  if (ec) return absl::InternalError(absl::StrCat("TLS verify mode: ", ec.message()));
  return context;
}

}  // namespace shoal::control
