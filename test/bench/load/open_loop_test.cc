// The open-loop scheduler and runner against a fake clock: intended start
// times, lag and latency accounting (coordinated omission), windows, and
// the bounds on a run. No test here reads or asserts a wall-clock duration.
#include "bench/load/open_loop.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/load/profile.h"
#include "bench/support/histogram.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kUs = 1'000;

// Time moves only when the runner waits or an operation says so.
class FakeClock {
 public:
  int64_t Now() const { return now_; }
  int64_t WaitUntil(int64_t t) {
    now_ = std::max(now_, t);
    return now_;
  }
  void Advance(int64_t ns) { now_ += ns; }

 private:
  int64_t now_ = 5'000 * kMs;  // Any epoch.
};

std::unique_ptr<LoadProfile> Constant(double rate, double seconds) {
  return *MakeProfile({.shape = ProfileShape::kConstant, .rate = rate},
                      seconds);
}

TEST(OpenLoopScheduleTest, ConstantRateIsEvenlySpaced) {
  auto profile = Constant(1000, 0.010);
  OpenLoopSchedule schedule(*profile);
  EXPECT_DOUBLE_EQ(schedule.end_ns(), 10.0 * kMs);
  for (int i = 0; i < 10; ++i) EXPECT_DOUBLE_EQ(schedule.Next(), i * kMs);
  EXPECT_GE(schedule.Next(), schedule.end_ns());
}

TEST(OpenLoopScheduleTest, FollowsTheProfile) {
  // A ramp asks for OpsBetween(0, 1) = 5000 operations.
  auto ramp = *MakeProfile(
      {.shape = ProfileShape::kRamp, .rate = 1000, .end_rate = 9000}, 1.0);
  OpenLoopSchedule schedule(*ramp);
  int count = 0;
  while (schedule.Next() < schedule.end_ns()) ++count;
  EXPECT_NEAR(count, 5000, 3);

  // Steps change the spacing at their boundaries: 1 ms, then 0.5 ms.
  auto step = *MakeProfile({.shape = ProfileShape::kStep,
                            .rate = 1000,
                            .end_rate = 2000,
                            .steps = 2},
                           0.010);
  OpenLoopSchedule stepped(*step);
  std::vector<double> due;
  for (double t = stepped.Next(); t < stepped.end_ns(); t = stepped.Next()) {
    due.push_back(t);
  }
  ASSERT_EQ(due.size(), 15u);  // 5 in the first 5 ms, 10 in the last.
  EXPECT_DOUBLE_EQ(due[4] - due[3], 1.0 * kMs);
  EXPECT_DOUBLE_EQ(due[6] - due[5], 0.5 * kMs);
}

TEST(RunOpenLoopTest, OnTimeOperations) {
  auto profile = Constant(1000, 0.010);
  FakeClock clock;
  LatencyHistogram latency;
  std::vector<uint64_t> ran;
  const OpenLoopResult r =
      RunOpenLoop(*profile, OpenLoopOptions{}, clock, latency, [&](uint64_t i) {
        ran.push_back(i);
        clock.Advance(250 * kUs);
        return OpOutcome::kHit;
      });
  EXPECT_EQ(ran, (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(r.scheduled, 10u);
  EXPECT_EQ(r.completed, 10u);
  EXPECT_EQ(r.dropped, 0u);
  EXPECT_EQ(r.hits, 10u);
  EXPECT_EQ(r.lag_sum_ns, 0.0);
  EXPECT_EQ(r.lag_max_ns, 0);
  EXPECT_EQ(r.elapsed_ns, 9 * kMs + 250 * kUs);
  EXPECT_DOUBLE_EQ(r.offered_rate(), 1000.0);
  EXPECT_DOUBLE_EQ(r.achieved_rate(), 10 / 9.25e-3);
  EXPECT_EQ(latency.count(), 10u);
  EXPECT_EQ(latency.min(), uint64_t{250 * kUs});
  EXPECT_EQ(latency.max(), uint64_t{250 * kUs});
}

// One operation stalls for 3.5 ms. Measured from their intended starts, the
// four operations that were due during the stall are late too, which a
// closed-loop measurement would not see (coordinated omission).
TEST(RunOpenLoopTest, AStallIsChargedToEveryOperationDueDuringIt) {
  auto profile = Constant(1000, 0.010);
  FakeClock clock;
  LatencyHistogram latency;
  const OpenLoopResult r =
      RunOpenLoop(*profile, OpenLoopOptions{}, clock, latency, [&](uint64_t i) {
        clock.Advance(i == 3 ? 3500 * kUs : 250 * kUs);
        return OpOutcome::kHit;
      });
  // Op 3 runs 3 ms -> 6.5 ms; op 4 (due at 4) starts at 6.5 and ends at
  // 6.75, op 5 at 6.75 -> 7.0, op 6 at 7.0 -> 7.25, op 7 at 7.25 -> 7.5.
  // Latencies: 0.25 x5, 0.5, 1.25, 2.0, 2.75, 3.5 ms; lags 2.5, 1.75, 1.0,
  // 0.25 ms.
  EXPECT_EQ(r.completed, 10u);
  EXPECT_DOUBLE_EQ(r.lag_sum_ns, 5.5 * kMs);
  EXPECT_EQ(r.lag_max_ns, 2500 * kUs);
  EXPECT_DOUBLE_EQ(r.mean_lag_ns(), 0.55 * kMs);
  EXPECT_EQ(latency.max(), uint64_t{3500 * kUs});
  auto near = [](uint64_t got, double want) {
    EXPECT_NEAR(static_cast<double>(got), want, want / 1000) << want;
  };
  near(latency.Percentile(0.5), 0.25 * kMs);
  near(latency.Percentile(0.6), 0.5 * kMs);
  near(latency.Percentile(0.7), 1.25 * kMs);
  near(latency.Percentile(0.8), 2.0 * kMs);
  near(latency.Percentile(0.9), 2.75 * kMs);
}

TEST(RunOpenLoopTest, CountsOutcomes) {
  auto profile = Constant(1000, 0.004);
  FakeClock clock;
  LatencyHistogram latency;
  const OpOutcome outcomes[] = {OpOutcome::kHit, OpOutcome::kMiss,
                                OpOutcome::kError,
                                OpOutcome::kResourceExhausted};
  const OpenLoopResult r =
      RunOpenLoop(*profile, OpenLoopOptions{}, clock, latency,
                  [&](uint64_t i) { return outcomes[i]; });
  EXPECT_EQ(r.completed, 4u);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_EQ(r.errors, 2u);
  EXPECT_EQ(r.exhausted, 1u);
}

TEST(RunOpenLoopTest, WindowsReportOfferedAndAchievedRates) {
  auto profile = Constant(1000, 0.010);
  FakeClock clock;
  LatencyHistogram latency;
  std::vector<WindowStats> windows;
  RunOpenLoop(
      *profile, OpenLoopOptions{.window = 0.002}, clock, latency,
      [&](uint64_t i) {
        clock.Advance(i == 3 ? 3500 * kUs : 250 * kUs);
        return i == 9 ? OpOutcome::kError : OpOutcome::kHit;
      },
      [&](const WindowStats& w) {
        windows.push_back(w);
        return true;
      });
  ASSERT_EQ(windows.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(windows[i].index, i);
    EXPECT_DOUBLE_EQ(windows[i].start, 0.002 * i);
    EXPECT_DOUBLE_EQ(windows[i].length, 0.002);
    EXPECT_DOUBLE_EQ(windows[i].offered_rate, 1000.0);
  }
  // Completions at 0.25, 1.25 | 2.25 | (none: op 3 runs) | 6.5, 6.75, 7.0,
  // 7.25, 7.5 | 8.25, 9.25 ms.
  EXPECT_EQ(windows[0].completed, 2u);
  EXPECT_EQ(windows[1].completed, 1u);
  EXPECT_EQ(windows[2].completed, 0u);
  EXPECT_EQ(windows[3].completed, 5u);
  EXPECT_EQ(windows[4].completed, 2u);
  EXPECT_DOUBLE_EQ(windows[1].achieved_rate, 500.0);
  EXPECT_DOUBLE_EQ(windows[2].achieved_rate, 0.0);
  EXPECT_DOUBLE_EQ(windows[3].achieved_rate, 2500.0);
  EXPECT_EQ(windows[0].p99_ns, 250 * kUs);
  EXPECT_EQ(windows[3].max_ns, 3500 * kUs);
  EXPECT_EQ(windows[4].errors, 1u);
  EXPECT_EQ(windows[3].errors, 0u);
}

TEST(RunOpenLoopTest, TheObserverCanStopTheRun) {
  auto profile = Constant(1000, 0.010);
  FakeClock clock;
  LatencyHistogram latency;
  int seen = 0;
  const OpenLoopResult r = RunOpenLoop(
      *profile, OpenLoopOptions{.window = 0.002}, clock, latency,
      [&](uint64_t) {
        clock.Advance(250 * kUs);
        return OpOutcome::kHit;
      },
      [&](const WindowStats&) { return ++seen < 2; });
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(r.completed, 5u);  // The first completion of window 2 stops it.
}

// Each operation takes 2 ms at 1000 per second: the run falls further
// behind with every one, and after the overrun the rest are dropped.
TEST(RunOpenLoopTest, OperationsPastTheOverrunAreDropped) {
  auto profile = Constant(1000, 0.010);
  FakeClock clock;
  LatencyHistogram latency;
  const OpenLoopResult r =
      RunOpenLoop(*profile, OpenLoopOptions{.max_overrun = 0.005}, clock,
                  latency, [&](uint64_t) {
                    clock.Advance(2 * kMs);
                    return OpOutcome::kHit;
                  });
  // Op i starts at 2i ms; op 8 would start at 16 ms > 10 + 5 ms.
  EXPECT_EQ(r.scheduled, 10u);
  EXPECT_EQ(r.completed, 8u);
  EXPECT_EQ(r.dropped, 2u);
  EXPECT_EQ(r.lag_max_ns, 7 * kMs);  // Op 7: due at 7, started at 14.
  EXPECT_EQ(latency.max(), uint64_t{9 * kMs});
}

TEST(WindowTrackerTest, TheLastWindowCountsIfItIsHalfAWindow) {
  auto profile = Constant(1000, 0.010);
  int closed = 0;
  WindowTracker tracker(*profile, 0.004);
  tracker.CloseFinal(10 * kMs, [&](const WindowStats& w) {
    ++closed;
    if (w.index == 2) {
      EXPECT_DOUBLE_EQ(w.length, 0.002);
      EXPECT_DOUBLE_EQ(w.offered_rate, 1000.0);
    }
    return true;
  });
  EXPECT_EQ(closed, 3);  // [0,4), [4,8), and [8,10) at half a window.
  WindowTracker short_tail(*profile, 0.004);
  closed = 0;
  short_tail.CloseFinal(9 * kMs, [&](const WindowStats&) {
    ++closed;
    return true;
  });
  EXPECT_EQ(closed, 2);  // [8, 9) is a quarter of a window.
}

TEST(MeasureCapacityTest, OperationsPerSecondBackToBack) {
  FakeClock clock;
  uint64_t calls = 0;
  const double capacity = MeasureCapacity(clock, 0.001, [&](uint64_t i) {
    EXPECT_EQ(i, calls++);
    clock.Advance(500);
    return OpOutcome::kHit;
  });
  EXPECT_EQ(calls, 2000u);
  EXPECT_DOUBLE_EQ(capacity, 2e6);
}

TEST(SteadyClockTest, WaitUntilReturnsNoEarlierThanTheTarget) {
  SteadyClock clock;
  for (int64_t ahead : {int64_t{0}, 50 * kUs, 400 * kUs}) {
    const int64_t target = clock.Now() + ahead;
    EXPECT_GE(clock.WaitUntil(target), target);
  }
}

}  // namespace
}  // namespace m8::bench
