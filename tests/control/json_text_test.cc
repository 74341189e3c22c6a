#include "control/json_text.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace shoal::control {
namespace {

TEST(StripJsonCommentsTest, KeepsStringsAndLineStructure) {
  const std::string text = "{\"a\": \"#x//y/*z*/\", # c1\n \"b\": 1 // c2\n /* c3\n */ }";
  absl::StatusOr<std::string> stripped = StripJsonComments(text);
  ASSERT_TRUE(stripped.ok()) << stripped.status();
  EXPECT_EQ(stripped->size(), text.size());
  EXPECT_EQ(std::count(stripped->begin(), stripped->end(), '\n'), 3);
  nlohmann::json parsed = nlohmann::json::parse(*stripped);
  EXPECT_EQ(parsed["a"], "#x//y/*z*/");
  EXPECT_EQ(parsed["b"], 1);
}

TEST(StripJsonCommentsTest, EscapedQuoteDoesNotEndString) {
  absl::StatusOr<std::string> stripped = StripJsonComments(R"({"a": "\" # not"})");
  ASSERT_TRUE(stripped.ok());
  EXPECT_EQ(nlohmann::json::parse(*stripped)["a"], "\" # not");
}

TEST(StripJsonCommentsTest, UnterminatedBlockCommentIsAnError) {
  absl::StatusOr<std::string> stripped = StripJsonComments("{} /* open");
  ASSERT_FALSE(stripped.ok());
  EXPECT_NE(stripped.status().message().find("unterminated"), absl::string_view::npos);
}

TEST(StripJsonCommentsTest, DepthLimit) {
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(StripJsonComments(ok).ok());
  std::string deep(kMaxJsonDepth + 1, '[');
  EXPECT_FALSE(StripJsonComments(deep).ok());
  // Brackets inside strings and comments do not count.
  std::string in_string = "\"" + std::string(1000, '[') + "\" # " + std::string(1000, '{');
  EXPECT_TRUE(StripJsonComments(in_string).ok());
}

TEST(JsonCompletenessScannerTest, CompletesOnClosingBraceAcrossPieces) {
  JsonCompletenessScanner scanner;
  EXPECT_FALSE(scanner.Feed("  // {\n {\"command\""));
  EXPECT_FALSE(scanner.Feed(": \"a}b\", \"arguments\": {\"x\": [1, /* } */ 2]"));
  EXPECT_FALSE(scanner.Feed("}"));
  EXPECT_TRUE(scanner.Feed("}\n trailing"));
  ASSERT_TRUE(scanner.end().has_value());
  const std::string all = "  // {\n {\"command\": \"a}b\", \"arguments\": {\"x\": [1, /* } */ 2]}}";
  EXPECT_EQ(*scanner.end(), all.size());
}

TEST(JsonCompletenessScannerTest, ByteAtATime) {
  const std::string text = R"({"command": "x\"}", "arguments": {"a": "#"}})";
  JsonCompletenessScanner scanner;
  for (size_t i = 0; i < text.size(); ++i) {
    EXPECT_EQ(scanner.Feed(text.substr(i, 1)), i + 1 == text.size()) << i;
  }
  EXPECT_EQ(scanner.end(), text.size());
}

TEST(JsonCompletenessScannerTest, NonContainerStartCompletesAtOnce) {
  JsonCompletenessScanner scanner;
  EXPECT_TRUE(scanner.Feed("  x"));
  EXPECT_FALSE(scanner.end().has_value());
  JsonCompletenessScanner slash;
  EXPECT_FALSE(slash.Feed("/"));
  EXPECT_TRUE(slash.Feed("x"));
}

}  // namespace
}  // namespace shoal::control
