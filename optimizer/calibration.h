// Calibration: how far this machine can tell apart two runs of a benchmark.
// Calibrate() runs a binary several times and estimates each benchmark's
// noise (analysis/noise.h): the spread within a run, the drift between runs,
// the smallest change one run a side can detect, and the repetitions needed
// to detect 1%, 2% and 5% changes. A calibration store (a JSON file, by
// default .m8bench/calibration.json) keeps the latest estimate of every
// (binary, benchmark, metric), for m8perf loop to choose its repetitions.
//
// Thread-compatible.

#ifndef M8_OPTIMIZER_CALIBRATION_H_
#define M8_OPTIMIZER_CALIBRATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/stats/noise.h"
#include "optimizer/runner.h"
#include "optimizer/tuner.h"

namespace m8::optimizer {

struct CalibrateOptions {
  // Runs of the binary, and repetitions of each benchmark in each run.
  int runs = 5;
  int repetitions = 9;
  std::string metric = "real_time";
  analysis::NoiseOptions noise;
};

// The changes calibrate reports the repetitions for.
inline constexpr double kCalibratedChanges[] = {0.01, 0.02, 0.05};

struct BenchmarkCalibration {
  std::string binary;  // the binary's real path
  std::string benchmark;
  std::string metric;
  std::string date;  // UTC, ISO 8601
  analysis::NoiseEstimate noise;
};

// Runs the binary `options.runs` times and estimates every benchmark's
// noise. Errors: a run fails (naming it and why), or a benchmark has fewer
// than two samples in a run.
absl::StatusOr<std::vector<BenchmarkCalibration>> Calibrate(
    Runner& runner, const std::string& binary, const CalibrateOptions& options,
    const ProgressFn& progress = nullptr);

// Reads the store; an absent file is an empty store. Errors: unreadable or
// malformed (naming the file).
absl::StatusOr<std::vector<BenchmarkCalibration>> LoadCalibrations(
    const std::string& path);

// Adds `fresh` to the store, replacing older estimates of the same (binary,
// benchmark, metric); written atomically.
absl::Status SaveCalibrations(const std::string& path,
                              const std::vector<BenchmarkCalibration>& fresh);

// The stored estimate of (binary, benchmark, metric), if any.
const BenchmarkCalibration* FindCalibration(
    const std::vector<BenchmarkCalibration>& store, const std::string& binary,
    const std::string& benchmark, const std::string& metric);

// The stored estimates of `binary` (its real path) and `metric` for the
// benchmarks that `filter`, read as Google Benchmark reads
// --benchmark_filter, selects. Errors: a bad filter.
absl::StatusOr<std::vector<const BenchmarkCalibration*>> FindCalibrations(
    const std::vector<BenchmarkCalibration>& store, const std::string& binary,
    const std::string& metric, const std::string& filter);

// Reports of a calibration, for people and programs.
std::string CalibrationToConsole(
    const std::vector<BenchmarkCalibration>& calibration,
    const CalibrateOptions& options);
std::string CalibrationToMarkdown(
    const std::vector<BenchmarkCalibration>& calibration,
    const CalibrateOptions& options);
std::string CalibrationToJson(
    const std::vector<BenchmarkCalibration>& calibration,
    const CalibrateOptions& options);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_CALIBRATION_H_
