// Writers for CompareReport in the three formats.

#include "analysis/judge/compare.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analysis/read/printable.h"
#include "analysis/report/console.h"
#include "analysis/report/format.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"

namespace m8::analysis {
namespace {

constexpr Verdict kVerdictOrder[] = {Verdict::kRegressed, Verdict::kImproved,
                                     Verdict::kChanged, Verdict::kUnknown,
                                     Verdict::kUnchanged};

Colour VerdictColour(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegressed:
      return Colour::kRed;
    case Verdict::kImproved:
      return Colour::kGreen;
    case Verdict::kChanged:
    case Verdict::kUnknown:
      return Colour::kYellow;
    case Verdict::kUnchanged:
      return Colour::kNone;
  }
  return Colour::kNone;
}

std::string FormatInterval(const Interval& ci) {
  if (std::isnan(ci.low) || std::isnan(ci.high)) return "-";
  return absl::StrCat("[", FormatChange(ci.low), ", ", FormatChange(ci.high),
                      "]");
}

std::string VerdictCounts(const CompareReport& report) {
  std::vector<std::string> parts;
  for (Verdict verdict : kVerdictOrder) {
    const int count = report.Count(verdict);
    if (count > 0)
      parts.push_back(absl::StrCat(count, " ", VerdictName(verdict)));
  }
  return parts.empty() ? "nothing compared" : absl::StrJoin(parts, ", ");
}

std::string Settings(const CompareReport& report) {
  return absl::StrFormat(
      "alpha %s, noise band ±%s%%, %s%% CI of the ratio (Hodges-Lehmann)",
      FormatDouble(report.alpha), FormatDouble(report.noise * 100),
      FormatDouble(report.confidence * 100));
}

std::string NameList(const std::vector<std::string>& names, size_t limit) {
  std::vector<std::string> shown(names.begin(),
                                 names.begin() + std::min(limit, names.size()));
  std::string list = absl::StrJoin(shown, ", ");
  if (names.size() > limit) {
    absl::StrAppend(&list, ", ... (", names.size() - limit, " more)");
  }
  return list;
}

// `text` broken at spaces into lines of at most `width` characters (longer
// words stay whole).
std::string WrapParagraph(absl::string_view text, size_t width) {
  std::string out;
  size_t line = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line > 0 && line + 1 + word.size() > width) {
      out += '\n';
      line = 0;
    }
    if (line > 0) {
      out += ' ';
      ++line;
    }
    absl::StrAppend(&out, word);
    line += word.size();
  }
  return out + "\n";
}

// Environment warnings, then context differences.
std::vector<std::string> AllWarnings(const CompareReport& report) {
  std::vector<std::string> lines = report.warnings;
  lines.insert(lines.end(), report.context_differences.begin(),
               report.context_differences.end());
  return lines;
}

// The metric that stands for a benchmark's time: real_time when compared,
// else cpu_time, else none ("").
absl::string_view TimeMetric(const CompareReport& report) {
  absl::string_view found;
  for (const Comparison& c : report.comparisons) {
    if (c.metric.name == "real_time") return "real_time";
    if (c.metric.name == "cpu_time") found = "cpu_time";
  }
  return found;
}

// "3 regressed, 2 improved, ..." over the comparisons of `metric` (every
// metric when empty), every verdict named even when zero.
std::string CountsOf(const CompareReport& report, absl::string_view metric) {
  int counts[std::size(kVerdictOrder)] = {};
  for (const Comparison& c : report.comparisons) {
    if (!metric.empty() && c.metric.name != metric) continue;
    for (size_t i = 0; i < std::size(kVerdictOrder); ++i) {
      if (c.verdict == kVerdictOrder[i]) ++counts[i];
    }
  }
  std::vector<std::string> parts;
  for (size_t i = 0; i < std::size(kVerdictOrder); ++i) {
    parts.push_back(
        absl::StrCat(counts[i], " ", VerdictName(kVerdictOrder[i])));
  }
  return absl::StrJoin(parts, ", ");
}

int DistinctBenchmarks(const CompareReport& report) {
  int count = 0;
  const std::string* previous = nullptr;
  for (const Comparison& c : report.comparisons) {
    if (previous == nullptr || *previous != c.name) ++count;
    previous = &c.name;
  }
  return count;
}

}  // namespace

std::string SummaryParagraph(const CompareReport& report) {
  const int benchmarks = DistinctBenchmarks(report);
  std::string text =
      absl::StrCat(benchmarks, benchmarks == 1 ? " benchmark" : " benchmarks",
                   " compared (", report.comparisons.size(), " comparisons).");
  const absl::string_view time_metric = TimeMetric(report);
  if (!time_metric.empty()) {
    absl::StrAppend(&text, " Time (", time_metric,
                    "): ", CountsOf(report, time_metric), ".");
  }
  absl::StrAppend(&text, " All metrics: ", CountsOf(report, ""), ".");
  std::vector<std::string> times;
  int count = 0;
  for (const GeometricMeanRatio& g : report.geomeans) {
    if (g.metric.name != "real_time" && g.metric.name != "cpu_time") continue;
    times.push_back(absl::StrCat(g.metric.name, " ", FormatChange(g.ratio)));
    count = std::max(count, g.count);
  }
  if (!times.empty()) {
    absl::StrAppend(&text, " Geometric mean of the time ratios: ",
                    absl::StrJoin(times, ", "), " (", count,
                    count == 1 ? " benchmark)." : " benchmarks).");
  }
  absl::StrAppend(&text, " Verdicts at ", Settings(report), ".");
  return text;
}

std::string ToConsole(const CompareReport& report,
                      const ConsoleOptions& options) {
  const bool colour = options.colour;
  std::string out =
      absl::StrCat("Comparing ", Printable(report.base_source), " (base) to ",
                   Printable(report.contender_source), " (new)\n\n",
                   WrapParagraph(SummaryParagraph(report), 79));
  for (const std::string& line : AllWarnings(report)) {
    absl::StrAppend(&out, Paint("warning: ", Colour::kYellow, colour),
                    Printable(line), "\n");
  }
  out += "\n";
  TextTable table({"Benchmark", "Metric", "Base", "New", "Change", "CI",
                   "p-value", "Verdict", "Note"},
                  {TextTable::Align::kLeft, TextTable::Align::kLeft,
                   TextTable::Align::kRight, TextTable::Align::kRight,
                   TextTable::Align::kRight, TextTable::Align::kLeft,
                   TextTable::Align::kRight, TextTable::Align::kLeft,
                   TextTable::Align::kLeft});
  const absl::string_view time_metric = TimeMetric(report);
  size_t left_out = 0;
  for (const Comparison& c : report.comparisons) {
    const bool changed = c.verdict != Verdict::kUnchanged;
    const bool shown = options.only_changed ? changed
                                            : options.all_metrics || changed ||
                                                  c.metric.name == time_metric;
    if (!shown) {
      ++left_out;
      continue;
    }
    const Colour verdict_colour = VerdictColour(c.verdict);
    table.AddRow(
        {c.name, c.metric.name,
         c.base.n ? FormatValue(c.base.median, c.metric.unit) : "-",
         c.contender.n ? FormatValue(c.contender.median, c.metric.unit) : "-",
         FormatChange(c.ratio), FormatInterval(c.ci), FormatPValue(c.pvalue),
         c.not_measured ? "not measured" : std::string(VerdictName(c.verdict)),
         c.note},
        {Colour::kNone, Colour::kNone, Colour::kNone, Colour::kNone,
         verdict_colour, Colour::kNone, Colour::kNone, verdict_colour,
         Colour::kNone});
  }
  if (table.rows() > 0) {
    out += table.Render(colour);
  } else {
    out += options.only_changed ? "No changes.\n" : "Nothing to compare.\n";
  }
  if (left_out > 0) {
    absl::StrAppend(&out, "(", left_out,
                    " unchanged rows left out; --all-metrics shows them)\n");
  }
  if (!report.geomeans.empty()) {
    out += "\nGeometric mean of the ratios:";
    for (const GeometricMeanRatio& g : report.geomeans) {
      absl::StrAppend(&out, " ", Printable(g.metric.name), " ",
                      FormatChange(g.ratio));
      if (&g != &report.geomeans.back()) out += ",";
    }
    const int count = report.geomeans.front().count;
    absl::StrAppend(&out, " (", count,
                    count == 1 ? " benchmark)\n" : " benchmarks)\n");
  }
  if (!report.only_in_base.empty()) {
    absl::StrAppend(&out, "Only in base (", report.only_in_base.size(),
                    "): ", Printable(NameList(report.only_in_base, 10)), "\n");
  }
  if (!report.only_in_contender.empty()) {
    absl::StrAppend(&out, "Only in new (", report.only_in_contender.size(),
                    "): ", Printable(NameList(report.only_in_contender, 10)),
                    "\n");
  }
  return out;
}

std::string ToMarkdown(const CompareReport& report) {
  constexpr size_t kMaxFullRows = 1000;
  std::string out =
      absl::StrCat("### m8perf compare: ", MarkdownCode(report.base_source),
                   " → ", MarkdownCode(report.contender_source), "\n\n");
  const int regressed = report.Count(Verdict::kRegressed);
  absl::StrAppend(&out, regressed > 0 ? ":warning: " : "",
                  VerdictCounts(report), " (", Settings(report), ").\n\n");
  for (const std::string& warning : AllWarnings(report)) {
    absl::StrAppend(&out, "- :warning: ", MarkdownText(warning), "\n");
  }
  if (!AllWarnings(report).empty()) out += "\n";
  const std::string header =
      "| Benchmark | Metric | Base | New | Change | CI | p-value | Verdict |\n"
      "|---|---|---:|---:|---:|---|---:|---|\n";
  auto row = [&](const Comparison& c) {
    std::string verdict(c.not_measured ? "not measured"
                                       : VerdictName(c.verdict));
    if (c.verdict == Verdict::kRegressed || c.verdict == Verdict::kImproved) {
      verdict = absl::StrCat("**", verdict, "**");
    }
    if (!c.note.empty())
      absl::StrAppend(&verdict, " (", MarkdownText(c.note), ")");
    return absl::StrCat(
        "| ", MarkdownCode(c.name), " | ", MarkdownText(c.metric.name), " | ",
        c.base.n ? FormatValue(c.base.median, c.metric.unit) : "-", " | ",
        c.contender.n ? FormatValue(c.contender.median, c.metric.unit) : "-",
        " | ", FormatChange(c.ratio), " | ", FormatInterval(c.ci), " | ",
        FormatPValue(c.pvalue), " | ", verdict, " |\n");
  };
  std::string notable;
  for (Verdict verdict : kVerdictOrder) {
    if (verdict == Verdict::kUnchanged) continue;
    for (const Comparison& c : report.comparisons) {
      if (c.verdict == verdict) notable += row(c);
    }
  }
  if (!notable.empty()) {
    absl::StrAppend(&out, header, notable, "\n");
  }
  if (!report.geomeans.empty()) {
    out += "| Geometric mean | Change | Benchmarks |\n|---|---:|---:|\n";
    for (const GeometricMeanRatio& g : report.geomeans) {
      absl::StrAppend(&out, "| ", MarkdownText(g.metric.name), " | ",
                      FormatChange(g.ratio), " | ", g.count, " |\n");
    }
    out += "\n";
  }
  if (!report.comparisons.empty()) {
    absl::StrAppend(&out, "<details><summary>All ", report.comparisons.size(),
                    " comparisons</summary>\n\n", header);
    size_t shown = 0;
    for (const Comparison& c : report.comparisons) {
      if (shown++ == kMaxFullRows) break;
      out += row(c);
    }
    if (report.comparisons.size() > kMaxFullRows) {
      absl::StrAppend(&out, "\n", report.comparisons.size() - kMaxFullRows,
                      " more rows left out; use --format=json for all.\n");
    }
    out += "\n</details>\n";
  }
  if (!report.only_in_base.empty()) {
    absl::StrAppend(&out, "\nOnly in base (", report.only_in_base.size(),
                    "): ", MarkdownText(NameList(report.only_in_base, 20)),
                    "\n");
  }
  if (!report.only_in_contender.empty()) {
    absl::StrAppend(&out, "\nOnly in new (", report.only_in_contender.size(),
                    "): ", MarkdownText(NameList(report.only_in_contender, 20)),
                    "\n");
  }
  return out;
}

std::string ToJson(const CompareReport& report) {
  std::string out;
  out.reserve(640 * report.comparisons.size() + 1024);  // ~500 B each
  JsonWriter json(&out);
  json.BeginObject()
      .Field("base", report.base_source)
      .Field("new", report.contender_source)
      .Field("alpha", report.alpha)
      .Field("noise", report.noise)
      .Field("confidence", report.confidence);
  json.Key("comparisons").BeginArray();
  for (const Comparison& c : report.comparisons) {
    json.BeginObject()
        .Field("name", c.name)
        .Field("metric", c.metric.name)
        .Field("direction", DirectionName(c.metric.direction))
        .Field("base_median", c.base.n ? c.base.median : NAN)
        .Field("new_median", c.contender.n ? c.contender.median : NAN)
        .Field("ratio", c.ratio)
        .Field("ci_low", c.ci.low)
        .Field("ci_high", c.ci.high)
        .Field("shift", c.shift)
        .Field("median_ci_low", c.median_ci.low)
        .Field("median_ci_high", c.median_ci.high)
        .Field("pvalue", c.pvalue)
        .Field("verdict", VerdictName(c.verdict))
        .Field("base_n", c.base.n)
        .Field("new_n", c.contender.n);
    if (c.base.n > 0 && c.contender.n > 0) {
      json.Field("method",
                 c.method == MannWhitneyMethod::kExact ? "exact" : "asymptotic")
          .Field("base_mad", c.base.mad)
          .Field("new_mad", c.contender.mad)
          .Field("base_cv", c.base.cv)
          .Field("new_cv", c.contender.cv);
      json.Key("base_outliers")
          .BeginObject()
          .Field("mild", c.base.outliers.mild)
          .Field("severe", c.base.outliers.severe)
          .EndObject();
      json.Key("new_outliers")
          .BeginObject()
          .Field("mild", c.contender.outliers.mild)
          .Field("severe", c.contender.outliers.severe)
          .EndObject();
    }
    if (c.aggregate) json.Field("aggregate", true);
    if (c.not_measured) json.Field("not_measured", true);
    if (!c.note.empty()) json.Field("note", c.note);
    json.EndObject();
  }
  json.EndArray();
  json.Key("geomean").BeginObject();
  for (const GeometricMeanRatio& g : report.geomeans) {
    json.Key(g.metric.name)
        .BeginObject()
        .Field("ratio", g.ratio)
        .Field("count", g.count)
        .EndObject();
  }
  json.EndObject();
  json.Key("counts").BeginObject();
  for (Verdict verdict : kVerdictOrder) {
    json.Field(VerdictName(verdict), report.Count(verdict));
  }
  json.EndObject();
  json.Field("only_in_base", report.only_in_base)
      .Field("only_in_new", report.only_in_contender)
      .Field("warnings", AllWarnings(report))
      .Field("context_differences", report.context_differences)
      .EndObject();
  out += '\n';
  return out;
}

}  // namespace m8::analysis
