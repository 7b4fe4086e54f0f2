// SequenceCounter: the version word of a seqlock, for optimistic readers.
//
// A writer (one at a time: the owner serialises writers with its own lock)
// makes the count odd before it changes the guarded data and even again
// after. A reader takes the count before reading, reads, and keeps what it
// read only if the count is still the same even value afterwards.
//
// Under the C++ memory model a reader's plain reads of data that a writer is
// changing would be data races, so the guarded data must be atomics, read
// with acquire loads and written with release stores (as AtomicCellTable
// does); on x86-64 both are plain moves. The argument, which needs no
// stand-alone fences (ThreadSanitizer does not model those):
//   - If a reader's acquire load of a data word reads a value stored by a
//     writer W, then W's odd count (stored before that release store)
//     happens-before the reader's final count load, which therefore returns
//     W's odd count or a later one: the reader retries.
//   - If the reader's first (acquire) load returned the even count stored at
//     the end of writer W0, every write of W0 and of earlier writers
//     happens-before its data loads, so those see W0's state or later
//     writers' values, and the previous point covers the latter.
//
// Thread-safety: ReadBegin and ReadValid from any thread at any time;
// WriteBegin and WriteEnd only by the one thread the owner lets write.
#ifndef M8_GRID_INTERNAL_SEQUENCE_COUNTER_H_
#define M8_GRID_INTERNAL_SEQUENCE_COUNTER_H_

#include <atomic>
#include <cstdint>

namespace m8::internal {

// 128 bytes: x86 prefetches lines in pairs, so a counter that readers poll
// must not share the pair with anything written more often.
class alignas(128) SequenceCounter {
 public:
  // The count to validate against; an odd count never validates.
  uint64_t ReadBegin() const { return count_.load(std::memory_order_acquire); }
  // True when no writer began since ReadBegin returned `begin` (and none was
  // inside then): what was read in between is one state of the data.
  bool ReadValid(uint64_t begin) const {
    return (begin & 1) == 0 && count_.load(std::memory_order_relaxed) == begin;
  }

  // REQUIRES: the caller is the only writer, and is not inside a write.
  void WriteBegin() {
    count_.store(count_.load(std::memory_order_relaxed) + 1,
                 std::memory_order_relaxed);
  }
  // REQUIRES: the caller called WriteBegin.
  void WriteEnd() {
    count_.store(count_.load(std::memory_order_relaxed) + 1,
                 std::memory_order_release);
  }

 private:
  std::atomic<uint64_t> count_{0};
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_SEQUENCE_COUNTER_H_
