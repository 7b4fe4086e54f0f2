// Writers for CheckReport.

#include <string>

#include "absl/strings/str_cat.h"
#include "analysis/judge/budgets.h"
#include "analysis/read/printable.h"
#include "analysis/report/console.h"
#include "analysis/report/format.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"

namespace m8::analysis {
namespace {

// "152 ns > max 150 ns" or "+7.2% vs baseline 1.20 us > max_change 5%".
std::string Describe(const Breach& b) {
  const Unit unit = b.metric.unit;
  switch (b.kind) {
    case BoundKind::kMax:
      return absl::StrCat(FormatValue(b.value, unit), " > max ",
                          FormatValue(b.limit, unit));
    case BoundKind::kMin:
      return absl::StrCat(FormatValue(b.value, unit), " < min ",
                          FormatValue(b.limit, unit));
    case BoundKind::kMaxChange:
      return absl::StrCat(FormatValue(b.value, unit), " is ",
                          FormatChange(1 + b.change), " vs baseline ",
                          FormatValue(b.baseline, unit), ": max_change ",
                          FormatDouble(b.limit * 100), "%");
  }
  return "";
}

std::string Outcome(const CheckReport& report) {
  std::string out =
      absl::StrCat(report.checks, " checks, ", report.breaches.size(),
                   report.breaches.size() == 1 ? " breach" : " breaches");
  if (!report.not_measured.empty()) {
    absl::StrAppend(&out, ", ", report.not_measured.size(), " not measured");
  }
  return out;
}

// "Stress/Soak: rss_slope_bytes_per_s not measured (rss_slope_runs = 0):
// budgets[3] not checked".
std::string DescribeUnmeasured(const Unmeasured& u) {
  return absl::StrCat(u.benchmark, ": ", u.metric, " not measured (", u.reason,
                      "): budgets[", u.budget, "] not checked");
}

}  // namespace

std::string ToConsole(const CheckReport& report,
                      const ConsoleOptions& options) {
  std::string out = absl::StrCat("Checking ", Printable(report.results_source));
  if (!report.baseline_source.empty()) {
    absl::StrAppend(&out, " against baseline ",
                    Printable(report.baseline_source));
  }
  out += "\n\n";
  if (!report.breaches.empty()) {
    TextTable table({"Benchmark", "Metric", "Breach", "Budget"},
                    {TextTable::Align::kLeft, TextTable::Align::kLeft,
                     TextTable::Align::kLeft, TextTable::Align::kLeft});
    for (const Breach& b : report.breaches) {
      table.AddRow({b.benchmark, b.metric.name, Describe(b),
                    absl::StrCat("budgets[", b.budget, "] ", b.pattern)},
                   {Colour::kNone, Colour::kNone, Colour::kRed});
    }
    out += table.Render(options.colour);
    out += "\n";
  }
  for (const Unmeasured& u : report.not_measured) {
    absl::StrAppend(&out, "not measured: ", Printable(DescribeUnmeasured(u)),
                    "\n");
  }
  for (const std::string& warning : report.warnings) {
    absl::StrAppend(&out, "warning: ", Printable(warning), "\n");
  }
  absl::StrAppend(
      &out,
      Paint(Outcome(report), report.HasBreach() ? Colour::kRed : Colour::kGreen,
            options.colour),
      "\n");
  return out;
}

std::string ToMarkdown(const CheckReport& report) {
  std::string out = absl::StrCat(
      "### m8perf check: ", MarkdownCode(report.results_source), "\n\n",
      report.HasBreach() ? ":x: " : ":white_check_mark: ", Outcome(report),
      ".\n\n");
  if (!report.breaches.empty()) {
    out += "| Benchmark | Metric | Breach | Budget |\n|---|---|---|---|\n";
    for (const Breach& b : report.breaches) {
      absl::StrAppend(&out, "| ", MarkdownCode(b.benchmark), " | ",
                      MarkdownText(b.metric.name), " | ",
                      MarkdownText(Describe(b)), " | budgets[", b.budget, "] ",
                      MarkdownCode(b.pattern), " |\n");
    }
    out += "\n";
  }
  for (const Unmeasured& u : report.not_measured) {
    absl::StrAppend(
        &out, "- not measured: ", MarkdownText(DescribeUnmeasured(u)), "\n");
  }
  for (const std::string& warning : report.warnings) {
    absl::StrAppend(&out, "- warning: ", MarkdownText(warning), "\n");
  }
  return out;
}

std::string ToJson(const CheckReport& report) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject()
      .Field("results", report.results_source)
      .Field("baseline", report.baseline_source)
      .Field("checks", report.checks);
  json.Key("breaches").BeginArray();
  for (const Breach& b : report.breaches) {
    json.BeginObject()
        .Field("benchmark", b.benchmark)
        .Field("metric", b.metric.name)
        .Field("bound", BoundName(b.kind))
        .Field("value", b.value)
        .Field("limit", b.limit);
    if (b.kind == BoundKind::kMaxChange) {
      json.Field("baseline", b.baseline).Field("change", b.change);
    }
    json.Field("budget", b.budget).Field("pattern", b.pattern).EndObject();
  }
  json.EndArray();
  json.Key("not_measured").BeginArray();
  for (const Unmeasured& u : report.not_measured) {
    json.BeginObject()
        .Field("benchmark", u.benchmark)
        .Field("metric", u.metric)
        .Field("reason", u.reason)
        .Field("budget", u.budget)
        .Field("pattern", u.pattern)
        .EndObject();
  }
  json.EndArray();
  json.Field("warnings", report.warnings).EndObject();
  out += '\n';
  return out;
}

}  // namespace m8::analysis
