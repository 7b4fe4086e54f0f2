// The breaking point of a Grid under open-loop load
// (Stress/BreakingPoint/YCSB_B, Stress/BreakingPoint/YCSB_A): the offered
// rate steps up from half the calibrated closed-loop capacity, by 25% a
// step, until the FailureDetector trips (its defaults: p99 above 10 ms for 3
// consecutive windows, achieved below 90% of offered, more than 1% errors;
// and the grid full or RSS 1 GiB above where the search started), at most
// 16 steps.
//
// Each step is an open-loop run at a constant rate of three 100 ms windows
// (2 ms in smoke mode); the detector sees every window and stops the run
// when it trips. Counters (counters.h): breaking_point_reached (the share of
// searches that tripped), breaking_rate (the offered rate of the step that
// tripped, left out when no search tripped), last_good_rate (the step
// before it, left out when the first step tripped), steps, steps_held,
// trip_reason (the detector's reason as a code), capacity_rate, and the
// latency percentiles of the last step that held (latency_samples = 0 and
// no percentiles when the first step tripped). The label gives the reason
// in words. The manual time of an iteration is the whole search's wall time.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/load/inputs.h"
#include "bench/load/mix.h"
#include "bench/load/open_loop.h"
#include "bench/load/profile.h"
#include "bench/load/workload.h"
#include "bench/stress/failure_detector.h"
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/latency.h"
#include "bench/support/resources.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::State;

constexpr double kStartFraction = 0.5;  // Of the calibrated capacity.
constexpr double kStepFactor = 1.25;
constexpr int kMaxSteps = 16;       // 0.5 * 1.25^15 = 14x capacity.
constexpr int kWindowsPerStep = 3;  // As many as the latency trip needs.
constexpr int64_t kRssHeadroomBytes = int64_t{1} << 30;

double WindowSeconds() { return Settings().smoke ? 0.002 : 0.1; }

// What one search found.
struct Search {
  bool tripped = false;
  TripReason trip_reason = TripReason::kNone;
  double breaking_rate = 0.0;   // When tripped.
  double last_good_rate = 0.0;  // When steps_held > 0.
  int steps = 0;
  int steps_held = 0;
  std::string reason;
  LatencyHistogram last_good_latency;
  int64_t elapsed_ns = 0;
  uint64_t completed = 0;
};

class BreakingPointFixture : public InputsFixture<LoadWorkload> {
 public:
  explicit BreakingPointFixture(const Mix& mix)
      : InputsFixture(absl::StrCat("Stress/BreakingPoint/", mix.name)),
        mix_(mix) {}

 private:
  absl::StatusOr<LoadWorkload> Build(const State&) override {
    if (mix_.has_inserts()) {
      return absl::InvalidArgumentError(
          "the breaking point replays its stream: a mix without inserts");
    }
    return BuildLoadWorkload(FillCells(kLoadCells), mix_,
                             KeyDistribution::kZipfian, /*calibrate=*/true);
  }

  Search Run(LoadWorkload& in) {
    const Op* ops = in.stream->ops.data();
    const size_t mask = in.stream->ops.size() - 1;
    OpExecutor<Grid> executor(*in.grid, kLoadSeed);
    SteadyClock clock;
    const double window = WindowSeconds();
    FailureDetector detector(FailureDetectorOptions{
        .rss_budget_bytes = ReadRssBytes().value_or(0) + kRssHeadroomBytes});
    Search search;
    LatencyHistogram latency;
    uint64_t next = 0;
    double rate = kStartFraction * in.capacity;
    const int64_t start = clock.Now();
    for (; search.steps < kMaxSteps; ++search.steps, rate *= kStepFactor) {
      absl::StatusOr<std::unique_ptr<LoadProfile>> profile =
          MakeProfile({.shape = ProfileShape::kConstant, .rate = rate},
                      kWindowsPerStep * window);
      if (!profile.ok()) {
        search.reason = std::string(profile.status().message());
        break;
      }
      latency.Clear();
      const OpenLoopResult run = RunOpenLoop(
          **profile,
          OpenLoopOptions{.window = window,
                          .max_overrun = kWindowsPerStep * window},
          clock, latency,
          [&](uint64_t i) { return executor.Run(ops[(next + i) & mask]); },
          [&](const WindowStats& w) {
            return !detector.Observe(SignalsOf(w, ReadRssBytes().value_or(0)));
          });
      next += run.completed;
      search.completed += run.completed;
      if (detector.tripped()) {
        search.tripped = true;
        search.trip_reason = detector.reason();
        search.breaking_rate = rate;
        ++search.steps;
        break;
      }
      ++search.steps_held;
      search.last_good_rate = rate;
      search.last_good_latency = latency;
    }
    search.elapsed_ns = clock.Now() - start;
    search.reason =
        detector.tripped()
            ? absl::StrFormat(
                  "tripped at %.3g ops/s (%.3g x capacity) in "
                  "step %d: %s",
                  search.breaking_rate, search.breaking_rate / in.capacity,
                  search.steps, detector.Describe())
            : absl::StrFormat("held up to %.3g ops/s over %d steps",
                              search.last_good_rate, search.steps);
    return search;
  }

  void Measure(State& state, LoadWorkload& in) override {
    double reached = 0.0;  // Searches that tripped.
    double breaking_sum = 0.0;
    double held = 0.0;  // Searches in which a step held.
    double last_good_sum = 0.0;
    double steps = 0.0;
    double steps_held = 0.0;
    TripReason trip_reason = TripReason::kNone;
    uint64_t completed = 0;
    Search last;
    ResourceMeter meter(state);
    for (auto _ : state) {
      last = Run(in);
      state.SetIterationTime(static_cast<double>(last.elapsed_ns) * 1e-9);
      if (last.tripped) {
        reached += 1;
        breaking_sum += last.breaking_rate;
        trip_reason = last.trip_reason;
      }
      if (last.steps_held > 0) {
        held += 1;
        last_good_sum += last.last_good_rate;
      }
      steps += last.steps;
      steps_held += last.steps_held;
      completed += last.completed;
    }
    meter.Finish(state);
    using benchmark::Counter;
    state.SetItemsProcessed(static_cast<int64_t>(completed));
    // A search that never tripped has no breaking rate, and one whose first
    // step tripped has no last good rate: those are left out (never 0), and
    // breaking_point_reached and steps_held say why.
    state.counters[kBreakingPointReached] =
        Counter(reached, Counter::kAvgIterations);
    if (reached > 0) state.counters[kBreakingRate] = breaking_sum / reached;
    state.counters[kStepsHeld] = Counter(steps_held, Counter::kAvgIterations);
    if (held > 0) state.counters[kLastGoodRate] = last_good_sum / held;
    state.counters[kSteps] = Counter(steps, Counter::kAvgIterations);
    state.counters[kTripReason] = static_cast<double>(trip_reason);
    state.counters[kCapacityRate] = in.capacity;
    state.counters[kLatencySamples] =
        static_cast<double>(last.last_good_latency.count());
    if (last.last_good_latency.count() > 0) {
      ReportPercentiles(state, last.last_good_latency);
    }
    state.SetLabel(absl::StrCat(
        last.reason,
        absl::StrFormat("; capacity %.3g ops/s (%s zipfian, calibrated closed "
                        "loop)",
                        in.capacity, mix_.name)));
  }

  Mix mix_;
};

const bool kRegistered = [] {
  for (char letter : {'B', 'A'}) {
    RegisterFixture<BreakingPointFixture>(*YcsbMix(letter))->UseManualTime();
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
