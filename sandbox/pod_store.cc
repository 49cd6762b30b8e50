#include "sandbox/pod_store.h"

#include <glog/logging.h>
#include "absl/strings/str_cat.h"
#include "common/status.h"

#include "absl/strings/match.h"
#include "sandbox/pod_json.h"

namespace crisp::sandbox {

absl::Status PodStore::Put(const Pod& pod) {
  absl::Status s = db_->Exec(
      "INSERT INTO pods (id, key, pod) VALUES (?1, ?2, ?3) ON CONFLICT(id) "
      "DO UPDATE SET key = excluded.key, pod = excluded.pod",
      {pod.id, pod.spec.metadata.Key(), PodToJson(pod)});
  if (!s.ok() && absl::StrContains(s.message(), "UNIQUE")) {
    return absl::AlreadyExistsError(
        absl::StrCat("pod ", pod.spec.metadata.Key(), " already exists"));
  }
  return s;
}

absl::Status PodStore::Delete(const std::string& id) {
  return db_->Exec("DELETE FROM pods WHERE id = ?1", {id});
}

absl::StatusOr<std::vector<Pod>> PodStore::List() {
  ASSIGN_OR_RETURN(auto rows, db_->Query("SELECT id, pod FROM pods"));
  std::vector<Pod> pods;
  for (const auto& row : rows) {
    auto pod = PodFromJson(store::AsString(row[1]));
    if (!pod.ok()) {
      LOG(WARNING) << "pod " << store::AsString(row[0])
                   << " skipped: " << pod.status();
      continue;
    }
    pods.push_back(*std::move(pod));
  }
  return pods;
}

}  // namespace crisp::sandbox
