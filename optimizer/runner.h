// The runner interface: how the tuner obtains measurements of a
// configuration. ProcessRunner (process_runner.h) runs a real benchmark
// binary; tests use simulated runners that draw from known distributions, so
// that the decision rule's error rates can be measured.
//
// Implementations need not be thread-safe: the tuner calls one at a time.

#ifndef M8_OPTIMIZER_RUNNER_H_
#define M8_OPTIMIZER_RUNNER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "optimizer/knob_value.h"

namespace m8::optimizer {

// The values one run measured: per benchmark (run_name, in the order the run
// reported them) and metric, one value per repetition.
struct Measurement {
  struct Series {
    std::string benchmark;
    std::string metric;
    std::vector<double> values;
  };
  std::vector<Series> series;

  // The series of (benchmark, metric), or nullptr.
  const Series* Find(const std::string& benchmark,
                     const std::string& metric) const;
};

struct RunRequest {
  // The whole --m8_config document for this run; empty: no --m8_config (the
  // binary's defaults).
  std::string config_json;
  // The same settings as (knob, value) pairs, for runners that do not parse
  // JSON.
  std::vector<std::pair<std::string, KnobValue>> settings;
  // Repetitions of every benchmark in this run.
  int repetitions = 1;
  // The metrics to collect (the objective first, then the guards).
  std::vector<std::string> metrics;
};

struct RunResult {
  // False when the run crashed, timed out, exited non-zero, reported an
  // error, or lacked a requested metric; `failure` says which.
  bool ok = false;
  std::string failure;
  Measurement measurement;
  // Seconds the run took from start to exit.
  double wall_seconds = 0;
  // Where the run's raw output was kept, if anywhere.
  std::string output_path;
};

class Runner {
 public:
  virtual ~Runner() = default;

  // Runs the benchmarks once with `request`. Errors are failures of the
  // harness itself (cannot write a temporary file, the binary cannot be
  // started); a failing run is a RunResult with ok == false.
  virtual absl::StatusOr<RunResult> Run(const RunRequest& request) = 0;

  // Asks whether `config_json` is accepted, without measuring: OK, or
  // InvalidArgument with the binary's own one-line message.
  virtual absl::Status CheckConfig(const std::string& config_json) = 0;

  // Seconds one start-up of the binary costs (what the harness adds per
  // run, beside the benchmarks); 0 when unknown.
  virtual double StartupSeconds() { return 0; }
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_RUNNER_H_
