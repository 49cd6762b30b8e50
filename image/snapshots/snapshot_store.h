// Unpacked layers under <root>/snapshots/<chain-id hex>/, one directory per
// layer holding only that layer's changes (an overlay lower dir). The chain
// id names a layer together with everything under it (OCI image spec), so
// images sharing a base share its snapshots. A snapshot is unpacked into
// snapshots/tmp-<random>/ and renamed into place when complete, so a
// directory with a chain id name is always whole.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "image/inflight.h"

namespace crisp::image {

// chain[0] = diff[0]; chain[i] = sha256(chain[i-1] + " " + diff[i]).
std::vector<std::string> ChainIds(const std::vector<std::string>& diff_ids);

class SnapshotStore {
 public:
  explicit SnapshotStore(std::string dir);  // <crisp root>/snapshots

  // Creates the directory and removes unfinished unpacks.
  [[nodiscard]] absl::Status Init();

  std::string Path(absl::string_view chain_id) const;
  bool Exists(absl::string_view chain_id) const;

  // A fresh empty directory to unpack into.
  [[nodiscard]] absl::StatusOr<std::string> PrepareTemp();
  // Renames `temp` to the snapshot of `chain_id`. If another pull committed
  // the same snapshot first, `temp` is dropped and that one is kept.
  [[nodiscard]] absl::Status Commit(const std::string& temp,
                                    absl::string_view chain_id);

  // Chain ids ("sha256:<hex>") of every committed snapshot.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> List() const;
  [[nodiscard]] absl::Status Remove(absl::string_view chain_id);

  const std::string& dir() const { return dir_; }
  // Unpacks in progress by chain id: two pulls sharing a layer unpack it
  // once.
  InFlight& unpacks() { return unpacks_; }

 private:
  std::string dir_;
  InFlight unpacks_;
};

}  // namespace crisp::image
