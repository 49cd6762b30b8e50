#include "server/specgen/seccomp_default.h"

#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <span>
#include <utility>

namespace crisp::server::specgen {
namespace {

using runtime::oci::SeccompArg;
using runtime::oci::SeccompSyscall;
using Names = std::vector<std::string>;

// Allowed for every container, grouped by what they do. Laid out by hand:
// clang-format puts one name per line on lists this long.
// clang-format off
constexpr const char* kFileIoSyscalls[] = {
    "open", "openat", "openat2", "creat", "close", "close_range",
    "name_to_handle_at", "read", "readv", "pread64", "preadv", "preadv2",
    "write", "writev", "pwrite64", "pwritev", "pwritev2", "lseek", "_llseek",
    "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock", "ioctl", "fsync",
    "fdatasync", "sync", "syncfs", "sync_file_range", "fallocate", "fadvise64",
    "fadvise64_64", "readahead", "truncate", "truncate64", "ftruncate",
    "ftruncate64", "copy_file_range", "sendfile", "sendfile64", "splice", "tee",
    "vmsplice"};

constexpr const char* kFileTreeSyscalls[] = {
    "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "chmod",
    "fchmod", "fchmodat", "fchmodat2", "chown", "chown32", "fchown", "fchown32",
    "fchownat", "lchown", "lchown32", "umask", "stat", "stat64", "lstat",
    "lstat64", "fstat", "fstat64", "fstatat64", "newfstatat", "statx", "statfs",
    "statfs64", "fstatfs", "fstatfs64", "getdents", "getdents64", "link",
    "linkat", "symlink", "symlinkat", "unlink", "unlinkat", "rename",
    "renameat", "renameat2", "mkdir", "mkdirat", "rmdir", "mknod", "mknodat",
    "readlink", "readlinkat", "utime", "utimes", "utimensat",
    "utimensat_time64", "futimesat", "cachestat", "statmount", "listmount"};

constexpr const char* kXattrSyscalls[] = {
    "getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr",
    "fsetxattr", "setxattrat", "listxattr", "llistxattr", "flistxattr",
    "listxattrat", "removexattr", "lremovexattr", "fremovexattr",
    "removexattrat"};

constexpr const char* kWaitSyscalls[] = {
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait",
    "epoll_wait_old", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2",
    "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
    "fanotify_mark", "poll", "ppoll", "ppoll_time64", "select", "_newselect",
    "pselect6", "pselect6_time64", "signalfd", "signalfd4", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
    "timerfd_settime64", "io_setup", "io_destroy", "io_submit", "io_cancel",
    "io_getevents", "io_pgetevents", "io_pgetevents_time64", "futex",
    "futex_time64", "futex_requeue", "futex_wait", "futex_waitv", "futex_wake"};

constexpr const char* kMemorySyscalls[] = {
    "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise",
    "mincore", "mlock", "mlock2", "mlockall", "munlock", "munlockall", "msync",
    "remap_file_pages", "membarrier", "memfd_create", "memfd_secret",
    "pkey_alloc", "pkey_free", "pkey_mprotect", "map_shadow_stack", "mseal"};

constexpr const char* kProcessSyscalls[] = {
    "execve", "execveat", "exit", "exit_group", "fork", "vfork", "wait4",
    "waitid", "waitpid", "getpid", "getppid", "gettid", "getpgid", "getpgrp",
    "setpgid", "getsid", "setsid", "getpriority", "setpriority", "getrlimit",
    "setrlimit", "ugetrlimit", "prlimit64", "getrusage", "prctl",
    "set_tid_address", "set_robust_list", "get_robust_list", "get_thread_area",
    "set_thread_area", "rseq", "capget", "capset", "seccomp"};

// Changing identities still needs CAP_SETUID / CAP_SETGID.
constexpr const char* kIdentitySyscalls[] = {
    "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32",
    "getegid", "getegid32", "getresuid", "getresuid32", "getresgid",
    "getresgid32", "getgroups", "getgroups32", "setuid", "setuid32", "setgid",
    "setgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setresuid",
    "setresuid32", "setresgid", "setresgid32", "setfsuid", "setfsuid32",
    "setfsgid", "setfsgid32", "setgroups", "setgroups32"};

// ptrace and process_vm_*: since 4.8 the kernel checks ptrace access
// itself (Crisp needs 5.6+ for openat2), so same-user tracing is safe.
constexpr const char* kSystemSyscalls[] = {
    "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr",
    "sched_getparam", "sched_setparam", "sched_getscheduler",
    "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
    "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_yield",
    "getcpu", "ioprio_get", "ioprio_set", "pidfd_open", "pidfd_send_signal",
    "process_mrelease", "restart_syscall", "uname", "sysinfo", "times",
    "getrandom", "landlock_add_rule", "landlock_create_ruleset",
    "landlock_restrict_self", "riscv_hwprobe", "uretprobe", "ptrace",
    "process_vm_readv", "process_vm_writev"};

constexpr const char* kSignalAndTimeSyscalls[] = {
    "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigpending",
    "rt_sigprocmask", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigreturn",
    "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "sigaltstack",
    "sigprocmask", "sigreturn", "pause", "alarm", "clock_gettime",
    "clock_gettime64", "clock_getres", "clock_getres_time64", "clock_nanosleep",
    "clock_nanosleep_time64", "clock_adjtime", "clock_adjtime64", "adjtimex",
    "nanosleep", "gettimeofday", "time", "getitimer", "setitimer",
    "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64"};

constexpr const char* kNetworkAndIpcSyscalls[] = {
    "accept", "accept4", "bind", "connect", "listen", "getpeername",
    "getsockname", "getsockopt", "setsockopt", "recv", "recvfrom", "recvmsg",
    "recvmmsg", "recvmmsg_time64", "send", "sendto", "sendmsg", "sendmmsg",
    "shutdown", "socketpair", "socketcall", "pipe", "pipe2", "ipc", "msgctl",
    "msgget", "msgrcv", "msgsnd", "semctl", "semget", "semop", "semtimedop",
    "semtimedop_time64", "shmat", "shmctl", "shmdt", "shmget", "mq_open",
    "mq_unlink", "mq_getsetattr", "mq_notify", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64"};
// Mounts, namespaces, and the rest of what CAP_SYS_ADMIN guards.
constexpr const char* kAdminSyscalls[] = {
    "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
    "fspick", "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules",
    "lsm_set_self_attr", "mount", "mount_setattr", "move_mount", "open_tree",
    "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
    "sethostname", "setns", "syslog", "umount", "umount2", "unshare"};
// clang-format on

// Allowed only to a container holding the capability they need.
const std::vector<std::pair<std::string, Names>>& CapabilitySyscalls() {
  static const auto* table = new std::vector<std::pair<std::string, Names>>{
      {"CAP_DAC_READ_SEARCH", {"open_by_handle_at"}},
      {"CAP_SYS_ADMIN", {std::begin(kAdminSyscalls), std::end(kAdminSyscalls)}},
      {"CAP_SYS_BOOT", {"reboot"}},
      {"CAP_SYS_CHROOT", {"chroot"}},
      {"CAP_SYS_MODULE", {"delete_module", "init_module", "finit_module"}},
      {"CAP_SYS_PACCT", {"acct"}},
      {"CAP_SYS_PTRACE", {"kcmp", "pidfd_getfd", "process_madvise"}},
      {"CAP_SYS_RAWIO", {"iopl", "ioperm"}},
      {"CAP_SYS_TIME",
       {"settimeofday", "stime", "clock_settime", "clock_settime64"}},
      {"CAP_SYS_TTY_CONFIG", {"vhangup"}},
      {"CAP_SYS_NICE",
       {"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}},
      {"CAP_SYSLOG", {"syslog"}},
      {"CAP_BPF", {"bpf"}},
      {"CAP_PERFMON", {"perf_event_open"}}};
  return *table;
}

// System calls only this architecture has.
Names ArchSyscalls() {
#if defined(__x86_64__)
  return {"arch_prctl", "modify_ldt"};
#elif defined(__i386__)
  return {"modify_ldt"};
#elif defined(__aarch64__) || defined(__arm__)
  return {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
          "breakpoint",       "cacheflush",          "set_tls"};
#elif defined(__powerpc64__)
  return {"sync_file_range2", "swapcontext"};
#elif defined(__s390x__) || defined(__s390__)
  return {"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"};
#elif defined(__riscv)
  return {"riscv_flush_icache"};
#else
  return {};
#endif
}

SeccompSyscall Allow(Names names, std::vector<SeccompArg> args = {}) {
  return {std::move(names), "SCMP_ACT_ALLOW", std::nullopt, std::move(args)};
}

SeccompArg Arg(uint32_t index, uint64_t value, const char* op) {
  return {index, value, 0, op};
}

// Argument rules, one condition each: two conditions on one argument
// would be read as "either" by the runtime (and by runc).
void AddArgumentRules(std::vector<SeccompSyscall>& out) {
  // Linux personalities only (plus the query), no exotic emulations.
  for (uint64_t p :
       {uint64_t{PER_LINUX}, uint64_t{PER_LINUX32}, uint64_t{UNAME26},
        uint64_t{UNAME26} | uint64_t{PER_LINUX32}, uint64_t{0xffffffff}}) {
    out.push_back(Allow({"personality"}, {Arg(0, p, "SCMP_CMP_EQ")}));
  }
  // Every socket family but AF_ALG (kernel crypto) and AF_VSOCK (host
  // channel), whose attack surface a container has no need for.
  out.push_back(Allow({"socket"}, {Arg(0, AF_ALG, "SCMP_CMP_LT")}));
  out.push_back(Allow({"socket"}, {Arg(0, AF_ALG + 1, "SCMP_CMP_EQ")}));
  out.push_back(Allow({"socket"}, {Arg(0, AF_VSOCK, "SCMP_CMP_GT")}));
}

bool Holds(const std::vector<std::string>& bounding, const std::string& cap) {
  return std::find(bounding.begin(), bounding.end(), cap) != bounding.end();
}

// Without CAP_SYS_ADMIN: clone without any namespace flag, and clone3
// (whose flags sit in memory a filter cannot read) answering ENOSYS.
void AddCloneRules(std::vector<SeccompSyscall>& out) {
  constexpr uint64_t kNamespaceFlags =
      CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
      CLONE_NEWNET | CLONE_NEWCGROUP;
#if defined(__s390x__) || defined(__s390__)
  constexpr uint32_t kFlagsArg = 1;  // s390 swaps clone's first two args
#else
  constexpr uint32_t kFlagsArg = 0;
#endif
  SeccompArg no_ns{kFlagsArg, kNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ"};
  out.push_back(Allow({"clone"}, {no_ns}));
  out.push_back({{"clone3"}, "SCMP_ACT_ERRNO", ENOSYS, {}});
}

}  // namespace

std::vector<std::string> NativeSeccompArchitectures() {
#if defined(__x86_64__)
  return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
#elif defined(__aarch64__)
  return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
#elif defined(__s390x__)
  return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return {"SCMP_ARCH_PPC64LE"};
#elif defined(__riscv) && __riscv_xlen == 64
  return {"SCMP_ARCH_RISCV64"};
#else
  return {};  // the native architecture only
#endif
}

std::string NativeArchName() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__i386__)
  return "386";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__powerpc64__)
  return "ppc64le";
#elif defined(__riscv)
  return "riscv64";
#else
  return "unknown";
#endif
}

runtime::oci::Seccomp DefaultSeccompProfile(
    const std::vector<std::string>& bounding) {
  runtime::oci::Seccomp p;
  p.default_action = "SCMP_ACT_ERRNO";
  p.default_errno_ret = EPERM;
  p.architectures = NativeSeccompArchitectures();
  Names allowed;
  const std::span<const char* const> groups[] = {
      kFileIoSyscalls,       kFileTreeSyscalls, kXattrSyscalls,
      kWaitSyscalls,         kMemorySyscalls,   kProcessSyscalls,
      kIdentitySyscalls,     kSystemSyscalls,   kSignalAndTimeSyscalls,
      kNetworkAndIpcSyscalls};
  for (const auto& group : groups) {
    allowed.insert(allowed.end(), group.begin(), group.end());
  }
  Names arch = ArchSyscalls();
  allowed.insert(allowed.end(), arch.begin(), arch.end());
  p.syscalls.push_back(Allow(std::move(allowed)));
  AddArgumentRules(p.syscalls);
  for (const auto& [cap, names] : CapabilitySyscalls()) {
    if (Holds(bounding, cap)) p.syscalls.push_back(Allow(names));
  }
  if (!Holds(bounding, "CAP_SYS_ADMIN")) AddCloneRules(p.syscalls);
  return p;
}

}  // namespace crisp::server::specgen
