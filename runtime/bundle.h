// The files crispd, crisp-monitor and crisp-runtime share, named in one
// place: each side builds its paths from these layouts, so a file cannot
// be written under one name and looked for under another.
//
// A container dir (<state>/containers/<id>/, crisp-monitor's --dir) holds
// the OCI bundle (config.json, seccomp.bpf, the rootfs mount), the runtime
// state dir (state/: crisp-runtime --root <dir> with the id "state"), the
// monitor's files (monitor.pid, attach.sock, exit.json) and the files of
// each `crisp-runtime exec` (exec-<token>.pid, exec-<token>.sock).
#pragma once

#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace crisp::runtime {

class BundleLayout {
 public:
  explicit BundleLayout(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }

  // The OCI bundle: written by crispd, read by the monitor and the CLI.
  std::string ConfigJson() const { return In("config.json"); }
  // The compiled seccomp program (seccomp_file.h).
  std::string SeccompProgram() const { return In("seccomp.bpf"); }
  // Where crispd mounts the container's root filesystem.
  std::string Rootfs() const { return In("rootfs"); }

  // The runtime's state dir is <StateRoot()>/<kStateId>: what
  // `crisp-runtime --root <StateRoot()> <verb> <kStateId>` works on.
  static constexpr char kStateId[] = "state";
  const std::string& StateRoot() const { return dir_; }
  std::string StateDir() const { return In(kStateId); }

  // "<pid> <start time> <pidfs inode>" of the monitor.
  std::string MonitorPid() const { return In("monitor.pid"); }
  // The monitor's attach socket (monitor/attach.h).
  std::string AttachSocket() const { return In("attach.sock"); }
  // The exit record the monitor writes last (monitor/exit_status.h).
  std::string ExitJson() const { return In("exit.json"); }

  // The pid file and console socket of one `crisp-runtime exec`; `token`
  // is unique among the container's execs.
  std::string ExecPidFile(absl::string_view token) const;
  std::string ExecConsoleSocket(absl::string_view token) const;

 private:
  std::string In(absl::string_view name) const;
  std::string dir_;
};

// A runtime state dir (<root>/<id>/ of crisp-runtime, a bundle's state/).
class StateLayout {
 public:
  explicit StateLayout(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // The container's record, written atomically (state.h).
  std::string StateJson() const { return dir_ + "/state.json"; }
  // The fifo that holds a created init until Start.
  std::string ExecFifo() const { return dir_ + "/exec.fifo"; }

 private:
  std::string dir_;
};

// A container's writable layer (<root>/containers/<id>/): the overlay's
// upper and work dirs, and the empty lower dir of an image with no layer.
class LayerLayout {
 public:
  explicit LayerLayout(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string UpperDir() const { return dir_ + "/fs"; }
  std::string WorkDir() const { return dir_ + "/work"; }
  std::string EmptyLowerDir() const { return dir_ + "/empty"; }

 private:
  std::string dir_;
};

}  // namespace crisp::runtime
