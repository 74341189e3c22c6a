// Helpers for the control listener tests: blocking POSIX clients with
// receive timeouts (so a server bug fails a test instead of hanging it), an
// HTTP response reader, temp dirs and subprocesses.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::control::testing {

// A directory under /tmp (short, so UNIX socket paths fit), removed on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An open client socket; closed on destruction. Reads time out after
// `timeout_ms` (default 20 s).
class Client {
 public:
  static std::optional<Client> Tcp(uint16_t port, int timeout_ms = 20000);
  static std::optional<Client> Unix(const std::string& path, int timeout_ms = 20000);
  Client(Client&& other) noexcept;
  ~Client();

  bool Send(std::string_view data);
  void ShutdownWrite();
  // Reads until the peer closes, an error, or the timeout; returns all bytes.
  std::string ReadAll();
  // True when the peer has closed (read returns 0 or a reset) within the
  // timeout.
  bool WaitForClose();

  struct HttpResponse {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    bool keep_alive = false;
  };
  // Reads one HTTP response (keeps any bytes after it for the next call).
  std::optional<HttpResponse> ReadHttpResponse();

  int fd() const { return fd_; }

 private:
  explicit Client(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string pending_;
};

// "POST / HTTP/1.1" with Content-Type application/json and Content-Length.
std::string HttpPost(std::string_view body, std::string_view extra_headers = "",
                     bool keep_alive = true);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (and stderr when merged)
};
// Runs `command` through /bin/sh with `input` on stdin; stderr is merged
// into the output when `merge_stderr`.
CommandResult RunShell(const std::string& command, const std::string& input = "",
                       bool merge_stderr = true);
bool HaveProgram(const std::string& name);

}  // namespace shoal::control::testing
