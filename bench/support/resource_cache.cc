#include "bench/support/resource_cache.h"

#include <malloc.h>

#include <cassert>

#include "absl/strings/str_cat.h"

namespace m8::bench {

ResourceCache& ResourceCache::Global() {
  static ResourceCache* cache = new ResourceCache(kDefaultBudgetBytes);
  return *cache;
}

absl::StatusOr<std::shared_ptr<void>> ResourceCache::GetOrBuildErased(
    const std::string& key, size_t bytes, std::type_index type,
    absl::FunctionRef<absl::StatusOr<std::shared_ptr<void>>()> build) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<Entry>& slot = entries_[key];
    if (slot == nullptr) {
      slot = std::make_shared<Entry>();
      lru_.push_front(key);
      slot->lru = lru_.begin();
    } else {
      lru_.splice(lru_.begin(), lru_, slot->lru);
    }
    entry = slot;
  }
  std::lock_guard<std::mutex> entry_lock(entry->mu);
  if (entry->value != nullptr) {
    if (entry->type != type) {
      return absl::InternalError(
          absl::StrCat("resource cache: '", key, "' holds another type"));
    }
    return entry->value;
  }
  absl::StatusOr<std::shared_ptr<void>> built = build();
  if (!built.ok()) return built.status();
  entry->value = *built;
  entry->type = type;
  std::vector<std::shared_ptr<Entry>> evicted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The entry may have been evicted (and the key rebuilt) meanwhile: only
    // account for it while it is still the cached entry.
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second == entry && !entry->cached) {
      entry->bytes = bytes;
      entry->cached = true;
      bytes_ += bytes;
      evicted = EvictLocked(key);
    }
  }
  if (!evicted.empty()) {
    evicted.clear();
    // Freed grids are mostly small heap blocks that malloc keeps; give the
    // pages back so that RSS stays near the budget.
    malloc_trim(0);
  }
  return *built;
}

std::vector<std::shared_ptr<ResourceCache::Entry>> ResourceCache::EvictLocked(
    const std::string& keep) {
  std::vector<std::shared_ptr<Entry>> evicted;
  auto it = lru_.end();
  while (bytes_ > budget_ && it != lru_.begin()) {
    --it;
    if (*it == keep) continue;
    auto found = entries_.find(*it);
    assert(found != entries_.end());
    if (!found->second->cached) continue;  // Still being built.
    bytes_ -= found->second->bytes;
    evicted.push_back(std::move(found->second));
    entries_.erase(found);
    it = lru_.erase(it);
  }
  return evicted;
}

void ResourceCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  lru_.clear();
  bytes_ = 0;
}

size_t ResourceCache::bytes_held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t ResourceCache::entry_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace m8::bench
