// RssTrend: how fast the resident set grows over a soak run, to catch
// leaks (statistics.md; the anchors' "leak: RSS slope over a soak run").
//
// Samples are (seconds, bytes) pairs; the slope is the least-squares fit's,
// in bytes per second. A run that holds a constant working set stays near
// 0 (page-granular noise); a leak of b bytes per operation at r operations
// per second shows as about b * r.
//
// Thread-safety: thread-compatible.
#ifndef M8_BENCH_STRESS_RSS_TREND_H_
#define M8_BENCH_STRESS_RSS_TREND_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace m8::bench {

class RssTrend {
 public:
  void Add(double seconds, int64_t rss_bytes);

  // The least-squares slope in bytes per second; 0 with fewer than two
  // samples or no spread in time.
  double SlopeBytesPerSecond() const;

  size_t size() const { return samples_.size(); }
  int64_t first_bytes() const {
    return samples_.empty() ? 0 : samples_.front().bytes;
  }
  int64_t last_bytes() const {
    return samples_.empty() ? 0 : samples_.back().bytes;
  }

 private:
  struct Sample {
    double seconds;
    int64_t bytes;
  };
  std::vector<Sample> samples_;
};

}  // namespace m8::bench

#endif  // M8_BENCH_STRESS_RSS_TREND_H_
