#include "containers/container_store.h"

#include <glog/logging.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "containers/container_json.h"

namespace crisp::containers {

absl::Status ContainerStore::Put(const Container& c) {
  absl::Status s = db_->Exec(
      "INSERT INTO containers (id, key, pod_id, container) VALUES (?1, ?2, "
      "?3, ?4) ON CONFLICT(id) DO UPDATE SET container = excluded.container",
      {c.id, c.Key(), c.pod_id, ContainerToJson(c)});
  if (!s.ok() && absl::StrContains(s.message(), "UNIQUE")) {
    return absl::AlreadyExistsError(
        absl::StrCat("container ", c.name, " attempt ", c.attempt,
                     " already exists in pod ", c.pod_id));
  }
  return s;
}

absl::Status ContainerStore::Delete(const std::string& id) {
  return db_->Exec("DELETE FROM containers WHERE id = ?1", {id});
}

absl::StatusOr<std::vector<Container>> ContainerStore::List() {
  ASSIGN_OR_RETURN(auto rows,
                   db_->Query("SELECT id, container FROM containers"));
  std::vector<Container> out;
  for (const auto& row : rows) {
    auto c = ContainerFromJson(store::AsString(row[1]));
    if (!c.ok()) {
      LOG(WARNING) << "container " << store::AsString(row[0])
                   << " skipped: " << c.status();
      continue;
    }
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace crisp::containers
