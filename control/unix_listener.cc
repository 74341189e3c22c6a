#include "control/unix_listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/bind_executor.hpp"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/local/stream_protocol.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/write.hpp"
#include "control/io_loop.h"
#include "control/json_text.h"

namespace shoal::control {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using Protocol = asio::local::stream_protocol;

constexpr size_t kMaxPathLength = sizeof(sockaddr_un{}.sun_path) - 1;

struct Shared {
  Shared(const CommandRegistry& r, UnixListenerOptions o) : registry(r), options(o) {}
  const CommandRegistry& registry;
  const UnixListenerOptions options;
  std::atomic<size_t> connections{0};
};

// One client: read one command, write one reply, close. Every member is
// touched only from the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Protocol::socket&& socket, std::shared_ptr<Shared> shared)
      : shared_(std::move(shared)), socket_(std::move(socket)), timer_(socket_.get_executor()) {
    ++shared_->connections;
  }
  ~Session() { --shared_->connections; }

  void Start() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->timer_.expires_after(self->shared_->options.timeout);
      self->timer_.async_wait([self](error_code ec) { self->OnTimeout(ec); });
      self->Read();
    });
  }

 private:
  void Read() {
    socket_.async_read_some(
        asio::buffer(chunk_),
        [self = shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, size_t n) {
    if (!reading_) return;  // timed out meanwhile
    if (n > 0) {
      const std::string_view piece(chunk_.data(), n);
      if (received_.size() + n > shared_->options.max_command_size) {
        return Reply(
            CommandAnswer::Error(absl::StrCat("Error during command processing: command is "
                                              "larger than the limit of ",
                                              shared_->options.max_command_size, " bytes"))
                .ToJson());
      }
      received_.append(piece);
      if (scanner_.Feed(piece)) {
        if (scanner_.end()) received_.resize(*scanner_.end());
        return Reply(shared_->registry.HandleRequestText(received_));
      }
    }
    if (ec == asio::error::eof) {
      // Half-close: what we have is all there is.
      if (received_.empty()) return Close();
      return Reply(shared_->registry.HandleRequestText(received_));
    }
    if (ec) return Close();
    Read();
  }

  void OnTimeout(error_code ec) {
    if (ec) return;                 // cancelled
    if (!reading_) return Close();  // the reply did not get out in time
    std::string text = "Connection over control channel timed out";
    if (!received_.empty()) {
      absl::StrAppend(&text, ", discarded partial command of ", received_.size(), " bytes");
    }
    Reply(CommandAnswer::Error(std::move(text)).ToJson());
  }

  void Reply(const nlohmann::json& answer) {
    reading_ = false;
    error_code ignored;
    socket_.cancel(ignored);  // a pending read completes with operation_aborted
    reply_ = CommandRegistry::Serialize(answer);
    timer_.expires_after(shared_->options.timeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) { self->OnTimeout(ec); });
    asio::async_write(socket_, asio::buffer(reply_),
                      [self = shared_from_this()](error_code, size_t) { self->Close(); });
  }

  void Close() {
    error_code ignored;
    timer_.cancel();
    socket_.shutdown(Protocol::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  std::shared_ptr<Shared> shared_;
  Protocol::socket socket_;
  asio::steady_timer timer_;
  std::array<char, 4096> chunk_;
  std::string received_;
  JsonCompletenessScanner scanner_;
  std::string reply_;
  bool reading_ = true;
};

absl::StatusOr<struct stat> StatPath(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("'", path, "': ", std::strerror(errno)));
  }
  return st;
}

// Removes a socket file nobody listens on any more; refuses anything else.
absl::Status RemoveStaleSocket(const std::string& path, asio::io_context& ioc) {
  absl::StatusOr<struct stat> st = StatPath(path);
  if (!st.ok()) return absl::OkStatus();  // nothing there
  if (!S_ISSOCK(st->st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("control socket path '", path,
                     "' exists and is not a socket; remove it or choose "
                     "another 'socket-name'"));
  }
  Protocol::socket probe(ioc);
  error_code ec;
  probe.open(Protocol(), ec);
  if (!ec) probe.non_blocking(true, ec);
  if (!ec) probe.connect(Protocol::endpoint(path), ec);
  if (!ec || ec == asio::error::would_block || ec == asio::error::try_again) {
    return absl::AlreadyExistsError(
        absl::StrCat("control socket '", path,
                     "' is in use by another process (a server is listening on "
                     "it)"));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(
        absl::StrCat("cannot remove stale control socket '", path, "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

struct UnixListener::Impl {
  std::string path;
  dev_t device = 0;
  ino_t inode = 0;
  std::shared_ptr<Shared> shared;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<Protocol::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> retry_timer;
  std::vector<std::thread> threads;
  absl::Mutex stop_mutex;
  bool stopped ABSL_GUARDED_BY(stop_mutex) = false;

  void Accept() {
    acceptor->async_accept(asio::make_strand(*ioc), [this](error_code ec, Protocol::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(error_code ec, Protocol::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      retry_timer->expires_after(std::chrono::milliseconds(100));
      retry_timer->async_wait([this](error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    if (shared->connections.load() >= shared->options.max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), shared)->Start();
    }
    Accept();
  }

  void Run() { RunListenerLoop(*ioc); }

  void RemoveSocketFile() {
    absl::StatusOr<struct stat> st = StatPath(path);
    if (st.ok() && st->st_dev == device && st->st_ino == inode) ::unlink(path.c_str());
  }

  void Stop() {
    absl::MutexLock lock(&stop_mutex);
    if (stopped) return;
    stopped = true;
    work.reset();
    ioc->stop();
    for (std::thread& thread : threads) {
      if (thread.joinable()) thread.join();
    }
    threads.clear();
    retry_timer.reset();
    acceptor.reset();
    ioc.reset();
    RemoveSocketFile();
  }
};

UnixListener::UnixListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UnixListener::~UnixListener() { Stop(); }

void UnixListener::Stop() { impl_->Stop(); }

const std::string& UnixListener::path() const { return impl_->path; }

absl::StatusOr<std::unique_ptr<UnixListener>> UnixListener::Create(
    const config::ControlSocketConfig& config, const CommandRegistry& registry,
    UnixListenerOptions options) {
  if (config.type != config::ControlSocketConfig::Type::kUnix) {
    return absl::InvalidArgumentError(
        "control socket of type 'http'/'https' cannot be served by the UNIX listener");
  }
  const std::string& path = config.socket_name;
  if (path.empty()) {
    return absl::InvalidArgumentError("control socket 'socket-name' must not be empty");
  }
  if (path.size() > kMaxPathLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "control socket 'socket-name' '", path, "' is ", path.size(),
        " bytes long; a UNIX socket path can have at most ", kMaxPathLength, " bytes (sun_path)"));
  }
  if (path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("control socket 'socket-name' contains a NUL byte");
  }
  if (options.threads < 1 || options.max_command_size == 0 || options.max_connections == 0 ||
      options.timeout.count() <= 0) {
    return absl::InvalidArgumentError(
        "UNIX listener options: threads, max_command_size, max_connections and timeout must "
        "be positive");
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->shared = std::make_shared<Shared>(registry, options);
  impl->ioc = std::make_unique<asio::io_context>(options.threads);
  if (absl::Status stale = RemoveStaleSocket(path, *impl->ioc); !stale.ok()) return stale;

  impl->acceptor = std::make_unique<Protocol::acceptor>(*impl->ioc);
  impl->retry_timer = std::make_unique<asio::steady_timer>(*impl->ioc);
  error_code ec;
  auto fail = [&](const char* step) {
    return absl::UnavailableError(
        absl::StrCat("cannot ", step, " control socket '", path, "': ", ec.message()));
  };
  impl->acceptor->open(Protocol(), ec);
  if (ec) return fail("open");
  impl->acceptor->bind(Protocol::endpoint(path), ec);
  if (ec) return fail("bind");
  absl::StatusOr<struct stat> st = StatPath(path);
  if (!st.ok()) {
    return absl::UnavailableError(
        absl::StrCat("control socket vanished right after bind: ", st.status().message()));
  }
  impl->device = st->st_dev;
  impl->inode = st->st_ino;
  impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    impl->RemoveSocketFile();
    return fail("listen on");
  }

  impl->work.emplace(impl->ioc->get_executor());
  impl->Accept();
  Impl* raw = impl.get();
  for (int i = 0; i < options.threads; ++i) {
    raw->threads.emplace_back([raw] { raw->Run(); });
  }
  return std::unique_ptr<UnixListener>(new UnixListener(std::move(impl)));
}

}  // namespace shoal::control
