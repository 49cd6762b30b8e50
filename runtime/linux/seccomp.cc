#include "runtime/linux/seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "glog/logging.h"
#include "runtime/oci/json.h"

namespace crisp::runtime::seccomp {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("linux.seccomp.", field, ": ", what));
}

absl::StatusOr<uint32_t> Action(const std::string& name,
                                std::optional<uint32_t> errno_ret,
                                absl::string_view field) {
  uint32_t e = errno_ret.value_or(EPERM);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(e);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") {
    return SCMP_ACT_KILL_THREAD;
  }
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(e);
  return Invalid(field, absl::StrCat("unsupported action \"", name, "\""));
}

absl::StatusOr<scmp_compare> Op(const std::string& op, absl::string_view f) {
  static const std::map<std::string, scmp_compare> kOps = {
      {"SCMP_CMP_NE", SCMP_CMP_NE},
      {"SCMP_CMP_LT", SCMP_CMP_LT},
      {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ},
      {"SCMP_CMP_GE", SCMP_CMP_GE},
      {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  auto it = kOps.find(op);
  if (it == kOps.end()) return Invalid(f, absl::StrCat("unknown op ", op));
  return it->second;
}

absl::StatusOr<unsigned int> Flags(const std::vector<std::string>& names) {
  static const std::map<std::string, unsigned int> kFlags = {
      {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
      {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
      {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
      {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5}};
  unsigned int flags = 0;
  for (const std::string& n : names) {
    auto it = kFlags.find(n);
    if (it == kFlags.end()) return Invalid("flags", "unknown flag " + n);
    flags |= it->second;
  }
  return flags;
}

void AddArchitectures(scmp_filter_ctx ctx,
                      const std::vector<std::string>& archs) {
  for (const std::string& a : archs) {
    std::string name =
        absl::AsciiStrToLower(a.rfind("SCMP_ARCH_", 0) == 0 ? a.substr(10) : a);
    uint32_t token = seccomp_arch_resolve_name(name.c_str());
    if (token == 0) {
      LOG(WARNING) << "seccomp: architecture " << a << " unknown, skipped";
      continue;
    }
    int rc = seccomp_arch_add(ctx, token);
    if (rc != 0 && rc != -EEXIST) {
      LOG(WARNING) << "seccomp: cannot add architecture " << a;
    }
  }
}

absl::Status AddRule(scmp_filter_ctx ctx, const oci::SeccompSyscall& s,
                     uint32_t action, const std::string& field) {
  std::vector<scmp_arg_cmp> cmps;
  std::set<uint32_t> indexes;
  bool repeated = false;
  for (const oci::SeccompArg& a : s.args) {
    ASSIGN_OR_RETURN(scmp_compare op, Op(a.op, field));
    cmps.push_back({a.index, op, a.value, a.value_two});
    repeated |= !indexes.insert(a.index).second;
  }
  for (const std::string& name : s.names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      LOG(WARNING) << "seccomp: syscall " << name << " unknown, skipped";
      continue;
    }
    // Two conditions on one argument mean "either" (runc's reading): one
    // rule per condition; otherwise all conditions in one rule.
    size_t rules = repeated ? cmps.size() : 1;
    for (size_t r = 0; r < rules; ++r) {
      const scmp_arg_cmp* args = repeated ? &cmps[r] : cmps.data();
      unsigned count = repeated ? 1 : static_cast<unsigned>(cmps.size());
      int rc = seccomp_rule_add_array(ctx, action, nr, count, args);
      if (rc != 0) {
        return ErrnoToStatus(-rc, absl::StrCat("seccomp rule for ", name));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<sock_filter>> Export(scmp_filter_ctx ctx) {
  UniqueFd fd(memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!fd) return LastErrno("memfd_create for seccomp");
  int rc = seccomp_export_bpf(ctx, fd.get());
  if (rc != 0) return ErrnoToStatus(-rc, "seccomp_export_bpf");
  off_t size = lseek(fd.get(), 0, SEEK_END);
  std::vector<sock_filter> out(size / sizeof(sock_filter));
  if (pread(fd.get(), out.data(), size, 0) != size) {
    return LastErrno("read exported seccomp program");
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const Program>> CompileUncached(
    const oci::Seccomp& p, const std::string& hash) {
  ASSIGN_OR_RETURN(uint32_t def, Action(p.default_action, p.default_errno_ret,
                                        "defaultAction"));
  auto program = std::make_shared<Program>();
  program->hash = hash;
  ASSIGN_OR_RETURN(program->flags, Flags(p.flags));
  scmp_filter_ctx ctx = seccomp_init(def);
  if (ctx == nullptr) return Invalid("defaultAction", "seccomp_init failed");
  absl::Status st;
  AddArchitectures(ctx, p.architectures);
  for (size_t i = 0; i < p.syscalls.size() && st.ok(); ++i) {
    const auto& s = p.syscalls[i];
    std::string field = absl::StrCat("syscalls[", i, "]");
    auto action = Action(s.action, s.errno_ret, field + ".action");
    if (!action.ok()) st = action.status();
    if (st.ok() && *action != def) st = AddRule(ctx, s, *action, field);
  }
  absl::StatusOr<std::vector<sock_filter>> filter = st.ok() ? Export(ctx) : st;
  seccomp_release(ctx);
  if (!filter.ok()) return filter.status();
  program->filter = std::move(*filter);
  return program;
}

std::string Hash(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return absl::StrFormat("%016x", h);
}

}  // namespace

std::string ProfileHash(const oci::Seccomp& profile) {
  return Hash(oci::ToJson(profile).dump());
}

absl::StatusOr<std::shared_ptr<const Program>> Compile(
    const oci::Seccomp& profile) {
  static std::mutex mu;
  static auto* cache =
      new std::map<std::string, std::shared_ptr<const Program>>();
  std::string text = oci::ToJson(profile).dump();
  std::string hash = Hash(text);
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(text);
  if (it != cache->end()) return it->second;
  ASSIGN_OR_RETURN(auto program, CompileUncached(profile, hash));
  cache->emplace(text, program);
  return program;
}

absl::Status Load(const Program& program) {
  struct sock_fprog prog = {};
  prog.len = static_cast<unsigned short>(program.filter.size());
  prog.filter = const_cast<sock_filter*>(program.filter.data());
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog)) {
    return LastErrno("load seccomp filter");
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::seccomp
