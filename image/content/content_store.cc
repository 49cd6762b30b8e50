#include "image/content/content_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/id.h"
#include "common/status.h"
#include "image/registry/reference.h"

namespace crisp::image {
namespace {

constexpr int64_t kMaxSmallBlob = 16 << 20;

std::string Algorithm(absl::string_view digest) {
  return std::string(digest.substr(0, digest.find(':')));
}

// A blob directory that was never created holds nothing.
absl::StatusOr<std::vector<std::string>> ListDirOrEmpty(
    const std::string& dir) {
  auto names = ListDir(dir);
  if (absl::IsNotFound(names.status())) return std::vector<std::string>{};
  return names;
}

}  // namespace

BlobWriter::BlobWriter(UniqueFd fd, std::string temp, std::string final_path,
                       std::string digest, int64_t size, Digester digester)
    : fd_(std::move(fd)),
      temp_(std::move(temp)),
      final_path_(std::move(final_path)),
      digest_(std::move(digest)),
      size_(size),
      digester_(std::move(digester)) {}

BlobWriter::~BlobWriter() {
  if (!committed_) ::unlink(temp_.c_str());
}

absl::Status BlobWriter::Write(const void* data, size_t size) {
  if (static_cast<int64_t>(digester_.bytes() + size) > size_) {
    return absl::DataLossError(absl::StrCat(
        "blob ", digest_, ": more than the ", size_, " bytes announced"));
  }
  const char* p = static_cast<const char*>(data);
  size_t left = size;
  while (left > 0) {
    ssize_t n = ::write(fd_.get(), p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return crisp::LastErrno("write " + temp_);
    p += n;
    left -= static_cast<size_t>(n);
  }
  digester_.Update(data, size);
  writeback_.Written(static_cast<off_t>(digester_.bytes()));
  return absl::OkStatus();
}

absl::Status BlobWriter::Reset() {
  if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) != 0) {
    return crisp::LastErrno("truncate " + temp_);
  }
  ASSIGN_OR_RETURN(digester_, Digester::Create(Algorithm(digest_)));
  writeback_ = EarlyWriteback(fd_.get());
  return absl::OkStatus();
}

absl::Status BlobWriter::Commit() {
  if (static_cast<int64_t>(digester_.bytes()) != size_) {
    return absl::DataLossError(absl::StrCat("blob ", digest_, ": got ",
                                            digester_.bytes(), " of ", size_,
                                            " bytes"));
  }
  std::string got = digester_.Digest();
  if (got != digest_) {
    return absl::DataLossError(
        absl::StrCat("blob ", digest_, ": content has digest ", got));
  }
  if (::fsync(fd_.get()) != 0) return crisp::LastErrno("fsync " + temp_);
  if (::rename(temp_.c_str(), final_path_.c_str()) != 0) {
    return crisp::LastErrno("rename " + temp_);
  }
  committed_ = true;
  return SyncDir(final_path_.substr(0, final_path_.rfind('/')));
}

ContentStore::ContentStore(std::string root) : root_(std::move(root)) {}

absl::Status ContentStore::Init() {
  RETURN_IF_ERROR(MakeDirs(root_ + "/blobs/sha256", 0700));
  RETURN_IF_ERROR(MakeDirs(root_ + "/blobs/sha512", 0700));
  // No write survives a restart: partial files are dropped.
  RETURN_IF_ERROR(RemoveAll(root_ + "/ingest"));
  return MakeDirs(root_ + "/ingest", 0700);
}

std::string ContentStore::BlobPath(absl::string_view digest) const {
  return absl::StrCat(root_, "/blobs/", Algorithm(digest), "/",
                      DigestHex(digest));
}

bool ContentStore::Has(absl::string_view digest, int64_t size) const {
  struct stat st;
  if (::stat(BlobPath(digest).c_str(), &st) != 0) return false;
  return size < 0 || st.st_size == size;
}

absl::StatusOr<std::unique_ptr<BlobWriter>> ContentStore::Writer(
    const std::string& digest, int64_t size) {
  RETURN_IF_ERROR(ValidateDigest(digest));
  ASSIGN_OR_RETURN(Digester digester, Digester::Create(Algorithm(digest)));
  std::string temp = absl::StrCat(root_, "/ingest/", DigestHex(digest), ".",
                                  GenerateId().substr(0, 12));
  UniqueFd fd(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return crisp::LastErrno("create " + temp);
  return std::unique_ptr<BlobWriter>(new BlobWriter(std::move(fd), temp,
                                                    BlobPath(digest), digest,
                                                    size, std::move(digester)));
}

absl::Status ContentStore::Put(const std::string& digest,
                               absl::string_view data) {
  if (Has(digest, static_cast<int64_t>(data.size()))) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto writer,
                   Writer(digest, static_cast<int64_t>(data.size())));
  RETURN_IF_ERROR(writer->Write(data.data(), data.size()));
  return writer->Commit();
}

absl::StatusOr<std::string> ContentStore::Read(absl::string_view digest) const {
  std::string path = BlobPath(digest);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return crisp::LastErrno("blob " + path);
  if (st.st_size > kMaxSmallBlob) {
    return absl::FailedPreconditionError(
        absl::StrCat("blob ", digest, ": too large to read whole"));
  }
  return ReadFile(path);
}

absl::StatusOr<std::vector<std::string>> ContentStore::List() const {
  std::vector<std::string> out;
  for (const char* algo : {"sha256", "sha512"}) {
    ASSIGN_OR_RETURN(auto names, ListDirOrEmpty(root_ + "/blobs/" + algo));
    for (auto& n : names) out.push_back(absl::StrCat(algo, ":", n));
  }
  return out;
}

absl::Status ContentStore::Delete(absl::string_view digest) {
  std::string path = BlobPath(digest);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return crisp::LastErrno("remove blob " + path);
  }
  return absl::OkStatus();
}

}  // namespace crisp::image
