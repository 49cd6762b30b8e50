#include "common/id.h"

#include <set>

#include "gtest/gtest.h"

namespace crisp {
namespace {

TEST(IdTest, GeneratedIdsAreFullAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = GenerateId();
    EXPECT_TRUE(IsFullId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(IdTest, IsFullIdRejectsWrongLengthAndCase) {
  EXPECT_FALSE(IsFullId(""));
  EXPECT_FALSE(IsFullId(std::string(63, 'a')));
  EXPECT_FALSE(IsFullId(std::string(64, 'A')));
  EXPECT_FALSE(IsFullId(std::string(64, 'g')));
  EXPECT_TRUE(IsFullId(std::string(64, 'f')));
}

TEST(IdIndexTest, ResolvesUniquePrefixes) {
  IdIndex index;
  std::string a = "abc" + std::string(61, '0');
  std::string b = "abd" + std::string(61, '0');
  ASSERT_TRUE(index.Add(a).ok());
  ASSERT_TRUE(index.Add(b).ok());
  EXPECT_EQ(*index.Resolve("abc"), a);
  EXPECT_EQ(*index.Resolve(b), b);
  auto ambiguous = index.Resolve("ab");
  EXPECT_TRUE(absl::IsInvalidArgument(ambiguous.status()));
  EXPECT_NE(ambiguous.status().message().find("ambiguous"),
            absl::string_view::npos);
  EXPECT_TRUE(absl::IsNotFound(index.Resolve("f").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(index.Resolve("").status()));
}

TEST(IdIndexTest, AddRejectsDuplicatesAndBadIds) {
  IdIndex index;
  std::string id = GenerateId();
  ASSERT_TRUE(index.Add(id).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(index.Add(id)));
  EXPECT_TRUE(absl::IsInvalidArgument(index.Add("short")));
  index.Remove(id);
  EXPECT_TRUE(absl::IsNotFound(index.Resolve(id.substr(0, 8)).status()));
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace crisp
