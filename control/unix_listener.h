// The UNIX stream control socket, with Kea 2.2 daemon semantics: a client
// connects, writes one JSON command, and the server replies with one JSON
// answer and closes the connection.
//
// The command may arrive in any number of pieces; it is complete when one
// JSON map or list has been closed (comments allowed) or the client
// half-closes its side. A command larger than `max_command_size` gets a
// result-1 answer and the connection is closed; a client that has not sent
// a complete command within `timeout` (10 s, as Kea) gets "Connection over
// control channel timed out" and is closed. Replies to requests with
// `service` are lists, as over HTTP (see command_registry.h).
//
// The socket file: its path must fit sun_path (at most 107 bytes on Linux);
// a stale socket file left by a dead process is replaced; a path that is not
// a socket, or a socket another process still listens on, is an error. Stop()
// removes the socket file if it is still the one this listener created.
//
// Threading and lifetime: as HttpListener — own io_context thread(s),
// registry must outlive the listener, Stop() (also run by the destructor)
// closes everything and joins.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "control/command_registry.h"

namespace shoal::control {

struct UnixListenerOptions {
  size_t max_command_size = 1 << 20;  // bytes
  std::chrono::milliseconds timeout{10000};
  int threads = 1;
  size_t max_connections = 64;
};

class UnixListener {
 public:
  // `config.type` must be kUnix and `config.socket_name` the path.
  // Errors: InvalidArgument (empty or too long path), FailedPrecondition (the
  // path exists and is not a socket), AlreadyExists (another process listens
  // on it), Unavailable (bind/listen failed; the message names the path).
  static absl::StatusOr<std::unique_ptr<UnixListener>> Create(
      const config::ControlSocketConfig& config, const CommandRegistry& registry,
      UnixListenerOptions options = {});

  ~UnixListener();
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  // Idempotent; safe from any thread except the listener's own.
  void Stop();

  const std::string& path() const;

 private:
  struct Impl;
  explicit UnixListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal::control
