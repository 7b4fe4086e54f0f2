#include "optimizer/dev_loop.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "analysis/read/printable.h"
#include "analysis/read/reader.h"
#include "analysis/read/samples.h"
#include "analysis/report/format.h"
#include "analysis/stats/statistics.h"
#include "analysis/status_macros.h"
#include "optimizer/calibration.h"
#include "optimizer/files.h"
#include "optimizer/process.h"
#include "optimizer/watch.h"

namespace m8::optimizer {
namespace {

namespace fs = std::filesystem;

// Repetitions of the first run when nothing says how many are needed, and
// the bounds of a chosen count.
constexpr int kFirstRunRepetitions = 9;
constexpr int kMinRepetitions = 5;
constexpr int kMaxRepetitions = 100;

uint64_t Fnv1a(absl::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string SafeName(absl::string_view text) {
  std::string out;
  for (const char c : text) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                          c == '_'
                      ? c
                      : '_');
  }
  return out.substr(0, 60);
}

absl::Status CopyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return absl::DataLossError(absl::StrCat(from, ": cannot read"));
  return WriteFileAtomically(to, text.str());
}

// The last `lines` lines of a file.
std::string LastLines(const std::string& path, int lines) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  size_t pos = all.size();
  for (int n = 0; n <= lines && pos != std::string::npos && pos > 0; ++n) {
    pos = all.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? all : all.substr(pos + 1);
}

// The source directory of a CMake build tree.
absl::StatusOr<std::string> SourceDirectory(const std::string& build_dir) {
  std::ifstream in(absl::StrCat(build_dir, "/CMakeCache.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "CMAKE_HOME_DIRECTORY:INTERNAL=")) {
      return line.substr(line.find('=') + 1);
    }
  }
  return absl::NotFoundError(absl::StrCat(
      build_dir, ": not a configured CMake build tree (no CMakeCache.txt)"));
}

}  // namespace

DevLoop::DevLoop(LoopOptions options, std::ostream& out, std::ostream& err,
                 bool colour)
    : options_(std::move(options)), out_(out), err_(err), colour_(colour) {
  repetitions_ = options_.repetitions;
}

std::string DevLoop::store_dir() const {
  return absl::StrCat(options_.build_dir, "/m8loop");
}

std::string DevLoop::LastRunPath() const {
  return absl::StrFormat(
      "%s/last/%s-%016x.json", store_dir(), SafeName(options_.target),
      Fnv1a(absl::StrCat(options_.filter, "\n", options_.metric, "\n",
                         absl::StrJoin(options_.binary_args, "\n"))));
}

absl::StatusOr<std::string> DevLoop::FindBinary() const {
  // The shortest path to an executable file named like the target.
  std::string best;
  std::error_code error;
  for (fs::recursive_directory_iterator it(options_.build_dir, error), end;
       it != end; it.increment(error)) {
    if (error) break;
    if (it->is_directory(error)) {
      const std::string name = it->path().filename().string();
      if (name == "CMakeFiles" || name == "m8loop" ||
          (!name.empty() && name[0] == '.')) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (it->path().filename() != options_.target ||
        !it->is_regular_file(error)) {
      continue;
    }
    const std::string path = it->path().string();
    if (::access(path.c_str(), X_OK) == 0 &&
        (best.empty() || path.size() < best.size())) {
      best = path;
    }
  }
  if (best.empty()) {
    return absl::NotFoundError(absl::StrCat("no executable '", options_.target,
                                            "' under ", options_.build_dir,
                                            " after building it"));
  }
  return best;
}

absl::Status DevLoop::ChooseRepetitions(
    const std::string& binary, const analysis::ResultsFile* first_run) {
  if (repetitions_ > 0) return absl::OkStatus();
  const analysis::NoiseOptions noise{options_.compare.alpha, 0.8,
                                     options_.compare.noise};
  std::error_code error;
  const std::string real = fs::canonical(binary, error).string();
  if (first_run == nullptr) {
    // From the calibration store, when it has every benchmark of the filter
    // that it knows for this binary.
    M8_ASSIGN_OR_RETURN(const std::vector<BenchmarkCalibration> store,
                        LoadCalibrations(options_.calibration_store));
    M8_ASSIGN_OR_RETURN(
        const std::vector<const BenchmarkCalibration*> found,
        FindCalibrations(store, real, options_.metric, options_.filter));
    int needed = 0;
    std::string limited;
    for (const BenchmarkCalibration* c : found) {
      const std::optional<int> n = analysis::RepetitionsToDetect(
          c->noise, options_.target_change, noise, kMaxRepetitions);
      if (!n) limited = c->benchmark;
      needed = std::max(needed, n.value_or(kMaxRepetitions));
    }
    if (needed == 0) return absl::OkStatus();  // decide after a first run
    repetitions_ = std::max(kMinRepetitions, needed);
    err_ << "loop: " << repetitions_ << " repetitions a run, to detect a "
         << 100 * options_.target_change << "% change (from "
         << analysis::Printable(options_.calibration_store) << ")\n";
    if (!limited.empty()) {
      err_ << "loop: note: the run-to-run noise of "
           << analysis::Printable(limited)
           << " is too large for one run a side to detect "
           << 100 * options_.target_change
           << "%: compare several runs a side\n";
    }
    return absl::OkStatus();
  }
  // From the spread within the first run (the run-to-run part unknown).
  int needed = kMinRepetitions;
  analysis::MetricReader reader(*first_run, options_.metric);
  std::vector<double> samples;
  for (const analysis::Benchmark& b : first_run->benchmarks()) {
    analysis::CollectSamples(*first_run, b.iterations, reader, &samples);
    if (samples.size() < 2) continue;
    analysis::NoiseEstimate estimate =
        analysis::EstimateNoise({samples, samples});
    estimate.run_sigma = 0;
    const std::optional<int> n = analysis::RepetitionsToDetect(
        estimate, options_.target_change, noise, kMaxRepetitions);
    needed = std::max(needed, n.value_or(kMaxRepetitions));
  }
  repetitions_ = needed;
  err_ << "loop: " << repetitions_ << " repetitions a run from now on, to "
       << "detect a " << 100 * options_.target_change
       << "% change within a run (m8perf calibrate also measures the drift "
          "between runs)\n";
  return absl::OkStatus();
}

void DevLoop::PrintComparison(const analysis::CompareReport& report) const {
  using analysis::Colour;
  using analysis::TextTable;
  TextTable table({"benchmark", "median", "change", "95% CI", "p", "verdict"},
                  {TextTable::Align::kLeft, TextTable::Align::kRight,
                   TextTable::Align::kRight, TextTable::Align::kRight,
                   TextTable::Align::kRight, TextTable::Align::kLeft});
  for (const analysis::Comparison& c : report.comparisons) {
    Colour colour = Colour::kNone;
    switch (c.verdict) {
      case analysis::Verdict::kImproved:
        colour = Colour::kGreen;
        break;
      case analysis::Verdict::kRegressed:
        colour = Colour::kRed;
        break;
      case analysis::Verdict::kUnknown:
        colour = Colour::kYellow;
        break;
      default:
        break;
    }
    table.AddRow(
        {c.name, analysis::FormatValue(c.contender.median, c.metric.unit),
         analysis::FormatChange(c.ratio),
         absl::StrCat("[", analysis::FormatChange(c.ci.low), ", ",
                      analysis::FormatChange(c.ci.high), "]"),
         analysis::FormatPValue(c.pvalue),
         std::string(analysis::VerdictName(c.verdict))},
        {Colour::kNone, Colour::kNone, colour, Colour::kNone, Colour::kNone,
         colour});
  }
  out_ << table.Render(colour_);
  for (const analysis::GeometricMeanRatio& g : report.geomeans) {
    if (g.metric.name != options_.metric) continue;
    out_ << absl::StrFormat(
        "%d improved, %d regressed, %d unchanged, %d unknown; geometric mean "
        "%s\n",
        report.Count(analysis::Verdict::kImproved),
        report.Count(analysis::Verdict::kRegressed),
        report.Count(analysis::Verdict::kUnchanged),
        report.Count(analysis::Verdict::kUnknown),
        analysis::FormatChange(g.ratio));
  }
  out_.flush();
}

absl::StatusOr<DevLoop::Outcome> DevLoop::Iterate() {
  ++iteration_;
  if (iteration_ == 1) {
    // A wrong directory is a usage error, not a failed build.
    M8_RETURN_IF_ERROR(SourceDirectory(options_.build_dir).status());
  }
  M8_RETURN_IF_ERROR(MakeDirectories(absl::StrCat(store_dir(), "/runs")));
  M8_RETURN_IF_ERROR(MakeDirectories(absl::StrCat(store_dir(), "/last")));

  // Build.
  err_ << "loop: building " << analysis::Printable(options_.target) << "\n";
  err_.flush();
  const std::string log = absl::StrCat(store_dir(), "/build.log");
  ProcessOptions build;
  build.argv = {"cmake", "--build", options_.build_dir, "--target",
                options_.target};
  build.stdout_path = log;
  build.stderr_to_stdout = true;
  M8_ASSIGN_OR_RETURN(const ProcessResult built, RunProcess(build));
  if (!built.Succeeded()) {
    err_ << LastLines(log, 200) << "loop: the build failed ("
         << built.Describe() << ")\n";
    err_.flush();
    return Outcome::kBuildFailed;
  }
  M8_ASSIGN_OR_RETURN(const std::string binary, FindBinary());
  M8_RETURN_IF_ERROR(ChooseRepetitions(binary, nullptr));
  const int repetitions =
      repetitions_ > 0 ? repetitions_ : kFirstRunRepetitions;

  // Run.
  const std::string stem = absl::StrCat(
      store_dir(), "/runs/",
      absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()), "-",
      iteration_);
  const std::string output = absl::StrCat(stem, ".json");
  ProcessOptions run;
  run.argv = {binary};
  for (const std::string& arg : options_.binary_args) run.argv.push_back(arg);
  run.argv.push_back(absl::StrCat("--benchmark_filter=", options_.filter));
  run.argv.push_back(absl::StrCat("--benchmark_repetitions=", repetitions));
  run.argv.push_back(absl::StrCat("--benchmark_out=", output));
  run.argv.push_back("--benchmark_out_format=json");
  run.stderr_path = absl::StrCat(stem, ".stderr");
  run.timeout = options_.run_timeout;
  err_ << "loop: running " << analysis::Printable(options_.filter) << ", "
       << repetitions << " repetitions"
       << (last_run_seconds_ > 0
               ? absl::StrFormat(" (ETA %.0fs)", last_run_seconds_)
               : "")
       << "\n";
  err_.flush();
  M8_ASSIGN_OR_RETURN(const ProcessResult ran, RunProcess(run));
  last_run_seconds_ = absl::ToDoubleSeconds(ran.wall);
  if (!ran.Succeeded()) {
    err_ << "loop: " << analysis::Printable(binary) << " failed ("
         << ran.Describe() << "): " << TailOfFile(run.stderr_path) << "\n";
    err_.flush();
    return Outcome::kRunFailed;
  }
  absl::StatusOr<analysis::ResultsFile> current =
      analysis::ReadResultsFile(output);
  if (!current.ok()) {
    err_ << "loop: " << analysis::Printable(current.status().message()) << "\n";
    return Outcome::kRunFailed;
  }
  if (const bool first_choice = repetitions_ == 0; first_choice) {
    M8_RETURN_IF_ERROR(ChooseRepetitions(binary, &*current));
  }

  // Compare with the baseline or the previous run.
  std::string reference = LastRunPath();
  if (!options_.baseline.empty()) {
    reference = absl::StrCat(store_dir(), "/baselines/",
                             SafeName(options_.baseline), ".json");
    if (!fs::exists(reference)) {
      return absl::NotFoundError(
          absl::StrCat("no baseline '", options_.baseline, "' in ", store_dir(),
                       "/baselines (save one with --save-baseline ",
                       options_.baseline, ")"));
    }
  }
  Outcome outcome = Outcome::kFirstRun;
  if (fs::exists(reference)) {
    M8_ASSIGN_OR_RETURN(const analysis::ResultsFile base,
                        analysis::ReadResultsFile(reference));
    analysis::CompareOptions compare = options_.compare;
    compare.metrics = {options_.metric};
    M8_ASSIGN_OR_RETURN(const analysis::CompareReport report,
                        analysis::Compare(base, *current, compare));
    out_ << "against "
         << (options_.baseline.empty()
                 ? "the previous run"
                 : absl::StrCat("baseline '",
                                analysis::Printable(options_.baseline), "'"))
         << ":\n";
    PrintComparison(report);
    outcome = Outcome::kCompared;
  } else {
    out_ << "first run of this filter (nothing to compare with yet):\n";
    analysis::MetricReader reader(*current, options_.metric);
    for (const analysis::Benchmark& b : current->benchmarks()) {
      if (std::optional<double> m =
              analysis::PointEstimate(*current, b, reader)) {
        out_ << "  " << analysis::Printable(b.run_name) << "  "
             << analysis::FormatValue(
                    *m, analysis::ClassifyMetric(options_.metric).unit)
             << "\n";
      }
    }
    out_.flush();
  }
  M8_RETURN_IF_ERROR(CopyFile(output, LastRunPath()));
  if (options_.keep_run) {
    absl::StatusOr<std::optional<std::string>> kept = options_.keep_run(output);
    if (!kept.ok()) {
      err_ << "loop: not kept in the history: "
           << analysis::Printable(kept.status().message()) << "\n";
    } else if (kept->has_value()) {
      err_ << "loop: " << analysis::Printable(**kept) << "\n";
    }
    err_.flush();
  }
  if (!options_.save_baseline.empty()) {
    M8_RETURN_IF_ERROR(
        MakeDirectories(absl::StrCat(store_dir(), "/baselines")));
    const std::string saved = absl::StrCat(
        store_dir(), "/baselines/", SafeName(options_.save_baseline), ".json");
    M8_RETURN_IF_ERROR(CopyFile(output, saved));
    err_ << "loop: saved as baseline '"
         << analysis::Printable(options_.save_baseline) << "'\n";
  }
  return outcome;
}

absl::StatusOr<int> DevLoop::Run(const std::atomic<bool>& stop) {
  if (!options_.watch) {
    M8_ASSIGN_OR_RETURN(const Outcome outcome, Iterate());
    return outcome == Outcome::kBuildFailed || outcome == Outcome::kRunFailed
               ? 1
               : 0;
  }
  M8_ASSIGN_OR_RETURN(const std::string source,
                      SourceDirectory(options_.build_dir));
  M8_ASSIGN_OR_RETURN(std::unique_ptr<SourceWatcher> watcher,
                      SourceWatcher::Create(source));
  for (;;) {
    M8_ASSIGN_OR_RETURN(const Outcome outcome, Iterate());
    (void)outcome;  // reported by Iterate; the loop goes on either way
    if (stop.load()) break;
    err_ << "loop: waiting for a change under " << analysis::Printable(source)
         << " (Ctrl-C stops)\n";
    err_.flush();
    std::vector<std::string> changed;
    M8_ASSIGN_OR_RETURN(const SourceWatcher::Event event,
                        watcher->Wait(stop, &changed));
    if (event == SourceWatcher::Event::kStopped) break;
    err_ << "loop: " << analysis::Printable(changed.front())
         << (changed.size() > 1
                 ? absl::StrCat(" and ", changed.size() - 1, " more")
                 : "")
         << " changed\n";
  }
  err_ << "loop: stopped\n";
  err_.flush();
  return 0;
}

}  // namespace m8::optimizer
