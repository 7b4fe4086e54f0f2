// Open-loop load: operations start when a LoadProfile schedules them,
// whatever the system under test is doing, and each one's latency is
// measured from its intended start (wrk2's and YCSB's "intended" mode). A
// stall then shows as the latency of every operation that was due during
// it, instead of being hidden by the load generator waiting for the stalled
// operation (coordinated omission).
//
// OpenLoopSchedule computes the intended start times; RunOpenLoop runs
// operations at those times on one thread against a clock (SteadyClock in
// benchmarks, a fake clock in tests), and reports offered and achieved
// rates, schedule lag (actual start - intended start) and, per window of
// time, the figures a failure detector needs. Operations due while the
// runner is behind start at once, back to back, until it has caught up.
//
// Thread-safety: a schedule and a run belong to one thread.
#ifndef M8_BENCH_LOAD_OPEN_LOOP_H_
#define M8_BENCH_LOAD_OPEN_LOOP_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/functional/function_ref.h"
#include "bench/load/profile.h"
#include "bench/support/histogram.h"
#include "bench/support/latency.h"

namespace m8::bench {

// What one operation did.
enum class OpOutcome : uint8_t {
  kHit,                // Found or stored what it was after.
  kMiss,               // Ran correctly but found nothing (a Recall miss).
  kError,              // Failed.
  kResourceExhausted,  // Failed because the grid is full (also an error).
};

// The intended start times of a run: operation 0 at 0, operation i + 1 at
// t_i + 1 / RateAt(t_i) (forward Euler on the profile's cumulative count,
// exact for piecewise-constant profiles between their steps).
class OpenLoopSchedule {
 public:
  explicit OpenLoopSchedule(const LoadProfile& profile)
      : profile_(&profile), end_ns_(profile.duration() * 1e9) {}

  // The intended start of the next operation, in ns after the run's start;
  // at or past end_ns() when the profile asks for no more.
  double Next() {
    const double t = next_ns_;
    next_ns_ += 1e9 / profile_->RateAt(t * 1e-9);
    return t;
  }
  double end_ns() const { return end_ns_; }

 private:
  const LoadProfile* profile_;
  double end_ns_;
  double next_ns_ = 0.0;
};

// The time source of a real run: CLOCK_MONOTONIC. Waits by spinning, after
// sleeping when the target is more than `sleep_above_ns` away.
class SteadyClock {
 public:
  static constexpr int64_t kDefaultSleepAboveNs = 200'000;

  explicit SteadyClock(int64_t sleep_above_ns = kDefaultSleepAboveNs)
      : sleep_above_ns_(sleep_above_ns) {}

  int64_t Now() const { return NowNanos(); }
  // Returns the time once it is at least `t`.
  int64_t WaitUntil(int64_t t) const;

 private:
  int64_t sleep_above_ns_;
};

// One window of a run (windows are consecutive spans of wall time from the
// run's start, OpenLoopOptions::window long).
struct WindowStats {
  int index = 0;
  double start = 0.0;   // Seconds after the run's start.
  double length = 0.0;  // Seconds (the last window may be shorter).
  // The profile's mean rate over the window (0 past the profile's end), and
  // the operations that completed in the window per second.
  double offered_rate = 0.0;
  double achieved_rate = 0.0;
  uint64_t completed = 0;
  uint64_t errors = 0;     // Including the resource-exhausted ones.
  uint64_t exhausted = 0;  // ResourceExhausted.
  // Latency from intended start of the operations completed in the window.
  int64_t p99_ns = 0;
  int64_t max_ns = 0;
};

// Called after each window; returns whether the run goes on.
using WindowObserver = absl::FunctionRef<bool(const WindowStats&)>;

struct OpenLoopOptions {
  // Report windows of this many seconds to the observer; 0: no windows.
  double window = 0.0;
  // No operation starts more than this many seconds after the profile's
  // end; those still due are dropped. Bounds a run that cannot keep up.
  double max_overrun = 1.0;
};

struct OpenLoopResult {
  double duration = 0.0;   // The profile's, seconds.
  uint64_t scheduled = 0;  // Operations due within the profile.
  uint64_t completed = 0;
  uint64_t dropped = 0;  // Due but never started (past the overrun).
  uint64_t hits = 0;
  uint64_t errors = 0;     // Including the resource-exhausted ones.
  uint64_t exhausted = 0;  // ResourceExhausted.
  int64_t elapsed_ns = 0;  // From the start to the last completion.
  double lag_sum_ns = 0.0;
  int64_t lag_max_ns = 0;
  bool stopped = false;  // The observer stopped the run.

  // Operations per second asked for, and done.
  double offered_rate() const {
    return duration > 0.0 ? static_cast<double>(scheduled) / duration : 0.0;
  }
  double achieved_rate() const {
    return elapsed_ns > 0 ? static_cast<double>(completed) * 1e9 /
                                static_cast<double>(elapsed_ns)
                          : 0.0;
  }
  double mean_lag_ns() const {
    return completed > 0 ? lag_sum_ns / static_cast<double>(completed) : 0.0;
  }
};

// The per-window accounting of RunOpenLoop.
class WindowTracker {
 public:
  // REQUIRES: window > 0.
  WindowTracker(const LoadProfile& profile, double window);

  void Record(int64_t latency_ns, OpOutcome outcome) {
    histogram_.Record(latency_ns);
    ++completed_;
    if (outcome == OpOutcome::kError) ++errors_;
    if (outcome == OpOutcome::kResourceExhausted) {
      ++errors_;
      ++exhausted_;
    }
  }
  // When the current window ends, in ns after the run's start.
  int64_t window_end_ns() const { return window_end_ns_; }
  // Reports every window that ended at or before `now_ns`; false when the
  // observer asked to stop.
  bool CloseUpTo(int64_t now_ns, WindowObserver observer);
  // At the end of a run that ended at `end_ns`: reports the windows left,
  // the last one only if it is at least half a window long.
  void CloseFinal(int64_t end_ns, WindowObserver observer);

 private:
  // Reports the current window as [start, end_ns) and starts the next.
  bool Close(int64_t end_ns, WindowObserver observer);

  const LoadProfile& profile_;
  int64_t window_ns_;
  int index_ = 0;
  int64_t window_start_ns_ = 0;
  int64_t window_end_ns_;
  LatencyHistogram histogram_;
  uint64_t completed_ = 0;
  uint64_t errors_ = 0;
  uint64_t exhausted_ = 0;
};

// Runs `profile` open loop: op(i) for i = 0, 1, ... at the schedule's
// intended times, recording each latency (completion - intended start)
// into `latency`; reports windows to `observer` when options.window > 0.
// Clock: int64_t Now(), int64_t WaitUntil(int64_t). Op: OpOutcome(uint64_t).
template <typename Clock, typename Op>
OpenLoopResult RunOpenLoop(
    const LoadProfile& profile, const OpenLoopOptions& options, Clock& clock,
    LatencyHistogram& latency, Op&& op,
    WindowObserver observer = [](const WindowStats&) { return true; }) {
  OpenLoopSchedule schedule(profile);
  std::optional<WindowTracker> windows;
  if (options.window > 0.0) windows.emplace(profile, options.window);
  const auto end_ns = static_cast<int64_t>(schedule.end_ns());
  const int64_t deadline_ns =
      end_ns + static_cast<int64_t>(options.max_overrun * 1e9);
  int64_t window_end_ns =
      windows ? windows->window_end_ns() : std::numeric_limits<int64_t>::max();

  OpenLoopResult result;
  result.duration = profile.duration();
  const int64_t start = clock.Now();
  int64_t now = start;
  for (uint64_t i = 0;; ++i) {
    const double due = schedule.Next();
    if (due >= schedule.end_ns()) break;
    ++result.scheduled;
    const int64_t intended = start + static_cast<int64_t>(due);
    if (now < intended) now = clock.WaitUntil(intended);
    if (now - start > deadline_ns) {
      ++result.dropped;
      while (schedule.Next() < schedule.end_ns()) {
        ++result.scheduled;
        ++result.dropped;
      }
      break;
    }
    const int64_t lag = now - intended;
    result.lag_sum_ns += static_cast<double>(lag);
    result.lag_max_ns = std::max(result.lag_max_ns, lag);

    const OpOutcome outcome = op(i);
    now = clock.Now();
    const int64_t latency_ns = now - intended;
    latency.Record(latency_ns);
    ++result.completed;
    result.hits += outcome == OpOutcome::kHit;
    result.errors += outcome == OpOutcome::kError ||
                     outcome == OpOutcome::kResourceExhausted;
    result.exhausted += outcome == OpOutcome::kResourceExhausted;
    if (windows) {
      // The operation belongs to the window it completed in.
      if (now - start >= window_end_ns) {
        if (!windows->CloseUpTo(now - start, observer)) {
          result.stopped = true;
          break;
        }
        window_end_ns = windows->window_end_ns();
      }
      windows->Record(latency_ns, outcome);
    }
  }
  result.elapsed_ns = now - start;
  if (windows && !result.stopped) {
    windows->CloseFinal(std::max(now - start, end_ns), observer);
  }
  return result;
}

// The closed-loop capacity of `op` with the open loop's per-operation costs:
// op(i) back to back for `seconds`, each one timed with two clock reads
// and recorded into a histogram as RunOpenLoop does. Operations per second.
template <typename Clock, typename Op>
double MeasureCapacity(Clock& clock, double seconds, Op&& op) {
  LatencyHistogram histogram;
  const int64_t start = clock.Now();
  const int64_t end = start + static_cast<int64_t>(seconds * 1e9);
  uint64_t i = 0;
  int64_t now = start;
  while (now < end) {
    const int64_t before = clock.Now();
    op(i++);
    now = clock.Now();
    histogram.Record(now - before);
  }
  return now > start
             ? static_cast<double>(i) * 1e9 / static_cast<double>(now - start)
             : 0.0;
}

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_OPEN_LOOP_H_
