// The HTTP(S) control channel: a Boost.Beast HTTP/1.1 server that feeds each
// POSTed JSON command to a CommandRegistry and returns its reply, as Kea's
// Control Agent does (kea-api-facts.md §1.3).
//
// Per request, in this order: basic authentication when clients are
// configured (401 + WWW-Authenticate), method POST (else 405), Content-Type
// application/json (else 415), body at most `body_limit` bytes (else 413);
// then HTTP 200 with the registry's JSON reply. Every HTTP-level error has
// the JSON body {"result": <HTTP status>, "text": "<reason phrase>"}. Any
// URL path is accepted (kea-shell --path, reverse proxies). Keep-alive is
// honoured; an error before the body was read closes the connection.
//
// Threading: the listener owns an io_context run by `threads` threads of its
// own; command handlers run on those threads, never on DHCP packet threads.
// Connections are independent: a slow, silent or half-open client only
// holds its own connection until `idle_timeout` (10 s, as Kea) closes it.
// At most `max_connections` are open at once; further ones are closed on
// accept.
//
// Lifetime: the registry must outlive the listener. Stop() (also run by the
// destructor) closes the listening socket and every connection and joins the
// threads; requests in flight are dropped.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "control/command_registry.h"

namespace shoal::control {

struct HttpListenerOptions {
  size_t body_limit = 1 << 20;  // bytes of request body
  size_t header_limit = 16 << 10;
  // Deadline for each read of a whole request (headers and body), each write
  // and the TLS handshake, and the idle time between keep-alive requests.
  std::chrono::milliseconds idle_timeout{10000};
  int threads = 2;
  size_t max_connections = 256;
};

class HttpListener {
 public:
  // Binds and starts serving. `config.type` must be kHttp or kHttps; TLS is
  // on when the type is kHttps or any TLS file is given, and then needs
  // cert_file and key_file, and trust_anchor when cert_required (see
  // tls_context.h). Port 0 binds an ephemeral port (see port()).
  // Errors: InvalidArgument for a bad address, TLS file or credential;
  // Unavailable when the address:port cannot be bound (the message names it).
  static absl::StatusOr<std::unique_ptr<HttpListener>> Create(
      const config::ControlSocketConfig& config, const CommandRegistry& registry,
      HttpListenerOptions options = {});

  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Idempotent; safe from any thread except the listener's own.
  void Stop();

  // The bound port (the real one when the configuration said 0).
  uint16_t port() const;
  // "address:port" ("[v6]:port"), as bound.
  std::string endpoint() const;
  bool tls() const;

 private:
  struct Impl;
  explicit HttpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::control
