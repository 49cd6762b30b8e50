// common/json.h: every accessor on a present value, an absent or null
// one, and a value of the wrong type, with the message it gives.
#include "common/json.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crisp::json {
namespace {

using ::testing::HasSubstr;
using Strings = std::vector<std::string>;

const Json kDoc = Json::parse(R"({
  "s": "text", "b": true, "i": -7, "u": 18446744073709551615, "f": 1.5,
  "o": {"k": "v"}, "a": [1, 2], "list": ["x", "y"], "map": {"a": "1"},
  "badlist": ["x", 2], "badmap": {"a": "1", "b": false},
  "big": 9223372036854775808, "n": null
})");

// InvalidArgument with exactly `message`.
void ExpectError(const absl::Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(status.message(), message);
}

TEST(JsonTest, ParseObjectTakesObjectsOnly) {
  auto ok = ParseObject(R"({"a":1})", "thing");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)["a"], 1);
  ExpectError(ParseObject("[1]", "thing").status(), "thing: not a JSON object");
  ExpectError(ParseObject("{oops", "thing").status(),
              "thing: not a JSON object");
  ExpectError(ParseObject("", "thing").status(), "thing: not a JSON object");
}

TEST(JsonTest, FindTreatsNullAbsentAndNonObjectsAlike) {
  EXPECT_NE(Find(kDoc, "s"), nullptr);
  EXPECT_EQ(Find(kDoc, "n"), nullptr);
  EXPECT_EQ(Find(kDoc, "missing"), nullptr);
  EXPECT_EQ(Find(Json::array({1}), "s"), nullptr);
  EXPECT_EQ(Find(Json("str"), "s"), nullptr);
  ExpectError(Missing("doc", "field"), "doc: field: missing");
}

TEST(JsonTest, GetString) {
  EXPECT_EQ(GetString(kDoc, "s", "doc")->value(), "text");
  EXPECT_FALSE(GetString(kDoc, "n", "doc")->has_value());
  EXPECT_FALSE(GetString(kDoc, "missing", "doc")->has_value());
  ExpectError(GetString(kDoc, "i", "doc").status(),
              "doc: i: expected a string, got number");
  EXPECT_EQ(*StringOr(kDoc, "s", "fallback", "doc"), "text");
  EXPECT_EQ(*StringOr(kDoc, "missing", "fallback", "doc"), "fallback");
  ExpectError(StringOr(kDoc, "b", "", "doc").status(),
              "doc: b: expected a string, got boolean");
}

TEST(JsonTest, GetBool) {
  EXPECT_EQ(GetBool(kDoc, "b", "doc")->value(), true);
  EXPECT_FALSE(GetBool(kDoc, "n", "doc")->has_value());
  ExpectError(GetBool(kDoc, "s", "doc").status(),
              "doc: s: expected a boolean, got string");
  ExpectError(GetBool(kDoc, "i", "doc").status(),
              "doc: i: expected a boolean, got number");
}

TEST(JsonTest, GetInt64ChecksTypeAndRange) {
  EXPECT_EQ(GetInt64(kDoc, "i", "doc")->value(), -7);
  EXPECT_FALSE(GetInt64(kDoc, "missing", "doc")->has_value());
  ExpectError(GetInt64(kDoc, "f", "doc").status(),
              "doc: f: expected an integer, got number");
  ExpectError(GetInt64(kDoc, "s", "doc").status(),
              "doc: s: expected an integer, got string");
  ExpectError(GetInt64(kDoc, "big", "doc").status(),
              "doc: big: integer out of range");
  ExpectError(GetInt64(kDoc, "u", "doc").status(),
              "doc: u: integer out of range");
  Json max = {{"m", std::numeric_limits<int64_t>::max()}};
  EXPECT_EQ(GetInt64(max, "m", "doc")->value(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*Int64Or(kDoc, "i", 3, "doc"), -7);
  EXPECT_EQ(*Int64Or(kDoc, "n", 3, "doc"), 3);
  ExpectError(Int64Or(kDoc, "o", 3, "doc").status(),
              "doc: o: expected an integer, got object");
}

TEST(JsonTest, GetUint64ChecksTypeAndRange) {
  EXPECT_EQ(GetUint64(kDoc, "u", "doc")->value(),
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(GetUint64(kDoc, "big", "doc")->value(), uint64_t{1} << 63);
  Json zero = {{"z", 0}};
  EXPECT_EQ(GetUint64(zero, "z", "doc")->value(), 0u);
  EXPECT_FALSE(GetUint64(kDoc, "n", "doc")->has_value());
  ExpectError(GetUint64(kDoc, "i", "doc").status(),
              "doc: i: integer out of range");
  ExpectError(GetUint64(kDoc, "f", "doc").status(),
              "doc: f: expected an integer, got number");
}

TEST(JsonTest, GetObjectAndGetArray) {
  const Json* o = *GetObject(kDoc, "o", "doc");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ((*o)["k"], "v");
  EXPECT_EQ(*GetObject(kDoc, "n", "doc"), nullptr);
  EXPECT_EQ(*GetObject(kDoc, "missing", "doc"), nullptr);
  ExpectError(GetObject(kDoc, "a", "doc").status(),
              "doc: a: expected an object, got array");
  const Json* a = *GetArray(kDoc, "a", "doc");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->size(), 2u);
  EXPECT_EQ(*GetArray(kDoc, "missing", "doc"), nullptr);
  ExpectError(GetArray(kDoc, "o", "doc").status(),
              "doc: o: expected an array, got object");
}

TEST(JsonTest, GetStringListNamesTheBadElement) {
  EXPECT_EQ(GetStringList(kDoc, "list", "doc")->value(), (Strings{"x", "y"}));
  EXPECT_FALSE(GetStringList(kDoc, "n", "doc")->has_value());
  Json empty = {{"e", Json::array()}};
  auto e = GetStringList(empty, "e", "doc");
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_TRUE((*e)->empty());
  ExpectError(GetStringList(kDoc, "badlist", "doc").status(),
              "doc: badlist[1]: expected a string, got number");
  ExpectError(GetStringList(kDoc, "s", "doc").status(),
              "doc: s: expected an array of strings, got string");
}

TEST(JsonTest, GetStringMapNamesTheBadMember) {
  auto m = GetStringMap(kDoc, "map", "doc");
  ASSERT_TRUE(m.ok() && m->has_value()) << m.status();
  EXPECT_EQ(**m, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_FALSE(GetStringMap(kDoc, "missing", "doc")->has_value());
  ExpectError(GetStringMap(kDoc, "badmap", "doc").status(),
              "doc: badmap.b: expected a string, got boolean");
  ExpectError(GetStringMap(kDoc, "list", "doc").status(),
              "doc: list: expected an object of strings, got array");
}

TEST(JsonTest, GetKeysIgnoresTheValues) {
  EXPECT_EQ(GetKeys(kDoc, "badmap", "doc")->value(), (Strings{"a", "b"}));
  EXPECT_FALSE(GetKeys(kDoc, "n", "doc")->has_value());
  ExpectError(GetKeys(kDoc, "a", "doc").status(),
              "doc: a: expected an object, got array");
}

TEST(JsonTest, AsStringReadsAValue) {
  EXPECT_EQ(*AsString(Json("v"), "doc[0]"), "v");
  ExpectError(AsString(Json(nullptr), "doc[0]").status(),
              "doc[0]: expected a string, got null");
  ExpectError(AsString(Json::object(), "doc[0]").status(),
              "doc[0]: expected a string, got object");
}

// Reading from a value that is not an object, or with a key of another
// type, is never a throw.
TEST(JsonTest, NothingThrows) {
  for (const Json& v : {Json(nullptr), Json(1), Json("s"), Json::array({1})}) {
    EXPECT_NO_THROW({
      EXPECT_FALSE(GetString(v, "k", "doc")->has_value());
      EXPECT_FALSE(GetInt64(v, "k", "doc")->has_value());
      EXPECT_EQ(*GetObject(v, "k", "doc"), nullptr);
      EXPECT_FALSE(GetStringList(v, "k", "doc")->has_value());
    });
  }
}

}  // namespace
}  // namespace crisp::json
