// The schema of a history database: the same tables for SQLite and
// PostgreSQL (only the names of types differ), versioned in the
// schema_version table and built by migrations applied in order. A database
// whose version is newer than kSchemaVersion is refused, never rewritten.
//
// Tables (analysis/README.md documents every column):
//   schema_version  one row per applied migration
//   run             one row per stored run: identity, provenance, and
//                   Google Benchmark's typed context keys
//   run_tag         the run's K=V tags
//   context_value   every other context key (m8.*, custom), in file order
//   cache           the context's caches, in order
//   load_average    the context's load_avg, in order
//   counter_name    the run's counter names, in the order first seen
//   entry           every entry of the `benchmarks` array, in order; its
//                   counters as a blob of (name index, value) pairs
//
// Pure data and functions; thread-safe.

#ifndef M8_ANALYSIS_HISTORY_SCHEMA_H_
#define M8_ANALYSIS_HISTORY_SCHEMA_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "analysis/history/backend.h"

namespace m8::analysis {

// The schema version this build reads and writes.
inline constexpr int kSchemaVersion = 1;

struct Migration {
  int version;
  const char* description;
  // Statements with type placeholders, see DialectSql.
  const char* sql;
};

// Every migration, in version order; the last one's version is
// kSchemaVersion.
absl::Span<const Migration> Migrations();

// `sql` with its placeholders replaced for `dialect`: {int} (64-bit
// integer), {real} (double), {blob} (bytes), {id} (the run's generated key),
// {strict} and {strict_without_rowid} (SQLite table options).
std::string DialectSql(absl::string_view sql, SqlDialect dialect);

// Brings the database to kSchemaVersion in one write transaction, holding
// the schema lock so that concurrent first uses create it once. A database
// without a schema_version table is created when `create`, else NotFound.
// Errors: FailedPrecondition for a newer schema or for a database that holds
// other tables but no schema_version (not a history), naming the location.
absl::Status Migrate(HistoryBackend& backend, bool create);

// The database's schema version: 0 when it has none. Reads only; call it
// inside a transaction, so that its queries see one state of the database.
absl::StatusOr<int> SchemaVersion(HistoryBackend& backend);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_SCHEMA_H_
