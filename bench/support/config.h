// The grid configuration and run settings every fixture of a benchmark
// binary uses.
//
// Grid options come from `--m8_config=FILE`, in the JSON form of
// grid/grid_config.h (LoadGridConfig); main puts them into the settings.
//
// Thread-safety: the process-wide settings are set once by main, before any
// benchmark runs, and only read after.
#ifndef M8_BENCH_SUPPORT_CONFIG_H_
#define M8_BENCH_SUPPORT_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "grid/concurrent_grid.h"
#include "grid/grid_config.h"

namespace m8::bench {

// What main decided for this process.
struct BenchSettings {
  ConcurrentGridOptions options;
  // The config file the options came from; empty for the defaults.
  std::string config_path;
  // Smoke mode (--m8_smoke): fill sizes and array sizes are capped so that
  // every benchmark runs quickly; names do not change.
  bool smoke = false;
  // Latency sampling (--m8_latency=false turns it off, for measuring what
  // it costs): without it no fixture reports p50_ns ... max_ns.
  bool latency_sampling = true;
  // Extra work the validation fixtures do, as a fraction of their fixed
  // work (--m8_slowdown): a change of known size.
  double slowdown = 0;
  // Where Save/Load fixtures put their snapshots.
  std::string temp_dir = "/tmp";
};

const BenchSettings& Settings();
// REQUIRES: no benchmark is running.
void SetSettings(BenchSettings settings);

// The fill size a fixture asked for, capped in smoke mode.
size_t FillCells(int64_t requested);
// A buffer size in bytes a fixture asked for, capped in smoke mode.
size_t BufferBytes(size_t requested);

inline constexpr size_t kSmokeMaxCells = 4096;
inline constexpr size_t kSmokeMaxBufferBytes = size_t{4} << 20;

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_CONFIG_H_
