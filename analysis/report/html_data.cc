#include "analysis/report/html_data.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "analysis/report/format.h"

namespace m8::analysis {
namespace {

// Significant digits of measured values, and of p-values and fit
// parameters: more than a reader can use, and few enough to keep the page
// small.
constexpr int kValueDigits = 4;
constexpr int kStatDigits = 3;

constexpr Verdict kVerdicts[] = {Verdict::kRegressed, Verdict::kImproved,
                                 Verdict::kUnchanged, Verdict::kChanged,
                                 Verdict::kUnknown};

int VerdictCode(Verdict verdict) {
  for (int i = 0; i < 5; ++i) {
    if (kVerdicts[i] == verdict) return i;
  }
  return 4;
}

void Numbers(JsonWriter& json, absl::string_view key,
             absl::Span<const double> values, int digits) {
  json.Key(key).BeginArray();
  for (double value : values) json.Number(RoundSignificant(value, digits));
  json.EndArray();
}

void Ints(JsonWriter& json, absl::string_view key,
          absl::Span<const int> values) {
  json.Key(key).BeginArray();
  for (int value : values) json.Int(value);
  json.EndArray();
}

void WriteMetric(JsonWriter& json, const Metric& metric) {
  json.BeginObject()
      .Field("name", metric.name)
      .Field("unit", UnitSuffix(metric.unit))
      .Field("direction", DirectionName(metric.direction))
      .EndObject();
}

void WriteContext(
    JsonWriter& json,
    const std::vector<std::pair<std::string, std::string>>& context) {
  json.BeginArray();
  for (const auto& [key, value] : context) {
    json.BeginArray().String(key).String(value).EndArray();
  }
  json.EndArray();
}

void WriteWarnings(JsonWriter& json,
                   const std::vector<EnvironmentWarning>& warnings) {
  json.BeginArray();
  for (const EnvironmentWarning& warning : warnings)
    json.String(warning.message);
  json.EndArray();
}

void WriteBenchmarks(JsonWriter& json, const HtmlReport& report) {
  json.Key("benchmarks").BeginObject();
  json.Key("name").BeginArray();
  for (const HtmlBenchmark& b : report.benchmarks) json.String(b.name);
  json.EndArray();
  auto columns = [&](absl::string_view key,
                     std::vector<double> HtmlBenchmark::*field) {
    json.Key(key).BeginArray();
    for (const HtmlBenchmark& b : report.benchmarks) {
      json.BeginArray();
      for (double value : b.*field) {
        json.Number(RoundSignificant(value, kValueDigits));
      }
      json.EndArray();
    }
    json.EndArray();
  };
  columns("median", &HtmlBenchmark::median);
  columns("low", &HtmlBenchmark::low);
  columns("high", &HtmlBenchmark::high);
  columns("latest", &HtmlBenchmark::latest);
  columns("baseline", &HtmlBenchmark::baseline);
  std::vector<double> cv;
  std::vector<int> sweep;
  for (const HtmlBenchmark& b : report.benchmarks) {
    cv.push_back(b.cv);
    sweep.push_back(b.sweep);
  }
  Numbers(json, "cv", cv, kStatDigits);
  Ints(json, "sweep", sweep);
  json.EndObject();
}

void WriteChangePoints(JsonWriter& json, const HtmlReport& report) {
  std::vector<int> benchmark, run, regression;
  std::vector<double> change, pvalue, before, after;
  for (size_t b = 0; b < report.benchmarks.size(); ++b) {
    const int s = report.benchmarks[b].series;
    if (s < 0) continue;
    for (const TrendChangePoint& cp : report.trend.series[s].change_points) {
      benchmark.push_back(static_cast<int>(b));
      run.push_back(cp.run);
      regression.push_back(cp.regression ? 1 : 0);
      change.push_back(cp.change);
      pvalue.push_back(cp.pvalue);
      before.push_back(cp.median_before);
      after.push_back(cp.median_after);
    }
  }
  json.Key("change_points").BeginObject();
  Ints(json, "benchmark", benchmark);
  Ints(json, "run", run);
  Numbers(json, "change", change, kValueDigits);
  Numbers(json, "pvalue", pvalue, kStatDigits);
  Ints(json, "regression", regression);
  Numbers(json, "before", before, kValueDigits);
  Numbers(json, "after", after, kValueDigits);
  json.EndObject();
}

void WriteComparison(JsonWriter& json, const HtmlReport& report,
                     const absl::flat_hash_map<std::string, int>& index) {
  json.Key("comparison");
  if (!report.comparison) {
    json.Null();
    return;
  }
  const CompareReport& compare = *report.comparison;
  std::vector<Metric> metrics;
  absl::flat_hash_map<std::string, int> metric_index;
  std::vector<std::string> notes;
  absl::flat_hash_map<std::string, int> note_index;
  std::vector<int> benchmark, metric, verdict, base_n, new_n, note;
  std::vector<double> base, contender, ratio, ci_low, ci_high, pvalue, base_cv,
      new_cv;
  for (const Comparison& c : compare.comparisons) {
    auto b = index.find(c.name);
    if (c.aggregate || b == index.end()) continue;
    auto [m, added] = metric_index.try_emplace(
        c.metric.name, static_cast<int>(metrics.size()));
    if (added) metrics.push_back(c.metric);
    benchmark.push_back(b->second);
    metric.push_back(m->second);
    verdict.push_back(VerdictCode(c.verdict));
    base_n.push_back(c.base.n);
    new_n.push_back(c.contender.n);
    base.push_back(c.base.n > 0 ? c.base.median : NAN);
    contender.push_back(c.contender.n > 0 ? c.contender.median : NAN);
    ratio.push_back(c.ratio);
    ci_low.push_back(c.ci.low);
    ci_high.push_back(c.ci.high);
    pvalue.push_back(c.pvalue);
    base_cv.push_back(c.base.n > 1 ? c.base.cv : NAN);
    new_cv.push_back(c.contender.n > 1 ? c.contender.cv : NAN);
    if (c.note.empty()) {
      note.push_back(-1);
    } else {
      auto [n, fresh] =
          note_index.try_emplace(c.note, static_cast<int>(notes.size()));
      if (fresh) notes.push_back(c.note);
      note.push_back(n->second);
    }
  }
  json.BeginObject();
  json.Key("metrics").BeginArray();
  for (const Metric& m : metrics) WriteMetric(json, m);
  json.EndArray();
  Ints(json, "benchmark", benchmark);
  Ints(json, "metric", metric);
  Numbers(json, "base", base, kValueDigits);
  Numbers(json, "new", contender, kValueDigits);
  Numbers(json, "ratio", ratio, kValueDigits);
  Numbers(json, "ci_low", ci_low, kValueDigits);
  Numbers(json, "ci_high", ci_high, kValueDigits);
  Numbers(json, "pvalue", pvalue, kStatDigits);
  Ints(json, "verdict", verdict);
  Ints(json, "base_n", base_n);
  Ints(json, "new_n", new_n);
  Numbers(json, "base_cv", base_cv, kStatDigits);
  Numbers(json, "new_cv", new_cv, kStatDigits);
  Ints(json, "note", note);
  json.Field("notes", notes);
  json.Key("geomean").BeginArray();
  for (const GeometricMeanRatio& g : compare.geomeans) {
    json.BeginObject()
        .Field("metric", g.metric.name)
        .Key("ratio")
        .Number(RoundSignificant(g.ratio, kValueDigits))
        .Field("count", g.count)
        .EndObject();
  }
  json.EndArray();
  json.Field("only_in_base", compare.only_in_base);
  json.Field("only_in_new", compare.only_in_contender);
  json.EndObject();
}

void WriteSweeps(JsonWriter& json, const HtmlReport& report) {
  json.Key("sweeps").BeginArray();
  for (const ThreadSweep& sweep : report.scale.sweeps) {
    json.BeginObject().Field("name", sweep.name).Field("metric", sweep.metric);
    Ints(json, "threads", sweep.threads);
    Numbers(json, "throughput", sweep.throughput, kValueDigits);
    json.Key("fit");
    if (sweep.fit) {
      const UslFit& fit = *sweep.fit;
      json.BeginObject()
          .Field("sigma", RoundSignificant(fit.sigma, kStatDigits))
          .Field("kappa", RoundSignificant(fit.kappa, kStatDigits))
          .Field("lambda", RoundSignificant(fit.lambda, kValueDigits))
          .Field("peak_concurrency",
                 RoundSignificant(fit.peak_concurrency, kStatDigits))
          .Field("peak_throughput",
                 RoundSignificant(fit.peak_throughput, kValueDigits))
          .Field("r_squared", RoundSignificant(fit.r_squared, kStatDigits))
          .EndObject();
    } else {
      json.Null();
    }
    json.Field("warnings", sweep.warnings);
    json.EndObject();
  }
  json.EndArray();
}

int IndexOf(const absl::flat_hash_map<std::string, int>& index,
            const std::string& name) {
  auto it = index.find(name);
  return it == index.end() ? -1 : it->second;
}

void WriteBudgets(JsonWriter& json, const HtmlReport& report,
                  const absl::flat_hash_map<std::string, int>& index) {
  json.Key("budgets");
  if (!report.budgets) {
    json.Null();
    return;
  }
  const CheckReport& check = *report.budgets;
  json.BeginObject().Field("checks", check.checks);
  json.Key("breaches").BeginArray();
  for (const Breach& breach : check.breaches) {
    json.BeginObject()
        .Field("benchmark", IndexOf(index, breach.benchmark))
        .Field("name", breach.benchmark)
        .Field("metric", breach.metric.name)
        .Field("unit", UnitSuffix(breach.metric.unit))
        .Field("bound", BoundName(breach.kind))
        .Field("value", RoundSignificant(breach.value, kValueDigits))
        .Field("limit", RoundSignificant(breach.limit, kValueDigits))
        .Field("baseline", RoundSignificant(breach.baseline, kValueDigits))
        .Field("change", RoundSignificant(breach.change, kValueDigits))
        .Field("pattern", breach.pattern)
        .EndObject();
  }
  json.EndArray();
  json.Key("not_measured").BeginArray();
  for (const Unmeasured& u : check.not_measured) {
    json.BeginObject()
        .Field("benchmark", IndexOf(index, u.benchmark))
        .Field("name", u.benchmark)
        .Field("metric", u.metric)
        .Field("reason", u.reason)
        .Field("pattern", u.pattern)
        .EndObject();
  }
  json.EndArray();
  json.Field("warnings", check.warnings);
  json.EndObject();
}

void WriteTargets(JsonWriter& json, const HtmlReport& report,
                  const absl::flat_hash_map<std::string, int>& index) {
  json.Key("targets");
  if (!report.targets) {
    json.Null();
    return;
  }
  json.BeginArray();
  for (const TargetResult& t : report.targets->targets) {
    json.BeginObject()
        .Field("name", t.target.name)
        .Field("status", TargetStatusName(t.status))
        .Field("ratio", RoundSignificant(t.ratio, kValueDigits))
        .Field("bound", t.target.bound_text)
        .Field("numerator", t.target.numerator.Describe(t.target.metric))
        .Field("denominator", t.target.denominator.Describe(t.target.metric))
        .Field("numerator_benchmark",
               IndexOf(index, t.target.numerator.benchmark))
        .Field("denominator_benchmark",
               IndexOf(index, t.target.denominator.benchmark))
        .Field("metric", t.target.metric.name)
        .Field("problem", t.problem)
        .EndObject();
  }
  json.EndArray();
}

void WriteRun(JsonWriter& json, const HtmlRun& run, int index) {
  json.BeginObject()
      .Field("index", index)
      .Field("label", run.label)
      .Field("revision", run.revision)
      .Field("date", run.date)
      .EndObject();
}

}  // namespace

double RoundSignificant(double value, int digits) {
  if (!std::isfinite(value) || value == 0) return value;
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, value);
  return std::strtod(buffer, nullptr);
}

std::string HtmlReportData(const HtmlReport& report) {
  absl::flat_hash_map<std::string, int> index;
  for (size_t i = 0; i < report.benchmarks.size(); ++i) {
    index.emplace(report.benchmarks[i].name, static_cast<int>(i));
  }
  std::string out;
  JsonWriter json(&out);
  json.BeginObject().Field("version", 1).Field("title", report.title);
  json.Key("metric");
  WriteMetric(json, report.metric);
  if (report.comparison) {
    json.Field("alpha", report.comparison->alpha)
        .Field("confidence", report.comparison->confidence);
  }
  json.Field("noise", report.noise);

  json.Key("runs").BeginObject();
  json.Key("label").BeginArray();
  for (const HtmlRun& run : report.runs) json.String(run.label);
  json.EndArray().Key("revision").BeginArray();
  for (const HtmlRun& run : report.runs) json.String(run.revision);
  json.EndArray().Key("date").BeginArray();
  for (const HtmlRun& run : report.runs) json.String(run.date);
  json.EndArray().EndObject();
  json.Key("baseline");
  if (report.baseline) {
    WriteRun(json, *report.baseline, report.baseline_index);
  } else {
    json.Null();
  }

  WriteBenchmarks(json, report);
  WriteChangePoints(json, report);
  json.Key("verdicts").BeginArray();
  for (Verdict verdict : kVerdicts) json.String(VerdictName(verdict));
  json.EndArray();
  WriteComparison(json, report, index);
  WriteSweeps(json, report);
  WriteBudgets(json, report, index);
  WriteTargets(json, report, index);

  json.Field("warnings", report.warnings)
      .Field("compared_differences", report.compared_differences)
      .Field("view_differences", report.view_differences);
  json.Key("environment").BeginArray();
  for (const HtmlRun& run : report.runs) WriteContext(json, run.context);
  json.EndArray();
  json.Key("run_warnings").BeginArray();
  for (const HtmlRun& run : report.runs) WriteWarnings(json, run.warnings);
  json.EndArray();
  json.Key("baseline_environment");
  if (report.baseline && report.baseline_index < 0) {
    WriteContext(json, report.baseline->context);
    json.Key("baseline_warnings");
    WriteWarnings(json, report.baseline->warnings);
  } else {
    json.Null();
    json.Key("baseline_warnings").BeginArray().EndArray();
  }
  json.EndObject();
  return out;
}

}  // namespace m8::analysis
