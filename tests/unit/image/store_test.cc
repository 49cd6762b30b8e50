// Content store, snapshot store, image metadata and garbage collection,
// on a temp directory and a real SQLite database with crispd's schema.
#include <sys/stat.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "image/content/content_store.h"
#include "image/content/digester.h"
#include "image/gc.h"
#include "image/image_store.h"
#include "image/snapshots/snapshot_store.h"
#include "server/daemon/daemon.h"
#include "tests/unit/image/tar_builder.h"

namespace crisp::image {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(content_.Init().ok());
    ASSERT_TRUE(snapshots_.Init().ok());
    auto db = store::Database::Open(tmp_.path() + "/crisp.db",
                                    server::SchemaMigrations());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    images_ = std::make_unique<ImageStore>(db_.get());
  }
  // An image with one layer whose blob and snapshot exist.
  ImageRecord MakeImage(const std::string& seed, const std::string& tag) {
    ImageRecord r;
    std::string config = "config " + seed, manifest = "manifest " + seed,
                layer = "layer " + seed;
    r.id = Sha256Digest(config);
    r.manifest_digest = Sha256Digest(manifest);
    EXPECT_TRUE(content_.Put(r.id, config).ok());
    EXPECT_TRUE(content_.Put(r.manifest_digest, manifest).ok());
    EXPECT_TRUE(content_.Put(Sha256Digest(layer), layer).ok());
    std::string chain = Sha256Digest("chain " + seed);
    auto temp = snapshots_.PrepareTemp();
    EXPECT_TRUE(temp.ok());
    EXPECT_TRUE(snapshots_.Commit(*temp, chain).ok());
    r.layers.push_back({Sha256Digest(layer), 5, "t", chain, chain});
    r.repo_tags = {tag};
    r.repo_digests = {"x/y@" + r.manifest_digest};
    return r;
  }
  GcDeps Gc() { return {&content_, &snapshots_, images_.get(), &leases_}; }

  testing::TempDir tmp_;
  ContentStore content_{tmp_.path() + "/content"};
  SnapshotStore snapshots_{tmp_.path() + "/snapshots"};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ImageStore> images_;
  Leases leases_;
};

TEST_F(StoreTest, WriterVerifiesSizeAndDigest) {
  std::string data = "hello";
  std::string digest = Sha256Digest(data);
  auto w = content_.Writer(digest, 5);
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE((*w)->Write("toolong", 7).ok());
  ASSERT_TRUE((*w)->Write("hel", 3).ok());
  EXPECT_FALSE((*w)->Commit().ok());  // short
  ASSERT_TRUE((*w)->Write("lo", 2).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_TRUE(content_.Has(digest, 5));
  EXPECT_EQ(*content_.Read(digest), "hello");

  auto bad = content_.Writer(Sha256Digest("other"), 5);
  ASSERT_TRUE((*bad)->Write("hello", 5).ok());
  EXPECT_EQ((*bad)->Commit().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(content_.Has(Sha256Digest("other")));
}

TEST_F(StoreTest, AbandonedWritesLeaveNothing) {
  {
    auto w = content_.Writer(Sha256Digest("abc"), 3);
    ASSERT_TRUE((*w)->Write("ab", 2).ok());
  }
  EXPECT_THAT(testing::ReadFileOrEmpty(tmp_.path() + "/content/ingest"),
              IsEmpty());
  EXPECT_THAT(*content_.List(), IsEmpty());
  EXPECT_FALSE(content_.Writer("sha256:nothex", 1).ok());
}

TEST_F(StoreTest, ChainIdsFollowTheImageSpec) {
  std::string a = "sha256:" + std::string(64, 'a');
  std::string b = "sha256:" + std::string(64, 'b');
  auto chain = ChainIds({a, b});
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0], a);
  EXPECT_EQ(chain[1], Sha256Digest(a + " " + b));
}

TEST_F(StoreTest, SnapshotCommitIsIdempotentAndRemovalAtomic) {
  std::string chain = Sha256Digest("c");
  auto t1 = snapshots_.PrepareTemp();
  auto t2 = snapshots_.PrepareTemp();
  testing::WriteFile(*t1 + "/f", "1");
  testing::WriteFile(*t2 + "/f", "2");
  ASSERT_TRUE(snapshots_.Commit(*t1, chain).ok());
  ASSERT_TRUE(snapshots_.Commit(*t2, chain).ok());  // keeps the first
  EXPECT_EQ(testing::ReadFileOrEmpty(snapshots_.Path(chain) + "/f"), "1");
  EXPECT_THAT(*snapshots_.List(), ElementsAre(chain));
  ASSERT_TRUE(snapshots_.Remove(chain).ok());
  EXPECT_THAT(*snapshots_.List(), IsEmpty());
}

TEST_F(StoreTest, InitRemovesUnfinishedWork) {
  ASSERT_TRUE(snapshots_.PrepareTemp().ok());
  auto w = content_.Writer(Sha256Digest("x"), 1);
  (*w)->Write("x", 1).IgnoreError();
  ASSERT_TRUE(snapshots_.Init().ok());
  EXPECT_THAT(*snapshots_.List(), IsEmpty());
}

TEST_F(StoreTest, MovingATagDropsTheImageLeftWithoutRefs) {
  ImageRecord a = MakeImage("a", "x/y:latest");
  ASSERT_TRUE(images_->Put(a).ok());
  ImageRecord b = MakeImage("b", "x/y:latest");
  b.repo_digests = {};
  ASSERT_TRUE(images_->Put(b).ok());
  EXPECT_EQ(**images_->ResolveRef("x/y:latest"), b.id);
  // a still has its digest ref.
  EXPECT_TRUE(images_->Get(a.id).ok());
  ASSERT_TRUE(images_->RemoveRef(a.repo_digests[0]).ok());
  EXPECT_FALSE(images_->Get(a.id).ok());
}

TEST_F(StoreTest, GcRemovesOnlyWhatNoImageOrLeaseHolds) {
  ImageRecord a = MakeImage("a", "x/a:1");
  ImageRecord b = MakeImage("b", "x/b:1");
  ASSERT_TRUE(images_->Put(a).ok());
  ASSERT_TRUE(images_->Put(b).ok());
  ImageRecord leased = MakeImage("c", "x/c:1");  // a pull in progress
  auto lease = leases_.Acquire({leased.id, leased.layers[0].chain_id});
  ASSERT_TRUE(images_->Delete(b.id).ok());
  auto gc = CollectGarbage(Gc());
  ASSERT_TRUE(gc.ok()) << gc.status();
  EXPECT_EQ(gc->snapshots_removed, 1);
  EXPECT_EQ(gc->blobs_removed, 3 + 2);  // b's three, c's unleased two
  EXPECT_TRUE(content_.Has(a.id));
  EXPECT_TRUE(content_.Has(leased.id));
  EXPECT_FALSE(content_.Has(b.id));
  EXPECT_TRUE(snapshots_.Exists(leased.layers[0].chain_id));
  EXPECT_FALSE(snapshots_.Exists(b.layers[0].chain_id));
}

TEST_F(StoreTest, GcKeepsWhatContainersStillUse) {
  ImageRecord a = MakeImage("a", "x/a:1");
  ASSERT_TRUE(images_->Put(a).ok());
  ASSERT_TRUE(images_->Delete(a.id).ok());
  GcDeps deps = Gc();
  deps.in_use = [&] { return std::vector<std::string>{a.layers[0].chain_id}; };
  auto gc = CollectGarbage(deps);
  ASSERT_TRUE(gc.ok());
  EXPECT_EQ(gc->snapshots_removed, 0);
  EXPECT_TRUE(snapshots_.Exists(a.layers[0].chain_id));
  EXPECT_FALSE(content_.Has(a.id));
}

TEST_F(StoreTest, StartupCheckDropsImagesWithMissingSnapshots) {
  ImageRecord a = MakeImage("a", "x/a:1");
  ImageRecord b = MakeImage("b", "x/b:1");
  ASSERT_TRUE(images_->Put(a).ok());
  ASSERT_TRUE(images_->Put(b).ok());
  ASSERT_TRUE(snapshots_.Remove(b.layers[0].chain_id).ok());
  auto gc = CheckAndCollect(Gc());
  ASSERT_TRUE(gc.ok());
  EXPECT_EQ(gc->images_dropped, 1);
  EXPECT_TRUE(images_->Get(a.id).ok());
  EXPECT_FALSE(images_->Get(b.id).ok());
  EXPECT_FALSE(content_.Has(b.id));
}

}  // namespace
}  // namespace crisp::image
