// HugePageAllocator: a std::allocator-compatible allocator that backs large
// allocations (>= 2 MiB) with transparent huge pages.
//
// A grid's hash table is hundreds of MiB of randomly probed memory: with
// 4 KiB pages nearly every probe also misses the TLB, and a page walk under
// virtualisation costs about as much as the cache miss itself. Large blocks
// are mmap'ed on a 2 MiB boundary and madvise(MADV_HUGEPAGE)'d; the kernel
// backs them with huge pages when THP is enabled ("always" or "madvise")
// and silently uses small pages otherwise. Small blocks go to operator new.
//
// Thread-safety: stateless; safe from any thread.
#ifndef M8_GRID_INTERNAL_HUGE_PAGE_ALLOCATOR_H_
#define M8_GRID_INTERNAL_HUGE_PAGE_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>
#include <new>

namespace m8::internal {

// Raw interface: `bytes` rounded up to whole huge pages. Throws
// std::bad_alloc when the system refuses the mapping, or when `bytes` is so
// large that rounding it up (or mapping the extra page that aligns it)
// would overflow.
void* AllocateHuge(size_t bytes);
void FreeHuge(void* p, size_t bytes);
inline constexpr size_t kHugePageBytes = size_t{2} << 20;

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding.

  // Throws std::bad_array_new_length when n * sizeof(T) overflows, as
  // std::allocator does, and std::bad_alloc when memory is refused.
  T* allocate(size_t n) {
    if (n > max_size()) throw std::bad_array_new_length();
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) {
      return static_cast<T*>(
          ::operator new (bytes, std::align_val_t{alignof(T)}));
    }
    return static_cast<T*>(AllocateHuge(bytes));
  }
  static constexpr size_t max_size() { return SIZE_MAX / sizeof(T); }

  void deallocate(T* p, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) {
      // The unsized form: clang declares the sized one only with
      // -fsized-deallocation.
      ::operator delete (p, std::align_val_t{alignof(T)});
      return;
    }
    FreeHuge(p, bytes);
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) {
    return true;
  }
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_HUGE_PAGE_ALLOCATOR_H_
