// m8perf summary RESULTS [--targets FILE]

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/selection.h"
#include "analysis/judge/environment.h"
#include "analysis/judge/summary.h"
#include "analysis/read/reader.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

struct SummaryArgs {
  std::string results;
  std::string targets;
  std::string filter;
  bool fail_on_miss = false;
  OutputOptions output;
  RunSelectionArgs selection;
};

int RunSummary(const SummaryArgs& args, Io& io) {
  std::vector<analysis::Target> targets;
  if (!args.targets.empty()) {
    absl::StatusOr<std::vector<analysis::Target>> read =
        analysis::ReadTargets(args.targets);
    if (!read.ok()) return Fail(io, read.status());
    targets = *std::move(read);
  }
  absl::StatusOr<analysis::RunSelectionOptions> selection =
      SelectionOptions(args.selection);
  if (!selection.ok()) return Fail(io, selection.status());
  absl::StatusOr<std::vector<analysis::RunSource>> sources =
      analysis::ResolveRuns({args.results}, *selection);
  if (!sources.ok()) return Fail(io, sources.status());
  absl::StatusOr<std::vector<analysis::ResultsFile>> files =
      analysis::LoadRuns(*sources, *selection);
  if (!files.ok()) return Fail(io, files.status());
  analysis::ResultsFile* file = &files->front();
  absl::StatusOr<analysis::SummaryReport> report =
      analysis::Summarize(*file, targets, args.filter);
  if (!report.ok()) return Fail(io, report.status());
  report->warnings =
      analysis::CheckRuns(absl::MakeConstSpan(&*file, 1)).warnings;
  Emit(*report, args.output, io);
  const bool missed = report->Count(analysis::TargetStatus::kFail) > 0 ||
                      report->Count(analysis::TargetStatus::kMissing) > 0;
  return args.fail_on_miss && missed ? kExitFailed : kExitOk;
}

}  // namespace

Command SummaryCommand() {
  return Command{
      "summary",
      "Summarise one results file (median times, items_per_second, latency "
      "counters) and evaluate target ratios from a targets file.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<SummaryArgs>();
        app.add_option("RESULTS", args->results,
                       absl::StrCat("Results: ", kRunOperandHelp))
            ->required();
        app.add_option("--targets", args->targets,
                       "Targets file (JSON; see analysis/README.md)");
        app.add_option("--filter", args->filter,
                       "Only benchmarks whose run_name matches this regular "
                       "expression (targets are evaluated regardless)");
        app.add_flag("--fail-on-miss", args->fail_on_miss,
                     "Exit with status 1 when a target is missed or not "
                     "measured");
        AddRunSelectionOptions(app, &args->selection);
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunSummary(*args, io); };
      }};
}

}  // namespace m8::perf
