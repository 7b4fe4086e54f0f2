// Thread sweeps on a ConcurrentGrid:
//   Load/Concurrent/<scenario>/<binding>/shards:S/real_time/threads:N
// for the scenarios
//   read_only    Recall 100%, uniform keys
//   read_mostly  Recall 95%, Put over a present cell 5%, uniform keys
//   write_heavy  Recall 50%, Put 50%, uniform keys
//   hot_key      Recall 50%, Put 50%, every thread on the same 1% of the
//                keys (uniform among them): contention on cells and locks
// at 1, 16 and 256 shards, 1, 2, 4 and 8 threads, and the binding policies
// none, compact and scatter (thread_binding.h). Each thread count is its
// own benchmark, so that `m8perf scale` can fit the sweep; the label says
// which PUs the threads ran on and whether they oversubscribe the machine
// (more threads than PUs).
//
// Wall time drives the iteration count, so items_per_second is the
// throughput of all threads together (Google Benchmark 1.7.1 divides the
// summed wall time by the thread count). Each thread replays its own
// pre-drawn stream (seed kLoadSeed + thread index) over the 2^20-cell fill.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/load/inputs.h"
#include "bench/load/mix.h"
#include "bench/load/workload.h"
#include "bench/support/config.h"
#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "bench/support/resource_cache.h"
#include "bench/support/thread_binding.h"
#include "bench/support/ycsb_keys.h"
#include "benchmark/benchmark.h"

namespace m8::bench {
namespace {

using benchmark::State;

struct Scenario {
  const char* name;
  double read;          // The rest are updates.
  double hot_fraction;  // Of the keys every thread uses; 1 = all.
};

constexpr Scenario kScenarios[] = {
    {"read_only", 1.00, 1.0},
    {"read_mostly", 0.95, 1.0},
    {"write_heavy", 0.50, 1.0},
    {"hot_key", 0.50, 0.01},
};

Mix MixOf(const Scenario& scenario) {
  Mix mix;
  mix.name = scenario.name;
  mix.shares = {scenario.read, 1.0 - scenario.read, 0.0, 0.0, 0.0};
  mix.ycsb_distribution = KeyDistribution::kUniform;
  return mix;
}

// The stream of thread `thread`: the scenario's mix over all the keys
// (uniform), or over the first hot_fraction of the items (uniform among
// them, the same for every thread).
absl::StatusOr<std::shared_ptr<const OpStream>> ThreadStream(
    size_t cells, const Scenario& scenario, int thread) {
  const uint64_t seed = kLoadSeed + static_cast<uint64_t>(thread);
  if (scenario.hot_fraction >= 1.0) {
    return LoadStream(cells, MixOf(scenario), KeyDistribution::kUniform, seed);
  }
  const size_t count = StreamLength(MixOf(scenario));
  return ResourceCache::Global().GetOrBuild<const OpStream>(
      absl::StrCat("load/stream/", cells, "/", scenario.name, "/hot/",
                   scenario.hot_fraction, "/", seed, "/", count),
      count * sizeof(Op),
      [&]() -> absl::StatusOr<std::shared_ptr<const OpStream>> {
        absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
            LoadPopulation(cells);
        if (!population.ok()) return population.status();
        HotspotGenerator hot_keys((*population)->size(), seed,
                                  scenario.hot_fraction, 1.0);
        absl::StatusOr<OpStream> stream =
            DrawOpStream(**population, MixOf(scenario), hot_keys, count, seed);
        if (!stream.ok()) return stream.status();
        return std::make_shared<const OpStream>(*std::move(stream));
      });
}

struct ConcurrentInputs {
  std::shared_ptr<ConcurrentGrid> grid;
  std::vector<int> plan;  // PU of each thread; empty when unbound.
};

class ConcurrencyFixture : public InputsFixture<ConcurrentInputs> {
 public:
  ConcurrencyFixture(const Scenario& scenario, BindingPolicy policy)
      : InputsFixture(absl::StrCat("Load/Concurrent/", scenario.name, "/",
                                   BindingPolicyName(policy))),
        scenario_(scenario),
        policy_(policy) {}

 private:
  absl::StatusOr<ConcurrentInputs> Build(const State& state) override {
    ConcurrentInputs in;
    absl::StatusOr<std::shared_ptr<ConcurrentGrid>> grid = LoadConcurrentGrid(
        FillCells(kLoadCells), static_cast<size_t>(state.range(0)));
    if (!grid.ok()) return grid.status();
    in.grid = *std::move(grid);
    absl::StatusOr<std::vector<int>> plan =
        PlanBinding(policy_, state.threads());
    if (!plan.ok()) return plan.status();
    in.plan = *std::move(plan);
    std::lock_guard<std::mutex> lock(mu_);
    started_on_.assign(state.threads(), -1);
    binding_errors_.clear();
    return in;
  }

  void Measure(State& state, ConcurrentInputs& in) override {
    const int thread = state.thread_index();
    absl::StatusOr<std::shared_ptr<const OpStream>> stream =
        ThreadStream(FillCells(kLoadCells), scenario_, thread);
    if (!stream.ok()) {
      SkipRun(state, stream.status());
      return;
    }
    ScopedThreadBinding binding(in.plan.empty() ? -1 : in.plan[thread]);
    {
      std::lock_guard<std::mutex> lock(mu_);
      started_on_[thread] = CurrentPu();
      if (!binding.status().ok()) {
        binding_errors_ = std::string(binding.status().message());
      }
    }
    const Op* ops = (*stream)->ops.data();
    const size_t mask = (*stream)->ops.size() - 1;
    OpExecutor<ConcurrentGrid> executor(*in.grid, kLoadSeed + thread);
    TimeEachOperation(state, latency(), [&](uint64_t i) {
      return executor.Run(ops[i & mask]) == OpOutcome::kHit;
    });
    // Every thread recorded its PU before the loop's start barrier.
    if (thread == 0) state.SetLabel(Label(state, in));
  }

  // "compact: PUs 0,1,0,1 (4 threads on 2 PUs: oversubscribed)".
  std::string Label(const State& state, const ConcurrentInputs& in) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string label(BindingPolicyName(policy_));
    if (in.plan.empty()) {
      absl::StrAppend(&label, ": unbound, started on PUs ",
                      FormatPus(started_on_));
    } else {
      absl::StrAppend(&label, ": PUs ", FormatPus(in.plan));
    }
    if (!binding_errors_.empty()) {
      absl::StrAppend(&label, " (binding failed: ", binding_errors_, ")");
    }
    const absl::StatusOr<int> pus = PuCount();
    if (pus.ok() && state.threads() > *pus) {
      absl::StrAppend(&label, " (", state.threads(), " threads on ", *pus,
                      " PUs: oversubscribed)");
    }
    return label;
  }

  Scenario scenario_;
  BindingPolicy policy_;
  std::mutex mu_;
  std::vector<int> started_on_;  // Guarded by mu_.
  std::string binding_errors_;   // Guarded by mu_.
};

// Shards 1 (one lock for everything), 16 (the default) and 256 (more
// shards than threads can collide on), times 1 to 8 threads: N = 1 anchors
// the scalability fit, and 4 and 8 show what oversubscription costs on
// machines with fewer PUs.
void Sweep(benchmark::internal::Benchmark* b) {
  b->ArgName("shards")->Arg(1)->Arg(16)->Arg(256);
  b->Threads(1)->Threads(2)->Threads(4)->Threads(8)->UseRealTime();
}

const bool kRegistered = [] {
  for (const Scenario& scenario : kScenarios) {
    for (BindingPolicy policy : kAllBindingPolicies) {
      RegisterFixture<ConcurrencyFixture>(scenario, policy)->Apply(Sweep);
    }
  }
  return true;
}();

}  // namespace
}  // namespace m8::bench
