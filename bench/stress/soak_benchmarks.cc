// A soak (Stress/Soak/YCSB_B_churn): a fixed open-loop load for a fixed
// time, watching the resident set for leaks. The load is YCSB B (read 95%,
// update 5%, zipfian) at half the calibrated capacity for 5 s (100 ms in
// smoke mode), with every twentieth operation replaced by churn: a new cell
// put and the one put 2^16 churns earlier forgotten, so that the grid's
// cell count stays constant and any growth of the RSS is a leak (or
// allocator drift). Two laps of churn over the pool of new cells run
// before the timed runs, so that first-touch growth is not counted. The
// RSS is read at the end of every 250 ms window (10 ms in smoke mode) and
// fitted by least squares: rss_slope_bytes_per_s.
// The windows also feed a FailureDetector. The verdict is in counters
// (counters.h): soak_passed (the share of runs in which the detector never
// tripped) and trip_reason (why the last failing run failed, as a code); the
// label says it in words. A run whose load did not hold, or that read the
// RSS fewer than twice, measured no slope: rss_slope_bytes_per_s is the mean
// over the runs that did (rss_slope_runs, their share) and is left out when
// none did. The grid is the shared load grid; the churned cells are removed
// at the end.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/load/inputs.h"
#include "bench/load/mix.h"
#include "bench/load/open_loop.h"
#include "bench/load/profile.h"
#include "bench/load/report.h"
#include "bench/load/workload.h"
#include "bench/stress/failure_detector.h"
#include "bench/stress/rss_trend.h"
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/resources.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::State;

constexpr double kLoadFraction = 0.5;  // Of the calibrated capacity.
constexpr uint64_t kChurnEvery = 20;   // 5% of the operations.
constexpr int64_t kRssHeadroomBytes = int64_t{1} << 30;

// Churn: the i-th churn puts pool[i % P] and forgets pool[(i - L) % P], so
// that L churned cells are live once it has started. REQUIRES: P > L.
class Churn {
 public:
  Churn(Grid& grid, const std::vector<Coord>& pool, uint64_t seed)
      : grid_(grid),
        pool_(pool),
        live_(std::min<size_t>(size_t{1} << 16, pool.size() / 2)),
        wave_(CellPopulation::MakeWave(seed, 0)) {}

  OpOutcome Next() {
    const size_t n = pool_.size();
    absl::Status s = grid_.Put(pool_[count_ % n], wave_);
    if (count_ >= live_) grid_.Forget(pool_[(count_ - live_) % n]);
    ++count_;
    if (s.ok()) return OpOutcome::kHit;
    return absl::IsResourceExhausted(s) ? OpOutcome::kResourceExhausted
                                        : OpOutcome::kError;
  }
  // Two laps of the pool, so that every pool cell has been put and forgotten
  // and the grid's structures and the allocator have reached their steady
  // size before the soak measures (first-touch growth is not a leak; one
  // lap left about 130 kB/s of it).
  void Prime() {
    for (size_t i = 0; i < 2 * pool_.size(); ++i) Next();
  }
  // Forgets the cells still live.
  void Drain() {
    const size_t n = pool_.size();
    for (size_t i = count_ > live_ ? count_ - live_ : 0; i < count_; ++i) {
      grid_.Forget(pool_[i % n]);
    }
    count_ = 0;
  }

 private:
  Grid& grid_;
  const std::vector<Coord>& pool_;
  size_t live_;
  Wave wave_;
  size_t count_ = 0;
};

class SoakFixture : public InputsFixture<LoadWorkload> {
 public:
  SoakFixture() : InputsFixture("Stress/Soak/YCSB_B_churn") {}

 private:
  const Mix& Workload() const { return YcsbMixes()[1]; }  // YCSB B.

  absl::StatusOr<LoadWorkload> Build(const State&) override {
    return BuildLoadWorkload(FillCells(kLoadCells), Workload(),
                             KeyDistribution::kZipfian, /*calibrate=*/true);
  }

  void Measure(State& state, LoadWorkload& in) override {
    const bool smoke = Settings().smoke;
    absl::StatusOr<std::unique_ptr<LoadProfile>> profile = MakeProfile(
        {.shape = ProfileShape::kConstant, .rate = kLoadFraction * in.capacity},
        smoke ? 0.1 : 5.0);
    if (!profile.ok()) {
      SkipRun(state, profile.status());
      return;
    }
    const Op* ops = in.stream->ops.data();
    const size_t mask = in.stream->ops.size() - 1;
    OpExecutor<Grid> executor(*in.grid, kLoadSeed);
    Churn churn(*in.grid, in.population->absent(), kLoadSeed);
    SteadyClock clock;
    LatencyHistogram latency;
    OpenLoopTotals totals;
    RssTrend rss;
    std::string verdict;
    double passed = 0.0;      // Runs in which the detector never tripped.
    double slope_runs = 0.0;  // Runs that measured the RSS slope.
    double slope_sum = 0.0;
    TripReason trip_reason = TripReason::kNone;
    churn.Prime();
    // Touch every page of the histogram now rather than as its buckets
    // fill during the runs, where the RSS samples would see them appear.
    latency.Clear();
    ResourceMeter meter(state);
    for (auto _ : state) {
      RssTrend run_rss;
      const int64_t rss_start = ReadRssBytes().value_or(0);
      FailureDetector detector(FailureDetectorOptions{
          .rss_budget_bytes = rss_start + kRssHeadroomBytes});
      const OpenLoopResult run = RunOpenLoop(
          **profile, OpenLoopOptions{.window = smoke ? 0.01 : 0.25}, clock,
          latency,
          [&](uint64_t i) {
            return i % kChurnEvery == kChurnEvery - 1
                       ? churn.Next()
                       : executor.Run(ops[i & mask]);
          },
          [&](const WindowStats& w) {
            const absl::StatusOr<int64_t> now = ReadRssBytes();
            if (now.ok()) run_rss.Add(w.start + w.length, *now);
            detector.Observe(SignalsOf(w, now.value_or(0)));
            return true;  // A soak runs its whole time.
          });
      state.SetIterationTime(static_cast<double>(run.elapsed_ns) * 1e-9);
      totals.Add(run);
      if (detector.tripped()) {
        trip_reason = detector.reason();
      } else {
        passed += 1;
        if (run_rss.size() >= 2) {
          slope_runs += 1;
          slope_sum += run_rss.SlopeBytesPerSecond();
        }
      }
      rss = run_rss;
      verdict = detector.Describe();
      churn.Drain();
    }
    meter.Finish(state);
    ReportOpenLoop(state, totals, latency);
    using benchmark::Counter;
    state.counters[kSoakPassed] = Counter(passed, Counter::kAvgIterations);
    state.counters[kTripReason] = static_cast<double>(trip_reason);
    state.counters[kRssSlopeRuns] =
        Counter(slope_runs, Counter::kAvgIterations);
    if (slope_runs > 0) {
      state.counters[kRssSlopeBytesPerS] = slope_sum / slope_runs;
    }
    state.counters[kRssSamples] = static_cast<double>(rss.size());
    if (rss.size() > 0) {
      state.counters[kRssStartBytes] = static_cast<double>(rss.first_bytes());
      state.counters[kRssEndBytes] = static_cast<double>(rss.last_bytes());
    }
    state.counters[kCapacityRate] = in.capacity;
    state.SetLabel(
        absl::StrFormat("%s (%.2f x capacity %.3g ops/s), churn 1 in %d: %s",
                        (*profile)->Describe(), kLoadFraction, in.capacity,
                        kChurnEvery, verdict));
  }
};

const bool kRegistered = [] {
  RegisterFixture<SoakFixture>()->UseManualTime();
  return true;
}();

}  // namespace
}  // namespace m8::bench
