#include "bench/support/heap_counter.h"

namespace m8::bench {
namespace internal {
bool heap_hooks_installed = false;
}  // namespace internal

bool HeapCountingEnabled() { return internal::heap_hooks_installed; }

}  // namespace m8::bench
