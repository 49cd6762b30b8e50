#include "common/id.h"
#include "absl/strings/string_view.h"

#include <sys/random.h>

#include <array>
#include <cerrno>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace crisp {

std::string GenerateId() {
  std::array<char, 32> bytes;
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    // getrandom only fails for bad arguments; there is no sane fallback.
    PCHECK(n > 0) << "getrandom";
    got += static_cast<size_t>(n);
  }
  return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
}

bool IsFullId(absl::string_view id) {
  if (id.size() != 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::Status IdIndex::Add(const std::string& id) {
  if (!IsFullId(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("id \"", id, "\": not 64 lowercase hex characters"));
  }
  absl::MutexLock lock(&mu_);
  if (!ids_.insert(id).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("id ", id, ": already indexed"));
  }
  return absl::OkStatus();
}

void IdIndex::Remove(const std::string& id) {
  absl::MutexLock lock(&mu_);
  ids_.erase(id);
}

absl::StatusOr<std::string> IdIndex::Resolve(absl::string_view prefix) const {
  if (prefix.empty()) return absl::InvalidArgumentError("empty id");
  absl::MutexLock lock(&mu_);
  auto it = ids_.lower_bound(prefix);
  if (it == ids_.end() || !absl::StartsWith(*it, prefix)) {
    return absl::NotFoundError(absl::StrCat("no object with id ", prefix));
  }
  auto next = std::next(it);
  if (next != ids_.end() && absl::StartsWith(*next, prefix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "id prefix ", prefix, " is ambiguous: it matches several objects"));
  }
  return *it;
}

size_t IdIndex::size() const {
  absl::MutexLock lock(&mu_);
  return ids_.size();
}

}  // namespace crisp
