// Scoped locks over absl::Mutex that also tell ThreadSanitizer about the
// lock. Debian's Abseil is built without TSan instrumentation, so TSan
// cannot see the happens-before edges inside absl::Mutex and would report
// races on everything a shard lock protects. In TSan builds these wrappers
// describe each lock and unlock with TSan's mutex annotations; elsewhere
// they are exactly absl's scoped locks.
//
// Thread-safety: like absl::MutexLock / absl::ReaderMutexLock.
#ifndef M8_GRID_INTERNAL_ANNOTATED_MUTEX_H_
#define M8_GRID_INTERNAL_ANNOTATED_MUTEX_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#if defined(__SANITIZE_THREAD__)
#define M8_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define M8_TSAN_ANNOTATE 1
#endif
#endif

#ifdef M8_TSAN_ANNOTATE
#include <sanitizer/tsan_interface.h>
#endif

namespace m8::internal {

inline void LockWrite(absl::Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) {
#ifdef M8_TSAN_ANNOTATE
  __tsan_mutex_pre_lock(&mu, 0);
  mu.Lock();
  __tsan_mutex_post_lock(&mu, 0, 0);
#else
  mu.Lock();
#endif
}

inline void UnlockWrite(absl::Mutex& mu) ABSL_UNLOCK_FUNCTION(mu) {
#ifdef M8_TSAN_ANNOTATE
  __tsan_mutex_pre_unlock(&mu, 0);
  mu.Unlock();
  __tsan_mutex_post_unlock(&mu, 0);
#else
  mu.Unlock();
#endif
}

inline void LockRead(absl::Mutex& mu) ABSL_SHARED_LOCK_FUNCTION(mu) {
#ifdef M8_TSAN_ANNOTATE
  __tsan_mutex_pre_lock(&mu, __tsan_mutex_read_lock);
  mu.ReaderLock();
  __tsan_mutex_post_lock(&mu, __tsan_mutex_read_lock, 0);
#else
  mu.ReaderLock();
#endif
}

inline void UnlockRead(absl::Mutex& mu) ABSL_UNLOCK_FUNCTION(mu) {
#ifdef M8_TSAN_ANNOTATE
  __tsan_mutex_pre_unlock(&mu, __tsan_mutex_read_lock);
  mu.ReaderUnlock();
  __tsan_mutex_post_unlock(&mu, __tsan_mutex_read_lock);
#else
  mu.ReaderUnlock();
#endif
}

class ABSL_SCOPED_LOCKABLE WriterLock {
 public:
  explicit WriterLock(absl::Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(*mu) {
    LockWrite(mu_);
  }
  ~WriterLock() ABSL_UNLOCK_FUNCTION() { UnlockWrite(mu_); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  absl::Mutex& mu_;
};

class ABSL_SCOPED_LOCKABLE ReaderLock {
 public:
  explicit ReaderLock(absl::Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu)
      : mu_(*mu) {
    LockRead(mu_);
  }
  ~ReaderLock() ABSL_UNLOCK_FUNCTION() { UnlockRead(mu_); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  absl::Mutex& mu_;
};

}  // namespace m8::internal

#endif  // M8_GRID_INTERNAL_ANNOTATED_MUTEX_H_
