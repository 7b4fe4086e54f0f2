// The journal of a tune: one JSON line per finished run of the binary,
// written and fsynced before the tune goes on, so that a tune interrupted at
// any point (kill -9 included) can be resumed without running anything
// twice. The first line identifies the tune (binary, filter, space, metric,
// settings); a resumed tune must match it.
//
// The tuner is deterministic given its runs' measurements, so resuming
// replays the journal's records in order, in place of the runs they
// recorded, and checks that each replayed record is the run the tuner asks
// for; once the records run out, runs are real again and appended.
//
// Not thread-safe.

#ifndef M8_OPTIMIZER_JOURNAL_H_
#define M8_OPTIMIZER_JOURNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "optimizer/runner.h"

namespace m8::optimizer {

// What identifies a tune: a resumed tune must have the same.
struct TuneIdentity {
  std::string binary;
  int64_t binary_size = 0;
  int64_t binary_mtime = 0;  // seconds since the epoch
  std::string filter;
  std::string space;     // Space::canonical()
  std::string settings;  // everything else that shapes the runs, as text

  bool operator==(const TuneIdentity&) const = default;
};

// One run as recorded.
struct JournalRecord {
  int sequence = 0;
  std::string purpose;      // "baseline", "trial 3", "verify 1 round 2 A"
  std::string config_json;  // the run's --m8_config document ("" for none)
  int repetitions = 0;
  RunResult result;
};

class Journal {
 public:
  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  ~Journal();

  // Starts a new journal at `path`. Errors: the file exists, or cannot be
  // written.
  static absl::StatusOr<Journal> Create(const std::string& path,
                                        const TuneIdentity& identity);
  // Opens an existing journal for resuming. Errors: missing or unreadable,
  // a corrupt line other than a last one cut short (which is dropped), or
  // another tune's identity (naming what differs).
  static absl::StatusOr<Journal> Resume(const std::string& path,
                                        const TuneIdentity& identity);

  // The next recorded run to replay, if any; it must match `purpose`,
  // `config_json` and `repetitions` (else FailedPrecondition: the journal
  // belongs to a different sequence of runs).
  absl::StatusOr<std::optional<RunResult>> Replay(
      const std::string& purpose, const std::string& config_json,
      int repetitions);

  // Appends a finished run and fsyncs it.
  absl::Status Append(const JournalRecord& record);

  int replayed() const { return next_; }
  int recorded() const { return static_cast<int>(records_.size()); }
  const std::string& path() const { return path_; }

 private:
  Journal() = default;
  std::string path_;
  int fd_ = -1;
  std::vector<JournalRecord> records_;  // read when resuming
  int next_ = 0;                        // next record to replay
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_JOURNAL_H_
