// ResourceCache: expensive benchmark inputs (filled grids, reference maps,
// key arrays), built once and shared by every fixture and run that asks for
// the same key.
//
// A filled 4M-cell grid takes seconds to build and Google Benchmark calls a
// fixture's SetUp once per thread and per trial run, so fixtures fetch
// their inputs from here. Entries are kept least-recently-used first within
// a budget of estimated bytes; an evicted entry stays alive while a fixture
// still holds it, and when eviction frees memory the cache hands it back to
// the system (malloc_trim), so that the process's RSS follows the budget.
// Building happens outside the cache-wide lock (only the entry is locked), so a
// builder may itself fetch other entries.
//
// Thread-safety: thread-safe.
#ifndef M8_BENCH_SUPPORT_RESOURCE_CACHE_H_
#define M8_BENCH_SUPPORT_RESOURCE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace m8::bench {

class ResourceCache {
 public:
  // The process-wide cache (budget kDefaultBudgetBytes).
  static ResourceCache& Global();
  static constexpr size_t kDefaultBudgetBytes = size_t{4} << 30;

  explicit ResourceCache(size_t budget_bytes) : budget_(budget_bytes) {}
  ResourceCache(const ResourceCache&) = delete;
  ResourceCache& operator=(const ResourceCache&) = delete;

  // The entry under `key`, built by `build` if absent (errors are returned
  // and not cached). `bytes` estimates its size for the budget.
  // REQUIRES: every call with one key asks for the same T.
  template <typename T>
  absl::StatusOr<std::shared_ptr<T>> GetOrBuild(
      const std::string& key, size_t bytes,
      absl::FunctionRef<absl::StatusOr<std::shared_ptr<T>>()> build) {
    absl::StatusOr<std::shared_ptr<void>> value =
        GetOrBuildErased(key, bytes, typeid(T), [&]() {
          absl::StatusOr<std::shared_ptr<T>> built = build();
          if (!built.ok())
            return absl::StatusOr<std::shared_ptr<void>>(built.status());
          return absl::StatusOr<std::shared_ptr<void>>(
              std::const_pointer_cast<std::remove_const_t<T>>(
                  *std::move(built)));
        });
    if (!value.ok()) return value.status();
    return std::static_pointer_cast<T>(*std::move(value));
  }

  // Drops every entry (holders keep theirs alive).
  void Clear();
  size_t bytes_held() const;
  size_t entry_count() const;

 private:
  struct Entry {
    std::mutex mu;  // Held while building.
    std::shared_ptr<void> value ABSL_GUARDED_BY(mu);
    std::type_index type ABSL_GUARDED_BY(mu) = typeid(void);
    size_t bytes = 0;     // Guarded by the cache's mu_.
    bool cached = false;  // Guarded by the cache's mu_: counts in bytes_.
    std::list<std::string>::iterator lru;  // Guarded by the cache's mu_.
  };

  absl::StatusOr<std::shared_ptr<void>> GetOrBuildErased(
      const std::string& key, size_t bytes, std::type_index type,
      absl::FunctionRef<absl::StatusOr<std::shared_ptr<void>>()> build);
  // Takes least recently used built entries, other than `keep`, out of the
  // cache until it fits its budget, and returns them (to be destroyed
  // outside the lock).
  std::vector<std::shared_ptr<Entry>> EvictLocked(const std::string& keep)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t budget_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> entries_
      ABSL_GUARDED_BY(mu_);
  std::list<std::string> lru_ ABSL_GUARDED_BY(mu_);  // Most recent first.
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

// ResourceCache::Global().GetOrBuild<T>(key, bytes, build): the common case.
template <typename T>
absl::StatusOr<std::shared_ptr<T>> Cached(
    const std::string& key, size_t bytes,
    absl::FunctionRef<absl::StatusOr<std::shared_ptr<T>>()> build) {
  return ResourceCache::Global().GetOrBuild<T>(key, bytes, build);
}

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_RESOURCE_CACHE_H_
