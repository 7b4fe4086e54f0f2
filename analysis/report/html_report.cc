#include "analysis/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/samples.h"
#include "analysis/report/format.h"
#include "analysis/stats/statistics.h"
#include "analysis/status_macros.h"

namespace m8::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Bool(bool value) { return value ? "true" : "false"; }

// Every context key as (key, text): Google Benchmark's own first, in the
// order it writes them, then the others in file order.
std::vector<std::pair<std::string, std::string>> ContextEntries(
    const Context& context) {
  std::vector<std::pair<std::string, std::string>> entries;
  auto add = [&](const char* key, std::string value) {
    if (!value.empty()) entries.emplace_back(key, std::move(value));
  };
  add("date", context.date);
  add("host_name", context.host_name);
  add("executable", context.executable);
  if (context.num_cpus > 0) add("num_cpus", absl::StrCat(context.num_cpus));
  if (context.mhz_per_cpu > 0) {
    add("mhz_per_cpu", FormatDouble(context.mhz_per_cpu));
  }
  if (context.cpu_scaling_enabled) {
    add("cpu_scaling_enabled", Bool(*context.cpu_scaling_enabled));
  }
  if (context.aslr_enabled) add("aslr_enabled", Bool(*context.aslr_enabled));
  std::vector<std::string> caches;
  for (const CacheInfo& cache : context.caches) {
    caches.push_back(
        absl::StrCat("L", cache.level, " ", cache.type, " ",
                     FormatValue(static_cast<double>(cache.size), Unit::kBytes),
                     " x", cache.num_sharing));
  }
  add("caches", absl::StrJoin(caches, ", "));
  std::vector<std::string> load;
  for (double value : context.load_avg) load.push_back(FormatDouble(value));
  add("load_avg", absl::StrJoin(load, ", "));
  add("library_build_type", context.library_build_type);
  add("library_version", context.library_version);
  if (context.json_schema_version) {
    add("json_schema_version", absl::StrCat(*context.json_schema_version));
  }
  for (const auto& [key, value] : context.extra)
    entries.emplace_back(key, value);
  return entries;
}

HtmlRun DescribeRun(const LabelledRun& run) {
  HtmlRun described;
  described.label = run.label;
  const Context& context = run.file.context();
  if (const std::string* revision = context.FindExtra("m8.git_revision")) {
    described.revision = *revision;
  }
  described.date = context.date;
  described.context = ContextEntries(context);
  described.warnings = EnvironmentWarnings(context);
  return described;
}

// The usable repetitions of `name`'s metric in `file`, sorted; empty when
// the file does not have the benchmark or the metric.
std::vector<double> Repetitions(const ResultsFile& file,
                                const MetricReader& reader,
                                const std::string& name, bool sorted) {
  std::vector<double> values;
  const Benchmark* benchmark = file.FindBenchmark(name);
  if (benchmark == nullptr || !reader.present()) return values;
  CollectSamples(file, benchmark->iterations, reader, &values);
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double v) { return !std::isfinite(v); }),
               values.end());
  if (sorted) std::sort(values.begin(), values.end());
  return values;
}

// The run_names of the runs in view, in the latest run's order, then those
// only older runs have (newest first), that `filter` keeps.
std::vector<std::string> BenchmarkNames(absl::Span<const LabelledRun> runs,
                                        const NameFilter& filter) {
  std::vector<std::string> names;
  absl::flat_hash_map<std::string, bool> seen;
  for (size_t r = runs.size(); r-- > 0;) {
    for (const Benchmark& benchmark : runs[r].file.benchmarks()) {
      if (benchmark.iterations.empty()) continue;
      if (!seen.try_emplace(benchmark.run_name, true).second) continue;
      if (filter.Matches(benchmark.run_name)) {
        names.push_back(benchmark.run_name);
      }
    }
  }
  return names;
}

// Fills the per-run median, low and high of every benchmark.
void FillRunColumns(absl::Span<const LabelledRun> runs,
                    const std::string& metric,
                    std::vector<HtmlBenchmark>* benchmarks) {
  for (HtmlBenchmark& benchmark : *benchmarks) {
    benchmark.median.assign(runs.size(), kNaN);
    benchmark.low.assign(runs.size(), kNaN);
    benchmark.high.assign(runs.size(), kNaN);
  }
  for (size_t r = 0; r < runs.size(); ++r) {
    const MetricReader reader(runs[r].file, metric);
    for (HtmlBenchmark& benchmark : *benchmarks) {
      const std::vector<double> values =
          Repetitions(runs[r].file, reader, benchmark.name, /*sorted=*/true);
      if (values.empty()) continue;
      benchmark.median[r] = MedianOfSorted(values);
      benchmark.low[r] = values.front();
      benchmark.high[r] = values.back();
    }
  }
}

}  // namespace

int HtmlReport::NoisyCount() const {
  int count = 0;
  for (const HtmlBenchmark& benchmark : benchmarks) {
    count += benchmark.cv > noise;
  }
  return count;
}

absl::StatusOr<HtmlReport> BuildHtmlReport(absl::Span<const LabelledRun> runs,
                                           const LabelledRun* baseline,
                                           const HtmlReportOptions& options) {
  if (runs.empty()) return absl::InvalidArgumentError("no runs to report on");
  M8_ASSIGN_OR_RETURN(const NameFilter filter,
                      NameFilter::Create(options.filter));
  const LabelledRun& latest = runs.back();
  if (baseline == nullptr && runs.size() >= 2) {
    baseline = &runs[runs.size() - 2];
  }

  HtmlReport report;
  report.title = options.title;
  report.noise = options.compare.noise;
  const std::string metric =
      options.metric.empty() ? std::string(kRealTime) : options.metric;
  report.metric = ResolveMetric(metric, &latest.file.context().counters,
                                &options.directions);
  for (const LabelledRun& run : runs) report.runs.push_back(DescribeRun(run));
  if (baseline != nullptr) {
    report.baseline = DescribeRun(*baseline);
    report.baseline_index =
        baseline >= runs.data() && baseline < runs.data() + runs.size()
            ? static_cast<int>(baseline - runs.data())
            : -1;
  }

  // Per benchmark: the metric in every run, the latest and baseline
  // repetitions, and the latest run's spread.
  for (std::string& name : BenchmarkNames(runs, filter)) {
    report.benchmarks.push_back(HtmlBenchmark{.name = std::move(name)});
  }
  FillRunColumns(runs, metric, &report.benchmarks);
  const MetricReader latest_reader(latest.file, metric);
  std::optional<MetricReader> baseline_reader;
  if (baseline != nullptr) baseline_reader.emplace(baseline->file, metric);
  for (HtmlBenchmark& benchmark : report.benchmarks) {
    benchmark.latest = Repetitions(latest.file, latest_reader, benchmark.name,
                                   /*sorted=*/false);
    if (baseline != nullptr) {
      benchmark.baseline = Repetitions(baseline->file, *baseline_reader,
                                       benchmark.name, /*sorted=*/false);
    }
    benchmark.cv = kNaN;
    if (benchmark.latest.size() >= 2) {
      std::vector<double> sorted = benchmark.latest;
      std::sort(sorted.begin(), sorted.end());
      benchmark.cv = Summarize(sorted).cv;
    }
  }
  absl::flat_hash_map<std::string, int> index;
  for (size_t i = 0; i < report.benchmarks.size(); ++i) {
    index[report.benchmarks[i].name] = static_cast<int>(i);
  }

  // The trend of the metric, with change points.
  std::vector<RunSummary> summaries;
  summaries.reserve(runs.size());
  for (const LabelledRun& run : runs) {
    summaries.push_back(SummarizeRun(run.file, {metric}));
    summaries.back().label = run.label;
  }
  TrendOptions trend_options{.detector = options.detector,
                             .filter = options.filter,
                             .directions = options.directions,
                             .threads = options.compare.threads};
  M8_ASSIGN_OR_RETURN(report.trend, AnalyzeTrend(summaries, trend_options));
  for (size_t s = 0; s < report.trend.series.size(); ++s) {
    if (auto it = index.find(report.trend.series[s].name); it != index.end()) {
      report.benchmarks[it->second].series = static_cast<int>(s);
    }
  }
  report.view_differences = report.trend.context_differences;

  // The latest run against its baseline, on every metric.
  if (baseline != nullptr) {
    CompareOptions compare = options.compare;
    compare.filter = options.filter;
    compare.directions = options.directions;
    M8_ASSIGN_OR_RETURN(CompareReport comparison,
                        Compare(baseline->file, latest.file, compare));
    comparison.base_source = baseline->label;
    comparison.contender_source = latest.label;
    const LabelledFacts pair[] = {
        {baseline->label, ComparableFacts(baseline->file.context())},
        {latest.label, ComparableFacts(latest.file.context())}};
    report.compared_differences = ContextDifferences(pair);
    comparison.context_differences = report.compared_differences;
    report.comparison = std::move(comparison);
  }

  // Thread sweeps of the latest run.
  M8_ASSIGN_OR_RETURN(
      report.scale,
      AnalyzeScalability(latest.file, {.filter = options.filter}));
  report.scale.source = latest.label;
  absl::flat_hash_map<std::string, int> sweeps;
  for (size_t s = 0; s < report.scale.sweeps.size(); ++s) {
    sweeps[report.scale.sweeps[s].name] = static_cast<int>(s);
  }
  for (HtmlBenchmark& benchmark : report.benchmarks) {
    std::string key;
    int threads = 0;
    if (!ThreadSweepKey(benchmark.name, &key, &threads)) continue;
    if (auto it = sweeps.find(key); it != sweeps.end()) {
      benchmark.sweep = it->second;
    }
  }

  if (!options.budgets.empty()) {
    for (const Budget& budget : options.budgets) {
      if (budget.max_change && baseline == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "budget ", budget.index, " ('", budget.benchmark,
            "') has max_change, which needs a baseline: give two runs or "
            "--baseline"));
      }
    }
    M8_ASSIGN_OR_RETURN(
        CheckReport check,
        CheckBudgets(latest.file, options.budgets,
                     baseline == nullptr ? nullptr : &baseline->file,
                     options.directions));
    check.results_source = latest.label;
    if (baseline != nullptr) check.baseline_source = baseline->label;
    report.budgets = std::move(check);
  }
  if (!options.targets.empty()) {
    M8_ASSIGN_OR_RETURN(report.targets, Summarize(latest.file, options.targets,
                                                  options.filter));
    report.targets->source = latest.label;
  }

  // Environment problems of every run shown.
  std::vector<LabelledWarnings> warnings;
  if (baseline != nullptr && report.baseline_index < 0) {
    warnings.push_back({baseline->label, report.baseline->warnings});
  }
  for (const HtmlRun& run : report.runs) {
    warnings.push_back({run.label, run.warnings});
  }
  report.warnings = WarningLines(warnings);
  return report;
}

}  // namespace m8::analysis
