// crisp-runtime's verbs end to end: create/start/state/kill/delete, exit
// codes and signals, rollback of a failed create, exec and terminals.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "runtime/linux/console.h"
#include "tests/integration/runtime/harness.h"

namespace crisp::runtime::testing {
namespace {

using ::testing::HasSubstr;

class LifecycleTest : public RuntimeTest {
 protected:
  std::string Status(const std::string& id) {
    auto r = Runtime({"state", id});
    if (r.exit_code != 0) return "error: " + r.err;
    return nlohmann::json::parse(r.out).value("status", "");
  }
  bool WaitStatus(const std::string& id, const std::string& want) {
    for (int i = 0; i < 100; ++i) {
      if (Status(id) == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // create + start of a long-running container.
  void StartSleeper(const std::string& id) {
    std::string bundle = WriteBundle(id, BaseSpec({"sleep", "60"}));
    auto r = Runtime({"create", "--bundle", bundle, id});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Runtime({"start", id});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(WaitStatus(id, "running"));
  }
};

TEST_F(LifecycleTest, CreateStartStateKillDelete) {
  std::string id = Id("life");
  std::string bundle = WriteBundle(id, BaseSpec({"sleep", "60"}));
  std::string pid_file = tmp_ + "/pid";
  auto r = Runtime({"create", "--bundle", bundle, "--pid-file", pid_file, id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Status(id), "created");
  auto state = nlohmann::json::parse(Runtime({"state", id}).out);
  EXPECT_EQ(state["id"], id);
  EXPECT_EQ(state["bundle"], bundle);
  EXPECT_EQ(absl::StrCat(state["pid"].get<int>()), *ReadFile(pid_file));
  ASSERT_EQ(Runtime({"start", id}).exit_code, 0);
  EXPECT_TRUE(WaitStatus(id, "running"));
  EXPECT_NE(Runtime({"start", id}).exit_code, 0);   // not created any more
  EXPECT_NE(Runtime({"delete", id}).exit_code, 0);  // running
  ASSERT_EQ(Runtime({"kill", id, "KILL"}).exit_code, 0);
  EXPECT_TRUE(WaitStatus(id, "stopped"));
  r = Runtime({"delete", id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Status(id), HasSubstr("error"));
  struct stat st;
  EXPECT_NE(stat(absl::StrCat("/sys/fs/cgroup/pids/crisp/", id).c_str(), &st),
            0);
}

TEST_F(LifecycleTest, ExitCodePropagates) {
  EXPECT_EQ(
      RunContainer(Id("exit7"), BaseSpec({"sh", "-c", "exit 7"})).exit_code, 7);
  // The pid namespace's init ignores signals it has no handler for, even
  // SIGKILL from inside; a signal from outside ends it.
  EXPECT_EQ(
      RunContainer(Id("sig"), BaseSpec({"sh", "-c", "kill -9 $$; exit 4"}))
          .exit_code,
      4);
}

TEST_F(LifecycleTest, FailedCreateNamesTheStepAndLeavesNothing) {
  std::string id = Id("fail");
  std::string bundle = WriteBundle(id, BaseSpec({"/no/such/binary"}));
  auto r = Runtime({"create", "--bundle", bundle, id});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("/no/such/binary"));
  struct stat st;
  EXPECT_NE(stat(StateDir(id).c_str(), &st), 0);
  for (const char* c : {"pids", "memory", "cpu", "unified"}) {
    EXPECT_NE(
        stat(absl::StrCat("/sys/fs/cgroup/", c, "/crisp/", id).c_str(), &st), 0)
        << c;
  }
  oci::Spec bad = BaseSpec({"true"});
  bad.mounts.push_back({"/x", "nosuchfs", "none", {}});
  r = RunContainer(Id("badmount"), bad);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("rootfs"));
  EXPECT_THAT(r.err, HasSubstr("mount nosuchfs on /x"));
}

TEST_F(LifecycleTest, ExecSeesTheSameNamespaces) {
  std::string id = Id("exec");
  StartSleeper(id);
  auto r = Runtime({"exec", id, "sh", "-c",
                    "hostname; for n in pid net mnt ipc uts; do "
                    "[ $(readlink /proc/self/ns/$n) = $(readlink "
                    "/proc/1/ns/$n) ] && echo same-$n; done; exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.out, HasSubstr("crisp-test"));
  for (const char* ns : {"pid", "net", "mnt", "ipc", "uts"}) {
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("same-", ns)));
  }
  r = Runtime({"ps", "--format", "json", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 1u);
  EXPECT_EQ(Runtime({"delete", "--force", id}).exit_code, 0);
}

TEST_F(LifecycleTest, JoinsNamespacesByPath) {
  std::string first = Id("nsowner");
  StartSleeper(first);
  auto state = nlohmann::json::parse(Runtime({"state", first}).out);
  int pid = state["pid"].get<int>();
  oci::Spec s = BaseSpec({"sh", "-c",
                          "hostname; ps -o pid,args; "
                          "readlink /proc/self/ns/net"});
  s.hostname.clear();
  for (auto& ns : s.linux->namespaces) {
    if (ns.type == "network" || ns.type == "uts" || ns.type == "ipc" ||
        ns.type == "pid") {
      ns.path = absl::StrCat("/proc/", pid, "/ns/",
                             ns.type == "network" ? "net" : ns.type);
    }
  }
  auto r = RunContainer(Id("joiner"), s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("crisp-test"));  // the first one's hostname
  EXPECT_THAT(r.out, HasSubstr("sleep 60"));    // its pid namespace
  char net[128] = {};
  ASSERT_GT(readlink(absl::StrCat("/proc/", pid, "/ns/net").c_str(), net,
                     sizeof(net) - 1),
            0);
  EXPECT_THAT(r.out, HasSubstr(net));
  EXPECT_EQ(Runtime({"delete", "--force", first}).exit_code, 0);
}

TEST_F(LifecycleTest, HooksRunWhereTheSpecSays) {
  std::string id = Id("hooks");
  oci::Spec s = BaseSpec({"sh", "-c", "ls /tmp/started && echo started-ok"});
  auto hook = [](const std::string& script) {
    oci::Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", script};
    h.timeout = 10;
    return h;
  };
  s.hooks = oci::Hooks{};
  s.hooks->create_runtime = {hook("cat > " + tmp_ + "/createRuntime.json")};
  s.hooks->create_container = {hook("hostname > " + tmp_ + "/cc.txt")};
  s.hooks->start_container = {hook("touch /tmp/started")};
  s.hooks->poststart = {hook("cat > " + tmp_ + "/poststart.json")};
  s.hooks->poststop = {hook("cat > " + tmp_ + "/poststop.json")};
  auto r = RunContainer(id, s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("started-ok"));
  auto created = nlohmann::json::parse(*ReadFile(tmp_ + "/createRuntime.json"));
  EXPECT_EQ(created["id"], id);
  EXPECT_EQ(created["status"], "creating");
  EXPECT_GT(created["pid"].get<int>(), 0);
  EXPECT_EQ(*ReadFile(tmp_ + "/cc.txt"), "crisp-test\n");
  EXPECT_EQ(
      nlohmann::json::parse(*ReadFile(tmp_ + "/poststart.json"))["status"],
      "running");
  EXPECT_EQ(nlohmann::json::parse(*ReadFile(tmp_ + "/poststop.json"))["status"],
            "stopped");
  s.hooks = oci::Hooks{};
  s.hooks->create_runtime = {hook("exit 3")};
  r = RunContainer(Id("badhook"), s);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("createRuntime hook /bin/sh: exit status 3"));
}

// A unix socket that receives the pty master (runc's console socket).
class ConsoleSocket {
 public:
  explicit ConsoleSocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 1);
  }
  ~ConsoleSocket() { close(fd_); }
  UniqueFd Receive() {
    UniqueFd conn(accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC));
    auto fd = console::ReceiveFd(conn.get());
    return fd.ok() ? std::move(*fd) : UniqueFd();
  }

 private:
  std::string path_;
  int fd_;
};

std::string ReadUntil(int fd, const std::string& marker) {
  std::string out;
  char buf[512];
  for (int i = 0; i < 100 && out.find(marker) == std::string::npos; ++i) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, n);
  }
  return out;
}

TEST_F(LifecycleTest, TerminalContainerGetsAPty) {
  std::string id = Id("tty");
  oci::Spec s = BaseSpec({"sh", "-c",
                          "tty; stty size; echo on-console > /dev/console; "
                          "echo tty-done; sleep 1"});
  s.process->terminal = true;
  s.process->console_size = oci::ConsoleSize{33, 101};
  std::string bundle = WriteBundle(id, s);
  std::string sock = tmp_ + "/console.sock";
  ConsoleSocket console(sock);
  std::thread create([&] {
    auto r =
        Runtime({"create", "--bundle", bundle, "--console-socket", sock, id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  UniqueFd master = console.Receive();
  create.join();
  ASSERT_TRUE(master.valid());
  ASSERT_EQ(Runtime({"start", id}).exit_code, 0);
  std::string out = ReadUntil(master.get(), "tty-done");
  EXPECT_THAT(out, HasSubstr("/dev/pts/0"));
  EXPECT_THAT(out, HasSubstr("33 101"));
  EXPECT_THAT(out, HasSubstr("on-console"));
}

}  // namespace
}  // namespace crisp::runtime::testing
