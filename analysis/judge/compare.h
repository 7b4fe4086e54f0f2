// Comparing two results files benchmark by benchmark (m8perf compare): for
// each benchmark present in both, and each metric, the medians, the ratio
// new/base of the medians, the confidence interval of the ratio that matches
// the Mann-Whitney test (Hodges-Lehmann/Moses, stats/shift.h), the p-value,
// outlier counts and a verdict; plus geometric means of the ratios.
//
// Methods and defaults follow analysis/README.md. Compare() is a pure
// function of its inputs (fixed-seed bootstrap), safe to call from several
// threads at once.

#ifndef M8_ANALYSIS_JUDGE_COMPARE_H_
#define M8_ANALYSIS_JUDGE_COMPARE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analysis/read/metric.h"
#include "analysis/read/results.h"
#include "analysis/stats/bootstrap.h"
#include "analysis/stats/shift.h"
#include "analysis/stats/statistics.h"

namespace m8::analysis {

enum class Verdict {
  kRegressed,  // p < alpha and the whole CI is worse than the noise band
  kImproved,   // p < alpha and the whole CI is better than the noise band
  kUnchanged,  // p >= alpha, or the CI reaches into the noise band
  kChanged,    // a neutral metric (no better direction) moved significantly
  kUnknown,    // cannot decide: too few repetitions, errored, no values
};

// "regressed", "improved", "unchanged", "changed", "unknown".
absl::string_view VerdictName(Verdict verdict);

struct CompareOptions {
  // ---- What is compared.
  // Metric names to compare. Empty: real_time, cpu_time and every counter
  // present on both sides (memory-manager fields only when named here: 1.7.1
  // reports garbage for them when repeating).
  std::vector<std::string> metrics;
  // Regular expression (name_filter.h: RE2, ECMAScript's syntax without
  // backreferences and lookaround) searched for in each run_name; empty
  // compares everything.
  std::string filter;
  // Pair entries by their full name, as compare.py does, instead of pairing
  // the repetitions of each run_name: aggregate entries (mean, median, ...,
  // and the unnamed aggregates of old files) are then compared too, their
  // values taken as samples, and a name's entries are compared only in the
  // time unit of the base's first one.
  bool include_aggregates = false;
  // Overrides the direction of a metric, by name; ahead of the files'
  // declarations (m8.counters: the new file's, then the base's) and of
  // ClassifyMetric's name rules.
  std::vector<std::pair<std::string, Direction>> directions;

  // ---- How a verdict is reached.
  // Significance level of the Mann-Whitney test.
  double alpha = 0.05;
  // Relative change inside which a significant difference still counts as
  // unchanged (0.01: the CI must clear 0.99..1.01).
  double noise = 0.01;
  // The interval the verdict uses is at level 1 - alpha; the bootstrap
  // interval of the ratio of medians (reported beside it) at
  // bootstrap.confidence.
  BootstrapOptions bootstrap;

  // ---- Performance only.
  // Worker threads (0: one per core). Results do not depend on it.
  int threads = 0;
};

struct Comparison {
  std::string name;        // run_name (or the entry name of an aggregate)
  bool aggregate = false;  // compared aggregate entries (include_aggregates)
  Metric metric;
  SampleSummary base;  // n == 0 when that side has no usable value
  SampleSummary contender;
  double ratio;  // contender median / base median (NaN: undefined)
  // The interval the verdict uses: the ratios new/base that the two-sided
  // Mann-Whitney test at alpha does not reject (Moses), around `shift`, the
  // Hodges-Lehmann ratio (median of the pairwise ratios). When a sample
  // holds a zero (no logarithm, `shift` NaN) it is `median_ci` instead. NaN
  // when undefined (negative values, or too few repetitions).
  Interval ci;
  double shift;
  // Percentile-bootstrap interval of `ratio` (reported; decided on only
  // when a sample holds a zero).
  Interval median_ci;
  double pvalue;  // two-sided Mann-Whitney (NaN when not computed)
  MannWhitneyMethod method = MannWhitneyMethod::kAsymptotic;
  Verdict verdict = Verdict::kUnknown;
  // One side's runs all say that they did not measure this metric (its
  // companion counter is 0, see samples.h): no ratio, the verdict is
  // unknown, and the note says which side and why.
  bool not_measured = false;
  std::string note;  // why a verdict is unknown, or other caveats
};

// Geometric mean of the ratios of one metric over the benchmarks present in
// both files, not errored, with a positive finite ratio.
struct GeometricMeanRatio {
  Metric metric;
  double ratio = 1;
  int count = 0;
};

struct CompareReport {
  std::string base_source;
  std::string contender_source;
  double alpha = 0.05;
  double noise = 0.01;
  double confidence = 0.95;
  std::vector<Comparison> comparisons;
  std::vector<GeometricMeanRatio> geomeans;
  std::vector<std::string> only_in_base;
  std::vector<std::string> only_in_contender;
  // Filled by the caller (environment.h CheckRuns): problems with the
  // environment of either run, and facts that differ between the runs.
  std::vector<std::string> warnings;
  std::vector<std::string> context_differences;

  int Count(Verdict verdict) const;
  bool HasRegression() const { return Count(Verdict::kRegressed) > 0; }
};

// Compares `contender` (new) against `base`. Errors: a bad filter regex, or
// a requested metric that neither file has (InvalidArgument).
absl::StatusOr<CompareReport> Compare(const ResultsFile& base,
                                      const ResultsFile& contender,
                                      const CompareOptions& options);

// The verdict for one metric given its statistics (exposed for tests).
// REQUIRES: pvalue and ci computed (may be NaN).
Verdict Decide(Direction direction, double pvalue, const Interval& ci,
               double alpha, double noise);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_COMPARE_H_
