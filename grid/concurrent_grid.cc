#include "grid/concurrent_grid.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "absl/strings/str_cat.h"
#include "grid/internal/neighbourhood.h"
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

constexpr absl::Duration kMaxTime =
    absl::Milliseconds(std::numeric_limits<uint32_t>::max());

GridOptions ShardOptions(const GridOptions& grid) {
  GridOptions options = grid;
  options.max_cells = 0;  // Bounded by the ConcurrentGrid as a whole.
  options.expected_cells = 0;
  return options;
}

bool BetterHit(const ResonanceHit& a, const ResonanceHit& b) {
  return a.score > b.score ||
         (a.score == b.score && a.coord.key() < b.coord.key());
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
  shards_.reserve(options.shard_count);
  for (size_t i = 0; i < options.shard_count; ++i) {
    shards_.push_back(std::make_unique<Shard>(shard_options));
    if (options.grid.expected_cells > 0) {
      shards_.back()->grid.Reserve(options.grid.expected_cells /
                                   options.shard_count);
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

bool ConcurrentGrid::TryReserveCell() {
  const size_t max = options_.grid.max_cells;
  size_t n = size_.load(std::memory_order_relaxed);
  do {
    if (max != 0 && n >= max) return false;
  } while (!size_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
  return true;
}

template <typename Op>
auto ConcurrentGrid::MutateMayInsert(Coord c, Op&& op)
    -> decltype(op(std::declval<Grid&>())) {
  Shard& shard = ShardFor(c.key());
  internal::StripedLock::WriterLock lock(&shard.lock);
  const size_t before = shard.grid.size();
  auto result = op(shard.grid);
  if (shard.grid.size() > before && !TryReserveCell()) {
    shard.grid.Forget(c);
    return absl::ResourceExhaustedError(
        absl::StrCat("grid is full: max_cells = ", options_.grid.max_cells,
                     "; cannot add cell ", c.key()));
  }
  return result;
}

absl::StatusOr<StoreOutcome> ConcurrentGrid::Store(Coord c, const Wave& w) {
  return MutateMayInsert(c, [&](Grid& g) { return g.Store(c, w); });
}

absl::Status ConcurrentGrid::Put(Coord c, const Wave& w) {
  return MutateMayInsert(c, [&](Grid& g) { return g.Put(c, w); });
}

std::optional<Wave> ConcurrentGrid::Recall(Coord c) const {
  Shard& shard = ShardFor(c.key());
  internal::StripedLock::ReaderLock lock(&shard.lock);
  return shard.grid.Recall(c);
}

bool ConcurrentGrid::Contains(Coord c) const {
  Shard& shard = ShardFor(c.key());
  internal::StripedLock::ReaderLock lock(&shard.lock);
  return shard.grid.Contains(c);
}

bool ConcurrentGrid::Reinforce(Coord c, float gain) {
  Shard& shard = ShardFor(c.key());
  internal::StripedLock::WriterLock lock(&shard.lock);
  return shard.grid.Reinforce(c, gain);
}

bool ConcurrentGrid::Forget(Coord c) {
  Shard& shard = ShardFor(c.key());
  internal::StripedLock::WriterLock lock(&shard.lock);
  if (!shard.grid.Forget(c)) return false;
  size_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

double ConcurrentGrid::Interference(Coord c) const {
  const internal::Neighbourhood n(c, options_.grid.edge_policy);
  // The distinct neighbour cells (under kClamp a border cell can be several
  // neighbours), gathered shard by shard with one lock per shard touched.
  struct Probe {
    size_t shard;
    uint32_t key;
    std::optional<Wave> wave;
  };
  Probe probes[27];
  int count = 0;
  for (int kz = 0; kz < n.z.distinct_count; ++kz) {
    for (int ky = 0; ky < n.y.distinct_count; ++ky) {
      for (int kx = 0; kx < n.x.distinct_count; ++kx) {
        const uint32_t key =
            n.z.distinct[kz] << 16 | n.y.distinct[ky] << 8 | n.x.distinct[kx];
        probes[count++] = {ShardIndex(key), key, std::nullopt};
      }
    }
  }
  std::sort(probes, probes + count,
            [](const Probe& a, const Probe& b) { return a.shard < b.shard; });
  for (int i = 0; i < count;) {
    Shard& shard = *shards_[probes[i].shard];
    internal::StripedLock::ReaderLock lock(&shard.lock);
    for (const size_t s = probes[i].shard; i < count && probes[i].shard == s;
         ++i) {
      probes[i].wave = shard.grid.Recall(Coord::FromKey(probes[i].key));
    }
  }
  const double now_s = absl::ToDoubleSeconds(now());
  internal::InterferenceTerms terms(n);
  for (int i = 0; i < count; ++i) {
    if (!probes[i].wave) continue;
    const uint32_t key = probes[i].key;
    terms.Add(key & 0xff, (key >> 8) & 0xff, key >> 16,
              [&] { return model_.Value(*probes[i].wave, now_s); });
  }
  return terms.Sum();
}

DecayStats ConcurrentGrid::AdvanceTime(absl::Duration dt) {
  if (dt > absl::ZeroDuration()) {
    int64_t old_ns = now_ns_.load(std::memory_order_relaxed);
    int64_t new_ns;
    do {
      new_ns = absl::ToInt64Nanoseconds(
          std::min(absl::Nanoseconds(old_ns) + dt, kMaxTime));
    } while (!now_ns_.compare_exchange_weak(old_ns, new_ns,
                                            std::memory_order_relaxed));
  }
  // Shard by shard, and within a shard a slice of frequency buckets at a
  // time, letting readers in between: a reader waits for one slice, never
  // for a whole shard's sweep.
  constexpr int kBucketsPerSlice = 16;
  DecayStats total;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    int buckets;
    {
      internal::StripedLock::WriterLock lock(&shard->lock);
      shard->grid.AdvanceClock(dt);
      buckets = shard->grid.sweep_buckets();
    }
    for (int first = 0; first < buckets; first += kBucketsPerSlice) {
      internal::StripedLock::WriterLock lock(&shard->lock);
      const DecayStats stats =
          shard->grid.Sweep(first, std::min(first + kBucketsPerSlice, buckets));
      total.scanned += stats.scanned;
      total.evicted += stats.evicted;
      size_.fetch_sub(stats.evicted, std::memory_order_relaxed);
    }
  }
  return total;
}

std::vector<ResonanceHit> ConcurrentGrid::Resonance(
    const ResonanceQuery& q) const {
  std::vector<ResonanceHit> hits;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    internal::StripedLock::ReaderLock lock(&shard->lock);
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
    internal::StripedLock::ReaderLock lock(&shard->lock);
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
    internal::StripedLock::ReaderLock lock(&shard->lock);
    std::vector<std::pair<uint32_t, double>> part = shard->grid.LayerTerms(z);
    terms.insert(terms.end(), part.begin(), part.end());
  }
  std::sort(terms.begin(), terms.end());
  LayerSum result;
  for (const auto& [key, value] : terms) {
    result.sum += value;
    ++result.count;
  }
  return result;
}

absl::Duration ConcurrentGrid::now() const {
  return absl::Nanoseconds(now_ns_.load(std::memory_order_relaxed));
}

double ConcurrentGrid::Strength(const Wave& w) const {
  return model_.Strength(w, absl::ToDoubleSeconds(now()));
}

absl::Status ConcurrentGrid::Save(const std::string& path) const {
  // Lock every shard, in order, for a consistent cut.
  for (const std::unique_ptr<Shard>& shard : shards_) {
    shard->lock.LockShared(0);
  }
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
    shard->lock.UnlockShared(0);
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
        for (const std::unique_ptr<Shard>& shard : grid->shards_) {
          internal::StripedLock::WriterLock lock(&shard->lock);
          shard->grid.SetNow(header.now);
        }
        return absl::OkStatus();
      },
      [&](uint32_t key, const Wave& w) -> absl::Status {
        Shard& shard = grid->ShardFor(key);
        internal::StripedLock::WriterLock lock(&shard.lock);
        if (absl::Status s = shard.grid.Restore(key, w); !s.ok()) return s;
        grid->size_.fetch_add(1, std::memory_order_relaxed);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return grid;
}

}  // namespace m8
