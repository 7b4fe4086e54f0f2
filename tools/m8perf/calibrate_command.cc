// m8perf calibrate --binary PATH --filter REGEX [--runs N] [-- BINARY_ARGS...]

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "analysis/history/run_info.h"
#include "analysis/read/printable.h"
#include "analysis/status_macros.h"
#include "optimizer/calibration.h"
#include "optimizer/process_runner.h"
#include "tools/m8perf/command.h"
#include "tools/m8perf/keep_run.h"
#include "tools/m8perf/run_source.h"

namespace m8::perf {
namespace {

struct CalibrateArgs {
  std::string binary;
  std::string filter;
  std::string store = ".m8bench/calibration.json";
  std::string db;
  bool no_store = false;
  std::vector<std::string> binary_args;
  optimizer::CalibrateOptions options;
  OutputOptions output;
};

// A private directory for the runs' files, removed when done.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "m8perf-calibrate-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The results files the runner left in `dir` (NNNN.json, in run order).
std::vector<std::string> RunFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = item.path().filename().string();
    if (name.size() == 9 && absl::EndsWith(name, ".json") &&
        std::all_of(name.begin(), name.begin() + 4, absl::ascii_isdigit)) {
      files.push_back(item.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

absl::StatusOr<int> RunCalibrate(const CalibrateArgs& args, Io& io) {
  for (const std::string& arg : args.binary_args) {
    if (optimizer::IsRunnerFlag(arg)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", arg, "' after -- is set by m8perf calibrate itself"));
    }
  }
  TempDir work;
  if (work.path().empty()) {
    return absl::InternalError("cannot make a temporary directory");
  }
  optimizer::ProcessRunnerOptions runner_options;
  runner_options.binary = args.binary;
  runner_options.filter = args.filter;
  runner_options.extra_args = args.binary_args;
  runner_options.work_dir = work.path();
  M8_ASSIGN_OR_RETURN(std::unique_ptr<optimizer::ProcessRunner> runner,
                      optimizer::ProcessRunner::Create(runner_options));
  std::error_code error;
  const std::string binary =
      std::filesystem::canonical(args.binary, error).string();
  auto progress = [&io](absl::string_view line) {
    io.err << analysis::Printable(line) << "\n";
    io.err.flush();
  };
  M8_ASSIGN_OR_RETURN(
      const std::vector<optimizer::BenchmarkCalibration> calibration,
      optimizer::Calibrate(*runner, binary.empty() ? args.binary : binary,
                           args.options, progress));
  if (!args.no_store) {
    M8_RETURN_IF_ERROR(optimizer::SaveCalibrations(args.store, calibration));
    io.err << "calibrate: stored in " << analysis::Printable(args.store)
           << "\n";
    // The runs themselves go to the history, when there is one, so that
    // the estimate can be checked against them later.
    const analysis::RunTags tags = {
        {"calibration", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                         absl::UTCTimeZone())},
        {"filter", args.filter},
        {"suite", "calibrate"}};
    absl::StatusOr<std::optional<std::string>> kept =
        KeepRuns(args.db, RunFiles(work.path()), tags);
    if (!kept.ok()) {
      io.err << "calibrate: runs not kept in the history: "
             << analysis::Printable(kept.status().message()) << "\n";
    } else if (kept->has_value()) {
      io.err << "calibrate: runs " << analysis::Printable(**kept) << "\n";
    }
  }
  switch (args.output.format_value()) {
    case Format::kConsole:
      io.out << optimizer::CalibrationToConsole(calibration, args.options);
      break;
    case Format::kMarkdown:
      io.out << optimizer::CalibrationToMarkdown(calibration, args.options);
      break;
    case Format::kJson:
      io.out << optimizer::CalibrationToJson(calibration, args.options);
      break;
  }
  io.out.flush();
  return kExitOk;
}

}  // namespace

Command CalibrateCommand() {
  return Command{
      "calibrate",
      "Run benchmarks several times and report how noisy each is: the "
      "smallest change one run a side can detect, and the repetitions "
      "needed to detect 1%, 2% and 5% changes (stored for m8perf loop).",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<CalibrateArgs>();
        app.add_option("--binary", args->binary, "Benchmark binary to run")
            ->required();
        app.add_option("--filter", args->filter, "--benchmark_filter")
            ->required();
        app.add_option("--runs", args->options.runs,
                       "Runs of the binary (at least 2)")
            ->check(CLI::Range(2, 1000))
            ->capture_default_str();
        app.add_option("--repetitions", args->options.repetitions,
                       "Repetitions of each benchmark in each run")
            ->check(CLI::Range(2, 1000))
            ->capture_default_str();
        app.add_option("--metric", args->options.metric,
                       "Metric: real_time, cpu_time or a counter")
            ->capture_default_str();
        app.add_option("--store", args->store,
                       "Calibration store that m8perf loop reads")
            ->capture_default_str();
        AddHistoryOption(app, &args->db);
        app.add_flag("--no-store", args->no_store,
                     "Store neither the result nor the runs");
        app.add_option("BINARY_ARGS", args->binary_args,
                       "After --: arguments for every run of the binary");
        AddOutputOptions(app, &args->output);
        return [args](Io& io) {
          absl::StatusOr<int> status = RunCalibrate(*args, io);
          if (!status.ok()) return Fail(io, status.status());
          return *status;
        };
      }};
}

}  // namespace m8::perf
