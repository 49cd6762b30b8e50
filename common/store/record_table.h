// One kind of record in crisp.db (pods, containers): a row per record, its
// id the primary key, its metadata key unique, any columns the schema adds
// between (containers.pod_id), and last the record itself as JSON. The
// schema stays with the record's owner, as a migration; this only reads and
// writes rows of it.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store/database.h"

namespace crisp::store {

// The SQL of such a table over plain values.
class RowTable {
 public:
  // `columns`: the names after id in the schema, the key first and the
  // record last.
  RowTable(Database* db, const std::string& table,
           const std::vector<std::string>& columns);

  // Inserts or replaces the row of `id`; `values` go to `columns` in order.
  // AlreadyExists (with SQLite's message) when another row has the key.
  [[nodiscard]] absl::Status Put(const std::string& id,
                                 const std::vector<Value>& values);
  [[nodiscard]] absl::Status Delete(const std::string& id);
  // Every row's id and record column, in row order.
  [[nodiscard]] absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  List();

 private:
  Database* db_;
  std::string put_sql_, delete_sql_, list_sql_;
};

// Logs "<noun> <id> skipped: <why>" for a row that does not parse.
void WarnRowSkipped(const std::string& noun, const std::string& id,
                    const absl::Status& why);

// How a record of type T is stored. T has a std::string member `id`.
template <typename T>
struct RecordFormat {
  std::string table;
  std::string noun;  // names a skipped row in warnings: "pod"
  std::function<std::string(const T&)> key;
  // Columns between the key and the record, in schema order.
  std::vector<std::pair<std::string, std::function<std::string(const T&)>>>
      extra;
  std::string record_column;
  std::function<std::string(const T&)> to_json;
  std::function<absl::StatusOr<T>(const std::string&)> from_json;
  // The AlreadyExists message when another record has the key.
  std::function<std::string(const T&)> clash;
};

template <typename T>
class RecordTable {
 public:
  RecordTable(Database* db, RecordFormat<T> format)
      : format_(std::move(format)), rows_(db, format_.table, Columns()) {}

  const RecordFormat<T>& format() const { return format_; }

  // Inserts or replaces the row of record.id; AlreadyExists, with the
  // format's message, when another record has the same key.
  [[nodiscard]] absl::Status Put(const T& record) {
    std::vector<Value> values = {format_.key(record)};
    for (const auto& [name, value_of] : format_.extra) {
      values.emplace_back(value_of(record));
    }
    values.emplace_back(format_.to_json(record));
    absl::Status s = rows_.Put(record.id, values);
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(format_.clash(record));
    }
    return s;
  }

  [[nodiscard]] absl::Status Delete(const std::string& id) {
    return rows_.Delete(id);
  }

  // Rows that do not parse are skipped with a warning: one bad row must not
  // hide every other record.
  [[nodiscard]] absl::StatusOr<std::vector<T>> List() {
    auto rows = rows_.List();
    if (!rows.ok()) return rows.status();
    std::vector<T> out;
    for (const auto& [id, json] : *rows) {
      absl::StatusOr<T> record = format_.from_json(json);
      if (record.ok()) {
        out.push_back(*std::move(record));
      } else {
        WarnRowSkipped(format_.noun, id, record.status());
      }
    }
    return out;
  }

 private:
  std::vector<std::string> Columns() const {
    std::vector<std::string> columns = {"key"};
    for (const auto& [name, value_of] : format_.extra) columns.push_back(name);
    columns.push_back(format_.record_column);
    return columns;
  }

  RecordFormat<T> format_;
  RowTable rows_;
};

}  // namespace crisp::store
