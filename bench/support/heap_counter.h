// Heap allocation counts per thread.
//
// A benchmark binary links the counting global operator new/delete
// (heap_counter_hooks.cc, target m8_bench_heap_hooks); every allocation
// through operator new then adds to the allocating thread's counts. Without
// the hooks the counts stay 0 and HeapCountingEnabled() is false.
//
// Thread-safety: each thread reads its own counts.
#ifndef M8_BENCH_SUPPORT_HEAP_COUNTER_H_
#define M8_BENCH_SUPPORT_HEAP_COUNTER_H_

#include <cstdint>

namespace m8::bench {

struct HeapCounts {
  uint64_t allocations = 0;  // Calls to any operator new.
  uint64_t bytes = 0;        // Bytes they asked for.
};

namespace internal {
// Written only by the hooks; constant-initialised, so access is a plain TLS
// load with no guard.
inline thread_local HeapCounts thread_heap_counts;
// Set by the hooks' static initialiser.
extern bool heap_hooks_installed;
}  // namespace internal

// This thread's allocations since it started.
inline HeapCounts ThreadHeapCounts() { return internal::thread_heap_counts; }
bool HeapCountingEnabled();

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_HEAP_COUNTER_H_
