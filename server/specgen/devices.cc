#include "server/specgen/devices.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"

namespace crisp::server::specgen {
namespace {

using runtime::oci::Device;
using runtime::oci::DeviceRule;

DeviceRule Rule(std::string type, int64_t major, int64_t minor,
                std::string access) {
  DeviceRule r;
  r.allow = true;
  r.type = std::move(type);
  if (major >= 0) r.major = major;
  if (minor >= 0) r.minor = minor;
  r.access = std::move(access);
  return r;
}

// A character or block node; nullopt for anything else.
std::optional<Device> NodeAt(const std::string& path, const struct stat& st) {
  Device d;
  if (S_ISCHR(st.st_mode)) {
    d.type = "c";
  } else if (S_ISBLK(st.st_mode)) {
    d.type = "b";
  } else {
    return std::nullopt;
  }
  d.path = path;
  d.major = major(st.st_rdev);
  d.minor = minor(st.st_rdev);
  d.file_mode = st.st_mode & 07777;
  d.uid = st.st_uid;
  d.gid = st.st_gid;
  return d;
}

bool Skipped(const std::string& name, bool dir) {
  static const std::set<std::string> kDirs = {
      "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"};
  return dir ? kDirs.count(name) > 0 : name == "console";
}

// A directory walk; entries that vanish or cannot be read are skipped (a
// host's /dev changes under us, and a device we cannot see we cannot give).
void Walk(const std::string& dir, const std::string& target,
          std::vector<Device>& out) {
  auto names = ListDir(dir);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    if (Skipped(name, S_ISDIR(st.st_mode))) continue;
    std::string dest = target.empty() ? path : target + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      Walk(path, target.empty() ? "" : dest, out);
    } else if (auto d = NodeAt(dest, st)) {
      out.push_back(*d);
    }
  }
}

absl::Status CheckAccess(const std::string& access, size_t index) {
  for (char c : access) {
    if (c != 'r' && c != 'w' && c != 'm') {
      return absl::InvalidArgumentError(
          absl::StrCat("devices[", index, "].permissions \"", access,
                       "\": only r, w and m are allowed"));
    }
  }
  return absl::OkStatus();
}

absl::Status AddCriDevice(const v1::Device& d, size_t index, DevicePlan& plan) {
  std::string field = absl::StrCat("devices[", index, "]");
  if (d.container_path().empty() || d.container_path()[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".container_path \"", d.container_path(),
                     "\": must be an absolute path"));
  }
  std::string access = d.permissions().empty() ? "rwm" : d.permissions();
  RETURN_IF_ERROR(CheckAccess(access, index));
  auto found = DevicesAt(d.host_path(), d.container_path());
  if (!found.ok()) return Annotate(found.status(), field + ".host_path");
  for (const Device& dev : *found) {
    plan.rules.push_back(Rule(dev.type, dev.major, dev.minor, access));
    plan.devices.push_back(dev);
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<DeviceRule> DefaultDeviceRules() {
  DeviceRule deny;
  deny.type = "a";
  deny.access = "rwm";
  return {deny,
          Rule("c", -1, -1, "m"),
          Rule("b", -1, -1, "m"),
          Rule("c", 1, 3, "rwm"),
          Rule("c", 1, 5, "rwm"),
          Rule("c", 1, 7, "rwm"),
          Rule("c", 1, 8, "rwm"),
          Rule("c", 1, 9, "rwm"),
          Rule("c", 5, 0, "rwm"),
          Rule("c", 5, 1, "rwm"),
          Rule("c", 5, 2, "rwm"),
          Rule("c", 136, -1, "rwm")};
}

absl::StatusOr<std::vector<Device>> DevicesAt(
    const std::string& host_path, const std::string& container_path) {
  char real[PATH_MAX];
  struct stat st;
  if (realpath(host_path.c_str(), real) == nullptr || stat(real, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", host_path, "\": does not exist"));
    }
    return LastErrno(absl::StrCat("\"", host_path, "\""));
  }
  std::vector<Device> out;
  if (S_ISDIR(st.st_mode)) {
    Walk(real, container_path, out);
    return out;
  }
  std::optional<Device> d =
      NodeAt(container_path.empty() ? real : container_path, st);
  if (!d) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", host_path, "\": not a character or block device"));
  }
  out.push_back(*d);
  return out;
}

absl::StatusOr<DevicePlan> BuildDevices(const v1::ContainerConfig& config) {
  if (config.cdi_devices_size() > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("CDI_devices[0] \"", config.cdi_devices(0).name(),
                     "\": CDI devices are not supported by crisp"));
  }
  DevicePlan plan;
  plan.rules = DefaultDeviceRules();
  for (int i = 0; i < config.devices_size(); ++i) {
    RETURN_IF_ERROR(AddCriDevice(config.devices(i), i, plan));
  }
  if (!config.linux().security_context().privileged()) return plan;
  std::set<std::string> have;
  for (const Device& d : plan.devices) have.insert(d.path);
  ASSIGN_OR_RETURN(std::vector<Device> host, DevicesAt("/dev", ""));
  for (Device& d : host) {
    if (have.insert(d.path).second) plan.devices.push_back(std::move(d));
  }
  plan.rules = {Rule("a", -1, -1, "rwm")};
  return plan;
}

}  // namespace crisp::server::specgen
