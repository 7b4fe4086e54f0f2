#include "bench/load/mix.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace m8::bench {
namespace {

Mix MakeMix(std::string name, double read, double update, double insert,
            double scan, double reinforce,
            KeyDistribution distribution = KeyDistribution::kZipfian) {
  Mix mix;
  mix.name = std::move(name);
  mix.shares = {read, update, insert, scan, reinforce};
  mix.ycsb_distribution = distribution;
  return mix;
}

}  // namespace

absl::string_view OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kRead:
      return "read";
    case OpKind::kUpdate:
      return "update";
    case OpKind::kInsert:
      return "insert";
    case OpKind::kScan:
      return "scan";
    case OpKind::kReinforce:
      return "reinforce";
  }
  return "unknown";
}

const std::array<Mix, 6>& YcsbMixes() {
  //                                   read  update insert scan reinforce
  static const std::array<Mix, 6> mixes = {
      MakeMix("YCSB_A", 0.50, 0.50, 0.00, 0.00, 0.00),
      MakeMix("YCSB_B", 0.95, 0.05, 0.00, 0.00, 0.00),
      MakeMix("YCSB_C", 1.00, 0.00, 0.00, 0.00, 0.00),
      MakeMix("YCSB_D", 0.95, 0.00, 0.05, 0.00, 0.00, KeyDistribution::kLatest),
      MakeMix("YCSB_E", 0.00, 0.00, 0.05, 0.95, 0.00),
      MakeMix("YCSB_F", 0.50, 0.00, 0.00, 0.00, 0.50),
  };
  return mixes;
}

absl::StatusOr<Mix> YcsbMix(char letter) {
  const char upper = absl::ascii_toupper(static_cast<unsigned char>(letter));
  if (upper < 'A' || upper > 'F') {
    return absl::InvalidArgumentError(absl::StrCat("unknown YCSB workload '",
                                                   std::string(1, letter),
                                                   "' (expected A to F)"));
  }
  return YcsbMixes()[upper - 'A'];
}

OpChooser::OpChooser(const Mix& mix, uint64_t seed) : rng_(seed) {
  for (int k = 0; k < kOpKindCount; ++k) {
    if (mix.shares[k] > 0.0) last_kind_ = k;
  }
  double cumulative = 0.0;
  for (int k = 0; k < kOpKindCount - 1; ++k) {
    cumulative += mix.shares[k];
    bounds_[k] = cumulative >= 1.0
                     ? ~uint64_t{0}
                     : static_cast<uint64_t>(std::ldexp(cumulative, 64));
  }
}

}  // namespace m8::bench
