#include "image/puller.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
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

}  // namespace

absl::StatusOr<ImageRecord> PullImage(const PullerDeps& deps,
                                      const Reference& ref,
                                      const Credentials& credentials) {
  auto session = deps.registry->Open(ref, credentials);
  ASSIGN_OR_RETURN(Resolved r, ResolveManifest(*session, ref, deps.platform));
  ASSIGN_OR_RETURN(Manifest m, ParseManifest(r.manifest.body));
  Leases::Lease blobs_lease = deps.leases->Acquire(LeaseKeys(r, m));
  RETURN_IF_ERROR(FetchToStore(session.get(), deps.content, m.config.digest,
                               m.config.size));
  ASSIGN_OR_RETURN(std::string config_json,
                   deps.content->Read(m.config.digest));
  ASSIGN_OR_RETURN(ImageConfig config, ParseImageConfig(config_json));
  ASSIGN_OR_RETURN(std::vector<ImageLayer> layers, PlanLayers(m, config));
  std::vector<std::string> chain_ids;
  for (const auto& l : layers) chain_ids.push_back(l.chain_id);
  Leases::Lease snapshots_lease = deps.leases->Acquire(chain_ids);
  RETURN_IF_ERROR(BringUpLayers(
      {session.get(), deps.content, deps.snapshots, deps.parallel_downloads},
      layers));
  RETURN_IF_ERROR(deps.content->Put(r.manifest.digest, r.manifest.body));
  if (!r.index_digest.empty()) {
    RETURN_IF_ERROR(deps.content->Put(r.index_digest, r.index_body));
  }
  RETURN_IF_ERROR(SyncSnapshots(deps.snapshots->dir()));
  ImageRecord rec;
  rec.id = m.config.digest;
  rec.manifest_digest = r.manifest.digest;
  rec.index_digest = r.index_digest;
  rec.size = m.config.size;
  for (const auto& l : layers) rec.size += l.size;
  rec.user = config.user;
  rec.layers = std::move(layers);
  if (ref.digest.empty()) rec.repo_tags.push_back(ref.TagRef());
  rec.repo_digests.push_back(ref.DigestRef(
      r.index_digest.empty() ? r.manifest.digest : r.index_digest));
  rec.created_unix_nanos = NowNanos();
  RETURN_IF_ERROR(deps.images->Put(rec));
  return deps.images->Get(rec.id);
}

}  // namespace crisp::image
