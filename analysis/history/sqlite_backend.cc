// The SQLite engine of the history (backend.h): one connection to a file in
// WAL mode, so that readers never wait for a writer and a crash at any point
// leaves every committed run and nothing of an uncommitted one.
//
// - journal_mode=WAL, set on the first write (it is kept in the file);
//   synchronous=NORMAL: a commit survives a crash of the process (kill -9),
//   though the last commits may be lost if the machine loses power.
// - busy_timeout: a writer waits for another writer's lock; BEGIN IMMEDIATE
//   takes the lock up front, and SQLITE_BUSY outcomes that bypass the busy
//   handler are retried until the same deadline.
// - foreign_keys=ON on every connection (SQLite's default is off).

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "analysis/history/backend.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

bool IsBusy(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// What an extended I/O error code says failed. (The operating system's
// errno is not kept by SQLite reliably enough to quote.)
absl::string_view IoErrorDetail(int rc) {
  switch (rc) {
    case SQLITE_FULL:
      return "no space left";
    case SQLITE_IOERR_WRITE:
      return "a write failed";
    case SQLITE_IOERR_FSYNC:
    case SQLITE_IOERR_DIR_FSYNC:
      return "fsync failed";
    case SQLITE_IOERR_TRUNCATE:
      return "truncating a file failed";
    case SQLITE_IOERR_READ:
    case SQLITE_IOERR_SHORT_READ:
      return "a read failed";
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_IOERR_SHMMAP:
      return "growing the WAL index failed";
    default:
      return (rc & 0xff) == SQLITE_IOERR ? "an I/O operation failed" : "";
  }
}

// `doing`: what failed, e.g. "BEGIN IMMEDIATE". The message is SQLite's,
// with what failed for I/O errors.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view doing) {
  const int primary = rc & 0xff;
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (const absl::string_view detail = IoErrorDetail(rc); !detail.empty()) {
    absl::StrAppend(&message, " (", detail,
                    "; is the disk full, or a file size limit reached?)");
  }
  message = absl::StrCat(OneLine(message), " [", doing, "]");
  switch (primary) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_IOERR:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          absl::StrCat(message,
                       ": another process held the history longer "
                       "than the busy timeout"));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::PermissionDeniedError(message);
    case SQLITE_CANTOPEN:
      return absl::NotFoundError(message);
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(message);
    default:
      return absl::InternalError(message);
  }
}

// SQL is written with PostgreSQL's $1, $2, ...; SQLite reads ?1, ?2, ...
std::string SqliteParameters(absl::string_view sql) {
  std::string out(sql);
  bool quoted = false;
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '\'') quoted = !quoted;
    if (!quoted && out[i] == '$' && absl::ascii_isdigit(out[i + 1])) {
      out[i] = '?';
    }
  }
  return out;
}

class SqliteRow : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* statement) : statement_(statement) {}

  bool IsNull(int column) const override {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }
  int64_t Int(int column) const override {
    return sqlite3_column_int64(statement_, column);
  }
  double Real(int column) const override {
    if (IsNull(column)) return std::nan("");
    return sqlite3_column_double(statement_, column);
  }
  absl::string_view Text(int column) const override {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (text == nullptr) return {};
    return absl::string_view(reinterpret_cast<const char*>(text),
                             sqlite3_column_bytes(statement_, column));
  }
  absl::string_view Blob(int column) const override {
    const void* blob = sqlite3_column_blob(statement_, column);
    if (blob == nullptr) return {};
    return absl::string_view(static_cast<const char*>(blob),
                             sqlite3_column_bytes(statement_, column));
  }

 private:
  sqlite3_stmt* statement_;
};

int Bind(sqlite3_stmt* statement, int index, const SqlValue& value) {
  switch (value.type) {
    case SqlValue::Type::kNull:
      return sqlite3_bind_null(statement, index);
    case SqlValue::Type::kInt:
      return sqlite3_bind_int64(statement, index, value.integer);
    case SqlValue::Type::kReal:
      return sqlite3_bind_double(statement, index, value.real);
    case SqlValue::Type::kText:
      // A null pointer would bind NULL: an empty text is still text.
      return sqlite3_bind_text(
          statement, index, value.bytes.data() ? value.bytes.data() : "",
          static_cast<int>(value.bytes.size()), SQLITE_STATIC);
    case SqlValue::Type::kBlob:
      if (value.bytes.empty())
        return sqlite3_bind_zeroblob(statement, index, 0);
      return sqlite3_bind_blob(statement, index, value.bytes.data(),
                               static_cast<int>(value.bytes.size()),
                               SQLITE_STATIC);
  }
  return SQLITE_MISUSE;
}

class SqliteBackend;

class SqliteBulkInsert : public SqlBulkInsert {
 public:
  SqliteBulkInsert(SqliteBackend* backend, sqlite3_stmt* statement)
      : backend_(backend), statement_(statement) {}
  absl::Status Add(absl::Span<const SqlValue> row) override;
  absl::Status Finish() override { return absl::OkStatus(); }

 private:
  SqliteBackend* backend_;
  sqlite3_stmt* statement_;
};

class SqliteBackend : public HistoryBackend {
 public:
  SqliteBackend(sqlite3* db, std::string path, absl::Duration busy_timeout)
      : db_(db), path_(std::move(path)), busy_timeout_(busy_timeout) {}

  ~SqliteBackend() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }

  const std::string& location() const override { return path_; }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  absl::Status Execute(absl::string_view sql) override {
    const std::string text(sql);
    return Retrying("executing statements", [&] {
      return sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    });
  }

  absl::Status Query(absl::string_view sql, absl::Span<const SqlValue> params,
                     const RowCallback& callback) override {
    M8_ASSIGN_OR_RETURN(sqlite3_stmt * statement, Prepare(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      const int rc = Bind(statement, static_cast<int>(i + 1), params[i]);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "binding a value");
    }
    const absl::Time deadline = absl::Now() + busy_timeout_;
    bool any_row = false;
    absl::Status status;
    while (true) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_ROW) {
        any_row = true;
        status = callback(SqliteRow(statement));
        if (!status.ok()) break;
        continue;
      }
      if (rc == SQLITE_DONE) break;
      if (IsBusy(rc) && !any_row && absl::Now() < deadline) {
        sqlite3_reset(statement);
        absl::SleepFor(absl::Milliseconds(5));
        continue;
      }
      status = SqliteError(db_, rc, FirstWords(sql));
      break;
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    return status;
  }

  absl::Status BeginWrite() override {
    if (!wal_) {
      // Both are kept in the file, and only the first write to a new
      // history sets them (the page size cannot change once in WAL mode).
      // 16 KiB pages: a run's entries take a quarter of the pages and page
      // writes that 4 KiB pages would.
      M8_RETURN_IF_ERROR(
          Execute("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL"));
      wal_ = true;
    }
    return Retrying("BEGIN IMMEDIATE", [&] {
      return sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    });
  }

  absl::Status BeginRead() override {
    return Retrying("BEGIN", [&] {
      return sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
    });
  }

  absl::Status Commit() override {
    return Retrying("COMMIT", [&] {
      return sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    });
  }

  void Rollback() override {
    // SQLite rolls back by itself after some errors (SQLITE_FULL, I/O).
    if (sqlite3_get_autocommit(db_)) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  absl::Status LockSchema() override { return absl::OkStatus(); }

  absl::StatusOr<bool> TableExists(absl::string_view table) override {
    bool exists = false;
    const SqlValue params[] = {SqlValue::Text(table)};
    M8_RETURN_IF_ERROR(
        Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
              params, [&](const SqlRow&) {
                exists = true;
                return absl::OkStatus();
              }));
    return exists;
  }

  absl::StatusOr<std::unique_ptr<SqlBulkInsert>> BulkInsert(
      absl::string_view table,
      absl::Span<const absl::string_view> columns) override {
    std::string sql = absl::StrCat("INSERT INTO ", table, " (");
    std::string values;
    for (size_t i = 0; i < columns.size(); ++i) {
      absl::StrAppend(&sql, i ? ", " : "", columns[i]);
      absl::StrAppend(&values, i ? ", ?" : "?", i + 1);
    }
    absl::StrAppend(&sql, ") VALUES (", values, ")");
    M8_ASSIGN_OR_RETURN(sqlite3_stmt * statement, Prepare(sql));
    return std::make_unique<SqliteBulkInsert>(this, statement);
  }

  absl::StatusOr<std::vector<std::string>> CheckStorage() override {
    std::vector<std::string> problems;
    M8_RETURN_IF_ERROR(
        Query("PRAGMA integrity_check", {}, [&](const SqlRow& row) {
          if (row.Text(0) != "ok") problems.emplace_back(row.Text(0));
          return absl::OkStatus();
        }));
    M8_RETURN_IF_ERROR(
        Query("PRAGMA foreign_key_check", {}, [&](const SqlRow& row) {
          problems.push_back(absl::StrCat("a row of ", row.Text(0),
                                          " belongs to no ", row.Text(2)));
          return absl::OkStatus();
        }));
    return problems;
  }

  absl::Status Step(sqlite3_stmt* statement) {
    const absl::Time deadline = absl::Now() + busy_timeout_;
    while (true) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE || rc == SQLITE_ROW) break;
      if (IsBusy(rc) && absl::Now() < deadline) {
        sqlite3_reset(statement);
        absl::SleepFor(absl::Milliseconds(5));
        continue;
      }
      sqlite3_reset(statement);
      return SqliteError(db_, rc, FirstWords(sqlite3_sql(statement)));
    }
    sqlite3_reset(statement);
    return absl::OkStatus();
  }

  sqlite3* db() const { return db_; }

 private:
  // The statement's first words, to say in a message what failed.
  static std::string FirstWords(absl::string_view sql) {
    sql = absl::StripLeadingAsciiWhitespace(sql);
    size_t end = 0;
    for (int words = 0; end < sql.size() && words < 3; ++words) {
      end = sql.find(' ', end + 1);
      if (end == absl::string_view::npos) end = sql.size();
    }
    return std::string(sql.substr(0, end));
  }

  template <typename Fn>
  absl::Status Retrying(absl::string_view doing, Fn fn) {
    const absl::Time deadline = absl::Now() + busy_timeout_;
    while (true) {
      const int rc = fn();
      if (rc == SQLITE_OK) return absl::OkStatus();
      if (!IsBusy(rc) || absl::Now() >= deadline) {
        return SqliteError(db_, rc, doing);
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
  }

  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    const std::string text = SqliteParameters(sql);
    sqlite3_stmt* statement = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                           SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(statement);
      return SqliteError(db_, rc, FirstWords(sql));
    }
    statements_.emplace(std::string(sql), statement);
    return statement;
  }

  sqlite3* db_;
  std::string path_;
  absl::Duration busy_timeout_;
  bool wal_ = false;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

absl::Status SqliteBulkInsert::Add(absl::Span<const SqlValue> row) {
  for (size_t i = 0; i < row.size(); ++i) {
    const int rc = Bind(statement_, static_cast<int>(i + 1), row[i]);
    if (rc != SQLITE_OK) {
      return SqliteError(backend_->db(), rc, "binding a value");
    }
  }
  return backend_->Step(statement_);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HistoryBackend>> OpenSqliteBackend(
    const std::string& path, const BackendOptions& options) {
  struct stat info;
  if (!options.create && ::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          path, ": no history there yet (m8perf ingest creates it)"));
    }
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                    (options.create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status error = SqliteError(db, rc, "opening");
    sqlite3_close_v2(db);
    return absl::Status(error.code(),
                        absl::StrCat(path, ": cannot open: ", error.message()));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(
      db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  auto backend =
      std::make_unique<SqliteBackend>(db, path, options.busy_timeout);
  // Connection settings only: nothing is written to the file here. Pages
  // are read through a memory map (up to 1 GiB of the file), which saves
  // copying every page into SQLite's cache: a third of the system time of
  // reading hundreds of runs. SQLite still writes with pwrite.
  if (absl::Status status = backend->Execute(
          "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
          "PRAGMA cache_size = -32768; PRAGMA mmap_size = 1073741824");
      !status.ok()) {
    return absl::Status(
        status.code(), absl::StrCat(path, ": cannot open: ", status.message()));
  }
  return backend;
}

}  // namespace m8::analysis
