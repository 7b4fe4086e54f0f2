// m8perf report RESULTS... --html OUT.html

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/read/reader.h"
#include "analysis/report/html_page.h"
#include "analysis/report/html_report.h"
#include "analysis/status_macros.h"
#include "optimizer/files.h"
#include "tools/m8perf/command.h"

namespace m8::perf {
namespace {

// Where the report's runs come from: results files, oldest first.
struct RunSource {
  std::vector<std::string> files;
  int threads = 0;
};

// The runs to report on, oldest first, each labelled as the page names it:
// a file by its path (the page adds the context's date and m8.git_revision).
absl::StatusOr<std::vector<analysis::LabelledRun>> LoadRuns(
    const RunSource& source) {
  M8_ASSIGN_OR_RETURN(std::vector<analysis::ResultsFile> files,
                      analysis::ReadResultsFiles(source.files, source.threads));
  std::vector<analysis::LabelledRun> runs;
  runs.reserve(files.size());
  for (analysis::ResultsFile& file : files) {
    std::string label = file.source();
    runs.push_back({std::move(label), std::move(file)});
  }
  return runs;
}

struct ReportArgs {
  RunSource source;
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
  M8_ASSIGN_OR_RETURN(std::vector<analysis::LabelledRun> runs,
                      LoadRuns(args.source));
  std::unique_ptr<analysis::LabelledRun> baseline;
  if (!args.baseline.empty()) {
    M8_ASSIGN_OR_RETURN(analysis::ResultsFile file,
                        analysis::ReadResultsFile(args.baseline));
    baseline = std::make_unique<analysis::LabelledRun>(
        analysis::LabelledRun{args.baseline, std::move(file)});
  }
  return analysis::BuildHtmlReport(runs, baseline.get(), args.options);
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
        app.add_option("RESULTS", args->source.files,
                       "Results files, oldest first; the last is the latest "
                       "run")
            ->required();
        app.add_option("--html", args->html,
                       "The page to write (replaced atomically; nothing is "
                       "written on an error)")
            ->required();
        app.add_option("--baseline", args->baseline,
                       "Results to compare the latest run with (default: the "
                       "previous run)");
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
        app.add_option("--threads", args->source.threads,
                       "Worker threads (0: one per core)")
            ->check(CLI::Range(0, 1024))
            ->capture_default_str();
        return [args](Io& io) {
          ReportArgs run = *args;
          run.options.compare.threads = run.source.threads;
          return RunReport(run, io);
        };
      }};
}

}  // namespace m8::perf
