#include "grid/concurrent_grid.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "grid/internal/full_grid.h"
#include "grid/internal/neighbourhood.h"
#include "grid/internal/resonance_order.h"
#include "grid/snapshot.h"

namespace m8 {
namespace {

// murmur3's 32-bit finaliser: spreads neighbouring keys over the shards.
uint32_t Mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// Optimistic tries before a reader waits for the writer through the lock.
constexpr int kOptimisticTries = 4;

GridOptions ShardOptions(const GridOptions& grid) {
  GridOptions options = grid;
  options.max_cells = 0;  // Bounded by the ConcurrentGrid as a whole.
  options.expected_cells = 0;
  return options;
}

bool BetterHit(const ResonanceHit& a, const ResonanceHit& b) {
  return internal::RanksBefore(a.score, a.coord.key(), b.score, b.coord.key());
}

}  // namespace

absl::Status ConcurrentGridOptions::Validate() const {
  if (shard_count < 1 || shard_count > kMaxShards) {
    return absl::InvalidArgumentError(
        absl::StrCat("grid option shard_count = ", shard_count,
                     " is out of range [1, ", kMaxShards, "]"));
  }
  if (absl::Status s = grid.Validate(); !s.ok()) return s;
  // Neither factor can overflow: both are bounded far below 2^32.
  const size_t buckets =
      shard_count * static_cast<size_t>(grid.frequency_buckets);
  if (buckets > kMaxTotalFrequencyBuckets) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grid options shard_count * frequency_buckets = ", shard_count, " * ",
        grid.frequency_buckets, " = ", buckets, " is out of range [1, ",
        kMaxTotalFrequencyBuckets,
        "] (every shard has its own frequency index)"));
  }
  return absl::OkStatus();
}

ConcurrentGrid::ConcurrentGrid(ConcurrentGridOptions options)
    : options_(options), model_(options.grid) {
  assert(options.Validate().ok());
  const GridOptions shard_options = ShardOptions(options.grid);
  const size_t per_shard = options.grid.expected_cells / options.shard_count;
  shards_.reserve(options.shard_count);
  for (size_t i = 0; i < options.shard_count; ++i) {
    shards_.push_back(std::make_unique<Shard>(shard_options));
    if (per_shard > 0) {
      Shard& shard = *shards_.back();
      shard.grid.Reserve(per_shard);
      shard.sequence.WriteBegin();
      shard.cells.Reserve(per_shard);
      shard.sequence.WriteEnd();
    }
  }
}

absl::StatusOr<std::unique_ptr<ConcurrentGrid>> ConcurrentGrid::Create(
    ConcurrentGridOptions options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return std::make_unique<ConcurrentGrid>(options);
}

size_t ConcurrentGrid::ShardIndex(uint32_t key) const {
  return static_cast<size_t>((uint64_t{Mix(key)} * shards_.size()) >> 32);
}

size_t ConcurrentGrid::ShardOf(Coord c) const { return ShardIndex(c.key()); }

size_t ConcurrentGrid::size() const {
  size_t total = 0;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    total += shard->size.load(std::memory_order_relaxed);
  }
  return total;
}

// ---- Writers ----------------------------------------------------------------

bool ConcurrentGrid::TryReserveCell() {
  const size_t max = options_.grid.max_cells;
  if (max == 0) return true;
  size_t n = reserved_.load(std::memory_order_relaxed);
  do {
    if (n >= max) return false;
  } while (
      !reserved_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
  return true;
}

void ConcurrentGrid::ReleaseCells(size_t cells) {
  if (options_.grid.max_cells != 0 && cells > 0) {
    reserved_.fetch_sub(cells, std::memory_order_relaxed);
  }
}

void ConcurrentGrid::Publish(Shard& shard, uint32_t key) {
  const std::optional<Wave> wave = shard.grid.Recall(Coord::FromKey(key));
  shard.sequence.WriteBegin();
  if (wave) {
    shard.cells.Set(key, *wave);
  } else {
    shard.cells.Erase(key);
  }
  shard.sequence.WriteEnd();
  shard.size.store(shard.grid.size(), std::memory_order_relaxed);
}

template <typename Op>
auto ConcurrentGrid::MutateMayInsert(Coord c, Op&& op)
    -> decltype(op(std::declval<Grid&>())) {
  Shard& shard = ShardFor(c.key());
  // The copy's miss starts before the lock is taken (the grid's table may
  // not be touched without it).
  shard.cells.Prefetch(c.key());
  std::unique_lock lock(shard.lock);
  const size_t before = shard.grid.size();
  auto result = op(shard.grid);
  if (shard.grid.size() > before && !TryReserveCell()) {
    shard.grid.Forget(c);
    return internal::FullGridError(options_.grid.max_cells, c.key());
  }
  if (result.ok()) Publish(shard, c.key());
  return result;
}

absl::StatusOr<StoreOutcome> ConcurrentGrid::Store(Coord c, const Wave& w) {
  return MutateMayInsert(c, [&](Grid& g) { return g.Store(c, w); });
}

absl::Status ConcurrentGrid::Put(Coord c, const Wave& w) {
  return MutateMayInsert(c, [&](Grid& g) { return g.Put(c, w); });
}

bool ConcurrentGrid::Reinforce(Coord c, float gain) {
  Shard& shard = ShardFor(c.key());
  std::unique_lock lock(shard.lock);
  if (!shard.grid.Reinforce(c, gain)) return false;
  Publish(shard, c.key());
  return true;
}

bool ConcurrentGrid::Forget(Coord c) {
  Shard& shard = ShardFor(c.key());
  std::unique_lock lock(shard.lock);
  if (!shard.grid.Forget(c)) return false;
  Publish(shard, c.key());
  ReleaseCells(1);
  return true;
}

DecayStats ConcurrentGrid::AdvanceTime(absl::Duration dt) {
  if (dt > absl::ZeroDuration()) {
    int64_t old_ns = now_ns_.load(std::memory_order_relaxed);
    int64_t new_ns;
    do {
      new_ns = absl::ToInt64Nanoseconds(
          std::min(absl::Nanoseconds(old_ns) + dt, kMaxGridTime));
    } while (!now_ns_.compare_exchange_weak(old_ns, new_ns,
                                            std::memory_order_relaxed));
  }
  // Shard by shard, and within a shard a slice of frequency buckets at a
  // time, letting writers in between: a writer waits for one slice, never
  // for a whole shard's sweep. Optimistic readers are disturbed only by the
  // slices that evict.
  constexpr int kBucketsPerSlice = 16;
  DecayStats total;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    int buckets;
    {
      std::unique_lock lock(shard->lock);
      shard->grid.AdvanceClock(dt);
      buckets = shard->grid.sweep_slices();
    }
    for (int first = 0; first < buckets; first += kBucketsPerSlice) {
      std::unique_lock lock(shard->lock);
      bool writing = false;
      const DecayStats stats = shard->grid.SweepSlice(
          first, std::min(first + kBucketsPerSlice, buckets),
          [&](uint32_t key) {
            if (!writing) shard->sequence.WriteBegin();
            writing = true;
            shard->cells.Erase(key);
          });
      if (writing) shard->sequence.WriteEnd();
      shard->size.store(shard->grid.size(), std::memory_order_relaxed);
      ReleaseCells(stats.evicted);
      total.scanned += stats.scanned;
      total.evicted += stats.evicted;
    }
  }
  return total;
}

// ---- Optimistic readers -----------------------------------------------------

template <typename Read>
bool ConcurrentGrid::ReadCells(const Shard& shard, Read&& read) const {
  for (int i = 0; i < kOptimisticTries; ++i) {
    const uint64_t begin = shard.sequence.ReadBegin();
    const bool found = read(shard.cells);
    if (shard.sequence.ReadValid(begin)) return found;
  }
  // A writer keeps changing the shard: wait for it.
  std::shared_lock lock(shard.lock);
  return read(shard.cells);
}

std::optional<Wave> ConcurrentGrid::Recall(Coord c) const {
  const uint32_t key = c.key();
  Wave wave;
  const bool found =
      ReadCells(ShardFor(key), [&](const internal::AtomicCellTable& cells) {
        return cells.Find(key, &wave);
      });
  return found ? std::optional<Wave>(wave) : std::nullopt;
}

bool ConcurrentGrid::Contains(Coord c) const {
  const uint32_t key = c.key();
  return ReadCells(ShardFor(key), [&](const internal::AtomicCellTable& cells) {
    return cells.Contains(key);
  });
}

double ConcurrentGrid::Interference(Coord c) const {
  const internal::Neighbourhood n(c, options_.grid.edge_policy);
  // The distinct neighbour cells (under kClamp a border cell can be several
  // neighbours), their table slots prefetched so that the misses overlap.
  uint32_t keys[27];
  int count = 0;
  n.ForEachCell([](uint32_t) { return true; },
                [&](uint32_t key) {
                  ShardFor(key).cells.Prefetch(key);
                  keys[count++] = key;
                });
  Wave waves[27];
  bool found[27];
  for (int i = 0; i < count; ++i) {
    const uint32_t key = keys[i];
    found[i] =
        ReadCells(ShardFor(key), [&](const internal::AtomicCellTable& cells) {
          return cells.Find(key, &waves[i]);
        });
  }
  // The clock after the cells: every cell read was touched at or before it
  // (a writer stamps a cell with its shard's clock, which AdvanceTime moves
  // only after this one).
  const double now_s = absl::ToDoubleSeconds(now());
  internal::InterferenceTerms terms(n);
  for (int i = 0; i < count; ++i) {
    if (!found[i]) continue;
    const uint32_t key = keys[i];
    terms.Add(key & 0xff, (key >> 8) & 0xff, key >> 16,
              [&] { return model_.Value(waves[i], now_s); });
  }
  return terms.Sum();
}

// ---- Readers of the shards' grids -------------------------------------------

std::vector<ResonanceHit> ConcurrentGrid::Resonance(
    const ResonanceQuery& q) const {
  std::vector<ResonanceHit> hits;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    std::shared_lock lock(shard->lock);
    std::vector<ResonanceHit> part = shard->grid.Resonance(q);
    hits.insert(hits.end(), part.begin(), part.end());
  }
  std::sort(hits.begin(), hits.end(), BetterHit);
  if (q.k != 0 && hits.size() > q.k) hits.resize(q.k);
  return hits;
}

std::vector<std::pair<Coord, Wave>> ConcurrentGrid::Region(
    uint8_t cx, uint8_t cy, double radius, uint16_t z_min,
    uint16_t z_max) const {
  std::vector<std::pair<Coord, Wave>> cells;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    std::shared_lock lock(shard->lock);
    std::vector<std::pair<Coord, Wave>> part =
        shard->grid.Region(cx, cy, radius, z_min, z_max);
    cells.insert(cells.end(), part.begin(), part.end());
  }
  std::sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) {
    return a.first.key() < b.first.key();
  });
  return cells;
}

LayerSum ConcurrentGrid::LayerScan(uint16_t z) const {
  std::vector<std::pair<uint32_t, double>> terms;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    std::shared_lock lock(shard->lock);
    std::vector<std::pair<uint32_t, double>> part = shard->grid.LayerTerms(z);
    terms.insert(terms.end(), part.begin(), part.end());
  }
  std::sort(terms.begin(), terms.end());
  return LayerSum::Of(terms);
}

absl::Duration ConcurrentGrid::now() const {
  return absl::Nanoseconds(now_ns_.load(std::memory_order_relaxed));
}

double ConcurrentGrid::Strength(const Wave& w) const {
  return model_.Strength(w, absl::ToDoubleSeconds(now()));
}

// ---- Snapshots --------------------------------------------------------------

absl::Status ConcurrentGrid::Save(const std::string& path) const {
  // Lock every shard, in order, for a consistent cut.
  for (const std::unique_ptr<Shard>& shard : shards_) shard->lock.lock_shared();
  size_t cells = 0;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    cells += shard->grid.size();
  }
  absl::Status status;
  absl::StatusOr<std::unique_ptr<SnapshotWriter>> writer =
      SnapshotWriter::Open(path, {options_.grid, now(), cells});
  if (!writer.ok()) status = writer.status();
  for (const std::unique_ptr<Shard>& shard : shards_) {
    if (!status.ok()) break;
    shard->grid.ForEachCell([&](Coord c, const Wave& w) {
      if (status.ok()) status = (*writer)->Append(c.key(), w);
    });
  }
  for (const std::unique_ptr<Shard>& shard : shards_) {
    shard->lock.unlock_shared();
  }
  if (!status.ok()) return status;
  return (*writer)->Commit();
}

absl::StatusOr<std::unique_ptr<ConcurrentGrid>> ConcurrentGrid::Load(
    const std::string& path, size_t shard_count) {
  std::unique_ptr<ConcurrentGrid> grid;
  absl::Status status = ReadSnapshot(
      path,
      [&](const SnapshotHeader& header) -> absl::Status {
        ConcurrentGridOptions options{header.options, shard_count};
        absl::StatusOr<std::unique_ptr<ConcurrentGrid>> created =
            Create(options);
        if (!created.ok()) return created.status();
        grid = *std::move(created);
        grid->now_ns_.store(absl::ToInt64Nanoseconds(header.now));
        // The count matches the file's size, but a sparse file can be huge
        // and empty: reserve no more than an option could ask for.
        const size_t per_shard =
            std::min<uint64_t>(header.cell_count, kMaxExpectedCells) /
            shard_count;
        for (const std::unique_ptr<Shard>& shard : grid->shards_) {
          std::unique_lock lock(shard->lock);
          // A fresh grid's clock is at zero: this sets it to header.now.
          shard->grid.AdvanceClock(header.now);
          shard->grid.Reserve(per_shard);
          shard->sequence.WriteBegin();
          shard->cells.Reserve(per_shard);
          shard->sequence.WriteEnd();
        }
        return absl::OkStatus();
      },
      [&](uint32_t key, const Wave& w) -> absl::Status {
        Shard& shard = grid->ShardFor(key);
        std::unique_lock lock(shard.lock);
        if (absl::Status s = shard.grid.Restore(key, w); !s.ok()) return s;
        Publish(shard, key);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  // ReadSnapshot checked the count against max_cells.
  if (grid->options_.grid.max_cells != 0) grid->reserved_.store(grid->size());
  return grid;
}

}  // namespace m8
