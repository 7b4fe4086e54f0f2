// Load profiles: the target arrival rate of an open-loop run at each moment.
//
// A profile spans `duration` seconds and answers RateAt(t), operations per
// second at t seconds into the run, and OpsBetween(t0, t1), the integral of
// the rate (the operations it asks for in that span). The shapes are those
// of load tools (k6's constant and ramping arrival rates, db_bench's sine
// write rate, Locust's custom shapes):
//
//   constant  rate
//   ramp      linear from r0 at t = 0 to r1 at t = duration
//   step      k equal steps from r0 up (or down) to r1, each duration / k
//   spike     base, and multiplier * base during [start, start + length)
//             (fractions of the duration)
//   sine      mean + amplitude * sin(2 pi * periods * t / duration)
//
// Every rate is positive and finite, so that an open-loop schedule always
// advances. Any open-loop fixture takes any profile.
//
// Thread-safety: immutable; safe to share.
#ifndef M8_BENCH_LOAD_PROFILE_H_
#define M8_BENCH_LOAD_PROFILE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace m8::bench {

class LoadProfile {
 public:
  virtual ~LoadProfile() = default;

  // Operations per second at t seconds into the run. REQUIRES: t >= 0
  // (past the end the rate of the last moment).
  virtual double RateAt(double t) const = 0;
  // The integral of RateAt over [t0, t1], clipped to [0, duration()]:
  // how many operations the profile asks for in that span.
  virtual double OpsBetween(double t0, double t1) const = 0;
  // "ramp 1e+05 -> 9e+05 ops/s": the shape and its absolute rates.
  virtual std::string Describe() const = 0;

  double duration() const { return duration_; }
  // OpsBetween(t0, t1) / (t1 - t0); 0 for an empty span.
  double MeanRate(double t0, double t1) const;

 protected:
  explicit LoadProfile(double duration) : duration_(duration) {}

  // [t0, t1] clipped to the run.
  void Clip(double& t0, double& t1) const;

 private:
  double duration_;
};

enum class ProfileShape { kConstant, kRamp, kStep, kSpike, kSine };

inline constexpr ProfileShape kAllProfileShapes[] = {
    ProfileShape::kConstant, ProfileShape::kRamp, ProfileShape::kStep,
    ProfileShape::kSpike, ProfileShape::kSine};

// "constant", "ramp", "step", "spike", "sine": the spelling in benchmark
// names.
absl::string_view ProfileShapeName(ProfileShape shape);

// The parameters of any shape; each shape reads the fields its comment
// names. Rates are operations per second (or, before Scaled(), fractions of
// a base rate such as a calibrated capacity).
struct ProfileSpec {
  ProfileShape shape = ProfileShape::kConstant;
  double rate = 0.0;          // constant: the rate; ramp, step: r0; spike: the
                              // base; sine: the mean.
  double end_rate = 0.0;      // ramp, step: r1.
  int steps = 1;              // step: k >= 1.
  double multiplier = 1.0;    // spike: the burst is multiplier * base.
  double burst_start = 0.0;   // spike: start, fraction of the duration.
  double burst_length = 0.0;  // spike: length, fraction of the duration.
  double amplitude = 0.0;     // sine: < mean.
  double periods = 1.0;       // sine: full periods over the duration.

  // The same shape with every rate times `factor`.
  ProfileSpec Scaled(double factor) const;
};

// The profile `spec` describes over `duration` seconds; InvalidArgument
// naming the field when a rate is not positive and finite somewhere, the
// duration is not positive, steps < 1, or a spike leaves the run.
absl::StatusOr<std::unique_ptr<LoadProfile>> MakeProfile(
    const ProfileSpec& spec, double duration);

}  // namespace m8::bench

#endif  // M8_BENCH_LOAD_PROFILE_H_
