#include "analysis/stats/usl.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace m8::analysis {
namespace {

struct Point {
  double sigma;
  double kappa;
};

// Shape of the curve without lambda: N / (1 + sigma (N-1) + kappa N (N-1)).
double Shape(double n, double sigma, double kappa) {
  return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

class Objective {
 public:
  Objective(absl::Span<const double> n, absl::Span<const double> x)
      : n_(n), x_(x) {}

  // The best lambda for (sigma, kappa), and the residual sum of squares.
  double Sse(const Point& p, double* lambda_out = nullptr) const {
    double xg = 0, gg = 0;
    for (size_t i = 0; i < n_.size(); ++i) {
      const double g = Shape(n_[i], p.sigma, p.kappa);
      xg += x_[i] * g;
      gg += g * g;
    }
    const double lambda = gg > 0 ? std::max(xg / gg, 0.0) : 0;
    double sse = 0;
    for (size_t i = 0; i < n_.size(); ++i) {
      const double r = x_[i] - lambda * Shape(n_[i], p.sigma, p.kappa);
      sse += r * r;
    }
    if (lambda_out != nullptr) *lambda_out = lambda;
    return sse;
  }

 private:
  absl::Span<const double> n_;
  absl::Span<const double> x_;
};

Point Clamp(Point p) {
  return {std::clamp(p.sigma, 0.0, 1.0), std::clamp(p.kappa, 0.0, 1.0)};
}

// Gunther's linearisation (needs N = 1): with C(N) = X(N) / X(1),
// x = N - 1 and y = N / C(N) - 1, fit y = a x^2 + b x through the origin;
// kappa = a, sigma = b - a.
bool LinearEstimate(absl::Span<const double> n, absl::Span<const double> x,
                    Point* out) {
  double x1 = 0;
  for (size_t i = 0; i < n.size(); ++i) {
    if (n[i] == 1) x1 = x[i];
  }
  if (!(x1 > 0)) return false;
  double s22 = 0, s12 = 0, s11 = 0, sy2 = 0, sy1 = 0;  // x^4, x^3, x^2 sums
  for (size_t i = 0; i < n.size(); ++i) {
    const double u = n[i] - 1;
    const double y = n[i] / (x[i] / x1) - 1;
    s22 += u * u * u * u;
    s12 += u * u * u;
    s11 += u * u;
    sy2 += y * u * u;
    sy1 += y * u;
  }
  const double det = s22 * s11 - s12 * s12;
  if (std::fabs(det) < 1e-300) return false;
  const double a = (sy2 * s11 - sy1 * s12) / det;
  const double b = (s22 * sy1 - s12 * sy2) / det;
  *out = Clamp({b - a, a});
  return true;
}

}  // namespace

double UslThroughput(const UslFit& fit, double n) {
  return fit.lambda * Shape(n, fit.sigma, fit.kappa);
}

absl::StatusOr<UslFit> FitUsl(absl::Span<const double> concurrency,
                              absl::Span<const double> throughput) {
  if (concurrency.size() != throughput.size()) {
    return absl::InvalidArgumentError(
        "concurrency and throughput differ in size");
  }
  std::set<double> levels;
  for (size_t i = 0; i < concurrency.size(); ++i) {
    if (!(concurrency[i] >= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("concurrency must be >= 1, got ", concurrency[i]));
    }
    if (!(throughput[i] > 0) || !std::isfinite(throughput[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "throughput must be positive and finite, got ", throughput[i]));
    }
    levels.insert(concurrency[i]);
  }
  if (levels.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the fit needs at least 3 concurrency levels, got ", levels.size()));
  }
  const Objective objective(concurrency, throughput);

  // Grid over [0, 1]^2, denser near 0 where real systems live.
  std::vector<double> axis = {0};
  for (int k = -8; k <= 0; ++k) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10.0, k);
      if (v <= 1) axis.push_back(v);
    }
  }
  std::vector<Point> starts;
  Point best{0, 0};
  double best_sse = std::numeric_limits<double>::infinity();
  for (double sigma : axis) {
    for (double kappa : axis) {
      const double sse = objective.Sse({sigma, kappa});
      if (sse < best_sse) {
        best_sse = sse;
        best = {sigma, kappa};
      }
    }
  }
  starts.push_back(best);
  Point linear;
  if (LinearEstimate(concurrency, throughput, &linear))
    starts.push_back(linear);

  // Pattern search from each start: try steps along each axis, keep any
  // improvement, halve the steps when nothing improves.
  for (Point p : starts) {
    double sse = objective.Sse(p);
    double step_sigma = std::max(p.sigma, 1e-3);
    double step_kappa = std::max(p.kappa, 1e-5);
    for (int round = 0;
         round < 2000 && (step_sigma > 1e-14 || step_kappa > 1e-16); ++round) {
      bool improved = false;
      for (const Point& delta : {Point{step_sigma, 0}, Point{-step_sigma, 0},
                                 Point{0, step_kappa}, Point{0, -step_kappa}}) {
        const Point q = Clamp({p.sigma + delta.sigma, p.kappa + delta.kappa});
        const double q_sse = objective.Sse(q);
        if (q_sse < sse) {
          p = q;
          sse = q_sse;
          improved = true;
        }
      }
      if (!improved) {
        step_sigma /= 2;
        step_kappa /= 2;
      }
    }
    if (sse < best_sse || (p.sigma == best.sigma && p.kappa == best.kappa)) {
      best = p;
      best_sse = sse;
    }
  }

  UslFit fit;
  fit.sigma = best.sigma;
  fit.kappa = best.kappa;
  objective.Sse(best, &fit.lambda);
  const double inf = std::numeric_limits<double>::infinity();
  if (fit.kappa > 0) {
    fit.peak_concurrency = std::sqrt((1 - fit.sigma) / fit.kappa);
    fit.peak_throughput = UslThroughput(fit, fit.peak_concurrency);
  } else {
    fit.peak_concurrency = inf;
    fit.peak_throughput = fit.sigma > 0 ? fit.lambda / fit.sigma : inf;
  }
  double mean = 0;
  for (double x : throughput) mean += x;
  mean /= static_cast<double>(throughput.size());
  double total = 0;
  for (double x : throughput) total += (x - mean) * (x - mean);
  fit.r_squared = total > 0 ? 1 - best_sse / total : 1;
  return fit;
}

}  // namespace m8::analysis
