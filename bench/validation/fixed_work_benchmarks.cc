// Validation/FixedWork: a fixed amount of known work per iteration, and
// (--m8_slowdown=F) exactly the fraction F more of it. The work is a chain
// of dependent integer steps on registers only: no memory traffic, no
// branches that depend on data, so its time is proportional to its length
// and a 5% slowdown is 5% more time. Comparisons of runs with and without a
// slowdown tell how often m8perf's verdicts find a change of known size, and
// comparisons of runs without one how often they see a change that is not
// there.

#include <cmath>
#include <cstdint>

#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

// Steps of the unslowed work: about 3 us per iteration here, long enough
// that timer overhead is far below a percent of it.
constexpr int64_t kBaseSteps = 1000;

// One step: multiply and xor-shift (a serial dependency chain).
inline uint64_t Step(uint64_t x) {
  x *= 0x9e3779b97f4a7c15ULL;
  return x ^ (x >> 29);
}

void BM_FixedWork(benchmark::State& state) {
  const auto steps = static_cast<int64_t>(std::llround(
      static_cast<double>(kBaseSteps) * (1 + Settings().slowdown)));
  uint64_t x = 1;
  for (auto _ : state) {
    for (int64_t i = 0; i < steps; ++i) x = Step(x);
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters[kWorkSteps] = static_cast<double>(steps);
}
BENCHMARK(BM_FixedWork)->Name("Validation/FixedWork");

}  // namespace
}  // namespace m8::bench
