// StripedLock: a reader-writer lock whose readers spread over kStripes
// absl::Mutexes, one cache line each. A reader takes the stripe of its
// thread; a writer takes every stripe, in order. Readers on different
// threads then never write the same cache line, so read-mostly work scales
// with the cores instead of bouncing one lock word between them; the price
// is kStripes acquisitions per write.
//
// Thread-safety: a lock; every method may be called from any thread.
#ifndef M8_GRID_INTERNAL_STRIPED_LOCK_H_
#define M8_GRID_INTERNAL_STRIPED_LOCK_H_

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grid/internal/annotated_mutex.h"

namespace m8::internal {

class StripedLock {
 public:
  static constexpr int kStripes = 4;

  // The stripe the calling thread reads through (threads take stripes in
  // turn as they first ask).
  static int ThisThreadStripe() {
    static std::atomic<int> next{0};
    thread_local const int stripe =
        next.fetch_add(1, std::memory_order_relaxed) & (kStripes - 1);
    return stripe;
  }

  void LockShared(int stripe) { LockRead(stripes_[stripe].mu); }
  void UnlockShared(int stripe) { UnlockRead(stripes_[stripe].mu); }
  void Lock() {
    for (Stripe& s : stripes_) LockWrite(s.mu);
  }
  void Unlock() {
    for (int i = kStripes - 1; i >= 0; --i) UnlockWrite(stripes_[i].mu);
  }

  class ABSL_SCOPED_LOCKABLE ReaderLock {
   public:
    explicit ReaderLock(StripedLock* lock)
        : lock_(*lock), stripe_(ThisThreadStripe()) {
      lock_.LockShared(stripe_);
    }
    ~ReaderLock() { lock_.UnlockShared(stripe_); }
    ReaderLock(const ReaderLock&) = delete;
    ReaderLock& operator=(const ReaderLock&) = delete;

   private:
    StripedLock& lock_;
    const int stripe_;
  };

  class ABSL_SCOPED_LOCKABLE WriterLock {
   public:
    explicit WriterLock(StripedLock* lock) : lock_(*lock) { lock_.Lock(); }
    ~WriterLock() { lock_.Unlock(); }
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

   private:
    StripedLock& lock_;
  };

 private:
  struct alignas(64) Stripe {
    absl::Mutex mu;
  };
  Stripe stripes_[kStripes];
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_STRIPED_LOCK_H_
