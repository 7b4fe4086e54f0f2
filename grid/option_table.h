// The option table: every option a grid config may set (the GridOptions
// fields, then ConcurrentGridOptions::shard_count) with its kind, its valid
// range and whether it changes results. The config-file reader
// (grid_config.h), the benchmarks' context and the optimizer's default knob
// space all read this one table, so a new option reaches all of them at once.
//
// Thread-safety: the table is built on first use and never changes; any
// thread may read it.
#ifndef M8_GRID_OPTION_TABLE_H_
#define M8_GRID_OPTION_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace m8 {

// Whether an option changes what the grid computes, or only speed and memory.
enum class OptionEffect { kChangesResults, kSpeedAndMemoryOnly };

// What values an option takes.
enum class OptionKind {
  kNumber,   // any double in [min, max]
  kInteger,  // any integer in [min, max], or only `choices` if there are any
  kChoice,   // one of the strings in `choices`
};

struct OptionInfo {
  // The config key, which is the field's own name, e.g. "brick_edge".
  const char* name;
  OptionKind kind;
  OptionEffect effect;
  // Inclusive bounds for kNumber and kInteger, as GridOptions::Validate and
  // ConcurrentGridOptions::Validate check them; 0 for kChoice. max is
  // HUGE_VAL when there is no upper bound (the value must still be finite);
  // where the range excludes 0 ("> 0"), min is the smallest positive double.
  // Two bounds involve two options and are only in the descriptions:
  // blanket_threshold >= noise_floor, and shard_count * frequency_buckets
  // <= kMaxTotalFrequencyBuckets (concurrent_grid.h).
  double min;
  double max;
  // kChoice: the spellings, e.g. "clamp", "skip". kInteger restricted to a
  // set (brick_edge): its allowed values as text, "1", "2", "4", "8".
  // Otherwise empty.
  std::vector<std::string> choices;
  // One line.
  const char* description;
};

// Every GridOptions field in declaration order, then shard_count.
absl::Span<const OptionInfo> GridOptionTable();

// The entry named `name`, or nullptr.
const OptionInfo* FindGridOption(absl::string_view name);

}  // namespace m8

#endif  // M8_GRID_OPTION_TABLE_H_
