#include "optimizer/calibration.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "analysis/read/name_filter.h"
#include "analysis/read/printable.h"
#include "analysis/report/format.h"
#include "nlohmann/json.hpp"
#include "optimizer/files.h"

namespace m8::optimizer {
namespace {

using nlohmann::ordered_json;

std::string Percent(double fraction) {
  return absl::StrFormat("%.2f%%", 100 * fraction);
}

std::string Repetitions(const analysis::NoiseEstimate& noise, double change,
                        const analysis::NoiseOptions& options) {
  const std::optional<int> n =
      analysis::RepetitionsToDetect(noise, change, options);
  return n ? absl::StrCat(*n) : "-";
}

ordered_json EntryToJson(const BenchmarkCalibration& c) {
  return ordered_json{{"binary", c.binary},
                      {"benchmark", c.benchmark},
                      {"metric", c.metric},
                      {"date", c.date},
                      {"runs", c.noise.runs},
                      {"repetitions", c.noise.repetitions},
                      {"within_cv", c.noise.within_cv},
                      {"within_sigma", c.noise.within_sigma},
                      {"mdape", c.noise.mdape},
                      {"between_cv", c.noise.between_cv},
                      {"drift", c.noise.drift},
                      {"run_sigma", c.noise.run_sigma}};
}

}  // namespace

absl::StatusOr<std::vector<BenchmarkCalibration>> Calibrate(
    Runner& runner, const std::string& binary, const CalibrateOptions& options,
    const ProgressFn& progress) {
  if (options.runs < 2 || options.repetitions < 2) {
    return absl::InvalidArgumentError(
        "calibrate needs at least 2 runs of at least 2 repetitions");
  }
  std::vector<Measurement> runs;
  const absl::Time start = absl::Now();
  for (int i = 0; i < options.runs; ++i) {
    absl::StatusOr<RunResult> run =
        runner.Run({"", {}, options.repetitions, {options.metric}});
    if (!run.ok()) return run.status();
    if (!run->ok) {
      return absl::FailedPreconditionError(
          absl::StrCat("run ", i + 1, " failed: ", run->failure));
    }
    runs.push_back(std::move(run->measurement));
    if (progress) {
      const double per_run =
          absl::ToDoubleSeconds(absl::Now() - start) / (i + 1);
      progress(absl::StrFormat("calibrate: run %d of %d done; ETA %.0fs", i + 1,
                               options.runs, per_run * (options.runs - i - 1)));
    }
  }
  const std::string date =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  std::vector<BenchmarkCalibration> result;
  for (const Measurement::Series& first : runs.front().series) {
    std::vector<std::vector<double>> samples;
    for (const Measurement& run : runs) {
      const Measurement::Series* s = run.Find(first.benchmark, first.metric);
      if (s == nullptr || s->values.size() < 2) {
        return absl::FailedPreconditionError(absl::StrCat(
            first.benchmark, " has fewer than 2 repetitions in a run"));
      }
      samples.push_back(s->values);
    }
    result.push_back({binary, first.benchmark, first.metric, date,
                      analysis::EstimateNoise(samples)});
  }
  return result;
}

absl::StatusOr<std::vector<BenchmarkCalibration>> LoadCalibrations(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<BenchmarkCalibration>{};
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<BenchmarkCalibration> store;
  try {
    const ordered_json doc = ordered_json::parse(text.str());
    if (doc.at("m8perf_calibration").get<int>() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": unknown calibration store version"));
    }
    for (const ordered_json& e : doc.at("entries")) {
      BenchmarkCalibration c;
      c.binary = e.at("binary").get<std::string>();
      c.benchmark = e.at("benchmark").get<std::string>();
      c.metric = e.at("metric").get<std::string>();
      c.date = e.at("date").get<std::string>();
      c.noise.runs = e.at("runs").get<int>();
      c.noise.repetitions = e.at("repetitions").get<int>();
      c.noise.within_cv = e.at("within_cv").get<double>();
      c.noise.within_sigma = e.at("within_sigma").get<double>();
      c.noise.mdape = e.at("mdape").get<double>();
      c.noise.between_cv = e.at("between_cv").get<double>();
      c.noise.drift = e.at("drift").get<double>();
      c.noise.run_sigma = e.at("run_sigma").get<double>();
      store.push_back(std::move(c));
    }
  } catch (const ordered_json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a calibration store: ", e.what()));
  }
  return store;
}

absl::Status SaveCalibrations(const std::string& path,
                              const std::vector<BenchmarkCalibration>& fresh) {
  absl::StatusOr<std::vector<BenchmarkCalibration>> store =
      LoadCalibrations(path);
  if (!store.ok()) return store.status();
  ordered_json entries = ordered_json::array();
  for (const BenchmarkCalibration& old : *store) {
    if (FindCalibration(fresh, old.binary, old.benchmark, old.metric) ==
        nullptr) {
      entries.push_back(EntryToJson(old));
    }
  }
  for (const BenchmarkCalibration& c : fresh) entries.push_back(EntryToJson(c));
  const ordered_json doc = {{"m8perf_calibration", 1}, {"entries", entries}};
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (absl::Status s = MakeDirectories(path.substr(0, slash)); !s.ok()) {
      return s;
    }
  }
  // A binary's path need not be UTF-8: bytes that are not are written as
  // U+FFFD.
  return WriteFileAtomically(
      path,
      doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n");
}

const BenchmarkCalibration* FindCalibration(
    const std::vector<BenchmarkCalibration>& store, const std::string& binary,
    const std::string& benchmark, const std::string& metric) {
  for (const BenchmarkCalibration& c : store) {
    if (c.binary == binary && c.benchmark == benchmark && c.metric == metric) {
      return &c;
    }
  }
  return nullptr;
}

absl::StatusOr<std::vector<const BenchmarkCalibration*>> FindCalibrations(
    const std::vector<BenchmarkCalibration>& store, const std::string& binary,
    const std::string& metric, const std::string& filter) {
  absl::StatusOr<analysis::NameFilter> selects =
      analysis::NameFilter::ForBenchmarkFilter(filter);
  if (!selects.ok()) return selects.status();
  std::vector<const BenchmarkCalibration*> found;
  for (const BenchmarkCalibration& c : store) {
    if (c.binary == binary && c.metric == metric &&
        selects->Matches(c.benchmark)) {
      found.push_back(&c);
    }
  }
  return found;
}

std::string CalibrationToConsole(
    const std::vector<BenchmarkCalibration>& calibration,
    const CalibrateOptions& options) {
  std::string out = absl::StrFormat(
      "%d runs of %d repetitions, %s; detectable: the smallest change one "
      "run a side finds (alpha %.2g, power %.0f%%); repetitions a side to "
      "find 1%% / 2%% / 5%% (- : not with one run a side)\n",
      options.runs, options.repetitions, analysis::Printable(options.metric),
      options.noise.alpha, 100 * options.noise.power);
  absl::StrAppend(
      &out, absl::StrFormat("%-50s %9s %9s %9s %9s %10s %s\n", "benchmark",
                            "CV", "MdAPE", "run-to-run", "drift", "detectable",
                            "reps 1/2/5%"));
  for (const BenchmarkCalibration& c : calibration) {
    absl::StrAppend(
        &out,
        absl::StrFormat("%-50s %9s %9s %9s %9s %10s %s / %s / %s\n",
                        analysis::Printable(c.benchmark),
                        Percent(c.noise.within_cv), Percent(c.noise.mdape),
                        Percent(c.noise.run_sigma), Percent(c.noise.drift),
                        Percent(analysis::DetectableChange(
                            c.noise, options.repetitions, options.noise)),
                        Repetitions(c.noise, 0.01, options.noise),
                        Repetitions(c.noise, 0.02, options.noise),
                        Repetitions(c.noise, 0.05, options.noise)));
  }
  return out;
}

std::string CalibrationToMarkdown(
    const std::vector<BenchmarkCalibration>& calibration,
    const CalibrateOptions& options) {
  std::string md = absl::StrFormat(
      "# m8perf calibrate\n\n%d runs of %d repetitions, metric %s. "
      "*Detectable*: the smallest change a comparison of one run a side "
      "finds at alpha %.2g with power %.0f%%; *repetitions*: a side, to find "
      "a change of 1%%, 2%%, 5%% (- where the run-to-run noise alone is too "
      "large: interleave several runs a side).\n\n| benchmark | CV | MdAPE | "
      "run-to-run | drift | detectable | 1%% | 2%% | 5%% |\n|---|---|---|---|"
      "---|---|---|---|---|\n",
      options.runs, options.repetitions, analysis::MarkdownText(options.metric),
      options.noise.alpha, 100 * options.noise.power);
  for (const BenchmarkCalibration& c : calibration) {
    absl::StrAppend(&md, "| ", analysis::MarkdownCode(c.benchmark), " | ",
                    Percent(c.noise.within_cv), " | ", Percent(c.noise.mdape),
                    " | ", Percent(c.noise.run_sigma), " | ",
                    Percent(c.noise.drift), " | ",
                    Percent(analysis::DetectableChange(
                        c.noise, options.repetitions, options.noise)),
                    " | ", Repetitions(c.noise, 0.01, options.noise), " | ",
                    Repetitions(c.noise, 0.02, options.noise), " | ",
                    Repetitions(c.noise, 0.05, options.noise), " |\n");
  }
  return md;
}

std::string CalibrationToJson(
    const std::vector<BenchmarkCalibration>& calibration,
    const CalibrateOptions& options) {
  ordered_json benchmarks = ordered_json::array();
  for (const BenchmarkCalibration& c : calibration) {
    ordered_json e = EntryToJson(c);
    e["detectable_change"] =
        analysis::DetectableChange(c.noise, options.repetitions, options.noise);
    ordered_json needed = ordered_json::object();
    for (const double change : kCalibratedChanges) {
      const std::optional<int> n =
          analysis::RepetitionsToDetect(c.noise, change, options.noise);
      needed[absl::StrFormat("%g", change)] =
          n ? ordered_json(*n) : ordered_json(nullptr);
    }
    e["repetitions_to_detect"] = needed;
    benchmarks.push_back(e);
  }
  return ordered_json{{"runs", options.runs},
                      {"repetitions", options.repetitions},
                      {"metric", options.metric},
                      {"alpha", options.noise.alpha},
                      {"power", options.noise.power},
                      {"benchmarks", benchmarks}}
             .dump(2, ' ', false, ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace m8::optimizer
