// ImageManager on a temp root and a real SQLite database with crispd's
// schema: lookups by name or id, and pulls from a fake registry on
// 127.0.0.1 (fake_http.h).
#include "image/image_manager.h"

#include <atomic>
#include <stdexcept>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/digester.h"
#include "nlohmann/json.hpp"
#include "server/daemon/daemon.h"
#include "tests/unit/image/fake_http.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::image {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

class ImageManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(tmp_.path() + "/crisp.db",
                                    server::SchemaMigrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ImageManagerOptions options;
    options.root = tmp_.path();
    options.registry.attempts = 1;
    auto m = ImageManager::Open(options, db_.get());
    ASSERT_TRUE(m.ok()) << m.status();
    manager_ = std::move(*m);
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
  FakeRegistry() {
    std::string tar =
        testing::BuildTar({{.path = "hello", .content = "world"}});
    layer_ = testing::Gzip(tar);
    config_ =
        nlohmann::json{
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
      return {200, "application/octet-stream", layer_};
    }
    return {404, "text/plain", "not found"};
  }
  std::string config_digest() const { return Sha256Digest(config_); }
  std::atomic<bool> good{false};

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
    first = manager_->Pull(ref, {});
  } catch (const std::exception& e) {
    ADD_FAILURE() << "Pull threw " << e.what();
  }
  EXPECT_EQ(first.status().code(), absl::StatusCode::kInvalidArgument)
      << first.status();
  registry.good = true;
  auto second = manager_->Pull(ref, {});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id, registry.config_digest());
}

}  // namespace
}  // namespace crisp::image
