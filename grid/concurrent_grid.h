// ConcurrentGrid: a thread-safe Mem|8 grid.
//
// Cells are spread over `shard_count` shards by a hash of their key; each
// shard is a Grid behind its own lock: a reader-writer lock striped over a
// few std::shared_mutexes so that readers on different threads do not share a
// cache line (grid/internal/striped_lock.h).
// Interference, Resonance, Region and LayerScan gather from every shard they
// need and merge in the same order Grid uses, so that a quiescent
// ConcurrentGrid answers exactly like a Grid holding the same cells, for
// every shard count. AdvanceTime sweeps shard by shard and, within a shard,
// a slice of frequency buckets at a time, so readers wait for one slice at
// most; while it runs, shards not yet reached answer at the previous time,
// and a shard's cells not yet swept may still be recalled.
//
// Thread-safety: every method may be called concurrently from any thread.
#ifndef M8_GRID_CONCURRENT_GRID_H_
#define M8_GRID_CONCURRENT_GRID_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/grid_options.h"
#include "grid/internal/striped_lock.h"
#include "grid/wave.h"
#include "grid/wave_model.h"

namespace m8 {

inline constexpr size_t kMaxShards = 4096;
// 4 Mi buckets over every shard: 192 MiB of bucket headers, written when the
// grid is built (4096 shards of 2^20 buckets would be 200 GB).
inline constexpr size_t kMaxTotalFrequencyBuckets = size_t{1} << 22;

struct ConcurrentGridOptions {
  // Options of the whole grid; max_cells bounds the total over all shards.
  GridOptions grid;
  // Shards, each with its own lock: more shards, less contention between
  // writers, a little more work for queries that visit every shard
  // (Resonance, Region, LayerScan, AdvanceTime). In [1, kMaxShards]. Every
  // shard has its own frequency index, so shard_count * frequency_buckets
  // is at most kMaxTotalFrequencyBuckets.
  size_t shard_count = 16;

  absl::Status Validate() const;
};

class ConcurrentGrid {
 public:
  // REQUIRES: options.Validate().ok(). Use Create() for unchecked options.
  explicit ConcurrentGrid(ConcurrentGridOptions options = {});
  static absl::StatusOr<std::unique_ptr<ConcurrentGrid>> Create(
      ConcurrentGridOptions options);

  ConcurrentGrid(const ConcurrentGrid&) = delete;
  ConcurrentGrid& operator=(const ConcurrentGrid&) = delete;

  // The operations of Grid, with the same contracts (see grid.h).
  absl::StatusOr<StoreOutcome> Store(Coord c, const Wave& w);
  absl::Status Put(Coord c, const Wave& w);
  std::optional<Wave> Recall(Coord c) const;
  bool Contains(Coord c) const;
  bool Reinforce(Coord c, float gain);
  bool Forget(Coord c);
  double Interference(Coord c) const;
  DecayStats AdvanceTime(absl::Duration dt);
  std::vector<ResonanceHit> Resonance(const ResonanceQuery& q) const;
  std::vector<std::pair<Coord, Wave>> Region(uint8_t cx, uint8_t cy,
                                             double radius, uint16_t z_min,
                                             uint16_t z_max) const;
  LayerSum LayerScan(uint16_t z) const;
  double Strength(const Wave& w) const;

  absl::Duration now() const;
  size_t size() const { return size_.load(std::memory_order_relaxed); }
  const ConcurrentGridOptions& options() const { return options_; }
  size_t shard_count() const { return shards_.size(); }
  // The shard that holds `c`.
  size_t ShardOf(Coord c) const;

  // A consistent snapshot (every shard read-locked while it is written), in
  // the format Grid::Save writes; either loads into either class.
  absl::Status Save(const std::string& path) const;
  static absl::StatusOr<std::unique_ptr<ConcurrentGrid>> Load(
      const std::string& path, size_t shard_count = 16);

 private:
  struct alignas(64) Shard {
    explicit Shard(const GridOptions& options) : grid(options) {}
    mutable internal::StripedLock lock;  // Guards grid.
    Grid grid;
  };

  Shard& ShardFor(uint32_t key) const { return *shards_[ShardIndex(key)]; }
  size_t ShardIndex(uint32_t key) const;
  // Counts a new cell against max_cells; false when the grid is full.
  bool TryReserveCell();
  // Runs a mutation that may add one cell (Store, Put) on its shard,
  // undoing the addition if the grid is over max_cells.
  template <typename Op>
  auto MutateMayInsert(Coord c, Op&& op) -> decltype(op(std::declval<Grid&>()));

  ConcurrentGridOptions options_;
  WaveModel model_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<size_t> size_{0};
  std::atomic<int64_t> now_ns_{0};
};

}  // namespace m8

#endif  // M8_GRID_CONCURRENT_GRID_H_
