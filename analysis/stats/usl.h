// The Universal Scalability Law (Gunther, "Guerrilla Capacity Planning"):
//   X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
// sigma is contention (serialisation), kappa coherency (crosstalk); with
// kappa > 0 throughput peaks at N* = sqrt((1 - sigma) / kappa).
//
// Pure function; thread-safe.

#ifndef M8_ANALYSIS_STATS_USL_H_
#define M8_ANALYSIS_STATS_USL_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace m8::analysis {

struct UslFit {
  double sigma = 0;
  double kappa = 0;
  double lambda = 0;  // throughput of one unit of concurrency
  // N*; +inf when kappa == 0 (no retrograde region).
  double peak_concurrency = 0;
  // X(N*), or the asymptote lambda / sigma when kappa == 0 (+inf when both
  // are 0).
  double peak_throughput = 0;
  double r_squared = 0;
};

// Least-squares fit over sigma, kappa in [0, 1] and lambda >= 0: lambda is
// solved in closed form for each (sigma, kappa) (variable projection), which
// is minimised by a grid search refined by a shrinking pattern search,
// started also from Gunther's linear estimate when N = 1 was measured.
// Errors: fewer than 3 distinct concurrency levels, N < 1, or a throughput
// that is not positive and finite.
absl::StatusOr<UslFit> FitUsl(absl::Span<const double> concurrency,
                              absl::Span<const double> throughput);

// X(N) for a fit.
double UslThroughput(const UslFit& fit, double n);

}  // namespace m8::analysis

#endif  // M8_ANALYSIS_STATS_USL_H_
