// The kubelet CRI log format: "<RFC3339Nano> <stream> <P|F> <message>\n".
// A line longer than max_line is split into partial P entries; the end of
// a line is an F entry. Output that ends without a newline stays pending
// until more comes (or Flush writes it as P, as containerd does).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/unique_fd.h"

namespace crisp::runtime::monitor {

// "2026-01-02T03:04:05.123456789Z" for nanoseconds since the epoch.
std::string Rfc3339Nano(int64_t unix_nanos);

// Turns raw output of one stream into log entries (a pure state machine).
class LineSplitter {
 public:
  LineSplitter(std::string stream, size_t max_line)
      : stream_(std::move(stream)), max_line_(max_line) {}
  // Entries for `data` at time `ts` (pending text carried over).
  std::string Feed(absl::string_view data, const std::string& ts);
  // The pending partial line as a P entry ("" when nothing is pending).
  std::string Flush(const std::string& ts);

 private:
  std::string Entry(const std::string& ts, char tag, absl::string_view text);
  std::string stream_;
  size_t max_line_;
  std::string pending_;
};

class CriLog {
 public:
  CriLog(std::string path, size_t max_line)
      : path_(std::move(path)),
        out_("stdout", max_line),
        err_("stderr", max_line) {}
  [[nodiscard]] absl::Status Open();  // also used to reopen (rotation)
  void Write(bool is_stderr, absl::string_view data);
  void Flush();

 private:
  void Append(const std::string& text);
  std::string path_;
  UniqueFd fd_;
  LineSplitter out_, err_;
};

}  // namespace crisp::runtime::monitor
