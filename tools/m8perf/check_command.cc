// m8perf check RESULTS --budgets FILE [--baseline FILE]

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/selection.h"
#include "analysis/judge/budgets.h"
#include "analysis/judge/environment.h"
#include "analysis/read/reader.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

struct CheckArgs {
  std::string results;
  std::string budgets;
  std::string baseline;
  std::vector<std::string> directions;  // NAME=lower|higher|neutral
  OutputOptions output;
  RunSelectionArgs selection;
};

int RunCheck(const CheckArgs& args, Io& io) {
  absl::StatusOr<std::vector<analysis::Budget>> budgets =
      analysis::ReadBudgets(args.budgets);
  if (!budgets.ok()) return Fail(io, budgets.status());
  absl::StatusOr<analysis::DirectionOverrides> directions =
      ParseDirections(args.directions);
  if (!directions.ok()) return Fail(io, directions.status());
  std::vector<std::string> paths = {args.results};
  if (!args.baseline.empty()) paths.push_back(args.baseline);
  absl::StatusOr<analysis::RunSelectionOptions> selection =
      SelectionOptions(args.selection);
  if (!selection.ok()) return Fail(io, selection.status());
  absl::StatusOr<std::vector<analysis::RunSource>> sources =
      analysis::ResolveRuns(paths, *selection);
  if (!sources.ok()) return Fail(io, sources.status());
  absl::StatusOr<std::vector<analysis::ResultsFile>> files =
      analysis::LoadRuns(*sources, *selection);
  if (!files.ok()) return Fail(io, files.status());
  absl::StatusOr<analysis::CheckReport> report = analysis::CheckBudgets(
      (*files)[0], *budgets, files->size() > 1 ? &(*files)[1] : nullptr,
      *directions);
  if (!report.ok()) return Fail(io, report.status());
  analysis::RunsCheck runs = analysis::CheckRuns(*files);
  report->warnings.insert(report->warnings.end(), runs.warnings.begin(),
                          runs.warnings.end());
  report->warnings.insert(report->warnings.end(),
                          runs.context_differences.begin(),
                          runs.context_differences.end());
  Emit(*report, args.output, io);
  return report->HasBreach() ? kExitFailed : kExitOk;
}

}  // namespace

Command CheckCommand() {
  return Command{
      "check",
      "Check results against budgets (max, min, max relative change against "
      "a baseline); exit 1 on any breach.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<CheckArgs>();
        app.add_option("RESULTS", args->results,
                       absl::StrCat("Results to check: ", kRunOperandHelp))
            ->required();
        app.add_option("--budgets", args->budgets,
                       "Budgets file (JSON; see analysis/README.md)")
            ->required();
        app.add_option("--baseline", args->baseline,
                       absl::StrCat("Baseline results for max_change budgets: ",
                                    kRunOperandHelp));
        app.add_option("--direction", args->directions,
                       "Override a metric's direction for max_change: "
                       "NAME=lower|higher|neutral (repeatable)");
        AddRunSelectionOptions(app, &args->selection);
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunCheck(*args, io); };
      }};
}

}  // namespace m8::perf
