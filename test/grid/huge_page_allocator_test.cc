#include "grid/internal/huge_page_allocator.h"

#include <cstdint>
#include <cstring>
#include <new>

#include "gtest/gtest.h"

namespace m8::internal {
namespace {

struct Slot {
  char bytes[40];
};

TEST(HugePageAllocatorTest, ServesSmallAndLargeBlocks) {
  HugePageAllocator<Slot> allocator;
  Slot* small = allocator.allocate(10);
  std::memset(small, 1, 10 * sizeof(Slot));
  allocator.deallocate(small, 10);
  // 3 MiB: a huge-page block, aligned on 2 MiB.
  const size_t n = (size_t{3} << 20) / sizeof(Slot);
  Slot* large = allocator.allocate(n);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large) % kHugePageBytes, 0u);
  std::memset(large, 1, n * sizeof(Slot));
  allocator.deallocate(large, n);
}

TEST(HugePageAllocatorTest, CountWhoseBytesOverflowIsRefused) {
  HugePageAllocator<Slot> allocator;
  EXPECT_EQ(allocator.max_size(), SIZE_MAX / 40);
  // n * 40 wraps around to a small number of bytes.
  const size_t wraps = SIZE_MAX / 40 + 1;
  EXPECT_THROW(allocator.allocate(wraps), std::bad_array_new_length);
  EXPECT_THROW(allocator.allocate(SIZE_MAX), std::bad_array_new_length);
}

TEST(HugePageAllocatorTest, SizesNearTheTopOfSizeTAreRefused) {
  // Rounding these up to whole huge pages, or adding the page that aligns
  // the block, would wrap around to a few MiB.
  for (const size_t bytes :
       {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - kHugePageBytes,
        SIZE_MAX - 3 * kHugePageBytes + 1, SIZE_MAX / 40 * 40}) {
    EXPECT_THROW(AllocateHuge(bytes), std::bad_alloc) << bytes;
  }
  HugePageAllocator<Slot> allocator;
  EXPECT_THROW(allocator.allocate(SIZE_MAX / 40), std::bad_alloc);
}

}  // namespace
}  // namespace m8::internal
