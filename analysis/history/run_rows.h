// How a run maps onto the history's rows (schema.h): ResultsFile to rows
// and back, one mapping for both engines, so that reading a run gives
// exactly what was ingested. The caller owns the transaction.
//
// Functions over a backend the caller does not share; thread-compatible.

#ifndef M8_ANALYSIS_HISTORY_RUN_ROWS_H_
#define M8_ANALYSIS_HISTORY_RUN_ROWS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/history/backend.h"
#include "analysis/history/run_info.h"
#include "analysis/read/results.h"

namespace m8::analysis {

// Called while a run's entries are written, inside its transaction: after
// every 1,024th entry, with the count written so far and the total.
using IngestProgress = std::function<void(int64_t written, int64_t total)>;

// Inserts the run's row. Returns its id, or nullopt when a run with the same
// content is stored already (nothing is written then).
absl::StatusOr<std::optional<int64_t>> InsertRunRow(
    HistoryBackend& backend, const ResultsFile& file,
    const RunMetadata& metadata);

// Inserts every other row of run `run_id`: tags, context, caches, load
// average, counter names and entries.
absl::Status InsertRunContents(HistoryBackend& backend, int64_t run_id,
                               const ResultsFile& file,
                               const RunMetadata& metadata,
                               const IngestProgress& progress);

// Every stored run (or only run `id`), oldest first: by run_time, then id.
absl::StatusOr<std::vector<RunInfo>> SelectRunInfos(
    HistoryBackend& backend, std::optional<int64_t> id = std::nullopt);

struct ReadRunOptions {
  // Keep aggregate entries; without them the run reads as ReadResultsFile
  // reads a file with ReadOptions::keep_aggregates false.
  bool keep_aggregates = true;
  // The ResultsFile's source(); empty: the path the run was ingested from.
  std::string source;
};

// Reads run `id` back. NotFound when there is no such run; DataLoss when its
// rows are inconsistent.
absl::StatusOr<ResultsFile> SelectRun(HistoryBackend& backend, int64_t id,
                                      const ReadRunOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_RUN_ROWS_H_
