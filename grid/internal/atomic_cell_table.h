// AtomicCellTable: a hash table of cells that readers may probe while a
// writer changes it, for seqlock-validated (optimistic) reads.
//
// Open addressing with linear probing over 40-byte slots: a tag word (the
// key, marked present) and the 32-byte wave as four words, every word a
// std::atomic<uint64_t> read with acquire loads and written with release
// stores (see SequenceCounter for why that makes the reads race-free). A
// removal shifts the following cells of its run back (no tombstones), so
// the table never needs rebuilding under churn. A lookup that races with a
// writer can return anything (a miss, a torn wave): the caller's sequence
// check rejects it. It can never leave the table, nor follow a pointer into
// freed memory: a table that growth replaces is kept until the
// AtomicCellTable is destroyed. Growth doubles, so the tables kept total
// less than the current one; Reserve up front avoids them.
//
// Thread-safety: Find, Contains and Prefetch may run at any time, from any
// thread; Set, Erase and Reserve need the owner's exclusive writer, inside
// a SequenceCounter write.
#ifndef M8_GRID_INTERNAL_ATOMIC_CELL_TABLE_H_
#define M8_GRID_INTERNAL_ATOMIC_CELL_TABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "grid/wave.h"

namespace m8::internal {

class AtomicCellTable {
 public:
  AtomicCellTable();
  ~AtomicCellTable();
  AtomicCellTable(const AtomicCellTable&) = delete;
  AtomicCellTable& operator=(const AtomicCellTable&) = delete;

  // ---- Readers ----------------------------------------------------------

  // Copies the cell at `key` to *out; false when absent.
  bool Find(uint32_t key, Wave* out) const {
    const Slot* s = FindSlot(key);
    if (s == nullptr) return false;
    uint64_t words[4];
    for (int w = 0; w < 4; ++w) {
      words[w] = s->words[w].load(std::memory_order_acquire);
    }
    std::memcpy(out, words, sizeof(Wave));
    return true;
  }
  bool Contains(uint32_t key) const { return FindSlot(key) != nullptr; }
  void Prefetch(uint32_t key) const {
    const Table& t = *table_.load(std::memory_order_acquire);
    __builtin_prefetch(&t.slots[t.Home(key)]);
  }

  // ---- The writer -------------------------------------------------------

  // Inserts or overwrites the cell at `key`.
  void Set(uint32_t key, const Wave& w);
  // Removes the cell at `key`; false when it was absent.
  bool Erase(uint32_t key);
  // Makes room for `cells` cells without growing.
  void Reserve(size_t cells);
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kPresent = uint64_t{1} << 32;
  static_assert(sizeof(Wave) == 4 * sizeof(uint64_t));

  struct Slot {
    std::atomic<uint64_t> tag{0};  // 0: empty; else kPresent | key.
    std::atomic<uint64_t> words[4] = {};
  };
  // One array of slots; never changed in size once published.
  struct Table {
    explicit Table(size_t capacity);
    ~Table();
    Table(const Table&) = delete;
    Table& operator=(const Table&) = delete;

    // Fibonacci hashing: the top bits of key * 2^64 / phi.
    size_t Home(uint32_t key) const {
      return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift);
    }

    size_t mask;
    int shift;
    Slot* slots;
  };

  const Slot* FindSlot(uint32_t key) const {
    const Table& t = *table_.load(std::memory_order_acquire);
    const uint64_t want = kPresent | key;
    size_t i = t.Home(key);
    for (size_t probes = 0; probes <= t.mask; ++probes) {
      const uint64_t tag = t.slots[i].tag.load(std::memory_order_acquire);
      if (tag == want) return &t.slots[i];
      if (tag == 0) return nullptr;
      i = (i + 1) & t.mask;
    }
    return nullptr;
  }
  // Moves every cell into a new table of `capacity` slots and publishes it.
  void Rehash(size_t capacity);
  // The most cells a table of `capacity` slots takes: 3/4 full.
  static size_t MaxCells(size_t capacity) { return capacity / 4 * 3; }

  std::atomic<const Table*> table_;
  // Every table made, the current one last: readers may still be probing the
  // earlier ones.
  std::vector<std::unique_ptr<Table>> tables_;
  size_t size_ = 0;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_ATOMIC_CELL_TABLE_H_
