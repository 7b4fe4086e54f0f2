#include "analysis/judge/budgets.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analysis/judge/quantity.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/samples.h"
#include "nlohmann/json.hpp"

namespace m8::analysis {
namespace {

using Json = nlohmann::json;

absl::Status BudgetError(absl::string_view source, int index,
                         absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": budgets[", index, "]: ", detail));
}

// A bound written as a number (in the metric's unit) or a string with a
// unit.
absl::StatusOr<double> BoundValue(const Json& value, const Metric& metric) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    return ParseQuantity(value.get<std::string>(), metric.unit);
  }
  return absl::InvalidArgumentError(
      "must be a number or a string like \"150ns\"");
}

absl::StatusOr<double> ChangeValue(const Json& value) {
  if (value.is_number()) {
    return ParseRelativeChange(absl::StrCat(value.get<double>()));
  }
  if (value.is_string()) return ParseRelativeChange(value.get<std::string>());
  return absl::InvalidArgumentError(
      "must be a fraction or a string like \"5%\"");
}

// Whether `change` (value / baseline - 1) is worse than `limit` for the
// metric's direction.
bool ChangeBreaches(Direction direction, double change, double limit) {
  switch (direction) {
    case Direction::kLowerIsBetter:
      return change > limit;
    case Direction::kHigherIsBetter:
      return -change > limit;
    case Direction::kNeutral:
      return std::fabs(change) > limit;
  }
  return false;
}

}  // namespace

absl::string_view BoundName(BoundKind kind) {
  switch (kind) {
    case BoundKind::kMax:
      return "max";
    case BoundKind::kMin:
      return "min";
    case BoundKind::kMaxChange:
      return "max_change";
  }
  return "max";
}

absl::StatusOr<std::vector<Budget>> ParseBudgets(absl::string_view text,
                                                 absl::string_view source) {
  Json root = Json::parse(text.begin(), text.end(), /*cb=*/nullptr,
                          /*allow_exceptions=*/false,
                          /*ignore_comments=*/true);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON"));
  }
  if (!root.is_object() || !root.contains("budgets") ||
      !root["budgets"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": expected an object with a \"budgets\" array"));
  }
  std::vector<Budget> budgets;
  int index = 0;
  for (const Json& item : root["budgets"]) {
    if (!item.is_object()) return BudgetError(source, index, "not an object");
    Budget budget;
    budget.index = index;
    for (const auto& [key, value] : item.items()) {
      if (key != "benchmark" && key != "metric" && key != "max" &&
          key != "min" && key != "max_change" && key != "note") {
        return BudgetError(
            source, index,
            absl::StrCat("unknown key '", key,
                         "' (known: benchmark, metric, max, min, max_change, "
                         "note)"));
      }
    }
    if (!item.contains("benchmark") || !item["benchmark"].is_string()) {
      return BudgetError(source, index,
                         "'benchmark' (a regular expression) is required");
    }
    if (!item.contains("metric") || !item["metric"].is_string()) {
      return BudgetError(source, index, "'metric' is required");
    }
    budget.benchmark = item["benchmark"].get<std::string>();
    if (absl::StatusOr<NameFilter> check =
            NameFilter::Create(budget.benchmark, "");
        !check.ok()) {
      return BudgetError(source, index, std::string(check.status().message()));
    }
    budget.metric = ClassifyMetric(item["metric"].get<std::string>());
    for (const char* key : {"max", "min"}) {
      if (!item.contains(key)) continue;
      absl::StatusOr<double> bound = BoundValue(item[key], budget.metric);
      if (!bound.ok()) {
        return BudgetError(
            source, index,
            absl::StrCat("'", key, "' ", bound.status().message()));
      }
      (std::string(key) == "max" ? budget.max : budget.min) = *bound;
    }
    if (item.contains("max_change")) {
      absl::StatusOr<double> change = ChangeValue(item["max_change"]);
      if (!change.ok()) {
        return BudgetError(
            source, index,
            absl::StrCat("'max_change' ", change.status().message()));
      }
      budget.max_change = *change;
    }
    if (!budget.max && !budget.min && !budget.max_change) {
      return BudgetError(source, index,
                         "needs at least one of max, min, max_change");
    }
    budgets.push_back(std::move(budget));
    ++index;
  }
  return budgets;
}

absl::StatusOr<std::vector<Budget>> ReadBudgets(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseBudgets(text.str(), path);
}

absl::StatusOr<CheckReport> CheckBudgets(const ResultsFile& results,
                                         absl::Span<const Budget> budgets,
                                         const ResultsFile* baseline,
                                         const DirectionOverrides& directions) {
  CheckReport report;
  report.results_source = results.source();
  if (baseline != nullptr) report.baseline_source = baseline->source();
  for (const Budget& budget : budgets) {
    if (budget.max_change && baseline == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "budgets[", budget.index, "] has max_change: give --baseline"));
    }
  }
  for (const Budget& budget : budgets) {
    const NameFilter pattern = *NameFilter::Create(budget.benchmark);
    Metric metric = ResolveMetric(budget.metric.name,
                                  &results.context().counters, &directions);
    metric.unit = budget.metric.unit;  // the unit its bounds were read in
    const MetricReader reader(results, budget.metric.name);
    std::optional<MetricReader> baseline_reader;
    if (baseline != nullptr) {
      baseline_reader.emplace(*baseline, budget.metric.name);
    }
    int matched = 0;
    for (const Benchmark& benchmark : results.benchmarks()) {
      if (!pattern.Matches(benchmark.run_name)) continue;
      const std::optional<double> value =
          PointEstimate(results, benchmark, reader);
      if (!value) {
        const int not_measured = CountNotMeasured(results,
                                                  benchmark.iterations.empty()
                                                      ? benchmark.aggregates
                                                      : benchmark.iterations,
                                                  reader);
        if (not_measured > 0) {
          ++matched;
          report.not_measured.push_back(
              Unmeasured{benchmark.run_name, budget.metric.name,
                         absl::StrCat(reader.companion(), " = 0"), budget.index,
                         budget.benchmark});
        }
        continue;  // errored, without this metric, or not measured
      }
      ++matched;
      ++report.checks;
      Breach breach;
      breach.benchmark = benchmark.run_name;
      breach.metric = metric;
      breach.value = *value;
      breach.budget = budget.index;
      breach.pattern = budget.benchmark;
      if (budget.max && *value > *budget.max) {
        breach.kind = BoundKind::kMax;
        breach.limit = *budget.max;
        report.breaches.push_back(breach);
      }
      if (budget.min && *value < *budget.min) {
        breach.kind = BoundKind::kMin;
        breach.limit = *budget.min;
        report.breaches.push_back(breach);
      }
      if (budget.max_change) {
        const Benchmark* before = baseline->FindBenchmark(benchmark.run_name);
        const std::optional<double> base_value =
            before == nullptr
                ? std::nullopt
                : PointEstimate(*baseline, *before, *baseline_reader);
        if (!base_value || !(*base_value > 0)) {
          report.warnings.push_back(absl::StrCat(
              benchmark.run_name, " ", budget.metric.name,
              ": no positive baseline value in ", baseline->source(),
              "; max_change of budgets[", budget.index, "] not checked"));
          continue;
        }
        const double change = *value / *base_value - 1;
        if (ChangeBreaches(metric.direction, change, *budget.max_change)) {
          breach.kind = BoundKind::kMaxChange;
          breach.limit = *budget.max_change;
          breach.baseline = *base_value;
          breach.change = change;
          report.breaches.push_back(breach);
        }
      }
    }
    if (matched == 0) {
      report.warnings.push_back(absl::StrCat(
          "budgets[", budget.index, "] ('", budget.benchmark, "', ",
          budget.metric.name, ") matched no benchmark with that metric"));
    }
  }
  return report;
}

}  // namespace m8::analysis
