// A container without a PID namespace of its own (a pod's shared one, the
// host's) ends with all its processes, not only its init (review M2):
// on the SIGKILL of a stop, and when the init exits by itself.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/failpoint.h"
#include "common/files.h"
#include "common/process.h"
#include "gmock/gmock.h"
#include "runtime/cgroups/kill.h"
#include "runtime/cgroups/layout.h"
#include "runtime/linux/container.h"
#include "runtime/monitor/exit_status.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;

// The init runs `sleep 1001` after starting `sleep 1002` in the
// background: a child that outlives the shell.
const std::vector<std::string> kParentAndChild = {
    "sh", "-c", "sleep 1002 & exec sleep 1001"};

class KillTest : public RuntimeTest {
 protected:
  void TearDown() override {
    KillMonitorsAndDelete(dirs_);
    RuntimeTest::TearDown();
  }

  // crisp-monitor --start for `spec`; returns the container dir and sets
  // `init` to the init's host pid.
  std::string StartMonitor(const std::string& id, const oci::Spec& spec,
                           pid_t* init = nullptr) {
    std::string dir = WriteBundle(id, spec);
    dirs_.push_back(dir);
    auto r = RunCommand({CRISP_MONITOR_BIN, "--id", id, "--dir", dir,
                         "--log-path", dir + "/ctr.log", "--start"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    int pid = 0;
    EXPECT_TRUE(
        r.out.rfind("ok ", 0) == 0 &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(r.out.substr(3)), &pid))
        << r.out;
    if (init != nullptr) *init = pid;
    return dir;
  }

  // No PID namespace of its own: the host's.
  oci::Spec HostPid(std::vector<std::string> args) const {
    oci::Spec s = BaseSpec(std::move(args));
    auto& ns = s.linux->namespaces;
    std::erase_if(ns, [](const oci::Namespace& n) { return n.type == "pid"; });
    return s;
  }

  static std::string ProcsFile(const std::string& id) {
    return absl::StrCat("/sys/fs/cgroup/pids/crisp/", id, "/cgroup.procs");
  }
  static std::set<pid_t> Procs(const std::string& id) {
    std::set<pid_t> pids;
    auto text = ReadFile(ProcsFile(id));
    if (!text.ok()) return pids;
    for (absl::string_view l : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
      pid_t p;
      if (absl::SimpleAtoi(l, &p)) pids.insert(p);
    }
    return pids;
  }

  // The container's `sleep 1002`, as pid and start time.
  // Bounded generously: a shell forking in a loop slows a loaded node.
  ProcessId FindChild(const std::string& id) {
    for (int i = 0; i < 1500; ++i) {
      for (pid_t p : Procs(id)) {
        auto cmd = ReadFile(absl::StrCat("/proc/", p, "/cmdline"));
        if (cmd.ok() && *cmd == std::string("sleep\0"
                                            "1002\0",
                                            11)) {
          return {p, ProcessStartTime(p).value_or(0)};
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {};
  }

  // "gone" once the process neither runs nor lingers as a zombie (its
  // reaper, crisp-pause or the monitor, has had a moment); "running" or
  // "zombie" if it is still there after that.
  static std::string Fate(const ProcessId& p) {
    std::string state = "running";
    for (int i = 0; i < 250; ++i) {
      auto stat = ReadFile(absl::StrCat("/proc/", p.pid, "/stat"));
      if (!stat.ok() || ProcessStartTime(p.pid).value_or(0) != p.start_time) {
        return "gone";
      }
      size_t paren = stat->rfind(')');
      state = paren + 2 < stat->size() && (*stat)[paren + 2] == 'Z' ? "zombie"
                                                                    : "running";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return state;
  }

  absl::StatusOr<monitor::ExitStatus> WaitExit(const std::string& dir) {
    for (int i = 0; i < 400; ++i) {
      auto s = monitor::ReadExitStatus(dir);
      if (s.ok()) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return absl::DeadlineExceededError("no exit.json");
  }

  // The checks every case ends with: the container exited and nothing of
  // it is left, the child included.
  void ExpectAllGone(const std::string& id, const std::string& dir,
                     const ProcessId& child) {
    auto exit = WaitExit(dir);
    ASSERT_TRUE(exit.ok()) << exit.status();
    EXPECT_THAT(Procs(id), ::testing::Not(::testing::Contains(child.pid)))
        << "the child is still in the container's cgroup";
    EXPECT_EQ(Fate(child), "gone") << "pid " << child.pid;
  }

  std::vector<std::string> dirs_;
};

TEST_F(KillTest, StopOfAHostPidContainerKillsTheInitsChildren) {
  std::string id = Id("hostpid");
  std::string dir = StartMonitor(id, HostPid(kParentAndChild));
  ProcessId child = FindChild(id);
  ASSERT_GT(child.pid, 0) << "no sleep 1002 in " << ProcsFile(id);
  // The SIGKILL step of StopContainer.
  ASSERT_TRUE(runtime::Kill(dir + "/state", SIGKILL).ok());
  ExpectAllGone(id, dir, child);
}

TEST_F(KillTest, StopOfAContainerInASharedPidNamespaceKillsTheInitsChildren) {
  // The pod's PID namespace: pid 1 is a shell that reaps what it adopts,
  // as crisp-pause does.
  pid_t pause = 0;
  StartMonitor(Id("pause"), BaseSpec({"sh", "-c", "while :; do sleep 1; done"}),
               &pause);
  ASSERT_GT(pause, 0);
  oci::Spec shared = BaseSpec(kParentAndChild);
  for (auto& ns : shared.linux->namespaces) {
    if (ns.type == "pid") ns.path = absl::StrCat("/proc/", pause, "/ns/pid");
  }
  std::string id = Id("shared");
  std::string dir = StartMonitor(id, shared);
  ProcessId child = FindChild(id);
  ASSERT_GT(child.pid, 0) << "no sleep 1002 in " << ProcsFile(id);
  ASSERT_TRUE(runtime::Kill(dir + "/state", SIGKILL).ok());
  ExpectAllGone(id, dir, child);
}

TEST_F(KillTest, AnInitThatExitsByItselfTakesItsChildrenWithIt) {
  std::string id = Id("selfexit");
  pid_t init = 0;
  std::string dir = StartMonitor(
      id,
      HostPid({"sh", "-c",
               "trap 'exit 3' USR1; sleep 1002 & while :; do sleep 0.1; done"}),
      &init);
  ProcessId child = FindChild(id);
  ASSERT_GT(child.pid, 0) << "no sleep 1002 in " << ProcsFile(id);
  ASSERT_EQ(kill(init, SIGUSR1), 0);  // the shell exits by itself
  auto exit = WaitExit(dir);
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->exit_code, 3);
  ExpectAllGone(id, dir, child);
}

// Each way of killing a cgroup, on the kernels' interfaces this node has
// (hybrid: cgroup.kill and cgroup.freeze on the cgroup2 mount, the v1
// freezer): a shell and its 25 children are killed together. A fork
// loop into pids.max could end the shell on a failed fork, and the monitor
// then killed the rest, at times before the test had seen the child.
TEST_F(KillTest, EveryKillMethodEmptiesTheCgroup) {
  auto layout = cgroups::DetectLayout();
  ASSERT_TRUE(layout.ok()) << layout.status();
  for (auto [method, name] :
       {std::pair{cgroups::KillMethod::kCgroupKill, "cgroupkill"},
        std::pair{cgroups::KillMethod::kFreezeV2, "freezev2"},
        std::pair{cgroups::KillMethod::kFreezeV1, "freezev1"}}) {
    std::string id = Id(name);
    oci::Spec forking =
        HostPid({"sh", "-c",
                 "sleep 1002 & for i in $(seq 24); do sleep 1003 & done; "
                 "while :; do sleep 1; done"});
    forking.linux->resources->pids = oci::Pids{32};
    std::string dir = StartMonitor(id, forking);
    ProcessId child = FindChild(id);
    ASSERT_GT(child.pid, 0) << name;
    auto cg = cgroups::Cgroup::Open({*layout, "/crisp/" + id, false});
    absl::Status st = cgroups::KillAll(cg, absl::Seconds(20), method);
    ASSERT_TRUE(st.ok()) << name << ": " << st;
    EXPECT_TRUE(cgroups::Empty(cg)) << name;
    ExpectAllGone(id, dir, child);
  }
}

// A thaw that fails once must not leave the cgroup frozen: on v1 its
// SIGKILLed processes could never exit, nor could the next stop's.
TEST_F(KillTest, AFailedThawIsRetried) {
  auto layout = cgroups::DetectLayout();
  ASSERT_TRUE(layout.ok()) << layout.status();
  std::string id = Id("thaw");
  std::string dir = StartMonitor(id, HostPid(kParentAndChild));
  ProcessId child = FindChild(id);
  ASSERT_GT(child.pid, 0);
  ASSERT_TRUE(failpoint::Configure("runtime.kill.before_thaw=1*error").ok());
  auto cg = cgroups::Cgroup::Open({*layout, "/crisp/" + id, false});
  absl::Status st =
      cgroups::KillAll(cg, absl::Seconds(20), cgroups::KillMethod::kFreezeV1);
  ASSERT_TRUE(failpoint::Configure("").ok());
  ASSERT_TRUE(st.ok()) << st;
  auto state = ReadFile(
      absl::StrCat("/sys/fs/cgroup/freezer/crisp/", id, "/freezer.state"));
  if (state.ok()) {
    EXPECT_THAT(*state, HasSubstr("THAWED"));
  }
  EXPECT_TRUE(cgroups::Empty(cg));
  ExpectAllGone(id, dir, child);
}

}  // namespace
}  // namespace crisp::runtime::testing
