#include "image/snapshots/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"
#include "image/content/layer_stream.h"
#include "image/content/writeback.h"
#include "image/snapshots/confined_fs.h"

namespace crisp::image {
namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";
constexpr char kAufsMetaPrefix[] = ".wh..wh.";

struct DirTime {
  std::vector<std::string> path;
  struct timespec times[2];
};

class Applier {
 public:
  Applier(ConfinedRoot root, LayerStream* stream, const UnpackLimits& limits)
      : root_(std::move(root)), stream_(stream), limits_(limits) {}
  ~Applier() { archive_read_free(ar_); }
  absl::StatusOr<uint64_t> Run();

 private:
  static la_ssize_t ReadCb(archive*, void* self, const void** buf) {
    return static_cast<Applier*>(self)->stream_->Read(buf);
  }
  absl::Status ApplyEntry(archive_entry* e);
  absl::Status ApplyNamed(archive_entry* e, int dir, const std::string& name,
                          const std::vector<std::string>& path);
  absl::Status Whiteout(int dir, const std::string& name);
  absl::Status Create(archive_entry* e, int dir, const std::string& name);
  absl::Status WriteFile(archive_entry* e, int dir, const std::string& name);
  absl::Status Hardlink(archive_entry* e, int dir, const std::string& name);
  absl::Status SetMeta(archive_entry* e, int dir, const std::string& name);
  absl::Status SetTimes();

  ConfinedRoot root_;
  LayerStream* stream_;
  const UnpackLimits& limits_;
  archive* ar_ = archive_read_new();
  std::vector<DirTime> dir_times_;
};

absl::Status EntryError(archive_entry* e, const absl::Status& s) {
  return crisp::Annotate(
      s, absl::StrCat("layer entry \"", archive_entry_pathname(e), "\""));
}

absl::Status WriteAt(int fd, const void* data, size_t size, off_t offset) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return crisp::LastErrno("write");
    p += n, offset += n, size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Removes whatever is at `name` in this snapshot (a file replaced by a
// later entry of the same layer).
absl::Status RemoveExisting(int dir, const std::string& name, bool keep_dir) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? absl::OkStatus() : crisp::LastErrno("stat");
  }
  if (S_ISDIR(st.st_mode)) {
    if (keep_dir) return absl::OkStatus();
    return RemoveAll(absl::StrCat("/proc/self/fd/", dir, "/", name));
  }
  if (::unlinkat(dir, name.c_str(), 0) != 0) return crisp::LastErrno("unlink");
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Applier::Run() {
  archive_read_support_format_tar(ar_);
  archive_read_support_format_gnutar(ar_);
  if (archive_read_open(ar_, this, nullptr, ReadCb, nullptr) != ARCHIVE_OK) {
    return absl::DataLossError(
        absl::StrCat("layer: ", archive_error_string(ar_)));
  }
  uint64_t entries = 0;
  for (;;) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(ar_, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      if (!stream_->status().ok()) return stream_->status();
      return absl::DataLossError(absl::StrCat(
          "layer: bad tar after ", entries, " entries: ",
          archive_error_string(ar_) ? archive_error_string(ar_) : "?"));
    }
    if (limits_.max_entries > 0 && entries >= limits_.max_entries) {
      return absl::ResourceExhaustedError(
          absl::StrCat("layer has more than ", limits_.max_entries,
                       " entries (limit image.max_layer_entries)"));
    }
    RETURN_IF_ERROR(ApplyEntry(e));
    ++entries;
  }
  RETURN_IF_ERROR(SetTimes());
  return entries;
}

absl::Status Applier::ApplyEntry(archive_entry* e) {
  const char* raw = archive_entry_pathname(e);
  if (raw == nullptr) return absl::DataLossError("layer: entry without a path");
  std::vector<std::string> path = SplitEntryPath(raw);
  if (path.empty() || path.back() == "..") return absl::OkStatus();  // root
  std::string name = path.back();
  path.pop_back();
  auto dir = root_.OpenDir(path, /*create=*/true);
  if (!dir.ok()) return EntryError(e, dir.status());
  path.push_back(name);
  absl::Status s = ApplyNamed(e, dir->get(), name, path);
  return s.ok() ? s : EntryError(e, s);
}

absl::Status Applier::ApplyNamed(archive_entry* e, int dir,
                                 const std::string& name,
                                 const std::vector<std::string>& path) {
  if (name == kOpaqueMarker) {
    UniqueFd d(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!d || ::fsetxattr(d.get(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return crisp::LastErrno("mark directory opaque");
    }
    return absl::OkStatus();
  }
  // Other ".wh..wh." names are AUFS bookkeeping (".wh..wh.plnk"), not
  // files; containerd skips them too.
  if (absl::StartsWith(name, kAufsMetaPrefix)) return absl::OkStatus();
  if (absl::StartsWith(name, kWhiteoutPrefix)) {
    return Whiteout(dir, name.substr(sizeof kWhiteoutPrefix - 1));
  }
  bool is_dir = archive_entry_filetype(e) == AE_IFDIR;
  RETURN_IF_ERROR(RemoveExisting(dir, name, is_dir));
  RETURN_IF_ERROR(Create(e, dir, name));
  RETURN_IF_ERROR(SetMeta(e, dir, name));
  if (is_dir) {
    if (limits_.max_directories > 0 &&
        dir_times_.size() >= limits_.max_directories) {
      return absl::ResourceExhaustedError(
          absl::StrCat("layer has more than ", limits_.max_directories,
                       " directories (limit image.max_layer_directories)"));
    }
    DirTime t{path, {}};
    t.times[0] = {archive_entry_atime(e), archive_entry_atime_nsec(e)};
    t.times[1] = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
    dir_times_.push_back(std::move(t));
  }
  return absl::OkStatus();
}

absl::Status Applier::Whiteout(int dir, const std::string& target) {
  if (target.empty() || target == "." || target == "..") {
    return absl::InvalidArgumentError("whiteout of nothing");
  }
  RETURN_IF_ERROR(RemoveExisting(dir, target, false));
  if (::mknodat(dir, target.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
    return crisp::LastErrno("create whiteout for " + target);
  }
  return absl::OkStatus();
}

absl::Status Applier::Create(archive_entry* e, int dir,
                             const std::string& name) {
  if (archive_entry_hardlink(e) != nullptr) return Hardlink(e, dir, name);
  mode_t type = archive_entry_filetype(e);
  const char* n = name.c_str();
  switch (type) {
    case AE_IFREG:
      return WriteFile(e, dir, name);
    case AE_IFDIR:
      if (::mkdirat(dir, n, 0700) != 0 && errno != EEXIST) {
        return crisp::LastErrno("mkdir");
      }
      return absl::OkStatus();
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(e);
      if (::symlinkat(target ? target : "", dir, n) != 0) {
        return crisp::LastErrno("symlink");
      }
      return absl::OkStatus();
    }
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO:
      if (::mknodat(dir, n, type | 0600, archive_entry_rdev(e)) != 0) {
        return crisp::LastErrno("mknod");
      }
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported file type 0", type));
  }
}

absl::Status Applier::WriteFile(archive_entry* e, int dir,
                                const std::string& name) {
  UniqueFd fd(::openat(dir, name.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       0600));
  if (!fd) return crisp::LastErrno("create");
  const void* buf;
  size_t size;
  la_int64_t offset;
  int rc;
  EarlyWriteback writeback(fd.get());
  while ((rc = archive_read_data_block(ar_, &buf, &size, &offset)) ==
         ARCHIVE_OK) {
    RETURN_IF_ERROR(WriteAt(fd.get(), buf, size, offset));
    writeback.Written(static_cast<off_t>(offset + size));
  }
  if (rc != ARCHIVE_EOF) {
    if (!stream_->status().ok()) return stream_->status();
    return absl::DataLossError(
        absl::StrCat("read: ", archive_error_string(ar_)));
  }
  // Sparse files end in a hole: the size comes from the header.
  if (::ftruncate(fd.get(), archive_entry_size(e)) != 0) {
    return crisp::LastErrno("truncate");
  }
  return absl::OkStatus();
}

absl::Status Applier::Hardlink(archive_entry* e, int dir,
                               const std::string& name) {
  std::vector<std::string> target = SplitEntryPath(archive_entry_hardlink(e));
  if (target.empty()) return absl::InvalidArgumentError("hardlink to nothing");
  std::string tname = target.back();
  target.pop_back();
  auto tdir = root_.OpenDir(target, /*create=*/false);
  struct stat st;
  if (!tdir.ok() || tname == ".." ||
      ::fstatat(tdir->get(), tname.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("hardlink target \"", archive_entry_hardlink(e),
                     "\" is not in this layer"));
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError("hardlink to a directory");
  }
  if (::linkat(tdir->get(), tname.c_str(), dir, name.c_str(), 0) != 0) {
    return crisp::LastErrno("link");
  }
  return absl::OkStatus();
}

absl::Status Applier::SetMeta(archive_entry* e, int dir,
                              const std::string& name) {
  if (archive_entry_hardlink(e) != nullptr) return absl::OkStatus();
  const char* n = name.c_str();
  if (::fchownat(dir, n, static_cast<uid_t>(archive_entry_uid(e)),
                 static_cast<gid_t>(archive_entry_gid(e)),
                 AT_SYMLINK_NOFOLLOW) != 0) {
    return crisp::LastErrno("chown");
  }
  mode_t type = archive_entry_filetype(e);
  if (type == AE_IFLNK) {
    struct timespec t[2] = {
        {archive_entry_atime(e), archive_entry_atime_nsec(e)},
        {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
    ::utimensat(dir, n, t, AT_SYMLINK_NOFOLLOW);
    return absl::OkStatus();
  }
  // After chown, which clears setuid/setgid.
  if (::fchmodat(dir, n, archive_entry_perm(e) & 07777, 0) != 0) {
    return crisp::LastErrno("chmod");
  }
  std::string proc = absl::StrCat("/proc/self/fd/", dir, "/", name);
  archive_entry_xattr_reset(e);
  const char* key;
  const void* value;
  size_t size;
  while (archive_entry_xattr_next(e, &key, &value, &size) == ARCHIVE_OK) {
    // A layer must not forge overlay metadata (whiteouts, redirects).
    if (absl::StartsWith(key, "trusted.overlay.")) continue;
    if (::lsetxattr(proc.c_str(), key, value, size, 0) != 0) {
      VLOG(1) << "xattr " << key << " on " << name << ": " << strerror(errno);
    }
  }
  if (type != AE_IFDIR) {
    struct timespec t[2] = {
        {archive_entry_atime(e), archive_entry_atime_nsec(e)},
        {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
    if (!archive_entry_atime_is_set(e)) t[0] = t[1];
    ::utimensat(dir, n, t, AT_SYMLINK_NOFOLLOW);
  }
  return absl::OkStatus();
}

// Directory mtimes last: creating their children changed them.
absl::Status Applier::SetTimes() {
  for (auto it = dir_times_.rbegin(); it != dir_times_.rend(); ++it) {
    auto fd = root_.Resolve(it->path, O_RDONLY | O_DIRECTORY);
    if (!fd.ok()) continue;
    ::futimens(fd->get(), it->times);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<UnpackResult> ApplyLayer(const std::string& blob_path,
                                        const std::string& snapshot_dir,
                                        const UnpackLimits& limits) {
  ASSIGN_OR_RETURN(auto stream, LayerStream::Open(blob_path));
  stream->LimitBytes(limits.max_bytes, "image.max_layer_bytes");
  ASSIGN_OR_RETURN(ConfinedRoot root, ConfinedRoot::Open(snapshot_dir));
  Applier applier(std::move(root), stream.get(), limits);
  ASSIGN_OR_RETURN(uint64_t entries, applier.Run());
  RETURN_IF_ERROR(stream->Drain());
  return UnpackResult{stream->Digest(), entries};
}

}  // namespace crisp::image
