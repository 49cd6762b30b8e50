#include "image/image_manager.h"

#include <chrono>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/failpoint.h"
#include "common/no_space.h"
#include "common/status.h"
#include "glog/logging.h"
#include "image/gc.h"
#include "image/no_throw.h"
#include "image/puller.h"
#include "image/registry/reference.h"

namespace crisp::image {
namespace {

constexpr size_t kMinIdPrefix = 12;  // hex digits of docker's short id

bool IsHexPrefix(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

std::string PullKey(const std::string& ref, const Credentials& c) {
  return absl::StrCat(ref, "\n", c.username, "\n", c.password, "\n",
                      c.identity_token, "\n", c.registry_token, "\n",
                      c.server_address);
}

}  // namespace

ImageManager::ImageManager(ImageManagerOptions options, store::Database* db)
    : options_(std::move(options)),
      content_(options_.root + "/content"),
      snapshots_(options_.root + "/snapshots"),
      images_(db),
      registry_(options_.registry),
      slots_(options_.max_concurrent_downloads) {
  auto ref = ParseReference(options_.pinned_image);
  if (ref.ok()) pinned_ref_ = ref->String();
}

absl::StatusOr<std::unique_ptr<ImageManager>> ImageManager::Open(
    ImageManagerOptions options, store::Database* db) {
  std::unique_ptr<ImageManager> m(new ImageManager(std::move(options), db));
  RETURN_IF_ERROR(m->content_.Init());
  RETURN_IF_ERROR(m->snapshots_.Init());
  ASSIGN_OR_RETURN(GcResult gc, CheckAndCollect(m->Gc()));
  LOG(INFO) << "image store ready (" << gc.images_dropped
            << " incomplete images dropped, " << gc.blobs_removed
            << " orphan blobs and " << gc.snapshots_removed
            << " orphan snapshots removed)";
  return m;
}

absl::StatusOr<ImageRecord> ImageManager::Pull(
    const Reference& ref, const Credentials& creds,
    const std::function<bool()>& cancelled) {
  std::string key = PullKey(ref.String(), creds);
  std::promise<absl::StatusOr<ImageRecord>> promise;
  SharedPull pull;
  bool leader = false;
  int handle;
  {
    absl::MutexLock lock(&pulls_mu_);
    auto it = pulls_.find(key);
    if (it == pulls_.end()) {
      pull = {promise.get_future().share(), std::make_shared<PullCallers>()};
      pulls_.emplace(key, pull);
      leader = true;
    } else {
      pull = it->second;
    }
    handle = pull.callers->Join(cancelled);
  }
  if (leader) return LeadPull(ref, creds, key, promise, pull.callers);
  VLOG(1) << "pull of " << ref.String() << " joins the one in progress";
  absl::Cleanup leave = [&] { pull.callers->Leave(handle); };
  while (pull.result.wait_for(std::chrono::milliseconds(200)) !=
         std::future_status::ready) {
    if (cancelled && cancelled()) {
      return absl::CancelledError(
          absl::StrCat("pull ", ref.String(), ": cancelled by the client"));
    }
  }
  return NoThrow(absl::StrCat("pull ", ref.String()),
                 [&] { return pull.result.get(); });
}

absl::StatusOr<ImageRecord> ImageManager::LeadPull(
    const Reference& ref, const Credentials& creds, const std::string& key,
    std::promise<absl::StatusOr<ImageRecord>>& promise,
    const std::shared_ptr<PullCallers>& callers) {
  std::string what = absl::StrCat("pull ", ref.String());
  // However this ends, the waiters get a result (a promise destroyed unset
  // hands them broken_promise) and the entry goes, so the next pull of the
  // same reference starts afresh instead of rethrowing forever.
  bool fulfilled = false;
  absl::Cleanup leave = [&] {
    if (!fulfilled) {
      try {
        promise.set_value(absl::InternalError(what + ": abandoned"));
      } catch (...) {  // a destructor must not throw; the waiters then
      }                // get broken_promise, which NoThrow turns to Internal
    }
    absl::MutexLock lock(&pulls_mu_);
    pulls_.erase(key);
  };
  // The pull stops only when every caller sharing it went away; this
  // thread runs it to the end for the others even if its own caller left.
  auto all_gone = [callers] { return callers->AllCancelled(); };
  auto result = NoThrow(what, [&] { return PullNow(ref, creds, all_gone); });
  promise.set_value(result);
  fulfilled = true;
  return result;
}

absl::StatusOr<ImageRecord> ImageManager::PullNow(
    const Reference& ref, const Credentials& creds,
    const std::function<bool()>& cancelled) {
  PullerDeps deps{&registry_,
                  &content_,
                  &snapshots_,
                  &images_,
                  &leases_,
                  options_.platform,
                  options_.max_concurrent_downloads,
                  &slots_,
                  options_.limits};
  auto pulled = PullImage(deps, ref, creds, cancelled);
  if (IsNoSpace(pulled.status())) {
    // What the pull had stored (blobs, snapshots: no image names them)
    // goes now, not at the next removal or restart: on a full disk those
    // bytes are what the node needs back.
    auto gc = CollectGarbage(Gc());
    if (!gc.ok()) LOG(WARNING) << "collect after a full disk: " << gc.status();
    return Annotate(pulled.status(),
                    absl::StrCat("pull ", ref.String(), ": no space left on ",
                                 options_.root));
  }
  if (!pulled.ok()) {
    return Annotate(pulled.status(), absl::StrCat("pull ", ref.String()));
  }
  absl::MutexLock lock(&configs_mu_);
  configs_[pulled->record.id] =
      std::make_shared<const ImageConfig>(std::move(pulled->config));
  return std::move(pulled->record);
}

// A name first, then an id prefix (as containerd and docker resolve): so
// "cafe" is docker.io/library/cafe, never whatever image id starts with
// cafe. A prefix needs "sha256:" or 12 hex digits (docker's short id), so
// a short word is not taken for an id by accident.
absl::StatusOr<std::optional<std::string>> ImageManager::FindId(
    const std::string& text, bool* by_tag, std::string* tag) {
  *by_tag = false;
  auto ref = ParseReference(text);
  if (ref.ok()) {
    std::string name =
        ref->digest.empty() ? ref->TagRef() : ref->DigestRef(ref->digest);
    ASSIGN_OR_RETURN(auto id, images_.ResolveRef(name));
    if (id) {
      *by_tag = ref->digest.empty();
      *tag = name;
      return id;
    }
  }
  absl::string_view hex = absl::StripPrefix(text, "sha256:");
  bool explicit_id = hex.size() < text.size();
  if (!IsHexPrefix(hex) || (!explicit_id && hex.size() < kMinIdPrefix)) {
    return std::nullopt;
  }
  ASSIGN_OR_RETURN(auto ids, images_.IdsWithPrefix(std::string(hex)));
  if (ids.size() != 1) return std::nullopt;
  return ids[0];
}

absl::StatusOr<std::optional<ImageRecord>> ImageManager::Find(
    const std::string& ref_or_id) {
  bool by_tag;
  std::string tag;
  ASSIGN_OR_RETURN(auto id, FindId(ref_or_id, &by_tag, &tag));
  if (!id) return std::nullopt;
  auto rec = images_.Get(*id);
  if (absl::IsNotFound(rec.status())) return std::nullopt;
  if (!rec.ok()) return rec.status();
  return *rec;
}

absl::StatusOr<std::vector<ImageRecord>> ImageManager::List() {
  return images_.List();
}

absl::Status ImageManager::Remove(const std::string& ref_or_id) {
  bool by_tag;
  std::string tag;
  ASSIGN_OR_RETURN(auto id, FindId(ref_or_id, &by_tag, &tag));
  // Collected even then: a remove whose collection failed after the row
  // went is retried by kubelet, and would otherwise leave its blobs and
  // snapshots until the next restart.
  if (!id) return CollectGarbage(Gc()).status();
  if (by_tag) {
    RETURN_IF_ERROR(images_.RemoveRef(tag).status());
    auto rec = images_.Get(*id);
    if (rec.ok() && rec->repo_tags.empty())
      RETURN_IF_ERROR(images_.Delete(*id));
  } else {
    RETURN_IF_ERROR(images_.Delete(*id));
  }
  if (absl::IsNotFound(images_.Get(*id).status())) {
    absl::MutexLock lock(&configs_mu_);
    configs_.erase(*id);
  }
  RETURN_IF_ERROR(failpoint::Hit("image.remove.after_row"));
  return CollectGarbage(Gc()).status();
}

absl::StatusOr<FsUsage> ImageManager::Usage() {
  ASSIGN_OR_RETURN(FsUsage total, DiskUsage(content_.root()));
  ASSIGN_OR_RETURN(auto snapshots, snapshots_.List());
  total.inodes += 1;  // the snapshots directory itself
  absl::MutexLock lock(&usage_mu_);
  std::map<std::string, FsUsage> known;
  for (const std::string& s : snapshots) {
    auto it = snapshot_usage_.find(s);
    FsUsage u;
    if (it != snapshot_usage_.end()) {
      u = it->second;
    } else {
      auto measured = DiskUsage(snapshots_.Path(s));
      if (!measured.ok()) continue;  // removed meanwhile
      u = *measured;
    }
    known[s] = u;
    total.bytes += u.bytes;
    total.inodes += u.inodes;
  }
  snapshot_usage_ = std::move(known);
  return total;
}

bool ImageManager::IsPinned(const ImageRecord& image) const {
  if (!pinned_ref_) return false;
  for (const auto& t : image.repo_tags) {
    if (t == *pinned_ref_) return true;
  }
  for (const auto& d : image.repo_digests) {
    if (d == *pinned_ref_) return true;
  }
  return false;
}

std::vector<std::string> ImageManager::LowerDirs(
    const ImageRecord& image) const {
  std::vector<std::string> out;
  for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it) {
    out.push_back(snapshots_.Path(it->chain_id));
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const ImageConfig>> ImageManager::Config(
    const ImageRecord& image) {
  {
    absl::MutexLock lock(&configs_mu_);
    auto it = configs_.find(image.id);
    if (it != configs_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(std::string blob, content_.Read(image.id));
  auto parsed = ParseImageConfig(blob);
  if (!parsed.ok()) return Annotate(parsed.status(), "image " + image.id);
  auto config = std::make_shared<const ImageConfig>(*std::move(parsed));
  absl::MutexLock lock(&configs_mu_);
  return configs_.try_emplace(image.id, std::move(config)).first->second;
}

absl::StatusOr<std::string> ImageManager::ConfigJson(
    const ImageRecord& image) const {
  return content_.Read(image.id);
}

}  // namespace crisp::image
