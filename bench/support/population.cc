#include "bench/support/population.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <utility>

#include "bench/support/keys.h"

namespace m8::bench {
namespace {

// Distinct positions of a box, drawn uniformly without replacement.
class PositionDrawer {
 public:
  PositionDrawer(uint64_t positions, uint64_t seed)
      : positions_(positions), taken_((positions + 63) / 64), rng_(seed) {}

  // REQUIRES: fewer than `positions` drawn so far.
  uint64_t Draw() {
    while (true) {
      const uint64_t p = rng_.Below(positions_);
      uint64_t& word = taken_[p / 64];
      const uint64_t bit = uint64_t{1} << (p % 64);
      if ((word & bit) == 0) {
        word |= bit;
        return p;
      }
    }
  }

 private:
  uint64_t positions_;
  std::vector<uint64_t> taken_;
  Rng rng_;
};

}  // namespace

CellPopulation::CellPopulation(size_t cells, size_t absent, uint64_t seed)
    : seed_(seed) {
  assert(cells >= 1);
  const uint64_t positions = uint64_t{4} * cells;
  // The widest power-of-two square plane that fits in `positions`, at most
  // the whole 256 x 256 plane.
  const auto side =
      static_cast<uint64_t>(std::sqrt(static_cast<double>(positions)));
  width_ = static_cast<uint32_t>(
      std::min<uint64_t>(256, std::bit_floor(std::max<uint64_t>(side, 1))));
  const uint64_t plane = uint64_t{width_} * width_;
  depth_ = static_cast<uint32_t>((positions + plane - 1) / plane);
  const uint64_t box = plane * depth_;
  absent = std::min<uint64_t>(absent, box - cells);

  PositionDrawer drawer(box, seed);
  auto coord_of = [&](uint64_t p) {
    return Coord{static_cast<uint8_t>(p % width_),
                 static_cast<uint8_t>((p / width_) % width_),
                 static_cast<uint16_t>(p / plane)};
  };
  present_.reserve(cells);
  for (size_t i = 0; i < cells; ++i)
    present_.push_back(coord_of(drawer.Draw()));
  absent_.reserve(absent);
  for (size_t i = 0; i < absent; ++i)
    absent_.push_back(coord_of(drawer.Draw()));
}

Wave CellPopulation::MakeWave(uint64_t seed, uint64_t i) {
  static constexpr float kTaus[] = {decay::kFade, decay::kLinger,
                                    decay::kPersist, decay::kConsolidate};
  Rng rng(seed * 0x9e3779b97f4a7c15u + i);
  const uint64_t bits = rng.Next();
  Wave w;
  w.amplitude = static_cast<float>(0.5 + 1.5 * rng.NextDouble());
  w.frequency = static_cast<float>(1000.0 * rng.NextDouble());
  w.phase = static_cast<float>(3.14159 * (2.0 * rng.NextDouble() - 1.0));
  w.decay_tau = kTaus[bits & 3];
  w.valence = static_cast<int8_t>(static_cast<int>((bits >> 8) % 255) - 127);
  w.arousal = static_cast<uint8_t>(bits >> 16);
  w.importance = static_cast<uint8_t>((bits >> 24) & 15);
  w.kind = static_cast<uint8_t>((bits >> 28) & 7);
  w.tag = static_cast<uint32_t>(bits >> 32);
  return w;
}

absl::StatusOr<std::shared_ptr<ConcurrentGrid>> FilledConcurrentGrid(
    const ConcurrentGridOptions& options, const CellPopulation& population) {
  absl::StatusOr<std::unique_ptr<ConcurrentGrid>> grid =
      ConcurrentGrid::Create(options);
  if (!grid.ok()) return grid.status();
  std::shared_ptr<ConcurrentGrid> shared = *std::move(grid);
  if (absl::Status s = FillGrid(*shared, population); !s.ok()) return s;
  return shared;
}

}  // namespace m8::bench
