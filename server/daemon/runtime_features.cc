#include "server/daemon/runtime_features.h"

#include "absl/strings/str_cat.h"
#include "common/subprocess.h"
#include "glog/logging.h"

namespace crisp::server {
namespace {

// The probes mount two scratch tmpfs in a namespace of their own.
constexpr absl::Duration kTimeout = absl::Seconds(30);

absl::StatusOr<specgen::NodeFeatures> Measure(const std::string& runtime_path) {
  auto run = subprocess::Run(
      {.path = runtime_path,
       .argv = {"crisp-runtime", "features"},
       .out = subprocess::Stdio::Pipe(),
       .err = subprocess::Stdio::Pipe(),
       .new_process_group = true},
      {.timeout = kTimeout, .max_out = 1 << 20, .max_err = 4096});
  if (!run.ok()) return run.status();
  if (run->timed_out || subprocess::ExitCode(run->wait_status) != 0) {
    return absl::InternalError(absl::StrCat(
        "crisp-runtime features ",
        run->timed_out ? "timed out"
                       : absl::StrCat("exited with ",
                                      subprocess::ExitCode(run->wait_status)),
        ": ", run->err));
  }
  return specgen::ParseRuntimeFeatures(run->out);
}

}  // namespace

specgen::NodeFeatures MeasureNodeFeatures(const std::string& runtime_path) {
  auto measured = Measure(runtime_path);
  if (!measured.ok()) {
    LOG(WARNING) << measured.status().message()
                 << ": offering no optional runtime feature";
    return {.recursive_read_only_mounts = false,
            .recursive_read_only_missing =
                std::string(measured.status().message())};
  }
  if (measured->recursive_read_only_mounts) {
    LOG(INFO) << "recursive read-only mounts: supported";
  } else {
    LOG(INFO) << "recursive read-only mounts: not supported: "
              << measured->recursive_read_only_missing;
  }
  return *measured;
}

}  // namespace crisp::server
