// LayerIndex: which cells exist, layer by layer. The grid's spatial index.
//
// A layer (one z) holds up to 65536 positions p = y << 8 | x, the low 16
// bits of a key. A sparse layer keeps its positions in a sorted vector (2
// bytes a cell); once it holds more than kToBitmap cells it switches to a
// 65536-bit bitmap (8 KiB: at most 16 bytes a cell), and back below
// kToList. Layers live in 256 chunks of 256, allocated on first use, so an
// empty index costs 2 KiB.
//
// With it, Interference probes the hash table only for neighbours that
// exist, and Region and LayerScan visit only existing cells, in key order.
//
// Thread-safety: thread-compatible (const methods may run concurrently).
#ifndef M8_GRID_INTERNAL_LAYER_INDEX_H_
#define M8_GRID_INTERNAL_LAYER_INDEX_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace m8::internal {

class LayerIndex {
 public:
  // One layer's cells.
  class Layer {
   public:
    size_t size() const { return count_; }
    bool Has(uint32_t pos) const {
      if (bits_ != nullptr) return (bits_[pos >> 6] >> (pos & 63)) & 1;
      return std::binary_search(list_.begin(), list_.end(),
                                static_cast<uint16_t>(pos));
    }
    // f(uint32_t pos) for every cell with x in [x0, x1] and y in [y0, y1],
    // in ascending position order.
    template <typename F>
    void ForEachInRect(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1,
                       F&& f) const {
      if (bits_ == nullptr) {
        auto it = std::lower_bound(list_.begin(), list_.end(),
                                   static_cast<uint16_t>(y0 << 8 | x0));
        const uint32_t last = y1 << 8 | x1;
        for (; it != list_.end() && *it <= last; ++it) {
          const uint32_t x = *it & 0xff;
          if (x >= x0 && x <= x1) f(uint32_t{*it});
        }
        return;
      }
      for (uint32_t y = y0; y <= y1; ++y) {
        const uint32_t first = y << 8 | x0, last = y << 8 | x1;
        for (uint32_t w = first >> 6; w <= last >> 6; ++w) {
          uint64_t bits = bits_[w];
          if (w == first >> 6) bits &= ~uint64_t{0} << (first & 63);
          if (w == last >> 6 && (last & 63) != 63) {
            bits &= (uint64_t{1} << ((last & 63) + 1)) - 1;
          }
          for (; bits != 0; bits &= bits - 1)
            f(w * 64 + std::countr_zero(bits));
        }
      }
    }

   private:
    friend class LayerIndex;
    uint32_t count_ = 0;
    std::vector<uint16_t> list_;        // Sorted; used while bits_ is null.
    std::unique_ptr<uint64_t[]> bits_;  // 1024 words once dense.
  };

  LayerIndex() = default;
  LayerIndex(LayerIndex&&) noexcept = default;
  LayerIndex& operator=(LayerIndex&&) noexcept = default;

  // REQUIRES: the cell is absent / present respectively.
  void Insert(uint32_t key);
  void Erase(uint32_t key);

  // The layer z, or null when it is empty.
  const Layer* layer(uint32_t z) const {
    const Chunk* chunk = chunks_[z >> 8].get();
    return chunk != nullptr ? chunk->layers[z & 0xff].get() : nullptr;
  }
  // Starts fetching the memory Insert(key) or Erase(key) will touch.
  void Prefetch(uint32_t key) const {
    const Layer* l = layer(key >> 16);
    if (l == nullptr) return;
    const uint32_t pos = key & 0xffff;
    if (l->bits_ != nullptr) {
      __builtin_prefetch(&l->bits_[pos >> 6], 1);
    } else if (!l->list_.empty()) {
      // Where `pos` sits if the layer's cells are spread evenly.
      __builtin_prefetch(&l->list_[(l->list_.size() - 1) * pos >> 16], 1);
    }
  }
  bool Contains(uint32_t key) const {
    const Layer* l = layer(key >> 16);
    return l != nullptr && l->Has(key & 0xffff);
  }
  size_t size() const { return size_; }

  // f(uint32_t z, const Layer&) for every non-empty layer in [z0, z1],
  // ascending.
  template <typename F>
  void ForEachLayer(uint32_t z0, uint32_t z1, F&& f) const {
    for (uint32_t c = z0 >> 8; c <= z1 >> 8; ++c) {
      const Chunk* chunk = chunks_[c].get();
      if (chunk == nullptr || chunk->nonempty == 0) continue;
      const uint32_t from = std::max(z0, c << 8),
                     to = std::min(z1, c << 8 | 0xff);
      for (uint32_t z = from; z <= to; ++z) {
        if (const Layer* l = chunk->layers[z & 0xff].get()) f(z, *l);
      }
    }
  }

  void Clear() {
    for (auto& chunk : chunks_) chunk.reset();
    size_ = 0;
  }

  // Layers switch to a bitmap above kToBitmap cells and back below kToList.
  static constexpr uint32_t kToBitmap = 512;
  static constexpr uint32_t kToList = 128;

 private:
  struct Chunk {
    std::array<std::unique_ptr<Layer>, 256> layers;
    uint32_t nonempty = 0;
  };

  std::array<std::unique_ptr<Chunk>, 256> chunks_;
  size_t size_ = 0;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_LAYER_INDEX_H_
