#include "runtime/monitor/cri_log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/process.h"
#include "common/status.h"

namespace crisp::runtime::monitor {

std::string Rfc3339Nano(int64_t unix_nanos) {
  time_t secs = static_cast<time_t>(unix_nanos / 1000000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  (void)snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec,
                 static_cast<long long>(unix_nanos % 1000000000));
  return buf;
}

std::string LineSplitter::Entry(const std::string& ts, char tag,
                                absl::string_view text) {
  return absl::StrCat(ts, " ", stream_, " ", std::string(1, tag), " ", text,
                      "\n");
}

std::string LineSplitter::Feed(absl::string_view data, const std::string& ts) {
  std::string out;
  for (char c : data) {
    if (c == '\n') {
      out += Entry(ts, 'F', pending_);
      pending_.clear();
      continue;
    }
    // A full line that goes on becomes a partial entry; one that ends
    // right here stays whole (F).
    if (pending_.size() >= max_line_) {
      out += Entry(ts, 'P', pending_);
      pending_.clear();
    }
    pending_.push_back(c);
  }
  return out;
}

std::string LineSplitter::Flush(const std::string& ts) {
  if (pending_.empty()) return "";
  std::string out = Entry(ts, 'P', pending_);
  pending_.clear();
  return out;
}

// The monitor is root and the log directory is the pod's: a symlink
// planted there must not make it append to (or create) a host file, on
// the first open or on any reopen after a rotation.
absl::Status CriLog::Open() {
  if (path_.empty()) return absl::OkStatus();
  UniqueFd fd(open(path_.c_str(),
                   O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                   0640));
  if (!fd) return LastErrno(absl::StrCat("open container log ", path_));
  fd_ = std::move(fd);
  return absl::OkStatus();
}

void CriLog::Append(const std::string& text) {
  if (!fd_ || text.empty()) return;
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd_.get(), text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk loses log lines, never the container
    off += static_cast<size_t>(n);
  }
}

void CriLog::Write(bool is_stderr, absl::string_view data) {
  std::string ts = Rfc3339Nano(NowUnixNanos());
  Append((is_stderr ? err_ : out_).Feed(data, ts));
}

void CriLog::Flush() {
  std::string ts = Rfc3339Nano(NowUnixNanos());
  Append(out_.Flush(ts));
  Append(err_.Flush(ts));
}

}  // namespace crisp::runtime::monitor
