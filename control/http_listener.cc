#include "control/http_listener.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "control/http_auth.h"
#include "control/json_text.h"
#include "control/io_loop.h"
#include "control/tls_context.h"
#include "nlohmann/json.hpp"

namespace shoal::control {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

// How long a closing connection may take to drain what the client still
// sends (so it reads our error reply instead of a reset), and how much of it.
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr size_t kMaxLingerBytes = 8 << 20;

// State shared by the listener and its connections; a connection keeps it
// alive until it is destroyed.
struct Shared {
  Shared(const CommandRegistry& r, BasicAuth a, HttpListenerOptions o,
         std::shared_ptr<asio::ssl::context> t)
      : registry(r), auth(std::move(a)), options(o), tls(std::move(t)) {}
  const CommandRegistry& registry;
  const BasicAuth auth;
  const HttpListenerOptions options;
  const std::shared_ptr<asio::ssl::context> tls;  // null: plain HTTP
  std::atomic<size_t> connections{0};
};

std::string EndpointText(const tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) return absl::StrCat("[", address, "]:", endpoint.port());
  return absl::StrCat(address, ":", endpoint.port());
}

Response JsonResponse(http::status status, unsigned version, bool keep_alive, std::string body) {
  Response res{status, version};
  res.set(http::field::server, "shoal");
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Kea's HTTP-level error body: {"result": <status>, "text": "<reason>"}.
Response ErrorResponse(http::status status, unsigned version) {
  const beast::string_view reason = http::obsolete_reason(status);
  nlohmann::json body = {{"result", static_cast<int>(status)},
                         {"text", std::string(reason.data(), reason.size())}};
  return JsonResponse(status, version, /*keep_alive=*/false, body.dump());
}

bool IsJsonContentType(beast::string_view value) {
  absl::string_view media(value.data(), value.size());
  media = media.substr(0, media.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media), "application/json");
}

// The checks that need only the header. A refusal closes the connection
// without reading the body.
// The command a request body names when it is not a reading command
// (IsReadCommand); nullopt for reading commands and for bodies that name no
// command (the registry answers those with an error and runs nothing).
std::optional<std::string> WriteCommandOf(std::string_view body) {
  absl::StatusOr<std::string> stripped = StripJsonComments(body);
  if (!stripped.ok()) return std::nullopt;
  nlohmann::json request = nlohmann::json::parse(*stripped, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object() || !request.contains("command") || !request["command"].is_string()) {
    return std::nullopt;
  }
  std::string command = request["command"].get<std::string>();
  if (IsReadCommand(command)) return std::nullopt;
  return command;
}

// Sets `client` to who sent the request.
std::optional<Response> CheckHeader(const http::request_header<>& req, const Shared& shared,
                                    BasicAuth::Client& client) {
  client = BasicAuth::Client{};
  if (shared.auth.required()) {
    auto it = req.find(http::field::authorization);
    std::optional<BasicAuth::Client> who =
        it == req.end()
            ? std::nullopt
            : shared.auth.Authenticate(std::string_view(it->value().data(), it->value().size()));
    if (!who) {
      Response res = ErrorResponse(http::status::unauthorized, req.version());
      res.set(http::field::www_authenticate, shared.auth.Challenge());
      return res;
    }
    client = std::move(*who);
  }
  if (req.method() != http::verb::post) {
    Response res = ErrorResponse(http::status::method_not_allowed, req.version());
    res.set(http::field::allow, "POST");
    return res;
  }
  auto content_type = req.find(http::field::content_type);
  if (content_type == req.end() || !IsJsonContentType(content_type->value())) {
    return ErrorResponse(http::status::unsupported_media_type, req.version());
  }
  return std::nullopt;
}

// One client connection. Stream is beast::tcp_stream (HTTP) or
// beast::ssl_stream<beast::tcp_stream> (HTTPS). Every member is touched only
// from the connection's strand.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared)
      : shared_(std::move(shared)), stream_(MakeStream(std::move(socket), *shared_)) {
    ++shared_->connections;
  }
  ~Session() { --shared_->connections; }

  void Start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::DoStart, this->shared_from_this()));
  }

 private:
  static Stream MakeStream(tcp::socket&& socket, Shared& shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const HttpListenerOptions& options() const { return shared_->options; }

  void DoStart() {
    beast::error_code ec;
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if constexpr (kTls) {
      lowest().expires_after(options().idle_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    } else {
      ReadHeader();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) return Close();  // no certificate, bad certificate, not TLS, timeout
    ReadHeader();
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().header_limit));
    parser_->body_limit(options().body_limit);
    // One deadline for the whole request, header and body: a client that
    // dribbles bytes cannot hold the connection longer than idle_timeout.
    lowest().expires_after(options().idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (std::optional<Response> refusal = CheckHeader(req, *shared_, client_)) {
      return Send(std::move(*refusal), /*close=*/true);
    }
    if (parser_->content_length() && *parser_->content_length() > options().body_limit) {
      return Send(ErrorResponse(http::status::payload_too_large, req.version()), true);
    }
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(
          stream_, *continue_,
          beast::bind_front_handler(&Session::OnContinueWritten, this->shared_from_this()));
    }
    ReadBody();
  }

  void OnContinueWritten(beast::error_code ec, size_t) {
    continue_.reset();
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnBody, this->shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    const bool keep_alive = req.keep_alive();
    std::string_view body(req.body().data(), req.body().size());
    if (client_.read_only) {
      if (std::optional<std::string> command = WriteCommandOf(body)) {
        nlohmann::json refusal = {
            {"result", 403},
            {"text", absl::StrCat("user '", client_.user, "' may only read; '", *command,
                                  "' is refused (read-only in the control socket's "
                                  "authentication clients)")}};
        return Send(JsonResponse(http::status::forbidden, req.version(), keep_alive,
                                 refusal.dump()),
                    !keep_alive);
      }
    }
    std::string reply = CommandRegistry::Serialize(
        shared_->registry.HandleRequestText(body, RequestContext{client_.user}));
    Send(JsonResponse(http::status::ok, req.version(), keep_alive, std::move(reply)), !keep_alive);
  }

  void OnReadError(beast::error_code ec) {
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    if (ec == http::error::body_limit) {
      return Send(ErrorResponse(http::status::payload_too_large, version), true);
    }
    if (ec == http::error::header_limit) {
      return Send(ErrorResponse(http::status::request_header_fields_too_large, version), true);
    }
    // end_of_stream (client closed between requests) is in the HTTP category
    // but is no error to answer.
    if (ec != http::error::end_of_stream && ec != http::error::partial_message &&
        ec.category() == beast::error_code(http::error::end_of_stream).category()) {
      return Send(ErrorResponse(http::status::bad_request, version), true);
    }
    Close();  // timeout, reset, TLS failure, EOF
  }

  void Send(Response res, bool close) {
    response_.emplace(std::move(res));
    close_after_write_ = close;
    if (close) response_->keep_alive(false);
    lowest().expires_after(options().idle_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    response_.reset();
    if (ec) return Close();
    if (close_after_write_) return Shutdown();
    ReadHeader();
  }

  void Shutdown() {
    lowest().expires_after(std::min<std::chrono::milliseconds>(kMaxLinger, options().idle_timeout));
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Close(); });
    } else {
      // Lingering close: stop sending, then read and drop what the client
      // still sends, so closing with unread data does not reset the
      // connection before the client has read our reply.
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return Close();
      Drain();
    }
  }

  void Drain() {
    lowest().async_read_some(asio::buffer(drain_buffer_),
                             [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ > kMaxLingerBytes) return self->Close();
                               self->Drain();
                             });
  }

  void Close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }

  std::shared_ptr<Shared> shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  BasicAuth::Client client_;  // who sent the request being read
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<Response> response_;
  bool close_after_write_ = false;
  std::array<char, 4096> drain_buffer_;
  size_t drained_ = 0;
};

}  // namespace

struct HttpListener::Impl {
  std::shared_ptr<Shared> shared;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> retry_timer;
  std::vector<std::thread> threads;
  tcp::endpoint endpoint;
  absl::Mutex stop_mutex;
  bool stopped ABSL_GUARDED_BY(stop_mutex) = false;

  void Accept() {
    acceptor->async_accept(
        asio::make_strand(*ioc),
        [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // listener stopped
    if (ec) {
      // Out of descriptors or a similar transient failure: retry shortly
      // instead of spinning.
      retry_timer->expires_after(std::chrono::milliseconds(100));
      retry_timer->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    if (shared->connections.load() >= shared->options.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
    } else if (shared->tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), shared)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(std::move(socket), shared)->Start();
    }
    Accept();
  }

  void Run() { RunListenerLoop(*ioc); }

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
    acceptor.reset();  // closes the listening socket
    ioc.reset();       // destroys every pending operation, closing each connection
  }
};

HttpListener::HttpListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpListener::~HttpListener() { Stop(); }

void HttpListener::Stop() { impl_->Stop(); }

uint16_t HttpListener::port() const { return impl_->endpoint.port(); }

std::string HttpListener::endpoint() const { return EndpointText(impl_->endpoint); }

bool HttpListener::tls() const { return impl_->shared->tls != nullptr; }

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Create(
    const config::ControlSocketConfig& config, const CommandRegistry& registry,
    HttpListenerOptions options) {
  using Type = config::ControlSocketConfig::Type;
  if (config.type == Type::kUnix) {
    return absl::InvalidArgumentError(
        "control socket of type 'unix' cannot be served by the HTTP listener");
  }
  if (options.threads < 1 || options.body_limit == 0 || options.max_connections == 0 ||
      options.idle_timeout.count() <= 0) {
    return absl::InvalidArgumentError(
        "HTTP listener options: threads, body_limit, max_connections and idle_timeout must be "
        "positive");
  }
  absl::StatusOr<BasicAuth> auth = BasicAuth::Create(config.auth_realm, config.auth_clients);
  if (!auth.ok()) return auth.status();

  const bool want_tls = config.type == Type::kHttps || !config.trust_anchor.empty() ||
                        !config.cert_file.empty() || !config.key_file.empty();
  std::shared_ptr<asio::ssl::context> tls;
  if (want_tls) {
    absl::StatusOr<std::shared_ptr<asio::ssl::context>> context = MakeServerTlsContext(
        {config.trust_anchor, config.cert_file, config.key_file, config.cert_required});
    if (!context.ok()) return context.status();
    tls = *std::move(context);
  }

  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(config.socket_address, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("control socket 'socket-address' '",
                                                   config.socket_address,
                                                   "' is not an IPv4 or IPv6 address"));
  }
  const tcp::endpoint wanted(address, config.socket_port);

  auto impl = std::make_unique<Impl>();
  impl->shared = std::make_shared<Shared>(registry, *std::move(auth), options, std::move(tls));
  impl->ioc = std::make_unique<asio::io_context>(options.threads);
  impl->acceptor = std::make_unique<tcp::acceptor>(*impl->ioc);
  impl->retry_timer = std::make_unique<asio::steady_timer>(*impl->ioc);
  auto bind_error = [&](const char* step) {
    return absl::UnavailableError(absl::StrCat("cannot ", step, " HTTP control socket ",
                                               EndpointText(wanted), ": ", ec.message()));
  };
  impl->acceptor->open(wanted.protocol(), ec);
  if (ec) return bind_error("open");
  impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return bind_error("configure");
  impl->acceptor->bind(wanted, ec);
  if (ec) return bind_error("bind");
  impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return bind_error("listen on");
  impl->endpoint = impl->acceptor->local_endpoint(ec);
  if (ec) return bind_error("read the address of");

  impl->work.emplace(impl->ioc->get_executor());
  impl->Accept();
  Impl* raw = impl.get();
  for (int i = 0; i < options.threads; ++i) {
    raw->threads.emplace_back([raw] { raw->Run(); });
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

}  // namespace shoal::control
