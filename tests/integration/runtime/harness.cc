#include "tests/integration/runtime/harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "runtime/linux/container.h"
#include "runtime/oci/json.h"

namespace crisp::runtime::testing {
namespace {

// Reads both pipes until the process exits (then what is left), so that a
// container that inherited them (crisp-runtime create) does not hold us.
int ReadBoth(int out, int err, CommandResult& r, pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
  char buf[4096];
  int status = -1;
  bool exited = false;
  for (int quiet = 0; quiet < 3;) {
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      deadline += std::chrono::hours(1);
    }
    int n = poll(fds, 2, exited ? 20 : 50);
    if (n <= 0) {
      quiet += exited ? 1 : 0;
      continue;
    }
    for (auto& f : fds) {
      if (f.fd < 0 || !f.revents) continue;
      ssize_t got = read(f.fd, buf, sizeof(buf));
      if (got <= 0) {
        f.fd = -1;
        continue;
      }
      (f.fd == out ? r.out : r.err).append(buf, got);
    }
    if (fds[0].fd < 0 && fds[1].fd < 0) quiet = exited ? 3 : quiet;
    if (fds[0].fd < 0 && fds[1].fd < 0 && !exited) {
      waitpid(pid, &status, 0);
      exited = true;
    }
  }
  return status;
}

}  // namespace

void KillMonitorsAndDelete(const std::vector<std::string>& container_dirs) {
  for (const std::string& dir : container_dirs) {
    auto pid = ReadFile(dir + "/monitor.pid");
    int p = 0;
    if (pid.ok() && absl::SimpleAtoi(pid->substr(0, pid->find(' ')), &p)) {
      kill(p, SIGKILL);
    }
    (void)runtime::Delete(dir + "/state", true);
  }
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult r;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  int status = ReadBoth(out[0], err[0], r, pid);
  close(out[0]);
  close(err[0]);
  r.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

void RuntimeTest::SetUp() {
  if (geteuid() != 0) GTEST_SKIP() << "runtime integration tests need root";
  if (access("/bin/busybox", X_OK) != 0) {
    GTEST_SKIP() << "/bin/busybox (busybox-static) is not installed";
  }
  char tmpl[] = "/tmp/crisp-rt-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  tmp_ = tmpl;
  chmod(tmp_.c_str(), 0755);
  rootfs_ = tmp_ + "/rootfs";
  root_ = tmp_ + "/state";
  auto r = RunCommand({"/bin/sh", "-c",
                       absl::StrCat(CRISP_ROOTFS_SCRIPT, " ", tmp_,
                                    "/rootfs-bundle >/dev/null && mv ", tmp_,
                                    "/rootfs-bundle/rootfs ", rootfs_)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(MakeDirs(root_, 0700).ok());
}

void RuntimeTest::TearDown() {
  constexpr const char* kControllers[] = {
      "pids",    "memory",  "cpu",   "cpuacct", "cpuset",
      "devices", "freezer", "blkio", "systemd", "unified"};
  for (const std::string& id : ids_) {
    (void)Runtime({"delete", "--force", id});
    for (const char* c : kControllers) {
      rmdir(absl::StrCat("/sys/fs/cgroup/", c, "/crisp/", id).c_str());
    }
  }
  // The default parent the runtime made; it stays while anything else
  // (another test, a running crispd) has a cgroup under it.
  for (const char* c : kControllers) {
    rmdir(absl::StrCat("/sys/fs/cgroup/", c, "/crisp").c_str());
  }
  if (!tmp_.empty()) (void)RemoveAll(tmp_);
}

std::string RuntimeTest::Id(const std::string& name) {
  std::string id = absl::StrCat(name, "-", getpid());
  ids_.push_back(id);
  return id;
}

oci::Spec RuntimeTest::BaseSpec(std::vector<std::string> args) const {
  oci::Spec s;
  s.root = oci::Root{rootfs_, true};
  s.hostname = "crisp-test";
  s.process = oci::Process{};
  s.process->args = std::move(args);
  s.process->env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"};
  s.process->no_new_privileges = true;
  oci::Capabilities caps;
  caps.bounding = caps.effective =
      caps.permitted = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  s.process->capabilities = caps;
  s.mounts = {
      {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
      {"/dev",
       "tmpfs",
       "tmpfs",
       {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts",
       "devpts",
       "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
      {"/dev/shm",
       "tmpfs",
       "shm",
       {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
      {"/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev"}}};
  s.linux = oci::Linux{};
  for (const char* ns : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
    s.linux->namespaces.push_back({ns, ""});
  }
  s.linux->masked_paths = {"/proc/kcore", "/proc/keys", "/proc/timer_list",
                           "/sys/firmware", "/proc/acpi"};
  s.linux->readonly_paths = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
                             "/proc/bus"};
  s.linux->resources = oci::Resources{};
  oci::DeviceRule deny;
  deny.access = "rwm";
  s.linux->resources->devices = {deny};
  return s;
}

std::string RuntimeTest::WriteBundle(const std::string& id,
                                     const oci::Spec& spec) {
  std::string dir = tmp_ + "/bundles/" + id;
  EXPECT_TRUE(MakeDirs(dir, 0755).ok());
  EXPECT_TRUE(
      WriteFileAtomic(dir + "/config.json", oci::ToJson(spec).dump(2)).ok());
  return dir;
}

CommandResult RuntimeTest::Runtime(std::vector<std::string> args) {
  args.insert(args.begin(), {CRISP_RUNTIME_BIN, "--root", root_});
  return RunCommand(args);
}

CommandResult RuntimeTest::RunContainer(const std::string& id,
                                        const oci::Spec& spec) {
  std::string bundle = WriteBundle(id, spec);
  return Runtime({"run", "--bundle", bundle, id});
}

}  // namespace crisp::runtime::testing
