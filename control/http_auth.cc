#include "control/http_auth.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace shoal::control {
namespace {

// Compares without an early exit on the first differing byte, so response
// timing does not reveal how much of a password matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]);
  }
  return diff == 0;
}

}  // namespace

absl::StatusOr<BasicAuth> BasicAuth::Create(
    std::string realm, const std::vector<config::HttpClientCredential>& clients) {
  BasicAuth auth;
  if (!realm.empty()) auth.realm_ = std::move(realm);
  for (size_t i = 0; i < clients.size(); ++i) {
    const config::HttpClientCredential& client = clients[i];
    if (client.user.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("authentication client #", i + 1, ": 'user' must not be empty"));
    }
    if (absl::StrContains(client.user, ':')) {
      return absl::InvalidArgumentError(absl::StrCat("authentication client #", i + 1,
                                                     ": 'user' must not contain ':' (got '",
                                                     client.user, "')"));
    }
    auth.credentials_.push_back(
        {absl::StrCat(client.user, ":", client.password), {client.user, client.read_only}});
  }
  return auth;
}

std::optional<BasicAuth::Client> BasicAuth::Authenticate(std::string_view authorization) const {
  if (!required()) return Client{};
  absl::string_view value(authorization.data(), authorization.size());
  value = absl::StripAsciiWhitespace(value);
  constexpr absl::string_view kScheme = "basic ";
  if (value.size() <= kScheme.size() || !absl::StartsWithIgnoreCase(value, kScheme)) {
    return std::nullopt;
  }
  value.remove_prefix(kScheme.size());
  value = absl::StripLeadingAsciiWhitespace(value);
  std::string decoded;
  if (!absl::Base64Unescape(value, &decoded)) return std::nullopt;
  // Every credential is compared (in constant time), so the time taken does
  // not tell which one matched.
  const Credential* match = nullptr;
  for (const Credential& credential : credentials_) {
    if (ConstantTimeEquals(decoded, credential.text)) match = &credential;
  }
  if (match == nullptr) return std::nullopt;
  return match->client;
}

std::string BasicAuth::Challenge() const {
  std::string escaped;
  for (char c : realm_) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return absl::StrCat("Basic realm=\"", escaped, "\"");
}

}  // namespace shoal::control
