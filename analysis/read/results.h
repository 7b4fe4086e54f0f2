// Typed contents of one Google Benchmark JSON results file: the context, every
// entry (iterations, aggregates, BigO and RMS, errored and skipped runs) and
// an index of benchmarks by `run_name`.
//
// A ResultsFile is immutable once read (reader.h builds it); const methods may
// be called from several threads at once.

#ifndef M8_ANALYSIS_READ_RESULTS_H_
#define M8_ANALYSIS_READ_RESULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "analysis/read/metric.h"

namespace m8::analysis {

struct CacheInfo {
  std::string type;  // "Data", "Instruction", "Unified"
  int64_t level = 0;
  int64_t size = 0;  // bytes
  int64_t num_sharing = 0;
};

// The `context` object. Keys that Google Benchmark does not define (custom
// context, the `m8.*` keys, keys of versions newer than 1.7.1) are kept in
// `extra` with their values as text: strings unquoted, other values as JSON.
struct Context {
  std::string date;  // as written: ISO-8601 or "2016-08-02 17:44:46"
  std::string host_name;
  std::string executable;
  int64_t num_cpus = 0;
  double mhz_per_cpu = 0;
  std::optional<bool> cpu_scaling_enabled;  // omitted when unknown
  std::vector<CacheInfo> caches;
  std::vector<double> load_avg;
  std::string library_build_type;              // "release" or "debug"
  std::string library_version;                 // 1.8.4 and newer
  std::optional<int64_t> json_schema_version;  // 1.8.4 and newer
  std::optional<bool> aslr_enabled;            // 1.9.3 and newer
  std::vector<std::pair<std::string, std::string>> extra;
  // The counters the file declares under m8.counters (metric.h); empty when
  // it declares none.
  CounterCatalogue counters;

  // The value of an `extra` key, or nullptr.
  const std::string* FindExtra(absl::string_view key) const;
};

enum class RunType { kIteration, kAggregate };

enum class TimeUnit { kNanosecond, kMicrosecond, kMillisecond, kSecond };

// Whether an entry holds a measurement.
enum class RunStatus {
  kOk,
  kError,    // `error_occurred: true` (SkipWithError)
  kSkipped,  // `skipped: true` (SkipWithMessage, 1.8.0 and newer)
};

// `report_big_o` aggregates.
struct BigOFit {
  double cpu_coefficient = 0;
  double real_coefficient = 0;
  std::string big_o;  // "(1)", "N", "NlgN", ...
};

// MemoryManager results (iteration entries only). Google Benchmark 1.7.1
// reports garbage here for all but the last repetition (a known 1.7.1 bug), so
// compare ignores these unless asked for by name.
struct MemoryStats {
  std::optional<double> allocs_per_iter;
  std::optional<double> max_bytes_used;
  std::optional<double> total_allocated_bytes;
  std::optional<double> net_heap_growth;
};

// A user counter: the index of its name in ResultsFile::counter_names() and
// its value.
struct CounterValue {
  uint32_t name = 0;
  double value = 0;
};

// One element of the `benchmarks` array.
struct Entry {
  std::string name;
  std::string run_name;  // `name` when the file predates run_name
  RunType run_type = RunType::kIteration;
  std::string aggregate_name;    // aggregates only; may be empty in old files
  bool percentage_unit = false;  // `aggregate_unit: "percentage"` (cv, RMS)
  int64_t family_index = -1;
  int64_t per_family_instance_index = -1;
  int64_t repetitions = 0;        // 0 when absent
  int64_t repetition_index = -1;  // -1 when absent
  int64_t threads = 1;
  RunStatus status = RunStatus::kOk;
  std::string message;  // error_message or skip_message
  std::string label;

  // Per-iteration times in nanoseconds, converted from `time_unit`;
  // has_times is false for entries without them (BigO, RMS).
  double iterations = 0;
  double real_time_ns = 0;
  double cpu_time_ns = 0;
  bool has_times = false;
  TimeUnit time_unit = TimeUnit::kNanosecond;

  std::optional<BigOFit> big_o;
  std::optional<double> rms;
  MemoryStats memory;

  // Range of this entry's counters in ResultsFile::counter_values().
  uint32_t counters_begin = 0;
  uint32_t counters_end = 0;

  bool usable() const { return status == RunStatus::kOk && has_times; }
};

// All entries that share a `run_name`, in file order.
struct Benchmark {
  std::string run_name;
  int64_t threads = 1;
  std::vector<uint32_t> iterations;  // indices into entries()
  std::vector<uint32_t> aggregates;  // indices into entries()
};

class ResultsFile {
 public:
  ResultsFile() = default;
  ResultsFile(ResultsFile&&) = default;
  ResultsFile& operator=(ResultsFile&&) = default;

  // Where the file came from (its path), used in every message about it.
  const std::string& source() const { return source_; }
  const Context& context() const { return context_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::vector<Benchmark>& benchmarks() const { return benchmarks_; }
  const std::vector<std::string>& counter_names() const {
    return counter_names_;
  }

  absl::Span<const CounterValue> counters(const Entry& entry) const {
    return absl::MakeConstSpan(counter_values_)
        .subspan(entry.counters_begin,
                 entry.counters_end - entry.counters_begin);
  }

  // The benchmark with this run_name, or nullptr.
  const Benchmark* FindBenchmark(absl::string_view run_name) const;

  // Index of a counter name in counter_names(), or -1.
  int FindCounter(absl::string_view name) const;

  // The value of `metric` (real_time, cpu_time, a counter or a memory-manager
  // field) in `entry`, or nullopt when the entry does not have it.
  std::optional<double> Value(const Entry& entry,
                              absl::string_view metric) const;

 private:
  friend class ResultsBuilder;

  std::string source_;
  Context context_;
  std::vector<Entry> entries_;
  std::vector<Benchmark> benchmarks_;
  absl::flat_hash_map<std::string, uint32_t> benchmark_index_;
  std::vector<std::string> counter_names_;
  absl::flat_hash_map<std::string, uint32_t> counter_index_;
  std::vector<CounterValue> counter_values_;
};

// Assembles a ResultsFile; used by the reader and by tests that build results
// in memory.
class ResultsBuilder {
 public:
  explicit ResultsBuilder(std::string source);

  Context& context() { return file_.context_; }

  // Capacity for `entries` entries (a hint).
  void Reserve(size_t entries);

  // Interns a counter name; returns its index.
  uint32_t CounterId(absl::string_view name);

  // The index of an interned counter name, or -1.
  int FindCounter(absl::string_view name) const {
    return file_.FindCounter(name);
  }

  // Appends a counter to the entry being built (call before AddEntry).
  void AddCounter(uint32_t name, double value);

  // Adds an entry with the counters added since the previous AddEntry.
  // Returns the entry index.
  uint32_t AddEntry(Entry entry);

  // Builds the benchmark index. Returns the index of an entry that repeats an
  // earlier one (same run_name and repetition_index for iterations, same
  // name and aggregate_name for aggregates), or -1 when there is none.
  int64_t Finish(int64_t* duplicate_of);

  ResultsFile Take() { return std::move(file_); }

 private:
  ResultsFile file_;
  uint32_t pending_counters_begin_ = 0;
};

// Pools the repetitions of several runs of the same benchmarks into one
// ResultsFile, as if one run had made them all: iteration entries are
// appended in order with their repetition_index renumbered per run_name;
// aggregates are dropped (each summarised one run only); the context is the
// first run's. The source reads "a.json+b.json". REQUIRES: !runs.empty().
ResultsFile PoolRepetitions(std::vector<ResultsFile> runs);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_READ_RESULTS_H_
