#include "analysis/judge/summary.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "analysis/judge/quantity.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/samples.h"
#include "analysis/report/format.h"
#include "nlohmann/json.hpp"

namespace m8::analysis {
namespace {

using Json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

absl::Status TargetError(absl::string_view source, int index,
                         absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": targets[", index, "]: ", detail));
}

absl::StatusOr<Operand> ParseOperand(const Json& value, const Metric& metric) {
  Operand operand;
  if (value.is_string()) {
    operand.benchmark = value.get<std::string>();
    if (operand.benchmark.empty()) {
      return absl::InvalidArgumentError("an empty benchmark name");
    }
    return operand;
  }
  if (value.is_number()) {
    operand.constant = value.get<double>();
    return operand;
  }
  if (value.is_object() && value.contains("value")) {
    const Json& inner = value["value"];
    if (inner.is_number()) {
      operand.constant = inner.get<double>();
      return operand;
    }
    if (inner.is_string()) {
      absl::StatusOr<double> parsed =
          ParseQuantity(inner.get<std::string>(), metric.unit);
      if (!parsed.ok()) return parsed.status();
      operand.constant = *parsed;
      return operand;
    }
  }
  return absl::InvalidArgumentError(
      "must be a benchmark name, a number or {\"value\": \"3.43us\"}");
}

bool Holds(Comparator comparator, double ratio, double bound) {
  switch (comparator) {
    case Comparator::kLess:
      return ratio < bound;
    case Comparator::kLessEqual:
      return ratio <= bound;
    case Comparator::kGreater:
      return ratio > bound;
    case Comparator::kGreaterEqual:
      return ratio >= bound;
  }
  return false;
}

}  // namespace

std::string Operand::Describe(const Metric& metric) const {
  if (constant) return FormatValue(*constant, metric.unit);
  return benchmark;
}

absl::StatusOr<std::pair<Comparator, double>> ParseBound(
    absl::string_view text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (absl::ConsumePrefix(&rest, "ratio")) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
  }
  Comparator comparator;
  if (absl::ConsumePrefix(&rest, "<=")) {
    comparator = Comparator::kLessEqual;
  } else if (absl::ConsumePrefix(&rest, ">=")) {
    comparator = Comparator::kGreaterEqual;
  } else if (absl::ConsumePrefix(&rest, "<")) {
    comparator = Comparator::kLess;
  } else if (absl::ConsumePrefix(&rest, ">")) {
    comparator = Comparator::kGreater;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "bound '", text, "' must start with <=, <, >= or > (e.g. \"<= 1.3\")"));
  }
  rest = absl::StripAsciiWhitespace(rest);
  double scale = 1;
  if (absl::ConsumeSuffix(&rest, "%")) {
    scale = 0.01;
  } else {
    absl::ConsumeSuffix(&rest, "x");
  }
  double number = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(rest), &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bound '", text, "': '", rest, "' is not a number"));
  }
  return std::make_pair(comparator, number * scale);
}

absl::string_view TargetStatusName(TargetStatus status) {
  switch (status) {
    case TargetStatus::kPass:
      return "pass";
    case TargetStatus::kFail:
      return "fail";
    case TargetStatus::kMissing:
      return "missing";
  }
  return "missing";
}

absl::StatusOr<std::vector<Target>> ParseTargets(absl::string_view text,
                                                 absl::string_view source) {
  Json root = Json::parse(text.begin(), text.end(), nullptr,
                          /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON"));
  }
  if (!root.is_object() || !root.contains("targets") ||
      !root["targets"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": expected an object with a \"targets\" array"));
  }
  std::vector<Target> targets;
  int index = 0;
  for (const Json& item : root["targets"]) {
    if (!item.is_object()) return TargetError(source, index, "not an object");
    for (const auto& [key, value] : item.items()) {
      if (key != "name" && key != "numerator" && key != "denominator" &&
          key != "metric" && key != "bound" && key != "note") {
        return TargetError(
            source, index,
            absl::StrCat("unknown key '", key,
                         "' (known: name, numerator, denominator, metric, "
                         "bound, note)"));
      }
    }
    for (const char* key : {"numerator", "denominator", "metric", "bound"}) {
      if (!item.contains(key)) {
        return TargetError(source, index,
                           absl::StrCat("'", key, "' is required"));
      }
    }
    if (!item["metric"].is_string() || !item["bound"].is_string()) {
      return TargetError(source, index, "'metric' and 'bound' are strings");
    }
    Target target;
    target.metric = ClassifyMetric(item["metric"].get<std::string>());
    target.name = item.contains("name") && item["name"].is_string()
                      ? item["name"].get<std::string>()
                      : absl::StrCat("target ", index);
    for (const char* key : {"numerator", "denominator"}) {
      absl::StatusOr<Operand> operand = ParseOperand(item[key], target.metric);
      if (!operand.ok()) {
        return TargetError(
            source, index,
            absl::StrCat("'", key, "' ", operand.status().message()));
      }
      (std::string(key) == "numerator" ? target.numerator
                                       : target.denominator) = *operand;
    }
    target.bound_text = item["bound"].get<std::string>();
    absl::StatusOr<std::pair<Comparator, double>> bound =
        ParseBound(target.bound_text);
    if (!bound.ok())
      return TargetError(source, index, bound.status().message());
    target.comparator = bound->first;
    target.bound = bound->second;
    targets.push_back(std::move(target));
    ++index;
  }
  return targets;
}

absl::StatusOr<std::vector<Target>> ReadTargets(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  return ParseTargets(text.str(), path);
}

int SummaryReport::Count(TargetStatus status) const {
  int count = 0;
  for (const TargetResult& t : targets) count += t.status == status;
  return count;
}

absl::StatusOr<SummaryReport> Summarize(const ResultsFile& file,
                                        const std::vector<Target>& targets,
                                        const std::string& filter) {
  absl::StatusOr<NameFilter> pattern = NameFilter::Create(filter);
  if (!pattern.ok()) return pattern.status();
  SummaryReport report;
  report.source = file.source();
  report.columns = {ClassifyMetric(kRealTime), ClassifyMetric(kCpuTime)};
  for (absl::string_view counter : kSummaryCounters) {
    if (file.FindCounter(counter) >= 0) {
      report.columns.push_back(ResolveMetric(counter, &file.context().counters,
                                             /*overrides=*/nullptr));
    }
  }
  std::vector<MetricReader> readers;
  for (const Metric& column : report.columns) {
    readers.emplace_back(file, column.name);
  }
  for (const Benchmark& benchmark : file.benchmarks()) {
    if (benchmark.iterations.empty() && benchmark.aggregates.empty()) continue;
    if (!pattern->Matches(benchmark.run_name)) continue;
    // BigO/RMS-only families have nothing to summarise.
    bool timed = false;
    for (uint32_t i : benchmark.iterations)
      timed |= file.entries()[i].has_times;
    for (uint32_t i : benchmark.aggregates)
      timed |= file.entries()[i].has_times;
    if (!timed) continue;
    SummaryRow row;
    row.name = benchmark.run_name;
    for (uint32_t i : benchmark.iterations) {
      row.repetitions += file.entries()[i].usable();
    }
    for (const MetricReader& reader : readers) {
      row.values.push_back(
          PointEstimate(file, benchmark, reader).value_or(kNaN));
    }
    if (row.repetitions == 0) {
      if (const Entry* failure = FirstFailure(file, benchmark.iterations)) {
        row.failure = absl::StrCat(
            failure->status == RunStatus::kError ? "errored" : "skipped",
            failure->message.empty() ? "" : ": ", failure->message);
      }
    }
    report.rows.push_back(std::move(row));
  }
  for (const Target& target : targets) {
    TargetResult result;
    result.target = target;
    auto value_of = [&](const Operand& operand, double* out) -> std::string {
      if (operand.constant) {
        *out = *operand.constant;
        return "";
      }
      const Benchmark* benchmark = file.FindBenchmark(operand.benchmark);
      if (benchmark == nullptr) {
        return absl::StrCat("no benchmark '", operand.benchmark, "'");
      }
      std::optional<double> value = PointEstimate(
          file, *benchmark, MetricReader(file, target.metric.name));
      if (!value) {
        return absl::StrCat("'", operand.benchmark, "' has no ",
                            target.metric.name, " value");
      }
      *out = *value;
      return "";
    };
    std::string problem = value_of(target.numerator, &result.numerator);
    if (problem.empty()) {
      problem = value_of(target.denominator, &result.denominator);
    }
    if (problem.empty() && !(result.denominator != 0)) {
      problem = "the denominator is 0";
    }
    if (!problem.empty()) {
      result.status = TargetStatus::kMissing;
      result.problem = problem;
      result.ratio = kNaN;
    } else {
      result.ratio = result.numerator / result.denominator;
      result.status = Holds(target.comparator, result.ratio, target.bound)
                          ? TargetStatus::kPass
                          : TargetStatus::kFail;
    }
    report.targets.push_back(std::move(result));
  }
  return report;
}

}  // namespace m8::analysis
