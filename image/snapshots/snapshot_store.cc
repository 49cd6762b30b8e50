#include "image/snapshots/snapshot_store.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/id.h"
#include "common/status.h"
#include "image/content/digester.h"

namespace crisp::image {
namespace {

constexpr char kTempPrefix[] = "tmp-";

}  // namespace

std::vector<std::string> ChainIds(const std::vector<std::string>& diff_ids) {
  std::vector<std::string> out;
  out.reserve(diff_ids.size());
  for (const std::string& d : diff_ids) {
    out.push_back(out.empty() ? d
                              : Sha256Digest(absl::StrCat(out.back(), " ", d)));
  }
  return out;
}

SnapshotStore::SnapshotStore(std::string dir) : dir_(std::move(dir)) {}

absl::Status SnapshotStore::Init() {
  RETURN_IF_ERROR(MakeDirs(dir_, 0700));
  ASSIGN_OR_RETURN(auto names, ListDir(dir_));
  for (const auto& n : names) {
    if (absl::StartsWith(n, kTempPrefix)) {
      RETURN_IF_ERROR(RemoveAll(absl::StrCat(dir_, "/", n)));
    }
  }
  return absl::OkStatus();
}

std::string SnapshotStore::Path(absl::string_view chain_id) const {
  return absl::StrCat(dir_, "/", DigestHex(chain_id));
}

bool SnapshotStore::Exists(absl::string_view chain_id) const {
  struct stat st;
  return ::stat(Path(chain_id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

absl::StatusOr<std::string> SnapshotStore::PrepareTemp() {
  std::string temp = absl::StrCat(dir_, "/", kTempPrefix, GenerateId());
  if (::mkdir(temp.c_str(), 0755) != 0)
    return crisp::LastErrno("mkdir " + temp);
  return temp;
}

absl::Status SnapshotStore::Commit(const std::string& temp,
                                   absl::string_view chain_id) {
  std::string final_path = Path(chain_id);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    if (errno != ENOTEMPTY && errno != EEXIST) {
      return crisp::LastErrno("rename " + temp);
    }
    return RemoveAll(temp);  // another pull got there first
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SnapshotStore::List() const {
  ASSIGN_OR_RETURN(auto names, ListDir(dir_));
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (n.size() == 64) out.push_back("sha256:" + n);
  }
  return out;
}

absl::Status SnapshotStore::Remove(absl::string_view chain_id) {
  // Rename first so that a crash mid-removal leaves a temp dir (removed at
  // start-up), never a half snapshot under a valid name.
  std::string path = Path(chain_id);
  std::string doomed = absl::StrCat(dir_, "/", kTempPrefix, GenerateId());
  if (::rename(path.c_str(), doomed.c_str()) != 0) {
    return errno == ENOENT ? absl::OkStatus()
                           : crisp::LastErrno("rename " + path);
  }
  return RemoveAll(doomed);
}

}  // namespace crisp::image
