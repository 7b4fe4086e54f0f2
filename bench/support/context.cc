#include "bench/support/context.h"

#include <hwloc.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "bench/support/build_info.h"
#include "bench/support/counters.h"
#include "bench/support/git_revision.h"
#include "bench/support/heap_counter.h"
#include "bench/support/latency.h"
#include "bench/support/resources.h"
#include "grid/grid_config.h"

namespace m8::bench {
namespace {

std::string FormatBytes(uint64_t bytes) {
  if (bytes % (uint64_t{1} << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  if (bytes % 1024 == 0) return absl::StrCat(bytes >> 10, " KiB");
  return absl::StrCat(bytes, " B");
}

struct TopologyDeleter {
  void operator()(hwloc_topology* t) const { hwloc_topology_destroy(t); }
};

}  // namespace

ContextEntries TopologyContext() {
  hwloc_topology_t raw;
  if (hwloc_topology_init(&raw) != 0) {
    return {{"m8.topology.error", "hwloc_topology_init failed"}};
  }
  std::unique_ptr<hwloc_topology, TopologyDeleter> topology(raw);
  if (hwloc_topology_load(raw) != 0) {
    return {{"m8.topology.error", "hwloc_topology_load failed"}};
  }
  ContextEntries entries;
  auto count = [&](const char* key, hwloc_obj_type_t type) {
    entries.emplace_back(absl::StrCat("m8.topology.", key),
                         absl::StrCat(hwloc_get_nbobjs_by_type(raw, type)));
  };
  count("packages", HWLOC_OBJ_PACKAGE);
  count("cores", HWLOC_OBJ_CORE);
  count("pus", HWLOC_OBJ_PU);
  count("numa_nodes", HWLOC_OBJ_NUMANODE);
  struct CacheLevel {
    const char* name;
    hwloc_obj_type_t type;
  };
  static constexpr CacheLevel kCaches[] = {
      {"l1d", HWLOC_OBJ_L1CACHE}, {"l1i", HWLOC_OBJ_L1ICACHE},
      {"l2", HWLOC_OBJ_L2CACHE},  {"l3", HWLOC_OBJ_L3CACHE},
      {"l4", HWLOC_OBJ_L4CACHE},
  };
  for (const CacheLevel& level : kCaches) {
    const int n = hwloc_get_nbobjs_by_type(raw, level.type);
    if (n <= 0) continue;
    const hwloc_obj_t first = hwloc_get_obj_by_type(raw, level.type, 0);
    entries.emplace_back(
        absl::StrCat("m8.topology.cache.", level.name),
        absl::StrCat(FormatBytes(first->attr->cache.size), " x ", n));
  }
  return entries;
}

ContextEntries BuildContext() {
  ContextEntries entries = {
      {"m8.package_version", PackageVersion()},
      {"m8.build_type", M8_BENCH_BUILD_TYPE},
      {"m8.compiler", M8_BENCH_COMPILER},
      {"m8.git_revision", M8_BENCH_GIT_REVISION},
      {"m8.benchmark_library",
       "Google Benchmark 1.7.1 as packaged by Debian, itself built as DEBUG "
       "(library_build_type); m8.build_type is our code's build"},
      {"m8.timer_overhead_ns", absl::StrCat(TimerOverheadNanos())},
      {"m8.counters", CounterTableJson()},
      {"m8.counter_notes",
       "resource counters are per iteration except rss_peak_bytes; "
       "percentiles are sampled with a stride (< 5% overhead)"},
      {"m8.rss_peak_bytes",
       PeakRssIsPerBenchmark()
           ? "per benchmark (VmHWM reset through /proc/self/clear_refs)"
           : "cumulative: /proc/self/clear_refs is not writable here, so "
             "rss_peak_bytes is the process peak so far"},
      {"m8.heap_counters", HeapCountingEnabled()
                               ? "counting operator new"
                               : "disabled (binary without the hooks)"},
      {"m8.io_counters", ProcessIoAvailable()
                             ? "/proc/self/io"
                             : "unavailable: /proc/self/io cannot be read, "
                               "io_*_bytes are 0"},
  };
  return entries;
}

ContextEntries SettingsContext(const BenchSettings& settings) {
  ContextEntries entries;
  entries.emplace_back("m8.config", settings.config_path.empty()
                                        ? "defaults"
                                        : settings.config_path);
  for (const auto& [name, value] : DescribeGridOptions(settings.options)) {
    entries.emplace_back(absl::StrCat("m8.grid.", name), value);
  }
  entries.emplace_back(
      "m8.smoke",
      settings.smoke
          ? absl::StrCat("true: fills capped at ", kSmokeMaxCells,
                         " cells and buffers at ", kSmokeMaxBufferBytes >> 20,
                         " MiB; timings are not meaningful")
          : "false");
  return entries;
}

const char* PackageVersion() { return M8_BENCH_PACKAGE_VERSION; }

ContextEntries M8Context(const BenchSettings& settings) {
  ContextEntries entries = TopologyContext();
  for (auto& entry : BuildContext()) entries.push_back(std::move(entry));
  for (auto& entry : SettingsContext(settings)) {
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace m8::bench
