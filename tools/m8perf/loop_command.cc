// m8perf loop --build DIR --target T --filter REGEX [--repetitions N]
//             [--baseline NAME | --save-baseline NAME] [--watch]

#include <signal.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/history/run_info.h"
#include "optimizer/dev_loop.h"
#include "optimizer/process_runner.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/keep_run.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested.store(true); }

struct LoopArgs {
  optimizer::LoopOptions options;
  std::string db;
  OutputOptions output;
};

// How the loop's runs are tagged in the history (sorted by key).
analysis::RunTags LoopTags(const optimizer::LoopOptions& options) {
  return {{"filter", options.filter},
          {"suite", "loop"},
          {"target", options.target}};
}

int RunLoop(const LoopArgs& args, Io& io) {
  for (const std::string& arg : args.options.binary_args) {
    if (optimizer::IsRunnerFlag(arg)) {
      return Fail(io,
                  absl::InvalidArgumentError(absl::StrCat(
                      "'", arg, "' after -- is set by m8perf loop itself")));
    }
  }
  if (!args.options.baseline.empty() && !args.options.save_baseline.empty() &&
      args.options.baseline == args.options.save_baseline) {
    return Fail(io, absl::InvalidArgumentError(
                        "--baseline and --save-baseline name the same "
                        "baseline: each run would be compared with itself"));
  }
  // Ctrl-C ends the loop between steps; the child it interrupts (also in the
  // terminal's process group) is reported as failed.
  stop_requested.store(false);
  struct sigaction action = {};
  action.sa_handler = RequestStop;
  sigemptyset(&action.sa_mask);
  struct sigaction previous = {};
  ::sigaction(SIGINT, &action, &previous);
  optimizer::LoopOptions options = args.options;
  options.keep_run = [db = args.db,
                      tags = LoopTags(args.options)](const std::string& path) {
    return KeepRuns(db, {path}, tags);
  };
  optimizer::DevLoop loop(options, io.out, io.err, args.output.UseColour(io));
  absl::StatusOr<int> status = loop.Run(stop_requested);
  ::sigaction(SIGINT, &previous, nullptr);
  if (!status.ok()) return Fail(io, status.status());
  return *status;
}

}  // namespace

Command LoopCommand() {
  return Command{
      "loop",
      "Edit, measure, see: build a target, run it with a filter, compare "
      "with the previous run (or a baseline) and print one line per "
      "benchmark; --watch repeats on every source change.",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<LoopArgs>();
        optimizer::LoopOptions& o = args->options;
        app.add_option("--build", o.build_dir, "CMake build directory")
            ->required();
        app.add_option("--target", o.target, "Benchmark target to build")
            ->required();
        app.add_option("--filter", o.filter, "--benchmark_filter")->required();
        app.add_option("--repetitions", o.repetitions,
                       "Repetitions a run (default: enough to detect a 2% "
                       "change, from m8perf calibrate or the first run)")
            ->check(CLI::Range(1, 10000));
        app.add_option("--metric", o.metric, "Metric to compare")
            ->capture_default_str();
        app.add_option(
            "--baseline", o.baseline,
            "Compare with this saved baseline, not the previous run");
        app.add_option("--save-baseline", o.save_baseline,
                       "Save each run as this baseline");
        app.add_flag("--watch", o.watch,
                     "After each run, wait for a source file to change and "
                     "go again (Ctrl-C stops)");
        AddHistoryOption(app, &args->db);
        app.add_option("--calibration", o.calibration_store,
                       "Calibration store (m8perf calibrate)")
            ->capture_default_str();
        app.add_option("--alpha", o.compare.alpha, "Significance level")
            ->check(CLI::Range(1e-9, 0.5))
            ->capture_default_str();
        app.add_option("--noise", o.compare.noise, "Noise band")
            ->check(CLI::Range(0.0, 0.99))
            ->capture_default_str();
        app.add_option("BINARY_ARGS", o.binary_args,
                       "After --: arguments for every run of the binary");
        AddOutputOptions(app, &args->output);
        return [args](Io& io) { return RunLoop(*args, io); };
      }};
}

}  // namespace m8::perf
