// Trends over a history of runs (m8perf trend): one series per (benchmark,
// metric) of per-run medians, in run order, with change points
// (change_points.h) and whether each is a regression for the metric's
// direction.
//
// Runs are first reduced to RunSummary values (a few numbers per benchmark),
// so a long history never has to be held in memory as parsed files.
// Functions are pure; thread-safe.

#ifndef M8_ANALYSIS_JUDGE_TREND_H_
#define M8_ANALYSIS_JUDGE_TREND_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analysis/judge/environment.h"
#include "analysis/read/metric.h"
#include "analysis/read/results.h"
#include "analysis/stats/change_points.h"

namespace m8::analysis {

// The per-benchmark medians of one run, compactly: metric names once per
// run, benchmark names once per benchmark.
struct RunSummary {
  struct Benchmark {
    std::string run_name;
    std::vector<std::pair<uint32_t, double>> medians;  // (metric, median)
  };
  std::string label;                 // the file's path
  std::string date;                  // context.date as written
  std::vector<std::string> metrics;  // indexed by Benchmark::medians
  // Parallel to metrics: the file's own declaration (m8.counters) of each,
  // or nullopt when it declares none.
  std::vector<std::optional<Metric>> declared;
  std::vector<Benchmark> benchmarks;
  std::vector<EnvironmentWarning> environment;  // EnvironmentWarnings
  ContextFacts facts;                           // ComparableFacts
};

// Medians of every metric (metrics.h order) of every benchmark with usable
// repetitions; only `metrics` when not empty. Repetitions that did not
// measure a metric (samples.h) are left out; a benchmark none of whose
// repetitions measured it has no point for it in this run.
RunSummary SummarizeRun(const ResultsFile& file,
                        const std::vector<std::string>& metrics);

// Parses a context date: ISO-8601 with an offset ("2026-11-28T06:11:10+00:00")
// or the old "2016-08-02 17:44:46" (taken as UTC).
absl::StatusOr<absl::Time> ParseContextDate(const std::string& date);

// Orders runs by their context date (stable for equal dates). Fails, naming
// the run, when a date is missing or unreadable.
absl::Status SortRunsByDate(std::vector<RunSummary>* runs);

struct TrendOptions {
  ChangePointOptions detector;
  // Regular expression searched in run_name (name_filter.h); empty: every
  // benchmark.
  std::string filter;
  // Overrides the direction of a metric, by name; ahead of the runs'
  // declarations (m8.counters: the latest run that declares it) and of
  // ClassifyMetric's name rules.
  std::vector<std::pair<std::string, Direction>> directions;
  // Worker threads for the detection (0: one per core).
  int threads = 0;
};

struct TrendChangePoint {
  int index = 0;  // into Series::points
  int run = 0;    // into TrendReport::runs
  double mean_before = 0;
  double mean_after = 0;
  double median_before = 0;
  double median_after = 0;
  double change = 0;  // mean_after / mean_before - 1
  double pvalue = 1;
  bool regression = false;  // a change in the metric's worse direction
};

struct Series {
  std::string name;  // run_name
  Metric metric;
  std::vector<double> points;  // per-run medians, in run order
  std::vector<int> runs;       // the run of each point
  std::vector<TrendChangePoint> change_points;
};

struct TrendReport {
  std::vector<std::string> runs;  // labels, in the order analysed
  std::vector<Series> series;
  ChangePointOptions detector;
  // Problems with the runs' environments, and facts that differ between
  // runs (environment.h).
  std::vector<std::string> warnings;
  std::vector<std::string> context_differences;

  int ChangePointCount() const;
  int RegressionCount() const;
};

// Builds the series over `runs` (in the given order) and detects their
// change points. Errors: a bad filter.
absl::StatusOr<TrendReport> AnalyzeTrend(const std::vector<RunSummary>& runs,
                                         const TrendOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_TREND_H_
