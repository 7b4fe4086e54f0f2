#include "analysis/judge/scale.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/read/metric.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/samples.h"

namespace m8::analysis {

bool ThreadSweepKey(const std::string& run_name, std::string* key,
                    int* threads) {
  std::vector<std::string> parts = absl::StrSplit(run_name, '/');
  for (std::string& part : parts) {
    if (absl::StartsWith(part, "threads:") &&
        absl::SimpleAtoi(absl::string_view(part).substr(8), threads)) {
      part = "threads:*";
      *key = absl::StrJoin(parts, "/");
      return true;
    }
  }
  return false;
}

namespace {

// Throughput of one benchmark, and the metric it came from.
std::optional<double> Throughput(const ResultsFile& file,
                                 const Benchmark& benchmark,
                                 const std::string& wanted, std::string* used) {
  std::string metric = wanted;
  if (metric.empty()) {
    const MetricReader rate(file, "items_per_second");
    metric = PointEstimate(file, benchmark, rate) ? "items_per_second"
                                                  : std::string(kRealTime);
  }
  *used = metric;
  const std::optional<double> value =
      PointEstimate(file, benchmark, MetricReader(file, metric));
  if (!value) return std::nullopt;
  const Metric kind =
      ResolveMetric(metric, &file.context().counters, /*overrides=*/nullptr);
  if (IsTimeUnit(kind.unit)) {
    if (!(*value > 0)) return std::nullopt;
    return 1e9 / (*value * NanosecondsPer(kind.unit));  // operations/s
  }
  return value;
}

}  // namespace

absl::StatusOr<ScaleReport> AnalyzeScalability(const ResultsFile& file,
                                               const ScaleOptions& options) {
  absl::StatusOr<NameFilter> filter = NameFilter::Create(options.filter);
  if (!filter.ok()) return filter.status();
  ScaleReport report;
  report.source = file.source();
  absl::flat_hash_map<std::string, size_t> index;
  for (const Benchmark& benchmark : file.benchmarks()) {
    if (benchmark.iterations.empty()) continue;
    if (!filter->Matches(benchmark.run_name)) continue;
    std::string key;
    int threads = 0;
    if (!ThreadSweepKey(benchmark.run_name, &key, &threads)) continue;
    std::string metric;
    const std::optional<double> throughput =
        Throughput(file, benchmark, options.metric, &metric);
    auto [it, inserted] = index.try_emplace(key, report.sweeps.size());
    if (inserted) {
      ThreadSweep sweep;
      sweep.name = key;
      sweep.metric = metric;
      report.sweeps.push_back(std::move(sweep));
    }
    ThreadSweep& sweep = report.sweeps[it->second];
    if (!throughput) {
      sweep.warnings.push_back(absl::StrCat(benchmark.run_name, ": no ", metric,
                                            " value (errored?)"));
      continue;
    }
    sweep.threads.push_back(threads);
    sweep.throughput.push_back(*throughput);
  }
  // A "sweep" of one thread count is just a benchmark.
  report.sweeps.erase(
      std::remove_if(report.sweeps.begin(), report.sweeps.end(),
                     [](const ThreadSweep& s) { return s.threads.size() < 2; }),
      report.sweeps.end());
  for (ThreadSweep& sweep : report.sweeps) {
    // Order by thread count.
    std::vector<size_t> order(sweep.threads.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return sweep.threads[a] < sweep.threads[b];
    });
    std::vector<int> threads;
    std::vector<double> throughput;
    std::vector<double> n;
    for (size_t i : order) {
      threads.push_back(sweep.threads[i]);
      throughput.push_back(sweep.throughput[i]);
      n.push_back(sweep.threads[i]);
    }
    sweep.threads = std::move(threads);
    sweep.throughput = std::move(throughput);
    if (static_cast<int>(sweep.threads.size()) < options.min_points) {
      sweep.warnings.push_back(absl::StrCat(
          "only ", sweep.threads.size(), " thread counts: fewer than ",
          options.min_points, " points make the fit unreliable"));
    }
    if (sweep.threads.front() != 1) {
      sweep.warnings.push_back("no threads:1 point: lambda is extrapolated");
    }
    absl::StatusOr<UslFit> fit = FitUsl(n, sweep.throughput);
    if (fit.ok()) {
      sweep.fit = *fit;
    } else {
      sweep.warnings.push_back(
          absl::StrCat("no fit: ", fit.status().message()));
    }
  }
  return report;
}

}  // namespace m8::analysis
