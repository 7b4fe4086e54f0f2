#include "bench/load/profile.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace m8::bench {
namespace {

std::string Rate(double ops_per_s) {
  return absl::StrFormat("%.3g", ops_per_s);
}

// The length of [a0, a1] and [b0, b1]'s overlap.
double Overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

class ConstantProfile final : public LoadProfile {
 public:
  ConstantProfile(double rate, double duration)
      : LoadProfile(duration), rate_(rate) {}

  double RateAt(double) const override { return rate_; }
  double OpsBetween(double t0, double t1) const override {
    Clip(t0, t1);
    return rate_ * (t1 - t0);
  }
  std::string Describe() const override {
    return absl::StrCat("constant ", Rate(rate_), " ops/s");
  }

 private:
  double rate_;
};

class RampProfile final : public LoadProfile {
 public:
  RampProfile(double r0, double r1, double duration)
      : LoadProfile(duration), r0_(r0), r1_(r1) {}

  double RateAt(double t) const override {
    const double f = std::min(t / duration(), 1.0);
    return r0_ + (r1_ - r0_) * f;
  }
  double OpsBetween(double t0, double t1) const override {
    Clip(t0, t1);
    // The trapezoid under the line.
    return 0.5 * (RateAt(t0) + RateAt(t1)) * (t1 - t0);
  }
  std::string Describe() const override {
    return absl::StrCat("ramp ", Rate(r0_), " -> ", Rate(r1_), " ops/s");
  }

 private:
  double r0_;
  double r1_;
};

class StepProfile final : public LoadProfile {
 public:
  StepProfile(double r0, double r1, int steps, double duration)
      : LoadProfile(duration), r0_(r0), r1_(r1), steps_(steps) {}

  double RateAt(double t) const override {
    const int step = std::clamp(
        static_cast<int>(std::floor(t / duration() * steps_)), 0, steps_ - 1);
    return LevelOf(step);
  }
  double OpsBetween(double t0, double t1) const override {
    Clip(t0, t1);
    const double width = duration() / steps_;
    double ops = 0.0;
    for (int s = 0; s < steps_; ++s) {
      ops += LevelOf(s) * Overlap(t0, t1, s * width, (s + 1) * width);
    }
    return ops;
  }
  std::string Describe() const override {
    return absl::StrCat("step ", Rate(r0_), " -> ", Rate(r1_), " ops/s in ",
                        steps_, " steps");
  }

 private:
  double LevelOf(int step) const {
    return steps_ == 1 ? r0_ : r0_ + (r1_ - r0_) * step / (steps_ - 1);
  }

  double r0_;
  double r1_;
  int steps_;
};

class SpikeProfile final : public LoadProfile {
 public:
  SpikeProfile(double base, double multiplier, double start, double length,
               double duration)
      : LoadProfile(duration),
        base_(base),
        multiplier_(multiplier),
        start_(start * duration),
        end_((start + length) * duration) {}

  double RateAt(double t) const override {
    return t >= start_ && t < end_ ? base_ * multiplier_ : base_;
  }
  double OpsBetween(double t0, double t1) const override {
    Clip(t0, t1);
    return base_ * (t1 - t0) +
           base_ * (multiplier_ - 1.0) * Overlap(t0, t1, start_, end_);
  }
  std::string Describe() const override {
    return absl::StrFormat(
        "spike %s ops/s, x%.3g (%s ops/s) from %.3g s to %.3g s", Rate(base_),
        multiplier_, Rate(base_ * multiplier_), start_, end_);
  }

 private:
  double base_;
  double multiplier_;
  double start_;  // Seconds.
  double end_;
};

class SineProfile final : public LoadProfile {
 public:
  SineProfile(double mean, double amplitude, double periods, double duration)
      : LoadProfile(duration),
        mean_(mean),
        amplitude_(amplitude),
        omega_(2.0 * std::numbers::pi * periods / duration) {}

  double RateAt(double t) const override {
    return mean_ + amplitude_ * std::sin(omega_ * t);
  }
  double OpsBetween(double t0, double t1) const override {
    Clip(t0, t1);
    return mean_ * (t1 - t0) +
           amplitude_ / omega_ *
               (std::cos(omega_ * t0) - std::cos(omega_ * t1));
  }
  std::string Describe() const override {
    return absl::StrCat("sine ", Rate(mean_), " +- ", Rate(amplitude_),
                        " ops/s");
  }

 private:
  double mean_;
  double amplitude_;
  double omega_;  // Radians per second.
};

absl::Status CheckRate(double rate, absl::string_view what) {
  if (std::isfinite(rate) && rate > 0.0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "load profile: ", what, " = ", rate, " is not a positive finite rate"));
}

}  // namespace

double LoadProfile::MeanRate(double t0, double t1) const {
  return t1 > t0 ? OpsBetween(t0, t1) / (t1 - t0) : 0.0;
}

void LoadProfile::Clip(double& t0, double& t1) const {
  t0 = std::clamp(t0, 0.0, duration_);
  t1 = std::clamp(t1, t0, duration_);
}

absl::string_view ProfileShapeName(ProfileShape shape) {
  switch (shape) {
    case ProfileShape::kConstant:
      return "constant";
    case ProfileShape::kRamp:
      return "ramp";
    case ProfileShape::kStep:
      return "step";
    case ProfileShape::kSpike:
      return "spike";
    case ProfileShape::kSine:
      return "sine";
  }
  return "unknown";
}

ProfileSpec ProfileSpec::Scaled(double factor) const {
  ProfileSpec scaled = *this;
  scaled.rate *= factor;
  scaled.end_rate *= factor;
  scaled.amplitude *= factor;
  return scaled;
}

absl::StatusOr<std::unique_ptr<LoadProfile>> MakeProfile(
    const ProfileSpec& spec, double duration) {
  if (!(std::isfinite(duration) && duration > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "load profile: duration ", duration, " s is not positive"));
  }
  if (absl::Status s = CheckRate(spec.rate, "rate"); !s.ok()) return s;
  switch (spec.shape) {
    case ProfileShape::kConstant:
      return std::make_unique<ConstantProfile>(spec.rate, duration);
    case ProfileShape::kRamp:
      if (absl::Status s = CheckRate(spec.end_rate, "end_rate"); !s.ok()) {
        return s;
      }
      return std::make_unique<RampProfile>(spec.rate, spec.end_rate, duration);
    case ProfileShape::kStep:
      if (absl::Status s = CheckRate(spec.end_rate, "end_rate"); !s.ok()) {
        return s;
      }
      if (spec.steps < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("load profile: steps = ", spec.steps, " is below 1"));
      }
      return std::make_unique<StepProfile>(spec.rate, spec.end_rate, spec.steps,
                                           duration);
    case ProfileShape::kSpike:
      if (absl::Status s =
              CheckRate(spec.rate * spec.multiplier, "rate * multiplier");
          !s.ok()) {
        return s;
      }
      if (!(spec.burst_start >= 0.0 && spec.burst_length >= 0.0 &&
            spec.burst_start + spec.burst_length <= 1.0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("load profile: the spike [", spec.burst_start, ", ",
                         spec.burst_start + spec.burst_length,
                         ") is not inside the run [0, 1]"));
      }
      return std::make_unique<SpikeProfile>(spec.rate, spec.multiplier,
                                            spec.burst_start, spec.burst_length,
                                            duration);
    case ProfileShape::kSine:
      if (absl::Status s = CheckRate(spec.rate - std::fabs(spec.amplitude),
                                     "rate - |amplitude|");
          !s.ok()) {
        return s;
      }
      if (!(std::isfinite(spec.periods) && spec.periods > 0.0)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "load profile: periods = ", spec.periods, " is not positive"));
      }
      return std::make_unique<SineProfile>(spec.rate, spec.amplitude,
                                           spec.periods, duration);
  }
  return absl::InvalidArgumentError("load profile: unknown shape");
}

}  // namespace m8::bench
