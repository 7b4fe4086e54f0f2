// Workloads: streams of grid operations drawn from a Mix and a key
// distribution, and the executor that applies them to a Grid or a
// ConcurrentGrid.
//
// The items of a workload are the cells of a CellPopulation: item i of the
// `loaded` items is present()[i] (so item 0 is the most popular under
// zipfian), and the j-th insert of a stream puts absent()[j], the next new
// item, which is what the latest distribution then favours. An OpStream is
// drawn once, before any timed loop, so that a timed loop runs nothing but
// the operations; a stream with inserts leaves the grid holding its
// inserted cells, which RemoveInserts takes out again before a replay.
//
// Thread-safety: OpStream is immutable once drawn and may be shared; an
// OpExecutor belongs to one thread (it may share a ConcurrentGrid).
#ifndef M8_BENCH_LOAD_WORKLOAD_H_
#define M8_BENCH_LOAD_WORKLOAD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/load/mix.h"
#include "bench/load/open_loop.h"
#include "bench/support/keys.h"
#include "bench/support/population.h"
#include "benchmark/benchmark.h"
#include "grid/coord.h"
#include "grid/wave.h"

namespace m8::bench {

// One operation of a stream: what to do and where, in 6 bytes.
struct Op {
  Coord coord;
  OpKind kind = OpKind::kRead;
};
static_assert(sizeof(Op) == 6);

struct OpStream {
  std::vector<Op> ops;
  // The inserts, in order: ops with kind kInsert put absent()[0], [1], ...
  size_t inserts = 0;
};

// `count` operations of `mix` over the population's cells, with items drawn
// from `distribution` (seeded with `seed`). Reads, updates, scans and
// reinforcements pick among the loaded items (present()), plus the items
// the stream has inserted so far when the distribution is latest;
// InvalidArgument when the stream needs more new cells than absent() holds.
absl::StatusOr<OpStream> DrawOpStream(const CellPopulation& population,
                                      const Mix& mix,
                                      KeyDistribution distribution,
                                      size_t count, uint64_t seed);
// The same with the items drawn from `generator`, over the loaded items.
// REQUIRES: generator.item_count() <= population.size().
absl::StatusOr<OpStream> DrawOpStream(const CellPopulation& population,
                                      const Mix& mix, KeyGenerator& generator,
                                      size_t count, uint64_t seed);

// The cells `stream` inserted into a grid: absent()[0, inserts).
template <typename GridT>
void RemoveInserts(GridT& grid, const CellPopulation& population,
                   const OpStream& stream) {
  for (size_t j = 0; j < stream.inserts; ++j) {
    grid.Forget(population.absent()[j]);
  }
}

// The region a scan reads: radius 4 around the cell's (x, y), over 4
// layers from its z: about 50 cells at the population's density of 1/4,
// the mean of YCSB's scan lengths (uniform up to maxscanlength 100).
inline constexpr double kScanRadius = 4.0;
inline constexpr int kScanLayers = 4;
// The gain of a kReinforce.
inline constexpr float kReinforceGain = 0.05f;

// Applies operations to a Grid or a ConcurrentGrid. Updates and inserts
// write waves from a fixed set of 256 (drawn like the population's).
template <typename GridT>
class OpExecutor {
 public:
  OpExecutor(GridT& grid, uint64_t seed) : grid_(grid) {
    for (size_t i = 0; i < waves_.size(); ++i) {
      waves_[i] = CellPopulation::MakeWave(seed, i);
    }
  }

  OpOutcome Run(const Op& op) {
    switch (op.kind) {
      case OpKind::kRead: {
        const std::optional<Wave> wave = grid_.Recall(op.coord);
        benchmark::DoNotOptimize(wave);
        return wave.has_value() ? OpOutcome::kHit : OpOutcome::kMiss;
      }
      case OpKind::kUpdate:
      case OpKind::kInsert:
        return OutcomeOf(grid_.Put(op.coord, NextWave()));
      case OpKind::kScan: {
        const auto cells =
            grid_.Region(op.coord.x, op.coord.y, kScanRadius, op.coord.z,
                         static_cast<uint16_t>(std::min<int>(
                             op.coord.z + kScanLayers - 1, kMaxZ)));
        benchmark::DoNotOptimize(cells.data());
        return cells.empty() ? OpOutcome::kMiss : OpOutcome::kHit;
      }
      case OpKind::kReinforce:
        return grid_.Reinforce(op.coord, kReinforceGain) ? OpOutcome::kHit
                                                         : OpOutcome::kMiss;
    }
    return OpOutcome::kError;
  }

 private:
  static OpOutcome OutcomeOf(const absl::Status& status) {
    if (status.ok()) return OpOutcome::kHit;
    return absl::IsResourceExhausted(status) ? OpOutcome::kResourceExhausted
                                             : OpOutcome::kError;
  }
  const Wave& NextWave() { return waves_[next_wave_++ & (waves_.size() - 1)]; }

  GridT& grid_;
  std::array<Wave, 256> waves_;
  size_t next_wave_ = 0;
};

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_WORKLOAD_H_
