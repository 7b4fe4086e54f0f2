#include "analysis/stats/noise.h"

#include <algorithm>
#include <cmath>

#include "analysis/stats/statistics.h"
#include "boost/math/distributions/normal.hpp"

namespace m8::analysis {
namespace {

constexpr double kPi = 3.141592653589793;
constexpr double kHalfPi = kPi / 2;
// MAD of normal data times this is its standard deviation.
constexpr double kMadToSigma = 1.4826;

double Cv(absl::Span<const double> values) {
  const double mean = Mean(values);
  return mean == 0 ? 0 : SampleStddev(values) / mean;
}

// z_{1-alpha/2} + z_{power}.
double ZSum(const NoiseOptions& options) {
  const boost::math::normal standard;
  return boost::math::quantile(standard, 1 - options.alpha / 2) +
         boost::math::quantile(standard, options.power);
}

}  // namespace

NoiseEstimate EstimateNoise(const std::vector<std::vector<double>>& runs) {
  NoiseEstimate noise;
  noise.runs = static_cast<int>(runs.size());
  noise.repetitions = static_cast<int>(runs.front().size());
  std::vector<double> cvs, sigmas, medians, deviations;
  for (const std::vector<double>& run : runs) {
    noise.repetitions =
        std::min(noise.repetitions, static_cast<int>(run.size()));
    cvs.push_back(Cv(run));
    std::vector<double> sorted = run;
    std::sort(sorted.begin(), sorted.end());
    const double median = MedianOfSorted(sorted);
    medians.push_back(median);
    sigmas.push_back(kMadToSigma * MedianAbsoluteDeviation(sorted) / median);
    for (const double x : run) deviations.push_back(std::fabs(x / median - 1));
  }
  noise.within_cv = Median(cvs);
  noise.within_sigma = Median(sigmas);
  noise.mdape = Median(deviations);
  noise.between_cv = Cv(medians);
  const auto [lo, hi] = std::minmax_element(medians.begin(), medians.end());
  noise.drift = *hi / *lo - 1;
  // The runs' medians also vary by their own sampling error: take it out.
  const double sampling =
      kHalfPi * noise.within_sigma * noise.within_sigma / noise.repetitions;
  noise.run_sigma =
      std::sqrt(std::max(0.0, noise.between_cv * noise.between_cv - sampling));
  return noise;
}

double DetectableChange(const NoiseEstimate& noise, int repetitions,
                        const NoiseOptions& options) {
  const double variance =
      2 * (noise.run_sigma * noise.run_sigma +
           kHalfPi * noise.within_sigma * noise.within_sigma / repetitions);
  return std::max(options.noise_band, ZSum(options) * std::sqrt(variance));
}

std::optional<int> RepetitionsToDetect(const NoiseEstimate& noise,
                                       double change,
                                       const NoiseOptions& options,
                                       int max_repetitions) {
  if (change <= options.noise_band) return std::nullopt;
  const double budget = change / ZSum(options);
  const double left = budget * budget / 2 - noise.run_sigma * noise.run_sigma;
  if (left <= 0) return std::nullopt;
  const double n =
      std::ceil(kHalfPi * noise.within_sigma * noise.within_sigma / left);
  // Fewer than 4 a side can never give p < 0.05 with the U test.
  const int repetitions = std::max(4, static_cast<int>(std::min(n, 1e9)));
  if (repetitions > max_repetitions) return std::nullopt;
  return repetitions;
}

std::optional<int> ProcessesToDetect(const NoiseEstimate& noise, double change,
                                     const NoiseOptions& options,
                                     int max_samples) {
  if (change <= options.noise_band) return std::nullopt;
  const double z = ZSum(options);
  const double variance = noise.run_sigma * noise.run_sigma +
                          noise.within_sigma * noise.within_sigma;
  const double k =
      std::ceil(kPi / 3 * 2 * z * z * variance / (change * change));
  const int samples = std::max(4, static_cast<int>(std::min(k, 1e9)));
  if (samples > max_samples) return std::nullopt;
  return samples;
}

}  // namespace m8::analysis
