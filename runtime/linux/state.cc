#include "runtime/linux/state.h"

#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/bundle.h"

namespace crisp::runtime::state {

absl::Status Save(const std::string& dir, const State& s) {
  nlohmann::json j = {{"id", s.id},
                      {"bundle", s.bundle},
                      {"pid", s.init.pid},
                      {"pidStartTime", s.init.start_time},
                      {"pidfsInode", s.init.pidfs_ino},
                      {"cgroupPath", s.cgroup_path},
                      {"created", s.created_ns},
                      {"terminal", s.terminal},
                      {"annotations", s.annotations}};
  return WriteFileAtomic(StateLayout(dir).StateJson(), j.dump(), 0600);
}

absl::StatusOr<State> Load(const std::string& dir) {
  auto text = ReadFile(StateLayout(dir).StateJson());
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat("container state ", dir, ": ", text.status().message()));
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError(
        absl::StrCat(StateLayout(dir).StateJson(), ": not JSON"));
  }
  State s;
  try {
    s.id = j.at("id").get<std::string>();
    s.bundle = j.at("bundle").get<std::string>();
    s.init.pid = j.at("pid").get<pid_t>();
    s.init.start_time = j.at("pidStartTime").get<uint64_t>();
    s.init.pidfs_ino = j.value("pidfsInode", uint64_t{0});  // absent before
    s.cgroup_path = j.at("cgroupPath").get<std::string>();
    s.created_ns = j.at("created").get<int64_t>();
    s.terminal = j.value("terminal", false);
    s.annotations =
        j.value("annotations", std::map<std::string, std::string>{});
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(
        absl::StrCat(StateLayout(dir).StateJson(), ": ", e.what()));
  }
  return s;
}

bool ProcessExited(pid_t pid) {
  auto stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return true;
  size_t paren = stat->rfind(')');
  return paren == std::string::npos || paren + 2 >= stat->size() ||
         (*stat)[paren + 2] == 'Z' || (*stat)[paren + 2] == 'X';
}

// Until its execve the init holds the exec fifo (O_PATH, close-on-exec):
// that, not the fifo's name, says it has not started. A start interrupted
// between releasing the init and unlinking the fifo leaves the name behind
// for a container that runs.
bool InitHoldsFifo(const std::string& dir, const State& s) {
  struct stat fifo;
  if (stat(StateLayout(dir).ExecFifo().c_str(), &fifo) != 0) return false;
  std::string fds = absl::StrCat("/proc/", s.init.pid, "/fd");
  auto names = ListDir(fds);
  if (!names.ok()) return true;  // cannot tell: keep what the name says
  for (const std::string& name : *names) {
    struct stat st;
    if (stat((fds + "/" + name).c_str(), &st) == 0 &&
        st.st_dev == fifo.st_dev && st.st_ino == fifo.st_ino) {
      return true;
    }
  }
  return false;
}

std::string StatusOf(const std::string& dir, const State& s) {
  if (!ProcessAlive(s.init) || ProcessExited(s.init.pid)) return "stopped";
  return InitHoldsFifo(dir, s) ? "created" : "running";
}

nlohmann::json OciState(const std::string& dir, const State& s) {
  std::string status = StatusOf(dir, s);
  nlohmann::json j = {{"ociVersion", "1.2.0"},
                      {"id", s.id},
                      {"status", status},
                      {"bundle", s.bundle},
                      {"annotations", s.annotations}};
  if (status != "stopped") j["pid"] = s.init.pid;
  return j;
}

}  // namespace crisp::runtime::state
