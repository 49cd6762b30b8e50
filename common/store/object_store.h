// The spine pods and containers share: their rows in crisp.db
// (RecordTable) and the set crispd serves them from (ObjectSet), kept in
// step. A create writes its row first, unpublished ("creating"), so that a
// crash half-way is found and rolled back by the next start's Recover; it
// publishes the object (Add) only when it is whole.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/object_set.h"
#include "common/status.h"
#include "common/store/record_table.h"

namespace crisp::store {

// What Recover does with a stored object, as its owner decides.
enum class RowFate {
  kKeep,    // published as read
  kSave,    // changed by the owner: written back, then published
  kForget,  // rolled back by the owner: its row is deleted
};

template <typename T>
class ObjectStore : public ObjectSet<T> {
 public:
  // `noun` names the kind in the set's errors ("pod sandbox").
  ObjectStore(Database* db, RecordFormat<T> format, std::string noun)
      : ObjectSet<T>(std::move(noun), format.key),
        rows_(db, std::move(format)) {}

  // The row of an object not published yet (or no longer).
  [[nodiscard]] absl::Status WriteRow(const T& object) {
    return rows_.Put(object);
  }
  [[nodiscard]] absl::Status DeleteRow(const std::string& id) {
    return rows_.Delete(id);
  }

  // Publishes a new object: indexed, stored, served. Nothing is published
  // when it fails.
  [[nodiscard]] absl::Status Add(const T& object) {
    RETURN_IF_ERROR(this->Index(object.id));
    absl::Status saved = Save(object);
    if (!saved.ok()) this->Unindex(object.id);
    return saved;
  }
  // A published object changed: stored, then served as it is now.
  [[nodiscard]] absl::Status Save(const T& object) {
    RETURN_IF_ERROR(rows_.Put(object));
    this->Set(object);
    return absl::OkStatus();
  }
  // Forgets a published object: its row, its id, its copy.
  [[nodiscard]] absl::Status Remove(const std::string& id) {
    RETURN_IF_ERROR(rows_.Delete(id));
    this->Unindex(id);
    this->Erase(id);
    return absl::OkStatus();
  }

  // At start-up, before the store is shared: `decide` is given each
  // readable row's object, in row order, to finish or roll back what a
  // crash left, and says what becomes of it; `published`, when set, is
  // called with each object once it is served.
  [[nodiscard]] absl::Status Recover(
      const std::function<RowFate(T&)>& decide,
      const std::function<void(const T&)>& published = nullptr) {
    ASSIGN_OR_RETURN(std::vector<T> stored, rows_.List());
    for (T& object : stored) {
      RowFate fate = decide(object);
      if (fate == RowFate::kForget) {
        RETURN_IF_ERROR(rows_.Delete(object.id));
        continue;
      }
      if (fate == RowFate::kSave) RETURN_IF_ERROR(rows_.Put(object));
      RETURN_IF_ERROR(this->Index(object.id));
      this->Set(object);
      if (published) published(object);
    }
    return absl::OkStatus();
  }

 private:
  // Only with the rows: through Add, Save and Remove.
  using ObjectSet<T>::Index;
  using ObjectSet<T>::Unindex;
  using ObjectSet<T>::Set;
  using ObjectSet<T>::Erase;

  RecordTable<T> rows_;
};

}  // namespace crisp::store
