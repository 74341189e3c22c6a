// The server-side TLS context for an HTTPS control socket (`trust-anchor`,
// `cert-file`, `key-file`, `cert-required`), built on Boost.Asio SSL
// (OpenSSL).
//
// TLS 1.2 or newer only. With cert-required (the default, as in Kea) a client
// must present a certificate signed by the trust anchor (mutual TLS), so a
// trust anchor is required. Without cert-required a client may connect
// without a certificate; one it does present must still verify against the
// trust anchor when one is given (client certificates are not checked at
// all when there is none). The returned context is shared by every
// connection of one listener and is not modified after creation.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/ssl/context.hpp"

namespace shoal::control {

struct TlsFiles {
  std::string trust_anchor;  // CA file, or a directory of hashed CA files; may
                             // be empty when cert_required is false
  std::string cert_file;     // PEM certificate chain of this server
  std::string key_file;      // PEM private key of cert_file
  bool cert_required = true;
};

// Errors: InvalidArgument naming the file and parameter that could not be
// loaded (missing, unreadable, not PEM, key not matching the certificate),
// or the parameter that is missing (cert-file, key-file, or trust-anchor
// when cert_required).
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsFiles& files);

}  // namespace shoal::control
