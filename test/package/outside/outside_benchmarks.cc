// A fixture of a project outside the m8bench tree: Recall on a small grid,
// timed and counted by the suite's own loop (items_per_second, hits,
// latency percentiles, resource counters).
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "bench/support/fixture.h"
#include "bench/support/op_loop.h"
#include "benchmark/benchmark.h"
#include "grid/coord.h"
#include "grid/grid.h"
#include "grid/wave.h"

namespace {

struct RecallInputs {
  std::shared_ptr<m8::Grid> grid;
  std::vector<m8::Coord> keys;
};

class OutsideRecall : public m8::bench::InputsFixture<RecallInputs> {
 public:
  using InputsFixture::InputsFixture;

 private:
  absl::StatusOr<RecallInputs> Build(const benchmark::State&) override {
    absl::StatusOr<m8::Grid> grid = m8::Grid::Create(m8::GridOptions());
    if (!grid.ok()) return grid.status();
    RecallInputs in{std::make_shared<m8::Grid>(*std::move(grid)), {}};
    for (uint16_t i = 0; i < 64; ++i) {
      const m8::Coord c{static_cast<uint8_t>(i), static_cast<uint8_t>(i), i};
      m8::Wave wave{};
      wave.amplitude = 1.0f;
      wave.frequency = 100.0f;
      wave.decay_tau = 5.0f;
      if (absl::Status s = in.grid->Put(c, wave); !s.ok()) return s;
      in.keys.push_back(c);
    }
    return in;
  }

  void Measure(benchmark::State& state, RecallInputs& in) override {
    const m8::Grid& grid = *in.grid;
    const m8::Coord* keys = in.keys.data();
    m8::bench::TimeEachOperation(state, latency(), [&](uint64_t i) {
      const std::optional<m8::Wave> wave = grid.Recall(keys[i & 63]);
      benchmark::DoNotOptimize(wave);
      return wave.has_value();
    });
  }
};

const bool kRegistered = [] {
  m8::bench::RegisterFixture<OutsideRecall>("Outside/Recall");
  return true;
}();

}  // namespace
