#include "control/http_listener.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace shoal::control {
namespace {

using nlohmann::json;
using testing::Client;
using ::testing::HasSubstr;
using testing::HttpPost;

void RegisterTestCommands(CommandRegistry& registry) {
  ASSERT_TRUE(registry
                  .Register("echo",
                            [](const json& arguments) {
                              return CommandAnswer::Success("echoed", arguments);
                            })
                  .ok());
  ASSERT_TRUE(registry
                  .Register("list-commands",
                            [&registry](const json&) {
                              return CommandAnswer::Success("", json(registry.names()));
                            })
                  .ok());
}

config::ControlSocketConfig HttpConfig() {
  config::ControlSocketConfig config;
  config.type = config::ControlSocketConfig::Type::kHttp;
  config.socket_address = "127.0.0.1";
  config.socket_port = 0;
  return config;
}

class HttpListenerTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterTestCommands(registry_); }

  void Start(config::ControlSocketConfig config = HttpConfig(), HttpListenerOptions options = {}) {
    absl::StatusOr<std::unique_ptr<HttpListener>> listener =
        HttpListener::Create(config, registry_, options);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    ASSERT_NE(listener_->port(), 0);
  }

  Client Connect() {
    std::optional<Client> client = Client::Tcp(listener_->port());
    EXPECT_TRUE(client.has_value());
    return std::move(*client);
  }

  // One request on a fresh connection.
  std::optional<Client::HttpResponse> Exchange(const std::string& raw) {
    Client client = Connect();
    if (!client.Send(raw)) return std::nullopt;
    return client.ReadHttpResponse();
  }

  CommandRegistry registry_;
  std::unique_ptr<HttpListener> listener_;
};

TEST_F(HttpListenerTest, PostReturnsTheRegistryReply) {
  Start();
  auto response = Exchange(HttpPost(R"({"command": "echo", "arguments": {"x": 1}})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->headers["content-type"], "application/json");
  EXPECT_EQ(json::parse(response->body),
            json({{"result", 0}, {"text", "echoed"}, {"arguments", {{"x", 1}}}}));
}

TEST_F(HttpListenerTest, ServiceGivesAListReply) {
  Start();
  auto response = Exchange(HttpPost(R"({"command": "list-commands", "service": ["dhcp4"]})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(json::parse(response->body),
            json::array({{{"result", 0}, {"arguments", {"echo", "list-commands"}}}}));
}

TEST_F(HttpListenerTest, AnyPathIsAccepted) {
  Start();
  std::string request = HttpPost(R"({"command": "echo"})");
  request.replace(0, 6, "POST /some/proxy/path");
  auto response = Exchange(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
}

TEST_F(HttpListenerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  Client client = Connect();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        client.Send(HttpPost(R"({"command": "echo", "arguments": )" + std::to_string(i) + "}")));
    auto response = client.ReadHttpResponse();
    ASSERT_TRUE(response) << i;
    EXPECT_TRUE(response->keep_alive);
    EXPECT_EQ(json::parse(response->body)["arguments"], i);
  }
  // Pipelined requests are answered in order.
  ASSERT_TRUE(client.Send(HttpPost(R"({"command": "echo", "arguments": "a"})") +
                          HttpPost(R"({"command": "echo", "arguments": "b"})", "", false)));
  auto first = client.ReadHttpResponse();
  auto second = client.ReadHttpResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(json::parse(first->body)["arguments"], "a");
  EXPECT_EQ(json::parse(second->body)["arguments"], "b");
  EXPECT_FALSE(second->keep_alive);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpListenerTest, MalformedJsonIsResultOneWithHttp200) {
  Start();
  auto response = Exchange(HttpPost("{\"command\": "));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  json body = json::parse(response->body);
  EXPECT_EQ(body["result"], 1);
  EXPECT_THAT(body["text"].get<std::string>(), HasSubstr("Error during command processing"));
}

TEST_F(HttpListenerTest, CommentsInCommandsAreAllowed) {
  Start();
  auto response = Exchange(HttpPost("{ # c\n \"command\": /* c */ \"echo\" // c\n }"));
  ASSERT_TRUE(response);
  EXPECT_EQ(json::parse(response->body)["result"], 0);
}

TEST_F(HttpListenerTest, OtherMethodsAre405WithJsonBody) {
  Start();
  auto response = Exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405u);
  EXPECT_EQ(response->headers["allow"], "POST");
  EXPECT_EQ(json::parse(response->body), json({{"result", 405}, {"text", "Method Not Allowed"}}));
}

TEST_F(HttpListenerTest, WrongContentTypeIs415) {
  Start();
  std::string request =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}";
  auto response = Exchange(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 415u);
  EXPECT_EQ(json::parse(response->body),
            json({{"result", 415}, {"text", "Unsupported Media Type"}}));
  // Missing Content-Type too.
  response = Exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 415u);
}

TEST_F(HttpListenerTest, ContentTypeParametersAndCaseAreAccepted) {
  Start();
  std::string body = R"({"command": "echo"})";
  std::string request =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: Application/JSON; "
      "charset=utf-8\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  auto response = Exchange(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
}

TEST_F(HttpListenerTest, GarbageIs400) {
  Start();
  auto response = Exchange("HELLO THERE\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400u);
  EXPECT_EQ(json::parse(response->body)["result"], 400);
}

TEST_F(HttpListenerTest, OversizedBodyIs413) {
  HttpListenerOptions options;
  options.body_limit = 1000;
  Start(HttpConfig(), options);
  // Declared too large: refused after the header, the body is never read
  // (the client still sends it; the lingering close lets it read the reply).
  std::string big(5000, ' ');
  auto response = Exchange(HttpPost("{\"command\": \"echo\"}" + big));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413u);
  EXPECT_EQ(json::parse(response->body), json({{"result", 413}, {"text", "Payload Too Large"}}));

  // Chunked, so the size is only known while reading.
  std::string chunked =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) chunked += "1f4\r\n" + std::string(500, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  response = Exchange(chunked);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413u);

  // Just under the limit is fine.
  std::string fits = "{\"command\": \"echo\"}";
  fits += std::string(1000 - fits.size(), ' ');
  response = Exchange(HttpPost(fits));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
}

TEST_F(HttpListenerTest, DefaultBodyLimitIsOneMebibyteAndCurlSeesThe413) {
  if (!testing::HaveProgram("curl")) GTEST_SKIP() << "curl not installed";
  Start();
  testing::TempDir dir;
  std::string body =
      "{\"command\": \"echo\", \"arguments\": \"" + std::string(2 << 20, 'a') + "\"}";
  testing::CommandResult result = testing::RunShell(
      "curl -s --max-time 30 -o - -w '\\n%{http_code}' -X POST -H 'Content-Type: "
      "application/json' --data-binary @- http://127.0.0.1:" +
          std::to_string(listener_->port()) + "/",
      body);
  EXPECT_THAT(result.output, HasSubstr("\"result\":413")) << result.output.substr(0, 500);
  EXPECT_THAT(result.output, HasSubstr("\n413"));
}

TEST_F(HttpListenerTest, ExpectContinueIsHonoured) {
  Start();
  Client client = Connect();
  std::string body = R"({"command": "echo", "arguments": "later"})";
  std::string head = HttpPost("", "Expect: 100-continue\r\n");
  // Replace the zero Content-Length with the real one.
  head.replace(head.find("Content-Length: 0"), 17,
               "Content-Length: " + std::to_string(body.size()));
  ASSERT_TRUE(client.Send(head));
  auto interim = client.ReadHttpResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100u);
  ASSERT_TRUE(client.Send(body));
  auto response = client.ReadHttpResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(json::parse(response->body)["arguments"], "later");
}

TEST_F(HttpListenerTest, HugeHeaderIs431) {
  Start();
  auto response = Exchange(HttpPost("{}", "X-Junk: " + std::string(100000, 'j') + "\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431u);
}

TEST_F(HttpListenerTest, BasicAuthentication) {
  config::ControlSocketConfig config = HttpConfig();
  config.auth_realm = "shoal-test";
  config.auth_clients = {{"admin", "1234"}};
  Start(config);
  const std::string command = R"({"command": "echo"})";

  auto response = Exchange(HttpPost(command));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401u);
  EXPECT_EQ(response->headers["www-authenticate"], "Basic realm=\"shoal-test\"");
  EXPECT_EQ(json::parse(response->body), json({{"result", 401}, {"text", "Unauthorized"}}));

  // admin:wrong
  response = Exchange(HttpPost(command, "Authorization: Basic YWRtaW46d3Jvbmc=\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401u);

  // admin:1234
  response = Exchange(HttpPost(command, "Authorization: Basic YWRtaW46MTIzNA==\r\n"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(json::parse(response->body)["result"], 0);

  // An auth failure with `service` is still a single map, as in Kea.
  response = Exchange(HttpPost(R"({"command": "echo", "service": ["dhcp4"]})"));
  ASSERT_TRUE(response);
  EXPECT_TRUE(json::parse(response->body).is_object());
}

TEST_F(HttpListenerTest, ReadOnlyClientsMayOnlyReadAndHandlersKnowTheUser) {
  ASSERT_TRUE(registry_
                  .RegisterWithContext("whoami-get",
                                       [](const json&, const RequestContext& context) {
                                         return CommandAnswer::Success(context.user);
                                       })
                  .ok());
  ASSERT_TRUE(registry_
                  .Register("thing-set", [](const json&) { return CommandAnswer::Success("set"); })
                  .ok());
  config::ControlSocketConfig config = HttpConfig();
  config.auth_clients = {{"admin", "1234"}, {"viewer", "look", /*read_only=*/true}};
  Start(config);
  const std::string viewer = "Authorization: Basic dmlld2VyOmxvb2s=\r\n";  // viewer:look
  const std::string admin = "Authorization: Basic YWRtaW46MTIzNA==\r\n";   // admin:1234

  auto response = Exchange(HttpPost(R"({"command": "whoami-get"})", viewer));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(json::parse(response->body)["text"], "viewer");

  response = Exchange(HttpPost(R"({"command": /* c */ "thing-set"})", viewer));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403u);
  json refusal = json::parse(response->body);
  EXPECT_EQ(refusal["result"], 403);
  EXPECT_THAT(refusal["text"].get<std::string>(),
              ::testing::HasSubstr("user 'viewer' may only read; 'thing-set' is refused"));

  response = Exchange(HttpPost(R"({"command": "thing-set"})", admin));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(json::parse(response->body)["text"], "set");
  response = Exchange(HttpPost(R"({"command": "whoami-get"})", admin));
  ASSERT_TRUE(response);
  EXPECT_EQ(json::parse(response->body)["text"], "admin");

  // A body that names no command runs nothing; the registry says why.
  response = Exchange(HttpPost(R"({"arguments": 1})", viewer));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(json::parse(response->body)["result"], 1);
}

TEST(IsReadCommand, ReadsAreGetsListsAndDescriptions) {
  for (const char* read : {"list-commands", "build-report", "config-get", "status-get",
                           "remote-subnet4-get-by-id", "remote-class4-get-all", "lease4-get-page",
                           "remote-subnet4-list", "config-history-get", "stat-lease4-get"}) {
    EXPECT_TRUE(IsReadCommand(read)) << read;
  }
  for (const char* write : {"config-set", "config-test", "config-write", "remote-subnet4-set",
                            "lease4-del", "leases-reclaim", "shutdown", "dhcp-disable",
                            "statistic-reset", "config-backend-pull", "getaway"}) {
    EXPECT_FALSE(IsReadCommand(write)) << write;
  }
}

TEST_F(HttpListenerTest, SilentAndSlowClientsDoNotBlockOthers) {
  HttpListenerOptions options;
  options.threads = 1;  // the worst case: one thread for everything
  Start(HttpConfig(), options);
  std::vector<Client> stalled;
  for (int i = 0; i < 10; ++i) {
    stalled.push_back(Connect());  // says nothing at all
    Client partial = Connect();
    ASSERT_TRUE(partial.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: app"));
    stalled.push_back(std::move(partial));
    Client half_body = Connect();
    ASSERT_TRUE(half_body.Send(HttpPost(R"({"command": "echo"})").substr(0, 100)));
    stalled.push_back(std::move(half_body));
  }
  for (int i = 0; i < 3; ++i) {
    auto response = Exchange(HttpPost(R"({"command": "echo"})"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200u);
  }
}

TEST_F(HttpListenerTest, IdleAndSlowConnectionsAreClosedAfterTheTimeout) {
  HttpListenerOptions options;
  options.idle_timeout = std::chrono::milliseconds(300);
  Start(HttpConfig(), options);
  Client silent = Connect();
  Client slow = Connect();
  // Dribble a header byte by byte: the deadline covers the whole request,
  // so the connection is closed even though bytes keep arriving.
  std::thread dribble([&slow] {
    const std::string head = "POST / HTTP/1.1\r\nX-Slow: " + std::string(200, 's');
    for (char c : head) {
      if (!slow.Send(std::string(1, c))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  EXPECT_TRUE(silent.WaitForClose());
  dribble.join();
  EXPECT_TRUE(slow.WaitForClose());
  // Keep-alive connections idle between requests are closed too.
  Client idle = Connect();
  ASSERT_TRUE(idle.Send(HttpPost(R"({"command": "echo"})")));
  ASSERT_TRUE(idle.ReadHttpResponse());
  EXPECT_TRUE(idle.WaitForClose());
}

TEST_F(HttpListenerTest, FiftyConcurrentClients) {
  std::atomic<int> in_handler{0};
  std::atomic<int> max_in_handler{0};
  ASSERT_TRUE(registry_
                  .Register("slow-echo",
                            [&](const json& arguments) {
                              int now = ++in_handler;
                              int seen = max_in_handler.load();
                              while (now > seen &&
                                     !max_in_handler.compare_exchange_weak(seen, now)) {
                              }
                              std::this_thread::sleep_for(std::chrono::milliseconds(5));
                              --in_handler;
                              return CommandAnswer::Success("", arguments);
                            })
                  .ok());
  HttpListenerOptions options;
  options.threads = 4;
  Start(HttpConfig(), options);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 50; ++t) {
    threads.emplace_back([&, t] {
      std::optional<Client> client = Client::Tcp(listener_->port());
      if (!client) return;
      for (int i = 0; i < 10; ++i) {
        const int value = t * 100 + i;
        if (!client->Send(HttpPost(R"({"command": "slow-echo", "service": ["dhcp4"], )"
                                   R"("arguments": )" +
                                   std::to_string(value) + "}")))
          return;
        auto response = client->ReadHttpResponse();
        if (!response || response->status != 200) return;
        json body = json::parse(response->body, nullptr, false);
        if (!body.is_array() || body[0]["arguments"] != value) return;
      }
      ++good;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 50);
  EXPECT_GE(max_in_handler.load(), 1);
}

TEST_F(HttpListenerTest, ConnectionLimitClosesExtraConnections) {
  HttpListenerOptions options;
  options.max_connections = 2;
  Start(HttpConfig(), options);
  Client a = Connect();
  Client b = Connect();
  // Make sure both are accepted before the third arrives.
  ASSERT_TRUE(a.Send(HttpPost(R"({"command": "echo"})")));
  ASSERT_TRUE(a.ReadHttpResponse());
  ASSERT_TRUE(b.Send(HttpPost(R"({"command": "echo"})")));
  ASSERT_TRUE(b.ReadHttpResponse());
  Client c = Connect();
  EXPECT_TRUE(c.WaitForClose());
  // Once one closes, new connections are served again.
  { Client gone = std::move(a); }
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    std::optional<Client> d = Client::Tcp(listener_->port());
    if (d && d->Send(HttpPost(R"({"command": "echo"})"))) {
      auto response = d->ReadHttpResponse();
      served = response && response->status == 200;
    }
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

TEST_F(HttpListenerTest, StopClosesConnectionsAndTheListeningSocket) {
  Start();
  const uint16_t port = listener_->port();
  Client client = Connect();
  ASSERT_TRUE(client.Send(HttpPost(R"({"command": "echo"})")));
  ASSERT_TRUE(client.ReadHttpResponse());
  listener_->Stop();
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_FALSE(Client::Tcp(port).has_value());
  listener_->Stop();  // idempotent
}

TEST_F(HttpListenerTest, BindErrorNamesTheAddress) {
  Start();
  config::ControlSocketConfig config = HttpConfig();
  config.socket_port = listener_->port();
  absl::StatusOr<std::unique_ptr<HttpListener>> second = HttpListener::Create(config, registry_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("127.0.0.1:" + std::to_string(listener_->port())));
}

TEST_F(HttpListenerTest, BadConfigurationIsRejected) {
  config::ControlSocketConfig config = HttpConfig();
  config.socket_address = "localhost.invalid";
  absl::StatusOr<std::unique_ptr<HttpListener>> listener = HttpListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("localhost.invalid"));

  config = HttpConfig();
  config.type = config::ControlSocketConfig::Type::kUnix;
  EXPECT_FALSE(HttpListener::Create(config, registry_).ok());

  config = HttpConfig();
  config.auth_clients = {{"a:b", "x"}};
  EXPECT_FALSE(HttpListener::Create(config, registry_).ok());

  config = HttpConfig();
  config.cert_file = "/nonexistent/cert.pem";  // TLS needs all three files
  EXPECT_FALSE(HttpListener::Create(config, registry_).ok());
}

TEST_F(HttpListenerTest, Ipv6Loopback) {
  config::ControlSocketConfig config = HttpConfig();
  config.socket_address = "::1";
  absl::StatusOr<std::unique_ptr<HttpListener>> listener = HttpListener::Create(config, registry_);
  if (!listener.ok()) GTEST_SKIP() << "no IPv6 loopback: " << listener.status();
  EXPECT_THAT((*listener)->endpoint(), HasSubstr("[::1]:"));
}

// kea-shell (Debian's kea-ctrl-agent) against our listener.
class KeaShellTest : public HttpListenerTest {
 protected:
  void SetUp() override {
    HttpListenerTest::SetUp();
    if (!testing::HaveProgram("kea-shell")) GTEST_SKIP() << "kea-shell not installed";
  }
  testing::CommandResult KeaShell(const std::string& flags, const std::string& input = "") {
    return testing::RunShell(
        "kea-shell --host 127.0.0.1 --port " + std::to_string(listener_->port()) + " " + flags,
        input, /*merge_stderr=*/false);
  }
};

TEST_F(KeaShellTest, ListCommandsWithService) {
  Start();
  testing::CommandResult result = KeaShell("--service dhcp4 list-commands");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  json reply = json::parse(result.output);
  EXPECT_EQ(reply, json::array({{{"result", 0}, {"arguments", {"echo", "list-commands"}}}}));
}

TEST_F(KeaShellTest, DefaultCommandWithoutService) {
  Start();
  testing::CommandResult result = KeaShell("");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(json::parse(result.output)["arguments"], json({"echo", "list-commands"}));
}

TEST_F(KeaShellTest, ArgumentsFromStdin) {
  Start();
  testing::CommandResult result = KeaShell("--service dhcp4 echo", "\"name\": \"x\", \"n\": 5\n");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  json reply = json::parse(result.output);
  EXPECT_EQ(reply[0]["arguments"], json({{"name", "x"}, {"n", 5}}));
}

TEST_F(KeaShellTest, UnknownCommandAndForeignService) {
  Start();
  testing::CommandResult result = KeaShell("--service dhcp4 --service dhcp6 no-such-command");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  json reply = json::parse(result.output);
  ASSERT_EQ(reply.size(), 2u);
  EXPECT_EQ(reply[0], json({{"result", 2}, {"text", "'no-such-command' command not supported."}}));
  EXPECT_EQ(reply[1]["result"], 1);
}

TEST_F(KeaShellTest, BasicAuthentication) {
  config::ControlSocketConfig config = HttpConfig();
  config.auth_clients = {{"admin", "s3cret"}};
  Start(config);
  testing::CommandResult ok =
      KeaShell("--auth-user admin --auth-password s3cret --service dhcp4 list-commands");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(json::parse(ok.output)[0]["result"], 0);
  // kea-shell reports an HTTP error as "Failed to run: HTTP Error 401..." and exits 1.
  testing::CommandResult bad =
      KeaShell("--auth-user admin --auth-password wrong --service dhcp4 list-commands");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, HasSubstr("401"));
}

}  // namespace
}  // namespace shoal::control
