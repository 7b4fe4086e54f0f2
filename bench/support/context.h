// The m8.* keys every benchmark binary adds to the JSON context: the
// machine's topology (hwloc), our own build, the grid options in effect and
// the run settings, so that a result file says what produced it.
//
// Thread-safety: call from main before the benchmarks run.
#ifndef M8_BENCH_SUPPORT_CONTEXT_H_
#define M8_BENCH_SUPPORT_CONTEXT_H_

#include <string>
#include <utility>
#include <vector>

#include "bench/support/config.h"

namespace m8::bench {

using ContextEntries = std::vector<std::pair<std::string, std::string>>;

// Topology from hwloc: m8.topology.{packages,cores,pus,numa_nodes} and one
// m8.topology.cache.<level> key per cache level ("32 KiB x 2"). On failure a
// single m8.topology.error key says why.
ContextEntries TopologyContext();

// Build, source and measurement facts: m8.package_version (the m8bench
// package these binaries were built from), m8.build_type, m8.compiler,
// m8.git_revision, m8.benchmark_library, m8.timer_overhead_ns,
// m8.counters (the counter table as JSON, counters.h), m8.counter_notes,
// m8.rss_peak_bytes, m8.heap_counters, m8.io_counters.
ContextEntries BuildContext();

// m8.grid.<option> for every option in effect, m8.config (the file or
// "defaults") and m8.smoke.
ContextEntries SettingsContext(const BenchSettings& settings);

// The version of the m8bench package these binaries belong to ("0.1.0").
const char* PackageVersion();

// All of the above, in that order.
ContextEntries M8Context(const BenchSettings& settings);

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_CONTEXT_H_
