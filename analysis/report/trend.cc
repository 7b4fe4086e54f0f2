// Writers for TrendReport.

#include "analysis/judge/trend.h"

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

std::string Headline(const TrendReport& report) {
  return absl::StrCat(report.series.size(), " series over ", report.runs.size(),
                      " runs: ", report.ChangePointCount(), " change points, ",
                      report.RegressionCount(), " of them regressions (window ",
                      report.detector.window, ", max p-value ",
                      FormatDouble(report.detector.max_pvalue),
                      ", min magnitude ",
                      FormatDouble(report.detector.min_magnitude), ")");
}

std::string Kind(const Series& series, const TrendChangePoint& cp) {
  if (cp.regression) return "regression";
  return series.metric.direction == Direction::kNeutral ? "change"
                                                        : "improvement";
}

// Environment warnings, then context differences.
std::vector<std::string> AllWarnings(const TrendReport& report) {
  std::vector<std::string> lines = report.warnings;
  lines.insert(lines.end(), report.context_differences.begin(),
               report.context_differences.end());
  return lines;
}

}  // namespace

std::string ToConsole(const TrendReport& report,
                      const ConsoleOptions& options) {
  std::string out;
  TextTable table({"Benchmark", "Metric", "Run", "Before", "After", "Change",
                   "p-value", "Kind"},
                  {TextTable::Align::kLeft, TextTable::Align::kLeft,
                   TextTable::Align::kLeft, TextTable::Align::kRight,
                   TextTable::Align::kRight, TextTable::Align::kRight,
                   TextTable::Align::kRight, TextTable::Align::kLeft});
  for (const Series& series : report.series) {
    for (const TrendChangePoint& cp : series.change_points) {
      const Colour colour = cp.regression ? Colour::kRed : Colour::kGreen;
      table.AddRow({series.name, series.metric.name,
                    absl::StrCat("#", cp.run, " ", report.runs[cp.run]),
                    FormatValue(cp.mean_before, series.metric.unit),
                    FormatValue(cp.mean_after, series.metric.unit),
                    FormatChange(1 + cp.change), FormatPValue(cp.pvalue),
                    Kind(series, cp)},
                   {Colour::kNone, Colour::kNone, Colour::kNone, Colour::kNone,
                    Colour::kNone, colour, Colour::kNone, colour});
    }
  }
  if (table.rows() > 0) {
    out += table.Render(options.colour);
    out += "\n";
  } else {
    out += "No change points.\n\n";
  }
  absl::StrAppend(&out, Headline(report), "\n");
  for (const std::string& line : AllWarnings(report)) {
    absl::StrAppend(&out, Paint("warning: ", Colour::kYellow, options.colour),
                    Printable(line), "\n");
  }
  return out;
}

std::string ToMarkdown(const TrendReport& report) {
  std::string out =
      absl::StrCat("### m8perf trend\n\n", Headline(report), ".\n\n");
  for (const std::string& warning : AllWarnings(report)) {
    absl::StrAppend(&out, "- :warning: ", MarkdownText(warning), "\n");
  }
  if (!AllWarnings(report).empty()) out += "\n";
  if (report.ChangePointCount() == 0) return out;
  out +=
      "| Benchmark | Metric | Run | Before | After | Change | p-value | Kind "
      "|\n|---|---|---|---:|---:|---:|---:|---|\n";
  for (const Series& series : report.series) {
    for (const TrendChangePoint& cp : series.change_points) {
      std::string kind = Kind(series, cp);
      if (cp.regression) kind = absl::StrCat("**", kind, "**");
      absl::StrAppend(&out, "| ", MarkdownCode(series.name), " | ",
                      MarkdownText(series.metric.name), " | #", cp.run, " ",
                      MarkdownCode(report.runs[cp.run]), " | ",
                      FormatValue(cp.mean_before, series.metric.unit), " | ",
                      FormatValue(cp.mean_after, series.metric.unit), " | ",
                      FormatChange(1 + cp.change), " | ",
                      FormatPValue(cp.pvalue), " | ", kind, " |\n");
    }
  }
  return out;
}

std::string ToJson(const TrendReport& report) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("runs").BeginArray();
  for (const std::string& run : report.runs) json.String(run);
  json.EndArray();
  json.Key("series").BeginArray();
  for (const Series& series : report.series) {
    json.BeginObject()
        .Field("name", series.name)
        .Field("metric", series.metric.name)
        .Field("direction", DirectionName(series.metric.direction));
    json.Key("points").BeginArray();
    for (double p : series.points) json.Number(p);
    json.EndArray();
    json.Key("runs").BeginArray();
    for (int r : series.runs) json.Int(r);
    json.EndArray();
    json.Key("change_points").BeginArray();
    for (const TrendChangePoint& cp : series.change_points) {
      json.BeginObject()
          .Field("index", cp.index)
          .Field("run", report.runs[cp.run])
          .Field("before", cp.mean_before)
          .Field("after", cp.mean_after)
          .Field("change", cp.change)
          .Field("pvalue", cp.pvalue)
          .Field("regression", cp.regression)
          .Field("median_before", cp.median_before)
          .Field("median_after", cp.median_after)
          .EndObject();
    }
    json.EndArray().EndObject();
  }
  json.EndArray();
  json.Field("warnings", AllWarnings(report))
      .Field("context_differences", report.context_differences)
      .EndObject();
  out += '\n';
  return out;
}

}  // namespace m8::analysis
