#include "analysis/judge/trend.h"

#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/samples.h"
#include "analysis/stats/parallel.h"
#include "analysis/stats/statistics.h"

namespace m8::analysis {
namespace {

double MedianOfRange(const std::vector<double>& points, int begin, int end) {
  return Median(
      std::vector<double>(points.begin() + begin, points.begin() + end));
}

bool IsRegression(Direction direction, double change) {
  switch (direction) {
    case Direction::kLowerIsBetter:
      return change > 0;
    case Direction::kHigherIsBetter:
      return change < 0;
    case Direction::kNeutral:
      return false;
  }
  return false;
}

}  // namespace

RunSummary SummarizeRun(const ResultsFile& file,
                        const std::vector<std::string>& metrics) {
  RunSummary summary;
  summary.label = file.source();
  summary.date = file.context().date;
  summary.environment = EnvironmentWarnings(file.context());
  summary.facts = ComparableFacts(file.context());
  absl::flat_hash_map<std::string, uint32_t> metric_ids;
  std::vector<double> values;
  for (const Benchmark& benchmark : file.benchmarks()) {
    if (benchmark.iterations.empty()) continue;
    RunSummary::Benchmark medians;
    medians.run_name = benchmark.run_name;
    const std::vector<std::string> names =
        metrics.empty() ? MetricNames(file, benchmark.iterations) : metrics;
    for (const std::string& metric : names) {
      CollectSamples(file, benchmark.iterations, MetricReader(file, metric),
                     &values);
      if (values.empty()) continue;
      auto [it, inserted] = metric_ids.try_emplace(
          metric, static_cast<uint32_t>(summary.metrics.size()));
      if (inserted) {
        summary.metrics.push_back(metric);
        summary.declared.push_back(
            file.context().counters.Find(metric) == nullptr
                ? std::nullopt
                : std::optional<Metric>(ResolveMetric(
                      metric, &file.context().counters, nullptr)));
      }
      medians.medians.emplace_back(it->second, Median(values));
    }
    if (!medians.medians.empty()) {
      summary.benchmarks.push_back(std::move(medians));
    }
  }
  return summary;
}

absl::StatusOr<absl::Time> ParseContextDate(const std::string& date) {
  absl::Time time;
  std::string error;
  for (const char* format : {"%Y-%m-%d%ET%H:%M:%S%Ez", "%Y-%m-%d %H:%M:%S"}) {
    if (absl::ParseTime(format, date, absl::UTCTimeZone(), &time, &error)) {
      return time;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unreadable context date '", date, "'"));
}

absl::Status SortRunsByDate(std::vector<RunSummary>* runs) {
  std::vector<std::pair<absl::Time, size_t>> order;
  for (size_t i = 0; i < runs->size(); ++i) {
    absl::StatusOr<absl::Time> time = ParseContextDate((*runs)[i].date);
    if (!time.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          (*runs)[i].label, ": --by-date: ", time.status().message()));
    }
    order.emplace_back(*time, i);
  }
  std::stable_sort(
      order.begin(), order.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RunSummary> sorted;
  sorted.reserve(runs->size());
  for (const auto& [time, i] : order) sorted.push_back(std::move((*runs)[i]));
  *runs = std::move(sorted);
  return absl::OkStatus();
}

int TrendReport::ChangePointCount() const {
  int count = 0;
  for (const Series& s : series)
    count += static_cast<int>(s.change_points.size());
  return count;
}

int TrendReport::RegressionCount() const {
  int count = 0;
  for (const Series& s : series) {
    for (const TrendChangePoint& cp : s.change_points) count += cp.regression;
  }
  return count;
}

absl::StatusOr<TrendReport> AnalyzeTrend(const std::vector<RunSummary>& runs,
                                         const TrendOptions& options) {
  absl::StatusOr<NameFilter> filter = NameFilter::Create(options.filter);
  if (!filter.ok()) return filter.status();
  TrendReport report;
  report.detector = options.detector;
  // Series in order of first appearance, one per (benchmark, metric).
  absl::flat_hash_map<std::string, uint32_t> benchmark_ids;  // -1: filtered
  absl::flat_hash_map<std::string, uint32_t> metric_ids;
  std::vector<Metric> metric_kinds;
  absl::flat_hash_map<std::pair<uint32_t, uint32_t>, size_t> series_index;
  constexpr uint32_t kFilteredOut = ~uint32_t{0};
  std::vector<uint32_t> run_metric_ids;
  std::vector<uint32_t> series_metric;  // parallel to report.series
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunSummary& run = runs[r];
    report.runs.push_back(run.label);
    run_metric_ids.clear();
    for (size_t m = 0; m < run.metrics.size(); ++m) {
      const std::string& metric = run.metrics[m];
      auto [it, inserted] = metric_ids.try_emplace(
          metric, static_cast<uint32_t>(metric_kinds.size()));
      if (inserted) metric_kinds.push_back(ClassifyMetric(metric));
      // A run that declares the metric overrides the name rules and the
      // declarations of earlier runs.
      if (m < run.declared.size() && run.declared[m]) {
        metric_kinds[it->second] = *run.declared[m];
      }
      run_metric_ids.push_back(it->second);
    }
    for (const RunSummary::Benchmark& benchmark : run.benchmarks) {
      auto [b, fresh] = benchmark_ids.try_emplace(
          benchmark.run_name, static_cast<uint32_t>(benchmark_ids.size()));
      if (fresh && !filter->Matches(benchmark.run_name)) {
        b->second = kFilteredOut;
      }
      if (b->second == kFilteredOut) continue;
      for (const auto& [local_metric, median] : benchmark.medians) {
        const uint32_t metric = run_metric_ids[local_metric];
        auto [it, inserted] = series_index.try_emplace(
            std::make_pair(b->second, metric), report.series.size());
        if (inserted) {
          Series series;
          series.name = benchmark.run_name;
          report.series.push_back(std::move(series));
          series_metric.push_back(metric);
        }
        Series& series = report.series[it->second];
        series.points.push_back(median);
        series.runs.push_back(static_cast<int>(r));
      }
    }
  }
  for (size_t i = 0; i < report.series.size(); ++i) {
    Metric kind = metric_kinds[series_metric[i]];
    for (const auto& [name, direction] : options.directions) {
      if (name == kind.name) kind.direction = direction;
    }
    report.series[i].metric = std::move(kind);
  }
  ParallelFor(
      report.series.size(),
      WorkerCount(options.threads, report.series.size() / 16),
      [&](size_t i, int) {
        Series& series = report.series[i];
        const std::vector<ChangePointStats> found =
            DetectChangePoints(series.points, options.detector);
        for (size_t k = 0; k < found.size(); ++k) {
          const ChangePointStats& stats = found[k];
          const int begin = k == 0 ? 0 : found[k - 1].index;
          const int end = k + 1 == found.size()
                              ? static_cast<int>(series.points.size())
                              : found[k + 1].index;
          TrendChangePoint cp;
          cp.index = stats.index;
          cp.run = series.runs[stats.index];
          cp.mean_before = stats.mean_before;
          cp.mean_after = stats.mean_after;
          cp.median_before = MedianOfRange(series.points, begin, stats.index);
          cp.median_after = MedianOfRange(series.points, stats.index, end);
          cp.change = stats.mean_before == 0
                          ? 0
                          : stats.mean_after / stats.mean_before - 1;
          cp.pvalue = stats.pvalue;
          cp.regression = IsRegression(series.metric.direction, cp.change);
          series.change_points.push_back(cp);
        }
      });
  std::vector<LabelledWarnings> warnings;
  std::vector<LabelledFacts> facts;
  for (const RunSummary& run : runs) {
    warnings.push_back({run.label, run.environment});
    facts.push_back({run.label, run.facts});
  }
  report.warnings = WarningLines(warnings);
  report.context_differences = ContextDifferences(facts);
  return report;
}

}  // namespace m8::analysis
