// A small tmpfs mounted over a directory for a test (crispd's root or
// state), and filler files that use up its space, so tests can run crispd
// on a disk that is full or about to be.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crisp::testing {

class SmallDisk {
 public:
  SmallDisk() = default;
  // Lazily unmounts whatever it mounted, however the test ended (crispd
  // may still hold files there).
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  // Mounts a tmpfs of `bytes` at `dir` (created if missing). Returns an
  // error text, empty on success.
  std::string Mount(const std::string& dir, int64_t bytes);
  // Writes filler files until only `leave` bytes are free (0: until a
  // write fails with ENOSPC). Returns an error text, empty on success.
  std::string Fill(int64_t leave = 0);
  // Removes the fillers.
  void Free();
  int64_t Available() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::vector<std::string> fillers_;
};

}  // namespace crisp::testing
