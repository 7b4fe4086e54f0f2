// Resource counters around a benchmark's timed region.
//
// A ResourceMeter is made just before the timed loop and finished just
// after it, so that its reads (getrusage, /proc) stay out of the timing. It
// reports, per iteration (kAvgIterations):
//   cpu_user_s, cpu_sys_s          CPU time of the benchmark's threads
//   minor_faults, major_faults     page faults of those threads
//   ctx_voluntary, ctx_involuntary context switches of those threads
//   io_read_bytes, io_write_bytes  storage IO of the process (/proc/self/io)
//   heap_allocs, heap_bytes        operator new calls and bytes, per thread
// and, for the whole region, rss_peak_bytes: the process's peak resident
// set, reset at the start of the region through /proc/self/clear_refs where
// the kernel allows it (PeakRssIsPerBenchmark()), else the process peak.
// CPU, faults, switches and heap counts are per thread (RUSAGE_THREAD) and
// summed over the benchmark's threads; process-wide values are reported by
// thread 0 only.
//
// Thread-safety: a meter belongs to one thread; every thread of a threaded
// benchmark makes its own.
#ifndef M8_BENCH_SUPPORT_RESOURCES_H_
#define M8_BENCH_SUPPORT_RESOURCES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "bench/support/heap_counter.h"
#include "benchmark/benchmark.h"

namespace m8::bench {

// What getrusage(RUSAGE_THREAD) reports for the calling thread.
struct ThreadUsage {
  double user_s = 0;
  double sys_s = 0;
  int64_t minor_faults = 0;
  int64_t major_faults = 0;
  int64_t ctx_voluntary = 0;
  int64_t ctx_involuntary = 0;
};
absl::StatusOr<ThreadUsage> ReadThreadUsage();

// read_bytes and write_bytes of /proc/self/io.
struct ProcessIo {
  int64_t read_bytes = 0;
  int64_t write_bytes = 0;
};
absl::StatusOr<ProcessIo> ReadProcessIo();

// VmHWM of /proc/self/status, in bytes.
absl::StatusOr<int64_t> ReadPeakRssBytes();
// VmRSS of /proc/self/status (the resident set now), in bytes.
absl::StatusOr<int64_t> ReadRssBytes();
// Resets VmHWM to the current RSS (writes "5" to /proc/self/clear_refs,
// Linux 4.0+). Errors when the kernel or the sandbox does not allow it.
absl::Status ResetPeakRss();
// Whether ResetPeakRss works here (probed once).
bool PeakRssIsPerBenchmark();
// Whether /proc/self/io can be read here (probed once).
bool ProcessIoAvailable();

class ResourceMeter {
 public:
  // Starts measuring for the calling thread (and the process, on thread 0).
  explicit ResourceMeter(const benchmark::State& state);
  // Stops and adds the counters to `state`.
  void Finish(benchmark::State& state);

 private:
  bool process_wide_;
  ThreadUsage usage_;
  ProcessIo io_;
  HeapCounts heap_;
};

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_RESOURCES_H_
