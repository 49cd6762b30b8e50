// Small file-system helpers whose failures name the path.
#pragma once

#include <sys/types.h>
#include "absl/strings/string_view.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace crisp {

// Writes `data` to `path` so that a crash leaves either the old file or the
// new one: write a temp file beside it, fsync it, rename it over `path`,
// fsync the directory (crun and runc skip the fsyncs; youki truncates in
// place).
[[nodiscard]] absl::Status WriteFileAtomic(const std::string& path,
                                           absl::string_view data,
                                           mode_t mode = 0644);

[[nodiscard]] absl::StatusOr<std::string> ReadFile(const std::string& path);

// Everything `fd` yields until end of file (or an error), e.g. a child's
// pipe.
std::string ReadFd(int fd);

// Names in directory `dir` (not "." or ".."), in no particular order. A
// missing directory is NotFound.
[[nodiscard]] absl::StatusOr<std::vector<std::string>> ListDir(
    const std::string& dir);

// mkdir -p with `mode` for each directory it creates; an existing
// non-directory is an error.
[[nodiscard]] absl::Status MakeDirs(const std::string& path, mode_t mode);

// rm -rf that does not cross mount points and treats a missing path as done.
[[nodiscard]] absl::Status RemoveAll(const std::string& path);

// fsync of a directory, so that a rename or create in it is durable.
[[nodiscard]] absl::Status SyncDir(const std::string& dir);

// An exclusive advisory lock (flock) held on `path` for the owner's life.
// Used so that two daemons never share one state directory.
class FileLock {
 public:
  // Fails with FailedPrecondition when another process holds the lock.
  [[nodiscard]] static absl::StatusOr<FileLock> Acquire(
      const std::string& path);

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace crisp
