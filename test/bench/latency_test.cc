// Tests of the clock calibration, LatencySamples and the LatencySampler on
// operations of known cost. The machine is shared and noisy: known costs
// are measured here by throughput (the fastest of several runs, in the
// thread's CPU time), and a reported latency only has to agree with them
// within a factor (0.5x..3x); what must hold exactly is that nothing below
// the clock's floor is reported.
#include "bench/support/latency.h"

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/support/clock.h"
#include "bench/support/config.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"
#include "gtest/gtest.h"

namespace m8::bench {
namespace {

// A clock whose back-to-back differences are scripted: each pair of reads
// returns t and t + deltas[k] (k cycling), and t then moves on.
class ScriptedClock {
 public:
  explicit ScriptedClock(std::vector<int64_t> deltas)
      : deltas_(std::move(deltas)) {}
  int64_t operator()() {
    if (second_) {
      second_ = false;
      const int64_t v = t_ + deltas_[k_++ % deltas_.size()];
      t_ += 100'000;
      return v;
    }
    second_ = true;
    return t_;
  }

 private:
  std::vector<int64_t> deltas_;
  size_t k_ = 0;
  int64_t t_ = 1'000'000;
  bool second_ = false;
};

TEST(ClockCalibrationTest, ConstantCostResolvesToOneNanosecond) {
  ScriptedClock clock({25});
  const ClockCalibration c = CalibrateClock(std::ref(clock), 1000);
  EXPECT_DOUBLE_EQ(c.cost_ns, 25.0);
  EXPECT_EQ(c.min_step_ns, 25);
  EXPECT_EQ(c.spread_ns, 0);
  EXPECT_EQ(c.resolution_ns, 1);
}

TEST(ClockCalibrationTest, TicksCoarserThanTheCostSetTheResolution) {
  // A 10 ns tick under a 25 ns read: differences of 20 and 30.
  ScriptedClock clock({20, 30});
  const ClockCalibration c = CalibrateClock(std::ref(clock), 1000);
  EXPECT_DOUBLE_EQ(c.cost_ns, 25.0);
  EXPECT_EQ(c.min_step_ns, 20);
  EXPECT_EQ(c.spread_ns, 10);
  EXPECT_EQ(c.resolution_ns, 10);
}

TEST(ClockCalibrationTest, RareTicksAreTheResolution) {
  // A 1 us tick under a 1 ns read: one pair in 1000 sees it.
  std::vector<int64_t> deltas(1000, 0);
  deltas[0] = 1000;
  ScriptedClock clock(deltas);
  const ClockCalibration c = CalibrateClock(std::ref(clock), 10000);
  EXPECT_DOUBLE_EQ(c.cost_ns, 1.0);
  EXPECT_EQ(c.min_step_ns, 1000);
  EXPECT_EQ(c.spread_ns, 0);
  EXPECT_EQ(c.resolution_ns, 1000);
}

TEST(ClockCalibrationTest, FrequentTicksAreInTheSpread) {
  // A 1 us tick under a 100 ns read: one pair in 10 sees it.
  std::vector<int64_t> deltas(10, 0);
  deltas[0] = 1000;
  ScriptedClock clock(deltas);
  const ClockCalibration c = CalibrateClock(std::ref(clock), 10000);
  EXPECT_DOUBLE_EQ(c.cost_ns, 100.0);
  EXPECT_EQ(c.spread_ns, 1000);
  EXPECT_EQ(c.resolution_ns, 1000);
}

TEST(ClockCalibrationTest, PreemptionsAreLeftOutOfTheCostAndSpread) {
  std::vector<int64_t> deltas(1000, 25);
  deltas[0] = 5'000'000;
  deltas[1] = 45;
  ScriptedClock clock(deltas);
  const ClockCalibration c = CalibrateClock(std::ref(clock), 1000);
  EXPECT_DOUBLE_EQ(c.cost_ns, 25.0);
  EXPECT_EQ(c.resolution_ns, 1);
}

TEST(ClockCalibrationTest, MonotonicClockIsCalibrated) {
  const ClockCalibration& c = MonotonicCalibration();
  EXPECT_GT(c.cost_ns, 0.0);
  EXPECT_GE(c.resolution_ns, 1);
  EXPECT_EQ(TimerOverheadNanos(), std::llround(c.cost_ns));
}

TEST(LatencySamplesTest, EmptyReportsNothing) {
  LatencySamples s;
  EXPECT_EQ(s.ResolvedPercentile(0.5), std::nullopt);
  EXPECT_EQ(s.ResolvedMax(), std::nullopt);
}

TEST(LatencySamplesTest, PercentilesAreNanosecondsOfPicosecondSamples) {
  LatencySamples s;
  s.SetBatch(4, 2.5);
  for (int i = 0; i < 99; ++i) s.Record(3000);
  s.Record(9000);
  EXPECT_EQ(s.batch(), 4u);
  EXPECT_NEAR(s.ResolvedPercentile(0.5).value(), 3.0, 0.01);
  EXPECT_NEAR(s.ResolvedPercentile(0.999).value(), 9.0, 0.01);
  EXPECT_DOUBLE_EQ(s.ResolvedMax().value(), 9.0);
}

TEST(LatencySamplesTest, BelowTheFloorIsNotReported) {
  LatencySamples s;
  s.SetBatch(1, 100.0);
  for (int i = 0; i < 90; ++i) s.Record(1000);  // 1 ns: the clock's residue.
  for (int i = 0; i < 10; ++i) s.Record(500'000);
  EXPECT_EQ(s.ResolvedPercentile(0.5), std::nullopt);
  EXPECT_NEAR(s.ResolvedPercentile(0.99).value(), 500.0, 0.5);
  EXPECT_DOUBLE_EQ(s.ResolvedMax().value(), 500.0);
}

TEST(LatencySamplesTest, MergeKeepsTheLargestBatchAndFloor) {
  LatencySamples a;
  a.SetBatch(2, 50.0);
  a.Record(60'000);
  LatencySamples b;
  b.SetBatch(8, 12.5);
  b.Record(20'000);
  LatencySamples merged;
  merged.Merge(a);
  merged.Merge(b);
  EXPECT_EQ(merged.count(), 2u);
  EXPECT_EQ(merged.batch(), 8u);
  EXPECT_DOUBLE_EQ(merged.floor_ns(), 50.0);
  EXPECT_EQ(merged.ResolvedPercentile(0.0), std::nullopt);  // 20 ns < 50.
  merged.Clear();
  EXPECT_EQ(merged.count(), 0u);
  EXPECT_EQ(merged.batch(), 0u);
}

// Operations of known cost: steps of one dependent chain of multiply-adds
// that continues from operation to operation, so that consecutive
// operations cannot overlap and a batch's time per operation is one
// operation's latency.
class Chain {
 public:
  explicit Chain(int steps) : steps_(steps) {}
  uint64_t operator()() {
    uint64_t x = state_;
    for (int i = 0; i < steps_; ++i) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      asm volatile("" : "+r"(x));
    }
    state_ = x;
    return x & 1;
  }

 private:
  int steps_;
  uint64_t state_ = 1;
};

// This thread's CPU time in nanoseconds: unlike the wall clock, it does not
// run while the thread waits for a CPU that other processes hold.
int64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// The fastest of several runs of `n` calls of op, per call, in this
// thread's CPU time: an operation's cost however busy the machine is (a
// preemption during a run would inflate its wall time, not its CPU time).
template <typename Op>
double CostNanos(Op& op, int n) {
  double best = 1e300;
  for (int trial = 0; trial < 7; ++trial) {
    uint64_t sink = 0;
    const int64_t start = ThreadCpuNanos();
    for (int i = 0; i < n; ++i) sink += op();
    const int64_t end = ThreadCpuNanos();
    benchmark::DoNotOptimize(sink);
    best = std::min(best, static_cast<double>(end - start) / n);
  }
  return best;
}

// A chain of about `ns` nanoseconds (at least one step): the step count
// scaled twice by the measured cost.
Chain ChainOf(double ns) {
  int steps = 64;
  for (int round = 0; round < 2; ++round) {
    Chain probe(steps);
    const double cost = CostNanos(probe, 200'000 / steps);
    steps = std::max(1, static_cast<int>(steps * ns / cost + 0.5));
  }
  return Chain(steps);
}

// Runs `ops` operations through the sampler as TimeEachOperation does.
template <typename Op>
LatencySamples SampleBatched(Op& op, uint64_t ops) {
  LatencySampler sampler;
  uint64_t done = 0;
  uint64_t sink = 0;
  while (done < ops) {
    for (uint64_t k = sampler.UntimedBeforeSample(); k > 0; --k) sink += op();
    done += sampler.UntimedBeforeSample() + sampler.batch();
    sink += sampler.TimeBatch([&] {
      uint64_t h = 0;
      for (uint32_t k = 0; k < sampler.batch(); ++k) h += op();
      return h;
    });
  }
  benchmark::DoNotOptimize(sink);
  return sampler.samples();
}

// Runs `ops` operations through LatencySampler::Run.
template <typename Op>
LatencySamples SampleEach(Op& op, uint64_t ops) {
  LatencySampler sampler;
  uint64_t sink = 0;
  for (uint64_t i = 0; i < ops; ++i) sink += sampler.Run(op);
  benchmark::DoNotOptimize(sink);
  return sampler.samples();
}

// The clock's shortest resolvable sample.
double SampleFloorNanos() {
  return kResolutionsPerSample *
         static_cast<double>(MonotonicCalibration().resolution_ns);
}

// What every report must satisfy: a percentile is either absent or at least
// the floor, which is the shortest resolvable sample over the batch size.
void ExpectNothingBelowTheFloor(const LatencySamples& s) {
  ASSERT_GE(s.batch(), 1u);
  EXPECT_DOUBLE_EQ(s.floor_ns(), SampleFloorNanos() / s.batch());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    if (const std::optional<double> ns = s.ResolvedPercentile(q)) {
      EXPECT_GE(*ns, s.floor_ns()) << "q = " << q;
    }
  }
}

void ExpectConsistentWith(double reported_ns, double known_ns) {
  EXPECT_GE(reported_ns, 0.5 * known_ns);
  EXPECT_LE(reported_ns, 3.0 * known_ns);
}

TEST(LatencySamplerTest, FiveMicrosecondsAreTimedAlone) {
  // A spin on the clock: at least 5 us, a little more for the last read.
  auto spin = [] {
    const int64_t end = NowNanos() + 5000;
    int64_t now;
    do now = NowNanos();
    while (now < end);
    return uint64_t{1};
  };
  for (const LatencySamples& s :
       {SampleBatched(spin, 4000), SampleEach(spin, 4000)}) {
    ExpectNothingBelowTheFloor(s);
    EXPECT_EQ(s.batch(), 1u);
    EXPECT_GE(s.count(), 20u);
    const std::optional<double> p50 = s.ResolvedPercentile(0.5);
    ASSERT_TRUE(p50.has_value());
    ExpectConsistentWith(*p50, 5000.0);
  }
}

TEST(LatencySamplerTest, FiftyNanosecondsAreResolved) {
  Chain op = ChainOf(50.0);
  const double known = CostNanos(op, 100'000);
  for (const LatencySamples& s :
       {SampleBatched(op, 2'000'000), SampleEach(op, 2'000'000)}) {
    ExpectNothingBelowTheFloor(s);
    // A batch spans the clock's floor.
    EXPECT_GE(s.batch() * known, 0.5 * SampleFloorNanos());
    const std::optional<double> p50 = s.ResolvedPercentile(0.5);
    ASSERT_TRUE(p50.has_value()) << "batch " << s.batch();
    ExpectConsistentWith(*p50, known);
  }
}

TEST(LatencySamplerTest, TwoNanosecondsAreBatchedOrNotReported) {
  Chain op = ChainOf(2.0);
  const double known = CostNanos(op, 1'000'000);
  ASSERT_LT(known, SampleFloorNanos()) << "the clock resolves 2 ns alone";
  for (const LatencySamples& s :
       {SampleBatched(op, 4'000'000), SampleEach(op, 4'000'000)}) {
    ExpectNothingBelowTheFloor(s);
    if (const std::optional<double> p50 = s.ResolvedPercentile(0.5)) {
      EXPECT_GT(s.batch(), 1u);
      EXPECT_GE(s.batch() * known, 0.5 * SampleFloorNanos());
      ExpectConsistentWith(*p50, known);
    }
  }
}

TEST(LatencySamplerTest, AnEmptyOperationIsNeverReportedBelowTheFloor) {
  auto nothing = [] { return uint64_t{0}; };
  ExpectNothingBelowTheFloor(SampleBatched(nothing, 4'000'000));
  ExpectNothingBelowTheFloor(SampleEach(nothing, 4'000'000));
}

// Captures the runs a benchmark reports.
class Capture : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) counters.push_back(r.counters);
  }
  std::vector<benchmark::UserCounters> counters;
};

// Runs TimeEachOperation over op in a registered benchmark and returns the
// counters of its one run.
template <typename Op>
benchmark::UserCounters RunTimeEachOperation(Op& op) {
  static SharedLatency latency;
  benchmark::ClearRegisteredBenchmarks();
  benchmark::RegisterBenchmark(
      "Latency/TimeEachOperation",
      [&](benchmark::State& state) {
        TimeEachOperation(state, latency, [&](uint64_t) { return op(); });
      })
      ->MinTime(0.05);
  Capture capture;
  benchmark::RunSpecifiedBenchmarks(&capture);
  benchmark::ClearRegisteredBenchmarks();
  EXPECT_EQ(capture.counters.size(), 1u);
  return capture.counters.empty() ? benchmark::UserCounters{}
                                  : capture.counters[0];
}

std::optional<double> Counter(const benchmark::UserCounters& c,
                              const std::string& name) {
  const auto it = c.find(name);
  if (it == c.end()) return std::nullopt;
  return it->second.value;
}

TEST(TimeEachOperationTest, ReportsTheBatchAndNothingBelowTheFloor) {
  Chain op = ChainOf(2.0);
  const double known = CostNanos(op, 1'000'000);
  const benchmark::UserCounters c = RunTimeEachOperation(op);
  const std::optional<double> batch = Counter(c, "latency_batch");
  const std::optional<double> floor = Counter(c, "latency_floor_ns");
  ASSERT_TRUE(batch.has_value());
  ASSERT_TRUE(floor.has_value());
  EXPECT_DOUBLE_EQ(*floor, SampleFloorNanos() / *batch);
  for (const char* name : {"p50_ns", "p90_ns", "p99_ns", "p999_ns"}) {
    if (const std::optional<double> ns = Counter(c, name)) {
      EXPECT_GE(*ns, *floor) << name;
    }
  }
  if (const std::optional<double> p50 = Counter(c, "p50_ns")) {
    EXPECT_GT(*batch, 1.0);
    ExpectConsistentWith(*p50, known);
  }
}

TEST(TimeEachOperationTest, SamplingOffReportsNoLatency) {
  BenchSettings settings = Settings();
  settings.latency_sampling = false;
  SetSettings(settings);
  Chain op(4);
  const benchmark::UserCounters c = RunTimeEachOperation(op);
  settings.latency_sampling = true;
  SetSettings(settings);
  for (const char* name :
       {"p50_ns", "max_ns", "latency_batch", "latency_floor_ns"}) {
    EXPECT_FALSE(Counter(c, name).has_value()) << name;
  }
}

}  // namespace
}  // namespace m8::bench
