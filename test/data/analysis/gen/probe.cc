// Writes real Google Benchmark 1.7.1 JSON for the analysis tests: counters
// (rates, latencies, a neutral count, NaN and infinities), an errored
// benchmark, a thread sweep, a BigO family and a label. PROBE_SLOW=<factor>
// makes BM_Work that much slower, for a "new" file with a real regression.
//
//   g++ -O2 probe.cc -lbenchmark -lpthread -o probe
//   ./probe --benchmark_repetitions=9 --benchmark_min_time=0.01 \
//       --benchmark_out=base.json --benchmark_out_format=json
//   PROBE_SLOW=1.3 ./probe ... --benchmark_out=new.json

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <vector>

namespace {

double SlowFactor() {
  const char* slow = std::getenv("PROBE_SLOW");
  return slow == nullptr ? 1.0 : std::atof(slow);
}

void BM_Work(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0) * SlowFactor());
  std::vector<double> data(n, 1.0);
  for (auto _ : state) {
    double sum = 0;
    for (double d : data) sum += std::sqrt(d + sum);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["hits"] = static_cast<double>(state.range(0));
  state.counters["p99_ns"] = 10.0 * n;
}
BENCHMARK(BM_Work)->ArgName("cells")->Arg(64)->Arg(512);

void BM_Special(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.iterations());
  state.counters["nan_counter"] = std::nan("");
  state.counters["inf_counter"] = INFINITY;
  state.counters["neg_inf_counter"] = -INFINITY;
  state.SetLabel("special|label");
}
BENCHMARK(BM_Special);

void BM_Fails(benchmark::State& state) {
  state.SkipWithError("setup failed: no grid");
  for (auto _ : state) {
  }
}
BENCHMARK(BM_Fails);

void BM_Shared(benchmark::State& state) {
  for (auto _ : state) {
    double x = 0;
    for (int i = 0; i < 200; ++i) x += std::sqrt(i + x);
    benchmark::DoNotOptimize(x);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Shared)->UseRealTime()->Threads(1)->Threads(2);

void BM_Complexity(benchmark::State& state) {
  std::vector<int> v(state.range(0), 1);
  for (auto _ : state) {
    int sum = 0;
    for (int x : v) sum += x;
    benchmark::DoNotOptimize(sum);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Complexity)->RangeMultiplier(4)->Range(16, 256)->Complexity();

}  // namespace

BENCHMARK_MAIN();
