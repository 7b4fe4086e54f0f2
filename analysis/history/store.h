// A history of benchmark runs: each results file stored whole (context,
// every entry, repetition, counter, aggregate, errored and skipped entry,
// label) with its revision, host, date and tags, so that reading a run back
// gives exactly the ResultsFile that was ingested. Kept in SQLite (a file,
// the default) or PostgreSQL (a shared server) through HistoryBackend; both
// hold the same schema (schema.h) and behave the same.
//
// Ingesting a run is one transaction: a crash or kill at any point leaves
// the run either absent or whole. A file's content (SHA-256) is stored once.
//
// A HistoryStore is one connection: use it from one thread at a time.
// Several stores (threads or processes) may use one history at once.

#ifndef M8_ANALYSIS_HISTORY_STORE_H_
#define M8_ANALYSIS_HISTORY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "analysis/history/backend.h"
#include "analysis/history/location.h"
#include "analysis/history/run_info.h"
#include "analysis/history/run_rows.h"
#include "analysis/read/results.h"

namespace m8::analysis {

struct HistoryOptions {
  // ---- Affect behaviour
  // Create the history (the SQLite file and its folder when it is the
  // default location; the schema in either engine) when there is none yet.
  // Without it, opening a missing history is NotFound: commands that only
  // read never leave an empty history behind.
  bool create = false;

  // ---- Affect performance
  // SQLite: how long a writer waits for another writer to finish. An
  // ingest of 2,000 benchmarks x 10 repetitions holds the lock for about a
  // second; the default leaves room for many queued ingests.
  absl::Duration busy_timeout = absl::Seconds(60);
};

struct IngestResult {
  int64_t run_id = 0;
  // The same content was stored before (as run_id); nothing was written.
  bool already_stored = false;
};

class HistoryStore {
 public:
  // Opens the history at `location`, bringing an older schema up to date.
  // Errors: NotFound (no history and !options.create), FailedPrecondition
  // (a newer schema, or not a history), Unavailable (cannot connect),
  // DataLoss (not a database); each one line naming the location.
  static absl::StatusOr<std::unique_ptr<HistoryStore>> Open(
      const HistoryLocation& location, const HistoryOptions& options);

  // Over an open backend; the same checks and migration as Open.
  static absl::StatusOr<std::unique_ptr<HistoryStore>> Attach(
      std::unique_ptr<HistoryBackend> backend, bool create);

  // The path or URL (without password) for messages.
  const std::string& location() const { return backend_->location(); }

  // The id of the run stored with this content hash, if any.
  absl::StatusOr<std::optional<int64_t>> FindByContent(
      absl::string_view content_sha256);

  // Stores `file` with `metadata` in one transaction. When a run with the
  // same content_sha256 is stored already, writes nothing and says so.
  // `progress` (optional) is called inside the transaction as entries are
  // written. On any error the transaction is rolled back and the message
  // (one line) names the location and the file: the history is unchanged.
  absl::StatusOr<IngestResult> Ingest(const ResultsFile& file,
                                      const RunMetadata& metadata,
                                      const IngestProgress& progress = {});

  // Every run, oldest first (by run_time, then id).
  absl::StatusOr<std::vector<RunInfo>> ListRuns();

  // One run. NotFound when there is none with this id.
  absl::StatusOr<RunInfo> GetRun(int64_t id);

  // Reads run `id` back, on one snapshot. NotFound when there is none.
  absl::StatusOr<ResultsFile> ReadRun(int64_t id,
                                      const ReadRunOptions& options = {});

  // Removes run `id` and everything stored with it, in one transaction.
  // NotFound when there is none.
  absl::Status ForgetRun(int64_t id);

  // Problems in the stored data: the engine's own check (SQLite's
  // integrity_check and foreign_key_check), rows that belong to no run, runs
  // whose entries are not all there. Empty when the history is consistent.
  absl::StatusOr<std::vector<std::string>> CheckConsistency();

  HistoryBackend& backend() { return *backend_; }

 private:
  explicit HistoryStore(std::unique_ptr<HistoryBackend> backend)
      : backend_(std::move(backend)) {}

  // `status` as "LOCATION: DOING: message", keeping its code.
  absl::Status Annotate(const absl::Status& status,
                        absl::string_view doing) const;

  std::unique_ptr<HistoryBackend> backend_;
};

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_HISTORY_STORE_H_
