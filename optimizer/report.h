// What a tune found, for people and programs: the decision, the verified
// candidates, each knob's marginal effect, every trial, plain
// recommendations and what the tune cost; written as JSON (report.json),
// Markdown (report.md) and console text.
//
// Effect of a knob: for each of its values, the median cost ratio of the
// trials that had it (descriptive: the other knobs vary too). Whether the
// knob matters is judged only between trials whose other knobs are equal,
// and with the run as the unit: repetitions within one run share that run's
// start-up and placement, so they say nothing about how far a second run of
// the same configuration would land. For each pair of the knob's values,
// the mean log cost ratio over the matched trials is tested (t test) against
// the run-to-run noise of the baseline's runs, alpha shared among the pairs,
// and the CI must clear the noise band. The knob has a measurable effect
// when some pair differs provably; none when no pair does; and it is
// untested when no two of its values were measured with the others equal.
//
// Immutable once built; thread-compatible.

#ifndef M8_OPTIMIZER_REPORT_H_
#define M8_OPTIMIZER_REPORT_H_

#include <string>
#include <vector>

#include "optimizer/objective.h"
#include "optimizer/space.h"
#include "optimizer/tuner.h"

namespace m8::optimizer {

// How the tune was asked for, as the report repeats it.
struct TuneSetup {
  std::string binary;
  std::string filter;
  std::vector<std::string> binary_args;
  std::string space_source;
  std::string baseline_config_json;  // "" for the binary's defaults
  std::string out_dir;
  double elapsed_seconds = 0;
  TuneOptions options;
};

struct KnobEffect {
  enum class Kind { kMeasurable, kNone, kUntested };
  struct ValueEffect {
    KnobValue value;
    double median_ratio = 0;
    int trials = 0;
  };
  std::string name;
  Kind kind = Kind::kUntested;
  std::vector<ValueEffect> values;  // values with successful trials
  // The pair reported: the largest proven difference (else the largest
  // seen); best is the cheaper value.
  KnobValue best;
  KnobValue worst;
  Judgement best_vs_worst;  // best's cost relative to worst's (matched)
};

absl::string_view KnobEffectName(KnobEffect::Kind kind);

class TuneReport {
 public:
  TuneReport(const Space& space, const TuneResult& result, TuneSetup setup);

  const std::vector<KnobEffect>& effects() const { return effects_; }
  const std::vector<std::string>& recommendations() const {
    return recommendations_;
  }
  // What running the trials as processes costs beside the benchmarks: the
  // binary's start-ups and the tuner's own work between runs, as a fraction
  // of the benchmark time (the one-off knob checks are not counted).
  double overhead_fraction() const;

  std::string ToJson() const;
  std::string ToMarkdown() const;
  std::string ToConsole(bool colour) const;
  // The accepted configuration as a --m8_config document (pretty JSON).
  // REQUIRES: result.decision == Decision::kAccepted.
  std::string TunedConfigJson() const;

 private:
  std::string Headline() const;

  const Space& space_;
  const TuneResult& result_;
  TuneSetup setup_;
  std::vector<KnobEffect> effects_;
  std::vector<std::string> recommendations_;
};

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_REPORT_H_
