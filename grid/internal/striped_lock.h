// StripedLock: a reader-writer lock whose readers spread over kStripes
// std::shared_mutexes, one cache line each. A reader takes the stripe of its
// thread; a writer takes every stripe, in order. Readers on different
// threads then never write the same cache line, so read-mostly work scales
// with the cores instead of bouncing one lock word between them; the price
// is kStripes acquisitions per write.
//
// Why not absl::Mutex: Debian's Abseil is built without NDEBUG, so every
// absl::Mutex acquisition runs its deadlock detector, which takes a
// process-wide lock; measured here, a ConcurrentGrid Recall cost 3x more
// and two threads serialised on that lock. pthread's rwlock (under
// std::shared_mutex) is one atomic operation per acquisition, and
// ThreadSanitizer understands it without annotations.
//
// Thread-safety: a lock; every method may be called from any thread.
#ifndef M8_GRID_INTERNAL_STRIPED_LOCK_H_
#define M8_GRID_INTERNAL_STRIPED_LOCK_H_

#include <atomic>
#include <shared_mutex>

#include "absl/base/thread_annotations.h"

namespace m8::internal {

class ABSL_LOCKABLE StripedLock {
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

  void LockShared(int stripe) ABSL_SHARED_LOCK_FUNCTION() {
    stripes_[stripe].mu.lock_shared();
  }
  void UnlockShared(int stripe) ABSL_UNLOCK_FUNCTION() {
    stripes_[stripe].mu.unlock_shared();
  }
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    for (Stripe& s : stripes_) s.mu.lock();
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    for (int i = kStripes - 1; i >= 0; --i) stripes_[i].mu.unlock();
  }

  class ABSL_SCOPED_LOCKABLE ReaderLock {
   public:
    explicit ReaderLock(StripedLock* lock) ABSL_SHARED_LOCK_FUNCTION(lock)
        : lock_(*lock), stripe_(ThisThreadStripe()) {
      lock_.LockShared(stripe_);
    }
    ~ReaderLock() ABSL_UNLOCK_FUNCTION() { lock_.UnlockShared(stripe_); }
    ReaderLock(const ReaderLock&) = delete;
    ReaderLock& operator=(const ReaderLock&) = delete;

   private:
    StripedLock& lock_;
    const int stripe_;
  };

  class ABSL_SCOPED_LOCKABLE WriterLock {
   public:
    explicit WriterLock(StripedLock* lock) ABSL_EXCLUSIVE_LOCK_FUNCTION(lock)
        : lock_(*lock) {
      lock_.Lock();
    }
    ~WriterLock() ABSL_UNLOCK_FUNCTION() { lock_.Unlock(); }
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

   private:
    StripedLock& lock_;
  };

 private:
  struct alignas(64) Stripe {
    std::shared_mutex mu;
  };
  Stripe stripes_[kStripes];
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_STRIPED_LOCK_H_
