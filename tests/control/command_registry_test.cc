#include "control/command_registry.h"

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::control {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CommandRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_
                    .Register("echo",
                              [](const json& arguments) {
                                return CommandAnswer::Success("echoed", json{{"got", arguments}});
                              })
                    .ok());
    ASSERT_TRUE(
        registry_.Register("fail", [](const json&) { return CommandAnswer::Error("it broke"); })
            .ok());
    ASSERT_TRUE(
        registry_.Register("nothing", [](const json&) { return CommandAnswer::Empty("none"); })
            .ok());
    ASSERT_TRUE(registry_
                    .Register("throws",
                              [](const json&) -> CommandAnswer {
                                throw std::runtime_error("handler exploded");
                              })
                    .ok());
    ASSERT_TRUE(registry_
                    .Register("list-commands",
                              [this](const json&) {
                                return CommandAnswer::Success("", json(registry_.names()));
                              })
                    .ok());
  }

  json Handle(std::string_view text) { return registry_.HandleRequestText(text); }

  CommandRegistry registry_;
};

TEST(CommandAnswerTest, ToJsonOmitsEmptyTextAndAbsentArguments) {
  EXPECT_EQ(CommandAnswer::Success().ToJson(), json({{"result", 0}}));
  EXPECT_EQ(CommandAnswer::Success("ok", json::object()).ToJson(),
            json({{"result", 0}, {"text", "ok"}, {"arguments", json::object()}}));
  EXPECT_EQ(CommandAnswer::Error("bad").ToJson(), json({{"result", 1}, {"text", "bad"}}));
  EXPECT_EQ(CommandAnswer::Unsupported("no").ToJson()["result"], 2);
  EXPECT_EQ(CommandAnswer::Empty("none").ToJson()["result"], 3);
}

TEST(CommandRegistryRegisterTest, RejectsDuplicatesAndEmptyNames) {
  CommandRegistry registry;
  auto handler = [](const json&) { return CommandAnswer::Success(); };
  EXPECT_TRUE(registry.Register("a", handler).ok());
  EXPECT_EQ(registry.Register("a", handler).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register("", handler).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Register("b", nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry.Contains("a"));
  EXPECT_FALSE(registry.Contains("b"));
}

TEST_F(CommandRegistryTest, NamesAreSorted) {
  EXPECT_THAT(registry_.names(), ElementsAre("echo", "fail", "list-commands", "nothing", "throws"));
}

TEST_F(CommandRegistryTest, SuccessWithoutServiceIsASingleMap) {
  json reply = Handle(R"({"command": "echo", "arguments": {"a": 1}})");
  EXPECT_EQ(reply, json({{"result", 0}, {"text", "echoed"}, {"arguments", {{"got", {{"a", 1}}}}}}));
}

TEST_F(CommandRegistryTest, AbsentArgumentsArePassedAsNull) {
  json reply = Handle(R"({"command": "echo"})");
  EXPECT_TRUE(reply["arguments"]["got"].is_null());
}

TEST_F(CommandRegistryTest, NonMapArgumentsArePassedThrough) {
  json reply = Handle(R"({"command": "echo", "arguments": [1, 2]})");
  EXPECT_EQ(reply["arguments"]["got"], json({1, 2}));
}

TEST_F(CommandRegistryTest, ErrorAndEmptyCodesPassThrough) {
  EXPECT_EQ(Handle(R"({"command": "fail"})"), json({{"result", 1}, {"text", "it broke"}}));
  EXPECT_EQ(Handle(R"({"command": "nothing"})"), json({{"result", 3}, {"text", "none"}}));
}

TEST_F(CommandRegistryTest, ThrowingHandlerIsResultOne) {
  json reply = Handle(R"({"command": "throws"})");
  EXPECT_EQ(reply["result"], 1);
  EXPECT_EQ(reply["text"], "Error during command processing: handler exploded");
}

TEST_F(CommandRegistryTest, UnknownCommandIsResultTwo) {
  EXPECT_EQ(Handle(R"({"command": "no-such-thing"})"),
            json({{"result", 2}, {"text", "'no-such-thing' command not supported."}}));
}

TEST_F(CommandRegistryTest, CommentsAreAllowedOutsideStrings) {
  json reply = Handle(R"(
    # hash comment {
    {
      // line comment "
      "command": "echo", /* block
      comment ] */
      "arguments": {"url": "http://x/#y", "c": "/* not a comment */", "q": "a\"//b"}
    }
  )");
  ASSERT_EQ(reply["result"], 0) << reply.dump();
  EXPECT_EQ(reply["arguments"]["got"]["url"], "http://x/#y");
  EXPECT_EQ(reply["arguments"]["got"]["c"], "/* not a comment */");
  EXPECT_EQ(reply["arguments"]["got"]["q"], "a\"//b");
}

TEST_F(CommandRegistryTest, MalformedJsonIsResultOne) {
  for (std::string_view text : {"", "{", "{\"command\": }", "not json", "{\"command\": \"echo\"} x",
                                "{\"command\": \"echo\" /* unterminated"}) {
    json reply = Handle(text);
    EXPECT_EQ(reply["result"], 1) << text;
    EXPECT_THAT(reply["text"].get<std::string>(), StartsWith("Error during command processing: "))
        << text;
    EXPECT_FALSE(reply.is_array());
  }
}

TEST_F(CommandRegistryTest, InvalidUtf8IsResultOne) {
  EXPECT_EQ(Handle("{\"command\": \"ec\xff\"}")["result"], 1);
}

TEST_F(CommandRegistryTest, DeepNestingIsRejectedWithoutRecursion) {
  std::string deep = "{\"command\": \"echo\", \"arguments\": ";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}";
  json reply = Handle(deep);
  EXPECT_EQ(reply["result"], 1);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("nesting"));
}

TEST_F(CommandRegistryTest, NonMapRequestIsResultOne) {
  for (std::string_view text : {"[]", "42", "\"echo\"", "null"}) {
    json reply = Handle(text);
    EXPECT_EQ(reply["result"], 1) << text;
    EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("expected a JSON map")) << text;
  }
}

TEST_F(CommandRegistryTest, UnknownTopLevelKeyIsRejected) {
  json reply = Handle(R"({"command": "echo", "bogus": 1})");
  EXPECT_EQ(reply, json({{"result", 1},
                         {"text",
                          "Error during command processing: Received command contains "
                          "unsupported parameter 'bogus'"}}));
}

TEST_F(CommandRegistryTest, RemoteAddressIsAccepted) {
  EXPECT_EQ(Handle(R"({"command": "echo", "remote-address": "10.0.0.1"})")["result"], 0);
}

TEST_F(CommandRegistryTest, MissingCommandIsResultOne) {
  json reply = Handle(R"({"arguments": {}})");
  EXPECT_EQ(reply["result"], 1);
  EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("'command'"));
}

TEST_F(CommandRegistryTest, NonStringCommandIsResultOne) {
  for (std::string_view text :
       {R"({"command": 5})", R"({"command": null})", R"({"command": ["echo"]})"}) {
    json reply = Handle(text);
    EXPECT_EQ(reply["result"], 1) << text;
    EXPECT_THAT(reply["text"].get<std::string>(), HasSubstr("not a string")) << text;
  }
}

TEST_F(CommandRegistryTest, ServiceDhcp4GivesAListReply) {
  json reply = Handle(R"({"command": "list-commands", "service": ["dhcp4"]})");
  ASSERT_TRUE(reply.is_array()) << reply.dump();
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0]["result"], 0);
  EXPECT_EQ(reply[0]["arguments"], json({"echo", "fail", "list-commands", "nothing", "throws"}));
}

TEST_F(CommandRegistryTest, EmptyServiceListIsHandledHereAsAList) {
  json reply = Handle(R"({"command": "echo", "service": []})");
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0]["result"], 0);
}

TEST_F(CommandRegistryTest, OtherServicesAreNotForwarded) {
  json reply = Handle(R"({"command": "echo", "service": ["dhcp6", "dhcp4", "d2", "bogus"]})");
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.size(), 4u);
  EXPECT_EQ(reply[0], json({{"result", 1},
                            {"text",
                             "forwarding socket is not configured for the server type "
                             "dhcp6"}}));
  EXPECT_EQ(reply[1]["result"], 0);
  EXPECT_EQ(reply[2]["text"], "forwarding socket is not configured for the server type d2");
  EXPECT_EQ(reply[3]["result"], 1);
}

TEST_F(CommandRegistryTest, NonListServiceIsResultOneInAList) {
  json reply = Handle(R"({"command": "echo", "service": "dhcp4"})");
  EXPECT_EQ(reply, json::array({{{"result", 1}, {"text", "`service` value must be a list"}}}));
}

TEST_F(CommandRegistryTest, NonStringServiceEntryIsResultOneForThatEntry) {
  json reply = Handle(R"({"command": "echo", "service": [4, "dhcp4"]})");
  ASSERT_EQ(reply.size(), 2u);
  EXPECT_EQ(reply[0]["result"], 1);
  EXPECT_EQ(reply[1]["result"], 0);
}

TEST_F(CommandRegistryTest, UnknownCommandWithServiceIsResultTwoInTheList) {
  json reply = Handle(R"({"command": "nope", "service": ["dhcp4"]})");
  EXPECT_EQ(reply, json::array({{{"result", 2}, {"text", "'nope' command not supported."}}}));
}

TEST_F(CommandRegistryTest, EnvelopeErrorsAreListsWhenServiceIsPresent) {
  json reply = Handle(R"({"command": "echo", "service": ["dhcp4"], "extra": 1})");
  ASSERT_TRUE(reply.is_array());
  EXPECT_EQ(reply[0]["result"], 1);
  reply = Handle(R"({"command": 1, "service": ["dhcp4"]})");
  ASSERT_TRUE(reply.is_array());
  EXPECT_EQ(reply[0]["result"], 1);
}

TEST_F(CommandRegistryTest, SerializeReplacesInvalidUtf8) {
  json reply = CommandAnswer::Error(std::string("bad \xff byte")).ToJson();
  std::string text = CommandRegistry::Serialize(reply);
  EXPECT_THAT(text, HasSubstr("bad "));
  EXPECT_TRUE(json::accept(text));
}

TEST_F(CommandRegistryTest, ConcurrentRequestsAreSafe) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        json reply = Handle(R"({"command": "echo", "arguments": {"i": )" + std::to_string(i) +
                            "}, \"service\": [\"dhcp4\"]}");
        if (reply[0]["arguments"]["got"]["i"] != i) ++failures;
        if (i == 250 && t == 0) {
          (void)registry_.Register("late", [](const json&) { return CommandAnswer::Success(); });
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(registry_.Contains("late"));
}

}  // namespace
}  // namespace shoal::control
