// Every load profile, open loop, on a Grid (Load/Profile/constant, ...):
// YCSB B (read 95%, update 5%, zipfian keys) on the shared load grid, with
// operations started at the profile's rate and latency measured from each
// operation's intended start (open_loop.h).
//
// Rates are fractions of the closed-loop capacity of the same workload,
// measured once per process in a calibration step (the operations back to
// back, with the open loop's per-operation timing costs), so that the
// profiles load any machine alike; the label gives the fractions and the
// rates they came to. One iteration is one run of the profile (1 s; 20 ms
// in smoke mode); its wall time is the iteration's manual time.
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
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/resources.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::State;

// Each profile as fractions of the calibrated capacity: from light load to
// 80% of it, where queueing starts to show in the tail.
ProfileSpec RelativeSpec(ProfileShape shape) {
  switch (shape) {
    case ProfileShape::kConstant:
      return {.shape = shape, .rate = 0.5};
    case ProfileShape::kRamp:
      return {.shape = shape, .rate = 0.1, .end_rate = 0.8};
    case ProfileShape::kStep:
      return {.shape = shape, .rate = 0.2, .end_rate = 0.8, .steps = 4};
    case ProfileShape::kSpike:
      return {.shape = shape,
              .rate = 0.25,
              .multiplier = 3.0,
              .burst_start = 0.4,
              .burst_length = 0.1};
    case ProfileShape::kSine:
      return {.shape = shape, .rate = 0.5, .amplitude = 0.3, .periods = 1.0};
  }
  return {};
}

// The fractions of RelativeSpec, for the label.
std::string DescribeFractions(const ProfileSpec& s) {
  switch (s.shape) {
    case ProfileShape::kConstant:
      return absl::StrFormat("%.2f", s.rate);
    case ProfileShape::kRamp:
      return absl::StrFormat("%.2f -> %.2f", s.rate, s.end_rate);
    case ProfileShape::kStep:
      return absl::StrFormat("%.2f -> %.2f in %d steps", s.rate, s.end_rate,
                             s.steps);
    case ProfileShape::kSpike:
      return absl::StrFormat("%.2f, x%.3g for %.0f%% of the run", s.rate,
                             s.multiplier, 100.0 * s.burst_length);
    case ProfileShape::kSine:
      return absl::StrFormat("%.2f +- %.2f", s.rate, s.amplitude);
  }
  return "";
}

double ProfileSeconds() { return Settings().smoke ? 0.02 : 1.0; }

class ProfileFixture : public InputsFixture<LoadWorkload> {
 public:
  explicit ProfileFixture(ProfileShape shape)
      : InputsFixture(absl::StrCat("Load/Profile/", ProfileShapeName(shape))),
        shape_(shape) {}

 private:
  const Mix& Workload() const { return YcsbMixes()[1]; }  // YCSB B.

  absl::StatusOr<LoadWorkload> Build(const State&) override {
    return BuildLoadWorkload(FillCells(kLoadCells), Workload(),
                             KeyDistribution::kZipfian, /*calibrate=*/true);
  }

  void Measure(State& state, LoadWorkload& in) override {
    const ProfileSpec relative = RelativeSpec(shape_);
    absl::StatusOr<std::unique_ptr<LoadProfile>> profile =
        MakeProfile(relative.Scaled(in.capacity), ProfileSeconds());
    if (!profile.ok()) {
      SkipRun(state, profile.status());
      return;
    }
    const Op* ops = in.stream->ops.data();
    const size_t mask = in.stream->ops.size() - 1;
    OpExecutor<Grid> executor(*in.grid, kLoadSeed);
    SteadyClock clock;
    LatencyHistogram latency;
    OpenLoopTotals totals;
    uint64_t next = 0;  // Where in the stream the next run starts.
    ResourceMeter meter(state);
    for (auto _ : state) {
      const OpenLoopResult run = RunOpenLoop(
          **profile, OpenLoopOptions{}, clock, latency,
          [&](uint64_t i) { return executor.Run(ops[(next + i) & mask]); });
      next += run.completed;
      state.SetIterationTime(static_cast<double>(run.elapsed_ns) * 1e-9);
      totals.Add(run);
    }
    meter.Finish(state);
    ReportOpenLoop(state, totals, latency);
    state.counters[kCapacityRate] = in.capacity;
    state.SetLabel(absl::StrFormat(
        "%s x capacity = %s (capacity %.3g ops/s: %s zipfian, calibrated "
        "closed loop)",
        DescribeFractions(relative), (*profile)->Describe(), in.capacity,
        Workload().name));
  }

  ProfileShape shape_;
};

const bool kRegistered = [] {
  for (ProfileShape shape : kAllProfileShapes) {
    RegisterFixture<ProfileFixture>(shape)->UseManualTime();
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
