// crisp-pause --pin FILE: the process that holds a pod's shared PID
// namespace (CRI's PID mode POD). It makes the namespace, forks its init
// (which only reaps orphans and exits on SIGTERM), bind-mounts the
// namespace file onto FILE so containers can join it by path, prints
// "ok <init pid>" and exits. Links nothing but libc: a pod pays a few
// hundred kilobytes for it.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

[[noreturn]] void RunInit() {
  setsid();
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  while (true) {
    int sig = sigwaitinfo(&set, nullptr);
    if (sig == SIGTERM || sig == SIGINT) _exit(0);
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }
}

int Fail(const char* what) {
  printf("error %s: %s\n", what, strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || strcmp(argv[1], "--pin") != 0) {
    (void)fprintf(stderr, "usage: crisp-pause --pin FILE\n");
    return 2;
  }
  if (unshare(CLONE_NEWPID) != 0) return Fail("unshare pid namespace");
  pid_t init = fork();
  if (init < 0) return Fail("fork");
  if (init == 0) RunInit();
  char source[64];
  (void)snprintf(source, sizeof(source), "/proc/%d/ns/pid", init);
  if (mount(source, argv[2], nullptr, MS_BIND, nullptr) != 0) {
    kill(init, SIGKILL);
    return Fail("pin pid namespace");
  }
  printf("ok %d\n", init);
  return 0;
}
