// DevLoop: the edit-measure loop of m8perf loop. Each iteration builds a
// target (`cmake --build DIR --target T`, a child process), runs it with a
// filter, keeps the run under DIR/m8loop/ (and through `keep_run` in the
// history of runs), compares it with the previous run of the same target
// and filter (or with a named baseline) and prints
// one line per benchmark: median, change with its CI, verdict.
//
// A build error shows the compiler's output; a crash of the binary is
// reported; with watching, either waits for the next change of a source
// file and goes on. When no repetition count is given, the loop takes the
// count that detects a 2% change: from `m8perf calibrate`'s store when it
// has the benchmarks, else from the spread of the first run.
//
// Not thread-safe.

#ifndef M8_OPTIMIZER_DEV_LOOP_H_
#define M8_OPTIMIZER_DEV_LOOP_H_

#include <atomic>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analysis/judge/compare.h"
#include "analysis/read/results.h"
#include "analysis/stats/noise.h"

namespace m8::optimizer {

struct LoopOptions {
  std::string build_dir;
  std::string target;
  std::string filter;
  // Repetitions of each run; 0: chosen to detect `target_change`.
  int repetitions = 0;
  double target_change = 0.02;
  // Compare with this saved baseline instead of the previous run.
  std::string baseline;
  // Save each run as this baseline (after comparing).
  std::string save_baseline;
  bool watch = false;
  std::string metric = "real_time";
  std::vector<std::string> binary_args;
  std::string calibration_store = ".m8bench/calibration.json";
  analysis::CompareOptions compare;  // alpha, noise, bootstrap
  absl::Duration run_timeout = absl::Minutes(30);
  // Called with each run's results file once it is kept under DIR/m8loop
  // (m8perf loop stores it in the history of runs): a line to print, or
  // nullopt to say nothing. An error is reported and the loop goes on.
  std::function<absl::StatusOr<std::optional<std::string>>(
      const std::string& results_path)>
      keep_run;
};

class DevLoop {
 public:
  DevLoop(LoopOptions options, std::ostream& out, std::ostream& err,
          bool colour);

  // Builds, runs, compares and prints once. Errors are the loop's own
  // (bad build directory, unwritable store); a failed build or run is an
  // outcome, reported on `err`.
  enum class Outcome { kCompared, kFirstRun, kBuildFailed, kRunFailed };
  absl::StatusOr<Outcome> Iterate();

  // Iterates once, or with watching until *stop: after each iteration waits
  // for a source change. Returns the exit status (0; 1 when the only
  // iteration failed to build or run).
  absl::StatusOr<int> Run(const std::atomic<bool>& stop);

  // Where runs, the last run of each target and filter, and baselines are
  // kept: DIR/m8loop.
  std::string store_dir() const;

 private:
  absl::StatusOr<std::string> FindBinary() const;
  absl::Status ChooseRepetitions(const std::string& binary,
                                 const analysis::ResultsFile* first_run);
  void PrintComparison(const analysis::CompareReport& report) const;
  std::string LastRunPath() const;

  LoopOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  bool colour_;
  int repetitions_ = 0;  // chosen once
  int iteration_ = 0;
  double last_run_seconds_ = 0;
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_DEV_LOOP_H_
