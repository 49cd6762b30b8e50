// The SQLite metadata store (crisp.db). Connection policy: one connection
// per Database, opened in WAL mode with synchronous=FULL and a busy
// timeout; every call takes the Database's mutex, so one Database may be
// shared by all gRPC threads. Writers that must be atomic use
// Transaction. The schema is versioned with PRAGMA user_version and brought
// up to date by the migrations passed to Open, in order, each in its own
// transaction.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace crisp::store {

using Value = std::variant<std::nullptr_t, int64_t, std::string>;
using Row = std::vector<Value>;

// Migration N (1-based) moves the schema from version N-1 to N.
using Migration = std::string;  // SQL script

class Database {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& path, const std::vector<Migration>& migrations);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one statement with bound parameters (?1, ?2, ...).
  [[nodiscard]] absl::Status Exec(const std::string& sql,
                                  const std::vector<Value>& params = {});
  // Runs a query and returns every row.
  [[nodiscard]] absl::StatusOr<std::vector<Row>> Query(
      const std::string& sql, const std::vector<Value>& params = {});

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it fails.
  // `body` must use the Exec/Query it is given, not the Database's.
  struct Tx {
    std::function<absl::Status(const std::string&, const std::vector<Value>&)>
        exec;
    std::function<absl::StatusOr<std::vector<Row>>(const std::string&,
                                                   const std::vector<Value>&)>
        query;
  };
  [[nodiscard]] absl::Status Transaction(
      const std::function<absl::Status(Tx&)>& body);

  int64_t schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  absl::Status Migrate(const std::vector<Migration>& migrations);
  absl::Status ExecLocked(const std::string& sql,
                          const std::vector<Value>& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::vector<Row>> QueryLocked(const std::string& sql,
                                               const std::vector<Value>& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Error(const std::string& what) const;

  absl::Mutex mu_;
  sqlite3* db_;
  std::string path_;
  int64_t schema_version_ = 0;
};

// Helpers to read typed columns from a Row.
std::string AsString(const Value& v);
int64_t AsInt(const Value& v);

}  // namespace crisp::store
