// BrickStore: the sparse cell storage behind Grid.
//
// Cells are grouped into bricks of E x E x E (E = 1, 2, 4 or 8). One hash
// entry per non-empty brick; a brick holding a single cell keeps it inline
// in the hash slot (so a sparse grid costs one probe per Recall, like a plain
// map), a brick holding more keeps them in a block from a size-class pool:
// an occupancy bitmap and the cells in offset order. Larger bricks keep
// neighbouring cells in the same few cache lines.
//
// Each cell carries a 32-bit `aux` word for its owner (Grid keeps the
// position of the cell's frequency-index entry there).
//
// Thread-safety: thread-compatible. Const methods may run concurrently;
// anything else needs exclusive access. Pointers returned by Find* are
// invalidated by the next Insert or Erase.
#ifndef M8_GRID_INTERNAL_BRICK_STORE_H_
#define M8_GRID_INTERNAL_BRICK_STORE_H_

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "grid/internal/huge_page_allocator.h"
#include "grid/wave.h"

namespace m8::internal {

// A brick's cells when it holds two or more: an occupancy bitmap by in-brick
// offset, then `capacity` cells and `capacity` aux words, in offset order.
struct Block {
  uint64_t bits[8];  // E^3 <= 512 offsets.
  uint32_t capacity;
  uint32_t unused;

  Wave* cells() { return reinterpret_cast<Wave*>(this + 1); }
  const Wave* cells() const { return reinterpret_cast<const Wave*>(this + 1); }
  uint32_t* aux() { return reinterpret_cast<uint32_t*>(cells() + capacity); }
  const uint32_t* aux() const {
    return reinterpret_cast<const uint32_t*>(cells() + capacity);
  }
  bool Has(uint32_t offset) const {
    return (bits[offset >> 6] >> (offset & 63)) & 1;
  }
  // Index of `offset` among the occupied offsets below it.
  uint32_t Rank(uint32_t offset) const {
    const uint32_t word = offset >> 6;
    uint32_t rank = 0;
    for (uint32_t i = 0; i < word; ++i) rank += std::popcount(bits[i]);
    const uint64_t below = (uint64_t{1} << (offset & 63)) - 1;
    return rank + std::popcount(bits[word] & below);
  }
  static size_t Bytes(uint32_t capacity) {
    return sizeof(Block) + capacity * (sizeof(Wave) + sizeof(uint32_t));
  }
};
static_assert(sizeof(Block) % alignof(Wave) == 0);

// Fixed-size allocation of Blocks by power-of-two capacity (2 .. 512), from
// large chunks with per-class free lists, so that bricks growing and
// shrinking do not call malloc per cell. Memory goes back to the system when
// the pool is destroyed.
class BlockPool {
 public:
  BlockPool() = default;
  // A moved-from pool is empty and usable.
  BlockPool(BlockPool&& other) noexcept
      : classes_(std::exchange(other.classes_, {})),
        chunks_(std::move(other.chunks_)) {
    other.chunks_.clear();
  }
  BlockPool& operator=(BlockPool&& other) noexcept {
    classes_ = std::exchange(other.classes_, {});
    chunks_ = std::move(other.chunks_);
    other.chunks_.clear();
    return *this;
  }

  // REQUIRES: capacity is a power of two in [2, 512].
  Block* Allocate(uint32_t capacity);
  void Free(Block* block);

 private:
  static constexpr int kClasses = 9;
  static constexpr size_t kChunkBytes = size_t{256} << 10;
  struct SizeClass {
    void* free_head = nullptr;
    std::byte* cursor = nullptr;
    std::byte* end = nullptr;
  };
  static int ClassOf(uint32_t capacity) {
    return std::countr_zero(capacity) - 1;
  }

  std::array<SizeClass, kClasses> classes_{};
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
};

// The value of one hash entry: a brick.
struct BrickSlot {
  BrickSlot() : count(0), offset(0), aux(0), wave() {}

  uint16_t count;   // Cells in the brick, >= 1.
  uint16_t offset;  // In-brick offset of the inline cell (count == 1).
  uint32_t aux;     // aux of the inline cell (count == 1).
  union {
    Wave wave;                   // count == 1
    unsigned char block_ptr[8];  // count >= 2: a Block*, via memcpy
  };

  Block* block() const {
    Block* b;
    std::memcpy(&b, block_ptr, sizeof(b));
    return b;
  }
  void set_block(Block* b) { std::memcpy(block_ptr, &b, sizeof(b)); }
};
static_assert(sizeof(BrickSlot) == 40);

class BrickStore {
 public:
  // REQUIRES: brick_edge is 1, 2, 4 or 8.
  explicit BrickStore(int brick_edge);
  ~BrickStore() = default;
  BrickStore(BrickStore&&) noexcept = default;
  BrickStore& operator=(BrickStore&&) noexcept = default;
  BrickStore(const BrickStore&) = delete;
  BrickStore& operator=(const BrickStore&) = delete;

  // A mutable cell: null `wave` when absent.
  struct CellRef {
    Wave* wave = nullptr;
    uint32_t* aux = nullptr;
  };

  size_t size() const { return size_; }
  size_t brick_count() const { return map_.size(); }
  int edge() const { return 1 << shift_; }
  int shift() const { return shift_; }

  uint32_t BrickKey(uint32_t key) const { return key & brick_mask_; }
  uint32_t Offset(uint32_t key) const {
    const uint32_t m = (1u << shift_) - 1;
    return (key & m) | ((key >> 8) & m) << shift_ |
           ((key >> 16) & m) << (2 * shift_);
  }
  uint32_t KeyOf(uint32_t brick_key, uint32_t offset) const {
    const uint32_t m = (1u << shift_) - 1;
    return brick_key | (offset & m) | ((offset >> shift_) & m) << 8 |
           ((offset >> (2 * shift_)) & m) << 16;
  }

  const Wave* Find(uint32_t key) const {
    auto it = map_.find(BrickKey(key));
    if (it == map_.end()) return nullptr;
    // Single-cell bricks: the slot is the cell. Keeping this path short
    // lets more independent lookups overlap their cache misses.
    if (shift_ == 0) return &it->second.wave;
    return FindInBrick(it->second, Offset(key));
  }
  CellRef FindMutable(uint32_t key);
  void Prefetch(uint32_t key) const { map_.prefetch(BrickKey(key)); }

  // The cell at `key`, created zeroed (aux 0) when absent; `*inserted` says
  // which.
  CellRef Insert(uint32_t key, bool* inserted);
  // Removes the cell at `key`; false when there was none.
  bool Erase(uint32_t key);

  void Reserve(size_t cells) { map_.reserve(cells); }
  void Clear();

  // Brick-level access.
  const BrickSlot* FindBrick(uint32_t brick_key) const {
    auto it = map_.find(brick_key);
    return it == map_.end() ? nullptr : &it->second;
  }
  static const Wave* FindInBrick(const BrickSlot& slot, uint32_t offset) {
    if (slot.count == 1) return slot.offset == offset ? &slot.wave : nullptr;
    const Block* b = slot.block();
    return b->Has(offset) ? &b->cells()[b->Rank(offset)] : nullptr;
  }

  // f(uint32_t key, const Wave& wave, uint32_t aux) for every cell of one
  // brick, in offset order.
  template <typename F>
  void ForEachInBrick(uint32_t brick_key, const BrickSlot& slot, F&& f) const {
    if (slot.count == 1) {
      f(KeyOf(brick_key, slot.offset), slot.wave, slot.aux);
      return;
    }
    const Block* b = slot.block();
    uint32_t i = 0;
    for (uint32_t w = 0; w < 8; ++w) {
      for (uint64_t bits = b->bits[w]; bits != 0; bits &= bits - 1) {
        const uint32_t offset = w * 64 + std::countr_zero(bits);
        f(KeyOf(brick_key, offset), b->cells()[i], b->aux()[i]);
        ++i;
      }
      if (i == slot.count) break;
    }
  }

  // f(uint32_t key, const Wave& wave, uint32_t aux) for every cell, in no
  // particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& [brick_key, slot] : map_)
      ForEachInBrick(brick_key, slot, f);
  }

 private:
  // Grows or converts the brick so that it can take one more cell; returns
  // the new cell (zeroed) at `offset`.
  CellRef InsertIntoBrick(BrickSlot& slot, uint32_t offset);

  int shift_;
  uint32_t brick_mask_;
  size_t size_ = 0;
  absl::flat_hash_map<uint32_t, BrickSlot, absl::Hash<uint32_t>,
                      std::equal_to<uint32_t>,
                      HugePageAllocator<std::pair<const uint32_t, BrickSlot>>>
      map_;
  BlockPool pool_;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_BRICK_STORE_H_
