#include "grid/internal/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace m8::internal {
namespace {

size_t RoundUp(size_t bytes) {
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

// The largest request AllocateHuge accepts: its length rounded up, plus the
// page that aligns it, still fits in a size_t.
constexpr size_t kMaxHugeBytes =
    (SIZE_MAX / kHugePageBytes - 1) * kHugePageBytes;

}  // namespace

void* AllocateHuge(size_t bytes) {
  if (bytes > kMaxHugeBytes) throw std::bad_alloc();
  const size_t length = RoundUp(bytes);
  // Over-map by one huge page and trim, so that the block starts on a huge
  // page boundary.
  void* raw = ::mmap(nullptr, length + kHugePageBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned =
      (start + kHugePageBytes - 1) & ~(uintptr_t{kHugePageBytes} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const uintptr_t end = start + length + kHugePageBytes;
  if (end > aligned + length) {
    ::munmap(reinterpret_cast<void*>(aligned + length),
             end - (aligned + length));
  }
  void* block = reinterpret_cast<void*>(aligned);
  ::madvise(block, length, MADV_HUGEPAGE);  // Advice only: failure is fine.
  return block;
}

void FreeHuge(void* p, size_t bytes) { ::munmap(p, RoundUp(bytes)); }

}  // namespace m8::internal
