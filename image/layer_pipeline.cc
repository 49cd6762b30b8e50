#include "image/layer_pipeline.h"

#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"
#include "image/unpack.h"

namespace crisp::image {
namespace {

enum class State { kNeeded, kFetching, kPresent, kSkip };

class Pipeline {
 public:
  Pipeline(const LayerPipelineDeps& deps, const std::vector<ImageLayer>& l)
      : deps_(deps), layers_(l), state_(l.size(), State::kNeeded) {}
  absl::Status Run();

 private:
  void Worker();
  absl::Status WaitPresent(size_t i);
  absl::Status Unpack(const ImageLayer& layer);

  const LayerPipelineDeps& deps_;
  const std::vector<ImageLayer>& layers_;
  absl::Mutex mu_;
  std::vector<State> state_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

absl::Status Pipeline::Run() {
  int wanted = 0;
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < layers_.size(); ++i) {
      const ImageLayer& l = layers_[i];
      if (deps_.snapshots->Exists(l.chain_id)) {
        state_[i] = State::kSkip;
      } else if (deps_.content->Has(l.digest, l.size)) {
        state_[i] = State::kPresent;
      } else {
        ++wanted;
      }
    }
  }
  std::vector<std::thread> workers;
  int n = std::min(wanted, deps_.parallel);
  workers.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    workers.emplace_back([this] { Worker(); });
  }
  absl::Status status;
  for (size_t i = 0; i < layers_.size() && status.ok(); ++i) {
    status = WaitPresent(i);
    if (status.ok()) {
      const ImageLayer& l = layers_[i];
      status = deps_.snapshots->unpacks().Run(
          l.chain_id, [&] { return deps_.snapshots->Exists(l.chain_id); },
          [&] { return Unpack(l); });
    }
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      if (error_.ok()) error_ = status;  // stops the workers
    }
  }
  for (auto& t : workers) t.join();
  return status;
}

void Pipeline::Worker() {
  for (;;) {
    size_t i;
    {
      absl::MutexLock lock(&mu_);
      if (!error_.ok()) return;
      i = 0;
      while (i < state_.size() && state_[i] != State::kNeeded) ++i;
      if (i == state_.size()) return;
      state_[i] = State::kFetching;
    }
    const ImageLayer& l = layers_[i];
    absl::Status s;
    {
      std::optional<DownloadSlots::Slot> slot;
      if (deps_.slots != nullptr) slot.emplace(deps_.slots);
      s = FetchToStore(deps_.session, deps_.content, l.digest, l.size);
    }
    absl::MutexLock lock(&mu_);
    if (s.ok()) {
      state_[i] = State::kPresent;
    } else if (error_.ok()) {
      error_ = s;
    }
  }
}

absl::Status Pipeline::WaitPresent(size_t i) {
  absl::MutexLock lock(&mu_);
  auto ready = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !error_.ok() || state_[i] == State::kPresent ||
           state_[i] == State::kSkip;
  };
  mu_.Await(absl::Condition(&ready));
  return error_;
}

absl::Status Pipeline::Unpack(const ImageLayer& layer) {
  ASSIGN_OR_RETURN(std::string temp, deps_.snapshots->PrepareTemp());
  auto result = ApplyLayer(deps_.content->BlobPath(layer.digest), temp);
  absl::Status s = result.status();
  if (s.ok() && result->diff_id != layer.diff_id) {
    s = absl::DataLossError(
        absl::StrCat("uncompressed digest ", result->diff_id,
                     " does not match the config's ", layer.diff_id));
  }
  if (!s.ok()) {
    (void)RemoveAll(temp);
    return Annotate(s, absl::StrCat("unpack layer ", layer.digest));
  }
  VLOG(1) << "unpacked " << layer.digest << " (" << result->entries
          << " entries) as snapshot " << layer.chain_id;
  return deps_.snapshots->Commit(temp, layer.chain_id);
}

}  // namespace

absl::Status FetchToStore(RegistrySession* session, ContentStore* content,
                          const std::string& digest, int64_t size) {
  return content->ingests().Run(
      digest, [&] { return content->Has(digest, size); },
      [&]() -> absl::Status {
        ASSIGN_OR_RETURN(auto writer, content->Writer(digest, size));
        RETURN_IF_ERROR(
            session->FetchBlob({"", digest, size, {}}, writer.get()));
        return writer->Commit();
      });
}

absl::Status BringUpLayers(const LayerPipelineDeps& deps,
                           const std::vector<ImageLayer>& layers) {
  Pipeline p(deps, layers);
  return p.Run();
}

}  // namespace crisp::image
