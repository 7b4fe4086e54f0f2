// Grid: a Mem|8 wave memory, a sparse 256 x 256 x 65536 grid of waves.
//
// The grid keeps its own logical clock (now), moved only by AdvanceTime, so
// every result is deterministic. Store goes through the Memory Blanket; Put
// is a raw insert. Cells fade by exponential decay and the decay sweep in
// AdvanceTime forgets those whose envelope fell below active_threshold.
// The semantics are the Mem|8 model's (README.md, "The grid"); results do
// not depend on the performance options (brick_edge, frequency_buckets,
// expected_cells).
//
// Thread-safety: thread-compatible, like Abseil's containers. Concurrent
// calls to const methods are safe; a mutation needs exclusive access. See
// ConcurrentGrid for a thread-safe grid.
#ifndef M8_GRID_GRID_H_
#define M8_GRID_GRID_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grid/coord.h"
#include "grid/grid_options.h"
#include "grid/internal/brick_store.h"
#include "grid/internal/frequency_index.h"
#include "grid/internal/layer_index.h"
#include "grid/wave.h"
#include "grid/wave_model.h"

namespace m8 {

// What Store did with a wave (the Memory Blanket's decision).
enum class StoreOutcome {
  kStored,      // Strong wave into an empty cell.
  kReinforced,  // Strong wave onto an occupied cell: the cell was reinforced.
  kTemporary,   // Middling wave into an empty cell: stored with tau = Flash.
  kDropped,     // Noise, or a middling wave onto an occupied cell.
};
const char* StoreOutcomeName(StoreOutcome outcome);

// What one decay sweep did.
struct DecayStats {
  size_t scanned = 0;  // Cells examined.
  size_t evicted = 0;  // Cells forgotten.
};

// The latest grid time: `touched` is a uint32 count of milliseconds, so the
// clock saturates here.
inline constexpr absl::Duration kMaxGridTime =
    absl::Milliseconds(std::numeric_limits<uint32_t>::max());

// Sum of M(now) over one layer, and how many cells it covered.
struct LayerSum {
  double sum = 0.0;
  size_t count = 0;

  // The sum of a layer's (key, M(now)) terms, added in the order given (key
  // order, for the same bits everywhere).
  static LayerSum Of(std::span<const std::pair<uint32_t, double>> terms) {
    LayerSum result;
    for (const auto& [key, value] : terms) result.sum += value;
    result.count = terms.size();
    return result;
  }
};

// Cells whose frequency is within `bandwidth` of `frequency` and whose
// strength is at least `min_strength`, best `k` by score.
struct ResonanceQuery {
  float frequency = 0.0f;     // Hz.
  float bandwidth = 1.0f;     // Hz, >= 0. A negative or NaN band matches none.
  float min_strength = 0.0f;  // Minimum envelope S.
  size_t k = 10;              // Hits to return; 0 returns every match.
  std::optional<float> target_valence;  // In [-1, 1]: rank by emotional
  std::optional<float> target_arousal;  // similarity too ([0, 1]).
};

struct ResonanceHit {
  Coord coord;
  Wave wave;
  double score = 0.0;  // S * exp(-|f - f0| / bandwidth) [* similarity].
};

class Grid {
 public:
  // REQUIRES: options.Validate().ok(). Use Create() for unchecked options.
  explicit Grid(GridOptions options = {});
  // A grid with `options`, or InvalidArgument naming the bad option.
  static absl::StatusOr<Grid> Create(GridOptions options);

  Grid(const Grid& other);
  Grid& operator=(const Grid& other);
  Grid(Grid&&) noexcept = default;
  Grid& operator=(Grid&&) noexcept = default;
  ~Grid() = default;

  // ---- Cells ----------------------------------------------------------

  // Stores `w` at `c` through the Memory Blanket and says what it did
  // (StoreOutcome). A stored wave is stamped touched = now, with
  // access_count 0 (kTemporary: decay_tau = Flash). Frequency is clamped to
  // [0, 1000] and phase wrapped into [-pi, pi).
  // Errors: InvalidArgument for a malformed wave (negative or non-finite
  // amplitude, NaN frequency, non-finite phase, tau <= 0 or NaN, importance
  // above 15); ResourceExhausted when a new cell would exceed max_cells
  // (nothing changes).
  absl::StatusOr<StoreOutcome> Store(Coord c, const Wave& w);

  // Inserts or overwrites the cell at `c` with `w` as given (no blanket
  // logic), stamped touched = now. Same validation and capacity errors as
  // Store; an overwrite never fails for capacity.
  absl::Status Put(Coord c, const Wave& w);

  // The wave at `c`, if any. No side effects.
  std::optional<Wave> Recall(Coord c) const {
    const Wave* w = store_.Find(c.key());
    return w != nullptr ? std::optional<Wave>(*w) : std::nullopt;
  }
  bool Contains(Coord c) const { return store_.Find(c.key()) != nullptr; }

  // A0 = min(A0 * (1 + gain), amplitude_max), clamped at 0 below;
  // access_count += 1; touched = now. False when the cell is empty.
  bool Reinforce(Coord c, float gain);

  // Removes the cell at `c`; false when it was empty.
  bool Forget(Coord c);

  // I(c): the sum over the 27 cells of c's neighbourhood of M(now) weighted
  // by 1 / (1 + |d|); empty cells add 0; edge_policy decides what happens
  // past the border.
  double Interference(Coord c) const;

  // Moves the clock by `dt` (a negative dt is ignored; the clock saturates
  // at 2^32 - 1 ms, the range of `touched`), then forgets every cell whose
  // envelope is below active_threshold, unless its importance is 15.
  DecayStats AdvanceTime(absl::Duration dt);

  // The top query.k cells by score, best first, ties by key. Reads only the
  // frequency buckets that overlap the band.
  std::vector<ResonanceHit> Resonance(const ResonanceQuery& q) const;
  // The same answer by scanning every cell: the reference for Resonance.
  std::vector<ResonanceHit> ResonanceFullScan(const ResonanceQuery& q) const;

  // Every cell with (x - cx)^2 + (y - cy)^2 <= radius^2 and z in
  // [z_min, z_max], in key order.
  std::vector<std::pair<Coord, Wave>> Region(uint8_t cx, uint8_t cy,
                                             double radius, uint16_t z_min,
                                             uint16_t z_max) const;

  // Sum of M(now) over every cell of layer z (summed in key order).
  LayerSum LayerScan(uint16_t z) const;
  // The (key, M(now)) pairs of layer z in key order; LayerScan's terms.
  std::vector<std::pair<uint32_t, double>> LayerTerms(uint16_t z) const;

  // The envelope S = A0 * Emod * D of `w` at the grid's current time.
  double Strength(const Wave& w) const { return model_.Strength(w, now_s_); }
  // M(now) of `w`.
  double Value(const Wave& w) const { return model_.Value(w, now_s_); }

  // f(Coord, const Wave&) for every cell, in no particular order.
  template <typename F>
  void ForEachCell(F&& f) const {
    store_.ForEach([&](uint32_t key, const Wave& w, uint32_t) {
      f(Coord::FromKey(key), w);
    });
  }

  // ---- State ----------------------------------------------------------

  absl::Duration now() const { return now_; }
  size_t size() const { return store_.size(); }
  const GridOptions& options() const { return options_; }
  const WaveModel& model() const { return model_; }
  // Makes room for `cells` cells without rehashing.
  void Reserve(size_t cells) { store_.Reserve(cells); }
  void Prefetch(Coord c) const { store_.Prefetch(c.key()); }

  // Writes a snapshot (grid/snapshot.h) atomically: a temporary
  // file in the same directory, synced, then renamed over `path`.
  absl::Status Save(const std::string& path) const;
  // Reads a snapshot; DataLoss or InvalidArgument naming the file and the
  // problem, never a partial grid.
  static absl::StatusOr<Grid> Load(const std::string& path);

  // ---- For grids composed of grids (ConcurrentGrid) --------------------

  // For loaders: inserts a stored cell as it is (touched kept).
  // REQUIRES: `w` came from a grid's cell (valid, normalised).
  // InvalidArgument when the cell already exists.
  absl::Status Restore(uint32_t key, const Wave& w);
  // AdvanceTime(dt) in steps, so that an owner can sweep a slice at a time:
  // AdvanceClock(dt), then SweepSlice over consecutive [first, last) ranges
  // covering [0, sweep_slices()). `on_evict(key)` is called for each cell the
  // slice forgets, after it is gone.
  void AdvanceClock(absl::Duration dt);
  DecayStats SweepSlice(int first, int last,
                        absl::FunctionRef<void(uint32_t key)> on_evict);
  int sweep_slices() const { return index_.bucket_count(); }

 private:
  // Validates `w` (InvalidArgument naming the bad field) and writes it,
  // normalised and stamped touched = now, to *out.
  absl::Status Prepare(const Wave& w, Wave* out) const;
  // Writes `w` into the cell (new or existing) and keeps the index in step;
  // `expiry` is ExpiryOf(w).
  void Assign(internal::BrickStore::CellRef cell, bool inserted, uint32_t key,
              const Wave& w, float expiry);
  // Grid time (s) before which `w`'s envelope is surely >= active_threshold
  // (+inf: never evicted; -inf: due now). Only a filter: the sweep decides
  // with the envelope itself.
  float ExpiryOf(const Wave& w) const;
  // Refreshes the cell's index entry after a change that keeps its bucket.
  void RefreshEntry(const internal::BrickStore::CellRef& cell, uint32_t key);
  // Removes the index entry of a cell about to be erased (or re-bucketed).
  void RemoveEntry(const Wave& w, uint32_t aux);
  // Erases the cell at `key` from the store and the layer index.
  // REQUIRES: its frequency-index entry is already gone.
  void EraseCell(uint32_t key);
  // f(uint32_t key, const Wave&) for each key of `keys` (all present), with
  // the hash probes prefetched a few keys ahead.
  template <typename F>
  void ForEachFound(const std::vector<uint32_t>& keys, F&& f) const;
  // Fails with ResourceExhausted when a new cell at `key` would not fit.
  absl::Status CheckCapacity(uint32_t key) const {
    if (options_.max_cells == 0 || store_.size() < options_.max_cells) {
      return absl::OkStatus();
    }
    return CheckFullGrid(key);
  }
  absl::Status CheckFullGrid(uint32_t key) const;
  void SetNow(absl::Duration now);
  template <typename Visit>
  void ScanBand(const ResonanceQuery& q, Visit&& visit) const;
  std::vector<ResonanceHit> TopHits(const ResonanceQuery& q,
                                    bool use_index) const;

  GridOptions options_;
  WaveModel model_;
  absl::Duration now_ = absl::ZeroDuration();
  double now_s_ = 0.0;   // now_ in seconds, for the formulas.
  uint32_t now_ms_ = 0;  // now_ in whole ms, for touched stamps.
  internal::BrickStore store_;
  internal::FrequencyIndex index_;
  internal::LayerIndex layers_;
};

}  // namespace m8

#endif  // M8_GRID_GRID_H_
