#include "common/status.h"

#include <cerrno>

#include "common/no_space.h"
#include "gtest/gtest.h"

namespace crisp {
namespace {

TEST(StatusTest, ErrnoMapsToCodesAndNamesTheObject) {
  auto s = crisp::ErrnoToStatus(ENOENT, "open /x");
  EXPECT_TRUE(absl::IsNotFound(s));
  EXPECT_EQ(s.message(), "open /x: No such file or directory");
  EXPECT_TRUE(absl::IsAlreadyExists(crisp::ErrnoToStatus(EEXIST, "x")));
  EXPECT_TRUE(absl::IsPermissionDenied(crisp::ErrnoToStatus(EACCES, "x")));
  EXPECT_TRUE(absl::IsInvalidArgument(crisp::ErrnoToStatus(EINVAL, "x")));
  EXPECT_TRUE(absl::IsResourceExhausted(crisp::ErrnoToStatus(ENOSPC, "x")));
  EXPECT_TRUE(absl::IsInternal(crisp::ErrnoToStatus(EIO, "x")));
  EXPECT_TRUE(crisp::ErrnoToStatus(0, "x").ok());
}

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("odd");
  return n / 2;
}

absl::Status Quarter(int n, int* out) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(*out, Half(half));
  return absl::OkStatus();
}

TEST(StatusTest, MacrosReturnEarly) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_TRUE(absl::IsInvalidArgument(Quarter(6, &out)));
}

TEST(StatusTest, AnnotateKeepsCode) {
  auto s = Annotate(absl::NotFoundError("gone"), "container abc");
  EXPECT_TRUE(absl::IsNotFound(s));
  EXPECT_EQ(s.message(), "container abc: gone");
  EXPECT_TRUE(Annotate(absl::OkStatus(), "x").ok());
}

TEST(StatusTest, FullDiskIsMarkedAndTheMarkSurvivesAnnotation) {
  EXPECT_TRUE(IsNoSpace(crisp::ErrnoToStatus(ENOSPC, "write /x")));
  EXPECT_TRUE(IsNoSpace(crisp::ErrnoToStatus(EDQUOT, "write /x")));
  // Out of memory or fds is ResourceExhausted too, but not a full disk.
  EXPECT_FALSE(IsNoSpace(crisp::ErrnoToStatus(ENOMEM, "x")));
  EXPECT_FALSE(IsNoSpace(crisp::ErrnoToStatus(EMFILE, "x")));
  auto s =
      Annotate(Annotate(crisp::ErrnoToStatus(ENOSPC, "write /x"), "b"), "a");
  EXPECT_TRUE(IsNoSpace(s));
  EXPECT_TRUE(absl::IsResourceExhausted(s));
  EXPECT_EQ(s.message(), "a: b: write /x: No space left on device");
  EXPECT_TRUE(IsNoSpace(MarkNoSpace(absl::InternalError("disk is full"))));
  EXPECT_TRUE(MarkNoSpace(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace crisp
