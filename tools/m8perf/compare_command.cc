// m8perf compare BASE NEW

#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analysis/history/selection.h"
#include "analysis/judge/compare.h"
#include "analysis/judge/environment.h"
#include "analysis/read/reader.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

using analysis::CompareOptions;

struct CompareArgs {
  std::string base;  // "a.json,b.json": pool the repetitions of several runs
  std::string contender;
  CompareOptions options;
  std::vector<std::string> directions;  // NAME=lower|higher|neutral
  OutputOptions output;
  bool fail_on_regression = false;
  bool only_changed = false;
  bool all_metrics = false;
  bool strict_context = false;
  RunSelectionArgs selection;
};

int RunCompare(const CompareArgs& args, Io& io) {
  CompareOptions options = args.options;
  absl::StatusOr<std::vector<std::pair<std::string, analysis::Direction>>>
      directions = ParseDirections(args.directions);
  if (!directions.ok()) return Fail(io, directions.status());
  options.directions = *std::move(directions);
  const std::vector<std::string> base_paths = absl::StrSplit(args.base, ',');
  const std::vector<std::string> contender_paths =
      absl::StrSplit(args.contender, ',');
  std::vector<std::string> operands = base_paths;
  operands.insert(operands.end(), contender_paths.begin(),
                  contender_paths.end());
  absl::StatusOr<analysis::RunSelectionOptions> selection =
      SelectionOptions(args.selection);
  if (!selection.ok()) return Fail(io, selection.status());
  absl::StatusOr<std::vector<analysis::RunSource>> sources =
      analysis::ResolveRuns(operands, *selection);
  if (!sources.ok()) return Fail(io, sources.status());
  absl::StatusOr<std::vector<analysis::ResultsFile>> files =
      analysis::LoadRuns(*sources, *selection, {}, options.threads);
  if (!files.ok()) return Fail(io, files.status());
  analysis::RunsCheck runs = analysis::CheckRuns(*files);
  if (int status = FailOnContextDifferences(io, args.strict_context,
                                            runs.context_differences);
      status != kExitOk) {
    return status;
  }
  auto split = files->begin() + static_cast<long>(base_paths.size());
  const analysis::ResultsFile base =
      analysis::PoolRepetitions({std::make_move_iterator(files->begin()),
                                 std::make_move_iterator(split)});
  const analysis::ResultsFile contender = analysis::PoolRepetitions(
      {std::make_move_iterator(split), std::make_move_iterator(files->end())});
  absl::StatusOr<analysis::CompareReport> report =
      analysis::Compare(base, contender, options);
  if (!report.ok()) return Fail(io, report.status());
  report->warnings = std::move(runs.warnings);
  report->context_differences = std::move(runs.context_differences);
  Emit(*report, args.output, io,
       {.only_changed = args.only_changed, .all_metrics = args.all_metrics});
  if (args.fail_on_regression && report->HasRegression()) return kExitFailed;
  return kExitOk;
}

}  // namespace

Command CompareCommand() {
  return Command{
      "compare",
      "Compare two results files benchmark by benchmark (real_time, cpu_time "
      "and every counter): medians, ratio with its CI, Mann-Whitney "
      "p-value, verdict.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<CompareArgs>();
        app.add_option("BASE", args->base,
                       absl::StrCat("Baseline results: ", kRunOperandHelp,
                                    "; a,b,c pools the repetitions of "
                                    "several runs"))
            ->required();
        app.add_option("NEW", args->contender,
                       absl::StrCat("New results: ", kRunOperandHelp,
                                    "; a,b,c pools several runs"))
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
                       "expression (RE2: ECMAScript's syntax without "
                       "backreferences and lookaround; searched)");
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
        app.add_option(
               "--confidence", args->options.bootstrap.confidence,
               "Confidence level of the bootstrap interval of the ratio of "
               "medians (JSON median_ci_low/high; the verdict's "
               "interval is at 1 - alpha)")
            ->check(CLI::Range(0.5, 0.9999))
            ->capture_default_str();
        app.add_option("--seed", args->options.bootstrap.seed, "Bootstrap seed")
            ->capture_default_str();
        app.add_option("--threads", args->options.threads,
                       "Worker threads (0: one per core)")
            ->check(CLI::Range(0, 1024))
            ->capture_default_str();
        app.add_flag("--fail-on-regression", args->fail_on_regression,
                     "Exit with status 1 when any comparison regressed");
        app.add_flag("--only-changed", args->only_changed,
                     "Console: leave out unchanged rows (even the time)");
        app.add_flag("--all-metrics", args->all_metrics,
                     "Console: every metric of every benchmark (by default "
                     "the time, and the other metrics that changed)");
        app.add_flag("--strict-context", args->strict_context,
                     "Exit with status 2 when the runs differ in host, CPU, "
                     "build type, library version or grid options");
        AddRunSelectionOptions(app, &args->selection);
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunCompare(*args, io); };
      }};
}

}  // namespace m8::perf
