// HTTP basic authentication for the control API, as Kea's Control Agent does
// it (`authentication` with `type: basic`, a realm and client credentials).
//
// Authentication is required only when at least one client is configured. A
// failed or missing credential is answered by the listener with 401 and
// `WWW-Authenticate: Basic realm="<realm>"`.
//
// Immutable after Create(); safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace shoal::control {

// Used when the configuration gives no realm.
inline constexpr std::string_view kDefaultAuthRealm = "shoal-dhcp4";

class BasicAuth {
 public:
  // Errors: InvalidArgument for an empty user or a user containing ':'
  // (which basic authentication cannot carry), naming the client's index.
  static absl::StatusOr<BasicAuth> Create(std::string realm,
                                          const std::vector<config::HttpClientCredential>& clients);

  // No clients: every request is let in.
  BasicAuth() = default;

  bool required() const { return !credentials_.empty(); }

  // The client a request comes from.
  struct Client {
    std::string user;        // empty when authentication is not required
    bool read_only = false;  // may send only reading commands (IsReadCommand)
  };
  // The client `authorization` (the Authorization header's value, "Basic
  // <base64 of user:password>", scheme case-insensitive) names, or nullopt
  // when the credential matches no configured client. Without clients every
  // request is the anonymous Client{}.
  std::optional<Client> Authenticate(std::string_view authorization) const;
  const std::string& realm() const { return realm_; }

  // True when authentication is not required, or `authorization` (the value
  // of the Authorization header) is "Basic <base64 of user:password>" for a
  // configured client. The scheme name is case-insensitive.
  bool Check(std::string_view authorization) const {
    return Authenticate(authorization).has_value();
  }

  // The WWW-Authenticate header value for a 401 reply.
  std::string Challenge() const;

 private:
  std::string realm_{kDefaultAuthRealm};
  struct Credential {
    std::string text;  // "user:password"
    Client client;
  };
  std::vector<Credential> credentials_;
};

}  // namespace shoal::control
