// The SQL engine under a history of runs: one connection to a SQLite file or
// a PostgreSQL database, reduced to what HistoryStore needs (statements,
// parameterised queries, transactions, bulk inserts). HistoryStore holds all
// of the history's logic over this interface, so the two engines store and
// read the same rows the same way; an engine only speaks its own protocol.
//
// A HistoryBackend is one connection: use it from one thread at a time.
// Separate backends (threads or processes) may work on the same database at
// once; the engine's transactions keep them apart.

#ifndef M8_ANALYSIS_HISTORY_BACKEND_H_
#define M8_ANALYSIS_HISTORY_BACKEND_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace m8::analysis {

enum class SqlDialect { kSqlite, kPostgres };

// A value bound to a statement or written by a bulk insert. Text and blob
// bytes are not owned: they must outlive the call that takes the value.
struct SqlValue {
  enum class Type { kNull, kInt, kReal, kText, kBlob };
  Type type = Type::kNull;
  int64_t integer = 0;
  double real = 0;
  absl::string_view bytes;

  static SqlValue Null() { return {}; }
  static SqlValue Int(int64_t v) { return {Type::kInt, v, 0, {}}; }
  // NaN is stored as NULL (SQLite cannot store it; PostgreSQL is made to
  // match); SqlRow::Real reads NULL back as NaN.
  static SqlValue Real(double v) {
    return std::isnan(v) ? Null() : SqlValue{Type::kReal, 0, v, {}};
  }
  static SqlValue Text(absl::string_view v) { return {Type::kText, 0, 0, v}; }
  static SqlValue Blob(absl::string_view v) { return {Type::kBlob, 0, 0, v}; }
};

// The current row of a query. Views are valid until the callback returns.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  // NULL reads as NaN.
  virtual double Real(int column) const = 0;
  virtual absl::string_view Text(int column) const = 0;
  virtual absl::string_view Blob(int column) const = 0;
};

// Adds rows to one table inside the current transaction (SQLite: a prepared
// INSERT; PostgreSQL: COPY). Rows reach the table by Finish() at the latest.
class SqlBulkInsert {
 public:
  virtual ~SqlBulkInsert() = default;
  // One value per column, in the order given to BulkInsert.
  virtual absl::Status Add(absl::Span<const SqlValue> row) = 0;
  virtual absl::Status Finish() = 0;
};

// Called for each row of a query; an error stops the query and is returned.
using RowCallback = std::function<absl::Status(const SqlRow& row)>;

class HistoryBackend {
 public:
  virtual ~HistoryBackend() = default;

  // Where the database is, for messages: the SQLite path, or the PostgreSQL
  // URL without its password.
  virtual const std::string& location() const = 0;
  virtual SqlDialect dialect() const = 0;

  // Runs statements that return no rows (several, separated by ';').
  virtual absl::Status Execute(absl::string_view sql) = 0;

  // Runs one statement with parameters $1, $2, ... and calls `row` for each
  // result row.
  virtual absl::Status Query(absl::string_view sql,
                             absl::Span<const SqlValue> params,
                             const RowCallback& row) = 0;

  // A transaction that will write: SQLite takes the write lock up front
  // (BEGIN IMMEDIATE), waiting for another writer up to the busy timeout.
  virtual absl::Status BeginWrite() = 0;
  // A transaction that only reads, on one snapshot of the database.
  virtual absl::Status BeginRead() = 0;
  virtual absl::Status Commit() = 0;
  // Never fails in a way the caller could act on; a connection whose
  // rollback failed is closed, which rolls back as well.
  virtual void Rollback() = 0;

  // Inside a write transaction: waits until no other connection is changing
  // the schema, until the transaction ends (PostgreSQL: an advisory lock;
  // SQLite: the write lock BeginWrite took already).
  virtual absl::Status LockSchema() = 0;

  virtual absl::StatusOr<bool> TableExists(absl::string_view table) = 0;

  // REQUIRES: inside a write transaction.
  virtual absl::StatusOr<std::unique_ptr<SqlBulkInsert>> BulkInsert(
      absl::string_view table, absl::Span<const absl::string_view> columns) = 0;

  // Problems the engine finds in its own storage (SQLite's integrity_check);
  // empty when there are none.
  virtual absl::StatusOr<std::vector<std::string>> CheckStorage() = 0;
};

struct BackendOptions {
  // Create the database when it does not exist (SQLite: the file).
  bool create = false;
  // SQLite: how long to wait for another connection's write lock before
  // giving up. A large ingest holds the lock for a second or two.
  absl::Duration busy_timeout = absl::Seconds(60);
};

// Opens a SQLite history file. Errors: NotFound (no file, and !create),
// DataLoss (not a SQLite database), others from SQLite; each names the path.
absl::StatusOr<std::unique_ptr<HistoryBackend>> OpenSqliteBackend(
    const std::string& path, const BackendOptions& options);

// Connects to a PostgreSQL database given by a libpq URL
// (postgresql://USER@HOST:PORT/DB?param=value). `display` names it in
// messages. Errors: Unavailable (cannot connect), with libpq's reason.
absl::StatusOr<std::unique_ptr<HistoryBackend>> OpenPostgresBackend(
    const std::string& url, const std::string& display,
    const BackendOptions& options);

// Joins the lines of an engine's message into one ("a; b"), without a
// trailing newline.
std::string OneLine(absl::string_view message);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_BACKEND_H_
