#include "common/store/database.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/no_space.h"
#include "common/status.h"
#include "gtest/gtest.h"

namespace crisp::store {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-db-test.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/crisp.db";
  }
  void TearDown() override { ASSERT_TRUE(RemoveAll(dir_).ok()); }
  std::string dir_, path_;
  std::vector<Migration> v1_ = {"CREATE TABLE t (k TEXT PRIMARY KEY, n INT)"};
};

TEST_F(DatabaseTest, MigratesAndReopensAtSameVersion) {
  {
    auto db = Database::Open(path_, v1_);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ((*db)->schema_version(), 1);
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO t VALUES(?1, ?2)",
                           {std::string("a"), int64_t{7}})
                    .ok());
  }
  auto v2 = v1_;
  v2.push_back("ALTER TABLE t ADD COLUMN note TEXT");
  auto db = Database::Open(path_, v2);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), 2);
  auto rows = (*db)->Query("SELECT k, n, note FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(AsString((*rows)[0][0]), "a");
  EXPECT_EQ(AsInt((*rows)[0][1]), 7);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>((*rows)[0][2]));
}

TEST_F(DatabaseTest, UsesWriteAheadLog) {
  auto db = Database::Open(path_, v1_);
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->Query("PRAGMA journal_mode");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(AsString((*rows)[0][0]), "wal");
}

TEST_F(DatabaseTest, RefusesSchemaNewerThanBuild) {
  auto v2 = v1_;
  v2.push_back("CREATE TABLE u (x INT)");
  ASSERT_TRUE(Database::Open(path_, v2).ok());
  auto db = Database::Open(path_, v1_);
  EXPECT_TRUE(absl::IsFailedPrecondition(db.status())) << db.status();
}

TEST_F(DatabaseTest, FailedMigrationLeavesOldVersion) {
  ASSERT_TRUE(Database::Open(path_, v1_).ok());
  auto bad = v1_;
  bad.push_back("CREATE TABLE u (x INT); THIS IS NOT SQL");
  auto failed = Database::Open(path_, bad);
  EXPECT_FALSE(failed.ok());
  auto db = Database::Open(path_, v1_);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_FALSE((*db)->Exec("SELECT * FROM u").ok());  // rolled back
}

TEST_F(DatabaseTest, TransactionRollsBackOnError) {
  auto db = Database::Open(path_, v1_);
  ASSERT_TRUE(db.ok());
  auto status = (*db)->Transaction([](Database::Tx& tx) -> absl::Status {
    auto s = tx.exec("INSERT INTO t VALUES('x', 1)", {});
    if (!s.ok()) return s;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_TRUE(absl::IsAborted(status));
  auto rows = (*db)->Query("SELECT count(*) FROM t");
  EXPECT_EQ(AsInt((*rows)[0][0]), 0);
  ASSERT_TRUE((*db)
                  ->Transaction([](Database::Tx& tx) {
                    return tx.exec("INSERT INTO t VALUES('y', 2)", {});
                  })
                  .ok());
  rows = (*db)->Query("SELECT n FROM t WHERE k = ?1", {std::string("y")});
  EXPECT_EQ(AsInt((*rows)[0][0]), 2);
}

TEST_F(DatabaseTest, BadSqlNamesTheDatabase) {
  auto db = Database::Open(path_, v1_);
  ASSERT_TRUE(db.ok());
  auto s = (*db)->Exec("SELEC nonsense");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path_), absl::string_view::npos);
}

// SQLITE_FULL (here from a page limit, on a node from ENOSPC) is a full
// disk to the layers above, so a commit that cannot be written is
// ResourceExhausted, not Internal.
TEST_F(DatabaseTest, FullDatabaseIsResourceExhaustedAndRollsBack) {
  auto db = Database::Open(path_, v1_);
  ASSERT_TRUE(db.ok());
  auto pages = (*db)->Query("PRAGMA page_count");
  ASSERT_TRUE(pages.ok());
  ASSERT_TRUE((*db)
                  ->Query(absl::StrCat("PRAGMA max_page_count = ",
                                       AsInt((*pages)[0][0])))
                  .ok());
  auto s = (*db)->Transaction([](Database::Tx& tx) {
    return tx.exec("INSERT INTO t VALUES(?1, 1)", {std::string(64 << 10, 'x')});
  });
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_TRUE(IsNoSpace(s)) << s;
  EXPECT_NE(s.message().find(path_), absl::string_view::npos) << s;
  auto rows = (*db)->Query("SELECT count(*) FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(AsInt((*rows)[0][0]), 0);
}

// A file that is not a database, or one cut short, is DataLoss naming the
// file: never Internal, never an empty database in its place.
TEST_F(DatabaseTest, GarbageOrTruncatedFileIsDataLoss) {
  ASSERT_TRUE(WriteFileAtomic(path_, std::string(8192, 'g')).ok());
  auto garbage = Database::Open(path_, v1_);
  EXPECT_TRUE(absl::IsDataLoss(garbage.status())) << garbage.status();
  EXPECT_NE(garbage.status().message().find(path_), absl::string_view::npos);
}

TEST_F(DatabaseTest, DamagedPageFailsTheOpenCheck) {
  {
    auto db = Database::Open(path_, v1_);
    ASSERT_TRUE(db.ok());
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE((*db)
                      ->Exec("INSERT INTO t VALUES(?1, ?2)",
                             {absl::StrCat("key-", i, std::string(200, 'k')),
                              int64_t{i}})
                      .ok());
    }
  }  // closed: checkpointed into the main file
  auto text = ReadFile(path_);
  ASSERT_TRUE(text.ok());
  ASSERT_GT(text->size(), 3 * 4096u);
  // Page 3 (a b-tree page of t or its index) overwritten with noise.
  std::string damaged = *text;
  for (size_t i = 2 * 4096; i < 3 * 4096; ++i) damaged[i] = char(i * 7);
  ASSERT_TRUE(WriteFileAtomic(path_, damaged).ok());
  auto db = Database::Open(path_, v1_);
  EXPECT_TRUE(absl::IsDataLoss(db.status())) << db.status();
}

}  // namespace
}  // namespace crisp::store
