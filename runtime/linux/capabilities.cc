#include "runtime/linux/capabilities.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "glog/logging.h"

namespace crisp::runtime::capabilities {
namespace {

absl::StatusOr<uint64_t> Mask(const std::vector<std::string>& names,
                              absl::string_view set) {
  uint64_t mask = 0;
  for (const std::string& name : names) {
    if (!absl::StartsWithIgnoreCase(name, "CAP_")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "process.capabilities.", set, ": \"", name, "\" is not CAP_*"));
    }
    cap_value_t v;
    if (cap_from_name(name.c_str(), &v) != 0 || v > cap_max_bits() - 1) {
      LOG(WARNING) << "capability " << name << " unknown to this kernel";
      continue;
    }
    mask |= uint64_t{1} << v;
  }
  return mask;
}

}  // namespace

absl::StatusOr<CapSets> FromSpec(const oci::Capabilities& caps) {
  CapSets s;
  ASSIGN_OR_RETURN(s.bounding, Mask(caps.bounding, "bounding"));
  ASSIGN_OR_RETURN(s.effective, Mask(caps.effective, "effective"));
  ASSIGN_OR_RETURN(s.inheritable, Mask(caps.inheritable, "inheritable"));
  ASSIGN_OR_RETURN(s.permitted, Mask(caps.permitted, "permitted"));
  ASSIGN_OR_RETURN(s.ambient, Mask(caps.ambient, "ambient"));
  return s;
}

absl::Status DropBounding(const CapSets& sets) {
  for (int c = 0; c < static_cast<int>(cap_max_bits()); ++c) {
    if (sets.bounding & (uint64_t{1} << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) {
      return LastErrno(absl::StrCat("drop bounding capability ", c));
    }
  }
  return absl::OkStatus();
}

absl::Status Apply(const CapSets& sets) {
  cap_t caps = cap_init();
  if (caps == nullptr) return LastErrno("cap_init");
  const std::pair<cap_flag_t, uint64_t> flags[] = {
      {CAP_PERMITTED, sets.permitted},
      {CAP_EFFECTIVE, sets.effective},
      {CAP_INHERITABLE, sets.inheritable}};
  for (const auto& [flag, mask] : flags) {
    for (int c = 0; c < 64; ++c) {
      if (!(mask & (uint64_t{1} << c))) continue;
      cap_value_t v = c;
      cap_set_flag(caps, flag, 1, &v, CAP_SET);
    }
  }
  int rc = cap_set_proc(caps);
  cap_free(caps);
  if (rc != 0) return LastErrno("set process capabilities");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
      errno != EINVAL) {
    return LastErrno("clear ambient capabilities");
  }
  for (int c = 0; c < 64; ++c) {
    if (!(sets.ambient & (uint64_t{1} << c))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0) {
      LOG(WARNING) << "cannot raise ambient capability " << c << ": "
                   << strerror(errno);
    }
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::capabilities
