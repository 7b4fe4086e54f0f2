// A decay storm (Stress/DecayStorm/readers:1/cells:N): a mass eviction on
// a ConcurrentGrid while readers run. Nine cells in ten of the fill decay
// with tau = Flash (0.5 s) and the tenth never decays; each iteration puts
// the decaying cells back (untimed), lets the readers run for a baseline,
// then advances the grid's clock by 10 s, so that one sweep evicts 90% of
// the cells shard by shard while the readers keep recalling random cells
// of the fill. The manual time is the sweep's wall time (items: cells
// evicted); p50_ns ... max_ns are the readers' Recall latencies during the
// sweeps, baseline_p99_ns and baseline_max_ns during the baselines. The
// fixture checks that exactly the non-decaying cells survive each storm.
// Shards come from the config (shard_count, 16 by default). The sweeping
// thread and the readers are bound to distinct PUs where the machine has
// enough (compact plan), so that they run at once instead of taking turns
// on one PU; the label says which.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/load/inputs.h"
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/histogram.h"
#include "bench/support/keys.h"
#include "bench/support/latency.h"
#include "bench/support/population.h"
#include "bench/support/resource_cache.h"
#include "bench/support/resources.h"
#include "bench/support/thread_binding.h"
#include "benchmark/benchmark.h"
#include "grid/concurrent_grid.h"
#include "grid/grid_config.h"

namespace m8::bench {
namespace {

using benchmark::State;

constexpr absl::Duration kStorm = absl::Seconds(10);  // 20 Flash taus.

// Cell i's wave in the storm grid: never decays when i % 10 == 0, else
// fades with tau = Flash and is not permanent.
Wave StormWave(const CellPopulation& population, size_t i) {
  Wave w = population.WaveOf(i);
  if (i % 10 == 0) {
    w.decay_tau = decay::kConsolidate;
  } else {
    w.decay_tau = decay::kFlash;
    w.importance = std::min<uint8_t>(w.importance, kPermanentImportance - 1);
  }
  return w;
}

// Puts the decaying cells (back) into `grid`.
absl::Status PutDecaying(ConcurrentGrid& grid,
                         const CellPopulation& population) {
  for (size_t i = 0; i < population.size(); ++i) {
    if (i % 10 == 0) continue;
    absl::Status s =
        grid.Put(population.present()[i], StormWave(population, i));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

struct StormInputs {
  std::shared_ptr<const CellPopulation> population;
  // Holds every cell between iterations (the storm's own grid: it moves
  // the clock, which no other fixture's grid may see).
  std::shared_ptr<ConcurrentGrid> grid;
};

enum Phase : int { kIdle, kBaseline, kStorming, kStop };

// A reader thread's measurements.
struct ReaderLog {
  LatencyHistogram baseline;
  LatencyHistogram storm;
  uint64_t storm_reads = 0;
  uint64_t storm_hits = 0;
};

class DecayStormFixture : public InputsFixture<StormInputs> {
 public:
  DecayStormFixture() : InputsFixture("Stress/DecayStorm") {}

 private:
  absl::StatusOr<StormInputs> Build(const State& state) override {
    const size_t cells = FillCells(state.range(1));
    StormInputs in;
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        LoadPopulation(cells);
    if (!population.ok()) return population.status();
    in.population = *std::move(population);
    const ConcurrentGridOptions& options = Settings().options;
    absl::StatusOr<std::shared_ptr<ConcurrentGrid>> grid =
        ResourceCache::Global().GetOrBuild<ConcurrentGrid>(
            absl::StrCat("stress/decay/", cells, "/", options.shard_count, "/",
                         GridOptionsKey(options.grid)),
            cells * kGridBytesPerCell,
            [&]() -> absl::StatusOr<std::shared_ptr<ConcurrentGrid>> {
              absl::StatusOr<std::unique_ptr<ConcurrentGrid>> g =
                  ConcurrentGrid::Create(options);
              if (!g.ok()) return g.status();
              std::shared_ptr<ConcurrentGrid> shared = *std::move(g);
              for (size_t i = 0; i < cells; i += 10) {
                absl::Status s = shared->Put(in.population->present()[i],
                                             StormWave(*in.population, i));
                if (!s.ok()) return s;
              }
              return shared;
            });
    if (!grid.ok()) return grid.status();
    in.grid = *std::move(grid);
    return in;
  }

  static void Read(const ConcurrentGrid& grid, const CellPopulation& population,
                   uint64_t seed, int pu, const std::atomic<int>& phase,
                   ReaderLog& log) {
    ScopedThreadBinding binding(pu);
    std::vector<Coord> keys(1 << 16);
    Rng rng(seed);
    for (Coord& c : keys)
      c = population.present()[rng.Below(population.size())];
    const int64_t overhead = TimerOverheadNanos();
    for (size_t i = 0;; ++i) {
      const int p = phase.load(std::memory_order_acquire);
      if (p == kStop) return;
      if (p == kIdle) {  // While the grid is refilled: stay out of its way.
        absl::SleepFor(absl::Microseconds(100));
        continue;
      }
      const int64_t start = NowNanos();
      const std::optional<Wave> w = grid.Recall(keys[i & (keys.size() - 1)]);
      const int64_t ns = NowNanos() - start - overhead;
      benchmark::DoNotOptimize(w);
      if (p == kBaseline) {
        log.baseline.Record(ns);
      } else {
        log.storm.Record(ns);
        ++log.storm_reads;
        log.storm_hits += w.has_value();
      }
    }
  }

  void Measure(State& state, StormInputs& in) override {
    ConcurrentGrid& grid = *in.grid;
    const CellPopulation& population = *in.population;
    const int readers = static_cast<int>(state.range(0));
    const absl::Duration baseline =
        Settings().smoke ? absl::Milliseconds(2) : absl::Milliseconds(20);
    const size_t survivors = (population.size() + 9) / 10;

    // PU of the sweeping thread, then of each reader; none when the
    // machine has fewer PUs than threads.
    const absl::StatusOr<int> pus = PuCount();
    std::vector<int> plan(readers + 1, -1);
    if (pus.ok() && *pus > readers) {
      plan = PlanBinding(BindingPolicy::kCompact, readers + 1)
                 .value_or(std::vector<int>(readers + 1, -1));
    }
    ScopedThreadBinding sweeper_binding(plan[0]);
    std::atomic<int> phase{kIdle};
    std::vector<ReaderLog> logs(readers);
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) {
      threads.emplace_back(Read, std::cref(grid), std::cref(population),
                           kLoadSeed + r, plan[r + 1], std::cref(phase),
                           std::ref(logs[r]));
    }
    uint64_t evicted = 0;
    absl::Status failure;
    ResourceMeter meter(state);
    for (auto _ : state) {
      failure = PutDecaying(grid, population);  // Outside the manual time.
      if (!failure.ok()) break;
      phase.store(kBaseline, std::memory_order_release);
      absl::SleepFor(baseline);
      phase.store(kStorming, std::memory_order_release);
      const int64_t start = NowNanos();
      const DecayStats stats = grid.AdvanceTime(kStorm);
      state.SetIterationTime(static_cast<double>(NowNanos() - start) * 1e-9);
      phase.store(kIdle, std::memory_order_release);
      evicted += stats.evicted;
      if (grid.size() != survivors) {
        failure = absl::InternalError(absl::StrCat(
            "decay storm left ", grid.size(), " cells; expected the ",
            survivors, " that never decay"));
        break;
      }
    }
    meter.Finish(state);
    phase.store(kStop, std::memory_order_release);
    for (std::thread& t : threads) t.join();
    if (!failure.ok()) {
      state.SkipWithError(std::string(failure.message()).c_str());
      return;
    }

    LatencyHistogram storm, quiet;
    uint64_t reads = 0, hits = 0;
    for (const ReaderLog& log : logs) {
      storm.Merge(log.storm);
      quiet.Merge(log.baseline);
      reads += log.storm_reads;
      hits += log.storm_hits;
    }
    using benchmark::Counter;
    state.SetItemsProcessed(static_cast<int64_t>(evicted));
    state.counters[kEvicted] =
        Counter(static_cast<double>(evicted), Counter::kAvgIterations);
    state.counters[kStormReads] =
        Counter(static_cast<double>(reads), Counter::kAvgIterations);
    if (reads > 0) {
      state.counters[kStormHits] =
          static_cast<double>(hits) / static_cast<double>(reads);
    }
    state.counters[kLatencySamples] = static_cast<double>(storm.count());
    if (storm.count() > 0) ReportPercentiles(state, storm);
    state.counters[kBaselineSamples] = static_cast<double>(quiet.count());
    if (quiet.count() > 0) {
      state.counters[kBaselineP99Ns] =
          static_cast<double>(quiet.Percentile(0.99));
      state.counters[kBaselineMaxNs] = static_cast<double>(quiet.max());
    }
    state.SetLabel(absl::StrCat(
        population.size(), " cells, ", grid.shard_count(),
        " shards: 90% evicted per storm, ", readers, " reader threads; ",
        plan[0] < 0
            ? "unbound"
            : absl::StrCat("sweeper and readers on PUs ", FormatPus(plan))));
  }
};

const bool kRegistered = [] {
  RegisterFixture<DecayStormFixture>()
      ->ArgNames({"readers", "cells"})
      ->Args({1, kLoadCells})
      ->UseManualTime();
  return true;
}();

}  // namespace
}  // namespace m8::bench
