// Operation mixes: what share of a workload's operations reads, updates,
// inserts, scans or reinforces, and the YCSB core workloads A-F mapped onto
// the grid (statistics.md, "Load and latency"):
//
//   mix  operations                        YCSB original
//   A    Recall 50%, Put (update) 50%      read / update 50/50
//   B    Recall 95%, Put (update) 5%       read / update 95/5
//   C    Recall 100%                       read only
//   D    Recall 95%, Put (new cell) 5%     read / insert 95/5, latest keys
//   E    Region 95%, Put (new cell) 5%     scan / insert 95/5
//   F    Recall 50%, Reinforce 50%         read / read-modify-write 50/50
//
// Thread-safety: Mix is a value; an OpChooser belongs to one thread.
#ifndef M8_BENCH_LOAD_MIX_H_
#define M8_BENCH_LOAD_MIX_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/support/keys.h"

namespace m8::bench {

enum class OpKind : uint8_t {
  kRead,       // Recall(c).
  kUpdate,     // Put(c, w) over a present cell.
  kInsert,     // Put(c, w) of a new cell.
  kScan,       // Region around c (YCSB's scan).
  kReinforce,  // Reinforce(c, gain): the grid's read-modify-write.
};
inline constexpr int kOpKindCount = 5;

// "read", "update", "insert", "scan", "reinforce".
absl::string_view OpKindName(OpKind kind);

struct Mix {
  std::string name;  // "YCSB_A": the spelling in benchmark names.
  // Share of each OpKind, indexed by its value; they sum to 1.
  std::array<double, kOpKindCount> shares{};
  // The distribution YCSB runs this workload with (zipfian, or latest
  // for D).
  KeyDistribution ycsb_distribution = KeyDistribution::kZipfian;

  double share(OpKind kind) const { return shares[static_cast<int>(kind)]; }
  bool has_inserts() const { return share(OpKind::kInsert) > 0.0; }
};

// YCSB workload `letter` (A-F, either case); InvalidArgument otherwise.
absl::StatusOr<Mix> YcsbMix(char letter);
// The six of them, A to F.
const std::array<Mix, 6>& YcsbMixes();

// Draws OpKinds with a mix's shares: one 64-bit random number and at most
// four comparisons per draw.
class OpChooser {
 public:
  OpChooser(const Mix& mix, uint64_t seed);

  OpKind Next() {
    const uint64_t r = rng_.Next();
    int kind = 0;
    while (kind < last_kind_ && r >= bounds_[kind]) ++kind;
    return static_cast<OpKind>(kind);
  }

 private:
  Rng rng_;
  // bounds_[k]: 2^64 times the cumulative share of kinds 0..k, saturated.
  std::array<uint64_t, kOpKindCount - 1> bounds_{};
  int last_kind_ = 0;  // The last kind with a positive share.
};

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_MIX_H_
