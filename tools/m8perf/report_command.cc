// m8perf report [RUN...] --html OUT.html

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/history/selection.h"
#include "analysis/read/reader.h"
#include "analysis/report/html_page.h"
#include "analysis/report/html_report.h"
#include "analysis/status_macros.h"
#include "optimizer/files.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

// The runs that `operands` name (results files, stored runs @ID, @last,
// @prev), in order; with no operands, the runs the selectors pick from the
// history, oldest first. Each is labelled as the page names it: a file by
// its path, a stored run as "@12 (date, revision)".
absl::StatusOr<std::vector<analysis::LabelledRun>> ReadRuns(
    const std::vector<std::string>& operands,
    const analysis::RunSelectionOptions& selection, int threads) {
  M8_ASSIGN_OR_RETURN(std::vector<analysis::RunSource> sources,
                      analysis::ResolveRuns(operands, selection));
  M8_ASSIGN_OR_RETURN(std::vector<analysis::ResultsFile> files,
                      analysis::LoadRuns(sources, selection, {}, threads));
  std::vector<analysis::LabelledRun> runs;
  runs.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    runs.push_back({sources[i].label, std::move(files[i])});
  }
  return runs;
}

struct ReportArgs {
  std::vector<std::string> runs;
  RunSelectionArgs selection;
  int threads = 0;
  std::string html;
  std::string baseline;
  std::string budgets;
  std::string targets;
  std::vector<std::string> directions;
  analysis::HtmlReportOptions options;
};

absl::StatusOr<analysis::HtmlReport> Judge(ReportArgs args) {
  M8_ASSIGN_OR_RETURN(args.options.directions,
                      ParseDirections(args.directions));
  if (!args.budgets.empty()) {
    M8_ASSIGN_OR_RETURN(args.options.budgets,
                        analysis::ReadBudgets(args.budgets));
  }
  if (!args.targets.empty()) {
    M8_ASSIGN_OR_RETURN(args.options.targets,
                        analysis::ReadTargets(args.targets));
  }
  M8_ASSIGN_OR_RETURN(const analysis::RunSelectionOptions selection,
                      SelectionOptions(args.selection));
  M8_ASSIGN_OR_RETURN(std::vector<analysis::LabelledRun> runs,
                      ReadRuns(args.runs, selection, args.threads));
  std::vector<analysis::LabelledRun> baseline;
  if (!args.baseline.empty()) {
    M8_ASSIGN_OR_RETURN(baseline,
                        ReadRuns({args.baseline}, selection, args.threads));
  }
  return analysis::BuildHtmlReport(
      runs, baseline.empty() ? nullptr : &baseline.front(), args.options);
}

int RunReport(const ReportArgs& args, Io& io) {
  absl::StatusOr<analysis::HtmlReport> report = Judge(args);
  if (!report.ok()) return Fail(io, report.status());
  const std::string page = analysis::ToHtml(*report);
  if (absl::Status written = optimizer::WriteFileAtomically(args.html, page);
      !written.ok()) {
    return Fail(io, written);
  }
  io.out << "wrote " << args.html << ": " << report->benchmarks.size()
         << " benchmarks, " << report->runs.size() << " runs, "
         << absl::StrFormat("%.1f", page.size() / 1e6) << " MB\n";
  io.out.flush();
  return kExitOk;
}

}  // namespace

Command ReportCommand() {
  return Command{
      "report",
      "Write a self-contained HTML report of runs (oldest first): what needs "
      "attention, per-benchmark trends with change points, the latest run "
      "against its baseline, scaling fits, budgets, targets and each run's "
      "environment.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<ReportArgs>();
        app.add_option(
            "RUN", args->runs,
            absl::StrCat("Runs, oldest first; the last is the "
                         "latest. Each ",
                         kRunOperandHelp, ". None: every selected stored run"));
        app.add_option("--html", args->html,
                       "The page to write (replaced atomically; nothing is "
                       "written on an error)")
            ->required();
        app.add_option("--baseline", args->baseline,
                       absl::StrCat("The run to compare the latest with "
                                    "(default: the previous run): ",
                                    kRunOperandHelp));
        app.add_option("--budgets", args->budgets,
                       "Budgets file (JSON) checked on the latest run");
        app.add_option("--targets", args->targets,
                       "Targets file (JSON) evaluated on the latest run");
        app.add_option("--metric", args->options.metric,
                       "Metric of the trends, distributions and noise "
                       "(default: real_time)");
        app.add_option("--filter", args->options.filter,
                       "Only benchmarks whose run_name matches this regular "
                       "expression (ECMAScript, searched)");
        app.add_option("--direction", args->directions,
                       "Override a metric's direction: NAME=lower|higher|"
                       "neutral (repeatable)");
        app.add_option("--title", args->options.title, "The page's title")
            ->capture_default_str();
        app.add_option("--alpha", args->options.compare.alpha,
                       "Significance level of the Mann-Whitney U test")
            ->check(CLI::Range(0.0, 1.0))
            ->capture_default_str();
        app.add_option("--noise", args->options.compare.noise,
                       "Noise band: changes whose whole CI stays within "
                       "±noise are unchanged; a CV above it is noisy")
            ->check(CLI::Range(0.0, 10.0))
            ->capture_default_str();
        app.add_option("--resamples", args->options.compare.bootstrap.resamples,
                       "Bootstrap resamples per side")
            ->check(CLI::Range(100, 10000000))
            ->capture_default_str();
        app.add_option("--max-pvalue", args->options.detector.max_pvalue,
                       "Significance a change point must reach")
            ->check(CLI::Range(0.0, 1.0))
            ->capture_default_str();
        app.add_option("--min-magnitude", args->options.detector.min_magnitude,
                       "Smallest relative change point reported")
            ->check(CLI::Range(0.0, 100.0))
            ->capture_default_str();
        app.add_option("--min-segment", args->options.detector.min_segment,
                       "Fewest points on either side of a change point")
            ->check(CLI::Range(1, 100000))
            ->capture_default_str();
        app.add_option("--threads", args->threads,
                       "Worker threads (0: one per core)")
            ->check(CLI::Range(0, 1024))
            ->capture_default_str();
        AddRunSelectionOptions(app, &args->selection);
        return [args](Io& io) {
          ReportArgs run = *args;
          run.options.compare.threads = run.threads;
          return RunReport(run, io);
        };
      }};
}

}  // namespace m8::perf
