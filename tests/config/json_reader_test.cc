// Tests for the commented-JSON reader and its value locations.
#include "config/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shoal::config {
namespace {

using ::testing::HasSubstr;

std::string ReadError(std::string_view text) {
  auto r = ReadLocatedJson(text, "t.json");
  EXPECT_FALSE(r.ok()) << text;
  return std::string(r.status().message());
}

TEST(JsonReader, AcceptsAllThreeCommentStyles) {
  auto r = ReadLocatedJson(
      "// line comment\n"
      "{ # hash comment\n"
      "  /* block\n comment */ \"a\": 1, // trailing\n"
      "  \"b\": \"x // not a comment # nor this\"\n"
      "}\n# end\n",
      "t.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->value["a"], 1);
  EXPECT_EQ(r->value["b"], "x // not a comment # nor this");
}

TEST(JsonReader, RecordsValueAndKeyLocations) {
  auto r = ReadLocatedJson("{\n  \"list\": [ 1,\n    {\"k\": true} ]\n}", "t.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Where("/list"), " (t.json:2:11)");
  EXPECT_EQ(r->Where("/list", true), " (t.json:2:3)");
  EXPECT_EQ(r->Where("/list/0"), " (t.json:2:13)");
  EXPECT_EQ(r->Where("/list/1/k"), " (t.json:3:11)");
  EXPECT_EQ(r->Where("/nope"), "");
}

TEST(JsonReader, EscapesPointerTokens) {
  auto r = ReadLocatedJson("{\"a/b~c\": 1}", "t.json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Where("/a~1b~0c"), " (t.json:1:11)");
}

TEST(JsonReader, StringEscapes) {
  auto r = ReadLocatedJson(R"(["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00"])", "t.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->value[0], "a\"b\\c/d\n\t");
  EXPECT_EQ(r->value[1], "\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_THAT(ReadError(R"(["\x"])"), HasSubstr("invalid escape '\\x' in a string"));
  EXPECT_THAT(ReadError(R"(["\ud83d"])"), HasSubstr("surrogate"));
  EXPECT_THAT(ReadError(R"(["\u12g4"])"), HasSubstr("\\u escape"));
}

TEST(JsonReader, Numbers) {
  auto r = ReadLocatedJson("[0, -5, 4294967295, 0.875, 1e3]", "t.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->value[2].get<int64_t>(), 4294967295);
  EXPECT_DOUBLE_EQ(r->value[3].get<double>(), 0.875);
  EXPECT_TRUE(r->value[4].is_number_float());
  EXPECT_THAT(ReadError("[99999999999999999999999]"), HasSubstr("out of range (t.json:1:2)"));
  EXPECT_THAT(ReadError("[-99999999999999999999999]"), HasSubstr("out of range"));
  EXPECT_THAT(ReadError("[1e99999]"), HasSubstr("out of range"));
  EXPECT_THAT(ReadError("[01]"), HasSubstr("leading zeros"));
  EXPECT_THAT(ReadError("[1.]"), HasSubstr("invalid number"));
  EXPECT_DOUBLE_EQ(ReadLocatedJson("[.5]", "t.json")->value[0].get<double>(), 0.5);  // as Kea
  EXPECT_THAT(ReadError("[-]"), HasSubstr("invalid number"));
  EXPECT_THAT(ReadError("[0x10]"), HasSubstr("invalid number"));
}

TEST(JsonReader, RejectsHostileInput) {
  std::string deep(100000, '[');
  EXPECT_THAT(ReadError(deep), HasSubstr("nested deeper than 100"));
  std::string ok_depth = std::string(100, '[') + std::string(100, ']');
  EXPECT_TRUE(ReadLocatedJson(ok_depth, "t.json").ok());
  std::string deep_maps;
  for (int i = 0; i < 200; ++i) deep_maps += "{\"a\":";
  EXPECT_THAT(ReadError(deep_maps), HasSubstr("nested deeper"));
  EXPECT_THAT(ReadError("[\"\xff\xfe\"]"), HasSubstr("invalid UTF-8 in a string (t.json:1:3)"));
  EXPECT_THAT(ReadError("[\"\xc0\xaf\"]"), HasSubstr("invalid UTF-8"));      // overlong
  EXPECT_THAT(ReadError("[\"\xed\xa0\x80\"]"), HasSubstr("invalid UTF-8"));  // surrogate
  EXPECT_THAT(ReadError("{\"a\": \"abc"), HasSubstr("unterminated string (t.json:1:7)"));
  EXPECT_THAT(ReadError("{\"a\": \"abc\n\"}"), HasSubstr("unterminated string"));
  EXPECT_THAT(ReadError("{\"a\": 1 /* never closed"),
              HasSubstr("unterminated /* comment (t.json:1:9)"));
  EXPECT_THAT(ReadError("{\"a\": \"\x01\"}"), HasSubstr("control character"));
  EXPECT_THAT(ReadError(std::string("{\"a\": 1}\0", 9)), HasSubstr("after the end"));
}

TEST(JsonReader, RejectsSyntaxErrorsWithLocation) {
  EXPECT_THAT(ReadError("{\"a\": 1} x"),
              HasSubstr("unexpected 'x' after the end of the JSON document (t.json:1:10)"));
  EXPECT_THAT(ReadError("{\"a\": 1,}"), HasSubstr("trailing comma before '}' (t.json:1:9)"));
  EXPECT_THAT(ReadError("[1,]"), HasSubstr("trailing comma before ']'"));
  EXPECT_THAT(ReadError("{\"a\" 1}"), HasSubstr("expected ':' after the key 'a'"));
  EXPECT_THAT(ReadError("{a: 1}"), HasSubstr("expected a quoted key (t.json:1:2)"));
  EXPECT_THAT(ReadError("{\"a\": 1,\n \"a\": 2}"), HasSubstr("duplicate key 'a' (t.json:2:2)"));
  EXPECT_THAT(ReadError("[tru]"), HasSubstr("expected 'true'"));
  EXPECT_THAT(ReadError("[truex]"), HasSubstr("invalid literal"));
  EXPECT_THAT(ReadError(""), HasSubstr("empty"));
  EXPECT_THAT(ReadError("  // only a comment\n"), HasSubstr("empty"));
  EXPECT_THAT(ReadError("{\"a\": [1, 2"), HasSubstr("expected ']'"));
  EXPECT_THAT(ReadError("{\"a\": / 1}"), HasSubstr("comments start with"));
}

}  // namespace
}  // namespace shoal::config
