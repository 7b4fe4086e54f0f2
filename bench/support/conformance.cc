#include "bench/support/conformance.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "bench/support/config.h"
#include "bench/support/signal_write.h"

namespace m8::bench {

const char* CheckVerdictName(CheckVerdict verdict) {
  switch (verdict) {
    case CheckVerdict::kPass:
      return "PASS";
    case CheckVerdict::kFail:
      return "FAIL";
    case CheckVerdict::kNotSupported:
      return "NOT SUPPORTED";
  }
  return "?";
}

bool ConformanceReport::conforms() const { return first_failure() == nullptr; }

const CheckResult* ConformanceReport::first_failure() const {
  for (const CheckResult& check : checks) {
    if (check.verdict == CheckVerdict::kFail) return &check;
  }
  return nullptr;
}

std::string ConformanceReport::Summary() const {
  int passed = 0, failed = 0;
  std::vector<std::string> unsupported;
  for (const CheckResult& check : checks) {
    if (check.verdict == CheckVerdict::kPass) ++passed;
    if (check.verdict == CheckVerdict::kFail) ++failed;
    if (check.verdict == CheckVerdict::kNotSupported) {
      unsupported.push_back(check.name);
    }
  }
  std::string summary =
      absl::StrCat(checks.size(), " checks: ", passed, " passed");
  if (failed > 0) absl::StrAppend(&summary, ", ", failed, " failed");
  if (!unsupported.empty()) {
    absl::StrAppend(&summary, ", ", unsupported.size(), " not supported (",
                    absl::StrJoin(unsupported, ", "), ")");
  }
  return summary;
}

namespace {

std::atomic<const char*> g_current_check{nullptr};
std::atomic<bool> g_timed{false};
// Written before the timer starts, read by the handler.
char g_subject[512];

void OnTimeLimit(int) {
  const char* check = g_current_check.load(std::memory_order_relaxed);
  WriteStderr("m8bench: ");
  WriteStderr(g_subject);
  WriteStderr(": conformance check ");
  WriteStderr(check != nullptr ? check : "(before the first)");
  WriteStderr(" did not finish within 20 s (a hang in the library?)\n");
  _exit(2);
}

}  // namespace

void RestartCheckTimer() {
  if (g_timed.load(std::memory_order_relaxed)) alarm(kCheckSeconds);
}

ConformanceReport RunWithTimeLimit(ConformanceReport (*conformance)(),
                                   const std::string& subject) {
  snprintf(g_subject, sizeof(g_subject), "%s", subject.c_str());
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = OnTimeLimit;
  sigemptyset(&action.sa_mask);
  sigaction(SIGALRM, &action, &previous);
  g_timed.store(true, std::memory_order_relaxed);
  alarm(kCheckSeconds);
  ConformanceReport report = conformance();
  alarm(0);
  g_timed.store(false, std::memory_order_relaxed);
  sigaction(SIGALRM, &previous, nullptr);
  return report;
}

void SetCurrentConformanceCheck(const char* name) {
  g_current_check.store(name, std::memory_order_relaxed);
}
const char* CurrentConformanceCheck() {
  return g_current_check.load(std::memory_order_relaxed);
}

std::string ConformanceTempDir() { return Settings().temp_dir; }

namespace conformance_internal {

Wave TestWave(float amplitude, float frequency, float phase, float tau) {
  Wave w;
  w.amplitude = amplitude;
  w.frequency = frequency;
  w.phase = phase;
  w.decay_tau = tau;
  return w;
}

std::string DiffWave(const Wave& got, const Wave& want, bool check_touched) {
  auto close = [](float a, float b) {
    return a == b || std::abs(a - b) <= 1e-6f * std::abs(b);
  };
  auto field = [](const char* name, auto g, auto w) {
    return absl::StrCat(name, " is ", g, ", the model says ", w);
  };
  if (!close(got.amplitude, want.amplitude)) {
    return field("amplitude", got.amplitude, want.amplitude);
  }
  if (!close(got.frequency, want.frequency)) {
    return field("frequency", got.frequency, want.frequency);
  }
  if (!close(got.phase, want.phase)) {
    return field("phase", got.phase, want.phase);
  }
  if (!close(got.decay_tau, want.decay_tau)) {
    return field("decay_tau", got.decay_tau, want.decay_tau);
  }
  if (check_touched && got.touched != want.touched) {
    return field("touched", got.touched, want.touched);
  }
  if (got.access_count != want.access_count) {
    return field("access_count", got.access_count, want.access_count);
  }
  if (got.valence != want.valence) {
    return field("valence", int{got.valence}, int{want.valence});
  }
  if (got.arousal != want.arousal) {
    return field("arousal", int{got.arousal}, int{want.arousal});
  }
  if (got.importance != want.importance) {
    return field("importance", int{got.importance}, int{want.importance});
  }
  if (got.kind != want.kind) {
    return field("kind", int{got.kind}, int{want.kind});
  }
  if (got.tag != want.tag) return field("tag", got.tag, want.tag);
  return "";
}

std::string DiffNumber(const char* what, double got, double want) {
  if (std::abs(got - want) <= 1e-9 + 1e-5 * std::abs(want)) return "";
  return absl::StrCat(what, " is ", got, ", the model says ", want);
}

std::string Describe(Coord c) {
  return absl::StrCat("(", int{c.x}, ",", int{c.y}, ",", int{c.z}, ")");
}

std::vector<std::pair<Coord, float>> EdgeCells() {
  return {{Coord{0, 5, 5}, 1.0f},          {Coord{1, 5, 5}, 2.0f},
          {Coord{0, 6, 5}, -0.5f},         {Coord{0, 5, 4}, 3.0f},
          {Coord{1, 6, 6}, 0.25f},         {Coord{255, 255, 65535}, 1.5f},
          {Coord{254, 255, 65534}, 0.75f}, {Coord{255, 0, 1}, 2.5f},
          {Coord{255, 1, 0}, 1.0f},        {Coord{0, 5, 0}, 4.0f},
          {Coord{0, 4, 1}, 0.5f}};
}

std::vector<std::pair<Coord, float>> InsideCells() {
  std::vector<std::pair<Coord, float>> cells;
  for (int dx = -1; dx <= 2; ++dx) {
    for (int dy = -2; dy <= 1; ++dy) {
      for (int dz = -1; dz <= 2; ++dz) {
        if ((dx + 2 * dy + 3 * dz) % 4 == 0) continue;  // some holes
        cells.emplace_back(Coord{static_cast<uint8_t>(100 + dx),
                                 static_cast<uint8_t>(100 + dy),
                                 static_cast<uint16_t>(100 + dz)},
                           0.1f * (dx + 3) + 0.2f * dy + 0.05f * dz);
      }
    }
  }
  return cells;
}

std::vector<ResonanceQuery> ResonanceQueries() {
  ResonanceQuery top3;
  top3.frequency = 500;
  top3.bandwidth = 10;
  top3.min_strength = 0.01f;
  top3.k = 3;
  ResonanceQuery all = top3;
  all.frequency = 501;
  all.bandwidth = 5;
  all.k = 0;
  ResonanceQuery emotion = top3;
  emotion.bandwidth = 20;
  emotion.k = 4;
  emotion.target_valence = 0.3f;
  emotion.target_arousal = 0.5f;
  return {top3, all, emotion};
}

std::vector<Coord> RegionCandidates() {
  return {Coord{105, 100, 15}, Coord{104, 103, 15}, Coord{104, 104, 15},
          Coord{95, 100, 10},  Coord{100, 94, 12},  Coord{100, 100, 20},
          Coord{100, 100, 21}, Coord{100, 100, 9},  Coord{97, 96, 11},
          Coord{101, 101, 19}, Coord{106, 100, 15}, Coord{100, 105, 10}};
}

}  // namespace conformance_internal
}  // namespace m8::bench
