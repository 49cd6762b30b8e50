// ImageManager on a temp root and a real SQLite database with crispd's
// schema: lookups by name or id, and pulls from a fake registry on
// 127.0.0.1 (fake_http.h).
#include "image/image_manager.h"

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/content/digester.h"
#include "nlohmann/json.hpp"
#include "server/daemon/daemon.h"
#include "tests/unit/image/fake_http.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::image {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

Reference Ref(const std::string& text) {
  auto ref = ParseReference(text);
  EXPECT_TRUE(ref.ok()) << ref.status();
  return ref.value_or(Reference{});
}

class ImageManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(tmp_.path() + "/crisp.db",
                                    server::SchemaMigrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    Reopen(Options());
  }
  ImageManagerOptions Options() {
    ImageManagerOptions options;
    options.root = tmp_.path();
    options.registry.attempts = 1;
    return options;
  }
  void Reopen(const ImageManagerOptions& options) {
    manager_.reset();
    auto m = ImageManager::Open(options, db_.get());
    ASSERT_TRUE(m.ok()) << m.status();
    manager_ = std::move(*m);
  }
  std::vector<std::string> Entries(const std::string& rel) {
    std::vector<std::string> out;
    DIR* d = ::opendir((tmp_.path() + "/" + rel).c_str());
    if (d == nullptr) return out;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
    return out;
  }
  // A record with no layers, named by `tag`.
  void PutImage(const std::string& id, const std::string& tag) {
    ImageRecord r;
    r.id = id;
    r.manifest_digest = Sha256Digest("manifest " + id);
    r.repo_tags = {tag};
    ImageStore store(db_.get());
    ASSERT_TRUE(store.Put(r).ok());
  }
  std::string FoundId(const std::string& text) {
    auto rec = manager_->Find(text);
    EXPECT_TRUE(rec.ok()) << rec.status();
    return rec.ok() && rec->has_value() ? (*rec)->id : "";
  }

  testing::TempDir tmp_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ImageManager> manager_;
};

// Security audit L5: a name is a name before it is an id prefix, and a
// bare prefix needs 12 hex digits (or "sha256:").
TEST_F(ImageManagerTest, NamesWinOverIdPrefixesAndShortPrefixesAreNotIds) {
  std::string cafe_id = "sha256:cafe" + std::string(60, '0');
  std::string other_id = "sha256:" + std::string(64, 'b');
  PutImage(cafe_id, "docker.io/library/other:latest");
  PutImage(other_id, "docker.io/library/cafe:latest");
  EXPECT_EQ(FoundId("cafe"), other_id);
  EXPECT_EQ(FoundId("cafe0"), "");
  EXPECT_EQ(FoundId("cafe00000000"), cafe_id);
  EXPECT_EQ(FoundId("sha256:cafe"), cafe_id);
  EXPECT_EQ(FoundId(cafe_id), cafe_id);
  EXPECT_EQ(FoundId(cafe_id.substr(7)), cafe_id);
  ASSERT_TRUE(manager_->Remove("cafe").ok());
  EXPECT_EQ(FoundId(cafe_id), cafe_id);
  EXPECT_EQ(FoundId(other_id), "");
}

// A registry of one image, lib/img:latest, whose manifest is hostile
// (a wrongly typed schemaVersion) until `good` is set.
class FakeRegistry {
 public:
  explicit FakeRegistry(std::string tar = testing::BuildTar(
                            {{.path = "hello", .content = "world"}})) {
    layer_ = testing::Gzip(tar);
    config_ =
        nlohmann::json{
            {"config",
             {{"User", "www"},
              {"Env", {"PATH=/bin", "A=1"}},
              {"Cmd", {"/hello"}},
              {"StopSignal", "SIGQUIT"},
              {"Labels", {{"team", "crisp"}}}}},
            {"rootfs", {{"type", "layers"}, {"diff_ids", {Sha256Digest(tar)}}}}}
            .dump();
    manifest_ =
        nlohmann::json{
            {"schemaVersion", 2},
            {"mediaType", kOciManifest},
            {"config",
             {{"mediaType", "application/vnd.oci.image.config.v1+json"},
              {"digest", Sha256Digest(config_)},
              {"size", config_.size()}}},
            {"layers",
             {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
               {"digest", Sha256Digest(layer_)},
               {"size", layer_.size()}}}}}
            .dump();
  }
  FakeResponse Answer(const FakeRequest& r) {
    if (r.target == "/v2/lib/img/manifests/latest") {
      if (!good) return {200, "application/json", R"({"schemaVersion":"2"})"};
      return {200, kOciManifest, manifest_};
    }
    if (r.target == "/v2/lib/img/blobs/" + Sha256Digest(config_)) {
      return {200, "application/octet-stream", config_};
    }
    if (r.target == "/v2/lib/img/blobs/" + Sha256Digest(layer_)) {
      ++layer_requests;
      FakeResponse resp{200, "application/octet-stream", layer_};
      resp.trickle_ms = trickle_ms;
      return resp;
    }
    return {404, "text/plain", "not found"};
  }
  std::string config_digest() const { return Sha256Digest(config_); }
  std::string layer_digest() const { return Sha256Digest(layer_); }
  std::atomic<bool> good{false};
  std::atomic<int> trickle_ms{0};  // > 0: the layer trickles out
  std::atomic<int> layer_requests{0};

 private:
  std::string layer_, config_, manifest_;
};

// Security audit H1: a pull that fails on hostile JSON (it used to throw,
// leaving a broken promise in pulls_ that every later pull of the same
// reference rethrew) does not spoil the next pull.
TEST_F(ImageManagerTest, APullAfterAFailedOneWorks) {
  FakeRegistry registry;
  FakeHttpServer server(
      [&](const FakeRequest& r) { return registry.Answer(r); });
  std::string ref = server.host() + "/lib/img:latest";
  absl::StatusOr<ImageRecord> first = absl::UnknownError("not run");
  try {
    first = manager_->Pull(Ref(ref), {});
  } catch (const std::exception& e) {
    ADD_FAILURE() << "Pull threw " << e.what();
  }
  EXPECT_EQ(first.status().code(), absl::StatusCode::kInvalidArgument)
      << first.status();
  registry.good = true;
  auto second = manager_->Pull(Ref(ref), {});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, registry.config_digest());
}

// Security audit L8: a layer that expands beyond the configured cap fails
// the pull with an error naming the layer and the limit, and leaves no
// image and no snapshot (not even a half-unpacked temp dir).
TEST_F(ImageManagerTest, ALayerBeyondTheByteCapFailsThePullAndLeavesNothing) {
  ImageManagerOptions options = Options();
  options.limits.max_bytes = 1 << 20;
  Reopen(options);
  FakeRegistry registry(testing::BuildTar(
      {{.path = "zeros", .content = std::string(8 << 20, '\0')}}));
  registry.good = true;
  FakeHttpServer server(
      [&](const FakeRequest& r) { return registry.Answer(r); });
  auto rec = manager_->Pull(Ref(server.host() + "/lib/img:latest"), {});
  EXPECT_EQ(rec.status().code(), absl::StatusCode::kResourceExhausted)
      << rec.status();
  EXPECT_THAT(rec.status().message(),
              ::testing::HasSubstr(registry.layer_digest()));
  EXPECT_THAT(rec.status().message(),
              ::testing::HasSubstr("image.max_layer_bytes"));
  auto list = manager_->List();
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_TRUE(list->empty());
  EXPECT_THAT(Entries("snapshots"), ::testing::IsEmpty());
}

// Security audit L9: a pull whose only caller went away stops within about
// a second, leaves no partial blob and frees its download slot (with one
// slot, a later pull would otherwise queue behind the trickle forever).
TEST_F(ImageManagerTest, ACancelledPullStopsFreesItsSlotAndLeavesNoBlob) {
  ImageManagerOptions options = Options();
  options.max_concurrent_downloads = 1;
  Reopen(options);
  FakeRegistry slow;
  slow.good = true;
  slow.trickle_ms = 1000;
  FakeHttpServer slow_server(
      [&](const FakeRequest& r) { return slow.Answer(r); });
  std::atomic<bool> gone{false};
  std::thread cancel([&] {
    while (slow.layer_requests.load() == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    gone = true;
  });
  auto rec = manager_->Pull(Ref(slow_server.host() + "/lib/img:latest"), {},
                            [&] { return gone.load(); });
  cancel.join();
  EXPECT_EQ(rec.status().code(), absl::StatusCode::kCancelled) << rec.status();
  EXPECT_THAT(Entries("content/ingest"), ::testing::IsEmpty());
  FakeRegistry fast;
  fast.good = true;
  FakeHttpServer fast_server(
      [&](const FakeRequest& r) { return fast.Answer(r); });
  auto next = manager_->Pull(Ref(fast_server.host() + "/lib/img:latest"), {});
  EXPECT_TRUE(next.ok()) << next.status();
}

// Security audit L9: two callers share a pull; the one that started it
// goes away, the pull goes on and the other gets the image.
TEST_F(ImageManagerTest, ASharedPullGoesOnForTheCallerThatStays) {
  FakeRegistry registry;
  registry.good = true;
  registry.trickle_ms = 30;
  FakeHttpServer server(
      [&](const FakeRequest& r) { return registry.Answer(r); });
  std::string ref = server.host() + "/lib/img:latest";
  std::atomic<bool> first_gone{false};
  absl::StatusOr<ImageRecord> first = absl::UnknownError("not run");
  std::thread leader([&] {
    first = manager_->Pull(Ref(ref), {}, [&] { return first_gone.load(); });
  });
  while (registry.layer_requests.load() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The waiter polls its own flag only once it has joined the pull.
  std::atomic<bool> second_joined{false};
  absl::StatusOr<ImageRecord> second = absl::UnknownError("not run");
  std::thread waiter([&] {
    second = manager_->Pull(Ref(ref), {}, [&] {
      second_joined = true;
      return false;
    });
  });
  while (!second_joined.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  first_gone = true;
  leader.join();
  waiter.join();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, registry.config_digest());
  EXPECT_EQ(registry.layer_requests.load(), 1);
}

// The config FakeRegistry serves.
void ExpectFakeConfig(
    const absl::StatusOr<std::shared_ptr<const ImageConfig>>& c) {
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->user, "www");
  EXPECT_EQ((*c)->env, (std::vector<std::string>{"PATH=/bin", "A=1"}));
  EXPECT_EQ((*c)->cmd, std::vector<std::string>{"/hello"});
  EXPECT_EQ((*c)->stop_signal, "SIGQUIT");
  EXPECT_EQ((*c)->labels.at("team"), "crisp");
  EXPECT_EQ((*c)->diff_ids.size(), 1u);
}

// The config is parsed at pull and kept: the blob is not read again (here
// it is gone, and the config is still there).
TEST_F(ImageManagerTest, ThePullKeepsTheConfigTyped) {
  FakeRegistry registry;
  registry.good = true;
  FakeHttpServer server(
      [&](const FakeRequest& r) { return registry.Answer(r); });
  auto rec = manager_->Pull(Ref(server.host() + "/lib/img:latest"), {});
  ASSERT_TRUE(rec.ok()) << rec.status();
  std::string blob = tmp_.path() + "/content/blobs/sha256/" +
                     registry.config_digest().substr(7);
  ASSERT_EQ(::unlink(blob.c_str()), 0) << blob;
  ExpectFakeConfig(manager_->Config(*rec));
}

// An image already in the store when crispd starts (pulled by an older
// version, which kept no typed config) has its blob parsed on first use.
TEST_F(ImageManagerTest, AStoredImageHasItsConfigParsedFromItsBlob) {
  FakeRegistry registry;
  registry.good = true;
  FakeHttpServer server(
      [&](const FakeRequest& r) { return registry.Answer(r); });
  ASSERT_TRUE(manager_->Pull(Ref(server.host() + "/lib/img:latest"), {}).ok());
  Reopen(Options());
  auto rec = manager_->Find(server.host() + "/lib/img:latest");
  ASSERT_TRUE(rec.ok() && rec->has_value()) << rec.status();
  ExpectFakeConfig(manager_->Config(**rec));
}

// A damaged blob is an error naming the image, not a crash or an empty
// config.
TEST_F(ImageManagerTest, ADamagedStoredConfigIsAnErrorNamingTheImage) {
  FakeRegistry registry;
  registry.good = true;
  FakeHttpServer server(
      [&](const FakeRequest& r) { return registry.Answer(r); });
  auto rec = manager_->Pull(Ref(server.host() + "/lib/img:latest"), {});
  ASSERT_TRUE(rec.ok()) << rec.status();
  Reopen(Options());
  std::string blob = tmp_.path() + "/content/blobs/sha256/" +
                     registry.config_digest().substr(7);
  ASSERT_EQ(::truncate(blob.c_str(), 3), 0) << blob;
  auto c = manager_->Config(*rec);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument)
      << c.status();
  EXPECT_THAT(c.status().message(), ::testing::HasSubstr(rec->id));
}

}  // namespace
}  // namespace crisp::image
