// Fresh, empty histories for tests, on either engine: a SQLite file in a
// folder of its own, or a schema of its own in the PostgreSQL server that
// the ctest fixture "postgres" starts (postgres_server.sh), reached through
// the URL it writes to $M8_TEST_POSTGRES_URL_FILE. A test that needs the
// server fails when that file cannot be read: it never skips.

#ifndef M8_TEST_ANALYSIS_HISTORY_TEST_HISTORY_H_
#define M8_TEST_ANALYSIS_HISTORY_TEST_HISTORY_H_

#include <memory>
#include <string>

#include "analysis/history/backend.h"
#include "analysis/history/location.h"
#include "analysis/history/store.h"
#include "analysis/read/results.h"
#include "gtest/gtest.h"

namespace m8::analysis::testing {

// "sqlite" or "postgres", for test names.
std::string DialectName(SqlDialect dialect);

class TestHistory {
 public:
  // A new empty history. On failure (no PostgreSQL server), records a
  // test failure and returns nullptr.
  static std::unique_ptr<TestHistory> Create(SqlDialect dialect);
  ~TestHistory();

  SqlDialect dialect() const { return dialect_; }
  // What --db takes: sqlite:PATH or the PostgreSQL URL.
  const std::string& url() const { return url_; }
  HistoryLocation location() const;
  // SQLite: the file; empty for PostgreSQL.
  const std::string& path() const { return path_; }
  // The folder of this history's own files (SQLite: where the file is).
  const std::string& folder() const { return folder_; }

  // Opens the history (created on first use when `create`).
  absl::StatusOr<std::unique_ptr<HistoryStore>> Open(bool create = true) const;

 private:
  TestHistory() = default;

  SqlDialect dialect_ = SqlDialect::kSqlite;
  std::string url_;
  std::string path_;
  std::string folder_;
  std::string schema_;  // PostgreSQL
  std::string server_url_;
};

// A new empty folder under the test's temporary directory.
std::string NewFolder(const std::string& name);

// Writes `text` to `path`; returns the path.
std::string WriteFile(const std::string& path, const std::string& text);

// Google Benchmark JSON as m8bench writes it: a context with caches, load
// averages and m8.* keys (m8.git_revision `revision` unless empty, and an
// m8.counters declaration), then `benchmarks` benchmarks of `repetitions`
// repetitions each, with three counters and the four aggregates; the last
// benchmark errored. Values depend on `seed`.
std::string SyntheticResults(int benchmarks, int repetitions, int seed,
                             const std::string& date,
                             const std::string& revision = "");

// Whether `actual` holds exactly what `expected` holds: the source, every
// field of the context (the declared counters too), every entry field by
// field (doubles bit for bit; any NaN equals any NaN), every counter, the
// counter names in order and the benchmark index.
::testing::AssertionResult SameResults(const ResultsFile& expected,
                                       const ResultsFile& actual);

}  // namespace m8::analysis::testing

#endif  // M8_TEST_ANALYSIS_HISTORY_TEST_HISTORY_H_
