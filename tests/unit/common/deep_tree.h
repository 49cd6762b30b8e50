// Helpers for tests of walks over very deep directory trees (audit H2): a
// container can nest directories far deeper than PATH_MAX allows a path
// to name, because relative mkdir has no limit.
#pragma once

#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace crisp::deep_tree {

// A new temp dir, on tmpfs when /dev/shm is one: making 100,000 nested
// directories there takes a second, on a disk it can take a minute.
inline std::string MakeTempDir(const std::string& prefix) {
  struct statfs fs;
  bool shm = ::statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
             ::access("/dev/shm", W_OK) == 0;
  std::string tmpl =
      absl::StrCat(shm ? "/dev/shm/" : "/tmp/", prefix, ".XXXXXX");
  char* dir = ::mkdtemp(tmpl.data());
  return dir == nullptr ? "" : dir;
}

// Makes `root` and a chain root/d/d/... `depth` directories below it, each
// made relative to an fd of its parent. `at_level(fd, level)` may add
// entries to each level (0 is root). False on failure.
inline bool MakeChain(const std::string& root, int depth,
                      const std::function<void(int, int)>& at_level = {}) {
  if (::mkdir(root.c_str(), 0700) != 0) return false;
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int level = 0; fd >= 0; ++level) {
    if (at_level) at_level(fd, level);
    if (level == depth) break;
    int child = -1;
    if (::mkdirat(fd, "d", 0700) == 0) {
      child = ::openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    ::close(fd);
    fd = child;
  }
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// A cleanup that works whatever the code under test did: GNU rm walks any
// depth (fts), after write permission is restored everywhere.
inline void RemoveWithRm(const std::string& path) {
  std::string quoted = absl::StrCat("'", path, "'");
  (void)std::system(
      absl::StrCat("chmod -R u+rwx ", quoted, " 2>/dev/null; rm -rf ", quoted)
          .c_str());
}

// Runs `fn` in a child process, on a thread whose stack is `stack` bytes,
// and returns what it returned, or "killed by signal N" when it crashed:
// a walk that recurses per level overflows such a stack, and the crash
// then fails the test instead of killing the test binary.
inline std::string RunOnSmallStack(const std::function<std::string()>& fn,
                                   size_t stack = 1 << 20) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid == 0) {
    struct Job {
      const std::function<std::string()>* fn;
      std::string out;
    } job{&fn, ""};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_t thread;
    auto run = [](void* j) -> void* {
      auto* job = static_cast<Job*>(j);
      job->out = (*job->fn)();
      return nullptr;
    };
    if (pthread_create(&thread, &attr, run, &job) != 0) ::_exit(2);
    pthread_join(thread, nullptr);
    (void)!::write(pipe_fds[1], job.out.data(), job.out.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string out = ReadFd(pipe_fds[0]);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(status), " (",
                        ::strsignal(WTERMSIG(status)), ")");
  }
  return out;
}

}  // namespace crisp::deep_tree
