#include "image/puller.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/failpoint.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "glog/logging.h"
#include "image/layer_pipeline.h"

namespace crisp::image {
namespace {

struct Resolved {
  FetchedManifest manifest;
  std::string index_digest;
  std::string index_body;
};

absl::StatusOr<Resolved> ResolveManifest(RegistrySession& session,
                                         const Reference& ref,
                                         const Platform& platform) {
  Resolved r;
  ASSIGN_OR_RETURN(r.manifest, session.GetManifest(ref.Locator()));
  ASSIGN_OR_RETURN(ManifestKind kind,
                   ClassifyManifest(r.manifest.content_type, r.manifest.body));
  if (kind == ManifestKind::kManifest) return r;
  ASSIGN_OR_RETURN(auto entries, ParseIndex(r.manifest.body));
  ASSIGN_OR_RETURN(Descriptor chosen, ChoosePlatform(entries, platform));
  r.index_digest = r.manifest.digest;
  r.index_body = std::move(r.manifest.body);
  ASSIGN_OR_RETURN(r.manifest, session.GetManifest(chosen.digest));
  ASSIGN_OR_RETURN(kind,
                   ClassifyManifest(r.manifest.content_type, r.manifest.body));
  if (kind != ManifestKind::kManifest) {
    return absl::InvalidArgumentError(
        absl::StrCat("index entry ", chosen.digest, " is not a manifest"));
  }
  return r;
}

absl::StatusOr<std::vector<ImageLayer>> PlanLayers(const Manifest& m,
                                                   const ImageConfig& config) {
  if (config.diff_ids.size() != m.layers.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "manifest has ", m.layers.size(), " layers but the config lists ",
        config.diff_ids.size(), " diff_ids"));
  }
  std::vector<std::string> chains = ChainIds(config.diff_ids);
  std::vector<ImageLayer> out;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    out.push_back({m.layers[i].digest, m.layers[i].size, m.layers[i].media_type,
                   config.diff_ids[i], chains[i]});
  }
  return out;
}

std::vector<std::string> LeaseKeys(const Resolved& r, const Manifest& m) {
  std::vector<std::string> keys = {r.manifest.digest, m.config.digest};
  if (!r.index_digest.empty()) keys.push_back(r.index_digest);
  for (const auto& l : m.layers) keys.push_back(l.digest);
  return keys;
}

// Unpacked files reach the disk before the image row that names them.
absl::Status SyncSnapshots(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::syncfs(fd.get()) != 0) return crisp::LastErrno("syncfs " + dir);
  return absl::OkStatus();
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Plan {
  Manifest manifest;
  ImageConfig config;
  std::vector<ImageLayer> layers;
};

absl::StatusOr<Plan> MakePlan(RegistrySession& session, ContentStore* content,
                              Manifest m) {
  RETURN_IF_ERROR(
      FetchToStore(&session, content, m.config.digest, m.config.size));
  ASSIGN_OR_RETURN(std::string config_json, content->Read(m.config.digest));
  Plan plan;
  ASSIGN_OR_RETURN(plan.config, ParseImageConfig(config_json));
  ASSIGN_OR_RETURN(plan.layers, PlanLayers(m, plan.config));
  plan.manifest = std::move(m);
  return plan;
}

std::vector<std::string> ChainIdsOf(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& l : plan.layers) out.push_back(l.chain_id);
  return out;
}

absl::Status StoreManifests(ContentStore* content, const Resolved& r) {
  RETURN_IF_ERROR(content->Put(r.manifest.digest, r.manifest.body));
  if (r.index_digest.empty()) return absl::OkStatus();
  return content->Put(r.index_digest, r.index_body);
}

ImageRecord MakeRecord(const Reference& ref, const Resolved& r,
                       const Plan& plan) {
  ImageRecord rec;
  rec.id = plan.manifest.config.digest;
  rec.manifest_digest = r.manifest.digest;
  rec.index_digest = r.index_digest;
  rec.size = plan.manifest.config.size;
  for (const auto& l : plan.layers) rec.size += l.size;
  rec.user = plan.config.user;
  rec.layers = plan.layers;
  if (ref.digest.empty()) rec.repo_tags.push_back(ref.TagRef());
  rec.repo_digests.push_back(ref.DigestRef(
      r.index_digest.empty() ? r.manifest.digest : r.index_digest));
  rec.created_unix_nanos = NowNanos();
  return rec;
}

// Logs (VLOG 1) how long each phase of a pull took.
class PhaseTimer {
 public:
  explicit PhaseTimer(std::string what) : what_(std::move(what)) {}
  void Mark(const char* phase) {
    auto now = std::chrono::steady_clock::now();
    VLOG(1) << "pull " << what_ << ": " << phase << " took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(now -
                                                                     last_)
                   .count()
            << "ms";
    last_ = now;
  }

 private:
  std::string what_;
  std::chrono::steady_clock::time_point last_ =
      std::chrono::steady_clock::now();
};

}  // namespace

absl::StatusOr<PulledImage> PullImage(const PullerDeps& deps,
                                      const Reference& ref,
                                      const Credentials& credentials,
                                      const std::function<bool()>& cancelled) {
  PhaseTimer timer(ref.String());
  auto session = deps.registry->Open(ref, credentials, cancelled);
  ASSIGN_OR_RETURN(Resolved r, ResolveManifest(*session, ref, deps.platform));
  ASSIGN_OR_RETURN(Manifest m, ParseManifest(r.manifest.body));
  Leases::Lease blobs_lease = deps.leases->Acquire(LeaseKeys(r, m));
  ASSIGN_OR_RETURN(Plan plan, MakePlan(*session, deps.content, std::move(m)));
  Leases::Lease snapshots_lease = deps.leases->Acquire(ChainIdsOf(plan));
  timer.Mark("manifest+config");
  RETURN_IF_ERROR(BringUpLayers(
      {session.get(), deps.content, deps.snapshots, deps.parallel_downloads,
       deps.slots, cancelled, deps.limits},
      plan.layers));
  timer.Mark("layers");
  RETURN_IF_ERROR(failpoint::Hit("image.pull.after_layers"));
  RETURN_IF_ERROR(StoreManifests(deps.content, r));
  RETURN_IF_ERROR(failpoint::Hit("image.pull.after_manifests"));
  RETURN_IF_ERROR(SyncSnapshots(deps.snapshots->dir()));
  timer.Mark("sync");
  ImageRecord rec = MakeRecord(ref, r, plan);
  RETURN_IF_ERROR(failpoint::Hit("image.pull.before_row"));
  RETURN_IF_ERROR(deps.images->Put(rec));
  timer.Mark("commit");
  ASSIGN_OR_RETURN(rec, deps.images->Get(rec.id));
  return PulledImage{.record = std::move(rec),
                     .config = std::move(plan.config)};
}

}  // namespace crisp::image
