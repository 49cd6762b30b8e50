#include "common/sealed_binary.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

extern char** environ;

namespace crisp {
namespace {

// A dynamically linked system program every Debian machine has.
constexpr char kProgram[] = "/bin/true";

int RunAndWait(const std::string& path) {
  char* argv[] = {const_cast<char*>("true"), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, environ) != 0) {
    return -1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SealedBinaryTest, CopyRunsAndRefusesEveryWrite) {
  auto copy = SealedCopy(kProgram, "true");
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_TRUE(IsSealed(copy->get()));
  EXPECT_EQ(RunAndWait(SealedExecPath(copy->get())), 0);

  // Opened again through /proc, as a container process would reach it.
  std::string via_proc = "/proc/self/fd/" + std::to_string(copy->get());
  int w = open(via_proc.c_str(), O_WRONLY | O_CLOEXEC);
  if (w >= 0) {
    EXPECT_LT(write(w, "x", 1), 0) << "the write seal must hold";
    EXPECT_EQ(errno, EPERM);
    close(w);
  }
  EXPECT_NE(ftruncate(copy->get(), 0), 0);
}

TEST(SealedBinaryTest, CopyHoldsOnlyTheLoadablePart) {
  auto copy = SealedCopy(kProgram, "true");
  ASSERT_TRUE(copy.ok()) << copy.status();
  struct stat file, mem;
  ASSERT_EQ(stat(kProgram, &file), 0);
  ASSERT_EQ(fstat(copy->get(), &mem), 0);
  EXPECT_GT(mem.st_size, 0);
  EXPECT_LE(mem.st_size, file.st_size);
}

TEST(SealedBinaryTest, NotAnElfFileIsRefused) {
  char tmpl[] = "/tmp/crisp-sealed-test.XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "#!/bin/sh\n", 10), 10);
  close(fd);
  auto copy = SealedCopy(tmpl, "script");
  EXPECT_EQ(copy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SealedCopy("/nonexistent/crisp", "x").status().code(),
            absl::StatusCode::kNotFound);
  unlink(tmpl);
}

TEST(SealedBinaryTest, AHostFileIsNotSealed) {
  int fd = open(kProgram, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_FALSE(IsSealed(fd));
  close(fd);
}

}  // namespace
}  // namespace crisp
