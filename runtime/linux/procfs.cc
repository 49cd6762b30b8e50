#include "runtime/linux/procfs.h"

#include <linux/magic.h>
#include <sys/vfs.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace crisp::runtime::procfs {

absl::Status Check(int fd, absl::string_view what) {
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return LastErrno(absl::StrCat("statfs ", what));
  if (fs.f_type != PROC_SUPER_MAGIC) {
    return absl::PermissionDeniedError(
        absl::StrCat(what, " is not on procfs: refused"));
  }
  return absl::OkStatus();
}

}  // namespace crisp::runtime::procfs
