// A knob space: the options a tune may change, the values each may take, and
// constraints that rule combinations out. Read from JSON:
//
//   {
//     "knobs": [
//       {"name": "brick_edge", "values": [1, 2, 4, 8]},
//       {"name": "frequency_buckets",
//        "range": {"min": 16, "max": 65536, "scale": "log2"}},
//       {"name": "alpha", "range": {"min": 0.1, "max": 0.5, "step": 0.1}}
//     ],
//     "constraints": ["expected_cells == 0 || brick_edge <= 4"]
//   }
//
// A range with scale "log2" takes min, 2 min, 4 min ... up to max (min > 0);
// "linear" (the default) takes min, min + step ... up to max (step default
// 1). Knob names are --m8_config keys; whether a name and its values are
// valid for a binary is decided by the tuner, not here.
//
// A Space is immutable once parsed; safe to share between threads.

#ifndef M8_OPTIMIZER_SPACE_H_
#define M8_OPTIMIZER_SPACE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "optimizer/constraint.h"
#include "optimizer/knob_value.h"

namespace m8::optimizer {

struct Knob {
  std::string name;
  std::vector<KnobValue> values;  // distinct, in the order given
};

// One value per knob of a space, in the space's knob order.
using Config = std::vector<KnobValue>;

// Most points a space may have, and most values one knob may have.
inline constexpr uint64_t kMaxSpacePoints = 1'000'000;
inline constexpr size_t kMaxKnobValues = 4096;

class Space {
 public:
  // Parses a space document; `source` names it in errors. Errors
  // (InvalidArgument, one line naming the source and the knob): malformed
  // JSON, a missing or duplicate name, no values, a bad range, values of
  // another type than numbers and strings, a bad constraint, more than
  // kMaxSpacePoints points.
  static absl::StatusOr<Space> Parse(absl::string_view json,
                                     std::string source);
  // Reads and parses a space file.
  static absl::StatusOr<Space> Load(const std::string& path);

  const std::vector<Knob>& knobs() const { return knobs_; }
  const std::vector<Constraint>& constraints() const { return constraints_; }
  const std::vector<std::string>& names() const { return names_; }
  const std::string& source() const { return source_; }
  // A canonical text of the knobs, values and constraints: equal for equal
  // spaces, whatever their formatting.
  const std::string& canonical() const { return canonical_; }

  // Number of points before constraints.
  uint64_t size() const;

  // Whether `config` satisfies every constraint. Errors: a constraint that
  // cannot be evaluated on it (e.g. compares a number with a string).
  absl::StatusOr<bool> Allows(const Config& config) const;

  // Every point that satisfies the constraints, in order (the first knob
  // varies slowest).
  absl::StatusOr<std::vector<Config>> ValidPoints() const;

  // "brick_edge=4 shard_count=16".
  std::string Describe(const Config& config) const;
  // {"brick_edge": 4, "shard_count": 16}.
  std::string ToJson(const Config& config) const;

 private:
  std::string source_;
  std::vector<Knob> knobs_;
  std::vector<std::string> names_;
  std::vector<Constraint> constraints_;
  std::string canonical_;
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_SPACE_H_
