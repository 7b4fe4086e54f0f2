#include "optimizer/tuner.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/stats/statistics.h"
#include "analysis/status_macros.h"
#include "grid/grid_config.h"
#include "grid/option_table.h"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using nlohmann::json;

// Runs of the baseline that the search scores trials against.
constexpr int kSearchBaselineRuns = 3;

std::string FormatSeconds(double s) {
  if (s < 90) return absl::StrFormat("%.0fs", s);
  if (s < 5400)
    return absl::StrFormat("%dm%02ds", static_cast<int>(s) / 60,
                           static_cast<int>(s) % 60);
  return absl::StrFormat("%dh%02dm", static_cast<int>(s) / 3600,
                         static_cast<int>(s) / 60 % 60);
}

std::string FormatRatio(double r) { return absl::StrFormat("%.3fx", r); }

// Every run goes through here: replayed from the journal when it has it,
// else run and recorded.
class JournaledRunner {
 public:
  JournaledRunner(Runner& runner, Journal* journal, TuneResult& result)
      : runner_(runner), journal_(journal), result_(result) {}

  absl::StatusOr<RunResult> Run(
      const std::string& purpose, const std::string& config_json,
      std::vector<std::pair<std::string, KnobValue>> settings, int repetitions,
      const std::vector<std::string>& metrics) {
    ++result_.runs;
    if (journal_ != nullptr) {
      M8_ASSIGN_OR_RETURN(std::optional<RunResult> replayed,
                          journal_->Replay(purpose, config_json, repetitions));
      if (replayed) {
        ++result_.replayed_runs;
        result_.run_seconds += replayed->wall_seconds;
        return *std::move(replayed);
      }
    }
    RunRequest request{config_json, std::move(settings), repetitions, metrics};
    M8_ASSIGN_OR_RETURN(RunResult run, runner_.Run(request));
    result_.run_seconds += run.wall_seconds;
    live_seconds_ += run.wall_seconds;
    if (journal_ != nullptr) {
      M8_RETURN_IF_ERROR(journal_->Append(
          {journal_->recorded() + result_.runs - result_.replayed_runs, purpose,
           config_json, repetitions, run}));
    }
    return run;
  }

  // Wall time of the runs made now (not replayed).
  double live_seconds() const { return live_seconds_; }

 private:
  Runner& runner_;
  double live_seconds_ = 0;
  Journal* journal_;
  TuneResult& result_;
};

// The (knob, value) settings of a candidate.
std::vector<std::pair<std::string, KnobValue>> Settings(const Space& space,
                                                        const Config& config) {
  std::vector<std::pair<std::string, KnobValue>> settings;
  for (size_t k = 0; k < config.size(); ++k) {
    settings.emplace_back(space.knobs()[k].name, config[k]);
  }
  return settings;
}

// Whether every key of a config document is an option of the grid's table.
bool AllGridOptions(const std::string& config_json) {
  const json doc = json::parse(config_json, nullptr, false);
  if (!doc.is_object()) return false;
  for (const auto& [key, unused] : doc.items()) {
    if (m8::FindGridOption(key) == nullptr) return false;
  }
  return true;
}

absl::Status CheckKnobs(const Space& space, Runner& runner,
                        const TuneOptions& options,
                        std::vector<std::string>* semantic) {
  // First what the grid's table can tell, for every knob: no run needed.
  for (const Knob& knob : space.knobs()) {
    const m8::OptionInfo* info = m8::FindGridOption(knob.name);
    if (info == nullptr) continue;
    if (info->effect == m8::OptionEffect::kChangesResults) {
      if (!options.allow_semantic) {
        return absl::InvalidArgumentError(absl::StrCat(
            space.source(), ": knob '", knob.name,
            "' changes what the grid computes, not only its speed; pass "
            "--allow-semantic to tune it anyway"));
      }
      semantic->push_back(knob.name);
    }
    for (const KnobValue& value : knob.values) {
      const std::string single =
          absl::StrCat("{", KnobValue::String(knob.name).ToJson(), ": ",
                       value.ToJson(), "}");
      if (absl::StatusOr<ConcurrentGridOptions> parsed =
              m8::ParseGridConfig(single, space.source());
          !parsed.ok()) {
        return parsed.status();
      }
    }
  }
  // Then the binary: the baseline, and each value of each knob over it.
  if (!options.baseline_config_json.empty()) {
    if (absl::Status s = runner.CheckConfig(options.baseline_config_json);
        !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the baseline config is refused by the binary: ", s.message()));
    }
  }
  M8_ASSIGN_OR_RETURN(
      const std::string baseline_json,
      CandidateJson(space, {}, options.baseline_config_json));  // validated
  const json baseline = json::parse(baseline_json);
  for (const Knob& knob : space.knobs()) {
    for (const KnobValue& value : knob.values) {
      json doc = baseline;
      doc[knob.name] = json::parse(value.ToJson());
      if (absl::Status s = runner.CheckConfig(doc.dump()); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            space.source(), ": knob '", knob.name, "' = ", value.ToText(),
            ": the binary refuses it: ", s.message()));
      }
    }
  }
  return absl::OkStatus();
}

// Drives the search: measures each candidate the strategy asks for.
class TrialEvaluator : public Evaluator {
 public:
  TrialEvaluator(const Space& space, JournaledRunner& runner,
                 const TuneOptions& options, const Reference& reference,
                 const std::vector<std::string>& metrics,
                 std::optional<int> planned_repetitions, TuneResult& result,
                 analysis::MedianRatioBootstrap& bootstrap,
                 const ProgressFn& progress)
      : space_(space),
        runner_(runner),
        options_(options),
        reference_(reference),
        metrics_(metrics),
        planned_repetitions_(planned_repetitions),
        result_(result),
        bootstrap_(bootstrap),
        progress_(progress) {}

  absl::Status status() const { return status_; }

  std::optional<Score> Evaluate(const Config& config,
                                int repetitions) override {
    if (!status_.ok()) return std::nullopt;
    if (options_.max_trials > 0 &&
        static_cast<int>(result_.trials.size()) >= options_.max_trials) {
      return std::nullopt;
    }
    if (result_.run_seconds >= absl::ToDoubleSeconds(options_.budget)) {
      return std::nullopt;
    }
    Trial trial;
    trial.id = static_cast<int>(result_.trials.size()) + 1;
    trial.config = config;
    trial.repetitions = repetitions;
    absl::StatusOr<std::string> json =
        CandidateJson(space_, config, options_.baseline_config_json);
    if (!json.ok()) {
      status_ = json.status();
      return std::nullopt;
    }
    absl::StatusOr<RunResult> run =
        runner_.Run(absl::StrCat("trial ", trial.id), *json,
                    Settings(space_, config), repetitions, metrics_);
    if (!run.ok()) {
      status_ = run.status();
      return std::nullopt;
    }
    trial.wall_seconds = run->wall_seconds;
    trial.ok = run->ok;
    trial.failure = run->failure;
    if (trial.ok) {
      absl::StatusOr<std::vector<double>> samples =
          reference_.Samples(run->measurement);
      if (!samples.ok()) {
        trial.ok = false;
        trial.failure = std::string(samples.status().message());
      } else {
        trial.samples = *samples;
        trial.judgement = Judge(result_.baseline_samples, trial.samples,
                                options_.decision, bootstrap_);
      }
    }
    repetitions_done_ += repetitions;
    search_seconds_ += trial.wall_seconds;
    result_.trials.push_back(trial);
    Report(trial);
    return Score{trial.ok, trial.ok ? trial.judgement.ratio : 0};
  }

 private:
  void Report(const Trial& trial) {
    if (!progress_) return;
    if (trial.ok && (best_ < 0 || trial.judgement.ratio <
                                      result_.trials[best_].judgement.ratio)) {
      best_ = trial.id - 1;
    }
    std::string line = absl::StrCat("tune: trial ", trial.id);
    if (planned_repetitions_) {
      absl::StrAppend(&line, " (", repetitions_done_, "/",
                      *planned_repetitions_, " repetitions)");
    }
    absl::StrAppend(&line, " ", space_.Describe(trial.config), ": ",
                    trial.ok ? FormatRatio(trial.judgement.ratio)
                             : absl::StrCat("failed (", trial.failure, ")"));
    if (best_ >= 0) {
      absl::StrAppend(&line, "; best ",
                      FormatRatio(result_.trials[best_].judgement.ratio), " (",
                      space_.Describe(result_.trials[best_].config), ")");
    }
    if (planned_repetitions_ && repetitions_done_ > 0) {
      // Start-ups and set-up scale with the runs, as the repetitions do
      // (but for halving's later rungs): time per repetition so far.
      const double per_repetition = search_seconds_ / repetitions_done_;
      const int left = std::max(0, *planned_repetitions_ - repetitions_done_);
      absl::StrAppend(&line, "; search ETA ",
                      FormatSeconds(per_repetition * left));
    }
    progress_(line);
  }

  const Space& space_;
  JournaledRunner& runner_;
  const TuneOptions& options_;
  const Reference& reference_;
  const std::vector<std::string>& metrics_;
  std::optional<int> planned_repetitions_;
  TuneResult& result_;
  analysis::MedianRatioBootstrap& bootstrap_;
  const ProgressFn& progress_;
  absl::Status status_;
  int repetitions_done_ = 0;
  double search_seconds_ = 0;
  int best_ = -1;
};

// Repetitions the search will run, when the strategy's plan is fixed.
std::optional<int> PlannedRepetitions(Strategy strategy, int valid,
                                      const TuneOptions& options) {
  const SearchOptions& s = options.search;
  if (strategy == Strategy::kAuto) {
    strategy = valid <= s.auto_exhaustive_limit ? Strategy::kExhaustive
                                                : Strategy::kHalving;
  }
  int trials_cap = options.max_trials > 0 ? options.max_trials : valid;
  switch (strategy) {
    case Strategy::kExhaustive:
    case Strategy::kRandom:
      return std::min(valid, trials_cap) * s.repetitions;
    case Strategy::kHalving: {
      int n = std::min(valid, s.halving_candidates);
      int repetitions = 1;
      int total = 0;
      for (;;) {
        total += n * repetitions;
        if (n <= 3) break;
        n = std::max(3, (n + 2) / 3);
        repetitions *= 3;
      }
      return total;
    }
    default:
      return std::nullopt;
  }
}

// Where coordinate descent starts: the baseline's value of each knob when
// the space has it (from the baseline config, else the grid's default).
Config StartPoint(const Space& space, const std::string& baseline_json) {
  json baseline = baseline_json.empty()
                      ? json::object()
                      : json::parse(baseline_json, nullptr, false);
  std::map<std::string, std::string> defaults;
  for (const auto& [name, value] : m8::DescribeGridOptions({})) {
    defaults[name] = value;
  }
  Config start;
  for (const Knob& knob : space.knobs()) {
    std::string text;
    if (baseline.is_object() && baseline.contains(knob.name)) {
      const json& v = baseline.at(knob.name);
      text = v.is_string() ? v.get<std::string>() : v.dump();
    } else if (auto it = defaults.find(knob.name); it != defaults.end()) {
      text = it->second;
    }
    KnobValue chosen = knob.values.front();
    for (const KnobValue& v : knob.values) {
      if (v.ToText() == text) chosen = v;
    }
    start.push_back(chosen);
  }
  return start;
}

// Candidates worth verifying: each configuration's latest successful trial
// (the one with the most repetitions), better than the baseline, best first.
std::vector<const Trial*> RankCandidates(const std::vector<Trial>& trials) {
  std::map<Config, const Trial*> latest;
  for (const Trial& t : trials) {
    if (t.ok) latest[t.config] = &t;
  }
  std::vector<const Trial*> ranked;
  for (const auto& [config, trial] : latest) {
    if (trial->judgement.ratio < 1) ranked.push_back(trial);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Trial* a, const Trial* b) {
                     if (a->judgement.ratio != b->judgement.ratio) {
                       return a->judgement.ratio < b->judgement.ratio;
                     }
                     return a->id < b->id;
                   });
  return ranked;
}

class Verifier {
 public:
  Verifier(const Space& space, JournaledRunner& runner,
           const TuneOptions& options, const std::vector<std::string>& metrics,
           const Reference& reference, TuneResult& result,
           analysis::MedianRatioBootstrap& bootstrap,
           const ProgressFn& progress)
      : space_(space),
        runner_(runner),
        options_(options),
        metrics_(metrics),
        reference_(reference),
        result_(result),
        bootstrap_(bootstrap),
        progress_(progress) {}

  // The baseline runs of the first verification: the earliest baseline
  // measured run by run, what the drift check compares with.
  const std::vector<Measurement>& first_baseline_runs() const {
    return first_baseline_runs_;
  }

  absl::StatusOr<Verification> Verify(int index, const Config& config) {
    Verification v;
    v.config = config;
    M8_ASSIGN_OR_RETURN(
        const std::string candidate_json,
        CandidateJson(space_, config, options_.baseline_config_json));
    DecisionOptions decision = options_.decision;
    decision.alpha /= options_.max_verifications;
    std::vector<Measurement> base_runs, candidate_runs;
    for (;;) {
      ++v.rounds;
      const std::string round =
          absl::StrCat("verify ", index, " round ", v.rounds);
      M8_ASSIGN_OR_RETURN(RunResult a,
                          runner_.Run(absl::StrCat(round, " baseline"),
                                      options_.baseline_config_json, {},
                                      options_.round_repetitions, metrics_));
      if (!a.ok) {
        v.reason = absl::StrCat("the baseline failed in round ", v.rounds, ": ",
                                a.failure);
        return v;
      }
      M8_ASSIGN_OR_RETURN(RunResult b,
                          runner_.Run(absl::StrCat(round, " candidate"),
                                      candidate_json, Settings(space_, config),
                                      options_.round_repetitions, metrics_));
      if (!b.ok) {
        v.reason = absl::StrCat("the candidate failed in round ", v.rounds,
                                ": ", b.failure);
        return v;
      }
      M8_ASSIGN_OR_RETURN(const std::vector<double> a_costs,
                          reference_.Samples(a.measurement));
      result_.baseline_run_costs.push_back(analysis::Median(a_costs));
      if (index == 1) first_baseline_runs_.push_back(a.measurement);
      base_runs.push_back(std::move(a.measurement));
      candidate_runs.push_back(std::move(b.measurement));
      v.repetitions = v.rounds * options_.round_repetitions;
      if (v.repetitions < options_.repetitions) continue;

      M8_RETURN_IF_ERROR(JudgeRounds(base_runs, candidate_runs, decision, v));
      const bool guards_hold = std::all_of(
          v.guards.begin(), v.guards.end(),
          [](const GuardResult& g) { return g.state == GuardState::kHolds; });
      const bool guard_breaks = std::any_of(
          v.guards.begin(), v.guards.end(),
          [](const GuardResult& g) { return g.state == GuardState::kBreaks; });
      if (progress_) {
        progress_(absl::StrCat(
            "tune: verify ", index, " ", space_.Describe(config), ": ",
            v.repetitions, " repetitions a side, ",
            FormatRatio(v.objective.ratio), " [",
            FormatRatio(v.objective.ci.low), ", ",
            FormatRatio(v.objective.ci.high),
            "], p = ", absl::StrFormat("%.3g", v.objective.pvalue)));
      }
      if (v.objective.verdict == analysis::Verdict::kImproved && guards_hold) {
        v.accepted = true;
        v.reason = absl::StrFormat(
            "proven faster: p = %.3g < %.3g and the whole CI below %.3f",
            v.objective.pvalue, decision.alpha, 1 - decision.noise);
        return v;
      }
      if (guard_breaks) {
        v.reason = absl::StrCat("a guard breaks: ", GuardsBroken(v));
        return v;
      }
      if (v.objective.verdict == analysis::Verdict::kRegressed ||
          v.objective.ci.low >= 1 - decision.noise) {
        v.reason = absl::StrFormat(
            "not an improvement beyond the %.3g%% noise band: CI [%.3f, "
            "%.3f]",
            100 * decision.noise, v.objective.ci.low, v.objective.ci.high);
        return v;
      }
      if (v.repetitions + options_.round_repetitions >
          options_.max_repetitions) {
        v.reason = absl::StrCat(
            "undecided after ", v.repetitions, " repetitions a side (",
            v.objective.verdict == analysis::Verdict::kImproved
                ? absl::StrCat("a guard is undecided: ", GuardsBroken(v))
                : absl::StrFormat("p = %.3g, CI [%.3f, %.3f]",
                                  v.objective.pvalue, v.objective.ci.low,
                                  v.objective.ci.high),
            ")");
        return v;
      }
    }
  }

 private:
  static std::string GuardsBroken(const Verification& v) {
    std::string out;
    for (const GuardResult& g : v.guards) {
      if (g.state == GuardState::kHolds) continue;
      absl::StrAppend(&out, out.empty() ? "" : "; ", g.spec.metric.name, " ",
                      FormatRatio(g.judgement.ratio), " [",
                      FormatRatio(g.judgement.ci.low), ", ",
                      FormatRatio(g.judgement.ci.high), "] against +",
                      absl::StrFormat("%g", 100 * g.spec.tolerance), "%");
    }
    return out;
  }

  absl::Status JudgeRounds(const std::vector<Measurement>& base_runs,
                           const std::vector<Measurement>& candidate_runs,
                           const DecisionOptions& decision, Verification& v) {
    std::vector<const Measurement*> a, b;
    for (const Measurement& m : base_runs) a.push_back(&m);
    for (const Measurement& m : candidate_runs) b.push_back(&m);
    auto judge =
        [&](const ObjectiveMetric& metric) -> absl::StatusOr<Judgement> {
      M8_ASSIGN_OR_RETURN(const Reference ref, Reference::Build(a, metric));
      M8_ASSIGN_OR_RETURN(std::vector<double> base, ref.PooledSamples(a));
      M8_ASSIGN_OR_RETURN(std::vector<double> cand, ref.PooledSamples(b));
      return Judge(std::move(base), std::move(cand), decision, bootstrap_);
    };
    M8_ASSIGN_OR_RETURN(v.objective, judge(options_.metric));
    v.guards.clear();
    for (const GuardSpec& spec : options_.guards) {
      M8_ASSIGN_OR_RETURN(Judgement j, judge(spec.metric));
      v.guards.push_back(
          {spec, j, JudgeGuard(j, spec.tolerance, decision.alpha)});
    }
    return absl::OkStatus();
  }

  const Space& space_;
  JournaledRunner& runner_;
  const TuneOptions& options_;
  const std::vector<std::string>& metrics_;
  const Reference& reference_;
  TuneResult& result_;
  analysis::MedianRatioBootstrap& bootstrap_;
  const ProgressFn& progress_;
  std::vector<Measurement> first_baseline_runs_;
};

// After the last rejection: measures the baseline again, run by run as a
// verification does, and compares it with the first verification's baseline
// runs. A proven difference means the machine changed during the tune, and
// no verdict of it can be trusted.
absl::Status CheckDrift(JournaledRunner& runs, const TuneOptions& options,
                        const std::vector<std::string>& metrics,
                        const Reference& reference,
                        const std::vector<Measurement>& earlier,
                        analysis::MedianRatioBootstrap& bootstrap,
                        TuneResult& result) {
  std::vector<Measurement> later;
  for (int done = 0; done < options.repetitions;
       done += options.round_repetitions) {
    M8_ASSIGN_OR_RETURN(
        RunResult again,
        runs.Run(absl::StrCat("baseline again ", later.size() + 1),
                 options.baseline_config_json, {}, options.round_repetitions,
                 metrics));
    if (!again.ok) {
      result.decision = Decision::kDrifted;
      result.reason =
          absl::StrCat("the baseline failed when re-measured: ", again.failure);
      return absl::OkStatus();
    }
    M8_ASSIGN_OR_RETURN(const std::vector<double> costs,
                        reference.Samples(again.measurement));
    result.baseline_run_costs.push_back(analysis::Median(costs));
    later.push_back(std::move(again.measurement));
  }
  std::vector<const Measurement*> before_runs, after_runs;
  for (const Measurement& m : earlier) before_runs.push_back(&m);
  for (const Measurement& m : later) after_runs.push_back(&m);
  M8_ASSIGN_OR_RETURN(std::vector<double> before,
                      reference.PooledSamples(before_runs));
  M8_ASSIGN_OR_RETURN(std::vector<double> after,
                      reference.PooledSamples(after_runs));
  result.drift =
      Judge(std::move(before), std::move(after), options.decision, bootstrap);
  if (result.drift->verdict == analysis::Verdict::kImproved ||
      result.drift->verdict == analysis::Verdict::kRegressed) {
    result.decision = Decision::kDrifted;
    result.reason = absl::StrFormat(
        "the baseline moved during the tune (%.3fx what it measured at the "
        "first verification, p = %.3g): the machine drifted and the result "
        "cannot be trusted",
        result.drift->ratio, result.drift->pvalue);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status TuneOptions::Validate() const {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(what);
  };
  if (metric.direction == analysis::Direction::kNeutral) {
    return bad(absl::StrCat("metric ", metric.name,
                            " has no better direction: give it one with "
                            "--direction ",
                            metric.name, "=lower|higher"));
  }
  for (const GuardSpec& g : guards) {
    if (g.metric.direction == analysis::Direction::kNeutral) {
      return bad(absl::StrCat("guard ", g.metric.name,
                              " has no better direction: give it one with "
                              "--direction ",
                              g.metric.name, "=lower|higher"));
    }
    if (!(g.tolerance >= 0 && g.tolerance < 100)) {
      return bad(absl::StrCat("guard ", g.metric.name,
                              ": the tolerance must be in [0%, 10000%)"));
    }
  }
  if (!(decision.alpha > 0 && decision.alpha <= 0.5)) {
    return bad("--alpha must be in (0, 0.5]");
  }
  if (!(decision.noise >= 0 && decision.noise < 1)) {
    return bad("--noise must be in [0, 1)");
  }
  if (max_verifications < 1 || max_verifications > 10) {
    return bad("the verifications must number 1 to 10");
  }
  if (round_repetitions < 1) return bad("round repetitions must be >= 1");
  if (repetitions < 1 || repetitions > 1000) {
    return bad("--repetitions must be in [1, 1000]");
  }
  const double smallest =
      analysis::SmallestMannWhitneyPValue(repetitions, repetitions);
  if (smallest >= decision.alpha / max_verifications) {
    return bad(absl::StrFormat(
        "--repetitions %d is too few: with %d a side no p-value can fall "
        "below %.3g (alpha over %d verifications)",
        repetitions, repetitions, decision.alpha / max_verifications,
        max_verifications));
  }
  if (max_repetitions < repetitions || max_repetitions > 10000) {
    return bad("--max-repetitions must be in [--repetitions, 10000]");
  }
  if (search.repetitions < 1 || search.repetitions > 1000) {
    return bad("trial repetitions must be in [1, 1000]");
  }
  if (max_trials < 0) return bad("--trials must be >= 0");
  if (budget <= absl::ZeroDuration()) return bad("--budget must be positive");
  return absl::OkStatus();
}

absl::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAccepted:
      return "accepted";
    case Decision::kRejected:
      return "rejected";
    case Decision::kNoCandidate:
      return "no_candidate";
    case Decision::kDrifted:
      return "drifted";
  }
  return "rejected";
}

const Verification* TuneResult::accepted() const {
  for (const Verification& v : verifications) {
    if (v.accepted) return &v;
  }
  return nullptr;
}

absl::StatusOr<std::string> CandidateJson(const Space& space,
                                          const Config& config,
                                          const std::string& baseline_json) {
  json doc = json::object();
  if (!baseline_json.empty()) {
    doc = json::parse(baseline_json, nullptr, false);
    if (!doc.is_object()) {
      return absl::InvalidArgumentError(
          "the baseline config must be a JSON object");
    }
  }
  for (size_t k = 0; k < config.size(); ++k) {
    doc[space.knobs()[k].name] = json::parse(config[k].ToJson());
  }
  return doc.dump();
}

absl::StatusOr<TuneResult> Tune(const Space& space, Runner& runner,
                                Journal* journal, const TuneOptions& options,
                                const ProgressFn& progress) {
  M8_RETURN_IF_ERROR(options.Validate());
  const absl::Time start = absl::Now();
  TuneResult result;
  M8_RETURN_IF_ERROR(
      CheckKnobs(space, runner, options, &result.semantic_knobs));
  result.startup_seconds = runner.StartupSeconds();
  result.check_seconds = absl::ToDoubleSeconds(absl::Now() - start);

  // The points to search: the space's constraints, then the grid's own
  // validation of each whole config (e.g. noise_floor <= blanket_threshold).
  M8_ASSIGN_OR_RETURN(std::vector<Config> points, space.ValidPoints());
  std::vector<Config> valid;
  for (Config& point : points) {
    M8_ASSIGN_OR_RETURN(
        const std::string json,
        CandidateJson(space, point, options.baseline_config_json));
    if (AllGridOptions(json) && !m8::ParseGridConfig(json, "candidate").ok()) {
      ++result.excluded_points;
      continue;
    }
    valid.push_back(std::move(point));
  }
  result.valid_points = static_cast<int>(valid.size());
  if (valid.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        space.source(), ": no point of the space is a valid grid config"));
  }

  std::vector<std::string> metrics = {options.metric.name};
  for (const GuardSpec& g : options.guards) {
    if (std::find(metrics.begin(), metrics.end(), g.metric.name) ==
        metrics.end()) {
      metrics.push_back(g.metric.name);
    }
  }
  JournaledRunner runs(runner, journal, result);
  analysis::MedianRatioBootstrap bootstrap(options.decision.bootstrap);

  // The baseline of the search: several runs, so that the reference every
  // trial is scored against does not hinge on one process (two runs of the
  // same configuration can differ by more than the knobs do).
  std::vector<Measurement> baseline_runs;
  double baseline_seconds = 0;
  const int per_run =
      (options.repetitions + kSearchBaselineRuns - 1) / kSearchBaselineRuns;
  for (int i = 1; i <= kSearchBaselineRuns; ++i) {
    M8_ASSIGN_OR_RETURN(
        RunResult baseline,
        runs.Run(absl::StrCat("baseline ", i), options.baseline_config_json, {},
                 per_run, metrics));
    if (!baseline.ok) {
      return absl::FailedPreconditionError(
          absl::StrCat("the baseline run failed: ", baseline.failure));
    }
    baseline_seconds += baseline.wall_seconds;
    baseline_runs.push_back(std::move(baseline.measurement));
  }
  std::vector<const Measurement*> baseline_pointers;
  for (const Measurement& m : baseline_runs) baseline_pointers.push_back(&m);
  M8_ASSIGN_OR_RETURN(const Reference reference,
                      Reference::Build(baseline_pointers, options.metric));
  for (const Measurement& m : baseline_runs) {
    M8_ASSIGN_OR_RETURN(const std::vector<double> samples,
                        reference.Samples(m));
    result.baseline_samples.insert(result.baseline_samples.end(),
                                   samples.begin(), samples.end());
    result.baseline_run_costs.push_back(analysis::Median(samples));
  }
  if (progress) {
    progress(absl::StrCat(
        "tune: baseline measured (", kSearchBaselineRuns, " runs of ", per_run,
        " repetitions of ", reference.medians().size(), " benchmarks in ",
        FormatSeconds(baseline_seconds), "); ", valid.size(), " candidates"));
  }

  // The search.
  SearchOptions search = options.search;
  search.start = StartPoint(space, options.baseline_config_json);
  TrialEvaluator evaluator(
      space, runs, options, reference, metrics,
      PlannedRepetitions(search.strategy, result.valid_points, options), result,
      bootstrap, progress);
  result.strategy = Search(space, valid, search, evaluator);
  M8_RETURN_IF_ERROR(evaluator.status());

  // Verify the best candidates, one at a time.
  const bool any_ok = std::any_of(result.trials.begin(), result.trials.end(),
                                  [](const Trial& t) { return t.ok; });
  if (!any_ok) {
    result.decision = Decision::kNoCandidate;
    result.reason = result.trials.empty() ? "the budget allowed no trial"
                                          : "every candidate failed to run";
  } else {
    const std::vector<const Trial*> ranked = RankCandidates(result.trials);
    Verifier verifier(space, runs, options, metrics, reference, result,
                      bootstrap, progress);
    for (size_t i = 0;
         i < ranked.size() && static_cast<int>(i) < options.max_verifications;
         ++i) {
      M8_ASSIGN_OR_RETURN(
          Verification v,
          verifier.Verify(static_cast<int>(i) + 1, ranked[i]->config));
      result.verifications.push_back(std::move(v));
      if (result.verifications.back().accepted) break;
    }
    if (result.accepted() != nullptr) {
      result.decision = Decision::kAccepted;
      result.reason = result.accepted()->reason;
    } else {
      result.decision = Decision::kRejected;
      result.reason =
          ranked.empty()
              ? "no candidate measured faster than the baseline"
              : absl::StrCat("no candidate was a proven improvement (",
                             result.verifications.size(), " verified)");
      if (!verifier.first_baseline_runs().empty()) {
        M8_RETURN_IF_ERROR(CheckDrift(runs, options, metrics, reference,
                                      verifier.first_baseline_runs(), bootstrap,
                                      result));
      }
    }
  }
  result.harness_seconds =
      std::max(0.0, absl::ToDoubleSeconds(absl::Now() - start) -
                        runs.live_seconds() - result.check_seconds);
  return result;
}

}  // namespace m8::optimizer
