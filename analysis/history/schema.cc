#include "analysis/history/schema.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

// Version 1. Conventions of every table:
// - A NaN is stored as NULL (SQLite cannot hold one), so a NULL in a column
//   of doubles that is always present reads back as NaN; for the optional
//   doubles of `entry`, `nan_mask` tells a NaN from an absent value.
// - Booleans are integers 0 and 1; an optional boolean is NULL when absent.
// - Times are microseconds since 1970-01-01 UTC.
// - Child tables are keyed by (run_id, position) and follow their run when
//   it is forgotten (ON DELETE CASCADE).
// - CHECKs compare with OR, not IN: SQLite 3.40 evaluates an IN list in a
//   CHECK through a temporary table built for every row inserted, which
//   made inserting a run several times slower.
constexpr char kVersion1[] = R"sql(
CREATE TABLE schema_version (
  version {int} NOT NULL PRIMARY KEY,
  applied_at TEXT NOT NULL,
  description TEXT NOT NULL
){strict};

CREATE TABLE run (
  id {id},
  content_sha256 TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  host TEXT NOT NULL,
  revision TEXT NOT NULL,
  run_time {int} NOT NULL,
  ingested_at {int} NOT NULL,
  benchmark_count {int} NOT NULL,
  entry_count {int} NOT NULL,
  date TEXT NOT NULL,
  host_name TEXT NOT NULL,
  executable TEXT NOT NULL,
  num_cpus {int} NOT NULL,
  mhz_per_cpu {real},
  cpu_scaling_enabled {int},
  library_build_type TEXT NOT NULL,
  library_version TEXT NOT NULL,
  json_schema_version {int},
  aslr_enabled {int}
){strict};
CREATE INDEX run_by_time ON run (run_time, id);

CREATE TABLE run_tag (
  run_id {int} NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
){strict_without_rowid};

CREATE TABLE context_value (
  run_id {int} NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  position {int} NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
){strict_without_rowid};

CREATE TABLE cache (
  run_id {int} NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  position {int} NOT NULL,
  type TEXT NOT NULL,
  level {int} NOT NULL,
  size {int} NOT NULL,
  num_sharing {int} NOT NULL,
  PRIMARY KEY (run_id, position)
){strict_without_rowid};

CREATE TABLE load_average (
  run_id {int} NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  position {int} NOT NULL,
  value {real},
  PRIMARY KEY (run_id, position)
){strict_without_rowid};

CREATE TABLE counter_name (
  run_id {int} NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  position {int} NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
){strict_without_rowid};

CREATE TABLE entry (
  run_id {int} NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  position {int} NOT NULL,
  name TEXT NOT NULL,
  run_name TEXT NOT NULL,
  run_type TEXT NOT NULL
    CHECK (run_type = 'iteration' OR run_type = 'aggregate'),
  aggregate_name TEXT NOT NULL,
  percentage_unit {int} NOT NULL,
  family_index {int} NOT NULL,
  per_family_instance_index {int} NOT NULL,
  repetitions {int} NOT NULL,
  repetition_index {int} NOT NULL,
  threads {int} NOT NULL,
  status TEXT NOT NULL
    CHECK (status = 'ok' OR status = 'error' OR status = 'skipped'),
  message TEXT NOT NULL,
  label TEXT NOT NULL,
  iterations {real},
  real_time_ns {real},
  cpu_time_ns {real},
  has_times {int} NOT NULL,
  time_unit TEXT NOT NULL CHECK (time_unit = 'ns' OR time_unit = 'us' OR
                                 time_unit = 'ms' OR time_unit = 's'),
  big_o TEXT,
  big_o_cpu_coefficient {real},
  big_o_real_coefficient {real},
  rms {real},
  allocs_per_iter {real},
  max_bytes_used {real},
  total_allocated_bytes {real},
  net_heap_growth {real},
  nan_mask {int} NOT NULL,
  counters {blob} NOT NULL,
  PRIMARY KEY (run_id, position)
){strict_without_rowid};
)sql";

constexpr Migration kMigrations[] = {
    {1, "runs, their context, entries and counters", kVersion1},
};
static_assert(kMigrations[sizeof(kMigrations) / sizeof(kMigrations[0]) - 1]
                  .version == kSchemaVersion);

absl::Status NewerSchema(const HistoryBackend& backend, int version) {
  return absl::FailedPreconditionError(
      absl::StrCat(backend.location(), ": the history has schema version ",
                   version, ", newer than this m8perf reads (", kSchemaVersion,
                   "); use a newer m8perf (the database was left as it is)"));
}

}  // namespace

absl::Span<const Migration> Migrations() { return kMigrations; }

std::string DialectSql(absl::string_view sql, SqlDialect dialect) {
  if (dialect == SqlDialect::kSqlite) {
    return absl::StrReplaceAll(
        sql, {{"{int}", "INTEGER"},
              // ANY, not REAL: a REAL column stores a double with no
              // fractional part as an integer, so -0.0 would read back as
              // +0.0. ANY keeps every double as it is.
              {"{real}", "ANY"},
              {"{blob}", "BLOB"},
              {"{id}", "INTEGER PRIMARY KEY AUTOINCREMENT"},
              {"{strict}", " STRICT"},
              {"{strict_without_rowid}", " STRICT, WITHOUT ROWID"}});
  }
  return absl::StrReplaceAll(
      sql, {{"{int}", "BIGINT"},
            {"{real}", "DOUBLE PRECISION"},
            {"{blob}", "BYTEA"},
            {"{id}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
            {"{strict}", ""},
            {"{strict_without_rowid}", ""}});
}

absl::StatusOr<int> SchemaVersion(HistoryBackend& backend) {
  M8_ASSIGN_OR_RETURN(const bool versioned,
                      backend.TableExists("schema_version"));
  if (!versioned) {
    M8_ASSIGN_OR_RETURN(const bool has_runs, backend.TableExists("run"));
    if (has_runs) {
      return absl::FailedPreconditionError(
          absl::StrCat(backend.location(),
                       ": holds a table 'run' but no schema_version: not an "
                       "m8bench history (left as it is)"));
    }
    return 0;
  }
  int version = 0;
  M8_RETURN_IF_ERROR(backend.Query(
      "SELECT max(version) FROM schema_version", {}, [&](const SqlRow& row) {
        version = row.IsNull(0) ? 0 : static_cast<int>(row.Int(0));
        return absl::OkStatus();
      }));
  return version;
}

absl::Status Migrate(HistoryBackend& backend, bool create) {
  // On one snapshot: another process may commit a new schema between two
  // separate statements (the tables would seem to appear one by one).
  M8_RETURN_IF_ERROR(backend.BeginRead());
  absl::StatusOr<int> seen = SchemaVersion(backend);
  backend.Rollback();
  M8_ASSIGN_OR_RETURN(int version, std::move(seen));
  if (version > kSchemaVersion) return NewerSchema(backend, version);
  if (version == kSchemaVersion) return absl::OkStatus();
  if (version == 0 && !create) {
    return absl::NotFoundError(
        absl::StrCat(backend.location(),
                     ": no history there yet (m8perf ingest creates it)"));
  }
  int found = 0;  // the version seen under the lock
  absl::Status status = [&]() -> absl::Status {
    M8_RETURN_IF_ERROR(backend.BeginWrite());
    M8_RETURN_IF_ERROR(backend.LockSchema());
    // Another process may have migrated while this one waited.
    M8_ASSIGN_OR_RETURN(found, SchemaVersion(backend));
    if (found > kSchemaVersion) return absl::OkStatus();
    const std::string now = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                             absl::UTCTimeZone());
    for (const Migration& migration : Migrations()) {
      if (migration.version <= found) continue;
      M8_RETURN_IF_ERROR(
          backend.Execute(DialectSql(migration.sql, backend.dialect())));
      const SqlValue row[] = {SqlValue::Int(migration.version),
                              SqlValue::Text(now),
                              SqlValue::Text(migration.description)};
      M8_RETURN_IF_ERROR(backend.Query(
          "INSERT INTO schema_version (version, applied_at, description) "
          "VALUES ($1, $2, $3)",
          row, [](const SqlRow&) { return absl::OkStatus(); }));
    }
    return backend.Commit();
  }();
  if (status.ok() && found > kSchemaVersion) {
    backend.Rollback();
    return NewerSchema(backend, found);
  }
  if (!status.ok()) {
    backend.Rollback();
    return absl::Status(status.code(),
                        absl::StrCat(backend.location(),
                                     ": cannot create or upgrade the history "
                                     "schema: ",
                                     status.message()));
  }
  return absl::OkStatus();
}

}  // namespace m8::analysis
