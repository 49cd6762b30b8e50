#include "common/store/database.h"

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/no_space.h"
#include "common/status.h"

namespace crisp::store {
namespace {

// The lines of PRAGMA quick_check quoted in an error: the first few say
// enough, a badly damaged file can yield thousands.
constexpr size_t kCheckLinesShown = 3;

// The code for an SQLite result: a full disk is ResourceExhausted (and
// marked so), a damaged file DataLoss, anything else Internal.
absl::Status SqliteStatus(sqlite3* db, int rc, const std::string& message) {
  int primary = rc & 0xff;
  int sys = db != nullptr ? sqlite3_system_errno(db) : 0;
  if (primary == SQLITE_FULL ||
      (primary == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT))) {
    return MarkNoSpace(absl::ResourceExhaustedError(
        absl::StrCat(message, " (no space left on device)")));
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return absl::DataLossError(message);
  }
  return absl::InternalError(message);
}

// PRAGMA quick_check answers one row "ok", or the damage it found.
absl::Status CheckResult(const std::string& path,
                         const std::vector<Row>& rows) {
  if (rows.size() == 1 && AsString(rows[0][0]) == "ok") {
    return absl::OkStatus();
  }
  std::vector<std::string> lines;
  for (size_t i = 0; i < rows.size() && i < kCheckLinesShown; ++i) {
    lines.push_back(AsString(rows[i][0]));
  }
  return absl::DataLossError(
      absl::StrCat("database ", path,
                   ": quick_check found damage: ", absl::StrJoin(lines, "; "),
                   rows.size() > kCheckLinesShown ? "; ..." : ""));
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

int Bind(sqlite3_stmt* stmt, int index, const Value& v) {
  if (std::holds_alternative<int64_t>(v)) {
    return sqlite3_bind_int64(stmt, index, std::get<int64_t>(v));
  }
  if (std::holds_alternative<std::string>(v)) {
    const auto& s = std::get<std::string>(v);
    return sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()),
                             SQLITE_TRANSIENT);
  }
  return sqlite3_bind_null(stmt, index);
}

Value Column(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_NULL:
      return nullptr;
    default: {
      const auto* text =
          reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return std::string(text,
                         static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
    }
  }
}

}  // namespace

std::string AsString(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return "";
}

int64_t AsInt(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  return 0;
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const std::vector<Migration>& migrations) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      nullptr);
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK) return db->Error("open");
  sqlite3_busy_timeout(raw, 5000);
  {
    absl::MutexLock lock(&db->mu_);
    RETURN_IF_ERROR(db->ExecLocked("PRAGMA journal_mode=WAL", {}));
    RETURN_IF_ERROR(db->ExecLocked("PRAGMA synchronous=FULL", {}));
    RETURN_IF_ERROR(db->ExecLocked("PRAGMA foreign_keys=ON", {}));
    // A damaged page must stop the start, not surface later as one
    // missing row at a time (rows that do not parse are skipped by the
    // stores). quick_check reads every page once but skips the index
    // cross-checks of integrity_check: a few ms on a metadata database.
    ASSIGN_OR_RETURN(auto check, db->QueryLocked("PRAGMA quick_check", {}));
    RETURN_IF_ERROR(CheckResult(path, check));
  }
  RETURN_IF_ERROR(db->Migrate(migrations));
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

absl::Status Database::Error(const std::string& what) const {
  return SqliteStatus(
      db_, sqlite3_extended_errcode(db_),
      absl::StrCat("database ", path_, ": ", what, ": ", sqlite3_errmsg(db_)));
}

absl::Status Database::Migrate(const std::vector<Migration>& migrations) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(auto rows, QueryLocked("PRAGMA user_version", {}));
  int64_t version = rows.empty() ? 0 : AsInt(rows[0][0]);
  if (version > static_cast<int64_t>(migrations.size())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database ", path_, ": schema version ", version,
        " is newer than this build knows (", migrations.size(), ")"));
  }
  for (auto v = version; v < static_cast<int64_t>(migrations.size()); ++v) {
    std::string script =
        absl::StrCat("BEGIN IMMEDIATE;", migrations[v],
                     ";PRAGMA user_version=", v + 1, ";COMMIT;");
    char* err = nullptr;
    int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      absl::Status status = SqliteStatus(
          db_, sqlite3_extended_errcode(db_),
          absl::StrCat("database ", path_, ": migration ", v + 1, ": ", msg));
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return status;
    }
  }
  schema_version_ = static_cast<int64_t>(migrations.size());
  return absl::OkStatus();
}

absl::Status Database::ExecLocked(const std::string& sql,
                                  const std::vector<Value>& params) {
  return QueryLocked(sql, params).status();
}

absl::StatusOr<std::vector<Row>> Database::QueryLocked(
    const std::string& sql, const std::vector<Value>& params) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return Error("prepare \"" + sql + "\"");
  }
  Stmt stmt(raw);
  for (size_t i = 0; i < params.size(); ++i) {
    if (Bind(raw, static_cast<int>(i + 1), params[i]) != SQLITE_OK) {
      return Error("bind parameter " + std::to_string(i + 1));
    }
  }
  std::vector<Row> rows;
  for (;;) {
    int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error("step \"" + sql + "\"");
    Row row;
    int n = sqlite3_column_count(raw);
    row.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) row.push_back(Column(raw, i));
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::Status Database::Exec(const std::string& sql,
                            const std::vector<Value>& params) {
  absl::MutexLock lock(&mu_);
  return ExecLocked(sql, params);
}

absl::StatusOr<std::vector<Row>> Database::Query(
    const std::string& sql, const std::vector<Value>& params) {
  absl::MutexLock lock(&mu_);
  return QueryLocked(sql, params);
}

absl::Status Database::Transaction(
    const std::function<absl::Status(Tx&)>& body) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE", {}));
  Tx tx{[this](const std::string& sql, const std::vector<Value>& p) {
          mu_.AssertHeld();
          return ExecLocked(sql, p);
        },
        [this](const std::string& sql, const std::vector<Value>& p) {
          mu_.AssertHeld();
          return QueryLocked(sql, p);
        }};
  absl::Status status = body(tx);
  if (!status.ok()) {
    (void)ExecLocked("ROLLBACK", {});
    return status;
  }
  status = ExecLocked("COMMIT", {});
  if (!status.ok()) (void)ExecLocked("ROLLBACK", {});
  return status;
}

}  // namespace crisp::store
