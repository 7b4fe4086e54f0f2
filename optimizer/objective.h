// The tuner's objective and its judgement: how the measurements of a
// candidate configuration are turned into samples, and when a difference
// from the baseline counts as proven.
//
// Samples. Each repetition of a run gives one sample: the geometric mean,
// over the benchmarks the filter matched, of the metric's *cost* relative to
// a reference (the baseline's median for that benchmark). The cost is the
// metric itself when lower is better and its inverse when higher is better,
// so a sample below 1 is always better than the reference. With one
// benchmark this is the benchmark's own value scaled by a constant; with
// several, every benchmark weighs the same whatever its scale. Repetition r
// of every benchmark comes from the same process, so the geometric mean per
// repetition pairs values measured side by side.
//
// Judgement. Two sets of samples (base, candidate) are compared as m8perf
// compare compares two runs: two-sided Mann-Whitney U, the Hodges-Lehmann
// ratio's CI that inverts that test (a percentile bootstrap of the ratio of
// medians when a sample holds a zero), and the verdict rule "p < alpha and
// the whole CI beyond the noise band" (analysis::Decide).
//
// Free functions and immutable values; thread-compatible (a bootstrap object
// is not thread-safe: one per thread).

#ifndef M8_OPTIMIZER_OBJECTIVE_H_
#define M8_OPTIMIZER_OBJECTIVE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "analysis/judge/compare.h"
#include "analysis/read/metric.h"
#include "analysis/stats/bootstrap.h"
#include "optimizer/runner.h"

namespace m8::optimizer {

struct DecisionOptions {
  // Significance level of the Mann-Whitney test.
  double alpha = 0.05;
  // Relative change inside which a difference does not count (0.01: the CI
  // must lie wholly below 0.99 for an improvement).
  double noise = 0.01;
  analysis::BootstrapOptions bootstrap;
};

// A metric with the direction that makes it better.
// REQUIRES: direction is not kNeutral.
struct ObjectiveMetric {
  std::string name;
  analysis::Direction direction = analysis::Direction::kLowerIsBetter;
};

// Per-benchmark medians of a metric over one or more reference runs.
class Reference {
 public:
  // Errors: no run, or the runs disagree on the benchmarks they measured.
  static absl::StatusOr<Reference> Build(
      absl::Span<const Measurement* const> runs, ObjectiveMetric metric);

  // One sample per repetition of `run` (see the file comment). Errors: the
  // run lacks a benchmark of the reference, or its benchmarks have
  // different numbers of repetitions.
  absl::StatusOr<std::vector<double>> Samples(const Measurement& run) const;

  // Samples of several runs, concatenated.
  absl::StatusOr<std::vector<double>> PooledSamples(
      absl::Span<const Measurement* const> runs) const;

  const ObjectiveMetric& metric() const { return metric_; }
  // (benchmark, median) in the order of the first reference run.
  const std::vector<std::pair<std::string, double>>& medians() const {
    return medians_;
  }

 private:
  ObjectiveMetric metric_;
  std::vector<std::pair<std::string, double>> medians_;
};

struct Judgement {
  int n_base = 0;
  int n_candidate = 0;
  // median(candidate) / median(base) of the costs: below 1 is better.
  double ratio = 0;
  analysis::Interval ci;
  double pvalue = 1;
  // kImproved: the candidate is proven better; kRegressed: proven worse;
  // kUnchanged: no proven difference; kUnknown: too few samples.
  analysis::Verdict verdict = analysis::Verdict::kUnknown;

  // How many times faster (1 / ratio) and its CI.
  double speedup() const { return 1 / ratio; }
  analysis::Interval speedup_ci() const { return {1 / ci.high, 1 / ci.low}; }
};

// Judges candidate samples against base samples (costs, lower is better).
Judgement Judge(std::vector<double> base, std::vector<double> candidate,
                const DecisionOptions& options,
                analysis::MedianRatioBootstrap& bootstrap);

// Whether a guard holds: the guarded metric may get worse by at most
// `tolerance` (0.05: 5%). It holds only when that is shown, a non-inferiority
// test on the same CI as the objective's: the whole CI of its cost ratio lies
// at or below 1 + tolerance. It breaks when the difference is significant and
// the whole CI lies above 1 + tolerance; otherwise more samples could decide.
enum class GuardState { kHolds, kBreaks, kUndecided };
GuardState JudgeGuard(const Judgement& judgement, double tolerance,
                      double alpha);
absl::string_view GuardStateName(GuardState state);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_OBJECTIVE_H_
