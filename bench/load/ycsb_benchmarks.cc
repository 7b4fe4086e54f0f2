// The YCSB core workloads A-F on a Grid, closed loop: every mix with every
// key distribution (Load/YCSB_A/zipfian/cells:1048576, ...), one operation
// per iteration, as fast as one thread goes.
//
// Each benchmark replays a pre-drawn stream of 2^20 operations (2^15 for
// YCSB E, whose scans read about 50 cells each; workload.h)
// on the shared load grid; a stream with inserts (D, E) is undone with the
// timer paused after every replay (TimeBatches), so that every replay
// starts from the loaded cells and latest keeps following the inserts of
// its replay. Latency is sampled as for every operation fixture
// (op_loop.h). `errors` counts failed operations per operation (0 unless
// the grid is full: --m8_config's max_cells).
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/load/inputs.h"
#include "bench/load/mix.h"
#include "bench/load/workload.h"
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::State;

// "read 95%, insert 5%".
std::string DescribeMix(const Mix& mix) {
  std::string text;
  for (int k = 0; k < kOpKindCount; ++k) {
    if (mix.shares[k] <= 0.0) continue;
    absl::StrAppend(&text, text.empty() ? "" : ", ",
                    OpKindName(static_cast<OpKind>(k)), " ",
                    absl::StrFormat("%g%%", 100.0 * mix.shares[k]));
  }
  return text;
}

class YcsbFixture : public InputsFixture<LoadWorkload> {
 public:
  YcsbFixture(const Mix& mix, KeyDistribution distribution)
      : InputsFixture(absl::StrCat("Load/", mix.name, "/",
                                   DistributionName(distribution))),
        mix_(mix),
        distribution_(distribution) {}

 private:
  absl::StatusOr<LoadWorkload> Build(const State& state) override {
    return BuildLoadWorkload(FillCells(state.range(0)), mix_, distribution_,
                             /*calibrate=*/false);
  }

  void Measure(State& state, LoadWorkload& in) override {
    Grid& grid = *in.grid;
    const Op* ops = in.stream->ops.data();
    OpExecutor<Grid> executor(grid, kLoadSeed);
    uint64_t errors = 0;
    TimeBatches(
        state, latency(), in.stream->ops.size(),
        [&](size_t j) {
          const OpOutcome outcome = executor.Run(ops[j]);
          errors += outcome == OpOutcome::kError ||
                    outcome == OpOutcome::kResourceExhausted;
          return outcome == OpOutcome::kHit;
        },
        [&] { RemoveInserts(grid, *in.population, *in.stream); });
    state.counters[kErrors] = benchmark::Counter(
        static_cast<double>(errors), benchmark::Counter::kAvgIterations);
    state.SetLabel(absl::StrCat(DescribeMix(mix_), "; ",
                                DistributionName(distribution_), " keys"));
  }

  Mix mix_;
  KeyDistribution distribution_;
};

const bool kRegistered = [] {
  for (const Mix& mix : YcsbMixes()) {
    for (KeyDistribution d : kAllKeyDistributions) {
      RegisterFixture<YcsbFixture>(mix, d)->ArgName("cells")->Arg(kLoadCells);
    }
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
