#include "grid/grid_options.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "grid/coord.h"

namespace m8 {
namespace {

// `value` prints as StrCat prints it: six significant digits for a double,
// every digit for an integer.
absl::Status OutOfRange(absl::string_view field, const absl::AlphaNum& value,
                        absl::string_view range) {
  return absl::InvalidArgumentError(absl::StrCat(
      "grid option ", field, " = ", value, " is out of range ", range));
}

bool InRange(double v, double lo, double hi) {
  return std::isfinite(v) && v >= lo && v <= hi;
}

}  // namespace

bool AbslParseFlag(absl::string_view text, EdgePolicy* policy,
                   std::string* error) {
  if (text == "clamp") {
    *policy = EdgePolicy::kClamp;
    return true;
  }
  if (text == "skip") {
    *policy = EdgePolicy::kSkip;
    return true;
  }
  *error =
      absl::StrCat("edge policy must be 'clamp' or 'skip', not '", text, "'");
  return false;
}

std::string AbslUnparseFlag(EdgePolicy policy) {
  return policy == EdgePolicy::kClamp ? "clamp" : "skip";
}

absl::Status GridOptions::Validate() const {
  if (!InRange(alpha, -1, 1)) return OutOfRange("alpha", alpha, "[-1, 1]");
  if (!InRange(beta, -1, 10)) return OutOfRange("beta", beta, "[-1, 10]");
  if (!InRange(noise_floor, 0, HUGE_VAL)) {
    return OutOfRange("noise_floor", noise_floor, "[0, inf)");
  }
  if (!InRange(blanket_threshold, noise_floor, HUGE_VAL)) {
    return OutOfRange("blanket_threshold", blanket_threshold,
                      "[noise_floor, inf)");
  }
  if (!InRange(active_threshold, 0, HUGE_VAL)) {
    return OutOfRange("active_threshold", active_threshold, "[0, inf)");
  }
  if (!InRange(reinforce_gain, 0, 10)) {
    return OutOfRange("reinforce_gain", reinforce_gain, "[0, 10]");
  }
  if (!(std::isfinite(amplitude_max) && amplitude_max > 0)) {
    return OutOfRange("amplitude_max", amplitude_max, "(0, inf)");
  }
  if (!(std::isfinite(relevance) && relevance > 0)) {
    return OutOfRange("relevance", relevance, "(0, inf)");
  }
  if (!(std::isfinite(familiarity) && familiarity > 0)) {
    return OutOfRange("familiarity", familiarity, "(0, inf)");
  }
  if (!(std::isfinite(threat) && threat > 0)) {
    return OutOfRange("threat", threat, "(0, inf)");
  }
  if (edge_policy != EdgePolicy::kClamp && edge_policy != EdgePolicy::kSkip) {
    return absl::InvalidArgumentError("grid option edge_policy is invalid");
  }
  if (max_cells > kAddressSpaceCells) {
    return OutOfRange("max_cells", max_cells, "[0, 4294967296]");
  }
  if (brick_edge != 1 && brick_edge != 2 && brick_edge != 4 &&
      brick_edge != 8) {
    return OutOfRange("brick_edge", brick_edge, "{1, 2, 4, 8}");
  }
  if (frequency_buckets < 1 || frequency_buckets > kMaxFrequencyBuckets) {
    return OutOfRange("frequency_buckets", frequency_buckets,
                      absl::StrCat("[1, ", kMaxFrequencyBuckets, "]"));
  }
  if (expected_cells > kMaxExpectedCells) {
    return OutOfRange("expected_cells", expected_cells,
                      absl::StrCat("[0, ", kMaxExpectedCells, "]"));
  }
  return absl::OkStatus();
}

}  // namespace m8
