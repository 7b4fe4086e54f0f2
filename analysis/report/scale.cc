// Writers for ScaleReport.

#include "analysis/judge/scale.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/read/printable.h"
#include "analysis/report/console.h"
#include "analysis/report/format.h"
#include "analysis/report/json.h"
#include "analysis/report/markdown.h"

namespace m8::analysis {
namespace {

std::string Points(const ThreadSweep& sweep) {
  std::string text;
  for (size_t i = 0; i < sweep.threads.size(); ++i) {
    absl::StrAppend(&text, i ? ", " : "", sweep.threads[i], ": ",
                    FormatValue(sweep.throughput[i], Unit::kPerSecond));
  }
  return text;
}

std::string Peak(const UslFit& fit) {
  if (std::isinf(fit.peak_concurrency)) return "none (kappa = 0)";
  return absl::StrFormat("N* = %.1f, %s", fit.peak_concurrency,
                         FormatValue(fit.peak_throughput, Unit::kPerSecond));
}

}  // namespace

std::string ToConsole(const ScaleReport& report,
                      const ConsoleOptions& options) {
  std::string out = absl::StrCat("Universal Scalability Law fits for ",
                                 Printable(report.source), "\n\n");
  for (const std::string& warning : report.warnings) {
    absl::StrAppend(&out, Paint("warning: ", Colour::kYellow, options.colour),
                    Printable(warning), "\n");
  }
  if (!report.warnings.empty()) out += "\n";
  if (report.sweeps.empty()) {
    return out +
           "No thread sweeps (benchmarks that differ only in threads:N).\n";
  }
  for (const ThreadSweep& sweep : report.sweeps) {
    absl::StrAppend(&out,
                    Paint(Printable(sweep.name), Colour::kBold, options.colour),
                    "  (", Printable(sweep.metric), ")\n  throughput  ",
                    Points(sweep), "\n");
    if (sweep.fit) {
      const UslFit& fit = *sweep.fit;
      absl::StrAppend(
          &out,
          absl::StrFormat("  sigma %.4g  kappa %.4g  lambda %s  R^2 %.4f\n"
                          "  peak        %s\n",
                          fit.sigma, fit.kappa,
                          FormatValue(fit.lambda, Unit::kPerSecond),
                          fit.r_squared, Peak(fit)));
    }
    for (const std::string& warning : sweep.warnings) {
      absl::StrAppend(&out, "  ",
                      Paint("warning: ", Colour::kYellow, options.colour),
                      Printable(warning), "\n");
    }
    out += "\n";
  }
  return out;
}

std::string ToMarkdown(const ScaleReport& report) {
  std::string out =
      absl::StrCat("### m8perf scale: ", MarkdownCode(report.source), "\n\n");
  for (const std::string& warning : report.warnings) {
    absl::StrAppend(&out, "- :warning: ", MarkdownText(warning), "\n");
  }
  if (!report.warnings.empty()) out += "\n";
  if (report.sweeps.empty()) return out + "No thread sweeps.\n";
  out +=
      "| Sweep | Throughput by threads | sigma | kappa | lambda | Peak | R² | "
      "Warnings |\n|---|---|---:|---:|---:|---|---:|---|\n";
  for (const ThreadSweep& sweep : report.sweeps) {
    std::string warnings;
    for (const std::string& w : sweep.warnings) {
      absl::StrAppend(&warnings, warnings.empty() ? "" : "; ", w);
    }
    if (sweep.fit) {
      const UslFit& fit = *sweep.fit;
      absl::StrAppend(&out, "| ", MarkdownCode(sweep.name), " | ",
                      Points(sweep), " | ", absl::StrFormat("%.4g", fit.sigma),
                      " | ", absl::StrFormat("%.4g", fit.kappa), " | ",
                      FormatValue(fit.lambda, Unit::kPerSecond), " | ",
                      Peak(fit), " | ", absl::StrFormat("%.4f", fit.r_squared),
                      " | ", MarkdownText(warnings), " |\n");
    } else {
      absl::StrAppend(&out, "| ", MarkdownCode(sweep.name), " | ",
                      Points(sweep), " | - | - | - | - | - | ",
                      MarkdownText(warnings), " |\n");
    }
  }
  return out;
}

std::string ToJson(const ScaleReport& report) {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject().Field("source", report.source);
  json.Key("sweeps").BeginArray();
  for (const ThreadSweep& sweep : report.sweeps) {
    json.BeginObject().Field("name", sweep.name).Field("metric", sweep.metric);
    json.Key("threads").BeginArray();
    for (int t : sweep.threads) json.Int(t);
    json.EndArray();
    json.Key("throughput").BeginArray();
    for (double x : sweep.throughput) json.Number(x);
    json.EndArray();
    if (sweep.fit) {
      json.Field("sigma", sweep.fit->sigma)
          .Field("kappa", sweep.fit->kappa)
          .Field("lambda", sweep.fit->lambda)
          .Field("peak_concurrency", sweep.fit->peak_concurrency)
          .Field("peak_throughput", sweep.fit->peak_throughput)
          .Field("r_squared", sweep.fit->r_squared);
    }
    json.Field("warnings", sweep.warnings).EndObject();
  }
  json.EndArray();
  json.Field("warnings", report.warnings).EndObject();
  out += '\n';
  return out;
}

}  // namespace m8::analysis
