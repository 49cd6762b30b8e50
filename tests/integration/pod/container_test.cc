// Containers through the real crispd: create, start, logs, status, exit
// codes, stop with a grace period, remove; what a container sees of its pod
// (network, DNS, hostname, shared PID namespace); pods stopping and
// removing their containers; containers outliving a crispd restart.
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tests/integration/pod/lab_container_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ContainerTest : public LabContainerFixture {
 protected:
  void SetUp() override {
    LabContainerFixture::SetUp();
    if (!Ready()) return;
    logs_ = crispd_.dir() + "/logs";
  }

  grpc::Status Start(const std::string& id) {
    return crispd_.client().StartContainer(id);
  }

  grpc::Status StopC(const std::string& id, int64_t timeout) {
    return crispd_.client().StopContainer(id, timeout);
  }

  grpc::Status RemoveC(const std::string& id) {
    return crispd_.client().RemoveContainer(id);
  }

  // Runs `cmd` to completion in a fresh container of `pod`; its log.
  std::string Output(const std::string& pod, const v1::PodSandboxConfig& pc,
                     const std::string& name, const std::string& cmd) {
    std::string id = Create(pod, pc, name, cmd);
    EXPECT_TRUE(Start(id).ok());
    EXPECT_EQ(WaitExited(id).exit_code(), 0);
    auto log = ReadFile(pc.log_directory() + "/" + name + ".log");
    return log.ok() ? *log : "";
  }

  std::string logs_;
};

TEST_F(ContainerTest, CreateStartLogStopRemove) {
  v1::PodSandboxConfig pc = PodConfig("web");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "main", "echo hello; exec sleep 1000");
  ASSERT_EQ(id.size(), 64u);
  EXPECT_EQ(StatusC(id).state(), v1::CONTAINER_CREATED);
  ASSERT_TRUE(Start(id).ok());
  v1::ContainerStatus st = StatusC(id);
  EXPECT_EQ(st.state(), v1::CONTAINER_RUNNING);
  EXPECT_GT(st.started_at(), 0);
  EXPECT_EQ(st.image().image(), image_);
  EXPECT_EQ(st.log_path(), pc.log_directory() + "/main.log");
  EXPECT_EQ(Start(id).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  std::string log;
  for (int i = 0; i < 500 && log.find("hello") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    log = ReadFile(st.log_path()).value_or("");
  }
  EXPECT_THAT(log, HasSubstr(" stdout F hello\n"));

  v1::ListContainersRequest list_req;
  list_req.mutable_filter()->set_pod_sandbox_id(pod);
  v1::ListContainersResponse list;
  ASSERT_TRUE(
      crispd_.client()
          .Call(&v1::RuntimeService::Stub::ListContainers, list_req, &list)
          .ok());
  ASSERT_EQ(list.containers_size(), 1);
  EXPECT_EQ(list.containers(0).id(), id);

  ASSERT_TRUE(StopC(id, 10).ok());
  st = StatusC(id);
  EXPECT_EQ(st.state(), v1::CONTAINER_EXITED);
  EXPECT_EQ(st.exit_code(), 128 + SIGTERM) << "sleep died of the stop signal";
  EXPECT_EQ(st.reason(), "Error");
  ASSERT_TRUE(StopC(id, 10).ok()) << "StopContainer is idempotent";
  ASSERT_TRUE(RemoveC(id).ok());
  EXPECT_TRUE(RemoveC(id).ok()) << "RemoveContainer is idempotent";
  EXPECT_EQ(Sh("grep -c " + id + " /proc/self/mountinfo"), "0\n");
}

TEST_F(ContainerTest, ExitCodesAndReasons) {
  v1::PodSandboxConfig pc = PodConfig("exits");
  std::string pod = MustRun(pc);
  std::string fail = Create(pod, pc, "fail", "exit 3");
  std::string ok = Create(pod, pc, "ok", "true");
  ASSERT_TRUE(Start(fail).ok());
  ASSERT_TRUE(Start(ok).ok());
  v1::ContainerStatus f = WaitExited(fail), o = WaitExited(ok);
  EXPECT_EQ(f.exit_code(), 3);
  EXPECT_EQ(f.reason(), "Error");
  EXPECT_EQ(o.exit_code(), 0);
  EXPECT_EQ(o.reason(), "Completed");
  EXPECT_GE(o.finished_at(), o.started_at());
}

TEST_F(ContainerTest, SeesItsPodsNetworkDnsHostnameAndPidNamespace) {
  v1::PodSandboxConfig pc = PodConfig("net");
  std::string pod = MustRun(pc);
  v1::PodSandboxStatusResponse ps;
  ASSERT_TRUE(Status(pod, &ps).ok());
  std::string out = Output(pod, pc, "look",
                           "ip -o -4 addr show eth0; cat /etc/resolv.conf; "
                           "hostname; echo pid=$$; cat /proc/1/cmdline");
  EXPECT_THAT(out, HasSubstr(ps.status().network().ip() + "/24"));
  EXPECT_THAT(out, HasSubstr("nameserver 10.0.0.10"));
  EXPECT_THAT(out, HasSubstr("stdout F net\n"));
  // CRI's default PID mode is POD: crisp-pause is the namespace's pid 1.
  EXPECT_THAT(out, Not(HasSubstr("pid=1\n")));
  EXPECT_THAT(out, HasSubstr("crisp-pause"));
}

TEST_F(ContainerTest, PodStopAndRemoveReachTheContainers) {
  v1::PodSandboxConfig pc = PodConfig("owner");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "long", "exec sleep 1000");
  ASSERT_TRUE(Start(id).ok());
  ASSERT_TRUE(StopPod(pod).ok());
  EXPECT_EQ(StatusC(id).state(), v1::CONTAINER_EXITED);
  ASSERT_TRUE(RemovePod(pod).ok());
  v1::ContainerStatusRequest req;
  req.set_container_id(id);
  v1::ContainerStatusResponse resp;
  EXPECT_EQ(crispd_.client()
                .Call(&v1::RuntimeService::Stub::ContainerStatus, req, &resp)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ContainerTest, RunningContainerOutlivesACrispdRestart) {
  v1::PodSandboxConfig pc = PodConfig("keep");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "long", "exec sleep 1000");
  ASSERT_TRUE(Start(id).ok());
  ASSERT_TRUE(crispd_.Stop(SIGKILL, std::chrono::seconds(5)).has_value());
  ASSERT_EQ(crispd_.Start(), "");
  EXPECT_EQ(StatusC(id).state(), v1::CONTAINER_RUNNING);
  ASSERT_TRUE(StopC(id, 0).ok());
  EXPECT_EQ(StatusC(id).exit_code(), 128 + SIGKILL);
}

TEST_F(ContainerTest, ExecSyncOutputExitCodeAndTimeout) {
  v1::PodSandboxConfig pc = PodConfig("exec");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "long", "exec sleep 1000");
  ASSERT_TRUE(Start(id).ok());
  auto exec = [&](std::vector<std::string> cmd, int64_t timeout,
                  v1::ExecSyncResponse* resp) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    for (auto& c : cmd) req.add_cmd(c);
    req.set_timeout(timeout);
    return crispd_.client().Call(&v1::RuntimeService::Stub::ExecSync, req,
                                 resp);
  };
  v1::ExecSyncResponse r;
  ASSERT_TRUE(
      exec({"sh", "-c", "echo out; echo err >&2; hostname; exit 4"}, 10, &r)
          .ok());
  EXPECT_EQ(r.stdout(), "out\nexec\n");
  EXPECT_EQ(r.stderr(), "err\n");
  EXPECT_EQ(r.exit_code(), 4);

  EXPECT_EQ(exec({"sleep", "30"}, 1, &r).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(
      exec({"sh", "-c", "pgrep sleep | grep -v '^2$' || echo none"}, 10, &r)
          .ok());
  EXPECT_EQ(r.stdout(), "none\n") << "the timed-out command is gone";

  ASSERT_TRUE(StopC(id, 0).ok());
  EXPECT_EQ(exec({"true"}, 10, &r).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ContainerTest, StatsUpdateAndReopenLog) {
  v1::PodSandboxConfig pc = PodConfig("stats");
  std::string pod = MustRun(pc);
  std::string id =
      Create(pod, pc, "ticker", "while true; do echo tick; sleep 0.05; done");
  ASSERT_TRUE(Start(id).ok());

  v1::ContainerStatsRequest sreq;
  sreq.set_container_id(id);
  v1::ContainerStatsResponse stats;
  auto s = crispd_.client().Call(&v1::RuntimeService::Stub::ContainerStats,
                                 sreq, &stats);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(stats.stats().attributes().id(), id);
  EXPECT_GT(stats.stats().cpu().usage_core_nano_seconds().value(), 0u);
  EXPECT_GT(stats.stats().memory().working_set_bytes().value(), 0u);
  v1::ListContainerStatsRequest lreq;
  lreq.mutable_filter()->set_pod_sandbox_id(pod);
  v1::ListContainerStatsResponse list;
  ASSERT_TRUE(
      crispd_.client()
          .Call(&v1::RuntimeService::Stub::ListContainerStats, lreq, &list)
          .ok());
  ASSERT_EQ(list.stats_size(), 1);

  v1::UpdateContainerResourcesRequest ureq;
  ureq.set_container_id(id);
  ureq.mutable_linux()->set_memory_limit_in_bytes(96 << 20);
  v1::UpdateContainerResourcesResponse uresp;
  s = crispd_.client().Call(&v1::RuntimeService::Stub::UpdateContainerResources,
                            ureq, &uresp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Sh("cat /sys/fs/cgroup/memory/crisp/" + id +
               "/memory.limit_in_bytes 2>/dev/null || "
               "cat /sys/fs/cgroup/crisp/" +
               id + "/memory.max"),
            absl::StrCat(96 << 20, "\n"));

  std::string log = pc.log_directory() + "/ticker.log";
  ASSERT_EQ(rename(log.c_str(), (log + ".1").c_str()), 0);
  v1::ReopenContainerLogRequest rreq;
  rreq.set_container_id(id);
  v1::ReopenContainerLogResponse rresp;
  ASSERT_TRUE(
      crispd_.client()
          .Call(&v1::RuntimeService::Stub::ReopenContainerLog, rreq, &rresp)
          .ok());
  std::string fresh;
  for (int i = 0; i < 300 && fresh.find("tick") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    fresh = ReadFile(log).value_or("");
  }
  EXPECT_THAT(fresh, HasSubstr(" stdout F tick\n"));
  ASSERT_TRUE(StopC(id, 0).ok());
  EXPECT_EQ(
      crispd_.client()
          .Call(&v1::RuntimeService::Stub::ReopenContainerLog, rreq, &rresp)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ContainerTest, BadRequestsChangeNothing) {
  v1::PodSandboxConfig pc = PodConfig("bad");
  std::string pod = MustRun(pc);
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(pod);
  req.mutable_config()->mutable_metadata()->set_name("x");
  req.mutable_config()->mutable_image()->set_image("no.such/image:1");
  v1::CreateContainerResponse resp;
  EXPECT_EQ(crispd_.client()
                .Call(&v1::RuntimeService::Stub::CreateContainer, req, &resp)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  req.set_pod_sandbox_id("0123456789");
  EXPECT_EQ(crispd_.client()
                .Call(&v1::RuntimeService::Stub::CreateContainer, req, &resp)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Start("0123456789").error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListContainersResponse list;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::ListContainers,
                        v1::ListContainersRequest(), &list)
                  .ok());
  EXPECT_EQ(list.containers_size(), 0);
}

// Audit L6: the log path is joined to the pod's log directory, and crispd
// makes the directories the file needs.
TEST_F(ContainerTest, LogPathOutsideThePodsLogDirectoryIsRefused) {
  v1::PodSandboxConfig pc = PodConfig("logs");
  std::string pod = MustRun(pc);
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(pod);
  *req.mutable_sandbox_config() = pc;
  auto* c = req.mutable_config();
  c->mutable_metadata()->set_name("escape");
  c->mutable_image()->set_image(image_);
  c->add_command("true");
  c->set_log_path("../../escape/0.log");
  v1::CreateContainerResponse resp;
  grpc::Status s = crispd_.client().Call(
      &v1::RuntimeService::Stub::CreateContainer, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  EXPECT_NE(access((crispd_.dir() + "/escape").c_str(), F_OK), 0);
  v1::ListContainersResponse list;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::ListContainers,
                        v1::ListContainersRequest(), &list)
                  .ok());
  EXPECT_EQ(list.containers_size(), 0);
}

// kubelet stops (and a forced delete stops again) ids that may be gone;
// containerd answers OK, as for RemoveContainer and RemovePodSandbox.
TEST_F(ContainerTest, StopOfAnUnknownIdSucceeds) {
  grpc::Status s = StopC("0123456789ab", 0);
  EXPECT_TRUE(s.ok()) << s.error_message();
  s = StopPod("0123456789ab");
  EXPECT_TRUE(s.ok()) << s.error_message();
}

// runc and containerd create a working directory the image lacks, owned by
// the process user.
TEST_F(ContainerTest, MissingWorkingDirIsCreatedForTheUser) {
  v1::PodSandboxConfig pc = PodConfig("cwd");
  std::string pod = MustRun(pc);
  std::string id = Create(
      pod, pc, "cwd", "pwd; stat -c %u:%g .", [](v1::ContainerConfig* c) {
        c->set_working_dir("/no/such/dir");
        auto* sc = c->mutable_linux()->mutable_security_context();
        sc->mutable_run_as_user()->set_value(1234);
        sc->mutable_run_as_group()->set_value(5678);
      });
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(Start(id).ok());
  EXPECT_EQ(WaitExited(id).exit_code(), 0);
  auto log = ReadFile(pc.log_directory() + "/cwd.log");
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("F /no/such/dir\n"));
  EXPECT_THAT(*log, HasSubstr("F 1234:5678\n"));
}

// Audit L10: a stop that waits out a long grace period must not make a
// later stop with timeout 0 (a forced delete) wait too.
TEST_F(ContainerTest, AShorterStopEscalatesAStopInProgress) {
  v1::PodSandboxConfig pc = PodConfig("stop");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "stubborn",
                          "trap '' TERM; echo ready; "
                          "while true; do sleep 1; done");
  ASSERT_TRUE(Start(id).ok());
  for (int i = 0; i < 500; ++i) {  // the trap is set once "ready" is out
    auto log = ReadFile(pc.log_directory() + "/stubborn.log");
    if (log.ok() && log->find("ready") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  grpc::Status slow;
  std::thread first([&] { slow = StopC(id, 60); });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto start = std::chrono::steady_clock::now();
  grpc::Status fast = StopC(id, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(fast.ok()) << fast.error_message();
  EXPECT_EQ(StatusC(id).state(), v1::CONTAINER_EXITED);
  first.join();
  EXPECT_TRUE(slow.ok()) << slow.error_message();
}

// crispd killed between the runtime's start and the store's update (review
// M4): the runtime has released the init, the row still says created. The
// container must read as running, and kubelet's retried StartContainer
// must succeed instead of failing or waiting at a fifo nobody writes.
TEST_F(ContainerTest, AStartInterruptedAfterTheRuntimeReleasedTheInitRuns) {
  v1::PodSandboxConfig pc = PodConfig("interrupted");
  std::string pod = MustRun(pc);
  std::string id = Create(pod, pc, "c", "exec sleep 1000");
  ASSERT_EQ(StatusC(id).state(), v1::CONTAINER_CREATED);
  // What the interrupted StartContainer had done: the runtime's start.
  std::string crispd = CrispdBinary();
  std::string runtime = crispd.substr(0, crispd.rfind('/')) + "/crisp-runtime";
  std::string dir = crispd_.state() + "/containers/" + id;
  ASSERT_EQ(Sh(absl::StrCat(runtime, " --root ", dir, " start state; echo $?")),
            "0\n");
  EXPECT_EQ(StatusC(id).state(), v1::CONTAINER_RUNNING);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Start(id).ok()) << crispd_.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  v1::ContainerStatus st = StatusC(id);
  EXPECT_EQ(st.state(), v1::CONTAINER_RUNNING);
  EXPECT_GT(st.started_at(), 0);
  ASSERT_TRUE(StopC(id, 0).ok());
  EXPECT_EQ(WaitExited(id).state(), v1::CONTAINER_EXITED);
}

// A container without a PID namespace of its own (review M2): CRI's
// default POD mode, where crisp-pause is pid 1, and hostPID. Its init
// starts a child that outlives the shell; a stop must leave no process of
// the container running, not only the init.
class SharedPidStopTest : public ContainerTest {
 protected:
  // The container's cgroup.procs (v1 pids hierarchy, or cgroup2).
  std::string ProcsFile(const std::string& id) {
    auto state =
        ReadFile(crispd_.state() + "/containers/" + id + "/state/state.json");
    if (!state.ok()) return "";
    std::string cg =
        nlohmann::json::parse(*state, nullptr, false).value("cgroupPath", "");
    for (const char* root : {"/sys/fs/cgroup/pids", "/sys/fs/cgroup"}) {
      std::string f = absl::StrCat(root, cg, "/cgroup.procs");
      if (access(f.c_str(), F_OK) == 0) return f;
    }
    return "";
  }
  // Host pid of the container's `sleep 1002`, with its start time.
  std::pair<pid_t, std::string> FindChild(const std::string& procs) {
    for (int i = 0; i < 500; ++i) {
      auto text = ReadFile(procs);
      for (absl::string_view l :
           absl::StrSplit(text.value_or(""), '\n', absl::SkipEmpty())) {
        std::string pid(l);
        auto cmd = ReadFile("/proc/" + pid + "/cmdline");
        if (cmd.ok() && *cmd == std::string("sleep\0"
                                            "1002\0",
                                            11)) {
          return {std::stoi(pid), StartTime(pid)};
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {0, ""};
  }
  static std::string StartTime(const std::string& pid) {
    auto stat = ReadFile("/proc/" + pid + "/stat");
    if (!stat.ok()) return "";
    std::vector<std::string> f =
        absl::StrSplit(stat->substr(stat->rfind(')') + 2), ' ');
    return f.size() > 19 ? f[19] : "";
  }
  // "gone" once neither running nor a zombie (its reaper has had a
  // moment); else what it still is.
  static std::string Fate(pid_t pid, const std::string& start) {
    std::string state;
    for (int i = 0; i < 500; ++i) {
      std::string p = std::to_string(pid);
      auto stat = ReadFile("/proc/" + p + "/stat");
      if (!stat.ok() || StartTime(p) != start) return "gone";
      state =
          stat->substr(stat->rfind(')') + 2, 1) == "Z" ? "zombie" : "running";
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return state;
  }
  void StopLeavesNothing(v1::NamespaceMode pid_mode, int64_t timeout) {
    v1::PodSandboxConfig pc = PodConfig("pidmode");
    pc.mutable_linux()
        ->mutable_security_context()
        ->mutable_namespace_options()
        ->set_pid(pid_mode);
    std::string pod = MustRun(pc);
    std::string id = Create(pod, pc, "forks", "sleep 1002 & exec sleep 1001",
                            [&](v1::ContainerConfig* c) {
                              c->mutable_linux()
                                  ->mutable_security_context()
                                  ->mutable_namespace_options()
                                  ->set_pid(pid_mode);
                            });
    ASSERT_TRUE(Start(id).ok());
    std::string procs = ProcsFile(id);
    ASSERT_NE(procs, "") << "no cgroup for " << id;
    auto [child, start] = FindChild(procs);
    ASSERT_GT(child, 0) << "no sleep 1002 in " << procs;
    ASSERT_TRUE(StopC(id, timeout).ok());
    EXPECT_EQ(StatusC(id).state(), v1::CONTAINER_EXITED);
    auto left = ReadFile(procs);
    EXPECT_THAT(left.value_or(""), Not(HasSubstr(std::to_string(child))))
        << "the child is still in the container's cgroup";
    // What a failure leaves goes with RemoveContainer in TearDown.
    EXPECT_EQ(Fate(child, start), "gone") << "pid " << child;
  }
};

TEST_F(SharedPidStopTest, KillInAPodsPidNamespaceTakesTheChildren) {
  StopLeavesNothing(v1::POD, 0);  // SIGKILL at once
}

TEST_F(SharedPidStopTest, TermInAPodsPidNamespaceTakesTheChildren) {
  StopLeavesNothing(v1::POD, 10);  // the init dies of SIGTERM
}

TEST_F(SharedPidStopTest, KillWithTheHostsPidNamespaceTakesTheChildren) {
  StopLeavesNothing(v1::NODE, 0);
}

}  // namespace
}  // namespace crisp::testing
