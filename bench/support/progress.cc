#include "bench/support/progress.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace m8::bench {
namespace {

double SteadySeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Writes nothing: the listing pass of CountBenchmarks.
class NullReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

std::string FormatDuration(double seconds) {
  if (!(seconds > 0)) return "0s";
  const int64_t total = std::llround(seconds);
  if (total < 60) return absl::StrCat(total, "s");
  if (total < 3600)
    return absl::StrCat(total / 60, "m", absl::StrFormat("%02d", total % 60),
                        "s");
  const int64_t minutes = (total + 30) / 60;
  return absl::StrCat(minutes / 60, "h", absl::StrFormat("%02d", minutes % 60),
                      "m");
}

ProgressCounter::ProgressCounter(int64_t benchmarks, int64_t repetitions)
    : benchmarks_total_(benchmarks),
      default_repetitions_(repetitions < 1 ? 1 : repetitions),
      runs_total_(benchmarks * default_repetitions_) {}

std::string ProgressCounter::Finish(absl::string_view name, int64_t repetitions,
                                    double elapsed_seconds) {
  if (repetitions < 1) repetitions = 1;
  ++benchmarks_done_;
  runs_done_ += repetitions;
  runs_total_ += repetitions - default_repetitions_;
  // A benchmark the listing did not count (or a count that was unknown).
  if (benchmarks_done_ > benchmarks_total_) {
    benchmarks_total_ = benchmarks_done_;
  }
  if (runs_total_ < runs_done_) runs_total_ = runs_done_;
  std::string line =
      absl::StrCat("benchmark ", benchmarks_done_, " of ", benchmarks_total_);
  if (runs_total_ != benchmarks_total_) {
    absl::StrAppend(&line, " (", runs_done_, " of ", runs_total_, " runs)");
  }
  absl::StrAppend(&line, ": ", name, ", ", FormatDuration(elapsed_seconds),
                  " elapsed");
  if (runs_done_ < runs_total_) {
    const double left = elapsed_seconds / static_cast<double>(runs_done_) *
                        static_cast<double>(runs_total_ - runs_done_);
    absl::StrAppend(&line, ", ETA ", FormatDuration(left));
  }
  return line;
}

ProgressReporter::ProgressReporter(benchmark::BenchmarkReporter* display,
                                   ProgressCounter counter,
                                   std::ostream* progress, bool in_place,
                                   std::function<double()> now)
    : display_(display),
      counter_(std::move(counter)),
      progress_(progress),
      in_place_(in_place),
      now_(now ? std::move(now) : SteadySeconds) {}

bool ProgressReporter::ReportContext(const Context& context) {
  start_ = now_();
  return display_->ReportContext(context);
}

void ProgressReporter::ReportRuns(const std::vector<Run>& runs) {
  if (runs.empty()) {
    display_->ReportRuns(runs);
    return;
  }
  const Run& first = runs.front();
  const std::string name = first.run_name.str();
  const std::string identity = absl::StrCat(
      first.family_index, "/", first.per_family_instance_index, "/", name);
  const bool same_benchmark = identity == last_benchmark_;
  if (!same_benchmark && pending_) Show(line_);
  Clear();
  display_->ReportRuns(runs);
  display_->GetOutputStream().flush();
  if (!same_benchmark) {
    last_benchmark_ = identity;
    line_ = counter_.Finish(name, first.repetitions, now_() - start_);
    // Google Benchmark reports the aggregates of two or more usable runs in
    // a second call: the line waits for them, so that it follows them.
    int usable = 0;
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && !run.error_occurred) ++usable;
    }
    pending_ = first.run_type == Run::RT_Iteration && usable >= 2;
    if (pending_) return;
  }
  pending_ = false;
  Show(line_);
}

void ProgressReporter::Finalize() {
  if (pending_) Show(line_);
  pending_ = false;
  if (in_place_ && shown_) {
    *progress_ << "\n";
    progress_->flush();
    shown_ = false;
  }
  display_->Finalize();
}

void ProgressReporter::Show(const std::string& line) {
  if (in_place_) {
    Clear();
    *progress_ << line;
    shown_ = true;
  } else {
    *progress_ << line << "\n";
  }
  progress_->flush();
}

void ProgressReporter::Clear() {
  if (!in_place_ || !shown_) return;
  // Back to the start of the line, and erase it.
  *progress_ << "\r\033[K";
  progress_->flush();
  shown_ = false;
}

int64_t CountBenchmarks(const char* program, const std::string& filter) {
  std::string name = program;
  std::string list = "--benchmark_list_tests=true";
  std::string no_list = "--benchmark_list_tests=false";
  // No results file: Google Benchmark would create (and empty) the one
  // BENCHMARK_OUT names even for a listing.
  std::string no_out = "--benchmark_out=";
  char* listing[] = {name.data(), list.data(), no_out.data(), nullptr};
  int listing_count = 3;
  benchmark::Initialize(&listing_count, listing);
  NullReporter reporter;
  std::ostringstream names;
  std::ostringstream errors;
  reporter.SetOutputStream(&names);
  reporter.SetErrorStream(&errors);
  const size_t count = benchmark::RunSpecifiedBenchmarks(&reporter, filter);
  char* reset[] = {name.data(), no_list.data(), nullptr};
  int reset_count = 2;
  benchmark::Initialize(&reset_count, reset);
  return static_cast<int64_t>(count);
}

}  // namespace m8::bench
