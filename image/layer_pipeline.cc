#include "image/layer_pipeline.h"

#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/files.h"
#include "common/status.h"
#include "glog/logging.h"
#include "image/no_throw.h"
#include "image/snapshots/unpack.h"

namespace crisp::image {
namespace {

enum class State { kNeeded, kFetching, kPresent, kSkip };

class Pipeline {
 public:
  Pipeline(const LayerPipelineDeps& deps, const std::vector<ImageLayer>& l)
      : deps_(deps), layers_(l), state_(l.size(), State::kNeeded) {}
  absl::Status Run();

 private:
  class Workers;
  void Worker();
  absl::Status Fetch(const ImageLayer& layer);
  void Stop(const absl::Status& status);
  absl::Status UnpackAll();
  absl::Status WaitPresent(size_t i);
  absl::Status Unpack(const ImageLayer& layer);

  const LayerPipelineDeps& deps_;
  const std::vector<ImageLayer>& layers_;
  absl::Mutex mu_;
  std::vector<State> state_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

// The download threads of one Run, always stopped and joined when it ends,
// however it ends: a std::thread still joinable at destruction calls
// std::terminate.
class Pipeline::Workers {
 public:
  explicit Workers(Pipeline* p) : p_(p) {}
  ~Workers() {
    p_->Stop(absl::OkStatus());
    for (auto& t : threads_) t.join();
  }
  // Starts up to `n`; a thread that cannot be created (EAGAIN under a
  // thread limit) only lowers the parallelism, unless none started.
  absl::Status Start(int n) {
    for (int i = 0; i < n; ++i) {
      try {
        threads_.emplace_back([this] { p_->Worker(); });
      } catch (...) {
        absl::Status s = CurrentExceptionStatus("start a layer download");
        if (threads_.empty()) return absl::ResourceExhaustedError(s.message());
        LOG(WARNING) << s << "; going on with " << threads_.size();
        break;
      }
    }
    return absl::OkStatus();
  }

 private:
  Pipeline* p_;
  std::vector<std::thread> threads_;
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
  Workers workers(this);
  if (wanted > 0) {
    RETURN_IF_ERROR(workers.Start(std::min(wanted, deps_.parallel)));
  }
  absl::Status status = UnpackAll();
  Stop(status);  // a failed unpack stops the downloads
  return status;
}

// Unpacks the layers in order as each becomes present.
absl::Status Pipeline::UnpackAll() {
  for (size_t i = 0; i < layers_.size(); ++i) {
    const ImageLayer& l = layers_[i];
    RETURN_IF_ERROR(WaitPresent(i));
    RETURN_IF_ERROR(deps_.snapshots->unpacks().Run(
        l.chain_id, [&] { return deps_.snapshots->Exists(l.chain_id); },
        [&] { return Unpack(l); }));
  }
  return absl::OkStatus();
}

void Pipeline::Stop(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  stop_ = true;
  if (error_.ok()) error_ = status;
}

void Pipeline::Worker() {
  for (;;) {
    size_t i;
    {
      absl::MutexLock lock(&mu_);
      if (stop_ || !error_.ok()) return;
      i = 0;
      while (i < state_.size() && state_[i] != State::kNeeded) ++i;
      if (i == state_.size()) return;
      state_[i] = State::kFetching;
    }
    absl::Status s = Fetch(layers_[i]);
    absl::MutexLock lock(&mu_);
    if (s.ok()) {
      state_[i] = State::kPresent;
    } else if (error_.ok()) {
      error_ = s;
    }
  }
}

// One blob, on a download thread: nothing may escape it (an exception
// leaving a thread function calls std::terminate).
absl::Status Pipeline::Fetch(const ImageLayer& l) {
  return NoThrow(absl::StrCat("download layer ", l.digest), [&] {
    std::optional<DownloadSlots::Slot> slot;
    if (deps_.slots != nullptr) {
      slot.emplace(deps_.slots, deps_.cancelled);
      if (!slot->held()) {
        return absl::CancelledError(absl::StrCat(
            "download layer ", l.digest, ": cancelled (the client went away)"));
      }
    }
    return FetchToStore(deps_.session, deps_.content, l.digest, l.size);
  });
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
  auto result =
      ApplyLayer(deps_.content->BlobPath(layer.digest), temp, deps_.limits);
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
