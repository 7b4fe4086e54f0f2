#include "optimizer/process_runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/read/reader.h"
#include "analysis/read/samples.h"
#include "optimizer/files.h"
#include "optimizer/process.h"

namespace m8::optimizer {

const Measurement::Series* Measurement::Find(const std::string& benchmark,
                                             const std::string& metric) const {
  for (const Series& s : series) {
    if (s.benchmark == benchmark && s.metric == metric) return &s;
  }
  return nullptr;
}

bool IsRunnerFlag(const std::string& arg) {
  for (const char* flag :
       {"--benchmark_filter", "--benchmark_repetitions", "--benchmark_out",
        "--benchmark_out_format", "--m8_config", "--benchmark_list_tests"}) {
    if (arg == flag || absl::StartsWith(arg, absl::StrCat(flag, "="))) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::unique_ptr<ProcessRunner>> ProcessRunner::Create(
    ProcessRunnerOptions options) {
  if (::access(options.binary.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(
        options.binary,
        ": not an executable benchmark binary: ", std::strerror(errno)));
  }
  if (::access(options.work_dir.c_str(), W_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        options.work_dir, ": cannot write there: ", std::strerror(errno)));
  }
  return std::unique_ptr<ProcessRunner>(new ProcessRunner(std::move(options)));
}

std::string ProcessRunner::NextStem() {
  return absl::StrFormat("%s/%04d", options_.work_dir, ++sequence_);
}

absl::StatusOr<std::string> ProcessRunner::WriteConfig(
    const std::string& stem, const std::string& config_json) {
  const std::string path = absl::StrCat(stem, ".config.json");
  if (absl::Status written = WriteFileAtomically(path, config_json + "\n");
      !written.ok()) {
    return written;
  }
  return path;
}

RunResult MeasurementFromResults(const analysis::ResultsFile& file,
                                 const std::vector<std::string>& metrics) {
  RunResult result;
  if (file.benchmarks().empty()) {
    result.failure = "the filter matched no benchmark";
    return result;
  }
  std::vector<analysis::MetricReader> readers;
  for (const std::string& metric : metrics) readers.emplace_back(file, metric);
  std::vector<double> values;
  for (const analysis::Benchmark& benchmark : file.benchmarks()) {
    if (const analysis::Entry* bad =
            analysis::FirstFailure(file, benchmark.iterations)) {
      result.failure = absl::StrCat(benchmark.run_name,
                                    bad->status == analysis::RunStatus::kError
                                        ? ": error: "
                                        : ": skipped: ",
                                    bad->message);
      return result;
    }
    if (benchmark.iterations.empty()) continue;  // aggregates only
    for (size_t m = 0; m < metrics.size(); ++m) {
      analysis::CollectSamples(file, benchmark.iterations, readers[m], &values);
      bool finite = !values.empty();
      for (const double v : values) finite = finite && std::isfinite(v);
      if (!finite) {
        result.failure = absl::StrCat(
            benchmark.run_name, " does not report ",
            values.empty() ? "the metric " : "a finite ", metrics[m]);
        return result;
      }
      result.measurement.series.push_back(
          {benchmark.run_name, metrics[m], values});
    }
  }
  if (result.measurement.series.empty()) {
    result.failure =
        "no repetition entries (run without "
        "--benchmark_report_aggregates_only)";
    return result;
  }
  result.ok = true;
  return result;
}

absl::StatusOr<RunResult> ProcessRunner::Run(const RunRequest& request) {
  const std::string stem = NextStem();
  ProcessOptions process;
  process.argv.push_back(options_.binary);
  for (const std::string& arg : options_.extra_args)
    process.argv.push_back(arg);
  process.argv.push_back(absl::StrCat("--benchmark_filter=", options_.filter));
  process.argv.push_back(
      absl::StrCat("--benchmark_repetitions=", request.repetitions));
  const std::string output = absl::StrCat(stem, ".json");
  process.argv.push_back(absl::StrCat("--benchmark_out=", output));
  process.argv.push_back("--benchmark_out_format=json");
  if (!request.config_json.empty()) {
    absl::StatusOr<std::string> config = WriteConfig(stem, request.config_json);
    if (!config.ok()) return config.status();
    process.argv.push_back(absl::StrCat("--m8_config=", *config));
  }
  process.stderr_path = absl::StrCat(stem, ".stderr");
  process.timeout = options_.timeout;
  ::unlink(output.c_str());  // a stale file must not pass for this run's

  absl::StatusOr<ProcessResult> exit = RunProcess(process);
  if (!exit.ok()) return exit.status();
  RunResult failed;
  failed.wall_seconds = absl::ToDoubleSeconds(exit->wall);
  failed.output_path = output;
  if (!exit->Succeeded()) {
    failed.failure = exit->Describe();
    const std::string tail = TailOfFile(process.stderr_path, 300);
    if (!tail.empty()) absl::StrAppend(&failed.failure, ": ", tail);
    return failed;
  }
  absl::StatusOr<analysis::ResultsFile> file =
      analysis::ReadResultsFile(output);
  if (!file.ok()) {
    failed.failure = std::string(file.status().message());
    return failed;
  }
  RunResult result = MeasurementFromResults(*file, request.metrics);
  result.wall_seconds = failed.wall_seconds;
  result.output_path = output;
  return result;
}

absl::Status ProcessRunner::CheckConfig(const std::string& config_json) {
  const std::string stem = absl::StrCat(options_.work_dir, "/check");
  absl::StatusOr<std::string> config = WriteConfig(stem, config_json);
  if (!config.ok()) return config.status();
  ProcessOptions process;
  process.argv = {options_.binary, absl::StrCat("--m8_config=", *config),
                  "--benchmark_list_tests=true",
                  absl::StrCat("--benchmark_filter=", options_.filter)};
  process.stderr_path = absl::StrCat(stem, ".stderr");
  process.timeout = absl::Minutes(1);
  absl::StatusOr<ProcessResult> exit = RunProcess(process);
  if (!exit.ok()) return exit.status();
  if (exit->Succeeded()) return absl::OkStatus();
  std::string message = TailOfFile(process.stderr_path, 300);
  if (message.empty()) message = exit->Describe();
  return absl::InvalidArgumentError(message);
}

double ProcessRunner::StartupSeconds() {
  if (startup_seconds_ >= 0) return startup_seconds_;
  // The quickest of three starts that list the tests and run none.
  startup_seconds_ = 0;
  double best = HUGE_VAL;
  for (int i = 0; i < 3; ++i) {
    ProcessOptions process;
    process.argv = {options_.binary, "--benchmark_list_tests=true",
                    absl::StrCat("--benchmark_filter=", options_.filter)};
    process.timeout = absl::Minutes(1);
    absl::StatusOr<ProcessResult> exit = RunProcess(process);
    if (!exit.ok() || !exit->Succeeded()) return startup_seconds_;
    best = std::min(best, absl::ToDoubleSeconds(exit->wall));
  }
  startup_seconds_ = best;
  return startup_seconds_;
}

}  // namespace m8::optimizer
