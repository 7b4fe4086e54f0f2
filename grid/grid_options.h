// GridOptions: every knob of a Grid, with the Mem|8 model's defaults.
//
// Options are fixed when a grid is built. Fields are grouped like leveldb's
// Options: those that change results, then those that change only speed and
// memory (results are identical for every value of the latter).
//
// Thread-safety: a plain value type.
#ifndef M8_GRID_GRID_OPTIONS_H_
#define M8_GRID_GRID_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace m8 {

// What Interference does with neighbours outside the address space.
enum class EdgePolicy : uint8_t {
  // Each out-of-range coordinate is clamped to the border, so a border cell
  // can be counted more than once, each time with its original offset's
  // weight (the reference behaviour).
  kClamp,
  // Out-of-range neighbours contribute nothing.
  kSkip,
};

// Flag and config-file spelling: "clamp" / "skip".
bool AbslParseFlag(absl::string_view text, EdgePolicy* policy,
                   std::string* error);
std::string AbslUnparseFlag(EdgePolicy policy);

// The bounds of the size options, which decide what a grid allocates when it
// is built (before any cell is stored).
//
// Room for 2^26 cells is a table of 2^27 slots of 41 bytes: 5.5 GB, on
// transparent huge pages, so a few thousand cells spread over it make most
// of it resident. Measured on m8bench_grid's Recall fixture (4096 cells):
// expected_cells 2^26 peaked at 4.8 GB resident, 2^28 at 7.6 GB, 2^32 (the
// whole address space) at 17 GB. Beyond 2^26 the reservation itself, not
// the cells, exhausts a machine. A frequency index costs 48 bytes a bucket,
// written up front.
inline constexpr size_t kMaxExpectedCells = size_t{1} << 26;
inline constexpr int kMaxFrequencyBuckets = 1 << 20;

struct GridOptions {
  // ---- Parameters that affect results ----------------------------------

  // Emotional modulation Emod = (1 + alpha*v) * (1 + beta*a).
  // alpha in [-1, 1]; beta in [-1, 10]. (One paper's sensitivity analysis
  // uses beta = 0.2; 0.5 is the model's default.)
  double alpha = 0.3;
  double beta = 0.5;

  // Memory Blanket thresholds on the incoming amplitude A0: at or below
  // noise_floor a Store is dropped; at or above blanket_threshold it stores
  // (or reinforces an occupied cell); in between it stores a temporary
  // (Flash) wave into an empty cell. 0 <= noise_floor <= blanket_threshold.
  // Both are compared with the amplitude at its own (float) precision.
  double noise_floor = 0.1;
  double blanket_threshold = 0.5;

  // A cell whose envelope S falls below this is forgotten on the next decay
  // sweep (AdvanceTime), unless its importance is 15. >= 0.
  double active_threshold = 0.01;

  // Gain applied when Store reinforces an occupied cell, in [0, 10].
  double reinforce_gain = 0.1;

  // Upper bound on a cell's amplitude after reinforcement, > 0.
  double amplitude_max = 1000.0;

  // Context factors scaling every decay constant: tau_eff = tau * R * F * T.
  // Clamped to R in [0.5, 2], F in [0.8, 1.5], T in [0.3, 1] as the model
  // says; any finite positive value is accepted.
  double relevance = 1.0;
  double familiarity = 1.0;
  double threat = 1.0;

  EdgePolicy edge_policy = EdgePolicy::kClamp;

  // Most cells the grid holds; 0 means unlimited. Storing a new cell into a
  // full grid fails with ResourceExhausted and loses nothing. At most
  // kAddressSpaceCells (coord.h: 2^32, one cell per coordinate).
  size_t max_cells = 0;

  // ---- Parameters that affect only performance -------------------------

  // Cells are grouped in bricks of brick_edge^3 (1, 2, 4 or 8), one hash
  // entry per brick. 1 (one entry per cell) makes Recall and Put a single
  // probe; larger bricks keep neighbouring cells in shared cache lines,
  // which helps Region and dense neighbourhoods but adds an indirection to
  // every Recall and Put into a brick of several cells. Results never
  // depend on it.
  int brick_edge = 1;

  // Buckets of the frequency index over [0, 1000] Hz. More buckets make
  // narrow-band Resonance read fewer out-of-band cells; fewer keep the
  // buckets' ends (where every new cell is appended) in cache, which makes
  // Put and Store cheaper. In [1, kMaxFrequencyBuckets].
  int frequency_buckets = 256;

  // Cells to reserve room for up front (0: grow on demand). Like reserve()
  // on a hash map: avoids rehashing while a grid of known size fills. The
  // reservation is made when the grid is built, whether or not the cells
  // ever come: a hash slot (40 bytes) and a control byte per cell, rounded
  // up to a power of two, the control bytes written at once. At most
  // kMaxExpectedCells; a larger grid still grows on demand.
  size_t expected_cells = 0;

  // OK, or InvalidArgument naming the first field out of range.
  absl::Status Validate() const;
};

}  // namespace m8

#endif  // M8_GRID_GRID_OPTIONS_H_
