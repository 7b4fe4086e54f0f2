// m8perf scale RESULTS

#include <memory>
#include <string>

#include "analysis/judge/environment.h"
#include "analysis/judge/scale.h"
#include "analysis/read/reader.h"
#include "tools/m8perf/command.h"

namespace m8::perf {
namespace {

struct ScaleArgs {
  std::string results;
  analysis::ScaleOptions options;
  OutputOptions output;
};

int RunScale(const ScaleArgs& args, Io& io) {
  absl::StatusOr<analysis::ResultsFile> file =
      analysis::ReadResultsFile(args.results);
  if (!file.ok()) return Fail(io, file.status());
  absl::StatusOr<analysis::ScaleReport> report =
      analysis::AnalyzeScalability(*file, args.options);
  if (!report.ok()) return Fail(io, report.status());
  report->warnings =
      analysis::CheckRuns(absl::MakeConstSpan(&*file, 1)).warnings;
  Emit(*report, args.output, io);
  return kExitOk;
}

}  // namespace

Command ScaleCommand() {
  return Command{
      "scale",
      "Fit the Universal Scalability Law to every thread sweep (benchmarks "
      "that differ only in threads:N): sigma, kappa, lambda, N*, R^2.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<ScaleArgs>();
        app.add_option("RESULTS", args->results, "Results file (JSON)")
            ->required();
        app.add_option("--metric", args->options.metric,
                       "Throughput metric (default: items_per_second, else "
                       "1/real_time); a time metric is inverted");
        app.add_option("--filter", args->options.filter,
                       "Only benchmarks whose run_name matches this regular "
                       "expression");
        app.add_option("--min-points", args->options.min_points,
                       "Warn below this many thread counts")
            ->check(CLI::Range(3, 1000))
            ->capture_default_str();
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunScale(*args, io); };
      }};
}

}  // namespace m8::perf
