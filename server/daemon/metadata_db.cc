#include "server/daemon/metadata_db.h"

#include <sys/stat.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"
#include "server/daemon/daemon.h"

namespace crisp::server {
namespace {

std::string DatabasePath(const Config& c) { return c.root + "/crisp.db"; }

// Entries in `dir`; a directory that is not there holds none.
size_t CountEntries(const std::string& dir) {
  auto names = ListDir(dir);
  return names.ok() ? names->size() : 0;
}

// Whether a database file with content is there. A zero-length file is
// what a first start killed before its first write leaves: SQLite takes it
// for a new database, and so does crispd.
absl::StatusOr<bool> HasDatabase(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return crisp::LastErrno("stat " + path);
  }
  return st.st_size > 0;
}

// A new database is right for a fresh node, or after a reboot emptied the
// state; not while the state still holds pods or containers.
absl::Status RefuseEmptyStartOverLiveState(const Config& c) {
  size_t pods = CountEntries(c.state + "/pods");
  size_t containers = CountEntries(c.state + "/containers");
  if (pods == 0 && containers == 0) return absl::OkStatus();
  std::string db = DatabasePath(c);
  return absl::FailedPreconditionError(absl::StrCat(
      "database ", db, " is missing or empty, but ", c.state, " holds ", pods,
      " pods and ", containers,
      " containers of an earlier run: starting empty would leave them "
      "running unmanaged. Restore ",
      db,
      " if you have it; otherwise stop the crisp-monitor and crisp-pause "
      "processes of that run, unmount what is mounted under ",
      c.state, ", remove ", c.state,
      " and start crispd again (kubelet creates the pods again; see "
      "docs/recovery.md)"));
}

absl::Status ExplainDamage(const Config& c, const absl::Status& cause) {
  std::string db = DatabasePath(c);
  return absl::Status(
      cause.code(),
      absl::StrCat(
          cause.message(),
          ". crispd cannot rebuild it: the pods, containers and image names "
          "are recorded only there. To recover, stop the crisp-monitor and "
          "crisp-pause processes of the earlier run, unmount what is "
          "mounted under ",
          c.state, " and remove it, move ", db, ", ", db, "-wal and ", db,
          "-shm aside and start crispd again: it starts empty, removes the "
          "image content no image names (images are pulled again) and "
          "kubelet creates the pods again (see docs/recovery.md)"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<store::Database>> OpenMetadataDatabase(
    const Config& config) {
  std::string path = DatabasePath(config);
  ASSIGN_OR_RETURN(bool existed, HasDatabase(path));
  if (!existed) {
    RETURN_IF_ERROR(RefuseEmptyStartOverLiveState(config));
    if (CountEntries(config.root + "/snapshots") > 0) {
      LOG(WARNING) << "database " << path
                   << " is new but image snapshots exist: images are "
                      "forgotten, their content removed, and must be "
                      "pulled again";
    }
  }
  auto db = store::Database::Open(path, SchemaMigrations());
  if (absl::IsDataLoss(db.status())) return ExplainDamage(config, db.status());
  return db;
}

}  // namespace crisp::server
