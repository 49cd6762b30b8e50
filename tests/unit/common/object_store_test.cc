// The stored half of the pod and container spine: rows in a table of the
// pods' and containers' shape (an extra column, as containers.pod_id), and
// a store that keeps them and the served set in step, across a restart.
#include "common/store/object_store.h"

#include <stdlib.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/json_record.h"
#include "gtest/gtest.h"

namespace crisp::store {
namespace {

struct Thing {
  std::string id;
  std::string group;
  std::string name;
  int size = 0;
  bool half_made = false;
};

constexpr char kSchema[] =
    "CREATE TABLE things (id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
    "grp TEXT NOT NULL, thing TEXT NOT NULL)";

std::string ToJson(const Thing& t) {
  json::Json j;
  j["id"] = t.id;
  j["group"] = t.group;
  j["name"] = t.name;
  j["size"] = t.size;
  j["halfMade"] = t.half_made;
  return j.dump();
}

absl::StatusOr<Thing> FromJson(const std::string& text) {
  return json::ReadRecord<Thing>(text, "thing",
                                 [](const json::Json& j, Thing& t) {
                                   t.id = j.at("id").get<std::string>();
                                   t.group = j.at("group").get<std::string>();
                                   t.name = j.at("name").get<std::string>();
                                   t.size = j.at("size").get<int>();
                                   t.half_made = j.at("halfMade").get<bool>();
                                   return absl::OkStatus();
                                 });
}

RecordFormat<Thing> ThingFormat() {
  return {.table = "things",
          .noun = "thing",
          .key = [](const Thing& t) { return t.group + "/" + t.name; },
          .extra = {{"grp", [](const Thing& t) { return t.group; }}},
          .record_column = "thing",
          .to_json = ToJson,
          .from_json = FromJson,
          .clash =
              [](const Thing& t) {
                return absl::StrCat("thing ", t.name, " exists in ", t.group);
              }};
}

RecordTable<Thing> Things(Database* db) {
  return RecordTable<Thing>(db, ThingFormat());
}

std::string IdOf(const std::string& prefix) {
  return prefix + std::string(64 - prefix.size(), '0');
}

class ObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-object-store-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto db = Database::Open(dir_ + "/crisp.db", {kSchema});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }
  void TearDown() override {
    db_.reset();
    ASSERT_TRUE(RemoveAll(dir_).ok());
  }
  std::vector<Row> Rows() {
    return *db_->Query("SELECT id, key, grp FROM things ORDER BY id");
  }

  std::string dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(ObjectStoreTest, PutListDelete) {
  RecordTable<Thing> table = Things(db_.get());
  ASSERT_TRUE(table.Put({IdOf("a"), "g", "web", 1}).ok());
  ASSERT_TRUE(table.Put({IdOf("b"), "g", "db", 2}).ok());
  ASSERT_TRUE(table.Put({IdOf("a"), "g", "web", 3}).ok());  // replaces
  auto all = table.List();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].size, 3);
  std::vector<Row> rows = Rows();
  EXPECT_EQ(AsString(rows[0][1]), "g/web");
  EXPECT_EQ(AsString(rows[0][2]), "g");
  ASSERT_TRUE(table.Delete(IdOf("a")).ok());
  ASSERT_TRUE(table.Delete(IdOf("a")).ok());  // gone already: no error
  EXPECT_EQ(table.List()->size(), 1u);
}

TEST_F(ObjectStoreTest, AKeyClashIsAlreadyExistsInTheFormatsWords) {
  RecordTable<Thing> table = Things(db_.get());
  ASSERT_TRUE(table.Put({IdOf("a"), "g", "web"}).ok());
  absl::Status s = table.Put({IdOf("b"), "g", "web"});
  EXPECT_TRUE(absl::IsAlreadyExists(s)) << s;
  EXPECT_EQ(s.message(), "thing web exists in g");
  EXPECT_EQ(table.List()->size(), 1u);
}

TEST_F(ObjectStoreTest, UnreadableRowsAreSkipped) {
  RecordTable<Thing> table = Things(db_.get());
  ASSERT_TRUE(table.Put({IdOf("a"), "g", "web"}).ok());
  int n = 0;
  for (const char* bad : {"not json", "[]", R"({"id": "x", "size": "big"})"}) {
    std::string k = absl::StrCat("k", ++n);
    ASSERT_TRUE(db_->Exec("INSERT INTO things VALUES (?1, ?2, 'g', ?3)",
                          {IdOf(k), k, std::string(bad)})
                    .ok());
  }
  auto all = table.List();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "web");
}

TEST_F(ObjectStoreTest, AddPublishesSaveUpdatesRemoveForgets) {
  ObjectStore<Thing> store(db_.get(), ThingFormat(), "thing");
  ASSERT_TRUE(store.Add({IdOf("ab"), "g", "web", 1}).ok());
  EXPECT_EQ(store.Get("ab")->size, 1);
  ASSERT_TRUE(store.Save({IdOf("ab"), "g", "web", 2}).ok());
  EXPECT_EQ(store.Get("ab")->size, 2);
  EXPECT_EQ(Rows().size(), 1u);
  ASSERT_TRUE(store.Remove(IdOf("ab")).ok());
  EXPECT_TRUE(absl::IsNotFound(store.Get("ab").status()));
  EXPECT_TRUE(Rows().empty());
}

TEST_F(ObjectStoreTest, AFailedAddPublishesNothing) {
  ObjectStore<Thing> store(db_.get(), ThingFormat(), "thing");
  ASSERT_TRUE(store.Add({IdOf("a"), "g", "web"}).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(store.Add({IdOf("b"), "g", "web"})));
  EXPECT_TRUE(absl::IsNotFound(store.Resolve("b").status()));
  EXPECT_EQ(store.List().size(), 1u);
}

// A create writes its row before it publishes: a crash leaves the row for
// the next start's recovery, which the owner decides row by row.
TEST_F(ObjectStoreTest, RecoveryLetsTheOwnerKeepSaveOrForgetEachRow) {
  {
    ObjectStore<Thing> before(db_.get(), ThingFormat(), "thing");
    ASSERT_TRUE(before.Add({IdOf("a"), "g", "kept", 1}).ok());
    ASSERT_TRUE(before.Add({IdOf("b"), "g", "fixed", 1}).ok());
    ASSERT_TRUE(before.WriteRow({IdOf("c"), "g", "half", 1, true}).ok());
    EXPECT_TRUE(absl::IsNotFound(before.Get("c").status()));
  }
  ObjectStore<Thing> after(db_.get(), ThingFormat(), "thing");
  std::vector<std::string> published;
  absl::Status s = after.Recover(
      [](Thing& t) {
        if (t.half_made) return RowFate::kForget;
        if (t.name == "fixed") {
          t.size = 2;
          return RowFate::kSave;
        }
        return RowFate::kKeep;
      },
      [&](const Thing& t) { published.push_back(t.name); });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(published, (std::vector<std::string>{"kept", "fixed"}));
  EXPECT_EQ(after.List().size(), 2u);
  EXPECT_EQ(after.Get("b")->size, 2);
  EXPECT_TRUE(absl::IsNotFound(after.Get("c").status()));
  EXPECT_EQ(Rows().size(), 2u);
  // What was saved is what the next start reads.
  EXPECT_EQ((*Things(db_.get()).List())[1].size, 2);
}

TEST_F(ObjectStoreTest, ARowDeletedBeforePublishingLeavesNothing) {
  ObjectStore<Thing> store(db_.get(), ThingFormat(), "thing");
  ASSERT_TRUE(store.WriteRow({IdOf("a"), "g", "web"}).ok());
  ASSERT_TRUE(store.DeleteRow(IdOf("a")).ok());
  EXPECT_TRUE(Rows().empty());
  EXPECT_TRUE(store.List().empty());
}

TEST(JsonRecordTest, ErrorsNameTheRecordAndItsId) {
  auto not_object = FromJson("[1]");
  EXPECT_EQ(not_object.status().message(), "stored thing: not a JSON object");
  auto wrong_type = FromJson(R"({"id": "x1", "group": 5})");
  EXPECT_TRUE(absl::IsInvalidArgument(wrong_type.status()));
  EXPECT_EQ(wrong_type.status().message().substr(0, 16), "stored thing x1:");
  auto refused = json::ReadRecord<Thing>(
      R"({"id": "x2"})", "thing", [](const json::Json& j, Thing& t) {
        t.id = j.at("id").get<std::string>();
        return absl::InvalidArgumentError("too small");
      });
  EXPECT_EQ(refused.status().message(), "stored thing x2: too small");
}

}  // namespace
}  // namespace crisp::store
