#include "bench/stress/rss_trend.h"

namespace m8::bench {

void RssTrend::Add(double seconds, int64_t rss_bytes) {
  samples_.push_back({seconds, rss_bytes});
}

double RssTrend::SlopeBytesPerSecond() const {
  const size_t n = samples_.size();
  if (n < 2) return 0.0;
  // Centred sums, so that large byte counts do not cancel.
  double mean_t = 0.0;
  double mean_b = 0.0;
  for (const Sample& s : samples_) {
    mean_t += s.seconds;
    mean_b += static_cast<double>(s.bytes);
  }
  mean_t /= n;
  mean_b /= n;
  double stt = 0.0;
  double stb = 0.0;
  for (const Sample& s : samples_) {
    const double dt = s.seconds - mean_t;
    stt += dt * dt;
    stb += dt * (static_cast<double>(s.bytes) - mean_b);
  }
  return stt > 0.0 ? stb / stt : 0.0;
}

}  // namespace m8::bench
