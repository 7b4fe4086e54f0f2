// Filling a grid to max_cells (Stress/CapacityFill/...): new cells are put
// until the grid is full, and beyond, and then every cell is checked.
//
//   grid/max_cells:N                   a Grid, one thread
//   concurrent/writers:2/max_cells:N   a ConcurrentGrid, two writer threads
//                                      putting disjoint cells at once, so
//                                      that both race for the last places
//
// Each iteration builds an empty grid with the configured options but
// max_cells = N, then attempts N + N/16 distinct new cells (the population's
// cells, then cells kept aside). The attempts past the limit must fail with
// ResourceExhausted and change nothing; afterwards the grid must hold
// exactly N cells, every accepted cell must read back with the wave that
// was put, and no rejected cell may be present. Any other outcome fails
// the benchmark with the cell that broke the rule. Manual time is the
// fill's wall time (items: attempts); `stored`, `rejected` and `verified`
// are per fill, `verify_s` the check's wall time.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "bench/load/inputs.h"
#include "bench/support/config.h"
#include "bench/support/counters.h"
#include "bench/support/fixture.h"
#include "bench/support/latency.h"
#include "bench/support/resources.h"
#include "benchmark/benchmark.h"
#include "grid/concurrent_grid.h"
#include "grid/grid.h"

namespace m8::bench {
namespace {

using benchmark::State;

// The cells to attempt: the population's, then N/16 kept aside.
struct Attempts {
  std::vector<Coord> cells;
  std::vector<Wave> waves;
};

Attempts AttemptsFor(const CellPopulation& population) {
  Attempts a;
  const size_t extra =
      std::min(population.absent().size(), population.size() / 16 + 1);
  a.cells = population.present();
  a.cells.insert(a.cells.end(), population.absent().begin(),
                 population.absent().begin() + extra);
  a.waves.reserve(a.cells.size());
  for (size_t i = 0; i < a.cells.size(); ++i) {
    a.waves.push_back(CellPopulation::MakeWave(kLoadSeed, i));
  }
  return a;
}

// What a fill did, and whether the grid kept its promises.
struct FillResult {
  uint64_t stored = 0;
  uint64_t rejected = 0;
  int64_t fill_ns = 0;
  int64_t verify_ns = 0;
  absl::Status verified;
};

// Puts attempts [begin, end) with `stride` into `grid`; marks each in
// `accepted`. Errors other than ResourceExhausted are returned.
template <typename GridT>
absl::Status PutRange(GridT& grid, const Attempts& a, size_t begin,
                      size_t stride, std::vector<uint8_t>& accepted,
                      uint64_t& stored, uint64_t& rejected) {
  for (size_t i = begin; i < a.cells.size(); i += stride) {
    const absl::Status s = grid.Put(a.cells[i], a.waves[i]);
    if (s.ok()) {
      accepted[i] = 1;
      ++stored;
    } else if (absl::IsResourceExhausted(s)) {
      ++rejected;
    } else {
      return s;
    }
  }
  return absl::OkStatus();
}

// Every accepted cell reads back with its wave; no rejected one is there;
// the grid holds exactly max_cells.
template <typename GridT>
absl::Status Verify(const GridT& grid, const Attempts& a,
                    const std::vector<uint8_t>& accepted, size_t max_cells) {
  if (grid.size() != max_cells) {
    return absl::InternalError(
        absl::StrCat("the full grid holds ", grid.size(),
                     " cells, not max_cells = ", max_cells));
  }
  for (size_t i = 0; i < a.cells.size(); ++i) {
    const std::optional<Wave> w = grid.Recall(a.cells[i]);
    if (!accepted[i]) {
      if (w.has_value()) {
        return absl::InternalError(absl::StrCat(
            "cell ", a.cells[i].key(), " was rejected but is present"));
      }
      continue;
    }
    if (!w.has_value() || w->amplitude != a.waves[i].amplitude ||
        w->frequency != a.waves[i].frequency || w->tag != a.waves[i].tag) {
      return absl::InternalError(absl::StrCat(
          "cell ", a.cells[i].key(), " was stored but does not read back"));
    }
  }
  return absl::OkStatus();
}

struct CapacityInputs {
  std::shared_ptr<const CellPopulation> population;
  std::shared_ptr<const Attempts> attempts;
};

class CapacityFixture : public InputsFixture<CapacityInputs> {
 public:
  CapacityFixture(const std::string& name, bool concurrent)
      : InputsFixture(name), concurrent_(concurrent) {}

 private:
  absl::StatusOr<CapacityInputs> Build(const State& state) override {
    CapacityInputs in;
    absl::StatusOr<std::shared_ptr<const CellPopulation>> population =
        LoadPopulation(FillCells(state.range(concurrent_ ? 1 : 0)));
    if (!population.ok()) return population.status();
    in.population = *std::move(population);
    in.attempts = std::make_shared<const Attempts>(AttemptsFor(*in.population));
    return in;
  }

  // One fill of a fresh grid by `writers` threads (0: a Grid on this
  // thread), and its check.
  absl::StatusOr<FillResult> Fill(const CapacityInputs& in, int writers) const {
    const size_t max_cells = in.population->size();
    ConcurrentGridOptions options = Settings().options;
    options.grid.max_cells = max_cells;
    const Attempts& a = *in.attempts;
    std::vector<uint8_t> accepted(a.cells.size());
    FillResult r;
    if (writers == 0) {
      absl::StatusOr<Grid> grid = Grid::Create(options.grid);
      if (!grid.ok()) return grid.status();
      const int64_t start = NowNanos();
      absl::Status s = PutRange(*grid, a, 0, 1, accepted, r.stored, r.rejected);
      r.fill_ns = NowNanos() - start;
      if (!s.ok()) return s;
      r.verified = Verify(*grid, a, accepted, max_cells);
      r.verify_ns = NowNanos() - start - r.fill_ns;
      return r;
    }
    absl::StatusOr<std::unique_ptr<ConcurrentGrid>> grid =
        ConcurrentGrid::Create(options);
    if (!grid.ok()) return grid.status();
    std::vector<uint64_t> stored(writers), rejected(writers);
    std::vector<absl::Status> status(writers);
    const int64_t start = NowNanos();
    std::vector<std::thread> threads;
    for (int t = 0; t < writers; ++t) {
      // Interleaved, so that every writer still has cells to put when the
      // grid fills up.
      threads.emplace_back([&, t] {
        status[t] =
            PutRange(**grid, a, t, writers, accepted, stored[t], rejected[t]);
      });
    }
    for (std::thread& thread : threads) thread.join();
    r.fill_ns = NowNanos() - start;
    for (int t = 0; t < writers; ++t) {
      if (!status[t].ok()) return status[t];
      r.stored += stored[t];
      r.rejected += rejected[t];
    }
    r.verified = Verify(**grid, a, accepted, max_cells);
    r.verify_ns = NowNanos() - start - r.fill_ns;
    return r;
  }

  void Measure(State& state, CapacityInputs& in) override {
    const int writers = concurrent_ ? static_cast<int>(state.range(0)) : 0;
    double stored = 0, rejected = 0, verify_s = 0;
    int64_t attempts = 0;
    ResourceMeter meter(state);
    for (auto _ : state) {
      absl::StatusOr<FillResult> r = Fill(in, writers);
      if (r.ok() && !r->verified.ok()) r = r->verified;
      if (!r.ok()) {
        state.SkipWithError(std::string(r.status().message()).c_str());
        break;
      }
      state.SetIterationTime(static_cast<double>(r->fill_ns) * 1e-9);
      stored += static_cast<double>(r->stored);
      rejected += static_cast<double>(r->rejected);
      verify_s += static_cast<double>(r->verify_ns) * 1e-9;
      attempts += static_cast<int64_t>(in.attempts->cells.size());
    }
    meter.Finish(state);
    using benchmark::Counter;
    state.SetItemsProcessed(attempts);
    state.counters[kStored] = Counter(stored, Counter::kAvgIterations);
    state.counters[kRejected] = Counter(rejected, Counter::kAvgIterations);
    state.counters[kVerified] = Counter(stored, Counter::kAvgIterations);
    state.counters[kVerifyS] = Counter(verify_s, Counter::kAvgIterations);
    state.SetLabel(absl::StrCat(
        in.attempts->cells.size(), " attempts, max_cells ",
        in.population->size(),
        writers > 0 ? absl::StrCat(", ", writers, " writer threads") : ""));
  }

  bool concurrent_;  // A ConcurrentGrid and range(0) writers, else a Grid.
};

const bool kRegistered = [] {
  RegisterFixture<CapacityFixture>("Stress/CapacityFill/grid", false)
      ->ArgName("max_cells")
      ->Arg(kLoadCells)
      ->UseManualTime();
  RegisterFixture<CapacityFixture>("Stress/CapacityFill/concurrent", true)
      ->ArgNames({"writers", "max_cells"})
      ->Args({2, kLoadCells})
      ->UseManualTime();
  return true;
}();

}  // namespace
}  // namespace m8::bench
