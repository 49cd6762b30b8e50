#include "common/sealed_binary.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status.h"

extern char** environ;

namespace crisp {
namespace {

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

absl::StatusOr<Elf64_Ehdr> ReadElfHeader(int fd, const std::string& path) {
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof(eh), 0) != static_cast<ssize_t>(sizeof(eh)) ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError(path + " is not an ELF executable");
  }
  return eh;
}

// The bytes execve and ld.so read: the program headers and every segment's
// file image. Section headers and debug sections lie beyond and are left out;
// a file that is not a 64-bit ELF is copied whole.
absl::StatusOr<off_t> LoadableSize(int fd, const Elf64_Ehdr& eh,
                                   off_t file_size, const std::string& path) {
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return file_size;
  }
  uint64_t end = eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    off_t at = static_cast<off_t>(eh.e_phoff + i * sizeof(ph));
    if (pread(fd, &ph, sizeof(ph), at) != static_cast<ssize_t>(sizeof(ph))) {
      return absl::InvalidArgumentError(path + ": truncated program headers");
    }
    end = std::max<uint64_t>(end, ph.p_offset + ph.p_filesz);
  }
  if (end > static_cast<uint64_t>(file_size)) {
    return absl::InvalidArgumentError(path + ": segments beyond end of file");
  }
  return static_cast<off_t>(std::max<uint64_t>(end, sizeof(Elf64_Ehdr)));
}

absl::Status CopyPrefix(int from, int to, off_t size, const std::string& path) {
  off_t offset = 0;
  while (offset < size) {
    ssize_t n = sendfile(to, from, &offset, size - offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return LastErrno("copy " + path + " into memfd");
  }
  return absl::OkStatus();
}

// Without the section headers the copy would point tools at bytes that are
// not there.
absl::Status DropSectionHeaders(int memfd, Elf64_Ehdr eh, off_t size) {
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      static_cast<off_t>(eh.e_shoff) < size) {
    return absl::OkStatus();
  }
  eh.e_shoff = 0;
  eh.e_shnum = 0;
  eh.e_shstrndx = SHN_UNDEF;
  if (pwrite(memfd, &eh, sizeof(eh), 0) != static_cast<ssize_t>(sizeof(eh))) {
    return LastErrno("rewrite ELF header in memfd");
  }
  return absl::OkStatus();
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<UniqueFd> SealedCopy(const std::string& path,
                                    const std::string& name) {
  UniqueFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file) return LastErrno("open " + path);
  struct stat st;
  if (fstat(file.get(), &st) != 0) return LastErrno("stat " + path);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(path + " is not a regular file");
  }
  ASSIGN_OR_RETURN(Elf64_Ehdr eh, ReadElfHeader(file.get(), path));
  ASSIGN_OR_RETURN(off_t size, LoadableSize(file.get(), eh, st.st_size, path));
  UniqueFd memfd(memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!memfd) return LastErrno("memfd_create for " + path);
  RETURN_IF_ERROR(CopyPrefix(file.get(), memfd.get(), size, path));
  RETURN_IF_ERROR(DropSectionHeaders(memfd.get(), eh, size));
  if (fchmod(memfd.get(), 0555) != 0) return LastErrno("chmod memfd " + name);
  if (fcntl(memfd.get(), F_ADD_SEALS, kSeals) != 0) {
    return LastErrno("seal memfd copy of " + path);
  }
  return memfd;
}

bool IsSealed(int fd) {
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & F_SEAL_WRITE) != 0;
}

std::string SealedExecPath(int fd) {
  return absl::StrCat("/proc/", getpid(), "/fd/", fd);
}

absl::Status EnsureSealedSelf(char** argv) {
  UniqueFd self(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) return LastErrno("open /proc/self/exe");
  if (IsSealed(self.get())) return absl::OkStatus();
  ASSIGN_OR_RETURN(UniqueFd copy,
                   SealedCopy("/proc/self/exe", BaseName(argv[0])));
  fexecve(copy.get(), argv, environ);
  return LastErrno("re-execute from a sealed copy of /proc/self/exe");
}

}  // namespace crisp
