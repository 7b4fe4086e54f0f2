// Progress of a benchmark run on stderr: after each benchmark,
// "benchmark k of n (r of m runs): NAME, 1m05s elapsed, ETA 3m10s", with the
// time left estimated from the time spent so far per run (a run is one
// repetition of one benchmark).
//
// ProgressReporter wraps the display reporter Google Benchmark would use
// (the console table on stdout stays as it is) and writes its lines to
// another stream. On a terminal it keeps one line up to date in place,
// clearing it before the display reporter writes; elsewhere (a log) it
// writes one line per benchmark.
//
// Thread-safety: Google Benchmark calls reporters from one thread;
// thread-compatible.
#ifndef M8_BENCH_SUPPORT_PROGRESS_H_
#define M8_BENCH_SUPPORT_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

// "0s", "45s", "3m10s", "1h02m": a duration rounded to whole seconds
// (minutes from an hour on). Negative or NaN durations read "0s".
std::string FormatDuration(double seconds);

// Counts finished benchmarks and runs against the expected totals.
class ProgressCounter {
 public:
  // `benchmarks` benchmarks to run, `repetitions` runs each (the
  // --benchmark_repetitions value).
  ProgressCounter(int64_t benchmarks, int64_t repetitions);

  // Records that benchmark `name` finished after `repetitions` runs; a
  // benchmark with its own repetition count moves the expected total with
  // it. Returns the progress line, `elapsed_seconds` after the start.
  std::string Finish(absl::string_view name, int64_t repetitions,
                     double elapsed_seconds);

  int64_t benchmarks_done() const { return benchmarks_done_; }
  int64_t benchmarks_total() const { return benchmarks_total_; }
  int64_t runs_done() const { return runs_done_; }
  int64_t runs_total() const { return runs_total_; }

 private:
  int64_t benchmarks_total_;
  int64_t default_repetitions_;
  int64_t runs_total_;
  int64_t benchmarks_done_ = 0;
  int64_t runs_done_ = 0;
};

class ProgressReporter : public benchmark::BenchmarkReporter {
 public:
  // Forwards every call to `display` (not owned; must outlive this) and
  // writes progress to `progress`. `now` returns seconds on a steady clock
  // (injected by tests).
  ProgressReporter(benchmark::BenchmarkReporter* display,
                   ProgressCounter counter, std::ostream* progress,
                   bool in_place, std::function<double()> now = {});

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  const ProgressCounter& counter() const { return counter_; }

 private:
  void Show(const std::string& line);
  void Clear();

  benchmark::BenchmarkReporter* display_;
  ProgressCounter counter_;
  std::ostream* progress_;
  bool in_place_;
  std::function<double()> now_;
  double start_ = 0;
  std::string last_benchmark_;  // the one counted last
  std::string line_;            // its progress line
  bool pending_ = false;        // line_ waits for the aggregates
  bool shown_ = false;          // in place: a line is on the screen
};

// The number of benchmarks `filter` selects, as --benchmark_list_tests would
// list them. REQUIRES: called before benchmark::Initialize, which then sets
// every flag from the real command line (this sets --benchmark_list_tests
// for a listing pass and back).
int64_t CountBenchmarks(const char* program, const std::string& filter);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_PROGRESS_H_
