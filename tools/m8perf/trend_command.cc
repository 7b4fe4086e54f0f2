// m8perf trend RUN...

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/selection.h"
#include "analysis/judge/trend.h"
#include "analysis/read/reader.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

struct TrendArgs {
  std::vector<std::string> runs;
  bool by_date = false;
  std::vector<std::string> metrics;
  std::vector<std::string> directions;
  analysis::TrendOptions options;
  bool fail_on_regression = false;
  bool strict_context = false;
  OutputOptions output;
  RunSelectionArgs selection;
};

int RunTrend(const TrendArgs& args, Io& io) {
  analysis::TrendOptions options = args.options;
  absl::StatusOr<std::vector<std::pair<std::string, analysis::Direction>>>
      directions = ParseDirections(args.directions);
  if (!directions.ok()) return Fail(io, directions.status());
  options.directions = *std::move(directions);
  absl::StatusOr<analysis::RunSelectionOptions> selection =
      SelectionOptions(args.selection);
  if (!selection.ok()) return Fail(io, selection.status());
  // Without operands: the runs the selectors pick from the history.
  absl::StatusOr<std::vector<analysis::RunSource>> sources =
      analysis::ResolveRuns(args.runs, *selection);
  if (!sources.ok()) return Fail(io, sources.status());
  // Each run is read and reduced to its medians on a worker, so the history
  // never sits in memory as parsed files.
  std::vector<analysis::RunSummary> runs(sources->size());
  if (absl::Status read = analysis::ForEachRun(
          *sources, *selection, {.keep_aggregates = false}, options.threads,
          [&](size_t i, analysis::ResultsFile file) {
            runs[i] = analysis::SummarizeRun(file, args.metrics);
          });
      !read.ok()) {
    return Fail(io, read);
  }
  if (args.by_date) {
    if (absl::Status sorted = analysis::SortRunsByDate(&runs); !sorted.ok()) {
      return Fail(io, sorted);
    }
  }
  absl::StatusOr<analysis::TrendReport> report =
      analysis::AnalyzeTrend(runs, options);
  if (!report.ok()) return Fail(io, report.status());
  if (int status = FailOnContextDifferences(io, args.strict_context,
                                            report->context_differences);
      status != kExitOk) {
    return status;
  }
  Emit(*report, args.output, io);
  if (args.fail_on_regression && report->RegressionCount() > 0) {
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

Command TrendCommand() {
  return Command{
      "trend",
      "Find change points in a history of runs: one series per (benchmark, "
      "metric) of per-run medians, E-divisive means with t-tests (Otava).",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<TrendArgs>();
        app.add_option("RUN", args->runs,
                       absl::StrCat("Runs, oldest first (or any order with "
                                    "--by-date): ",
                                    kRunOperandHelp,
                                    ". None: the stored runs the selectors "
                                    "pick, oldest first"));
        app.add_flag("--by-date", args->by_date,
                     "Order runs by their context date instead of the order "
                     "given");
        app.add_option("--metrics", args->metrics,
                       "Metrics to track (comma-separated); default: all")
            ->delimiter(',');
        app.add_option("--filter", args->options.filter,
                       "Only benchmarks whose run_name matches this regular "
                       "expression");
        app.add_option("--direction", args->directions,
                       "Override a metric's direction: NAME=lower|higher|"
                       "neutral (repeatable)");
        app.add_option("--window", args->options.detector.window,
                       "Points per sliding window")
            ->check(CLI::Range(3, 100000))
            ->capture_default_str();
        app.add_option("--max-pvalue", args->options.detector.max_pvalue,
                       "Significance a change point must reach")
            ->check(CLI::Range(0.0, 1.0))
            ->capture_default_str();
        app.add_option("--min-magnitude", args->options.detector.min_magnitude,
                       "Smallest relative change reported (0.01 ignores "
                       "sub-1% steps)")
            ->check(CLI::Range(0.0, 100.0))
            ->capture_default_str();
        app.add_option("--min-segment", args->options.detector.min_segment,
                       "Fewest points on either side of a change point "
                       "within its segment (1 as Otava; 5 or 6 keeps single "
                       "outliers from reading as steps)")
            ->check(CLI::Range(1, 100000))
            ->capture_default_str();
        app.add_option("--threads", args->options.threads,
                       "Worker threads (0: one per core)")
            ->check(CLI::Range(0, 1024))
            ->capture_default_str();
        app.add_flag("--fail-on-regression", args->fail_on_regression,
                     "Exit with status 1 when a change point is a regression");
        app.add_flag("--strict-context", args->strict_context,
                     "Exit with status 2 when the runs differ in host, CPU, "
                     "build type, library version or grid options");
        AddRunSelectionOptions(app, &args->selection);
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunTrend(*args, io); };
      }};
}

}  // namespace m8::perf
