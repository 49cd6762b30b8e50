#include "runtime/exec_command.h"

#include <signal.h>

#include "absl/strings/numbers.h"
#include "common/files.h"
#include "runtime/bundle.h"

namespace crisp::runtime {

std::vector<std::string> ExecArgv(const ExecLine& e) {
  std::vector<std::string> args = {
      "crisp-runtime", "--root",     BundleLayout(e.container_dir).StateRoot(),
      "exec",          "--pid-file", e.pid_file};
  if (e.tty) {
    // A terminal wants to know its type; kubelet's runtimes set xterm too.
    args.insert(args.end(), {"--tty", "--console-socket", e.console_socket,
                             "--env", "TERM=xterm"});
  }
  args.push_back(BundleLayout::kStateId);
  args.insert(args.end(), e.command.begin(), e.command.end());
  return args;
}

void KillExec(pid_t runtime_pid, const std::string& pid_file) {
  pid_t pid = 0;
  auto text = ReadFile(pid_file);
  if (text.ok() && absl::SimpleAtoi(*text, &pid) && pid > 0 &&
      kill(pid, SIGKILL) == 0) {
    return;
  }
  kill(-runtime_pid, SIGKILL);
}

}  // namespace crisp::runtime
