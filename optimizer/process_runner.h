// ProcessRunner: a Runner that starts a Google Benchmark binary for every
// run, as a child process (argv only, never a shell):
//
//   BINARY [EXTRA_ARGS...] --benchmark_filter=F --benchmark_repetitions=N
//          --benchmark_out=DIR/NNNN.json --benchmark_out_format=json
//          [--m8_config=DIR/NNNN.config.json]
//
// with a per-run timeout. Each run's config, JSON output and stderr are kept
// in the work directory, named by the run's sequence number. A run fails
// (RunResult::ok false, with the reason and the tail of its stderr) when the
// binary crashes, times out, exits non-zero, writes unreadable JSON, reports
// no benchmark, reports an errored or skipped benchmark, or lacks a metric.
//
// Not thread-safe: one run at a time.

#ifndef M8_OPTIMIZER_PROCESS_RUNNER_H_
#define M8_OPTIMIZER_PROCESS_RUNNER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "analysis/read/results.h"
#include "optimizer/runner.h"

namespace m8::optimizer {

struct ProcessRunnerOptions {
  std::string binary;
  // --benchmark_filter of every run.
  std::string filter;
  // Passed to every run, before the runner's own flags (which therefore win).
  std::vector<std::string> extra_args;
  // A run still going after this long is killed and counts as failed.
  absl::Duration timeout = absl::Minutes(30);
  // Where the runs' files are kept. REQUIRES: an existing directory.
  std::string work_dir;
  // Files are numbered from first_sequence + 1 (a resumed tune goes on
  // after the runs it replays).
  int first_sequence = 0;
};

// The flags a ProcessRunner sets itself; extra arguments may not set them.
bool IsRunnerFlag(const std::string& arg);

class ProcessRunner : public Runner {
 public:
  // Errors: the binary does not exist or is not executable; the work
  // directory is not writable.
  static absl::StatusOr<std::unique_ptr<ProcessRunner>> Create(
      ProcessRunnerOptions options);

  absl::StatusOr<RunResult> Run(const RunRequest& request) override;
  absl::Status CheckConfig(const std::string& config_json) override;
  double StartupSeconds() override;

 private:
  explicit ProcessRunner(ProcessRunnerOptions options)
      : options_(std::move(options)), sequence_(options_.first_sequence) {}
  // The next sequence number's file stem: DIR/0007.
  std::string NextStem();
  absl::StatusOr<std::string> WriteConfig(const std::string& stem,
                                          const std::string& config_json);

  ProcessRunnerOptions options_;
  int sequence_ = 0;
  double startup_seconds_ = -1;
};

// The measurement of `metrics` in a results file, or a failure: no
// benchmark, an errored or skipped one, a metric missing or not finite.
// Shared by every runner that reads Google Benchmark output.
RunResult MeasurementFromResults(const analysis::ResultsFile& file,
                                 const std::vector<std::string>& metrics);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_PROCESS_RUNNER_H_
