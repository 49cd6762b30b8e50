#include "runtime/linux/mount_options.h"

#include <sys/mount.h>

#include <map>

namespace crisp::runtime::mounts {
namespace {

struct Flag {
  bool clear;
  unsigned long flag;
};

const std::map<std::string, Flag>& FlagTable() {
  static const auto* table = new std::map<std::string, Flag>{
      {"defaults", {false, 0}},
      {"ro", {false, MS_RDONLY}},
      {"rw", {true, MS_RDONLY}},
      {"nosuid", {false, MS_NOSUID}},
      {"suid", {true, MS_NOSUID}},
      {"nodev", {false, MS_NODEV}},
      {"dev", {true, MS_NODEV}},
      {"noexec", {false, MS_NOEXEC}},
      {"exec", {true, MS_NOEXEC}},
      {"sync", {false, MS_SYNCHRONOUS}},
      {"async", {true, MS_SYNCHRONOUS}},
      {"dirsync", {false, MS_DIRSYNC}},
      {"remount", {false, MS_REMOUNT}},
      {"mand", {false, MS_MANDLOCK}},
      {"nomand", {true, MS_MANDLOCK}},
      {"atime", {true, MS_NOATIME}},
      {"noatime", {false, MS_NOATIME}},
      {"diratime", {true, MS_NODIRATIME}},
      {"nodiratime", {false, MS_NODIRATIME}},
      {"relatime", {false, MS_RELATIME}},
      {"norelatime", {true, MS_RELATIME}},
      {"strictatime", {false, MS_STRICTATIME}},
      {"nostrictatime", {true, MS_STRICTATIME}},
  };
  return *table;
}

const std::map<std::string, unsigned long>& PropagationTable() {
  static const auto* table = new std::map<std::string, unsigned long>{
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  return *table;
}

}  // namespace

MountOptions ParseOptions(const std::vector<std::string>& options) {
  MountOptions out;
  for (const std::string& o : options) {
    if (auto f = FlagTable().find(o); f != FlagTable().end()) {
      if (f->second.clear) {
        out.flags &= ~f->second.flag;
      } else {
        out.flags |= f->second.flag;
      }
    } else if (auto p = PropagationTable().find(o);
               p != PropagationTable().end()) {
      out.propagation = p->second;
    } else if (o == "bind" || o == "rbind") {
      out.bind = true;
      out.recursive = out.recursive || o == "rbind";
    } else if (o == "rro") {
      out.recursive_ro = true;
      out.flags |= MS_RDONLY;
    } else if (o == "tmpcopyup") {
      out.tmpcopyup = true;
    } else {
      if (!out.data.empty()) out.data += ",";
      out.data += o;
    }
  }
  return out;
}

}  // namespace crisp::runtime::mounts
