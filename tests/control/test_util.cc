#include "test_util.h"

#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"

namespace shoal::control::testing {

TempDir::TempDir() {
  char pattern[] = "/tmp/shoal-ctl-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  if (made != nullptr) path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

namespace {

void SetTimeout(int fd, int timeout_ms) {
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

std::optional<Client> Client::Tcp(uint16_t port, int timeout_ms) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  SetTimeout(fd, timeout_ms);
  return Client(fd);
}

std::optional<Client> Client::Unix(const std::string& path, int timeout_ms) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    ::close(fd);
    return std::nullopt;
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  SetTimeout(fd, timeout_ms);
  return Client(fd);
}

Client::Client(Client&& other) noexcept : fd_(other.fd_), pending_(std::move(other.pending_)) {
  other.fd_ = -1;
}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

bool Client::Send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void Client::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

std::string Client::ReadAll() {
  std::string out = std::move(pending_);
  pending_.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool Client::WaitForClose() {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET || errno == EPIPE;  // EAGAIN: timed out
  }
}

std::optional<Client::HttpResponse> Client::ReadHttpResponse() {
  namespace http = boost::beast::http;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  parser.eager(true);
  std::string data = std::move(pending_);
  pending_.clear();
  size_t used = 0;
  char buf[65536];
  for (;;) {
    if (used < data.size()) {
      boost::beast::error_code ec;
      size_t n = parser.put(boost::asio::buffer(data.data() + used, data.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) ec = {};
      if (ec) return std::nullopt;
      if (parser.is_done()) break;
      if (n > 0) continue;
    }
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!parser.got_some()) return std::nullopt;
      boost::beast::error_code ec;
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return std::nullopt;
      break;
    }
    data.append(buf, static_cast<size_t>(n));
  }
  pending_ = data.substr(used);
  HttpResponse response;
  const auto& message = parser.get();
  response.status = message.result_int();
  for (const auto& field : message) {
    response.headers[absl::AsciiStrToLower(
        std::string(field.name_string().data(), field.name_string().size()))] =
        std::string(field.value().data(), field.value().size());
  }
  response.body = message.body();
  response.keep_alive = message.keep_alive();
  return response;
}

std::string HttpPost(std::string_view body, std::string_view extra_headers, bool keep_alive) {
  std::string request = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (!keep_alive) request += "Connection: close\r\n";
  request += extra_headers;
  request += "\r\n";
  request += body;
  return request;
}

CommandResult RunShell(const std::string& command, const std::string& input, bool merge_stderr) {
  TempDir dir;
  const std::string input_file = dir.path() + "/stdin";
  {
    std::ofstream out(input_file);
    out << input;
  }
  std::string full = "(" + command + ") < '" + input_file + "'";
  if (merge_stderr) full += " 2>&1";
  CommandResult result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool HaveProgram(const std::string& name) {
  return RunShell("command -v " + name + " >/dev/null 2>&1").exit_code == 0;
}

}  // namespace shoal::control::testing
