#include "sandbox/pod_files.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/files.h"
#include "common/mount_owner.h"
#include "common/status.h"

namespace crisp::sandbox {
namespace {

constexpr char kLocalHosts[] =
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost ip6-localhost ip6-loopback\n";

absl::Status NoNewlines(const std::vector<std::string>& values,
                        const char* what) {
  for (const auto& v : values) {
    if (v.empty() || v.find_first_of("\n\r") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("DNS config: ", what, " \"", v, "\" is not one line"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteResolvConf(const std::string& path, const DnsConfig& dns,
                             const std::string& host_resolv_conf) {
  if (dns.Empty()) {
    auto text = ReadFile(host_resolv_conf);
    if (!text.ok() && text.status().code() != absl::StatusCode::kNotFound) {
      return text.status();
    }
    return WriteFileAtomic(path, text.ok() ? *text : "", 0644);
  }
  RETURN_IF_ERROR(NoNewlines(dns.servers, "server"));
  RETURN_IF_ERROR(NoNewlines(dns.searches, "search"));
  RETURN_IF_ERROR(NoNewlines(dns.options, "option"));
  std::string text;
  if (!dns.searches.empty()) {
    absl::StrAppend(&text, "search ", absl::StrJoin(dns.searches, " "), "\n");
  }
  for (const auto& s : dns.servers)
    absl::StrAppend(&text, "nameserver ", s, "\n");
  if (!dns.options.empty()) {
    absl::StrAppend(&text, "options ", absl::StrJoin(dns.options, " "), "\n");
  }
  return WriteFileAtomic(path, text, 0644);
}

absl::Status WriteHostname(const std::string& path,
                           const std::string& hostname) {
  return WriteFileAtomic(path, hostname + "\n", 0644);
}

absl::Status WriteHosts(const std::string& path,
                        const std::string& host_hosts) {
  auto text = ReadFile(host_hosts);
  return WriteFileAtomic(path, text.ok() ? *text : kLocalHosts, 0644);
}

absl::Status MountShm(const std::string& path, uint64_t size_bytes) {
  RETURN_IF_ERROR(MakeDirs(path, 0755));
  std::string data = absl::StrCat("mode=1777,size=", size_bytes);
  if (mount("shm", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            data.c_str()) != 0) {
    return LastErrno(absl::StrCat("mount pod shm at ", path));
  }
  return absl::OkStatus();
}

absl::Status UnmountShm(const std::string& path) { return DetachMount(path); }

}  // namespace crisp::sandbox
