#include "bench/load/open_loop.h"

#include <emmintrin.h>
#include <time.h>

namespace m8::bench {
namespace {

// Wakes this long before the target and spins the rest: enough for the
// scheduler's wake-up latency on a loaded machine.
constexpr int64_t kSleepMarginNs = 100'000;

}  // namespace

int64_t SteadyClock::WaitUntil(int64_t t) const {
  int64_t now = Now();
  if (t - now > sleep_above_ns_) {
    const int64_t sleep_ns = t - now - kSleepMarginNs;
    const timespec ts{static_cast<time_t>(sleep_ns / 1'000'000'000),
                      static_cast<long>(sleep_ns % 1'000'000'000)};
    nanosleep(&ts, nullptr);
    now = Now();
  }
  while (now < t) {
    _mm_pause();
    now = Now();
  }
  return now;
}

WindowTracker::WindowTracker(const LoadProfile& profile, double window)
    : profile_(profile),
      window_ns_(static_cast<int64_t>(window * 1e9)),
      window_end_ns_(window_ns_) {}

bool WindowTracker::Close(int64_t end_ns, WindowObserver observer) {
  WindowStats stats;
  stats.index = index_;
  stats.start = static_cast<double>(window_start_ns_) * 1e-9;
  stats.length = static_cast<double>(end_ns - window_start_ns_) * 1e-9;
  stats.offered_rate =
      stats.start < profile_.duration()
          ? profile_.MeanRate(stats.start, stats.start + stats.length)
          : 0.0;
  stats.achieved_rate = static_cast<double>(completed_) / stats.length;
  stats.completed = completed_;
  stats.errors = errors_;
  stats.exhausted = exhausted_;
  stats.p99_ns = static_cast<int64_t>(histogram_.Percentile(0.99));
  stats.max_ns = static_cast<int64_t>(histogram_.max());

  ++index_;
  window_start_ns_ = end_ns;
  window_end_ns_ = end_ns + window_ns_;
  if (completed_ > 0) histogram_.Clear();
  completed_ = errors_ = exhausted_ = 0;
  return observer(stats);
}

bool WindowTracker::CloseUpTo(int64_t now_ns, WindowObserver observer) {
  while (window_end_ns_ <= now_ns) {
    if (!Close(window_end_ns_, observer)) return false;
  }
  return true;
}

void WindowTracker::CloseFinal(int64_t end_ns, WindowObserver observer) {
  if (!CloseUpTo(end_ns, observer)) return;
  if (2 * (end_ns - window_start_ns_) >= window_ns_) Close(end_ns, observer);
}

}  // namespace m8::bench
