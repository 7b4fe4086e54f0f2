// Tune: finds the grid options that make a workload fastest on this machine,
// and keeps a configuration only when it is a proven improvement.
//
//  1. Every knob is checked before anything is measured: a suite option
//     against the grid's option table (name, range, and whether it changes
//     results, which needs allow_semantic), any other name by asking the
//     binary (Runner::CheckConfig). Combinations that the space's
//     constraints or the grid's own validation rule out are never run.
//  2. The baseline (the binary's defaults, or a given config) is measured,
//     then the search strategy measures candidates (trials), each scored by
//     its cost relative to the baseline (objective.h).
//  3. The best candidates that looked better than the baseline are verified
//     one at a time, at most max_verifications: interleaved rounds (baseline
//     run, candidate run, baseline run, ...) until each side has
//     `repetitions` repetitions, more rounds up to `max_repetitions` while
//     undecided. A candidate is accepted when its cost is proven lower (U
//     test p < alpha / max_verifications, so that the chance of accepting
//     one of several equal candidates stays at alpha; the whole bootstrap CI
//     below 1 - noise) and every guard holds.
//  4. When every verification rejected its candidate, the baseline is
//     measured again, run by run: if it no longer agrees with the baseline
//     runs of the first verification, the machine drifted, and the result
//     says so.
//
// Every run goes through the journal (journal.h) when one is given, so an
// interrupted tune resumes without running anything twice.
//
// Not thread-safe; one tune at a time per Runner.

#ifndef M8_OPTIMIZER_TUNER_H_
#define M8_OPTIMIZER_TUNER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "optimizer/journal.h"
#include "optimizer/objective.h"
#include "optimizer/runner.h"
#include "optimizer/space.h"
#include "optimizer/strategy.h"

namespace m8::optimizer {

// A metric that must not get worse by more than `tolerance` (0.05: 5%).
struct GuardSpec {
  ObjectiveMetric metric;
  double tolerance = 0.05;
};

struct TuneOptions {
  // ---- What is tuned and how it is judged.
  ObjectiveMetric metric{"real_time", analysis::Direction::kLowerIsBetter};
  std::vector<GuardSpec> guards;
  // The baseline's --m8_config document; empty: the binary's defaults. A
  // candidate is this document with its knobs set.
  std::string baseline_config_json;
  // Tune knobs that change what the grid computes (refused otherwise).
  bool allow_semantic = false;
  DecisionOptions decision;

  // ---- The search.
  SearchOptions search;
  // Stop searching once the runs have taken this long, or after this many
  // trials (0: no limit). Verification always runs.
  absl::Duration budget = absl::InfiniteDuration();
  int max_trials = 0;

  // ---- Verification.
  // Repetitions a side before the first decision (at least 4: with fewer
  // no p-value reaches 0.05), and at most, while undecided.
  int repetitions = 9;
  int max_repetitions = 27;
  // Repetitions of each process run in a round. The default, 1, makes every
  // sample come from its own process, so the test sees the variation
  // between processes (start-up, placement, memory layout) as well as
  // within one; with more, samples from one process are not independent
  // and the test is too eager on a machine whose runs drift.
  int round_repetitions = 1;
  // Candidates verified at most (the next-best after a rejection).
  int max_verifications = 3;

  // OK, or InvalidArgument naming the option out of range.
  absl::Status Validate() const;
};

// One measured candidate of the search.
struct Trial {
  int id = 0;  // 1-based, in the order measured
  Config config;
  int repetitions = 0;
  bool ok = false;
  std::string failure;          // why it failed, when !ok
  Judgement judgement;          // against the baseline run (valid when ok)
  std::vector<double> samples;  // relative costs, one per repetition
  double wall_seconds = 0;
};

struct GuardResult {
  GuardSpec spec;
  Judgement judgement;
  GuardState state = GuardState::kUndecided;
};

// The verify-or-rollback of one candidate.
struct Verification {
  Config config;
  int rounds = 0;
  int repetitions = 0;  // a side
  Judgement objective;
  std::vector<GuardResult> guards;
  bool accepted = false;
  std::string reason;  // why it was accepted or rejected
};

enum class Decision {
  kAccepted,     // a candidate is a proven improvement
  kRejected,     // none was; the baseline stays
  kNoCandidate,  // every candidate failed to run
  kDrifted,      // none was, and the baseline itself moved: untrustworthy
};
absl::string_view DecisionName(Decision decision);

struct TuneResult {
  Strategy strategy = Strategy::kAuto;  // the one used (auto resolved)
  int valid_points = 0;                 // points the search could choose from
  int excluded_points = 0;  // ruled out by the grid's own validation
  // Knobs that change results (tuned only with allow_semantic).
  std::vector<std::string> semantic_knobs;
  std::vector<double> baseline_samples;  // of the first baseline run
  // The median relative cost of every baseline run (the first, each
  // verification round's, the final re-measurement): how far the same
  // configuration moves from one process to the next.
  std::vector<double> baseline_run_costs;
  std::vector<Trial> trials;
  std::vector<Verification> verifications;
  Decision decision = Decision::kRejected;
  std::string reason;
  // The accepted candidate's verification, when accepted.
  const Verification* accepted() const;
  // The final baseline check (after the last rejection).
  std::optional<Judgement> drift;

  // ---- What the tune cost.
  int runs = 0;                // process runs, including replayed ones
  int replayed_runs = 0;       // taken from the journal
  double run_seconds = 0;      // wall time of the runs
  double check_seconds = 0;    // the knob checks before the first run
  double harness_seconds = 0;  // the tuner's own time between runs
  double startup_seconds = 0;  // one start-up of the binary, measured
};

// Progress lines for a person (stderr).
using ProgressFn = std::function<void(absl::string_view line)>;

// The --m8_config document of a candidate: the baseline document with the
// knobs' values set. Errors: the baseline document is not a JSON object.
absl::StatusOr<std::string> CandidateJson(const Space& space,
                                          const Config& config,
                                          const std::string& baseline_json);

// Runs a whole tune. Errors (nothing decided): a knob or value refused, a
// bad constraint, the baseline failing to run, a runner or journal failure,
// a journal of another tune.
absl::StatusOr<TuneResult> Tune(const Space& space, Runner& runner,
                                Journal* journal, const TuneOptions& options,
                                const ProgressFn& progress = nullptr);

}  // namespace m8::optimizer

#endif  // M8_OPTIMIZER_TUNER_H_
