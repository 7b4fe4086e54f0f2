// m8perf compare BASE NEW

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "analysis/compare.h"
#include "analysis/reader.h"
#include "analysis/report_console.h"
#include "analysis/report_json.h"
#include "analysis/report_markdown.h"
#include "tools/m8perf/command.h"

namespace m8::perf {
namespace {

using analysis::CompareOptions;

struct CompareArgs {
  std::string base;
  std::string contender;
  CompareOptions options;
  std::vector<std::string> directions;  // NAME=lower|higher|neutral
  OutputOptions output;
  bool fail_on_regression = false;
  bool only_changed = false;
};

int RunCompare(const CompareArgs& args, Io& io) {
  CompareOptions options = args.options;
  for (const std::string& spec : args.directions) {
    std::vector<std::string> parts = absl::StrSplit(spec, '=');
    if (parts.size() != 2) {
      return Fail(io, absl::InvalidArgumentError(
                          "--direction takes NAME=lower|higher|neutral, got '" +
                          spec + "'"));
    }
    absl::StatusOr<analysis::Direction> direction =
        analysis::ParseDirection(parts[1]);
    if (!direction.ok()) return Fail(io, direction.status());
    options.directions.emplace_back(parts[0], *direction);
  }
  absl::StatusOr<std::vector<analysis::ResultsFile>> files =
      analysis::ReadResultsFiles({args.base, args.contender}, options.threads);
  if (!files.ok()) return Fail(io, files.status());
  absl::StatusOr<analysis::CompareReport> report =
      analysis::Compare((*files)[0], (*files)[1], options);
  if (!report.ok()) return Fail(io, report.status());
  switch (args.output.format_value()) {
    case Format::kConsole:
      io.out << analysis::ToConsole(
          *report, {args.output.UseColour(io), args.only_changed});
      break;
    case Format::kMarkdown:
      io.out << analysis::ToMarkdown(*report);
      break;
    case Format::kJson:
      io.out << analysis::ToJson(*report);
      break;
  }
  io.out.flush();
  if (args.fail_on_regression && report->HasRegression()) return kExitFailed;
  return kExitOk;
}

}  // namespace

Command CompareCommand() {
  return Command{
      "compare",
      "Compare two results files benchmark by benchmark (real_time, cpu_time "
      "and every counter): medians, ratio with bootstrap CI, Mann-Whitney "
      "p-value, verdict.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<CompareArgs>();
        app.add_option("BASE", args->base, "Baseline results (JSON)")
            ->required();
        app.add_option("NEW", args->contender, "New results (JSON)")
            ->required();
        app.add_option("--alpha", args->options.alpha,
                       "Significance level of the Mann-Whitney U test")
            ->check(CLI::Range(0.0, 1.0))
            ->capture_default_str();
        app.add_option("--noise", args->options.noise,
                       "Noise band: relative changes whose whole CI stays "
                       "within ±noise count as unchanged")
            ->check(CLI::Range(0.0, 10.0))
            ->capture_default_str();
        app.add_option("--metrics", args->options.metrics,
                       "Metrics to compare (comma-separated); default: "
                       "real_time, cpu_time and every counter")
            ->delimiter(',');
        app.add_option("--filter", args->options.filter,
                       "Only benchmarks whose run_name matches this regular "
                       "expression (ECMAScript, searched)");
        app.add_option("--direction", args->directions,
                       "Override a metric's direction: NAME=lower|higher|"
                       "neutral (repeatable)");
        app.add_flag("--include-aggregates", args->options.include_aggregates,
                     "Also compare aggregate entries (mean, median, ...) by "
                     "name, as compare.py does");
        app.add_option("--resamples", args->options.bootstrap.resamples,
                       "Bootstrap resamples per side")
            ->check(CLI::Range(100, 10000000))
            ->capture_default_str();
        app.add_option("--confidence", args->options.bootstrap.confidence,
                       "Confidence level of the ratio interval")
            ->check(CLI::Range(0.5, 0.9999))
            ->capture_default_str();
        app.add_option("--seed", args->options.bootstrap.seed,
                       "Bootstrap seed")
            ->capture_default_str();
        app.add_option("--threads", args->options.threads,
                       "Worker threads (0: one per core)")
            ->check(CLI::Range(0, 1024))
            ->capture_default_str();
        app.add_flag("--fail-on-regression", args->fail_on_regression,
                     "Exit with status 1 when any comparison regressed");
        app.add_flag("--only-changed", args->only_changed,
                     "Console: leave out unchanged rows");
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunCompare(*args, io); };
      }};
}

}  // namespace m8::perf
