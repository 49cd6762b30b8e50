// Starts the disk writing a big file while it is still being written
// (sync_file_range SYNC_FILE_RANGE_WRITE every few MiB, which does not
// wait), so that the fsync/syncfs that makes a pull durable finds little
// left to do: the disk works while the CPU hashes and decompresses.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

namespace crisp::image {

class EarlyWriteback {
 public:
  static constexpr off_t kChunk = 8 << 20;

  explicit EarlyWriteback(int fd) : fd_(fd) {}
  // Call after bytes up to `end` were written.
  void Written(off_t end) {
    if (end - flushed_ < kChunk) return;
    ::sync_file_range(fd_, flushed_, end - flushed_, SYNC_FILE_RANGE_WRITE);
    flushed_ = end;
  }

 private:
  int fd_;
  off_t flushed_ = 0;
};

}  // namespace crisp::image
