// Pods in crisp.db (table "pods", made by crispd's schema migration 3):
// one row per pod, the pod as JSON, its metadata key unique.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/store/database.h"
#include "sandbox/pod.h"

namespace crisp::sandbox {

class PodStore {
 public:
  // The table, as crispd's schema migration creates it. Never edit: a
  // change is a new migration.
  static constexpr char kSchema[] =
      "CREATE TABLE pods (id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
      "pod TEXT NOT NULL)";

  explicit PodStore(store::Database* db) : db_(db) {}

  // Inserts or replaces the row of pod.id. AlreadyExists when another pod
  // has the same metadata key.
  [[nodiscard]] absl::Status Put(const Pod& pod);
  [[nodiscard]] absl::Status Delete(const std::string& id);
  // Rows that do not parse are skipped with a warning: one bad row must not
  // hide every other pod.
  [[nodiscard]] absl::StatusOr<std::vector<Pod>> List();

 private:
  store::Database* db_;
};

}  // namespace crisp::sandbox
