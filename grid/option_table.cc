#include "grid/option_table.h"

#include <cassert>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "grid/concurrent_grid.h"
#include "grid/coord.h"
#include "grid/grid_options.h"
#include "grid/internal/option_fields.h"

namespace m8 {
namespace {

using internal::OptionField;

constexpr OptionEffect kResults = OptionEffect::kChangesResults;
constexpr OptionEffect kSpeed = OptionEffect::kSpeedAndMemoryOnly;
// No upper bound: any finite value.
constexpr double kUnbounded = HUGE_VAL;
// The least value of a range that excludes 0 ("> 0").
constexpr double kAboveZero = std::numeric_limits<double>::denorm_min();
constexpr double kCellLimit = static_cast<double>(kAddressSpaceCells);

struct Row {
  OptionInfo info;
  OptionField field;
};

// A kNumber row for a double field, a kInteger row for an integer field
// (with `allowed` values, if only some are).
template <typename T, typename Options>
Row Range(const char* name, T Options::*field, OptionEffect effect, double min,
          double max, const char* description,
          std::vector<std::string> allowed = {}) {
  const OptionKind kind =
      std::is_floating_point_v<T> ? OptionKind::kNumber : OptionKind::kInteger;
  return Row{{name, kind, effect, min, max, std::move(allowed), description},
             field};
}

// A kChoice row for an enum field, spelled as its flag parser spells it.
template <typename T>
Row Choice(const char* name, T GridOptions::*field, OptionEffect effect,
           std::initializer_list<T> values, const char* description) {
  std::vector<std::string> choices;
  for (T value : values) choices.push_back(AbslUnparseFlag(value));
  return Row{{name, OptionKind::kChoice, effect, 0, 0, std::move(choices),
              description},
             field};
}

// Every row, in the order of GridOptionTable(). The bounds are the ones
// GridOptions::Validate and ConcurrentGridOptions::Validate check.
std::vector<Row> Rows() {
  return {
      Range("alpha", &GridOptions::alpha, kResults, -1, 1,
            "valence weight of the emotional modulation "
            "(1 + alpha*v) * (1 + beta*a)"),
      Range("beta", &GridOptions::beta, kResults, -1, 10,
            "arousal weight of the emotional modulation "
            "(1 + alpha*v) * (1 + beta*a)"),
      Range("noise_floor", &GridOptions::noise_floor, kResults, 0, kUnbounded,
            "a Store of this amplitude or less is dropped; at most "
            "blanket_threshold"),
      Range("blanket_threshold", &GridOptions::blanket_threshold, kResults, 0,
            kUnbounded,
            "a Store of this amplitude or more stores or reinforces, below it "
            "stores a Flash wave; at least noise_floor"),
      Range("active_threshold", &GridOptions::active_threshold, kResults, 0,
            kUnbounded, "a cell whose envelope falls below this is forgotten"),
      Range("reinforce_gain", &GridOptions::reinforce_gain, kResults, 0, 10,
            "gain of a Store that reinforces an occupied cell"),
      Range("amplitude_max", &GridOptions::amplitude_max, kResults, kAboveZero,
            kUnbounded,
            "upper bound on a cell's amplitude after reinforcement"),
      Range("relevance", &GridOptions::relevance, kResults, kAboveZero,
            kUnbounded,
            "context factor R of every decay constant (clamped to [0.5, 2])"),
      Range("familiarity", &GridOptions::familiarity, kResults, kAboveZero,
            kUnbounded,
            "context factor F of every decay constant (clamped to [0.8, 1.5])"),
      Range("threat", &GridOptions::threat, kResults, kAboveZero, kUnbounded,
            "context factor T of every decay constant (clamped to [0.3, 1])"),
      Choice("edge_policy", &GridOptions::edge_policy, kResults,
             {EdgePolicy::kClamp, EdgePolicy::kSkip},
             "what Interference does with neighbours outside the address "
             "space"),
      Range("max_cells", &GridOptions::max_cells, kResults, 0, kCellLimit,
            "most cells the grid holds; 0 means unlimited"),
      Range("brick_edge", &GridOptions::brick_edge, kSpeed, 1, 8,
            "edge of a brick of cells that share one hash entry",
            {"1", "2", "4", "8"}),
      Range("frequency_buckets", &GridOptions::frequency_buckets, kSpeed, 1,
            kMaxFrequencyBuckets,
            "buckets of the frequency index over [0, 1000] Hz; times "
            "shard_count at most 4194304"),
      Range("expected_cells", &GridOptions::expected_cells, kSpeed, 0,
            static_cast<double>(kMaxExpectedCells),
            "cells to reserve room for up front; 0 grows on demand"),
      Range("shard_count", &ConcurrentGridOptions::shard_count, kSpeed, 1,
            static_cast<double>(kMaxShards),
            "shards of a ConcurrentGrid, each with its own lock; times "
            "frequency_buckets at most 4194304"),
  };
}

struct Table {
  std::vector<OptionInfo> options;
  std::vector<OptionField> fields;  // fields[i] is options[i]'s.
};

const Table& TheTable() {
  static const Table* const table = [] {
    auto* t = new Table;
    for (Row& row : Rows()) {
      t->options.push_back(std::move(row.info));
      t->fields.push_back(row.field);
    }
    return t;
  }();
  return *table;
}

}  // namespace

absl::Span<const OptionInfo> GridOptionTable() { return TheTable().options; }

const OptionInfo* FindGridOption(absl::string_view name) {
  for (const OptionInfo& option : GridOptionTable()) {
    if (name == option.name) return &option;
  }
  return nullptr;
}

namespace internal {

const OptionField& FieldOf(const OptionInfo& option) {
  const Table& table = TheTable();
  const size_t index = static_cast<size_t>(&option - table.options.data());
  assert(index < table.fields.size());
  return table.fields[index];
}

}  // namespace internal
}  // namespace m8
