// The model's semantic checks, run on any grid backend before it is
// measured: the Memory Blanket's rows, Put/Recall/Reinforce/Forget,
// capacity, decay against its closed form, interference at corners, edges
// and inside, resonance order, region boundaries, layer sums and the
// snapshot round trip. Every expected value is computed here from the
// model's formulas (model_formulas.h), never by asking m8::Grid.
//
// Each check ends in one verdict: kPass, kFail (with what differed), or
// kNotSupported (the backend lacks an operation the check needs). A backend
// conforms when no check fails.
//
// Thread-safety: RunConformance builds backends of its own; call it from
// one thread.
#ifndef M8_BENCH_SUPPORT_CONFORMANCE_H_
#define M8_BENCH_SUPPORT_CONFORMANCE_H_

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "bench/support/backend.h"
#include "bench/support/model_formulas.h"

namespace m8::bench {

enum class CheckVerdict { kPass, kFail, kNotSupported };
const char* CheckVerdictName(CheckVerdict verdict);

struct CheckResult {
  std::string name;  // "Store/blanket/reinforced"
  CheckVerdict verdict = CheckVerdict::kPass;
  std::string detail;  // what differed, or the missing operation
};

struct ConformanceReport {
  std::vector<CheckResult> checks;

  // No check failed.
  bool conforms() const;
  // The first failed check, or null.
  const CheckResult* first_failure() const;
  // "19 checks: 17 passed, 2 not supported (Snapshot/roundtrip, ...)".
  std::string Summary() const;
};

// The check running now (a string literal), or null: for a handler that
// reports a hang.
void SetCurrentConformanceCheck(const char* name);
const char* CurrentConformanceCheck();
// Restarts the time limit of RunWithTimeLimit for the next check (nothing
// outside it).
void RestartCheckTimer();

namespace conformance_internal {

// A check's body: "" when it passed, else what differed.
using Outcome = std::string;

// The waves the checks store.
Wave TestWave(float amplitude, float frequency, float phase, float tau);
// "" when `got` equals `want` in every field the caller gave it, else which.
std::string DiffWave(const Wave& got, const Wave& want, bool check_touched);
// "" when |got - want| <= 1e-9 + 1e-5 * |want|.
std::string DiffNumber(const char* what, double got, double want);
std::string Describe(Coord c);

// The cells and queries of the interference, resonance and region checks.
std::vector<std::pair<Coord, float>> EdgeCells();
std::vector<std::pair<Coord, float>> InsideCells();
std::vector<ResonanceQuery> ResonanceQueries();
std::vector<Coord> RegionCandidates();
inline constexpr uint8_t kRegionX = 100;
inline constexpr uint8_t kRegionY = 100;
inline constexpr double kRegionRadius = 5.0;
inline constexpr uint16_t kRegionZMin = 10;
inline constexpr uint16_t kRegionZMax = 20;

template <typename B>
absl::StatusOr<B> Fresh(const GridOptions& options = {}) {
  return B::Create(options);
}

template <typename B>
Outcome RoundTrip() {
  absl::StatusOr<B> b = Fresh<B>();
  if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
  const Coord c{17, 42, 300};
  Wave w = TestWave(2.5f, 440.0f, 1.25f, 30.0f);
  w.valence = -40;
  w.arousal = 200;
  w.importance = 7;
  w.kind = 3;
  w.tag = 0xfeedbeef;
  if (absl::Status s = b->Put(c, w); !s.ok()) {
    return absl::StrCat("Put", Describe(c), ": ", s.message());
  }
  const std::optional<Wave> got = b->Recall(c);
  if (!got) return absl::StrCat("Recall", Describe(c), " found nothing");
  if (std::string d = DiffWave(*got, w, true); !d.empty()) return d;
  if (b->Recall(Coord{17, 42, 301})) return "Recall of an empty cell found one";
  if (b->size() != 1) return absl::StrCat("size() is ", b->size(), ", not 1");
  return "";
}

// One row of the blanket table: a first wave (or none) at the cell, then a
// Store of `amplitude`; the outcome and the cell afterwards.
template <typename B>
Outcome BlanketRow(std::optional<float> first, float amplitude,
                   StoreOutcome want) {
  absl::StatusOr<B> b = Fresh<B>();
  if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
  const GridOptions options;
  const Coord c{3, 4, 5};
  Wave before = TestWave(first.value_or(0.0f), 300.0f, 0.5f, 5.0f);
  before.valence = 10;
  before.arousal = 20;
  if (first) {
    if (absl::Status s = b->Put(c, before); !s.ok()) {
      return absl::StrCat("Put: ", s.message());
    }
  }
  Wave incoming = TestWave(amplitude, 320.0f, -0.5f, 5.0f);
  incoming.valence = 90;
  incoming.arousal = 250;
  absl::StatusOr<StoreOutcome> outcome = b->Store(c, incoming);
  if (!outcome.ok()) return absl::StrCat("Store: ", outcome.status().message());
  if (*outcome != want) {
    return absl::StrCat("Store of A0 = ", amplitude, " returned ",
                        StoreOutcomeName(*outcome), ", the model says ",
                        StoreOutcomeName(want));
  }
  const std::optional<Wave> got = b->Recall(c);
  Wave expected = before;
  switch (want) {
    case StoreOutcome::kStored:
      expected = incoming;
      break;
    case StoreOutcome::kTemporary:
      expected = incoming;
      expected.decay_tau = decay::kFlash;
      break;
    case StoreOutcome::kReinforced:
      expected.amplitude = ReinforcedAmplitude(
          before.amplitude, options.reinforce_gain, options.amplitude_max);
      expected.access_count = 1;
      expected.valence = incoming.valence;
      expected.arousal = incoming.arousal;
      break;
    case StoreOutcome::kDropped:
      if (!first) {
        return got ? "a dropped wave was stored" : "";
      }
      break;
  }
  if (!got) return "the cell is empty after Store";
  return DiffWave(*got, expected, true);
}

template <typename B>
Outcome ReinforceFormula() {
  absl::StatusOr<B> b = Fresh<B>();
  if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
  const GridOptions options;
  const Coord low{1, 1, 1}, high{2, 2, 2};
  const Wave w_low = TestWave(2.0f, 100.0f, 0.0f, 5.0f);
  const Wave w_high = TestWave(900.0f, 100.0f, 0.0f, 5.0f);
  if (!b->Put(low, w_low).ok() || !b->Put(high, w_high).ok()) {
    return "Put failed";
  }
  if (!b->Reinforce(low, 0.5f) || !b->Reinforce(high, 0.5f)) {
    return "Reinforce of a present cell returned false";
  }
  if (b->Reinforce(Coord{9, 9, 9}, 0.5f)) {
    return "Reinforce of an empty cell returned true";
  }
  Wave want_low = w_low, want_high = w_high;
  want_low.amplitude = ReinforcedAmplitude(2.0f, 0.5, options.amplitude_max);
  want_high.amplitude = ReinforcedAmplitude(900.0f, 0.5, options.amplitude_max);
  want_low.access_count = want_high.access_count = 1;
  const std::optional<Wave> got_low = b->Recall(low);
  const std::optional<Wave> got_high = b->Recall(high);
  if (!got_low || !got_high) return "a reinforced cell disappeared";
  if (std::string d = DiffWave(*got_low, want_low, true); !d.empty()) return d;
  if (std::string d = DiffWave(*got_high, want_high, true); !d.empty()) {
    return absl::StrCat("at amplitude_max: ", d);
  }
  return "";
}

template <typename B>
Outcome ForgetThenRecall() {
  absl::StatusOr<B> b = Fresh<B>();
  if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
  const Coord a{5, 6, 7}, c{5, 6, 8};
  if (!b->Put(a, TestWave(1, 10, 0, 5)).ok() ||
      !b->Put(c, TestWave(1, 20, 0, 5)).ok()) {
    return "Put failed";
  }
  if (!b->Forget(a)) return "Forget of a present cell returned false";
  if (b->Recall(a)) return "Recall after Forget found the cell";
  if (b->Forget(a)) return "Forget of a forgotten cell returned true";
  if (!b->Recall(c)) return "Forget removed a neighbouring cell";
  if (b->size() != 1) return absl::StrCat("size() is ", b->size(), ", not 1");
  return "";
}

template <typename B>
Outcome Capacity() {
  GridOptions options;
  options.max_cells = 2;
  absl::StatusOr<B> b = Fresh<B>(options);
  if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
  const Coord a{1, 0, 0}, c{2, 0, 0}, full{3, 0, 0};
  if (!b->Put(a, TestWave(1, 10, 0, 5)).ok() ||
      !b->Put(c, TestWave(1, 20, 0, 5)).ok()) {
    return "Put below max_cells failed";
  }
  const absl::Status put = b->Put(full, TestWave(1, 30, 0, 5));
  if (put.code() != absl::StatusCode::kResourceExhausted) {
    return absl::StrCat("Put into a full grid returned '", put.ToString(),
                        "', not RESOURCE_EXHAUSTED");
  }
  const absl::StatusOr<StoreOutcome> store =
      b->Store(full, TestWave(0.9f, 30, 0, 5));
  if (store.status().code() != absl::StatusCode::kResourceExhausted) {
    return "Store of a new cell into a full grid did not fail with "
           "RESOURCE_EXHAUSTED";
  }
  if (!b->Put(a, TestWave(2, 40, 0, 5)).ok()) {
    return "an overwrite in a full grid failed";
  }
  if (b->Recall(full) || !b->Recall(c) || b->size() != 2) {
    return "a full grid changed its cells";
  }
  return "";
}

template <typename B>
Outcome DecayClosedForm() {
  if constexpr (HasAdvanceTime<B> && HasInterference<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    const GridOptions options;
    const Coord c{128, 128, 100};
    Wave w = TestWave(2.0f, 0.25f, 0.3f, 5.0f);
    w.valence = 64;
    w.arousal = 128;
    if (!b->Put(c, w).ok()) return "Put failed";
    b->AdvanceTime(absl::Milliseconds(1500));
    const double want = WaveValue(w, 1.5, options);
    return DiffNumber("I(c) of a lone wave after 1.5 s", b->Interference(c),
                      want);
  }
  return "";
}

template <typename B>
Outcome DecayEviction() {
  if constexpr (HasAdvanceTime<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    const GridOptions options;
    const Coord fading{10, 10, 10}, permanent{11, 10, 10};
    const Wave w = TestWave(1.0f, 100.0f, 0.0f, 5.0f);
    Wave kept = w;
    kept.importance = kPermanentImportance;
    if (!b->Put(fading, w).ok() || !b->Put(permanent, kept).ok()) {
      return "Put failed";
    }
    // S = exp(-t / tau) falls below active_threshold at t = tau * ln(1/thr).
    const double t_evict = EvictionAge(w, options);
    const absl::Duration before = absl::Seconds(t_evict - 0.05);
    b->AdvanceTime(before);
    if (!b->Recall(fading)) {
      return absl::StrCat("evicted at ", t_evict - 0.05,
                          " s, before its envelope fell below the "
                          "threshold (at ",
                          t_evict, " s)");
    }
    b->AdvanceTime(absl::Milliseconds(100));
    if (b->Recall(fading)) {
      return absl::StrCat("still present at ", t_evict + 0.05, " s (due at ",
                          t_evict, " s)");
    }
    if (!b->Recall(permanent)) return "evicted a cell of importance 15";
  }
  return "";
}

// Cells and queries of the interference checks: each cell's M(now) at time
// 0 is the value given (A0 = |value|, phase +-pi/2, f = 0, tau = +inf, no
// emotion).
template <typename B>
Outcome InterferenceAt(const std::vector<std::pair<Coord, float>>& cells,
                       const std::vector<Coord>& queries) {
  if constexpr (HasInterference<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    const GridOptions options;
    std::vector<std::pair<Coord, Wave>> waves;
    for (const auto& [c, value] : cells) {
      const float half_pi = std::numbers::pi_v<float> / 2;
      const Wave w =
          TestWave(std::abs(value), 0.0f, value < 0 ? -half_pi : half_pi,
                   decay::kConsolidate);
      if (absl::Status s = b->Put(c, w); !s.ok()) {
        return absl::StrCat("Put", Describe(c), ": ", s.message());
      }
      waves.emplace_back(c, w);
    }
    for (Coord q : queries) {
      const double want = ExpectedInterference(waves, q, 0.0, options);
      std::string d = DiffNumber(absl::StrCat("I", Describe(q)).c_str(),
                                 b->Interference(q), want);
      if (!d.empty()) return d;
    }
  }
  return "";
}

template <typename B>
Outcome ResonanceOrder() {
  if constexpr (HasResonance<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    const GridOptions options;
    std::vector<std::pair<Coord, Wave>> waves;
    const float freqs[] = {500, 502, 505, 498, 530, 501, 501, 509};
    const float amps[] = {1.0f, 2.0f, 1.5f, 1.0f, 5.0f, 0.5f, 0.5f, 0.005f};
    for (int i = 0; i < 8; ++i) {
      // Two equal waves at 501 Hz: a tie, ordered by key.
      const Coord c{static_cast<uint8_t>(i == 6 ? 200 : 20 + i), 7, 9};
      Wave w = TestWave(amps[i], freqs[i], 0.0f, decay::kConsolidate);
      w.valence = static_cast<int8_t>(i * 10);
      w.arousal = static_cast<uint8_t>(i * 30);
      if (!b->Put(c, w).ok()) return "Put failed";
      waves.emplace_back(c, w);
    }
    for (const ResonanceQuery& q : ResonanceQueries()) {
      const std::vector<ResonanceHit> got = b->Resonance(q);
      const std::vector<ResonanceHit> want =
          ExpectedResonance(waves, q, 0.0, options);
      if (got.size() != want.size()) {
        return absl::StrCat("Resonance(f0 = ", q.frequency, ", k = ", q.k,
                            ") returned ", got.size(), " hits, the model ",
                            want.size());
      }
      for (size_t i = 0; i < got.size(); ++i) {
        if (got[i].coord.key() != want[i].coord.key()) {
          return absl::StrCat("Resonance(f0 = ", q.frequency, ") hit ", i,
                              " is", Describe(got[i].coord), ", the model's",
                              Describe(want[i].coord));
        }
        std::string d = DiffNumber("score", got[i].score, want[i].score);
        if (!d.empty()) return d;
      }
    }
  }
  return "";
}

template <typename B>
Outcome RegionBoundary() {
  if constexpr (HasRegion<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    std::vector<Coord> all;
    for (Coord c : RegionCandidates()) {
      if (!b->Put(c, TestWave(1, 50, 0, 5)).ok()) return "Put failed";
      all.push_back(c);
    }
    const std::vector<Coord> want = ExpectedRegion(
        all, kRegionX, kRegionY, kRegionRadius, kRegionZMin, kRegionZMax);
    const auto got =
        b->Region(kRegionX, kRegionY, kRegionRadius, kRegionZMin, kRegionZMax);
    std::vector<uint32_t> got_keys, want_keys;
    for (const auto& [c, w] : got) got_keys.push_back(c.key());
    for (Coord c : want) want_keys.push_back(c.key());
    if (got_keys != want_keys) {
      return absl::StrCat(
          "Region returned ", got_keys.size(),
          " cells (in this order: ", absl::StrJoin(got_keys, ","),
          "), the model ", want_keys.size(), " (",
          absl::StrJoin(want_keys, ","), ")");
    }
  }
  return "";
}

template <typename B>
Outcome LayerScanSum() {
  if constexpr (HasLayerScan<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    const GridOptions options;
    std::vector<std::pair<Coord, Wave>> waves;
    for (int i = 0; i < 5; ++i) {
      const Coord c{static_cast<uint8_t>(i * 40), static_cast<uint8_t>(i), 7};
      Wave w = TestWave(1.0f + i, 10.0f * i, 0.2f * i - 0.4f, 5.0f);
      w.valence = static_cast<int8_t>(-20 * i);
      if (!b->Put(c, w).ok()) return "Put failed";
      waves.emplace_back(c, w);
    }
    if (!b->Put(Coord{1, 1, 8}, TestWave(3, 1, 1, 5)).ok()) return "Put failed";
    double want = 0;
    for (const auto& [c, w] : waves) want += WaveValue(w, 0.0, options);
    const LayerSum got = b->LayerScan(7);
    if (got.count != waves.size()) {
      return absl::StrCat("LayerScan(7) counted ", got.count, " cells, not ",
                          waves.size());
    }
    return DiffNumber("LayerScan(7).sum", got.sum, want);
  }
  return "";
}

template <typename B>
Outcome SnapshotRoundTrip(const std::string& temp_dir) {
  if constexpr (HasSnapshot<B>) {
    absl::StatusOr<B> b = Fresh<B>();
    if (!b.ok()) return absl::StrCat("Create: ", b.status().message());
    std::vector<std::pair<Coord, Wave>> cells;
    for (int i = 0; i < 16; ++i) {
      const Coord c{static_cast<uint8_t>(i * 13), static_cast<uint8_t>(i),
                    static_cast<uint16_t>(i * 1000)};
      const Wave w = TestWave(0.5f + i, 60.0f * i, 0.1f * i - 0.8f, 30.0f);
      if (!b->Put(c, w).ok()) return "Put failed";
      cells.emplace_back(c, w);
    }
    const std::string path =
        absl::StrCat(temp_dir, "/m8_conformance_", getpid(), ".m8");
    if (absl::Status s = b->Save(path); !s.ok()) {
      return absl::StrCat("Save: ", s.message());
    }
    absl::StatusOr<B> loaded = B::Load(path);
    std::remove(path.c_str());
    if (!loaded.ok()) return absl::StrCat("Load: ", loaded.status().message());
    if (loaded->size() != cells.size()) return "Load changed the cell count";
    for (const auto& [c, w] : cells) {
      const std::optional<Wave> got = loaded->Recall(c);
      if (!got) return absl::StrCat("Load lost", Describe(c));
      if (std::string d = DiffWave(*got, w, true); !d.empty()) return d;
    }
  }
  return "";
}

}  // namespace conformance_internal

// Runs every check on backends of type B created fresh for each check.
// `temp_dir` holds the snapshot of the round-trip check.
template <GridBackend B>
ConformanceReport RunConformanceIn(const std::string& temp_dir) {
  namespace ci = conformance_internal;
  ConformanceReport report;
  // The operations a check needs, as this backend supports them: a fresh
  // instance answers for a backend that knows only at run time.
  SetCurrentConformanceCheck("Create");
  absl::StatusOr<B> probe = B::Create(GridOptions());
  auto supports = [&](BackendOperation op) {
    return probe.ok() && Supports(*probe, op);
  };
  auto run = [&](const char* name, std::vector<BackendOperation> needs,
                 auto&& body) {
    SetCurrentConformanceCheck(name);
    RestartCheckTimer();
    CheckResult result{name, CheckVerdict::kPass, ""};
    for (BackendOperation op : needs) {
      if (!supports(op)) {
        result.verdict = CheckVerdict::kNotSupported;
        result.detail = absl::StrCat("needs ", BackendOperationName(op));
        report.checks.push_back(std::move(result));
        return;
      }
    }
    result.detail = body();
    if (!result.detail.empty()) result.verdict = CheckVerdict::kFail;
    report.checks.push_back(std::move(result));
  };
  using Op = BackendOperation;
  const GridOptions o;
  const float between =
      static_cast<float>((o.noise_floor + o.blanket_threshold) / 2);
  const float strong = static_cast<float>(o.blanket_threshold + 0.3);
  const float noise = static_cast<float>(o.noise_floor / 2);
  run("Put/Recall/roundtrip", {}, [] { return ci::RoundTrip<B>(); });
  run("Store/blanket/stored", {}, [&] {
    return ci::BlanketRow<B>(std::nullopt, strong, StoreOutcome::kStored);
  });
  run("Store/blanket/temporary", {}, [&] {
    return ci::BlanketRow<B>(std::nullopt, between, StoreOutcome::kTemporary);
  });
  run("Store/blanket/reinforced", {}, [&] {
    return ci::BlanketRow<B>(0.8f, strong, StoreOutcome::kReinforced);
  });
  run("Store/blanket/dropped_noise", {}, [&] {
    return ci::BlanketRow<B>(0.8f, noise, StoreOutcome::kDropped) +
           ci::BlanketRow<B>(std::nullopt, noise, StoreOutcome::kDropped);
  });
  run("Store/blanket/dropped_occupied", {},
      [&] { return ci::BlanketRow<B>(0.8f, between, StoreOutcome::kDropped); });
  run("Reinforce/formula", {}, [] { return ci::ReinforceFormula<B>(); });
  run("Forget/then_recall", {}, [] { return ci::ForgetThenRecall<B>(); });
  run("Capacity/max_cells", {}, [] { return ci::Capacity<B>(); });
  run("Decay/closed_form", {Op::kAdvanceTime, Op::kInterference},
      [] { return ci::DecayClosedForm<B>(); });
  run("Decay/eviction", {Op::kAdvanceTime},
      [] { return ci::DecayEviction<B>(); });
  run("Interference/corner", {Op::kInterference}, [] {
    return ci::InterferenceAt<B>({{Coord{0, 0, 0}, 1.0f}}, {Coord{0, 0, 0}});
  });
  run("Interference/edges", {Op::kInterference}, [] {
    return ci::InterferenceAt<B>(
        ci::EdgeCells(),
        {Coord{0, 5, 5}, Coord{1, 6, 5}, Coord{255, 255, 65535},
         Coord{255, 0, 1}, Coord{0, 5, 0}});
  });
  run("Interference/inside", {Op::kInterference}, [] {
    return ci::InterferenceAt<B>(ci::InsideCells(),
                                 {Coord{100, 100, 100}, Coord{101, 99, 101}});
  });
  run("Resonance/order", {Op::kResonance},
      [] { return ci::ResonanceOrder<B>(); });
  run("Region/boundary", {Op::kRegion}, [] { return ci::RegionBoundary<B>(); });
  run("LayerScan/sum", {Op::kLayerScan}, [] { return ci::LayerScanSum<B>(); });
  run("Snapshot/roundtrip", {Op::kSnapshot},
      [&] { return ci::SnapshotRoundTrip<B>(temp_dir); });
  SetCurrentConformanceCheck(nullptr);
  return report;
}

// Runs `conformance` with a time limit per check (kCheckSeconds): a check
// that does not finish in time ends the process with one line naming
// `subject` and the check, and exit code 2. For libraries that may hang.
inline constexpr unsigned kCheckSeconds = 20;
ConformanceReport RunWithTimeLimit(ConformanceReport (*conformance)(),
                                   const std::string& subject);

// RunConformanceIn the benchmark settings' temporary directory.
std::string ConformanceTempDir();
template <GridBackend B>
ConformanceReport RunConformance() {
  return RunConformanceIn<B>(ConformanceTempDir());
}

}  // namespace m8::bench

#endif  // M8_BENCH_SUPPORT_CONFORMANCE_H_
