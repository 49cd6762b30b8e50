// Containers in crisp.db (table "containers", schema migration 4).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/store/database.h"
#include "containers/container.h"

namespace crisp::containers {

class ContainerStore {
 public:
  // Never edit: a change is a new migration.
  static constexpr char kSchema[] =
      "CREATE TABLE containers (id TEXT PRIMARY KEY, key TEXT NOT NULL "
      "UNIQUE, pod_id TEXT NOT NULL, container TEXT NOT NULL)";

  explicit ContainerStore(store::Database* db) : db_(db) {}
  // Insert or replace by id; AlreadyExists when the key is taken.
  [[nodiscard]] absl::Status Put(const Container& c);
  [[nodiscard]] absl::Status Delete(const std::string& id);
  // Unreadable rows are skipped with a warning.
  [[nodiscard]] absl::StatusOr<std::vector<Container>> List();

 private:
  store::Database* db_;
};

}  // namespace crisp::containers
