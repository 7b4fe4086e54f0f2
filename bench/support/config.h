// The grid configuration and run settings every fixture of a benchmark
// binary uses.
//
// Grid options come from `--m8_config=FILE`: a JSON object whose keys are
// exactly the GridOptions field names, plus shard_count for ConcurrentGrid,
// e.g. {"brick_edge": 8, "alpha": 0.2, "edge_policy": "skip"}. Keys left out
// keep their defaults. The optimizer writes the same format.
//
// Thread-safety: the parsers are pure functions. The process-wide settings
// are set once by main, before any benchmark runs, and only read after.
#ifndef M8_BENCH_SUPPORT_CONFIG_H_
#define M8_BENCH_SUPPORT_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grid/concurrent_grid.h"
#include "grid/grid_options.h"

namespace m8::bench {

// Parses a config document. `source` names it in errors ("FILE: ...").
// Errors (InvalidArgument, one line, naming the source and the key): not a
// JSON object, malformed JSON, an unknown key, a value of the wrong type, a
// value out of range (GridOptions::Validate / ConcurrentGridOptions::Validate).
absl::StatusOr<ConcurrentGridOptions> ParseGridConfig(absl::string_view json,
                                                      absl::string_view source);
// Reads and parses the config file at `path`; NotFound / PermissionDenied
// naming the file when it cannot be read.
absl::StatusOr<ConcurrentGridOptions> LoadGridConfig(const std::string& path);

// Every option as (name, value) in declaration order, with the spelling the
// config file uses, e.g. ("edge_policy", "clamp"), ("shard_count", "16").
std::vector<std::pair<std::string, std::string>> DescribeGridOptions(
    const ConcurrentGridOptions& options);
// One string that differs whenever any option differs (a cache key).
std::string GridOptionsKey(const GridOptions& options);

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
