#include "grid/grid.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "grid/internal/full_grid.h"
#include "grid/internal/neighbourhood.h"
#include "grid/internal/resonance_order.h"
#include "grid/snapshot.h"

namespace m8 {
namespace {

using internal::BrickSlot;
using internal::BrickStore;
using internal::IndexEntry;

constexpr float kPiF = static_cast<float>(kPi);  // Slightly above pi.

// Wraps a finite phase into [-pi, pi) as floats represent it.
float WrapPhase(float phase) {
  if (phase >= -kPiF && phase < kPiF) return phase;
  double p = std::fmod(static_cast<double>(phase) + kPi, 2.0 * kPi);
  if (p < 0) p += 2.0 * kPi;
  float wrapped = static_cast<float>(p - kPi);
  if (wrapped >= kPiF) wrapped = -kPiF;
  return wrapped;
}

// ln(x) for x >= 1, rounded down by at most 2e-5: enough for the sweep's
// expiry filter, and several times cheaper than std::log. With x = 2^e m,
// m in [1, 2), ln m = 2 atanh(t), t = (m - 1) / (m + 1) in [0, 1/3]; the
// series is cut after t^7, and every dropped term is positive, so the
// result never exceeds ln x.
double LnLowerBound(double x) {
  constexpr double kLn2 = 0.69314718055994530942;
  const auto bits = std::bit_cast<uint64_t>(x);
  const int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  const double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) |
                                         0x3ff0000000000000ULL);
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  const double ln_m =
      2.0 * t * (1.0 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7))));
  return exponent * kLn2 + ln_m - 1e-12;
}

// A candidate for the top k of a Resonance query: higher score first, then
// lower key.
struct Candidate {
  double score;
  uint32_t key;
};
bool Better(const Candidate& a, const Candidate& b) {
  return internal::RanksBefore(a.score, a.key, b.score, b.key);
}

// Keeps the best k candidates seen (all of them when k is 0).
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}
  void Offer(Candidate c) {
    if (k_ == 0) {
      items_.push_back(c);
    } else if (items_.size() < k_) {
      items_.push_back(c);
      std::push_heap(items_.begin(), items_.end(), Better);
    } else if (Better(c, items_.front())) {
      std::pop_heap(items_.begin(), items_.end(), Better);
      items_.back() = c;
      std::push_heap(items_.begin(), items_.end(), Better);
    }
  }
  std::vector<Candidate> TakeSorted() {
    std::sort(items_.begin(), items_.end(), Better);
    return std::move(items_);
  }

 private:
  size_t k_;
  std::vector<Candidate> items_;  // A heap with the worst on top when k > 0.
};

}  // namespace

const char* StoreOutcomeName(StoreOutcome outcome) {
  switch (outcome) {
    case StoreOutcome::kStored:
      return "stored";
    case StoreOutcome::kReinforced:
      return "reinforced";
    case StoreOutcome::kTemporary:
      return "temporary";
    case StoreOutcome::kDropped:
      return "dropped";
  }
  return "unknown";
}

// ---- Construction ---------------------------------------------------------

Grid::Grid(GridOptions options)
    : options_(options),
      model_(options),
      store_(options.brick_edge),
      index_(options.frequency_buckets) {
  assert(options.Validate().ok());
  if (options.expected_cells > 0) store_.Reserve(options.expected_cells);
}

absl::StatusOr<Grid> Grid::Create(GridOptions options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return Grid(options);
}

Grid::Grid(const Grid& other) : Grid(other.options_) {
  SetNow(other.now_);
  store_.Reserve(other.size());
  other.store_.ForEach([this](uint32_t key, const Wave& w, uint32_t) {
    bool inserted;
    BrickStore::CellRef cell = store_.Insert(key, &inserted);
    *cell.wave = w;
    *cell.aux = index_.Add(key, w, ExpiryOf(w));
    layers_.Insert(key);
  });
}

Grid& Grid::operator=(const Grid& other) {
  if (this != &other) *this = Grid(other);
  return *this;
}

void Grid::SetNow(absl::Duration now) {
  now_ = std::min(now, kMaxGridTime);
  now_s_ = absl::ToDoubleSeconds(now_);
  now_ms_ = static_cast<uint32_t>(absl::ToInt64Milliseconds(now_));
}

// ---- Cells ----------------------------------------------------------------

namespace {

// Why `w` cannot be stored; only called once a check has failed.
absl::Status MalformedWave(const Wave& w) {
  if (!(std::isfinite(w.amplitude) && w.amplitude >= 0.0f)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "wave amplitude must be finite and >= 0, got ", w.amplitude));
  }
  if (std::isnan(w.frequency)) {
    return absl::InvalidArgumentError("wave frequency is NaN");
  }
  if (!std::isfinite(w.phase)) {
    return absl::InvalidArgumentError(
        absl::StrCat("wave phase must be finite, got ", w.phase));
  }
  if (!(w.decay_tau > 0.0f)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "wave decay_tau must be > 0 (or +inf), got ", w.decay_tau));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("wave importance must be in [0, 15], got ", w.importance));
}

}  // namespace

absl::Status Grid::Prepare(const Wave& w, Wave* out) const {
  const bool well_formed = std::isfinite(w.amplitude) && w.amplitude >= 0.0f &&
                           !std::isnan(w.frequency) && std::isfinite(w.phase) &&
                           w.decay_tau > 0.0f &&
                           w.importance <= kPermanentImportance;
  if (!well_formed) return MalformedWave(w);
  *out = w;
  out->frequency = std::clamp(w.frequency, 0.0f, kMaxFrequency);
  out->phase = WrapPhase(w.phase);
  out->touched = now_ms_;
  return absl::OkStatus();
}

absl::Status Grid::CheckFullGrid(uint32_t key) const {
  if (store_.Find(key) != nullptr) return absl::OkStatus();  // An overwrite.
  return internal::FullGridError(options_.max_cells, key);
}

void Grid::Assign(BrickStore::CellRef cell, bool inserted, uint32_t key,
                  const Wave& w, float expiry) {
  if (inserted) {
    *cell.wave = w;
    *cell.aux = index_.Add(key, w, expiry);
    layers_.Insert(key);
    return;
  }
  const uint32_t old_bucket = index_.BucketOf(cell.wave->frequency);
  if (old_bucket == index_.BucketOf(w.frequency)) {
    *cell.wave = w;
    index_.Set(old_bucket, *cell.aux, key, w, expiry);
    return;
  }
  RemoveEntry(*cell.wave, *cell.aux);
  *cell.wave = w;
  *cell.aux = index_.Add(key, w, expiry);
}

void Grid::RefreshEntry(const BrickStore::CellRef& cell, uint32_t key) {
  index_.Set(index_.BucketOf(cell.wave->frequency), *cell.aux, key, *cell.wave,
             ExpiryOf(*cell.wave));
}

void Grid::RemoveEntry(const Wave& w, uint32_t aux) {
  const std::optional<uint32_t> moved =
      index_.Remove(index_.BucketOf(w.frequency), aux);
  // The entry that took this position belongs to another cell: tell it.
  if (moved) *store_.FindMutable(*moved).aux = aux;
}

absl::StatusOr<StoreOutcome> Grid::Store(Coord c, const Wave& w) {
  Wave prepared;
  if (absl::Status s = Prepare(w, &prepared); !s.ok()) return s;
  const uint32_t key = c.key();
  // Thresholds are compared at the amplitude's own (float) precision, so a
  // wave of amplitude 0.1f meets a noise floor of 0.1.
  const float a0 = prepared.amplitude;
  if (a0 <= static_cast<float>(options_.noise_floor)) {
    return StoreOutcome::kDropped;
  }
  const bool strong = a0 >= static_cast<float>(options_.blanket_threshold);

  BrickStore::CellRef existing = store_.FindMutable(key);
  if (existing.wave != nullptr) {
    if (!strong) return StoreOutcome::kDropped;
    Wave& cell = *existing.wave;
    cell.amplitude = static_cast<float>(
        std::min(cell.amplitude * (1.0 + options_.reinforce_gain),
                 options_.amplitude_max));
    if (cell.access_count != std::numeric_limits<uint32_t>::max()) {
      ++cell.access_count;
    }
    cell.touched = now_ms_;
    cell.valence = prepared.valence;
    cell.arousal = prepared.arousal;
    RefreshEntry(existing, key);
    return StoreOutcome::kReinforced;
  }

  if (absl::Status s = CheckCapacity(key); !s.ok()) return s;
  const bool temporary = !strong;
  prepared.access_count = 0;
  if (temporary) prepared.decay_tau = decay::kFlash;
  bool inserted;
  BrickStore::CellRef cell = store_.Insert(key, &inserted);
  Assign(cell, inserted, key, prepared, ExpiryOf(prepared));
  return temporary ? StoreOutcome::kTemporary : StoreOutcome::kStored;
}

absl::Status Grid::Put(Coord c, const Wave& w) {
  const uint32_t key = c.key();
  // Start the cache misses of the hash probe and the layer index now;
  // checking the wave and working out its expiry run while they are in
  // flight.
  store_.Prefetch(key);
  layers_.Prefetch(key);
  Wave prepared;
  if (absl::Status s = Prepare(w, &prepared); !s.ok()) return s;
  if (absl::Status s = CheckCapacity(key); !s.ok()) return s;
  const float expiry = ExpiryOf(prepared);
  bool inserted;
  BrickStore::CellRef cell = store_.Insert(key, &inserted);
  Assign(cell, inserted, key, prepared, expiry);
  return absl::OkStatus();
}

bool Grid::Reinforce(Coord c, float gain) {
  const uint32_t key = c.key();
  BrickStore::CellRef ref = store_.FindMutable(key);
  if (ref.wave == nullptr) return false;
  if (std::isnan(gain)) gain = 0.0f;
  Wave& cell = *ref.wave;
  const double amplitude = cell.amplitude * (1.0 + static_cast<double>(gain));
  cell.amplitude =
      static_cast<float>(std::clamp(amplitude, 0.0, options_.amplitude_max));
  if (cell.access_count != std::numeric_limits<uint32_t>::max()) {
    ++cell.access_count;
  }
  cell.touched = now_ms_;
  RefreshEntry(ref, key);
  return true;
}

bool Grid::Forget(Coord c) {
  const uint32_t key = c.key();
  BrickStore::CellRef cell = store_.FindMutable(key);
  if (cell.wave == nullptr) return false;
  RemoveEntry(*cell.wave, *cell.aux);
  EraseCell(key);
  return true;
}

void Grid::EraseCell(uint32_t key) {
  store_.Erase(key);
  layers_.Erase(key);
}

// ---- Interference ---------------------------------------------------------

double Grid::Interference(Coord c) const {
  const internal::Neighbourhood n(c, options_.edge_policy);
  // Ask the layer index which neighbours exist, prefetch their hash probes
  // so that they overlap, then visit only those cells: the work is in
  // proportion to the cells, not to the 27 offsets.
  uint32_t keys[27];
  int count = 0;
  const internal::LayerIndex::Layer* layer = nullptr;
  n.ForEachCell(
      [&](uint32_t z) { return (layer = layers_.layer(z)) != nullptr; },
      [&](uint32_t key) {
        if (!layer->Has(key & 0xffff)) return;
        keys[count] = key;
        store_.Prefetch(keys[count++]);
      });
  // Find every cell first, in a loop short enough for all their misses to
  // be in flight at once, then evaluate the waves (exp and sin are long
  // enough to hold back the next lookup if interleaved).
  const Wave* waves[27];
  for (int i = 0; i < count; ++i) waves[i] = store_.Find(keys[i]);
  internal::InterferenceTerms terms(n);
  for (int i = 0; i < count; ++i) {
    const uint32_t key = keys[i];
    terms.Add(key & 0xff, (key >> 8) & 0xff, key >> 16,
              [&] { return model_.Value(*waves[i], now_s_); });
  }
  return terms.Sum();
}

// ---- Time -----------------------------------------------------------------

float Grid::ExpiryOf(const Wave& w) const {
  constexpr float kNever = std::numeric_limits<float>::infinity();
  const double threshold = options_.active_threshold;
  // S >= 0 always (A0 >= 0, Emod >= 0 for valid alpha and beta).
  if (w.importance >= kPermanentImportance || std::isinf(w.decay_tau) ||
      threshold <= 0) {
    return kNever;
  }
  const double s0 = w.amplitude * model_.Modulation(w.valence, w.arousal);
  if (!(s0 >= threshold)) return -kNever;  // Below it already: check now.
  // S(t) = s0 exp(-(t - touched) / tau_eff) falls below the threshold after
  // touched + tau_eff ln(s0 / threshold). Round well down (the margin is far
  // wider than the rounding of this formula and of the float) so that the
  // sweep may look at a cell early, never late; it then decides with the
  // envelope itself.
  const double t = w.touched * 1e-3 + w.decay_tau * model_.tau_scale() *
                                          LnLowerBound(s0 / threshold);
  return static_cast<float>(t - (std::abs(t) * 1e-6 + 1e-6));
}

DecayStats Grid::AdvanceTime(absl::Duration dt) {
  AdvanceClock(dt);
  return SweepSlice(0, sweep_slices(), [](uint32_t) {});
}

void Grid::AdvanceClock(absl::Duration dt) {
  if (dt > absl::ZeroDuration()) SetNow(now_ + dt);
}

DecayStats Grid::SweepSlice(int first_bucket, int last_bucket,
                            absl::FunctionRef<void(uint32_t key)> on_evict) {
  DecayStats stats;
  const double threshold = options_.active_threshold;
  // now rounded up to a float: now_up < expiry implies now < expiry.
  float now_up = static_cast<float>(now_s_);
  if (now_up < now_s_) now_up = std::nextafter(now_up, HUGE_VALF);
  for (int b = first_bucket; b < last_bucket; ++b) {
    std::span<const float> expiry = index_.expiry(b);
    stats.scanned += expiry.size();
    // Most buckets have nothing due: find out with a loop the compiler
    // vectorises, reading 4 bytes per cell.
    uint32_t due = 0;
    for (const float e : expiry) due += !(now_up < e);
    if (due == 0) continue;
    // Backwards, so that the entry a removal moves into place has already
    // been examined.
    for (size_t i = expiry.size(); i-- > 0;) {
      if (now_up < expiry[i]) continue;  // Surely still active.
      const IndexEntry& e = index_.entries(b)[i];
      const double s = model_.Strength(e.amplitude, e.valence, e.arousal,
                                       e.touched, e.decay_tau, now_s_);
      if (s >= threshold) continue;
      const uint32_t key = e.key;
      EraseCell(key);
      const auto pos = static_cast<uint32_t>(i);
      if (const std::optional<uint32_t> moved = index_.Remove(b, pos)) {
        *store_.FindMutable(*moved).aux = pos;
      }
      expiry = index_.expiry(b);
      ++stats.evicted;
      on_evict(key);
    }
  }
  return stats;
}

// ---- Resonance ------------------------------------------------------------

namespace {

// The score of a cell for `q`, or nothing when it is out of band or too
// weak. One function for the indexed and the scanning paths.
std::optional<double> ScoreOf(const ResonanceQuery& q, const WaveModel& model,
                              double now_s, float frequency, float amplitude,
                              int8_t valence, uint8_t arousal, uint32_t touched,
                              float decay_tau) {
  const double distance = std::abs(static_cast<double>(frequency) -
                                   static_cast<double>(q.frequency));
  if (!(distance <= q.bandwidth)) return std::nullopt;
  const double s =
      model.Strength(amplitude, valence, arousal, touched, decay_tau, now_s);
  if (!(s >= q.min_strength)) return std::nullopt;
  double score = q.bandwidth > 0 ? s * std::exp(-distance / q.bandwidth) : s;
  if (q.target_valence || q.target_arousal) {
    const double dv =
        q.target_valence ? std::abs(valence / 127.0 - *q.target_valence) : 0;
    const double da =
        q.target_arousal ? std::abs(arousal / 255.0 - *q.target_arousal) : 0;
    score *= 1.0 - (dv + da) / 4.0;
  }
  return score;
}

}  // namespace

std::vector<ResonanceHit> Grid::TopHits(const ResonanceQuery& q,
                                        bool use_index) const {
  TopK top(q.k);
  if (std::isnan(q.frequency) || !(q.bandwidth >= 0)) return {};
  if (use_index) {
    const double lo = static_cast<double>(q.frequency) - q.bandwidth;
    const double hi = static_cast<double>(q.frequency) + q.bandwidth;
    if (hi < 0 || lo > kMaxFrequency) return {};
    // One bucket of slack on each side; ScoreOf decides exactly.
    const uint32_t first =
        index_.BucketOf(static_cast<float>(std::max(lo, 0.0)));
    const uint32_t last = index_.BucketOf(
        static_cast<float>(std::min<double>(hi, kMaxFrequency)));
    const uint32_t from = first > 0 ? first - 1 : 0;
    const uint32_t to = std::min<uint32_t>(last + 1, index_.bucket_count() - 1);
    for (uint32_t b = from; b <= to; ++b) {
      for (const IndexEntry& e : index_.entries(b)) {
        if (auto score =
                ScoreOf(q, model_, now_s_, e.frequency, e.amplitude, e.valence,
                        e.arousal, e.touched, e.decay_tau)) {
          top.Offer({*score, e.key});
        }
      }
    }
  } else {
    store_.ForEach([&](uint32_t key, const Wave& w, uint32_t) {
      if (auto score = ScoreOf(q, model_, now_s_, w.frequency, w.amplitude,
                               w.valence, w.arousal, w.touched, w.decay_tau)) {
        top.Offer({*score, key});
      }
    });
  }
  std::vector<Candidate> best = top.TakeSorted();
  std::vector<ResonanceHit> hits;
  hits.reserve(best.size());
  for (const Candidate& c : best) {
    hits.push_back({Coord::FromKey(c.key), *store_.Find(c.key), c.score});
  }
  return hits;
}

std::vector<ResonanceHit> Grid::Resonance(const ResonanceQuery& q) const {
  return TopHits(q, /*use_index=*/true);
}

std::vector<ResonanceHit> Grid::ResonanceFullScan(
    const ResonanceQuery& q) const {
  return TopHits(q, /*use_index=*/false);
}

// ---- Region and layers ----------------------------------------------------

template <typename F>
void Grid::ForEachFound(const std::vector<uint32_t>& keys, F&& f) const {
  constexpr size_t kAhead = 8;
  for (size_t i = 0; i < std::min(kAhead, keys.size()); ++i) {
    store_.Prefetch(keys[i]);
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i + kAhead < keys.size()) store_.Prefetch(keys[i + kAhead]);
    f(keys[i], *store_.Find(keys[i]));
  }
}

std::vector<std::pair<Coord, Wave>> Grid::Region(uint8_t cx, uint8_t cy,
                                                 double radius, uint16_t z_min,
                                                 uint16_t z_max) const {
  std::vector<std::pair<Coord, Wave>> cells;
  if (!(radius >= 0) || z_min > z_max) return cells;
  const double r2 = radius * radius;
  const double reach = std::min(radius, 256.0);
  const auto x0 = static_cast<uint32_t>(std::max(0.0, std::ceil(cx - reach)));
  const auto x1 =
      static_cast<uint32_t>(std::min(255.0, std::floor(cx + reach)));
  const auto y0 = static_cast<uint32_t>(std::max(0.0, std::ceil(cy - reach)));
  const auto y1 =
      static_cast<uint32_t>(std::min(255.0, std::floor(cy + reach)));
  // The layer index yields keys in ascending order: no sort needed.
  std::vector<uint32_t> keys;
  layers_.ForEachLayer(
      z_min, z_max, [&](uint32_t z, const internal::LayerIndex::Layer& layer) {
        layer.ForEachInRect(x0, x1, y0, y1, [&](uint32_t pos) {
          const int dx = static_cast<int>(pos & 0xff) - cx;
          const int dy = static_cast<int>(pos >> 8) - cy;
          if (dx * dx + dy * dy <= r2) keys.push_back(z << 16 | pos);
        });
      });
  cells.reserve(keys.size());
  ForEachFound(keys, [&](uint32_t key, const Wave& w) {
    cells.emplace_back(Coord::FromKey(key), w);
  });
  return cells;
}

std::vector<std::pair<uint32_t, double>> Grid::LayerTerms(uint16_t z) const {
  std::vector<std::pair<uint32_t, double>> terms;
  const internal::LayerIndex::Layer* layer = layers_.layer(z);
  if (layer == nullptr) return terms;
  std::vector<uint32_t> keys;
  keys.reserve(layer->size());
  layer->ForEachInRect(0, kMaxX, 0, kMaxY, [&](uint32_t pos) {
    keys.push_back(uint32_t{z} << 16 | pos);
  });
  terms.reserve(keys.size());
  ForEachFound(keys, [&](uint32_t key, const Wave& w) {
    terms.emplace_back(key, model_.Value(w, now_s_));
  });
  return terms;
}

LayerSum Grid::LayerScan(uint16_t z) const {
  return LayerSum::Of(LayerTerms(z));
}

// ---- Snapshots ------------------------------------------------------------

absl::Status Grid::Restore(uint32_t key, const Wave& w) {
  bool inserted;
  BrickStore::CellRef cell = store_.Insert(key, &inserted);
  if (!inserted) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate cell ", key));
  }
  *cell.wave = w;
  *cell.aux = index_.Add(key, w, ExpiryOf(w));
  layers_.Insert(key);
  return absl::OkStatus();
}

absl::Status Grid::Save(const std::string& path) const {
  absl::StatusOr<std::unique_ptr<SnapshotWriter>> writer =
      SnapshotWriter::Open(path, {options_, now_, size()});
  if (!writer.ok()) return writer.status();
  absl::Status status;
  store_.ForEach([&](uint32_t key, const Wave& w, uint32_t) {
    if (status.ok()) status = (*writer)->Append(key, w);
  });
  if (!status.ok()) return status;
  return (*writer)->Commit();
}

absl::StatusOr<Grid> Grid::Load(const std::string& path) {
  std::optional<Grid> grid;
  absl::Status status = ReadSnapshot(
      path,
      [&](const SnapshotHeader& header) {
        grid.emplace(header.options);
        grid->SetNow(header.now);
        // The count matches the file's size, but a sparse file can be huge
        // and empty: reserve no more than an option could ask for.
        grid->Reserve(std::min<uint64_t>(header.cell_count, kMaxExpectedCells));
        return absl::OkStatus();
      },
      [&](uint32_t key, const Wave& w) { return grid->Restore(key, w); });
  if (!status.ok()) return status;
  return std::move(*grid);
}

}  // namespace m8
