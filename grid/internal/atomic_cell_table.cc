#include "grid/internal/atomic_cell_table.h"

#include <bit>
#include <cassert>
#include <memory>

#include "grid/internal/huge_page_allocator.h"

namespace m8::internal {
namespace {

constexpr size_t kMinCapacity = 16;

void StoreWave(std::atomic<uint64_t> (&words)[4], const Wave& w) {
  uint64_t raw[4];
  std::memcpy(raw, &w, sizeof(Wave));
  for (int i = 0; i < 4; ++i) words[i].store(raw[i], std::memory_order_release);
}

}  // namespace

// Large tables on transparent huge pages, like the grid's own hash table:
// lookups are random over hundreds of MiB.
AtomicCellTable::Table::Table(size_t capacity)
    : mask(capacity - 1),
      shift(64 - std::countr_zero(capacity)),
      slots(HugePageAllocator<Slot>().allocate(capacity)) {
  assert(std::has_single_bit(capacity) && capacity >= kMinCapacity);
  std::uninitialized_value_construct_n(slots, capacity);
}

AtomicCellTable::Table::~Table() {
  const size_t capacity = mask + 1;
  std::destroy_n(slots, capacity);
  HugePageAllocator<Slot>().deallocate(slots, capacity);
}

AtomicCellTable::AtomicCellTable() {
  tables_.push_back(std::make_unique<Table>(kMinCapacity));
  table_.store(tables_.back().get(), std::memory_order_release);
}

AtomicCellTable::~AtomicCellTable() = default;

void AtomicCellTable::Set(uint32_t key, const Wave& w) {
  {
    Table& t = *tables_.back();
    const uint64_t want = kPresent | key;
    for (size_t i = t.Home(key);; i = (i + 1) & t.mask) {
      Slot& s = t.slots[i];
      const uint64_t tag = s.tag.load(std::memory_order_relaxed);
      if (tag == want) {
        StoreWave(s.words, w);
        return;
      }
      if (tag == 0) break;
    }
  }
  if (size_ + 1 > MaxCells(tables_.back()->mask + 1)) {
    Rehash((tables_.back()->mask + 1) * 2);
  }
  Table& t = *tables_.back();
  size_t i = t.Home(key);
  while (t.slots[i].tag.load(std::memory_order_relaxed) != 0) {
    i = (i + 1) & t.mask;
  }
  // The wave first, then the tag that makes it findable.
  StoreWave(t.slots[i].words, w);
  t.slots[i].tag.store(kPresent | key, std::memory_order_release);
  ++size_;
}

bool AtomicCellTable::Erase(uint32_t key) {
  Table& t = *tables_.back();
  const uint64_t want = kPresent | key;
  size_t hole = t.Home(key);
  for (;; hole = (hole + 1) & t.mask) {
    const uint64_t tag = t.slots[hole].tag.load(std::memory_order_relaxed);
    if (tag == want) break;
    if (tag == 0) return false;
  }
  // Backward-shift deletion: move each later cell of the run whose home is
  // not cyclically in (hole, j] into the hole, until an empty slot.
  for (size_t j = (hole + 1) & t.mask;; j = (j + 1) & t.mask) {
    const uint64_t tag = t.slots[j].tag.load(std::memory_order_relaxed);
    if (tag == 0) break;
    const size_t home = t.Home(static_cast<uint32_t>(tag));
    const bool stays =
        hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    for (int w = 0; w < 4; ++w) {
      t.slots[hole].words[w].store(
          t.slots[j].words[w].load(std::memory_order_relaxed),
          std::memory_order_release);
    }
    t.slots[hole].tag.store(tag, std::memory_order_release);
    hole = j;
  }
  t.slots[hole].tag.store(0, std::memory_order_release);
  --size_;
  return true;
}

void AtomicCellTable::Reserve(size_t cells) {
  size_t capacity = tables_.back()->mask + 1;
  while (MaxCells(capacity) < cells) capacity *= 2;
  if (capacity != tables_.back()->mask + 1) Rehash(capacity);
}

void AtomicCellTable::Rehash(size_t capacity) {
  const Table& old = *tables_.back();
  auto fresh = std::make_unique<Table>(capacity);
  for (size_t i = 0; i <= old.mask; ++i) {
    const uint64_t tag = old.slots[i].tag.load(std::memory_order_relaxed);
    if (tag == 0) continue;
    size_t j = fresh->Home(static_cast<uint32_t>(tag));
    while (fresh->slots[j].tag.load(std::memory_order_relaxed) != 0) {
      j = (j + 1) & fresh->mask;
    }
    for (int w = 0; w < 4; ++w) {
      fresh->slots[j].words[w].store(
          old.slots[i].words[w].load(std::memory_order_relaxed),
          std::memory_order_relaxed);
    }
    fresh->slots[j].tag.store(tag, std::memory_order_relaxed);
  }
  // Publishing the pointer (release) makes the filled slots visible to a
  // reader that loads it (acquire). The old table stays for readers still
  // probing it.
  tables_.push_back(std::move(fresh));
  table_.store(tables_.back().get(), std::memory_order_release);
}

}  // namespace m8::internal
