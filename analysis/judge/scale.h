// Scalability of thread sweeps (m8perf scale): benchmarks whose run_names
// differ only in their `threads:N` part form a sweep; its throughput at each
// thread count is fitted with the Universal Scalability Law (usl.h).
//
// Pure function; thread-safe.

#ifndef M8_ANALYSIS_JUDGE_SCALE_H_
#define M8_ANALYSIS_JUDGE_SCALE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/read/results.h"
#include "analysis/stats/usl.h"

namespace m8::analysis {

struct ScaleOptions {
  // The throughput metric. Empty: items_per_second when the sweep reports
  // it, else operations per second from real_time (1e9 / real_time_ns; in
  // Google Benchmark 1.7.1 real_time of a threaded run is per iteration of
  // all threads together). A time metric is turned into 1e9 / value.
  std::string metric;
  // Regular expression searched in run_name (name_filter.h); empty: every
  // benchmark.
  std::string filter;
  // Fewer points than this give a warning (the R `usl` package warns
  // below 6).
  int min_points = 6;
};

struct ThreadSweep {
  std::string name;    // run_name with "threads:*" for the thread count
  std::string metric;  // what throughput was derived from
  std::vector<int> threads;
  std::vector<double> throughput;  // per second
  std::optional<UslFit> fit;       // none below 3 thread counts
  std::vector<std::string> warnings;
};

struct ScaleReport {
  std::string source;
  std::vector<ThreadSweep> sweeps;
  std::vector<std::string> warnings;  // the run's environment (environment.h)
};

// Splits "A/real_time/threads:4" into the sweep key "A/real_time/threads:*"
// (ThreadSweep::name) and 4. Returns false when the name has no threads:N
// part.
bool ThreadSweepKey(const std::string& run_name, std::string* key,
                    int* threads);

absl::StatusOr<ScaleReport> AnalyzeScalability(const ResultsFile& file,
                                               const ScaleOptions& options);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_JUDGE_SCALE_H_
