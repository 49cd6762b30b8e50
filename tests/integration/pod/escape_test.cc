// Attacks from inside a container on the host, played against the real
// crispd (issue 15, C1; runc's CVE-2019-5736).
//
// A root container must never reach a host executable of Crisp's through
// /proc/<pid>/exe: not through a process that crispd execs into it (an exec
// probe running a script whose interpreter is `/proc/self/exe`), not
// through its own init before the init's execve (an entrypoint that is
// `/proc/self/exe`). Each test makes such a process block inside the
// container on a FIFO, opens its exe from another container process, lets
// it exit, and then opens that exe for writing, as the attack does. The
// host's crisp-runtime and crisp-monitor must not be what it opened.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "tests/integration/pod/lab_pod_fixture.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The busybox script a watcher runs: runs `setup`, waits (bounded) for a
// process that
// runs `/proc/self/exe` (spelt in two halves so that the watcher's own
// command line never matches), opens its exe, runs `release` to let it go
// on, waits until it is gone, then checks whether the exe it held opens for
// writing (never writing to it unless it is a memfd), and prints:
//   found <exe link>
//   opened <dev>:<ino>   or   refused
//   write refused        (a memfd copy: the write seal holds)
std::string WatcherScript(const std::string& setup,
                          const std::string& release) {
  return absl::StrCat(
      "unset LD_PRELOAD; ", setup,
      "; a=/proc/self; b=/exe; "
      "pid=; i=0; while [ -z \"$pid\" ] && [ $i -lt 500 ]; do "
      "  for d in /proc/[0-9]*; do "
      "    grep -q -- \"$a$b\" $d/cmdline 2>/dev/null || continue; "
      "    case $(readlink $d/exe) in */busybox) ;; *) pid=${d#/proc/};; esac; "
      "  done; i=$((i+1)); usleep 20000; "
      "done; "
      "[ -n \"$pid\" ] || { echo 'no target'; exit 1; }; "
      "echo found $(readlink /proc/$pid/exe); "
      "[ -r /proc/$pid/exe ] || { echo 'exe refused'; exit 1; }; "
      "exec 3</proc/$pid/exe; ",
      release,
      "; while [ -e /proc/$pid ]; do usleep 10000; done; "
      "n=0; while [ $n -lt 300 ] && ! ( : >>/proc/self/fd/3 ) 2>/dev/null; do "
      "  n=$((n+1)); usleep 10000; "
      "done; "
      "if [ $n -ge 300 ]; then echo refused; exit 0; fi; "
      "echo opened $(stat -L -c %d:%i /proc/self/fd/3); "
      "case $(readlink /proc/self/fd/3) in "
      "  /memfd:*) ( printf x >>/proc/self/fd/3 ) 2>/dev/null && echo WROTE || "
      "           echo write refused;; "
      "esac");
}

std::string DevIno(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "missing " + path;
  return absl::StrCat(st.st_dev, ":", st.st_ino);
}

class EscapeTest : public LabPodFixture {
 protected:
  void SetUp() override {
    LabPodFixture::SetUp();
    if (!Ready()) return;
    shared_ = crispd_.dir() + "/shared";
    ASSERT_TRUE(MakeDirs(shared_, 0777).ok());
    pc_ = Config("escape");
    pc_.set_log_directory(crispd_.dir() + "/logs");
    pod_ = MustRun(pc_);
  }

  // A running container of the pod (shared PID namespace: CRI's default)
  // with the host directory shared_ at /shared and LD_PRELOAD=`preload`.
  std::string Run(const std::string& name, std::vector<std::string> command,
                  const std::string& preload = "") {
    v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod_);
    *req.mutable_sandbox_config() = pc_;
    auto* c = req.mutable_config();
    c->mutable_metadata()->set_name(name);
    c->mutable_image()->set_image(image_);
    for (auto& a : command) c->add_command(a);
    c->set_log_path(name + ".log");
    if (!preload.empty()) {
      auto* env = c->add_envs();
      env->set_key("LD_PRELOAD");
      env->set_value(preload);
    }
    auto* m = c->add_mounts();
    m->set_host_path(shared_);
    m->set_container_path("/shared");
    v1::CreateContainerResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::CreateContainer,
                                   req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << crispd_.Log();
    v1::StartContainerRequest start;
    start.set_container_id(resp.container_id());
    v1::StartContainerResponse started;
    s = crispd_.client().Call(&v1::RuntimeService::Stub::StartContainer, start,
                              &started);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << crispd_.Log();
    return resp.container_id();
  }

  grpc::Status Exec(const std::string& id, std::vector<std::string> cmd,
                    v1::ExecSyncResponse* resp) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    for (auto& c : cmd) req.add_cmd(c);
    req.set_timeout(60);
    return crispd_.client().Call(&v1::RuntimeService::Stub::ExecSync, req,
                                 resp);
  }

  // The watcher's report must show that the attack reached a Crisp process
  // and that what it opened for writing is not `host_binary`.
  void ExpectHostBinarySafe(const std::string& report,
                            const std::string& host_binary) {
    EXPECT_THAT(report, HasSubstr("found ")) << report;
    EXPECT_THAT(report, Not(HasSubstr("opened " + DevIno(host_binary))))
        << "a container process opened the host's " << host_binary
        << " for writing:\n"
        << report;
    EXPECT_THAT(report, HasSubstr("found /memfd:")) << report;
    EXPECT_THAT(report, Not(HasSubstr("WROTE"))) << report;
  }

  // Where crispd finds its helpers: beside it.
  static std::string Helper(const std::string& name) {
    std::string crispd = CrispdBinary();
    return crispd.substr(0, crispd.rfind('/') + 1) + name;
  }

  std::string shared_, pod_;
  v1::PodSandboxConfig pc_;
};

// Crisp's helpers are dynamically linked: run inside a container, they
// load the container's ld.so, which opens the container's LD_PRELOAD. A
// FIFO there holds the process in the loader, with its exe already set, for
// as long as the attacker likes (a library of the attacker's would run its
// own code there; the FIFO is the harmless equivalent).

// An exec probe running an image's `#!/proc/self/exe` script makes the
// runtime's own exec child run crisp-runtime again, as a container process.
TEST_F(EscapeTest, ExecOfAProcSelfExeScriptCannotReachTheHostRuntime) {
  // The watcher is the container's own process, as an attacker's would be
  // (not under a crisp-runtime exec that would keep the binary busy). It
  // starts before the FIFO exists, so it is not held itself.
  std::string watcher = absl::StrCat(
      "{ ",
      WatcherScript("mkfifo /tmp/hold.so && "
                    "printf '#!%s%s\\n' /proc/self /exe >/evil && "
                    "chmod 755 /evil && touch /shared/ready",
                    ": >/tmp/hold.so"),
      "; } >/shared/report.tmp 2>&1; mv /shared/report.tmp /shared/report; "
      "exec sleep 1000");
  std::string id = Run("victim", {"sh", "-c", watcher}, "/tmp/hold.so");
  auto wait_for = [&](const std::string& file) {
    for (int i = 0; i < 1500 && access(file.c_str(), F_OK) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  wait_for(shared_ + "/ready");
  v1::ExecSyncResponse probe;
  (void)Exec(id, {"/evil"}, &probe);  // the probe: held until released
  wait_for(shared_ + "/report");
  auto report = ReadFile(shared_ + "/report");
  ExpectHostBinarySafe(report.ok() ? *report : "no report",
                       Helper("crisp-runtime"));
}

// An entrypoint of `/proc/self/exe` (or a `#!/proc/self/exe` script) runs
// what the init was cloned from, crisp-monitor, as a container process.
TEST_F(EscapeTest, InitRunningProcSelfExeCannotReachTheHostMonitor) {
  ASSERT_EQ(mkfifo((shared_ + "/hold.so").c_str(), 0666), 0);
  std::string watcher = Run("watcher", {"sleep", "1000"});
  Run("victim", {"/proc/self/exe"}, "/shared/hold.so");
  v1::ExecSyncResponse w;
  auto s =
      Exec(watcher, {"sh", "-c", WatcherScript(":", ": >/shared/hold.so")}, &w);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ExpectHostBinarySafe(w.stdout() + w.stderr(), Helper("crisp-monitor"));
}

// A volume over /proc with a fake self/fd/ made the init reopen a plain
// file as its exec fifo: CreateContainer said OK for a container that had
// already run, and StartContainer waited forever holding its lock.
TEST_F(EscapeTest, VolumesOverProcAreRefused) {
  for (const char* dest : {"/proc", "/proc/self", "/proc/sys/kernel"}) {
    v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod_);
    *req.mutable_sandbox_config() = pc_;
    auto* c = req.mutable_config();
    c->mutable_metadata()->set_name("fakeproc");
    c->mutable_image()->set_image(image_);
    c->add_command("true");
    auto* m = c->add_mounts();
    m->set_host_path(shared_);
    m->set_container_path(dest);
    v1::CreateContainerResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::CreateContainer,
                                   req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << dest;
    EXPECT_THAT(s.error_message(), HasSubstr("proc")) << dest;
  }
  v1::ListContainersResponse list;
  ASSERT_TRUE(crispd_.client()
                  .Call(&v1::RuntimeService::Stub::ListContainers,
                        v1::ListContainersRequest(), &list)
                  .ok());
  EXPECT_EQ(list.containers_size(), 0);
}

}  // namespace
}  // namespace crisp::testing
