// A Runner that draws measurements from known distributions instead of
// running a binary, so that the tuner's decisions can be checked against a
// known truth, many times over.
//
// Model of one run: every benchmark's real_time is
//   base_ns * speed(config) * run_offset * rep_noise
// where run_offset ~ lognormal(0, run_sigma) is drawn once per run (what
// moves between processes: placement, start-up, memory layout) and
// rep_noise ~ lognormal(0, rep_sigma) per repetition. p99_ns is
// 1.5 * real_time * p99_factor(config). The knobs:
//   "speed": multiplies the time (default 1; 0.95 is 5% faster)
//   "p99": multiplies p99_ns (default 1)
//   any other knob: no effect at all.
// `drift_after` > 0 multiplies every run from that run on by drift_factor.

#ifndef M8_TEST_OPTIMIZER_SIMULATED_RUNNER_H_
#define M8_TEST_OPTIMIZER_SIMULATED_RUNNER_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "optimizer/runner.h"

namespace m8::optimizer::testing {

struct SimulationModel {
  std::vector<std::string> benchmarks = {"Sim/A", "Sim/B"};
  double base_ns = 1000;
  double run_sigma = 0.01;
  double rep_sigma = 0.02;
  int drift_after = 0;
  double drift_factor = 1;
};

class SimulatedRunner : public Runner {
 public:
  SimulatedRunner(SimulationModel model, uint64_t seed)
      : model_(std::move(model)), rng_(seed) {}

  absl::StatusOr<RunResult> Run(const RunRequest& request) override {
    ++runs_;
    double speed = 1, p99 = 1;
    for (const auto& [name, value] : request.settings) {
      if (name == "speed") speed = value.number();
      if (name == "p99") p99 = value.number();
    }
    double offset = std::exp(model_.run_sigma * Normal());
    if (model_.drift_after > 0 && runs_ >= model_.drift_after) {
      offset *= model_.drift_factor;
    }
    RunResult result;
    result.ok = true;
    result.wall_seconds = 0.001;
    for (const std::string& benchmark : model_.benchmarks) {
      std::vector<double> times, tails;
      for (int r = 0; r < request.repetitions; ++r) {
        const double t = model_.base_ns * speed * offset *
                         std::exp(model_.rep_sigma * Normal());
        times.push_back(t);
        tails.push_back(1.5 * t * p99);
      }
      for (const std::string& metric : request.metrics) {
        result.measurement.series.push_back(
            {benchmark, metric, metric == "p99_ns" ? tails : times});
      }
    }
    return result;
  }

  absl::Status CheckConfig(const std::string&) override {
    return absl::OkStatus();
  }

  int runs() const { return runs_; }

 private:
  // Standard normal by Box-Muller (the same on every standard library).
  double Normal() {
    const double u1 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  }

  SimulationModel model_;
  std::mt19937_64 rng_;
  int runs_ = 0;
};

}  // namespace m8::optimizer::testing

#endif  // M8_TEST_OPTIMIZER_SIMULATED_RUNNER_H_
