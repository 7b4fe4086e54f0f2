#include "analysis/judge/compare.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/samples.h"
#include "analysis/stats/parallel.h"

namespace m8::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One benchmark (or, grouping by name, one entry name) present in both
// files, and the entries that hold its samples on each side.
struct Pairing {
  std::string name;
  bool aggregate = false;
  std::vector<uint32_t> base_entries;
  std::vector<uint32_t> contender_entries;
};

// compare.py's grouping: the timed entries of each name, in order of first
// appearance, whatever their run_type.
struct NameGroup {
  std::string name;
  std::vector<uint32_t> entries;
};
std::vector<NameGroup> GroupByName(const ResultsFile& file) {
  std::vector<NameGroup> groups;
  absl::flat_hash_map<std::string, size_t> index;
  for (uint32_t i = 0; i < file.entries().size(); ++i) {
    const Entry& entry = file.entries()[i];
    if (!entry.has_times) continue;
    auto [it, inserted] = index.try_emplace(entry.name, groups.size());
    if (inserted) groups.push_back(NameGroup{entry.name, {}});
    groups[it->second].entries.push_back(i);
  }
  return groups;
}

// Keeps the entries whose time unit is `unit` (compare.py compares a name's
// entries only in the unit of the base's first one).
std::vector<uint32_t> WithUnit(const ResultsFile& file,
                               const std::vector<uint32_t>& entries,
                               TimeUnit unit) {
  std::vector<uint32_t> kept;
  for (uint32_t i : entries) {
    if (file.entries()[i].time_unit == unit) kept.push_back(i);
  }
  return kept;
}

// Per-thread state: the bootstrap caches its tables, and scratch vectors.
struct Worker {
  explicit Worker(const BootstrapOptions& options) : bootstrap(options) {}
  MedianRatioBootstrap bootstrap;
  std::vector<double> base_values;
  std::vector<double> contender_values;
  std::vector<double> differences;  // HodgesLehmannRatio's scratch
  absl::flat_hash_map<uint64_t, double> smallest_pvalue;  // by (n1, n2)
  absl::flat_hash_map<uint64_t, int64_t> trim;            // by (n1, n2)
};

// "errored in new: <message>", for a side whose entries failed.
std::string FailureNote(const Entry& failure, absl::string_view side) {
  return absl::StrCat(
      failure.status == RunStatus::kError ? "errored" : "skipped", " in ", side,
      failure.message.empty() ? "" : ": ", failure.message);
}

bool AllFinite(const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

bool AllNonNegative(const std::vector<double>& values) {
  for (double v : values) {
    if (v < 0) return false;
  }
  return true;
}

double MedianRatio(double contender, double base) {
  if (base < 0 || contender < 0) return kNaN;
  if (base > 0) return contender / base;
  return contender > 0 ? std::numeric_limits<double>::infinity() : 1.0;
}

class Comparer {
 public:
  Comparer(const ResultsFile& base, const ResultsFile& contender,
           const CompareOptions& options)
      : base_(base), contender_(contender), options_(options) {}

  // The new file's declaration of a counter wins over the base's: it is the
  // fixture as it is now.
  Metric MetricFor(const std::string& name) const {
    const CounterCatalogue& declared =
        contender_.context().counters.Find(name) != nullptr
            ? contender_.context().counters
            : base_.context().counters;
    return ResolveMetric(name, &declared, &options_.directions);
  }

  // Appends the comparisons of one pairing to `out`.
  void ComparePairing(const Pairing& pairing, Worker& worker,
                      std::vector<Comparison>* out) const {
    const Entry* base_failure = FirstFailure(base_, pairing.base_entries);
    const Entry* contender_failure =
        FirstFailure(contender_, pairing.contender_entries);
    for (const std::string& name : MetricsOf(pairing)) {
      Comparison comparison = CompareMetric(pairing, name, worker);
      const bool base_empty = comparison.base.n == 0;
      const bool contender_empty = comparison.contender.n == 0;
      if (base_empty && base_failure != nullptr) {
        comparison.note = FailureNote(*base_failure, "base");
      } else if (contender_empty && contender_failure != nullptr) {
        comparison.note = FailureNote(*contender_failure, "new");
      }
      // With no values on either side, one row per benchmark says enough.
      if (base_empty && contender_empty && name != kRealTime) continue;
      out->push_back(std::move(comparison));
    }
  }

 private:
  // The metrics to compare for a pairing: the requested ones, or everything
  // both sides report.
  std::vector<std::string> MetricsOf(const Pairing& pairing) const {
    if (!options_.metrics.empty()) return options_.metrics;
    std::vector<std::string> base_names =
        MetricNames(base_, pairing.base_entries);
    std::vector<std::string> contender_names =
        MetricNames(contender_, pairing.contender_entries);
    absl::flat_hash_set<absl::string_view> in_contender(contender_names.begin(),
                                                        contender_names.end());
    absl::flat_hash_set<absl::string_view> in_base(base_names.begin(),
                                                   base_names.end());
    std::vector<std::string> both;
    for (const std::string& name : base_names) {
      if (in_contender.contains(name) ||
          NoneMeasured(contender_, pairing.contender_entries, name)) {
        both.push_back(name);
      }
    }
    // Measured in new only, where the base says it did not measure it.
    for (const std::string& name : contender_names) {
      if (!in_base.contains(name) &&
          NoneMeasured(base_, pairing.base_entries, name)) {
        both.push_back(name);
      }
    }
    return both;
  }

  // Whether the file's runs among `entries` all lack `metric` and at least
  // one says that it was not measured.
  static bool NoneMeasured(const ResultsFile& file,
                           const std::vector<uint32_t>& entries,
                           const std::string& metric) {
    const MetricReader reader(file, metric);
    if (reader.companion().empty()) return false;
    std::vector<double> values;
    CollectSamples(file, entries, reader, &values);
    return values.empty() && CountNotMeasured(file, entries, reader) > 0;
  }

  // "not measured in new (breaking_point_reached = 0)", or "" when `side`'s
  // runs have values or do not say that they measured nothing.
  static std::string NotMeasuredNote(const ResultsFile& file,
                                     const std::vector<uint32_t>& entries,
                                     const MetricReader& reader, size_t values,
                                     absl::string_view side) {
    const int missing = CountNotMeasured(file, entries, reader);
    if (missing == 0) return "";
    if (values == 0) {
      return absl::StrCat("not measured in ", side, " (", reader.companion(),
                          " = 0)");
    }
    return absl::StrCat("not measured in ", missing, " of ", missing + values,
                        " repetitions of ", side, " (", reader.companion(),
                        " = 0)");
  }

  Comparison CompareMetric(const Pairing& pairing, const std::string& name,
                           Worker& worker) const {
    Comparison c;
    c.name = pairing.name;
    c.aggregate = pairing.aggregate;
    c.metric = MetricFor(name);
    c.ratio = kNaN;
    c.ci = Interval{kNaN, kNaN};
    c.shift = kNaN;
    c.median_ci = Interval{kNaN, kNaN};
    c.pvalue = kNaN;
    std::vector<double>& base_values = worker.base_values;
    std::vector<double>& contender_values = worker.contender_values;
    const MetricReader base_reader(base_, name);
    const MetricReader contender_reader(contender_, name);
    CollectSamples(base_, pairing.base_entries, base_reader, &base_values);
    CollectSamples(contender_, pairing.contender_entries, contender_reader,
                   &contender_values);
    const std::string base_missing = NotMeasuredNote(
        base_, pairing.base_entries, base_reader, base_values.size(), "base");
    const std::string contender_missing =
        NotMeasuredNote(contender_, pairing.contender_entries, contender_reader,
                        contender_values.size(), "new");
    if (base_values.empty() || contender_values.empty()) {
      c.verdict = Verdict::kUnknown;
      const std::string& missing =
          base_values.empty() ? base_missing : contender_missing;
      c.not_measured = !missing.empty();
      c.note = c.not_measured
                   ? missing
                   : absl::StrCat("no values in ",
                                  base_values.empty() ? "base" : "new");
      if (!base_values.empty()) FillSummary(base_values, &c.base);
      if (!contender_values.empty())
        FillSummary(contender_values, &c.contender);
      return c;
    }
    // Some repetitions measured it and some did not: compare the measured
    // ones, and say so.
    for (const std::string* part : {&base_missing, &contender_missing}) {
      if (part->empty()) continue;
      if (!c.note.empty()) c.note += "; ";
      c.note += *part;
    }
    if (!AllFinite(base_values) || !AllFinite(contender_values)) {
      c.verdict = Verdict::kUnknown;
      c.note = "non-finite values (NaN or infinity)";
      c.base.n = static_cast<int>(base_values.size());
      c.contender.n = static_cast<int>(contender_values.size());
      c.base.median = c.contender.median = kNaN;
      return c;
    }
    std::sort(base_values.begin(), base_values.end());
    std::sort(contender_values.begin(), contender_values.end());
    c.base = Summarize(base_values);
    c.contender = Summarize(contender_values);
    c.ratio = MedianRatio(c.contender.median, c.base.median);

    const MannWhitneyResult test = MannWhitneyU(base_values, contender_values);
    c.pvalue = test.pvalue;
    c.method = test.method;
    if (AllNonNegative(base_values) && AllNonNegative(contender_values) &&
        base_values.size() <= 65535 && contender_values.size() <= 65535) {
      c.median_ci =
          worker.bootstrap.RatioInterval(base_values, contender_values);
    }
    if (base_values.front() > 0 && contender_values.front() > 0) {
      const RatioShift shift = HodgesLehmannRatio(
          base_values, contender_values, Trim(c.base.n, c.contender.n, worker),
          &worker.differences);
      c.shift = shift.ratio;
      c.ci = shift.ci;
    } else {
      // A zero in either sample (an error count, a rate when nothing
      // tripped) has no logarithm: the bootstrap of the median ratio, which
      // reads x / 0 as +inf and 0 / 0 as 1, decides instead.
      c.ci = c.median_ci;
    }
    const double smallest = SmallestPValue(c.base.n, c.contender.n, worker);
    if (smallest >= options_.alpha) {
      c.verdict = Verdict::kUnknown;
      c.note =
          absl::StrCat("too few repetitions (", c.base.n, " vs ", c.contender.n,
                       "): no p-value can fall below ", options_.alpha);
      return c;
    }
    if (std::isnan(c.ratio)) {
      c.verdict = Verdict::kUnknown;
      c.note = "negative values: the ratio is undefined";
      return c;
    }
    c.verdict = Decide(c.metric.direction, c.pvalue, c.ci, options_.alpha,
                       options_.noise);
    return c;
  }

  static void FillSummary(std::vector<double>& values, SampleSummary* out) {
    std::sort(values.begin(), values.end());
    *out = Summarize(values);
  }

  int64_t Trim(int n1, int n2, Worker& worker) const {
    const uint64_t key = static_cast<uint64_t>(n1) << 32 | n2;
    auto [it, inserted] = worker.trim.try_emplace(key, 0);
    if (inserted) it->second = MannWhitneyTrim(n1, n2, options_.alpha);
    return it->second;
  }

  static double SmallestPValue(int n1, int n2, Worker& worker) {
    const uint64_t key = static_cast<uint64_t>(n1) << 32 | n2;
    auto [it, inserted] = worker.smallest_pvalue.try_emplace(key, 0.0);
    if (inserted) it->second = SmallestMannWhitneyPValue(n1, n2);
    return it->second;
  }

  const ResultsFile& base_;
  const ResultsFile& contender_;
  const CompareOptions& options_;
};

// Whether any entry of either file has the metric.
bool AnyHas(const ResultsFile& file, const std::string& metric) {
  MetricReader reader(file, metric);
  if (!reader.present()) return false;
  for (const Entry& entry : file.entries()) {
    if (reader.Get(entry)) return true;
  }
  return false;
}

}  // namespace

absl::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegressed:
      return "regressed";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kUnchanged:
      return "unchanged";
    case Verdict::kChanged:
      return "changed";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

int CompareReport::Count(Verdict verdict) const {
  return static_cast<int>(
      std::count_if(comparisons.begin(), comparisons.end(),
                    [&](const Comparison& c) { return c.verdict == verdict; }));
}

Verdict Decide(Direction direction, double pvalue, const Interval& ci,
               double alpha, double noise) {
  if (!(pvalue < alpha)) return Verdict::kUnchanged;
  if (std::isnan(ci.low) || std::isnan(ci.high)) return Verdict::kUnknown;
  const bool higher = ci.low > 1 + noise;  // the whole CI above the band
  const bool lower = ci.high < 1 - noise;  // the whole CI below the band
  switch (direction) {
    case Direction::kLowerIsBetter:
      return higher ? Verdict::kRegressed
                    : (lower ? Verdict::kImproved : Verdict::kUnchanged);
    case Direction::kHigherIsBetter:
      return higher ? Verdict::kImproved
                    : (lower ? Verdict::kRegressed : Verdict::kUnchanged);
    case Direction::kNeutral:
      return higher || lower ? Verdict::kChanged : Verdict::kUnchanged;
  }
  return Verdict::kUnknown;
}

absl::StatusOr<CompareReport> Compare(const ResultsFile& base,
                                      const ResultsFile& contender,
                                      const CompareOptions& options) {
  absl::StatusOr<NameFilter> filter = NameFilter::Create(options.filter);
  if (!filter.ok()) return filter.status();
  for (const std::string& metric : options.metrics) {
    if (!AnyHas(base, metric) && !AnyHas(contender, metric)) {
      return absl::InvalidArgumentError(
          absl::StrCat("metric '", metric, "' is in neither ", base.source(),
                       " nor ", contender.source()));
    }
  }
  auto selected = [&](const std::string& name) {
    return filter->Matches(name);
  };

  CompareReport report;
  report.base_source = base.source();
  report.contender_source = contender.source();
  report.alpha = options.alpha;
  report.noise = options.noise;
  report.confidence = 1 - options.alpha;  // the verdict's interval

  std::vector<Pairing> pairings;
  if (options.include_aggregates) {
    // compare.py's pairing: by entry name, aggregates included.
    std::vector<NameGroup> contender_groups = GroupByName(contender);
    absl::flat_hash_map<absl::string_view, size_t> contender_index;
    for (size_t i = 0; i < contender_groups.size(); ++i) {
      contender_index[contender_groups[i].name] = i;
    }
    std::vector<NameGroup> base_groups = GroupByName(base);
    absl::flat_hash_set<absl::string_view> base_names;
    for (NameGroup& group : base_groups) {
      base_names.insert(group.name);
      if (!selected(group.name)) continue;
      auto it = contender_index.find(group.name);
      if (it == contender_index.end()) {
        report.only_in_base.push_back(group.name);
        continue;
      }
      const Entry& first = base.entries()[group.entries.front()];
      Pairing pairing;
      pairing.name = group.name;
      pairing.aggregate = first.run_type == RunType::kAggregate;
      pairing.base_entries = WithUnit(base, group.entries, first.time_unit);
      pairing.contender_entries = WithUnit(
          contender, contender_groups[it->second].entries, first.time_unit);
      pairings.push_back(std::move(pairing));
    }
    for (const NameGroup& group : contender_groups) {
      if (selected(group.name) && !base_names.contains(group.name)) {
        report.only_in_contender.push_back(group.name);
      }
    }
  } else {
    pairings.reserve(base.benchmarks().size());
    for (const Benchmark& b : base.benchmarks()) {
      if (b.iterations.empty() || !selected(b.run_name)) continue;
      const Benchmark* c = contender.FindBenchmark(b.run_name);
      if (c == nullptr || c->iterations.empty()) {
        report.only_in_base.push_back(b.run_name);
        continue;
      }
      Pairing pairing;
      pairing.name = b.run_name;
      pairing.base_entries = b.iterations;
      pairing.contender_entries = c->iterations;
      pairings.push_back(std::move(pairing));
    }
    for (const Benchmark& c : contender.benchmarks()) {
      if (c.iterations.empty() || !selected(c.run_name)) continue;
      const Benchmark* b = base.FindBenchmark(c.run_name);
      if (b == nullptr || b->iterations.empty()) {
        report.only_in_contender.push_back(c.run_name);
      }
    }
  }

  Comparer comparer(base, contender, options);
  std::vector<std::vector<Comparison>> per_pairing(pairings.size());
  const int workers = WorkerCount(options.threads, pairings.size() / 64);
  std::vector<std::unique_ptr<Worker>> state;
  for (int w = 0; w < workers; ++w) {
    state.push_back(std::make_unique<Worker>(options.bootstrap));
  }
  ParallelFor(pairings.size(), workers, [&](size_t i, int w) {
    comparer.ComparePairing(pairings[i], *state[w], &per_pairing[i]);
  });
  size_t total = 0;
  for (const auto& list : per_pairing) total += list.size();
  report.comparisons.reserve(total);
  for (auto& list : per_pairing) {
    for (Comparison& c : list) report.comparisons.push_back(std::move(c));
  }

  // Geometric means, metrics in order of first appearance.
  absl::flat_hash_map<std::string, size_t> geomean_index;
  std::vector<std::vector<double>> logs;
  for (const Comparison& c : report.comparisons) {
    if (c.aggregate || c.base.n == 0 || c.contender.n == 0) continue;
    if (!(c.ratio > 0) || !std::isfinite(c.ratio)) continue;
    auto [it, inserted] =
        geomean_index.try_emplace(c.metric.name, report.geomeans.size());
    if (inserted) {
      report.geomeans.push_back(GeometricMeanRatio{c.metric, 1, 0});
      logs.emplace_back();
    }
    logs[it->second].push_back(c.ratio);
  }
  for (size_t i = 0; i < report.geomeans.size(); ++i) {
    report.geomeans[i].ratio = GeometricMean(logs[i]);
    report.geomeans[i].count = static_cast<int>(logs[i].size());
  }
  return report;
}

}  // namespace m8::analysis
