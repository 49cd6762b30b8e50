// A damaged or missing crisp.db: crispd refuses to start, exits non-zero
// and says which file, what SQLite found and how to recover; it never
// starts empty while the state of an earlier run (pods, containers) is
// there. A fresh root, or a zero-length database with no state left (a
// first start killed before its first write), starts as usual.
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/crispd_process.h"

namespace crisp::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kRows = 300;

class CorruptDbTest : public ::testing::Test {
 protected:
  // A database with some content, closed cleanly (no -wal left), and the
  // path to it.
  void SetUp() override {
    ASSERT_EQ(crispd_.Start(), "");
    ASSERT_TRUE(crispd_.Stop(SIGTERM, std::chrono::seconds(10)).has_value());
    db_ = crispd_.root() + "/crisp.db";
    AddRows();
    DropSideFiles();
    auto text = ReadFile(db_);
    ASSERT_TRUE(text.ok());
    good_ = *text;
    ASSERT_GT(good_.size(), 16 * 4096u);
  }
  // Rows spread over many pages, so a cut anywhere loses some.
  void AddRows() {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &raw), SQLITE_OK);
    std::string sql = "BEGIN;";
    for (int i = 0; i < kRows; ++i) {
      absl::StrAppend(&sql, "INSERT INTO meta VALUES('test-", i, "', '",
                      std::string(400, 'v'), "');");
    }
    sql += "COMMIT;";
    EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  // What a refused start may have left beside the file (SQLite's -wal and
  // -shm), so each case sees only its own damage.
  void DropSideFiles() {
    (void)::unlink((db_ + "-wal").c_str());
    (void)::unlink((db_ + "-shm").c_str());
  }
  void Replace(const std::string& content) {
    ASSERT_TRUE(WriteFileAtomic(db_, content).ok());
    DropSideFiles();
  }
  CrispdProcess::Result Run() {
    return CrispdProcess::RunOnce({"--config", crispd_.config_path(),
                                   "--address", crispd_.address(), "--root",
                                   crispd_.root(), "--state", crispd_.state()});
  }
  void ExpectRefusedWithRecovery(const CrispdProcess::Result& r,
                                 const std::string& what) {
    EXPECT_NE(r.exit_code, 0) << what << ":\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr(db_)) << what;
    EXPECT_THAT(r.output, HasSubstr("cannot rebuild it")) << what;
    EXPECT_THAT(r.output, HasSubstr("aside")) << what;
    EXPECT_THAT(r.output, HasSubstr("docs/recovery.md")) << what;
  }

  CrispdProcess crispd_;
  std::string db_, good_;
};

TEST_F(CorruptDbTest, GarbageDatabaseRefusesToStartAndSaysHowToRecover) {
  Replace(std::string(good_.size(), 'g'));
  auto r = Run();
  ExpectRefusedWithRecovery(r, "garbage");
  EXPECT_THAT(r.output, HasSubstr("file is not a database"));
}

TEST_F(CorruptDbTest, TruncatedDatabaseRefusesToStart) {
  size_t page = 4096;
  for (size_t cut :
       {size_t{100}, page, 3 * page, good_.size() / 2, good_.size() - page}) {
    Replace(good_.substr(0, cut));
    auto r = Run();
    ExpectRefusedWithRecovery(r, absl::StrCat("cut at ", cut));
  }
  // The intact file still starts: the refusals were about the damage.
  Replace(good_);
  EXPECT_EQ(crispd_.Start(), "");
}

TEST_F(CorruptDbTest, DamagedPageInTheMiddleRefusesToStart) {
  std::string damaged = good_;
  for (size_t i = 8 * 4096; i < 9 * 4096; ++i) damaged[i] = char(i * 13);
  Replace(damaged);
  ExpectRefusedWithRecovery(Run(), "page 9 overwritten");
}

// With no database, or an empty one, crispd would start empty: refused
// while the state holds pods or containers of an earlier run.
TEST_F(CorruptDbTest, MissingOrEmptyDatabaseWithLiveStateRefusesToStart) {
  std::string container =
      crispd_.state() + "/containers/" + std::string(64, 'a');
  ASSERT_TRUE(MakeDirs(container, 0711).ok());
  ASSERT_TRUE(WriteFileAtomic(container + "/config.json", "{}").ok());
  for (bool empty_file : {false, true}) {
    (void)::unlink(db_.c_str());
    DropSideFiles();
    if (empty_file) Replace("");
    auto r = Run();
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr(db_ + " is missing or empty"));
    EXPECT_THAT(r.output, HasSubstr("1 containers"));
    EXPECT_THAT(r.output, HasSubstr("docs/recovery.md"));
    EXPECT_EQ(::access(container.c_str(), F_OK), 0) << "state left alone";
  }
  // The operator's recovery: the earlier run's state goes, then it starts.
  ASSERT_TRUE(RemoveAll(crispd_.state() + "/containers").ok());
  EXPECT_EQ(crispd_.Start(), "");
}

TEST_F(CorruptDbTest, EmptyDatabaseWithNoStateStartsAsNew) {
  Replace("");
  EXPECT_EQ(crispd_.Start(), "");
}

}  // namespace
}  // namespace crisp::testing
