#include "common/store/record_table.h"

#include <glog/logging.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace crisp::store {
namespace {

// INSERT INTO t (id, a, b) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET
// a = excluded.a, b = excluded.b: the row becomes the record as it is now.
std::string PutSql(const std::string& table,
                   const std::vector<std::string>& columns) {
  std::vector<std::string> params = {"?1"};
  std::vector<std::string> updates;
  for (const std::string& c : columns) {
    params.push_back(absl::StrCat("?", params.size() + 1));
    updates.push_back(absl::StrCat(c, " = excluded.", c));
  }
  return absl::StrCat("INSERT INTO ", table, " (id, ",
                      absl::StrJoin(columns, ", "), ") VALUES (",
                      absl::StrJoin(params, ", "), ") ON CONFLICT(id) ",
                      "DO UPDATE SET ", absl::StrJoin(updates, ", "));
}

}  // namespace

void WarnRowSkipped(const std::string& noun, const std::string& id,
                    const absl::Status& why) {
  LOG(WARNING) << noun << " " << id << " skipped: " << why;
}

RowTable::RowTable(Database* db, const std::string& table,
                   const std::vector<std::string>& columns)
    : db_(db),
      put_sql_(PutSql(table, columns)),
      delete_sql_(absl::StrCat("DELETE FROM ", table, " WHERE id = ?1")),
      list_sql_(absl::StrCat("SELECT id, ", columns.back(), " FROM ", table)) {}

absl::Status RowTable::Put(const std::string& id,
                           const std::vector<Value>& values) {
  std::vector<Value> params = {id};
  params.insert(params.end(), values.begin(), values.end());
  absl::Status s = db_->Exec(put_sql_, params);
  // The id's own conflict is the upsert: a UNIQUE failure is the key's.
  if (!s.ok() && absl::StrContains(s.message(), "UNIQUE")) {
    return absl::AlreadyExistsError(s.message());
  }
  return s;
}

absl::Status RowTable::Delete(const std::string& id) {
  return db_->Exec(delete_sql_, {id});
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
RowTable::List() {
  ASSIGN_OR_RETURN(auto rows, db_->Query(list_sql_));
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.emplace_back(AsString(row[0]), AsString(row[1]));
  }
  return out;
}

}  // namespace crisp::store
