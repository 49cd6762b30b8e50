#include "runtime/linux/devices.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "runtime/linux/paths.h"

namespace crisp::runtime::devices {
namespace {

mode_t TypeBits(const std::string& type) {
  if (type == "b") return S_IFBLK;
  if (type == "p") return S_IFIFO;
  return S_IFCHR;  // "c" and "u"
}

absl::Status MakeNode(int root_fd, const oci::Device& d) {
  std::string parent = d.path.substr(0, d.path.rfind('/'));
  std::string leaf = d.path.substr(d.path.rfind('/') + 1);
  ASSIGN_OR_RETURN(UniqueFd dir, paths::CreateInRoot(root_fd, parent, true));
  ASSIGN_OR_RETURN(UniqueFd real,
                   paths::OpenInRoot(root_fd, parent, O_DIRECTORY));
  mode_t mode = TypeBits(d.type) | (d.file_mode.value_or(0666) & 07777);
  unlinkat(real.get(), leaf.c_str(), 0);
  if (mknodat(real.get(), leaf.c_str(), mode, makedev(d.major, d.minor))) {
    return LastErrno(absl::StrCat("mknod ", d.path));
  }
  if (fchmodat(real.get(), leaf.c_str(), mode & 07777, 0) != 0) {
    return LastErrno(absl::StrCat("chmod ", d.path));
  }
  if (fchownat(real.get(), leaf.c_str(), d.uid.value_or(0), d.gid.value_or(0),
               AT_SYMLINK_NOFOLLOW) != 0) {
    return LastErrno(absl::StrCat("chown ", d.path));
  }
  return absl::OkStatus();
}

absl::Status BindNode(int root_fd, const oci::Device& d) {
  ASSIGN_OR_RETURN(UniqueFd target,
                   paths::CreateInRoot(root_fd, d.path, false));
  std::string path = paths::FdPath(target.get());
  if (mount(d.path.c_str(), path.c_str(), "", MS_BIND, nullptr) != 0) {
    return LastErrno(absl::StrCat("bind mount device ", d.path));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<oci::Device> DefaultDevices() {
  auto dev = [](const char* path, int major, int minor) {
    oci::Device d;
    d.type = "c";
    d.path = path;
    d.major = major;
    d.minor = minor;
    d.file_mode = 0666;
    return d;
  };
  return {dev("/dev/null", 1, 3),    dev("/dev/zero", 1, 5),
          dev("/dev/full", 1, 7),    dev("/dev/random", 1, 8),
          dev("/dev/urandom", 1, 9), dev("/dev/tty", 5, 0)};
}

std::vector<oci::DeviceRule> AllowedDeviceRules(
    const std::vector<oci::Device>& extra) {
  auto rule = [](std::string type, int64_t major, int64_t minor,
                 std::string access) {
    oci::DeviceRule r;
    r.allow = true;
    r.type = std::move(type);
    if (major >= 0) r.major = major;
    if (minor >= 0) r.minor = minor;
    r.access = std::move(access);
    return r;
  };
  std::vector<oci::DeviceRule> rules = {
      rule("c", -1, -1, "m"), rule("b", -1, -1, "m"), rule("c", 5, 1, "rwm"),
      rule("c", 136, -1, "rwm"), rule("c", 5, 2, "rwm")};
  for (const oci::Device& d : DefaultDevices()) {
    rules.push_back(rule("c", d.major, d.minor, "rwm"));
  }
  for (const oci::Device& d : extra) {
    if (d.type == "c" || d.type == "b") {
      rules.push_back(rule(d.type, d.major, d.minor, "rwm"));
    }
  }
  return rules;
}

absl::Status CreateDevices(int root_fd, const std::vector<oci::Device>& devices,
                           bool bind) {
  for (const oci::Device& d : devices) {
    RETURN_IF_ERROR(bind ? BindNode(root_fd, d) : MakeNode(root_fd, d));
  }
  return absl::OkStatus();
}

absl::Status CreateSymlinks(int root_fd) {
  static const std::pair<const char*, const char*> kLinks[] = {
      {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
      {"pts/ptmx", "ptmx"},          {"/proc/kcore", "core"}};
  ASSIGN_OR_RETURN(UniqueFd dev,
                   paths::OpenInRoot(root_fd, "/dev", O_DIRECTORY));
  for (const auto& [target, name] : kLinks) {
    if (symlinkat(target, dev.get(), name) != 0 && errno != EEXIST) {
      return LastErrno(absl::StrCat("symlink /dev/", name));
    }
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::devices
