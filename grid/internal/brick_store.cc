#include "grid/internal/brick_store.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <new>

namespace m8::internal {

// ---- BlockPool -----------------------------------------------------------

Block* BlockPool::Allocate(uint32_t capacity) {
  assert(std::has_single_bit(capacity) && capacity >= 2 && capacity <= 512);
  SizeClass& c = classes_[ClassOf(capacity)];
  void* memory;
  if (c.free_head != nullptr) {
    memory = c.free_head;
    std::memcpy(&c.free_head, memory, sizeof(void*));
  } else {
    const size_t bytes = Block::Bytes(capacity);
    if (c.cursor == nullptr || static_cast<size_t>(c.end - c.cursor) < bytes) {
      const size_t chunk = std::max(kChunkBytes, bytes);
      chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(chunk));
      c.cursor = chunks_.back().get();
      c.end = c.cursor + chunk;
    }
    memory = c.cursor;
    c.cursor += bytes;
  }
  Block* block = new (memory) Block{};
  block->capacity = capacity;
  return block;
}

void BlockPool::Free(Block* block) {
  SizeClass& c = classes_[ClassOf(block->capacity)];
  std::memcpy(static_cast<void*>(block), &c.free_head, sizeof(void*));
  c.free_head = block;
}

// ---- BrickStore ----------------------------------------------------------

BrickStore::BrickStore(int brick_edge)
    : shift_(std::countr_zero(static_cast<unsigned>(brick_edge))) {
  assert(brick_edge == 1 || brick_edge == 2 || brick_edge == 4 ||
         brick_edge == 8);
  const uint32_t low = (1u << shift_) - 1;
  brick_mask_ = ~(low | low << 8 | low << 16);
}

BrickStore::CellRef BrickStore::FindMutable(uint32_t key) {
  auto it = map_.find(BrickKey(key));
  if (it == map_.end()) return {};
  BrickSlot& slot = it->second;
  const uint32_t offset = Offset(key);
  if (slot.count == 1) {
    if (slot.offset != offset) return {};
    return {&slot.wave, &slot.aux};
  }
  Block* b = slot.block();
  if (!b->Has(offset)) return {};
  const uint32_t i = b->Rank(offset);
  return {&b->cells()[i], &b->aux()[i]};
}

BrickStore::CellRef BrickStore::Insert(uint32_t key, bool* inserted) {
  auto [it, fresh] = map_.try_emplace(BrickKey(key));
  BrickSlot& slot = it->second;
  const uint32_t offset = Offset(key);
  if (fresh) {
    slot.count = 1;
    slot.offset = static_cast<uint16_t>(offset);
    ++size_;
    *inserted = true;
    return {&slot.wave, &slot.aux};
  }
  if (slot.count == 1 && slot.offset == offset) {
    *inserted = false;
    return {&slot.wave, &slot.aux};
  }
  if (slot.count > 1) {
    Block* b = slot.block();
    if (b->Has(offset)) {
      const uint32_t i = b->Rank(offset);
      *inserted = false;
      return {&b->cells()[i], &b->aux()[i]};
    }
  }
  ++size_;
  *inserted = true;
  return InsertIntoBrick(slot, offset);
}

BrickStore::CellRef BrickStore::InsertIntoBrick(BrickSlot& slot,
                                                uint32_t offset) {
  if (slot.count == 1) {
    // Inline cell -> a block of two, in offset order.
    Block* b = pool_.Allocate(2);
    const uint32_t old = slot.offset;
    b->bits[old >> 6] |= uint64_t{1} << (old & 63);
    b->bits[offset >> 6] |= uint64_t{1} << (offset & 63);
    const uint32_t old_i = old < offset ? 0 : 1;
    const uint32_t new_i = 1 - old_i;
    b->cells()[old_i] = slot.wave;
    b->aux()[old_i] = slot.aux;
    b->cells()[new_i] = Wave{};
    b->aux()[new_i] = 0;
    slot.count = 2;
    slot.set_block(b);
    return {&b->cells()[new_i], &b->aux()[new_i]};
  }
  Block* b = slot.block();
  const uint32_t n = slot.count;
  const uint32_t i = b->Rank(offset);
  if (n == b->capacity) {
    Block* grown = pool_.Allocate(b->capacity * 2);
    std::memcpy(grown->bits, b->bits, sizeof(b->bits));
    std::copy_n(b->cells(), i, grown->cells());
    std::copy_n(b->cells() + i, n - i, grown->cells() + i + 1);
    std::copy_n(b->aux(), i, grown->aux());
    std::copy_n(b->aux() + i, n - i, grown->aux() + i + 1);
    pool_.Free(b);
    b = grown;
    slot.set_block(b);
  } else {
    std::copy_backward(b->cells() + i, b->cells() + n, b->cells() + n + 1);
    std::copy_backward(b->aux() + i, b->aux() + n, b->aux() + n + 1);
  }
  b->bits[offset >> 6] |= uint64_t{1} << (offset & 63);
  b->cells()[i] = Wave{};
  b->aux()[i] = 0;
  slot.count = static_cast<uint16_t>(n + 1);
  return {&b->cells()[i], &b->aux()[i]};
}

bool BrickStore::Erase(uint32_t key) {
  auto it = map_.find(BrickKey(key));
  if (it == map_.end()) return false;
  BrickSlot& slot = it->second;
  const uint32_t offset = Offset(key);
  if (slot.count == 1) {
    if (slot.offset != offset) return false;
    map_.erase(it);
    --size_;
    return true;
  }
  Block* b = slot.block();
  if (!b->Has(offset)) return false;
  const uint32_t n = slot.count;
  const uint32_t i = b->Rank(offset);
  std::copy(b->cells() + i + 1, b->cells() + n, b->cells() + i);
  std::copy(b->aux() + i + 1, b->aux() + n, b->aux() + i);
  b->bits[offset >> 6] &= ~(uint64_t{1} << (offset & 63));
  --size_;
  if (n - 1 == 1) {
    // Back to an inline cell.
    uint32_t remaining = 0;
    for (uint32_t w = 0; w < 8; ++w) {
      if (b->bits[w] != 0) {
        remaining = w * 64 + std::countr_zero(b->bits[w]);
        break;
      }
    }
    const Wave wave = b->cells()[0];
    const uint32_t aux = b->aux()[0];
    pool_.Free(b);
    slot.count = 1;
    slot.offset = static_cast<uint16_t>(remaining);
    slot.aux = aux;
    slot.wave = wave;
  } else {
    slot.count = static_cast<uint16_t>(n - 1);
  }
  return true;
}

void BrickStore::Clear() {
  map_.clear();
  pool_ = BlockPool();
  size_ = 0;
}

}  // namespace m8::internal
