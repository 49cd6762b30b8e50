#include "runtime/linux/seccomp_file.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/status.h"

namespace crisp::runtime::seccomp {
namespace {

constexpr char kMagic[] = "crisp-seccomp-1";

// "crisp-seccomp-1 <hash> <flags> <instructions>\n" + the raw instructions.
absl::StatusOr<Program> Parse(const std::string& text) {
  size_t eol = text.find('\n');
  if (eol == std::string::npos) return absl::InvalidArgumentError("no header");
  std::vector<std::string> f = absl::StrSplit(text.substr(0, eol), ' ');
  Program p;
  size_t n = 0;
  if (f.size() != 4 || f[0] != kMagic || !absl::SimpleAtoi(f[2], &p.flags) ||
      !absl::SimpleAtoi(f[3], &n) ||
      text.size() - eol - 1 != n * sizeof(sock_filter)) {
    return absl::InvalidArgumentError("bad seccomp program file");
  }
  p.hash = f[1];
  p.filter.resize(n);
  std::memcpy(p.filter.data(), text.data() + eol + 1, n * sizeof(sock_filter));
  return p;
}

}  // namespace

absl::Status WriteProgram(const std::string& path, const Program& program) {
  std::string data = absl::StrCat(kMagic, " ", program.hash, " ", program.flags,
                                  " ", program.filter.size(), "\n");
  data.append(reinterpret_cast<const char*>(program.filter.data()),
              program.filter.size() * sizeof(sock_filter));
  return WriteFileAtomic(path, data, 0600);
}

absl::StatusOr<std::shared_ptr<const Program>> CompileOrLoad(
    const oci::Seccomp& profile, const std::string& path) {
  std::string hash = ProfileHash(profile);
  auto text = ReadFile(path);
  if (text.ok()) {
    auto program = Parse(*text);
    if (program.ok() && program->hash == hash) {
      return std::make_shared<const Program>(*std::move(program));
    }
  }
  ASSIGN_OR_RETURN(auto program, Compile(profile));
  (void)WriteProgram(path, *program);
  return program;
}

}  // namespace crisp::runtime::seccomp
