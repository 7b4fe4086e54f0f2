// Micro-benchmarks of the load generator itself, which must never be the
// bottleneck (issue 4): one key draw per iteration for every distribution
// (Gen/Zipfian <= 10 ns), one histogram record per iteration
// (Gen/HistogramRecord <= 5 ns), and the open-loop scheduler holding a
// constant rate with an empty operation (Gen/OpenLoop: achieved within 1%
// of offered at 1M operations per second on one core).
//
// The draws are over 2^20 items (YCSB's record count), through the concrete
// generator type as a load loop would call it. Gen/ZipfianStdPow is the
// same zipfian draw with std::pow: what Gen/Zipfian cost before its table.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/inputs.h"
#include "bench/load/open_loop.h"
#include "bench/load/profile.h"
#include "bench/load/report.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/histogram.h"
#include "bench/support/keys.h"
#include "bench/support/resources.h"
#include "bench/support/ycsb_keys.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::DoNotOptimize;
using benchmark::State;

constexpr uint64_t kGenSeed = 0x6d38'6765'6e;  // "m8gen"

uint64_t GenItems() { return FillCells(kLoadCells); }

template <typename Generator>
void DrawOne(State& state, Generator& generator) {
  ResourceMeter meter(state);
  for (auto _ : state) DoNotOptimize(generator.Next());
  meter.Finish(state);
  state.SetItemsProcessed(state.iterations());
}

// Draws from a copy of the built generator: the constructors are out of
// line, so the built object's address escapes, and DoNotOptimize's memory
// clobber would then force its random state through memory on every draw
// (with GCC 12 a vectorised 16-byte reload of two 8-byte stores, which
// cannot be store-forwarded: about 6 ns a draw that a load loop, holding
// its generator in registers, does not pay).
template <typename Generator>
void RegisterDraw(const std::string& name) {
  benchmark::RegisterBenchmark(name.c_str(), [](State& state) {
    const Generator built(GenItems(), kGenSeed);
    Generator generator = built;
    DrawOne(state, generator);
  });
}

// The reference: Gray's draw with std::pow.
void ZipfianStdPow(State& state) {
  const ZipfianGenerator generator(GenItems(), kGenSeed);
  const Rng seeded(kGenSeed);
  Rng rng = seeded;  // A copy, as in RegisterDraw.
  ResourceMeter meter(state);
  for (auto _ : state) DoNotOptimize(generator.ItemAtExact(rng.NextDouble()));
  meter.Finish(state);
  state.SetItemsProcessed(state.iterations());
}

// One Record of a latency-like value (log-normal, median about 400 ns,
// 4096 values cycled) into a histogram.
void HistogramRecord(State& state) {
  std::mt19937_64 rng(kGenSeed);
  std::lognormal_distribution<double> latency(6.0, 1.0);
  std::vector<int64_t> values(4096);
  for (int64_t& v : values) v = static_cast<int64_t>(latency(rng));
  const size_t mask = values.size() - 1;
  LatencyHistogram histogram;
  size_t i = 0;
  ResourceMeter meter(state);
  for (auto _ : state) histogram.Record(values[i++ & mask]);
  meter.Finish(state);
  DoNotOptimize(histogram.count());
  state.SetItemsProcessed(state.iterations());
}

// The scheduler alone: a constant rate (the argument) for 1 s (20 ms in
// smoke mode) per iteration, each operation only counting itself.
void OpenLoop(State& state) {
  const double rate = static_cast<double>(state.range(0));
  const double duration = Settings().smoke ? 0.02 : 1.0;
  absl::StatusOr<std::unique_ptr<LoadProfile>> profile = MakeProfile(
      ProfileSpec{.shape = ProfileShape::kConstant, .rate = rate}, duration);
  if (!profile.ok()) {
    SkipRun(state, profile.status());
    return;
  }
  SteadyClock clock;
  LatencyHistogram latency;
  OpenLoopTotals totals;
  uint64_t done = 0;
  ResourceMeter meter(state);
  for (auto _ : state) {
    const OpenLoopResult run = RunOpenLoop(**profile, OpenLoopOptions{}, clock,
                                           latency, [&](uint64_t) {
                                             DoNotOptimize(++done);
                                             return OpOutcome::kHit;
                                           });
    state.SetIterationTime(static_cast<double>(run.elapsed_ns) * 1e-9);
    totals.Add(run);
  }
  meter.Finish(state);
  ReportOpenLoop(state, totals, latency);
  state.SetLabel((*profile)->Describe());
}

const bool kRegistered = [] {
  RegisterDraw<UniformGenerator>("Gen/Uniform");
  RegisterDraw<ZipfianGenerator>("Gen/Zipfian");
  benchmark::RegisterBenchmark("Gen/ZipfianStdPow", ZipfianStdPow);
  RegisterDraw<ScrambledZipfianGenerator>("Gen/ScrambledZipfian");
  RegisterDraw<LatestGenerator>("Gen/Latest");
  RegisterDraw<HotspotGenerator>("Gen/Hotspot");
  RegisterDraw<SequentialGenerator>("Gen/Sequential");
  benchmark::RegisterBenchmark("Gen/HistogramRecord", HistogramRecord);
  // The target rate, and twice it for the headroom.
  benchmark::RegisterBenchmark("Gen/OpenLoop", OpenLoop)
      ->ArgName("rate")
      ->Arg(1'000'000)
      ->Arg(2'000'000)
      ->UseManualTime();
  return true;
}();

}  // namespace
}  // namespace m8::bench
