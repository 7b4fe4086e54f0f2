// FrequencyIndex: the cells of a grid bucketed by frequency, for Resonance
// and for the decay sweep.
//
// Each cell has one entry holding the fields that its strength depends on,
// plus its key and frequency: 24 bytes, in dense per-bucket arrays. A
// narrow-band Resonance reads only the buckets that overlap its band, and
// the decay sweep streams through all of them without touching the hash
// table. The owner keeps every entry in step with its cell and remembers
// each entry's position (see BrickStore aux).
//
// Thread-safety: thread-compatible.
#ifndef M8_GRID_INTERNAL_FREQUENCY_INDEX_H_
#define M8_GRID_INTERNAL_FREQUENCY_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <optional>
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
  uint32_t Add(uint32_t key, const Wave& w) {
    std::vector<IndexEntry>& bucket = buckets_[BucketOf(w.frequency)];
    bucket.push_back(IndexEntry::Of(key, w));
    return static_cast<uint32_t>(bucket.size() - 1);
  }

  IndexEntry& At(uint32_t bucket, uint32_t pos) {
    return buckets_[bucket][pos];
  }

  // Removes the entry at `pos` by moving the bucket's last entry into its
  // place; returns the key of the entry that moved, if one did.
  std::optional<uint32_t> Remove(uint32_t bucket, uint32_t pos) {
    std::vector<IndexEntry>& b = buckets_[bucket];
    std::optional<uint32_t> moved;
    if (pos + 1 != b.size()) {
      b[pos] = b.back();
      moved = b[pos].key;
    }
    b.pop_back();
    return moved;
  }

  const std::vector<IndexEntry>& bucket(uint32_t b) const {
    return buckets_[b];
  }
  std::vector<IndexEntry>& bucket(uint32_t b) { return buckets_[b]; }

  void Clear() {
    for (auto& b : buckets_) b.clear();
  }

 private:
  double scale_;
  std::vector<std::vector<IndexEntry>> buckets_;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_FREQUENCY_INDEX_H_
