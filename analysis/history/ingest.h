// Ingesting a results file into the history (m8perf ingest): read and
// validate it whole, hash its bytes, decide its revision, host and date, and
// store it in one transaction.
//
// Thread-compatible: the store is the caller's.

#ifndef M8_ANALYSIS_HISTORY_INGEST_H_
#define M8_ANALYSIS_HISTORY_INGEST_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analysis/history/run_info.h"
#include "analysis/history/run_rows.h"
#include "analysis/history/store.h"
#include "analysis/read/results.h"

namespace m8::analysis {

// The context key under which m8bench binaries record the git revision they
// were built from ("unknown" outside a checkout).
inline constexpr absl::string_view kRevisionContextKey = "m8.git_revision";

struct IngestOptions {
  // The revision to record (--rev). Empty: the file's own (m8.git_revision)
  // when it records one, else checkout_revision.
  std::string revision;
  // The revision of the checkout m8perf runs in (git rev-parse HEAD), for
  // files that record none; empty when unknown.
  std::string checkout_revision;
  // The host to record (--host). Empty: the context's host_name.
  std::string host;
  RunTags tags;
  // The ingest time; InfinitePast: now.
  absl::Time now = absl::InfinitePast();
  // Called inside the transaction as entries are written (run_rows.h).
  IngestProgress progress;
};

struct IngestedFile {
  std::string path;
  int64_t run_id = 0;
  bool already_stored = false;  // the same bytes were ingested before
  int64_t benchmarks = 0;       // of the file (0 when already stored)
  int64_t entries = 0;
  std::string revision;  // as recorded (empty when already stored)
  std::string host;
};

// The revision a file records: its m8.git_revision unless empty or
// "unknown"; else empty.
std::string RecordedRevision(const Context& context);

// Reads `path` (ReadResultsFile: every malformed file is refused before the
// history is touched), hashes it (on a second thread, while it is parsed) and
// stores it; a file whose bytes are stored already is reported as such.
// Errors: the reader's for the file, the store's (one line naming the
// history's location) for the history.
absl::StatusOr<IngestedFile> IngestResultsFile(HistoryStore& store,
                                               const std::string& path,
                                               const IngestOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_INGEST_H_
