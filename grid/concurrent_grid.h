// ConcurrentGrid: a thread-safe Mem|8 grid.
//
// Cells are spread over `shard_count` shards by a hash of their key; each
// shard is a Grid behind its own reader-writer lock (a std::shared_mutex:
// one atomic operation per acquisition), plus a copy of its cells in an
// AtomicCellTable guarded by a sequence counter.
//
// Recall, Contains and Interference are optimistic: they read the cells'
// copy without any lock and without writing to shared memory, and keep what
// they read only if the shard's sequence count did not change meanwhile
// (internal/sequence_counter.h); after a few failed tries they wait for the
// writer through the shard's lock. Writers hold the shard's lock
// exclusively and change the copy inside the sequence; a table that the
// copy outgrows is kept until the grid is destroyed, so a reader never
// touches freed memory. Interference reads each neighbour cell as one such
// read. Resonance, Region, LayerScan and Save hold the shards' locks shared.
// The copy costs a second hash table: about 40 bytes a cell over 3/4 load.
//
// Interference, Resonance, Region and LayerScan gather from every shard they
// need and merge in the same order Grid uses, so that a quiescent
// ConcurrentGrid answers exactly like a Grid holding the same cells, for
// every shard count. AdvanceTime sweeps shard by shard and, within a shard,
// a slice of frequency buckets at a time, so writers wait for one slice at
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
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/grid_options.h"
#include "grid/internal/atomic_cell_table.h"
#include "grid/internal/sequence_counter.h"
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
  // The cells of every shard: exact when no writer runs.
  size_t size() const;
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
  struct Shard {
    explicit Shard(const GridOptions& options) : grid(options) {}
    // What optimistic readers read: the count, then the table.
    internal::SequenceCounter sequence;  // Odd while `cells` change.
    internal::AtomicCellTable cells;     // A copy of grid's cells.
    // Held exclusively by writers (who alone change grid, cells and
    // sequence), shared by the readers that use grid.
    alignas(128) mutable std::shared_mutex lock;
    Grid grid;
    std::atomic<size_t> size{0};  // grid.size(), for size().
  };

  Shard& ShardFor(uint32_t key) const { return *shards_[ShardIndex(key)]; }
  size_t ShardIndex(uint32_t key) const;
  // Runs `read(cells)` on the shard's table of cells until it read one state
  // of them; it may run several times.
  template <typename Read>
  bool ReadCells(const Shard& shard, Read&& read) const;
  // Counts a new cell against max_cells; false when the grid is full.
  bool TryReserveCell();
  // Gives back what TryReserveCell took, for `cells` forgotten cells.
  void ReleaseCells(size_t cells);
  // Makes the shard's table of cells agree with its grid at `key`.
  // REQUIRES: the shard's lock is held exclusively.
  static void Publish(Shard& shard, uint32_t key);
  // Runs a mutation that may add one cell (Store, Put) on its shard,
  // undoing the addition if the grid is over max_cells.
  template <typename Op>
  auto MutateMayInsert(Coord c, Op&& op) -> decltype(op(std::declval<Grid&>()));

  ConcurrentGridOptions options_;
  WaveModel model_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Cells counted against max_cells (kept only when max_cells is set, so
  // that writers on different shards share no counter otherwise).
  std::atomic<size_t> reserved_{0};
  std::atomic<int64_t> now_ns_{0};
};

}  // namespace m8

#endif  // M8_GRID_CONCURRENT_GRID_H_
