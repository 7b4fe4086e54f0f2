// m8perf tune --binary PATH --filter REGEX [options] [-- BINARY_ARGS...]

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "analysis/read/printable.h"
#include "analysis/stats/noise.h"
#include "analysis/status_macros.h"
#include "nlohmann/json.hpp"
#include "optimizer/calibration.h"
#include "optimizer/default_space.h"
#include "optimizer/files.h"
#include "optimizer/journal.h"
#include "optimizer/process_runner.h"
#include "optimizer/report.h"
#include "optimizer/tuner.h"
#include "tools/m8perf/command.h"

namespace m8::perf {
namespace {

using optimizer::TuneOptions;

struct TuneArgs {
  std::string binary;
  std::string filter;
  std::string space;
  std::string metric = "real_time";
  std::vector<std::string> directions;
  std::vector<std::string> guards;
  std::string strategy = "auto";
  std::string budget;
  std::string timeout = "30m";
  std::string baseline_config;
  bool allow_semantic = false;
  std::string out;
  bool resume = false;
  // The calibration store, and whether --repetitions was given (if not, the
  // store may choose it).
  std::string calibration = ".m8bench/calibration.json";
  bool repetitions_given = false;
  std::vector<std::string> binary_args;
  TuneOptions options;
  OutputOptions output;
};

// Chooses the verification's repetitions a side from m8perf calibrate's
// estimates of the filter's benchmarks, when the store has any: the samples
// (one per process) that detect a change of twice the noise band (2% by
// default) in the noisiest of them, at
// least the default and at most --max-repetitions. Unchanged when the store
// has none of them.
absl::Status ChooseRepetitionsFromCalibration(const TuneArgs& args,
                                              TuneOptions& options, Io& io) {
  M8_ASSIGN_OR_RETURN(const std::vector<optimizer::BenchmarkCalibration> store,
                      optimizer::LoadCalibrations(args.calibration));
  char* real = ::realpath(args.binary.c_str(), nullptr);
  const std::string binary = real != nullptr ? real : args.binary;
  std::free(real);
  if (store.empty()) return absl::OkStatus();
  // A filter that Google Benchmark cannot read is the binary's to report.
  const absl::StatusOr<std::vector<const optimizer::BenchmarkCalibration*>>
      found =
          optimizer::FindCalibrations(store, binary, args.metric, args.filter);
  if (!found.ok() || found->empty()) return absl::OkStatus();
  const analysis::NoiseOptions noise{options.decision.alpha, 0.8,
                                     options.decision.noise};
  const double change = 2 * options.decision.noise;
  int needed = 0;
  std::string noisiest;
  for (const optimizer::BenchmarkCalibration* c : *found) {
    const int n = analysis::ProcessesToDetect(c->noise, change, noise,
                                              options.max_repetitions)
                      .value_or(options.max_repetitions);
    if (n > needed) {
      needed = n;
      noisiest = c->benchmark;
    }
  }
  options.repetitions =
      std::min(std::max(options.repetitions, needed), options.max_repetitions);
  io.err << "tune: " << options.repetitions
         << " repetitions a side before a verification decides, to detect a "
         << 100 * change << "% change in " << analysis::Printable(noisiest)
         << " (from " << analysis::Printable(args.calibration) << ")\n";
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ParsePositiveDuration(const std::string& text,
                                                     const char* flag) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " takes a positive duration such as 90s, 10m or 1h30m, got '",
        text, "'"));
  }
  return d;
}

// NAME=+P% (or NAME=P%): the metric may get worse by P percent at most.
absl::StatusOr<optimizer::GuardSpec> ParseGuard(
    const std::string& spec,
    const std::vector<std::pair<std::string, analysis::Direction>>&
        directions) {
  const size_t equals = spec.find('=');
  absl::string_view amount = equals == std::string::npos
                                 ? ""
                                 : absl::string_view(spec).substr(equals + 1);
  double percent = 0;
  const bool ok = equals != std::string::npos && equals > 0 &&
                  absl::ConsumeSuffix(&amount, "%") &&
                  (absl::ConsumePrefix(&amount, "+"), true) &&
                  absl::SimpleAtod(amount, &percent) && percent >= 0 &&
                  percent < 10000;
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--guard takes NAME=+P% (e.g. p99_ns=+5%), got '", spec, "'"));
  }
  optimizer::GuardSpec guard;
  guard.metric.name = spec.substr(0, equals);
  guard.metric.direction =
      analysis::ClassifyMetric(guard.metric.name).direction;
  for (const auto& [name, direction] : directions) {
    if (name == guard.metric.name) guard.metric.direction = direction;
  }
  guard.tolerance = percent / 100;
  return guard;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path,
                                          const char* what) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read the ", what,
                                            ": ", std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the ", what, " is not a regular file"));
  }
  if (info.st_size > (1 << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the ", what, " is larger than 1 MiB"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    return absl::DataLossError(absl::StrCat(path, ": read error"));
  }
  return text.str();
}

std::string DefaultOutDir() {
  return absl::StrCat("tune/", absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(),
                                                absl::UTCTimeZone()));
}

// Everything but the binary, filter and space that shapes the sequence of
// runs: a resumed tune must agree on all of it.
std::string SettingsText(const TuneArgs& args, const TuneOptions& o) {
  std::vector<std::string> guards;
  for (const auto& g : o.guards) {
    guards.push_back(absl::StrCat(g.metric.name, "<=+", g.tolerance));
  }
  return absl::StrCat(
      "metric=", o.metric.name, ":",
      analysis::DirectionName(o.metric.direction),
      " guards=", absl::StrJoin(guards, ","), " strategy=", args.strategy,
      " repetitions=", o.repetitions, "/", o.max_repetitions, "/",
      o.round_repetitions, "/", o.search.repetitions,
      " alpha=", o.decision.alpha, " noise=", o.decision.noise,
      " seed=", o.search.seed, " baseline=", args.baseline_config,
      " semantic=", args.allow_semantic,
      " args=", absl::StrJoin(args.binary_args, " "));
}

absl::StatusOr<optimizer::TuneIdentity> Identity(
    const TuneArgs& args, const TuneOptions& options,
    const optimizer::Space& space) {
  struct stat info;
  if (::stat(args.binary.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat(
        args.binary, ": no such benchmark binary: ", std::strerror(errno)));
  }
  char* real = ::realpath(args.binary.c_str(), nullptr);
  optimizer::TuneIdentity id;
  id.binary = real != nullptr ? real : args.binary;
  std::free(real);
  id.binary_size = info.st_size;
  id.binary_mtime = info.st_mtime;
  id.filter = args.filter;
  id.space = space.canonical();
  id.settings = SettingsText(args, options);
  return id;
}

// Prepares everything, runs the tune and writes its files. Returns the
// report's exit status, or an error for main to print.
absl::StatusOr<int> RunTune(TuneArgs args, Io& io) {
  TuneOptions& options = args.options;
  M8_ASSIGN_OR_RETURN(const auto directions, ParseDirections(args.directions));
  options.metric.name = args.metric;
  options.metric.direction = analysis::ClassifyMetric(args.metric).direction;
  for (const auto& [name, direction] : directions) {
    if (name == args.metric) options.metric.direction = direction;
  }
  for (const std::string& spec : args.guards) {
    M8_ASSIGN_OR_RETURN(optimizer::GuardSpec guard,
                        ParseGuard(spec, directions));
    options.guards.push_back(std::move(guard));
  }
  M8_ASSIGN_OR_RETURN(options.search.strategy,
                      optimizer::ParseStrategy(args.strategy));
  if (!args.budget.empty()) {
    M8_ASSIGN_OR_RETURN(options.budget,
                        ParsePositiveDuration(args.budget, "--budget"));
  }
  M8_ASSIGN_OR_RETURN(const absl::Duration timeout,
                      ParsePositiveDuration(args.timeout, "--timeout"));
  options.allow_semantic = args.allow_semantic;
  M8_RETURN_IF_ERROR(options.Validate());
  if (!args.repetitions_given) {
    M8_RETURN_IF_ERROR(ChooseRepetitionsFromCalibration(args, options, io));
  }
  for (const std::string& arg : args.binary_args) {
    if (optimizer::IsRunnerFlag(arg)) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", arg,
                       "' after -- is set by m8perf tune itself (use --filter, "
                       "--repetitions, --baseline-config)"));
    }
  }
  if (!args.baseline_config.empty()) {
    M8_ASSIGN_OR_RETURN(options.baseline_config_json,
                        ReadSmallFile(args.baseline_config, "baseline config"));
    const nlohmann::json doc =
        nlohmann::json::parse(options.baseline_config_json, nullptr, false);
    if (!doc.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          args.baseline_config, ": the baseline config must be a JSON object"));
    }
    options.baseline_config_json = doc.dump();
  }
  absl::StatusOr<optimizer::Space> space =
      args.space.empty()
          ? optimizer::Space::Parse(optimizer::kDefaultSpaceJson,
                                    optimizer::kDefaultSpaceSource)
          : optimizer::Space::Load(args.space);
  if (!space.ok()) return space.status();
  M8_ASSIGN_OR_RETURN(const optimizer::TuneIdentity identity,
                      Identity(args, options, *space));

  if (args.resume && args.out.empty()) {
    return absl::InvalidArgumentError(
        "--resume needs --out: the directory of the tune to resume");
  }
  const std::string out = args.out.empty() ? DefaultOutDir() : args.out;
  const std::string journal_path = absl::StrCat(out, "/journal.jsonl");
  absl::StatusOr<optimizer::Journal> journal =
      args.resume ? optimizer::Journal::Resume(journal_path, identity)
                  : [&]() -> absl::StatusOr<optimizer::Journal> {
    M8_RETURN_IF_ERROR(optimizer::MakeDirectories(absl::StrCat(out, "/runs")));
    return optimizer::Journal::Create(journal_path, identity);
  }();
  if (!journal.ok()) return journal.status();
  if (args.resume) {
    M8_RETURN_IF_ERROR(optimizer::MakeDirectories(absl::StrCat(out, "/runs")));
    io.err << "tune: resuming " << analysis::Printable(journal_path) << " ("
           << journal->recorded() << " runs recorded)\n";
  }

  optimizer::ProcessRunnerOptions runner_options;
  runner_options.binary = args.binary;
  runner_options.filter = args.filter;
  runner_options.extra_args = args.binary_args;
  runner_options.timeout = timeout;
  runner_options.work_dir = absl::StrCat(out, "/runs");
  runner_options.first_sequence = journal->recorded();
  M8_ASSIGN_OR_RETURN(std::unique_ptr<optimizer::ProcessRunner> runner,
                      optimizer::ProcessRunner::Create(runner_options));

  const absl::Time start = absl::Now();
  auto progress = [&io](absl::string_view line) {
    io.err << analysis::Printable(line) << "\n";
    io.err.flush();
  };
  M8_ASSIGN_OR_RETURN(
      const optimizer::TuneResult result,
      optimizer::Tune(*space, *runner, &*journal, options, progress));

  optimizer::TuneSetup setup;
  setup.binary = args.binary;
  setup.filter = args.filter;
  setup.binary_args = args.binary_args;
  setup.space_source = space->source();
  setup.baseline_config_json = options.baseline_config_json;
  setup.out_dir = out;
  setup.elapsed_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  setup.options = options;
  const optimizer::TuneReport report(*space, result, setup);
  const std::string tuned = absl::StrCat(out, "/tuned.json");
  if (result.decision == optimizer::Decision::kAccepted) {
    M8_RETURN_IF_ERROR(
        optimizer::WriteFileAtomically(tuned, report.TunedConfigJson()));
  } else {
    ::unlink(tuned.c_str());
  }
  M8_RETURN_IF_ERROR(optimizer::WriteFileAtomically(
      absl::StrCat(out, "/report.json"), report.ToJson()));
  M8_RETURN_IF_ERROR(optimizer::WriteFileAtomically(
      absl::StrCat(out, "/report.md"), report.ToMarkdown()));
  switch (args.output.format_value()) {
    case Format::kConsole:
      io.out << report.ToConsole(args.output.UseColour(io));
      break;
    case Format::kMarkdown:
      io.out << report.ToMarkdown();
      break;
    case Format::kJson:
      io.out << report.ToJson();
      break;
  }
  io.out.flush();
  const bool trustworthy = result.decision == optimizer::Decision::kAccepted ||
                           result.decision == optimizer::Decision::kRejected;
  return trustworthy ? kExitOk : kExitFailed;
}

}  // namespace

Command TuneCommand() {
  return Command{
      "tune",
      "Find the grid options that make a workload fastest, keeping a "
      "configuration only when it is a proven improvement (exit 1 when the "
      "machine drifted or every candidate failed).",
      [](CLI::App& app) -> Action {
        auto args = std::make_shared<TuneArgs>();
        TuneOptions& o = args->options;
        app.add_option("--binary", args->binary,
                       "Benchmark binary to run (takes --m8_config=FILE)")
            ->required();
        app.add_option("--filter", args->filter,
                       "--benchmark_filter of the workload (e.g. "
                       "'^Grid/Interference/')")
            ->required();
        app.add_option("--space", args->space,
                       "Knob space (JSON); default: the built-in "
                       "optimizer/spaces/grid.json");
        app.add_option("--metric", args->metric,
                       "Objective: real_time, cpu_time or a counter")
            ->capture_default_str();
        app.add_option("--direction", args->directions,
                       "NAME=lower|higher: which way a metric is better, "
                       "where its name does not say")
            ->allow_extra_args(false);
        app.add_option("--guard", args->guards,
                       "NAME=+P%: a metric that may get worse by at most P%")
            ->allow_extra_args(false);
        app.add_option("--strategy", args->strategy,
                       "Search: auto, exhaustive, random, coordinate, halving")
            ->check(CLI::IsMember(
                {"auto", "exhaustive", "random", "coordinate", "halving"}))
            ->capture_default_str();
        app.add_option("--budget", args->budget,
                       "Stop searching after the runs took this long (e.g. "
                       "10m); verification still runs");
        app.add_option("--trials", o.max_trials,
                       "Stop searching after N trials (0: no limit)")
            ->check(CLI::NonNegativeNumber)
            ->capture_default_str();
        CLI::Option* repetitions =
            app.add_option("--repetitions", o.repetitions,
                           "Repetitions a side before a verification decides "
                           "(default: 9, or more when m8perf calibrate found "
                           "the benchmarks noisier)")
                ->check(CLI::Range(1, 1000));
        app.add_option("--max-repetitions", o.max_repetitions,
                       "Repetitions a side at most, while undecided")
            ->check(CLI::Range(1, 10000))
            ->capture_default_str();
        app.add_option("--round-repetitions", o.round_repetitions,
                       "Repetitions of each run in a verification round")
            ->check(CLI::Range(1, 1000))
            ->capture_default_str();
        app.add_option("--trial-repetitions", o.search.repetitions,
                       "Repetitions of each search trial")
            ->check(CLI::Range(1, 1000))
            ->capture_default_str();
        app.add_option("--alpha", o.decision.alpha,
                       "Significance level (shared by up to 3 verifications)")
            ->check(CLI::Range(1e-9, 0.5))
            ->capture_default_str();
        app.add_option("--noise", o.decision.noise,
                       "Noise band: an improvement must clear 1 - F")
            ->check(CLI::Range(0.0, 0.99))
            ->capture_default_str();
        app.add_option("--seed", o.search.seed, "Seed of random choices")
            ->capture_default_str();
        app.add_option("--baseline-config", args->baseline_config,
                       "The baseline's --m8_config (default: the binary's "
                       "defaults); candidates change its knobs");
        app.add_flag("--allow-semantic", args->allow_semantic,
                     "Allow knobs that change what the grid computes");
        app.add_option("--timeout", args->timeout,
                       "A run still going after this long fails")
            ->capture_default_str();
        app.add_option("--out", args->out,
                       "Directory for tuned.json, report.json, report.md, "
                       "journal.jsonl and runs/ (default tune/<UTC time>)");
        app.add_flag("--resume", args->resume,
                     "Continue the interrupted tune in --out");
        app.add_option("--calibration", args->calibration,
                       "Calibration store (m8perf calibrate) that chooses "
                       "--repetitions when it is not given")
            ->capture_default_str();
        app.add_option("BINARY_ARGS", args->binary_args,
                       "After --: arguments for every run of the binary");
        AddOutputOptions(app, &args->output);
        return [args, repetitions](Io& io) {
          args->repetitions_given = repetitions->count() > 0;
          absl::StatusOr<int> status = RunTune(*args, io);
          if (!status.ok()) return Fail(io, status.status());
          return *status;
        };
      }};
}

}  // namespace m8::perf
