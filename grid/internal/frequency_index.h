// FrequencyIndex: the cells of a grid bucketed by frequency, for Resonance
// and for the decay sweep.
//
// Each cell has one entry holding the fields that its strength depends on,
// plus its key and frequency: 24 bytes, in dense per-bucket arrays, and
// beside it the cell's expiry: the grid time before which its envelope is
// surely still above active_threshold. A narrow-band Resonance reads only
// the buckets that overlap its band; the decay sweep streams through the
// 4-byte expiry times and evaluates the envelope only of the cells whose
// time may have come, without touching the hash table. The owner keeps every
// entry in step with its cell and remembers each entry's position (see
// BrickStore aux).
//
// Thread-safety: thread-compatible.
#ifndef M8_GRID_INTERNAL_FREQUENCY_INDEX_H_
#define M8_GRID_INTERNAL_FREQUENCY_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "grid/wave.h"

namespace m8::internal {

struct IndexEntry {
  uint32_t key;
  float frequency;
  float amplitude;
  float decay_tau;
  uint32_t touched;
  int8_t valence;
  uint8_t arousal;
  uint8_t importance;
  uint8_t unused;

  static IndexEntry Of(uint32_t key, const Wave& w) {
    return {key,         w.frequency,  w.amplitude,
            w.decay_tau, w.touched,    w.valence,
            w.arousal,   w.importance, 0};
  }
};
static_assert(sizeof(IndexEntry) == 24);

class FrequencyIndex {
 public:
  // REQUIRES: buckets >= 1.
  explicit FrequencyIndex(int buckets)
      : scale_(buckets / static_cast<double>(kMaxFrequency)),
        buckets_(buckets) {}

  int bucket_count() const { return static_cast<int>(buckets_.size()); }

  // Monotonic in frequency. REQUIRES: frequency in [0, 1000].
  uint32_t BucketOf(float frequency) const {
    const auto b = static_cast<uint32_t>(frequency * scale_);
    return std::min<uint32_t>(b, buckets_.size() - 1);
  }

  // Appends the entry for a new cell; returns its position in its bucket.
  // `expiry`: grid time (s) before which the cell is surely still active.
  uint32_t Add(uint32_t key, const Wave& w, float expiry) {
    Bucket& b = buckets_[BucketOf(w.frequency)];
    b.entries.push_back(IndexEntry::Of(key, w));
    b.expiry.push_back(expiry);
    return static_cast<uint32_t>(b.entries.size() - 1);
  }

  // Overwrites the entry at (bucket, pos). REQUIRES: w is in that bucket.
  void Set(uint32_t bucket, uint32_t pos, uint32_t key, const Wave& w,
           float expiry) {
    buckets_[bucket].entries[pos] = IndexEntry::Of(key, w);
    buckets_[bucket].expiry[pos] = expiry;
  }

  // Removes the entry at `pos` by moving the bucket's last entry into its
  // place; returns the key of the entry that moved, if one did.
  std::optional<uint32_t> Remove(uint32_t bucket, uint32_t pos) {
    Bucket& b = buckets_[bucket];
    std::optional<uint32_t> moved;
    if (pos + 1 != b.entries.size()) {
      b.entries[pos] = b.entries.back();
      b.expiry[pos] = b.expiry.back();
      moved = b.entries[pos].key;
    }
    b.entries.pop_back();
    b.expiry.pop_back();
    return moved;
  }

  std::span<const IndexEntry> entries(uint32_t b) const {
    return buckets_[b].entries;
  }
  // Parallel to entries(b): what the decay sweep streams through.
  std::span<const float> expiry(uint32_t b) const { return buckets_[b].expiry; }

 private:
  struct Bucket {
    std::vector<IndexEntry> entries;
    std::vector<float> expiry;
  };

  double scale_;
  std::vector<Bucket> buckets_;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_FREQUENCY_INDEX_H_
