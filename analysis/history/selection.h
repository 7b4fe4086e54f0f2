// Choosing the runs a command analyses, from results files and from the
// history alike: one place that turns operands (paths, @ID, @last, @prev)
// and selectors (--host, --tag, --since, --rev, --last) into runs, each with
// a label for reports, and reads them. m8perf compare, trend, check, summary
// and history use it; any command that analyses runs can.
//
//   m8perf compare @prev @last                    the two newest stored runs
//   m8perf compare base.json @last --host vm1     a file against vm1's newest
//   m8perf trend --last 50 --tag branch=main      the 50 newest runs tagged so
//
// Operands:
//   PATH     a results file (a file whose name starts with '@': ./@name);
//   @ID      the stored run with that id, whatever the selectors say;
//   @last    the newest of the selected runs; @prev the one before it.
// Selected runs: every stored run that matches all the selectors, ordered by
// run time (then id), the newest `last` of them when last > 0.
//
// Functions are thread-safe; each opens its own connections.

#ifndef M8_ANALYSIS_HISTORY_SELECTION_H_
#define M8_ANALYSIS_HISTORY_SELECTION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "analysis/history/run_info.h"
#include "analysis/history/store.h"
#include "analysis/read/reader.h"
#include "analysis/read/results.h"

namespace m8::analysis {

// Which stored runs are selected. Every field that is set must match.
struct RunSelector {
  std::string host;                 // exact
  RunTags tags;                     // each K=V among the run's tags
  std::optional<absl::Time> since;  // run time at or after
  std::string revision;             // a prefix of the run's revision
  int64_t last = 0;                 // only the newest N (0: all)

  bool operator==(const RunSelector&) const = default;
};

// Parses K=V tags (--tag); K must be non-empty and given once. Returns them
// sorted by key.
absl::StatusOr<RunTags> ParseTags(absl::Span<const std::string> specs);

// Parses --since: "2026-11-28", "2026-11-28T06:00", "2026-11-28T06:00:00"
// (UTC), or with an offset ("2026-11-28T06:00:00+01:00", "...Z").
absl::StatusOr<absl::Time> ParseSince(absl::string_view text);

// The runs of `runs` (oldest first, as ListRuns gives them) that `selector`
// picks, oldest first.
std::vector<RunInfo> SelectRuns(std::vector<RunInfo> runs,
                                const RunSelector& selector);

// How reports name a stored run: "@12 (2026-11-28 06:00, 1a2b3c4d5e)".
std::string RunLabel(const RunInfo& run);

// Where runs come from: the history's URL and the selectors.
struct RunSelectionOptions {
  std::string db_url;       // --db; empty: environment, then the default
  std::string environment;  // the value of M8_HISTORY, if any
  RunSelector selector;
  // SQLite: how long to wait for a writer (store.h).
  absl::Duration busy_timeout = absl::Seconds(60);
};

// One run to analyse: a results file or a stored run.
struct RunSource {
  std::string path;            // a results file; empty for a stored run
  std::optional<RunInfo> run;  // a stored run
  std::string label;           // the path, or RunLabel(run)
};

// True when `operand` names a stored run (starts with '@').
bool IsRunReference(absl::string_view operand);

// Resolves `operands` in order. With no operands: every selected run, oldest
// first (InvalidArgument when none is selected). The history is opened only
// when an operand names a stored run, or when there are no operands.
// Errors: a bad reference ("@x"), a run that does not exist, @last or @prev
// with too few selected runs, the history's errors.
absl::StatusOr<std::vector<RunSource>> ResolveRuns(
    absl::Span<const std::string> operands, const RunSelectionOptions& options);

// Resolves one reference (@ID, ID, @last, @prev) in an open history.
absl::StatusOr<RunInfo> ResolveRunReference(HistoryStore& store,
                                            absl::string_view reference,
                                            const RunSelector& selector);

// Reads the sources on up to `threads` threads (0: one per core) and calls
// `use(i, file)` on a worker as each is read, so that a long history need not
// sit in memory whole. Each file's source() is its label. Stored runs are
// read through one connection per worker. Returns the first error in source
// order; `use` may be called for some sources before it.
absl::Status ForEachRun(
    absl::Span<const RunSource> sources, const RunSelectionOptions& options,
    const ReadOptions& read, int threads,
    const std::function<void(size_t i, ResultsFile file)>& use);

// Reads the sources, in order (ForEachRun).
absl::StatusOr<std::vector<ResultsFile>> LoadRuns(
    absl::Span<const RunSource> sources, const RunSelectionOptions& options,
    const ReadOptions& read = {}, int threads = 0);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_SELECTION_H_
