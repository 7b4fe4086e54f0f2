// Pulling the values of one metric out of a ResultsFile: per entry, per
// benchmark (the usable repetitions), and as one point estimate (median).
// Shared by compare, check, trend, scale and summary.
//
// Read-only views over a ResultsFile; thread-compatible.

#ifndef M8_ANALYSIS_READ_SAMPLES_H_
#define M8_ANALYSIS_READ_SAMPLES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "analysis/read/results.h"

namespace m8::analysis {

// Reads one metric (real_time, cpu_time, a user counter or a memory-manager
// field) from entries of one file. A counter that the file declares with a
// companion (CounterDeclaration::measured_if) is not measured in an entry
// whose companion is 0: Get returns nullopt there, and NotMeasured says so.
class MetricReader {
 public:
  MetricReader(const ResultsFile& file, absl::string_view metric);

  // False when no entry of the file can have this metric.
  bool present() const { return kind_ != Kind::kAbsent; }

  // The value, or nullopt when the entry does not have it or it is not
  // measured there.
  std::optional<double> Get(const Entry& entry) const;

  // Whether the entry's companion counter says that the metric was not
  // measured (the companion is present and 0).
  bool NotMeasured(const Entry& entry) const;

  // The companion counter's name; empty when the metric has none.
  const std::string& companion() const { return companion_name_; }

 private:
  enum class Kind {
    kAbsent,
    kRealTime,
    kCpuTime,
    kCounter,
    kAllocsPerIter,
    kMaxBytesUsed,
    kTotalAllocatedBytes,
    kNetHeapGrowth,
  };
  const ResultsFile* file_;
  Kind kind_ = Kind::kAbsent;
  uint32_t counter_ = 0;
  std::string companion_name_;
  int companion_ = -1;  // index in counter_names(), or -1
};

// Values of the metric over the usable (not errored or skipped, timed)
// entries among `entries`, in order. Clears `out` first.
void CollectSamples(const ResultsFile& file, absl::Span<const uint32_t> entries,
                    const MetricReader& metric, std::vector<double>* out);

// How many of the usable entries among `entries` do not measure the metric
// (MetricReader::NotMeasured).
int CountNotMeasured(const ResultsFile& file,
                     absl::Span<const uint32_t> entries,
                     const MetricReader& metric);

// The value that stands for a benchmark in one run: the median over its
// usable repetitions; for files written with
// --benchmark_report_aggregates_only, its `median` aggregate, else its
// `mean`. nullopt when there is none.
std::optional<double> PointEstimate(const ResultsFile& file,
                                    const Benchmark& benchmark,
                                    const MetricReader& metric);

// The metrics that the usable ones among `entries` report, in a stable
// order: real_time, cpu_time, then counters in the order of the file.
// Memory-manager fields are left out (see CompareOptions::metrics).
std::vector<std::string> MetricNames(const ResultsFile& file,
                                     absl::Span<const uint32_t> entries);

// MetricNames of a benchmark's repetitions, or of its aggregates when the
// file has no repetitions.
std::vector<std::string> MetricNames(const ResultsFile& file,
                                     const Benchmark& benchmark);

// The first errored or skipped entry of a benchmark, or nullptr.
const Entry* FirstFailure(const ResultsFile& file,
                          absl::Span<const uint32_t> entries);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_SAMPLES_H_
