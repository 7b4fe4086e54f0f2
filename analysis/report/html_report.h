// What the HTML report shows, decided from a list of runs (oldest first):
// per benchmark the trend of one metric's median over the runs with change
// points (judge/trend.h), the spread of each run's repetitions, the latest
// run's repetitions against its baseline's and their comparison on every
// metric (judge/compare.h), thread-sweep scalability (judge/scale.h),
// budgets (judge/budgets.h), target ratios (judge/summary.h), noisy
// benchmarks, and every run's environment (judge/environment.h).
//
// html_page.h writes the page from an HtmlReport. BuildHtmlReport is a pure
// function of its inputs; thread-safe.

#ifndef M8_ANALYSIS_REPORT_HTML_REPORT_H_
#define M8_ANALYSIS_REPORT_HTML_REPORT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "analysis/judge/budgets.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/environment.h"
#include "analysis/judge/scale.h"
#include "analysis/judge/summary.h"
#include "analysis/judge/trend.h"
#include "analysis/read/metric.h"
#include "analysis/read/results.h"

namespace m8::analysis {

// One run and the name the report gives it (a file's path, or a history's
// run id).
struct LabelledRun {
  std::string label;
  ResultsFile file;
};

struct HtmlReportOptions {
  // ---- What the page shows.
  // The page's title (escaped when written).
  std::string title = "m8perf report";
  // The metric whose trend, distribution and noise each benchmark's section
  // shows. Empty: real_time.
  std::string metric;
  // ECMAScript regex searched in run_name; empty: every benchmark.
  std::string filter;
  // Overrides the direction of a metric, by name (compare, trend, budgets).
  DirectionOverrides directions;
  // Checked on the latest run; max_change against the baseline.
  std::vector<Budget> budgets;
  // Evaluated on the latest run.
  std::vector<Target> targets;

  // ---- How verdicts are reached.
  // Compare's alpha, noise band, bootstrap and threads; its filter and
  // directions are the ones above. A benchmark whose latest repetitions have
  // a coefficient of variation above the noise band is listed as noisy: its
  // run-to-run changes of that size cannot be told from noise.
  CompareOptions compare;
  // The change-point detector of the trends.
  ChangePointOptions detector;
};

// A run as the page describes it.
struct HtmlRun {
  std::string label;
  std::string revision;  // m8.git_revision; empty when not recorded
  std::string date;      // the context's date as written
  // Every context key with its value as text: Google Benchmark's keys
  // first, then the others (m8.*, custom) in file order.
  std::vector<std::pair<std::string, std::string>> context;
  std::vector<EnvironmentWarning> warnings;
};

// One benchmark's numbers for the page, in HtmlReport::metric.
struct HtmlBenchmark {
  std::string name;
  // Per run in view (HtmlReport::runs): the median of the run's repetitions,
  // and the smallest and largest repetition. NaN where the run has no value.
  std::vector<double> median;
  std::vector<double> low;
  std::vector<double> high;
  // The latest run's and the baseline's repetitions, in file order.
  std::vector<double> latest;
  std::vector<double> baseline;
  // Coefficient of variation of the latest repetitions (NaN below 2).
  double cv = 0;
  // Index into HtmlReport::trend.series (its change points), or -1.
  int series = -1;
  // Index into HtmlReport::scale.sweeps when the benchmark is one thread
  // count of a sweep, or -1.
  int sweep = -1;
};

struct HtmlReport {
  std::string title;
  // The runs in view, oldest first; the last is the latest.
  std::vector<HtmlRun> runs;
  // The run the latest is compared with: the previous run in view
  // (baseline_index) or a separate one (baseline_index -1). None when there
  // is a single run and no separate baseline.
  std::optional<HtmlRun> baseline;
  int baseline_index = -1;
  Metric metric;
  double noise = 0.01;
  std::vector<HtmlBenchmark> benchmarks;
  TrendReport trend;                        // of `metric` over the runs in view
  std::optional<CompareReport> comparison;  // latest against the baseline
  ScaleReport scale;                        // the latest run's thread sweeps
  std::optional<CheckReport> budgets;       // when there were budgets
  std::optional<SummaryReport> targets;     // when there were targets
  // Environment problems of every run shown (environment.h WarningLines).
  std::vector<std::string> warnings;
  // Facts in which the baseline and the latest run differ.
  std::vector<std::string> compared_differences;
  // Facts in which the runs in view differ.
  std::vector<std::string> view_differences;

  int NoisyCount() const;
};

// Judges `runs` (oldest first; the last is the latest) against `baseline`
// when given, else the previous run. Errors (InvalidArgument): no runs, a bad
// filter, a budget with max_change and no baseline, and the errors of the
// analyses.
absl::StatusOr<HtmlReport> BuildHtmlReport(absl::Span<const LabelledRun> runs,
                                           const LabelledRun* baseline,
                                           const HtmlReportOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_REPORT_HTML_REPORT_H_
