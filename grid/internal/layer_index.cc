#include "grid/internal/layer_index.h"

#include <cassert>
#include <cstring>

namespace m8::internal {

void LayerIndex::Insert(uint32_t key) {
  std::unique_ptr<Chunk>& chunk = chunks_[key >> 24];
  if (chunk == nullptr) chunk = std::make_unique<Chunk>();
  std::unique_ptr<Layer>& slot = chunk->layers[(key >> 16) & 0xff];
  if (slot == nullptr) {
    slot = std::make_unique<Layer>();
    ++chunk->nonempty;
  }
  Layer& l = *slot;
  const auto pos = static_cast<uint16_t>(key);
  if (l.bits_ != nullptr) {
    l.bits_[pos >> 6] |= uint64_t{1} << (pos & 63);
  } else if (l.count_ < kToBitmap) {
    auto it = std::lower_bound(l.list_.begin(), l.list_.end(), pos);
    assert(it == l.list_.end() || *it != pos);
    l.list_.insert(it, pos);
  } else {
    // Dense now: a bitmap costs less than the list.
    l.bits_ = std::make_unique<uint64_t[]>(1024);  // Zeroed.
    for (uint16_t p : l.list_) l.bits_[p >> 6] |= uint64_t{1} << (p & 63);
    l.bits_[pos >> 6] |= uint64_t{1} << (pos & 63);
    std::vector<uint16_t>().swap(l.list_);
  }
  ++l.count_;
  ++size_;
}

void LayerIndex::Erase(uint32_t key) {
  Chunk* chunk = chunks_[key >> 24].get();
  assert(chunk != nullptr);
  std::unique_ptr<Layer>& slot = chunk->layers[(key >> 16) & 0xff];
  assert(slot != nullptr);
  Layer& l = *slot;
  const auto pos = static_cast<uint16_t>(key);
  if (l.bits_ != nullptr) {
    l.bits_[pos >> 6] &= ~(uint64_t{1} << (pos & 63));
  } else {
    auto it = std::lower_bound(l.list_.begin(), l.list_.end(), pos);
    assert(it != l.list_.end() && *it == pos);
    l.list_.erase(it);
  }
  --l.count_;
  --size_;
  if (l.count_ == 0) {
    slot.reset();
    --chunk->nonempty;
    return;
  }
  if (l.bits_ != nullptr && l.count_ < kToList) {
    // Sparse again: back to the list, in position order.
    l.list_.reserve(l.count_);
    for (uint32_t w = 0; w < 1024; ++w) {
      for (uint64_t bits = l.bits_[w]; bits != 0; bits &= bits - 1) {
        l.list_.push_back(
            static_cast<uint16_t>(w * 64 + std::countr_zero(bits)));
      }
    }
    l.bits_.reset();
  }
}

}  // namespace m8::internal
