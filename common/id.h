// 64-hex object ids and an index that resolves the truncated ids crictl
// passes (unique-prefix lookup, as containerd's truncindex does).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace crisp {

// 32 random bytes from getrandom(2), hex-encoded.
std::string GenerateId();

// True for exactly 64 lowercase hex characters.
bool IsFullId(absl::string_view id);

class IdIndex {
 public:
  // Fails with AlreadyExists for an id already present, InvalidArgument for
  // one that is not a full id.
  [[nodiscard]] absl::Status Add(const std::string& id);
  void Remove(const std::string& id);

  // The one id starting with `prefix`. NotFound when none does,
  // InvalidArgument when the prefix is empty or matches several ids.
  [[nodiscard]] absl::StatusOr<std::string> Resolve(
      absl::string_view prefix) const;

  size_t size() const;

 private:
  mutable absl::Mutex mu_;
  std::set<std::string, std::less<>> ids_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp
