// How noisy one benchmark is on this machine, from several runs of it, and
// what that means for comparisons: the smallest change a comparison of one
// run a side can detect, and the repetitions needed to detect a given change
// (m8perf calibrate; m8perf loop chooses its repetitions from it).
//
// Model. A run's median of a metric is mu * (1 + b + e): b is the run's own
// offset (start-up, placement, memory layout; standard deviation sigma_b,
// the same for every run), e the sampling error of a median of n
// repetitions whose own spread is sigma_w (robust: from the MAD; variance
// about (pi / 2)
// sigma_w^2 / n for near-normal data). The runs' medians give
// sigma_b^2 + (pi / 2) sigma_w^2 / n_calibration, the repetitions within a
// run give sigma_w. Comparing one run of n repetitions a side, the
// difference of the medians has variance 2 (sigma_b^2 + (pi/2) sigma_w^2/n),
// so a change delta is detected at two-sided alpha with power 1 - beta when
//   delta >= (z_{1-alpha/2} + z_{1-beta}) sqrt(2 (sigma_b^2 + (pi/2) sigma_w^2
//   / n)),
// and never below the noise band; solving for n gives the repetitions
// needed, none when sigma_b alone exceeds the budget (then only several
// interleaved runs a side can tell the change apart, as m8perf tune
// does). This follows Hoefler and Belli's advice to choose the number of
// measurements from the observed variability, with the run-to-run part
// kept apart because more repetitions cannot remove it.
//
// Free functions; thread-compatible.

#ifndef M8_ANALYSIS_STATS_NOISE_H_
#define M8_ANALYSIS_STATS_NOISE_H_

#include <optional>
#include <vector>

#include "absl/types/span.h"

namespace m8::analysis {

struct NoiseOptions {
  double alpha = 0.05;       // two-sided significance of the comparison
  double power = 0.8;        // chance of detecting a change of the size asked
  double noise_band = 0.01;  // m8perf compare's band: nothing below counts
};

struct NoiseEstimate {
  int runs = 0;
  int repetitions = 0;   // per run (the smallest run's)
  double within_cv = 0;  // median over runs of each run's CV
  // The spread within a run that the formulas use: median over runs of
  // 1.4826 MAD / median, a standard deviation that outliers do not inflate
  // (the U test is not moved by them either).
  double within_sigma = 0;
  double mdape = 0;       // median |x / run median - 1| over all samples
  double between_cv = 0;  // CV of the runs' medians
  double drift = 0;       // max run median / min run median - 1
  double run_sigma = 0;   // sigma_b: the run-to-run part alone
};

// Estimates the noise from the samples of several runs (one vector per run,
// its repetitions). REQUIRES: at least 2 runs, each with at least 2 positive
// finite samples.
NoiseEstimate EstimateNoise(const std::vector<std::vector<double>>& runs);

// The smallest relative change that a comparison of one run of
// `repetitions` a side detects (see the file comment).
double DetectableChange(const NoiseEstimate& noise, int repetitions,
                        const NoiseOptions& options = {});

// Repetitions a side for one run a side to detect a relative change of
// `change`; nullopt when no number of repetitions can (the run-to-run
// noise alone is too large, or the change is inside the noise band), or
// when more than `max_repetitions` would be needed.
std::optional<int> RepetitionsToDetect(const NoiseEstimate& noise,
                                       double change,
                                       const NoiseOptions& options = {},
                                       int max_repetitions = 10000);

// Samples a side for a comparison in which every sample is one repetition
// in a process of its own (m8perf tune's interleaved verification rounds)
// to detect a relative change of `change`. Each sample then varies by
// sigma_b^2 + sigma_w^2 (more samples remove both parts), and the U test
// needs about pi / 3 times the samples a t-test needs on normal data (its
// asymptotic relative efficiency, 3 / pi):
//   k >= (pi / 3) 2 (z_{1-alpha/2} + z_{1-beta})^2 (sigma_b^2 + sigma_w^2)
//        / change^2,
// at least 4. nullopt when the change is inside the noise band, or when
// more than `max_samples` would be needed.
std::optional<int> ProcessesToDetect(const NoiseEstimate& noise, double change,
                                     const NoiseOptions& options = {},
                                     int max_samples = 10000);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_NOISE_H_
