#include "control/unix_listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
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

class UnixListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.path() + "/kea4-ctrl-socket";
    ASSERT_TRUE(registry_
                    .Register("echo",
                              [](const json& arguments) {
                                return CommandAnswer::Success("echoed", arguments);
                              })
                    .ok());
  }

  config::ControlSocketConfig Config() const {
    config::ControlSocketConfig config;
    config.type = config::ControlSocketConfig::Type::kUnix;
    config.socket_name = path_;
    return config;
  }

  void Start(UnixListenerOptions options = {}) {
    absl::StatusOr<std::unique_ptr<UnixListener>> listener =
        UnixListener::Create(Config(), registry_, options);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
  }

  Client Connect() {
    std::optional<Client> client = Client::Unix(path_);
    EXPECT_TRUE(client.has_value());
    return std::move(*client);
  }

  json RoundTrip(const std::string& command) {
    Client client = Connect();
    EXPECT_TRUE(client.Send(command));
    return json::parse(client.ReadAll(), nullptr, false);
  }

  testing::TempDir dir_;
  std::string path_;
  CommandRegistry registry_;
  std::unique_ptr<UnixListener> listener_;
};

TEST_F(UnixListenerTest, RoundTripWithoutHalfClose) {
  Start();
  // The server answers as soon as the map is complete and then closes: the
  // client never has to shut its side down.
  EXPECT_EQ(RoundTrip(R"({"command": "echo", "arguments": {"a": 1}})"),
            json({{"result", 0}, {"text", "echoed"}, {"arguments", {{"a", 1}}}}));
}

TEST_F(UnixListenerTest, ServiceGivesAListReply) {
  Start();
  json reply = RoundTrip(R"({"command": "echo", "service": ["dhcp4"]})");
  ASSERT_TRUE(reply.is_array());
  EXPECT_EQ(reply[0]["result"], 0);
}

TEST_F(UnixListenerTest, PartialWritesAreReassembled) {
  Start();
  const std::string command =
      "# comment with { brace\n{\"command\": \"echo\", /* } */ \"arguments\": "
      "{\"s\": \"}}}\\\"{\", \"list\": [1, 2, 3]}}";
  Client client = Connect();
  for (size_t i = 0; i < command.size(); i += 7) {
    ASSERT_TRUE(client.Send(command.substr(i, 7)));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  json reply = json::parse(client.ReadAll(), nullptr, false);
  ASSERT_EQ(reply["result"], 0) << reply.dump();
  EXPECT_EQ(reply["arguments"]["s"], "}}}\"{");
  EXPECT_EQ(reply["arguments"]["list"], json({1, 2, 3}));
}

TEST_F(UnixListenerTest, TrailingBytesAfterTheCommandAreIgnored) {
  Start();
  json reply = RoundTrip("{\"command\": \"echo\"}\n{\"command\": \"other\"}");
  EXPECT_EQ(reply["result"], 0);
}

TEST_F(UnixListenerTest, HalfCloseEndsAnIncompleteCommand) {
  Start();
  Client client = Connect();
  ASSERT_TRUE(client.Send("{\"command\": \"echo\""));
  client.ShutdownWrite();
  json reply = json::parse(client.ReadAll(), nullptr, false);
  EXPECT_EQ(reply["result"], 1);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("Error during command processing"));
}

TEST_F(UnixListenerTest, MalformedCommandIsResultOne) {
  Start();
  json reply = RoundTrip("command: echo");
  EXPECT_EQ(reply["result"], 1);
  reply = RoundTrip(R"({"command": "echo", "bogus": true})");
  EXPECT_EQ(reply["result"], 1);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("unsupported parameter 'bogus'"));
  reply = RoundTrip(R"({"command": "nope"})");
  EXPECT_EQ(reply["result"], 2);
}

TEST_F(UnixListenerTest, ConnectAndCloseWithoutSendingIsHarmless) {
  Start();
  {
    Client client = Connect();
    client.ShutdownWrite();
    EXPECT_EQ(client.ReadAll(), "");
  }
  EXPECT_EQ(RoundTrip(R"({"command": "echo"})")["result"], 0);
}

TEST_F(UnixListenerTest, OversizedCommandIsRejected) {
  UnixListenerOptions options;
  options.max_command_size = 1000;
  Start(options);
  Client client = Connect();
  std::string big = "{\"command\": \"echo\", \"arguments\": \"" + std::string(5000, 'x') + "\"}";
  client.Send(big);  // the server may close before everything is written
  json reply = json::parse(client.ReadAll(), nullptr, false);
  EXPECT_EQ(reply["result"], 1);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("1000 bytes"));
}

TEST_F(UnixListenerTest, SilentClientTimesOutWithKeaText) {
  UnixListenerOptions options;
  options.timeout = std::chrono::milliseconds(200);
  Start(options);
  Client client = Connect();
  ASSERT_TRUE(client.Send("{\"command\": "));
  json reply = json::parse(client.ReadAll(), nullptr, false);
  EXPECT_EQ(reply, json({{"result", 1},
                         {"text",
                          "Connection over control channel timed out, discarded partial "
                          "command of 12 bytes"}}));
}

TEST_F(UnixListenerTest, StalledClientsDoNotBlockOthers) {
  Start();  // one thread
  std::vector<Client> stalled;
  for (int i = 0; i < 20; ++i) {
    stalled.push_back(Connect());
    stalled.back().Send("{\"command\": ");
  }
  EXPECT_EQ(RoundTrip(R"({"command": "echo"})")["result"], 0);
}

TEST_F(UnixListenerTest, ConcurrentClients) {
  UnixListenerOptions options;
  options.threads = 2;
  Start(options);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 30; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::optional<Client> client = Client::Unix(path_);
        if (!client) return;
        const int value = t * 100 + i;
        if (!client->Send(R"({"command": "echo", "arguments": )" + std::to_string(value) + "}"))
          return;
        json reply = json::parse(client->ReadAll(), nullptr, false);
        if (reply.is_discarded() || reply["arguments"] != value) return;
      }
      ++good;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), 30);
}

TEST_F(UnixListenerTest, StopRemovesTheSocketFile) {
  Start();
  EXPECT_TRUE(std::filesystem::is_socket(path_));
  EXPECT_EQ(listener_->path(), path_);
  listener_->Stop();
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(Client::Unix(path_).has_value());
  listener_->Stop();
}

TEST_F(UnixListenerTest, StopLeavesAReplacedSocketFileAlone) {
  Start();
  // Someone else took over the path (e.g. a second server started with the
  // same config after removing our file): Stop must not delete theirs.
  std::filesystem::remove(path_);
  std::ofstream(path_) << "not ours";
  listener_->Stop();
  EXPECT_TRUE(std::filesystem::exists(path_));
}

TEST_F(UnixListenerTest, StaleSocketFileIsReplaced) {
  // A socket file whose server died: bound, never unlinked, nobody listening.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
  ASSERT_TRUE(std::filesystem::is_socket(path_));
  Start();
  EXPECT_EQ(RoundTrip(R"({"command": "echo"})")["result"], 0);
}

TEST_F(UnixListenerTest, SocketInUseIsAnError) {
  Start();
  absl::StatusOr<std::unique_ptr<UnixListener>> second = UnixListener::Create(Config(), registry_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(path_));
  // The first one still works.
  EXPECT_EQ(RoundTrip(R"({"command": "echo"})")["result"], 0);
}

TEST_F(UnixListenerTest, RegularFileIsNotReplaced) {
  std::ofstream(path_) << "precious";
  absl::StatusOr<std::unique_ptr<UnixListener>> listener =
      UnixListener::Create(Config(), registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.status().code(), absl::StatusCode::kFailedPrecondition);
  std::ifstream in(path_);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(UnixListenerTest, PathLengthIsChecked) {
  config::ControlSocketConfig config = Config();
  config.socket_name = dir_.path() + "/" + std::string(200, 'p');
  absl::StatusOr<std::unique_ptr<UnixListener>> listener = UnixListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr("at most 107 bytes"));

  // Exactly 107 bytes fits.
  config.socket_name = dir_.path() + "/";
  config.socket_name += std::string(107 - config.socket_name.size(), 'q');
  ASSERT_EQ(config.socket_name.size(), 107u);
  listener = UnixListener::Create(config, registry_);
  ASSERT_TRUE(listener.ok()) << listener.status();

  config.socket_name = "";
  EXPECT_FALSE(UnixListener::Create(config, registry_).ok());
}

TEST_F(UnixListenerTest, MissingDirectoryNamesThePath) {
  config::ControlSocketConfig config = Config();
  config.socket_name = dir_.path() + "/no/such/dir/sock";
  absl::StatusOr<std::unique_ptr<UnixListener>> listener = UnixListener::Create(config, registry_);
  ASSERT_FALSE(listener.ok());
  EXPECT_THAT(std::string(listener.status().message()), HasSubstr(config.socket_name));
}

}  // namespace
}  // namespace shoal::control
