#include "bench/stress/failure_detector.h"

#include <string>

#include "bench/stress/rss_trend.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// A window that holds: on rate, fast, no errors.
WindowSignals Healthy() {
  return WindowSignals{.offered_rate = 1000,
                       .achieved_rate = 1000,
                       .p99_ns = 50'000,
                       .operations = 1000,
                       .rss_bytes = 100 << 20};
}

TEST(FailureDetectorTest, HoldsWhileWindowsAreHealthy) {
  FailureDetector detector;
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(detector.Observe(Healthy()));
  EXPECT_FALSE(detector.tripped());
  EXPECT_EQ(detector.reason(), TripReason::kNone);
  EXPECT_EQ(detector.windows(), 100);
  EXPECT_EQ(detector.trip_window(), -1);
  EXPECT_EQ(detector.Describe(), "held for 100 windows");
}

TEST(FailureDetectorTest, LatencyTripsAfterKConsecutiveSlowWindows) {
  FailureDetector detector({.p99_slo_ns = 1'000'000, .slo_windows = 3});
  WindowSignals slow = Healthy();
  slow.p99_ns = 2'000'000;
  EXPECT_FALSE(detector.Observe(slow));
  EXPECT_FALSE(detector.Observe(slow));
  EXPECT_FALSE(detector.Observe(Healthy()));  // The run of slow ones ends.
  EXPECT_FALSE(detector.Observe(slow));
  EXPECT_FALSE(detector.Observe(slow));
  EXPECT_TRUE(detector.Observe(slow));
  EXPECT_EQ(detector.reason(), TripReason::kLatency);
  EXPECT_EQ(detector.trip_window(), 5);
  EXPECT_NE(detector.Describe().find("p99 2 ms above the SLO of 1 ms for 3 "
                                     "consecutive windows"),
            std::string::npos)
      << detector.Describe();
  // At the SLO is not above it.
  FailureDetector at_slo({.p99_slo_ns = 1'000'000, .slo_windows = 1});
  WindowSignals edge = Healthy();
  edge.p99_ns = 1'000'000;
  EXPECT_FALSE(at_slo.Observe(edge));
}

TEST(FailureDetectorTest, ThroughputTripsBelowNinetyPercentOfOffered) {
  FailureDetector detector;
  WindowSignals w = Healthy();
  w.achieved_rate = 900;  // Exactly 90%: holds.
  EXPECT_FALSE(detector.Observe(w));
  w.achieved_rate = 899;
  EXPECT_TRUE(detector.Observe(w));
  EXPECT_EQ(detector.reason(), TripReason::kThroughput);
  EXPECT_EQ(detector.trip_window(), 1);
  EXPECT_NE(detector.Describe().find("throughput: achieved 899 ops/s below "
                                     "90% of offered 1e+03 ops/s"),
            std::string::npos)
      << detector.Describe();
  // Nothing offered (past a profile's end): nothing to fall short of.
  FailureDetector idle;
  EXPECT_FALSE(idle.Observe(WindowSignals{}));
}

TEST(FailureDetectorTest, ErrorsTripAboveOnePercent) {
  FailureDetector detector;
  WindowSignals w = Healthy();
  w.errors = 10;  // 1%: holds.
  EXPECT_FALSE(detector.Observe(w));
  w.errors = 11;
  EXPECT_TRUE(detector.Observe(w));
  EXPECT_EQ(detector.reason(), TripReason::kErrors);
  EXPECT_NE(detector.Describe().find("1.1% of 1000 operations failed"),
            std::string::npos)
      << detector.Describe();
}

TEST(FailureDetectorTest, ResourceExhaustedTripsOnMemory) {
  FailureDetector detector;
  WindowSignals w = Healthy();
  w.errors = 1;
  w.exhausted = 1;  // One is enough, though 0.1% errors would hold.
  EXPECT_TRUE(detector.Observe(w));
  EXPECT_EQ(detector.reason(), TripReason::kMemory);
  EXPECT_NE(detector.Describe().find("ResourceExhausted"), std::string::npos);
}

TEST(FailureDetectorTest, RssBudgetTripsOnMemory) {
  FailureDetector detector({.rss_budget_bytes = 200 << 20});
  WindowSignals w = Healthy();
  w.rss_bytes = (200 << 20) - 1;
  EXPECT_FALSE(detector.Observe(w));
  w.rss_bytes = 200 << 20;
  EXPECT_TRUE(detector.Observe(w));
  EXPECT_EQ(detector.reason(), TripReason::kMemory);
  EXPECT_NE(detector.Describe().find("RSS 200 MiB reached the budget of 200 "
                                     "MiB"),
            std::string::npos)
      << detector.Describe();
  // Without a budget RSS is not checked.
  FailureDetector unbounded;
  w.rss_bytes = int64_t{1} << 40;
  EXPECT_FALSE(unbounded.Observe(w));
}

TEST(FailureDetectorTest, FirstReasonWinsAndSticks) {
  FailureDetector detector({.slo_windows = 1, .rss_budget_bytes = 1});
  WindowSignals everything = Healthy();
  everything.p99_ns = int64_t{1} << 40;
  everything.achieved_rate = 1;
  everything.errors = 500;
  everything.rss_bytes = 2;
  EXPECT_TRUE(detector.Observe(everything));
  EXPECT_EQ(detector.reason(), TripReason::kMemory);  // Checked first.
  EXPECT_TRUE(detector.Observe(Healthy()));           // Stays tripped.
  EXPECT_EQ(detector.reason(), TripReason::kMemory);
  EXPECT_EQ(detector.windows(), 1);

  FailureDetector no_memory({.slo_windows = 1});
  everything.rss_bytes = 0;
  EXPECT_TRUE(no_memory.Observe(everything));
  EXPECT_EQ(no_memory.reason(), TripReason::kErrors);  // Before throughput.
}

TEST(FailureDetectorTest, SignalsOfAnOpenLoopWindow) {
  WindowStats w;
  w.offered_rate = 10;
  w.achieved_rate = 9;
  w.completed = 90;
  w.errors = 3;
  w.exhausted = 2;
  w.p99_ns = 77;
  const WindowSignals s = SignalsOf(w, 1234);
  EXPECT_EQ(s.offered_rate, 10);
  EXPECT_EQ(s.achieved_rate, 9);
  EXPECT_EQ(s.operations, 90u);
  EXPECT_EQ(s.errors, 3u);
  EXPECT_EQ(s.exhausted, 2u);
  EXPECT_EQ(s.p99_ns, 77);
  EXPECT_EQ(s.rss_bytes, 1234);
  EXPECT_EQ(TripReasonName(TripReason::kThroughput), "throughput");
}

TEST(RssTrendTest, SlopeOfALine) {
  RssTrend trend;
  EXPECT_EQ(trend.SlopeBytesPerSecond(), 0.0);
  trend.Add(0.0, int64_t{400} << 20);
  EXPECT_EQ(trend.SlopeBytesPerSecond(), 0.0);  // One sample.
  for (int i = 1; i <= 20; ++i) {
    trend.Add(0.25 * i, (int64_t{400} << 20) + 4096 * i);
  }
  EXPECT_NEAR(trend.SlopeBytesPerSecond(), 4096 / 0.25, 1e-6);
  EXPECT_EQ(trend.size(), 21u);
  EXPECT_EQ(trend.first_bytes(), int64_t{400} << 20);
  EXPECT_EQ(trend.last_bytes(), (int64_t{400} << 20) + 4096 * 20);
}

TEST(RssTrendTest, FlatAndNoisyIsNearZero) {
  RssTrend trend;
  // Page-sized noise around a constant: +-4 KiB alternating.
  for (int i = 0; i < 40; ++i) {
    trend.Add(0.1 * i, (int64_t{1} << 30) + (i % 2 == 0 ? 4096 : -4096));
  }
  EXPECT_LT(std::abs(trend.SlopeBytesPerSecond()), 1000.0);
}

}  // namespace
}  // namespace m8::bench
