// crisp-runtime update [--resources file|-] [--memory N] [--pids-limit N]
// [--cpu-quota N] [--cpu-period N] [--cpu-shares N] [--cpuset-cpus S] <id>
#include <iostream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "runtime/cli/verbs.h"
#include "runtime/linux/container.h"
#include "runtime/oci/json.h"

namespace crisp::runtime::cli {
namespace {

template <class T>
absl::Status Number(const Args& args, const char* flag, std::optional<T>& out) {
  if (!args.Has(flag)) return absl::OkStatus();
  T v;
  if (!absl::SimpleAtoi(args.Get(flag), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": not a number"));
  }
  out = v;
  return absl::OkStatus();
}

absl::StatusOr<oci::Resources> FromFlags(const Args& args) {
  oci::Resources r;
  oci::Memory m;
  oci::Cpu c;
  std::optional<int64_t> pids;
  RETURN_IF_ERROR(Number(args, "memory", m.limit));
  RETURN_IF_ERROR(Number(args, "memory-swap", m.swap));
  RETURN_IF_ERROR(Number(args, "cpu-quota", c.quota));
  RETURN_IF_ERROR(Number(args, "cpu-period", c.period));
  RETURN_IF_ERROR(Number(args, "cpu-shares", c.shares));
  RETURN_IF_ERROR(Number(args, "pids-limit", pids));
  c.cpus = args.Get("cpuset-cpus");
  c.mems = args.Get("cpuset-mems");
  if (m.limit || m.swap) r.memory = m;
  if (c.quota || c.period || c.shares || !c.cpus.empty() || !c.mems.empty()) {
    r.cpu = c;
  }
  if (pids) r.pids = oci::Pids{*pids};
  return r;
}

}  // namespace

absl::Status Update(const Args& args) {
  ASSIGN_OR_RETURN(std::string dir, args.StateDir());
  if (!args.Has("resources")) {
    ASSIGN_OR_RETURN(oci::Resources r, FromFlags(args));
    return runtime::Update(dir, r);
  }
  std::string text;
  if (args.Get("resources") == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    ASSIGN_OR_RETURN(text, ReadFile(args.Get("resources")));
  }
  ASSIGN_OR_RETURN(oci::Resources r, oci::ParseResources(text));
  return runtime::Update(dir, r);
}

}  // namespace crisp::runtime::cli
