// Writers for SummaryReport.

#include "analysis/judge/summary.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/read/printable.h"
#include "analysis/report/console.h"
#include "analysis/report/format.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"

namespace m8::analysis {
namespace {

absl::string_view ComparatorText(Comparator c) {
  switch (c) {
    case Comparator::kLess:
      return "<";
    case Comparator::kLessEqual:
      return "<=";
    case Comparator::kGreater:
      return ">";
    case Comparator::kGreaterEqual:
      return ">=";
  }
  return "<=";
}

std::string RatioText(const TargetResult& t) {
  if (t.status == TargetStatus::kMissing) return "-";
  return absl::StrCat(FormatDouble(std::round(t.ratio * 1000) / 1000), "x");
}

std::string BoundText(const Target& t) {
  return absl::StrCat(ComparatorText(t.comparator), " ", FormatDouble(t.bound),
                      "x");
}

Colour StatusColour(TargetStatus status) {
  switch (status) {
    case TargetStatus::kPass:
      return Colour::kGreen;
    case TargetStatus::kFail:
      return Colour::kRed;
    case TargetStatus::kMissing:
      return Colour::kYellow;
  }
  return Colour::kNone;
}

std::string TargetLine(const SummaryReport& report) {
  return absl::StrCat(report.Count(TargetStatus::kPass), " of ",
                      report.targets.size(), " targets met, ",
                      report.Count(TargetStatus::kFail), " missed, ",
                      report.Count(TargetStatus::kMissing), " not measured");
}

}  // namespace

std::string ToConsole(const SummaryReport& report,
                      const ConsoleOptions& options) {
  std::string out =
      absl::StrCat("Summary of ", Printable(report.source), "\n\n");
  for (const std::string& warning : report.warnings) {
    absl::StrAppend(&out, Paint("warning: ", Colour::kYellow, options.colour),
                    Printable(warning), "\n");
  }
  if (!report.warnings.empty()) out += "\n";
  std::vector<std::string> headers = {"Benchmark", "Reps"};
  std::vector<TextTable::Align> aligns = {TextTable::Align::kLeft,
                                          TextTable::Align::kRight};
  for (const Metric& column : report.columns) {
    headers.push_back(column.name);
    aligns.push_back(TextTable::Align::kRight);
  }
  headers.push_back("Note");
  aligns.push_back(TextTable::Align::kLeft);
  TextTable table(headers, aligns);
  for (const SummaryRow& row : report.rows) {
    std::vector<std::string> cells = {row.name, absl::StrCat(row.repetitions)};
    for (size_t i = 0; i < report.columns.size(); ++i) {
      cells.push_back(FormatValue(row.values[i], report.columns[i].unit));
    }
    cells.push_back(row.failure);
    table.AddRow(std::move(cells));
  }
  out += table.Render(options.colour);
  if (report.targets.empty()) return out;
  out += "\nTargets\n";
  TextTable targets({"Target", "Ratio", "Bound", "Status", "Measured"},
                    {TextTable::Align::kLeft, TextTable::Align::kRight,
                     TextTable::Align::kLeft, TextTable::Align::kLeft,
                     TextTable::Align::kLeft});
  for (const TargetResult& t : report.targets) {
    const Unit unit = t.target.metric.unit;
    const std::string measured =
        t.status == TargetStatus::kMissing
            ? t.problem
            : absl::StrCat(t.target.metric.name, " ",
                           FormatValue(t.numerator, unit), " / ",
                           FormatValue(t.denominator, unit));
    targets.AddRow(
        {t.target.name, RatioText(t), BoundText(t.target),
         std::string(TargetStatusName(t.status)), measured},
        {Colour::kNone, Colour::kNone, Colour::kNone, StatusColour(t.status)});
  }
  absl::StrAppend(&out, targets.Render(options.colour), TargetLine(report),
                  "\n");
  return out;
}

std::string ToMarkdown(const SummaryReport& report) {
  std::string out =
      absl::StrCat("### m8perf summary: ", MarkdownCode(report.source), "\n\n");
  for (const std::string& warning : report.warnings) {
    absl::StrAppend(&out, "- :warning: ", MarkdownText(warning), "\n");
  }
  if (!report.warnings.empty()) out += "\n";
  if (!report.targets.empty()) {
    absl::StrAppend(&out, TargetLine(report),
                    ".\n\n| Target | Ratio | Bound | Status | Measured |\n"
                    "|---|---:|---|---|---|\n");
    for (const TargetResult& t : report.targets) {
      const Unit unit = t.target.metric.unit;
      std::string status(TargetStatusName(t.status));
      if (t.status == TargetStatus::kFail) status = "**fail**";
      absl::StrAppend(
          &out, "| ", MarkdownText(t.target.name), " | ", RatioText(t), " | ",
          MarkdownText(BoundText(t.target)), " | ", status, " | ",
          t.status == TargetStatus::kMissing
              ? MarkdownText(t.problem)
              : absl::StrCat(MarkdownText(t.target.metric.name), " ",
                             FormatValue(t.numerator, unit), " / ",
                             FormatValue(t.denominator, unit)),
          " |\n");
    }
    out += "\n";
  }
  out += "| Benchmark | Reps |";
  for (const Metric& column : report.columns)
    absl::StrAppend(&out, " ", MarkdownText(column.name), " |");
  out += "\n|---|---:|";
  for (size_t i = 0; i < report.columns.size(); ++i) out += "---:|";
  out += "\n";
  for (const SummaryRow& row : report.rows) {
    absl::StrAppend(&out, "| ", MarkdownCode(row.name), " | ", row.repetitions,
                    " |");
    for (size_t i = 0; i < report.columns.size(); ++i) {
      absl::StrAppend(&out, " ",
                      FormatValue(row.values[i], report.columns[i].unit), " |");
    }
    out += "\n";
  }
  return out;
}

std::string ToJson(const SummaryReport& report) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject().Field("source", report.source);
  json.Key("benchmarks").BeginArray();
  for (const SummaryRow& row : report.rows) {
    json.BeginObject()
        .Field("name", row.name)
        .Field("repetitions", row.repetitions);
    for (size_t i = 0; i < report.columns.size(); ++i) {
      json.Field(report.columns[i].name, row.values[i]);
    }
    if (!row.failure.empty()) json.Field("failure", row.failure);
    json.EndObject();
  }
  json.EndArray();
  json.Key("targets").BeginArray();
  for (const TargetResult& t : report.targets) {
    json.BeginObject()
        .Field("name", t.target.name)
        .Field("numerator", t.target.numerator.Describe(t.target.metric))
        .Field("denominator", t.target.denominator.Describe(t.target.metric))
        .Field("metric", t.target.metric.name)
        .Field("bound", t.target.bound_text)
        .Field("numerator_value",
               t.status == TargetStatus::kMissing ? NAN : t.numerator)
        .Field("denominator_value",
               t.status == TargetStatus::kMissing ? NAN : t.denominator)
        .Field("ratio", t.ratio)
        .Field("status", TargetStatusName(t.status));
    if (!t.problem.empty()) json.Field("problem", t.problem);
    json.EndObject();
  }
  json.EndArray();
  json.Field("warnings", report.warnings).EndObject();
  out += '\n';
  return out;
}

}  // namespace m8::analysis
