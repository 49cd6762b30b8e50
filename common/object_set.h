// The objects of one kind that crispd holds in memory (pods, containers),
// by id: the unique-prefix lookup crictl's truncated ids need, a lock per
// object so that lifecycle operations on one serialise while those on
// others run side by side, and a reservation per metadata key, so that a
// create kubelet retries waits for the first one and then finds what it
// made instead of making a second (DESIGN.md, "Creates are safe to retry").
// common/store/object_store.h keeps a set in step with its rows in crisp.db.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/id.h"
#include "common/lock_table.h"
#include "common/status.h"

namespace crisp {

// T has a std::string member `id`, a full id (common/id.h).
template <typename T>
class ObjectSet {
 public:
  using KeyOf = std::function<std::string(const T&)>;

  // `noun` names the kind in errors ("pod sandbox"); `key_of` gives an
  // object's metadata key, unique among the set's objects.
  ObjectSet(std::string noun, KeyOf key_of)
      : noun_(std::move(noun)), key_of_(std::move(key_of)) {}
  ObjectSet(const ObjectSet&) = delete;
  ObjectSet& operator=(const ObjectSet&) = delete;

  const std::string& noun() const { return noun_; }
  const KeyOf& key_of() const { return key_of_; }

  // The full id of the one indexed object whose id starts with the prefix:
  // NotFound when none does, InvalidArgument when the prefix is empty or
  // ambiguous; the message starts with the noun.
  [[nodiscard]] absl::StatusOr<std::string> Resolve(
      const std::string& id_or_prefix) const {
    auto id = ids_.Resolve(id_or_prefix);
    if (!id.ok()) return Annotate(id.status(), noun_);
    return id;
  }

  // A copy of the object the id or prefix resolves to.
  [[nodiscard]] absl::StatusOr<T> Get(const std::string& id_or_prefix) const {
    ASSIGN_OR_RETURN(std::string id, Resolve(id_or_prefix));
    std::optional<T> found = Find(id);
    if (!found) {
      return absl::NotFoundError(absl::StrCat(noun_, " ", id, " not found"));
    }
    return *std::move(found);
  }

  // By full id only, without the index.
  std::optional<T> Find(const std::string& id) const {
    absl::MutexLock l(&mu_);
    auto it = objects_.find(id);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<T> FindByKey(const std::string& key) const {
    absl::MutexLock l(&mu_);
    for (const auto& [id, object] : objects_) {
      if (key_of_(object) == key) return object;
    }
    return std::nullopt;
  }

  // Copies, in id order.
  std::vector<T> List() const {
    absl::MutexLock l(&mu_);
    std::vector<T> out;
    out.reserve(objects_.size());
    for (const auto& [id, object] : objects_) out.push_back(object);
    return out;
  }

  // `visit(const T&)` for each object, in id order, under the set's mutex:
  // it must not call back into the set.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    absl::MutexLock l(&mu_);
    for (const auto& [id, object] : objects_) visit(object);
  }

  // Held for the lifecycle step of one object (a full id).
  [[nodiscard]] LockTable::Guard Lock(const std::string& id) {
    return LockTable::Guard(&locks_, id);
  }
  // Held by a create from before it looks for an object with the key until
  // that object is in the set or the create has failed; a retry of the
  // create waits here, then finds the object.
  [[nodiscard]] LockTable::Guard Reserve(const std::string& key) {
    return LockTable::Guard(&locks_, "key:" + key);
  }

  // Makes the id resolvable: AlreadyExists when it is, InvalidArgument for
  // one that is not a full id.
  [[nodiscard]] absl::Status Index(const std::string& id) {
    return ids_.Add(id);
  }
  void Unindex(const std::string& id) { ids_.Remove(id); }
  // Inserts or replaces the copy kept under object.id.
  void Set(T object) {
    absl::MutexLock l(&mu_);
    std::string id = object.id;
    objects_.insert_or_assign(std::move(id), std::move(object));
  }
  void Erase(const std::string& id) {
    absl::MutexLock l(&mu_);
    objects_.erase(id);
  }

 private:
  const std::string noun_;
  const KeyOf key_of_;
  IdIndex ids_;
  LockTable locks_;
  mutable absl::Mutex mu_;
  std::map<std::string, T> objects_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp
