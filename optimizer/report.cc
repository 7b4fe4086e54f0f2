#include "optimizer/report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analysis/read/printable.h"
#include "analysis/report/format.h"
#include "analysis/stats/statistics.h"
#include "boost/math/distributions/students_t.hpp"
#include "nlohmann/json.hpp"

namespace m8::optimizer {
namespace {

using analysis::MarkdownCode;
using analysis::MarkdownText;
using analysis::Printable;
using nlohmann::json;
using nlohmann::ordered_json;

std::string Ratio(double r) { return absl::StrFormat("%.3fx", r); }

std::string Ci(const analysis::Interval& ci) {
  return absl::StrFormat("[%.3f, %.3f]", ci.low, ci.high);
}

std::string Pvalue(double p) { return absl::StrFormat("%.3g", p); }

// The baseline's --m8_config document, or null for the binary's defaults
// (or a document that does not parse: Tune refuses those before this).
ordered_json BaselineJson(const std::string& text) {
  if (text.empty()) return nullptr;
  return ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
}

ordered_json ConfigJson(const Space& space, const Config& config) {
  ordered_json j = ordered_json::object();
  for (size_t k = 0; k < config.size(); ++k) {
    j[space.knobs()[k].name] = ordered_json::parse(config[k].ToJson());
  }
  return j;
}

ordered_json JudgementJson(const Judgement& j) {
  auto num = [](double v) -> ordered_json {
    return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr);
  };
  return ordered_json{{"ratio", num(j.ratio)},
                      {"ci", {num(j.ci.low), num(j.ci.high)}},
                      {"pvalue", num(j.pvalue)},
                      {"speedup", num(j.speedup())},
                      {"verdict", analysis::VerdictName(j.verdict)},
                      {"n_base", j.n_base},
                      {"n_candidate", j.n_candidate}};
}

// How much the same configuration's cost moves from one run to the next:
// the standard deviation of the log median costs of the baseline's runs.
struct RunNoise {
  double sigma = 0;
  int runs = 0;
};

RunNoise BaselineRunNoise(const std::vector<double>& run_costs) {
  std::vector<double> logs;
  for (const double c : run_costs) {
    if (c > 0 && std::isfinite(c)) logs.push_back(std::log(c));
  }
  return {analysis::SampleStddev(logs), static_cast<int>(logs.size())};
}

// Compares two values of a knob from the trials that differ only in it:
// each trial is one run, so the unit of the test is the run. Under no
// effect, the mean of the m log ratios is normal with variance
// 2 sigma^2 / m, sigma being the run-to-run noise of the baseline (its runs
// give the degrees of freedom); a t test on it, and its t interval. Unknown
// when the baseline ran fewer than twice.
Judgement JudgeMatchedTrials(const std::vector<double>& log_ratios,
                             const RunNoise& noise, double alpha,
                             double noise_band) {
  Judgement j;
  j.n_base = j.n_candidate = static_cast<int>(log_ratios.size());
  const double mean = analysis::Mean(log_ratios);
  j.ratio = std::exp(mean);
  j.ci = {std::nan(""), std::nan("")};
  j.pvalue = std::nan("");
  if (noise.runs < 2) return j;  // kUnknown
  const double dof = noise.runs - 1;
  const double se = std::max(noise.sigma, 1e-12) *
                    std::sqrt(2.0 / static_cast<double>(log_ratios.size()));
  const boost::math::students_t t_dist(dof);
  const double t = mean / se;
  j.pvalue =
      2 * boost::math::cdf(boost::math::complement(t_dist, std::fabs(t)));
  const double half =
      boost::math::quantile(boost::math::complement(t_dist, 0.025)) * se;
  j.ci = {std::exp(mean - half), std::exp(mean + half)};
  j.verdict = analysis::Decide(analysis::Direction::kLowerIsBetter, j.pvalue,
                               j.ci, alpha, noise_band);
  return j;
}

std::vector<KnobEffect> ComputeEffects(const Space& space,
                                       const TuneResult& result,
                                       const DecisionOptions& decision) {
  const RunNoise noise = BaselineRunNoise(result.baseline_run_costs);
  // Each configuration's latest successful trial.
  std::map<Config, const Trial*> latest;
  for (const Trial& t : result.trials) {
    if (t.ok) latest[t.config] = &t;
  }
  std::vector<KnobEffect> effects;
  for (size_t k = 0; k < space.knobs().size(); ++k) {
    const std::vector<KnobValue>& values = space.knobs()[k].values;
    KnobEffect effect;
    effect.name = space.knobs()[k].name;
    for (const KnobValue& value : values) {
      std::vector<double> ratios;
      for (const auto& [config, trial] : latest) {
        if (config[k] == value) ratios.push_back(trial->judgement.ratio);
      }
      if (ratios.empty()) continue;
      effect.values.push_back(
          {value, analysis::Median(ratios), static_cast<int>(ratios.size())});
    }
    // Trials grouped by the values of the other knobs: within a group only
    // this knob differs, so comparing its values there is not confounded
    // by the others.
    std::map<Config, std::map<KnobValue, const Trial*>> groups;
    for (const auto& [config, trial] : latest) {
      Config rest = config;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
      groups[rest][config[k]] = trial;
    }
    // For each pair of values, the log cost ratios of the matched trials.
    struct Pair {
      size_t a, b;
      std::vector<double> log_ratios;  // log(cost at b / cost at a)
    };
    std::vector<Pair> pairs;
    for (size_t a = 0; a < values.size(); ++a) {
      for (size_t b = a + 1; b < values.size(); ++b) {
        Pair pair{a, b, {}};
        for (const auto& [rest, by_value] : groups) {
          auto ia = by_value.find(values[a]);
          auto ib = by_value.find(values[b]);
          if (ia == by_value.end() || ib == by_value.end()) continue;
          pair.log_ratios.push_back(std::log(ib->second->judgement.ratio /
                                             ia->second->judgement.ratio));
        }
        if (!pair.log_ratios.empty()) pairs.push_back(std::move(pair));
      }
    }
    if (pairs.empty()) {
      effects.push_back(std::move(effect));  // kUntested
      continue;
    }
    // Several pairs are tested: share alpha among them (Bonferroni).
    const double alpha = decision.alpha / static_cast<double>(pairs.size());
    effect.kind = KnobEffect::Kind::kNone;
    double largest = -1;
    for (const Pair& pair : pairs) {
      Judgement j =
          JudgeMatchedTrials(pair.log_ratios, noise, alpha, decision.noise);
      size_t best = pair.b, worst = pair.a;
      if (j.ratio > 1) {  // orient: best is the cheaper value
        std::swap(best, worst);
        j.ratio = 1 / j.ratio;
        j.ci = {1 / j.ci.high, 1 / j.ci.low};
        if (j.verdict == analysis::Verdict::kRegressed) {
          j.verdict = analysis::Verdict::kImproved;
        }
      }
      const bool proven = j.verdict == analysis::Verdict::kImproved;
      const double size = std::fabs(std::log(j.ratio));
      // Report the largest proven difference, else the largest seen.
      const bool measurable = effect.kind == KnobEffect::Kind::kMeasurable;
      if ((proven && !measurable) || (proven == measurable && size > largest)) {
        largest = size;
        effect.best = values[best];
        effect.worst = values[worst];
        effect.best_vs_worst = j;
        if (proven) effect.kind = KnobEffect::Kind::kMeasurable;
      }
    }
    effects.push_back(std::move(effect));
  }
  return effects;
}

}  // namespace

absl::string_view KnobEffectName(KnobEffect::Kind kind) {
  switch (kind) {
    case KnobEffect::Kind::kMeasurable:
      return "measurable";
    case KnobEffect::Kind::kNone:
      return "none";
    case KnobEffect::Kind::kUntested:
      return "untested";
  }
  return "untested";
}

TuneReport::TuneReport(const Space& space, const TuneResult& result,
                       TuneSetup setup)
    : space_(space), result_(result), setup_(std::move(setup)) {
  effects_ = ComputeEffects(space_, result_, setup_.options.decision);
  const std::string workload = absl::StrCat("'", setup_.filter, "'");
  switch (result_.decision) {
    case Decision::kAccepted: {
      const Verification& v = *result_.accepted();
      recommendations_.push_back(absl::StrCat(
          space_.Describe(v.config), " is ", Ratio(v.objective.speedup()),
          " faster than the baseline on ", workload, " ",
          Ci(v.objective.speedup_ci()), " (p = ", Pvalue(v.objective.pvalue),
          ", ", v.repetitions,
          " repetitions a side): use tuned.json "
          "(--m8_config)."));
      break;
    }
    case Decision::kRejected:
      recommendations_.push_back(
          absl::StrCat("Keep the baseline: ", result_.reason, "."));
      if (!result_.verifications.empty()) {
        const Verification& v = result_.verifications.front();
        recommendations_.push_back(absl::StrCat(
            "The best candidate, ", space_.Describe(v.config), ", measured ",
            Ratio(v.objective.speedup()), " ", Ci(v.objective.speedup_ci()),
            " the baseline's speed: ", v.reason, "."));
      }
      break;
    case Decision::kDrifted:
      recommendations_.push_back(absl::StrCat(
          "Nothing can be concluded: ", result_.reason,
          ". Re-run on a quieter machine (m8perf calibrate shows the "
          "noise)."));
      break;
    case Decision::kNoCandidate: {
      std::string first;
      for (const Trial& t : result_.trials) {
        if (!t.ok) {
          first = t.failure;
          break;
        }
      }
      recommendations_.push_back(absl::StrCat(
          "Keep the baseline: ", result_.reason,
          first.empty() ? "" : absl::StrCat(" (the first: ", first, ")"), "."));
      break;
    }
  }
  for (const KnobEffect& e : effects_) {
    switch (e.kind) {
      case KnobEffect::Kind::kMeasurable:
        recommendations_.push_back(absl::StrCat(
            e.name, " ", e.best.ToText(), " is ",
            Ratio(e.best_vs_worst.speedup()), " faster than ", e.name, " ",
            e.worst.ToText(), " on ", workload, " with the other knobs equal ",
            Ci(e.best_vs_worst.speedup_ci()), "."));
        break;
      case KnobEffect::Kind::kNone:
        recommendations_.push_back(absl::StrCat(
            e.name, " has no measurable effect on ", workload, "."));
        break;
      case KnobEffect::Kind::kUntested:
        recommendations_.push_back(
            absl::StrCat(e.name,
                         ": no two of its values were measured with the other "
                         "knobs equal, so its effect is unknown."));
        break;
    }
  }
  if (!result_.semantic_knobs.empty()) {
    recommendations_.push_back(
        absl::StrCat("The tuned grid computes different answers: ",
                     absl::StrJoin(result_.semantic_knobs, ", "),
                     " change results, not only speed."));
  }
}

double TuneReport::overhead_fraction() const {
  const double startups = result_.runs * result_.startup_seconds;
  const double benchmark = result_.run_seconds - startups;
  if (benchmark <= 0) return 0;
  return (result_.harness_seconds + startups) / benchmark;
}

std::string TuneReport::Headline() const {
  switch (result_.decision) {
    case Decision::kAccepted: {
      const Verification& v = *result_.accepted();
      return absl::StrCat("accepted: ", space_.Describe(v.config), " is ",
                          Ratio(v.objective.speedup()), " faster ",
                          Ci(v.objective.speedup_ci()),
                          ", p = ", Pvalue(v.objective.pvalue));
    }
    case Decision::kRejected:
      return absl::StrCat("rejected: ", result_.reason);
    case Decision::kDrifted:
      return absl::StrCat("drifted: ", result_.reason);
    case Decision::kNoCandidate:
      return absl::StrCat("no candidate: ", result_.reason);
  }
  return "";
}

std::string TuneReport::TunedConfigJson() const {
  const Verification* v = result_.accepted();
  ordered_json doc = BaselineJson(setup_.baseline_config_json);
  if (!doc.is_object()) doc = ordered_json::object();
  if (v != nullptr) {
    const ordered_json knobs = ConfigJson(space_, v->config);
    for (const auto& [key, value] : knobs.items()) doc[key] = value;
  }
  return doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string TuneReport::ToJson() const {
  ordered_json j;
  j["m8perf_tune_report"] = 1;
  j["binary"] = setup_.binary;
  j["filter"] = setup_.filter;
  j["binary_args"] = setup_.binary_args;
  j["space"] = setup_.space_source;
  j["metric"] = {
      {"name", setup_.options.metric.name},
      {"direction", analysis::DirectionName(setup_.options.metric.direction)}};
  j["strategy"] = StrategyName(result_.strategy);
  j["alpha"] = setup_.options.decision.alpha;
  j["noise"] = setup_.options.decision.noise;
  j["repetitions"] = setup_.options.repetitions;
  j["max_repetitions"] = setup_.options.max_repetitions;
  j["baseline"] = {{"config", BaselineJson(setup_.baseline_config_json)}};
  j["valid_points"] = result_.valid_points;
  j["excluded_points"] = result_.excluded_points;
  j["semantic_knobs"] = result_.semantic_knobs;
  j["decision"] = DecisionName(result_.decision);
  j["reason"] = result_.reason;
  if (const Verification* v = result_.accepted()) {
    ordered_json a = JudgementJson(v->objective);
    a["config"] = ConfigJson(space_, v->config);
    j["accepted"] = a;
  } else {
    j["accepted"] = nullptr;
  }
  ordered_json guards = ordered_json::array();
  ordered_json verifications = ordered_json::array();
  for (const Verification& v : result_.verifications) {
    ordered_json vg = ordered_json::array();
    for (const GuardResult& g : v.guards) {
      vg.push_back({{"name", g.spec.metric.name},
                    {"tolerance", g.spec.tolerance},
                    {"state", GuardStateName(g.state)},
                    {"holds", g.state == GuardState::kHolds},
                    {"judgement", JudgementJson(g.judgement)}});
    }
    verifications.push_back({{"config", ConfigJson(space_, v.config)},
                             {"rounds", v.rounds},
                             {"repetitions", v.repetitions},
                             {"objective", JudgementJson(v.objective)},
                             {"guards", vg},
                             {"accepted", v.accepted},
                             {"reason", v.reason}});
  }
  // The guards of the accepted candidate, else of the best one verified.
  const Verification* deciding =
      result_.accepted() != nullptr
          ? result_.accepted()
          : (result_.verifications.empty() ? nullptr
                                           : &result_.verifications.front());
  for (const GuardSpec& spec : setup_.options.guards) {
    ordered_json g = {{"name", spec.metric.name},
                      {"tolerance", spec.tolerance},
                      {"holds", nullptr},
                      {"state", "not_measured"}};
    if (deciding != nullptr) {
      for (const GuardResult& r : deciding->guards) {
        if (r.spec.metric.name != spec.metric.name) continue;
        g["holds"] = r.state == GuardState::kHolds;
        g["state"] = GuardStateName(r.state);
        g["judgement"] = JudgementJson(r.judgement);
      }
    }
    guards.push_back(g);
  }
  j["guards"] = guards;
  j["verifications"] = verifications;
  if (result_.drift) {
    j["drift"] = JudgementJson(*result_.drift);
  } else {
    j["drift"] = nullptr;
  }
  ordered_json knobs = ordered_json::array();
  for (const KnobEffect& e : effects_) {
    ordered_json values = ordered_json::array();
    for (const auto& v : e.values) {
      values.push_back({{"value", ordered_json::parse(v.value.ToJson())},
                        {"median_ratio", v.median_ratio},
                        {"trials", v.trials}});
    }
    ordered_json k = {{"name", e.name},
                      {"effect", KnobEffectName(e.kind)},
                      {"values", values}};
    if (e.kind != KnobEffect::Kind::kUntested) {
      k["best"] = ordered_json::parse(e.best.ToJson());
      k["worst"] = ordered_json::parse(e.worst.ToJson());
      k["best_vs_worst"] = JudgementJson(e.best_vs_worst);
    }
    knobs.push_back(k);
  }
  j["knobs"] = knobs;
  ordered_json trials = ordered_json::array();
  for (const Trial& t : result_.trials) {
    ordered_json tj = {{"id", t.id},
                       {"config", ConfigJson(space_, t.config)},
                       {"repetitions", t.repetitions},
                       {"status", t.ok ? "ok" : "failed"},
                       {"reason", t.failure},
                       {"wall_seconds", t.wall_seconds}};
    if (t.ok) {
      tj["median_ratio"] = t.judgement.ratio;
      tj["judgement"] = JudgementJson(t.judgement);
    }
    trials.push_back(tj);
  }
  j["trials"] = trials;
  j["recommendations"] = recommendations_;
  j["cost"] = {{"runs", result_.runs},
               {"replayed_runs", result_.replayed_runs},
               {"run_seconds", result_.run_seconds},
               {"check_seconds", result_.check_seconds},
               {"harness_seconds", result_.harness_seconds},
               {"startup_seconds", result_.startup_seconds},
               {"overhead_fraction", overhead_fraction()},
               {"elapsed_seconds", setup_.elapsed_seconds}};
  // Paths, the filter and failure messages (a binary's stderr) need not be
  // UTF-8: bytes that are not are written as U+FFFD.
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string TuneReport::ToMarkdown() const {
  std::string md = absl::StrCat("# m8perf tune: ", MarkdownCode(setup_.filter),
                                "\n\n**", MarkdownText(Headline()), "**\n\n");
  absl::StrAppend(&md, "- binary: ", MarkdownCode(setup_.binary), "\n",
                  "- metric: ", MarkdownText(setup_.options.metric.name), " (",
                  analysis::DirectionName(setup_.options.metric.direction),
                  " is better); alpha ", setup_.options.decision.alpha,
                  ", noise band ", 100 * setup_.options.decision.noise, "%\n",
                  "- space: ", MarkdownText(setup_.space_source), " (",
                  result_.valid_points, " valid points",
                  result_.excluded_points > 0
                      ? absl::StrCat(", ", result_.excluded_points,
                                     " ruled out by the grid's validation")
                      : "",
                  "), strategy ", StrategyName(result_.strategy), ", ",
                  result_.trials.size(), " trials\n", "- baseline: ",
                  setup_.baseline_config_json.empty()
                      ? "the binary's defaults"
                      : MarkdownCode(setup_.baseline_config_json),
                  "\n\n## Recommendations\n\n");
  for (const std::string& r : recommendations_) {
    absl::StrAppend(&md, "- ", MarkdownText(r), "\n");
  }
  if (!result_.verifications.empty()) {
    absl::StrAppend(&md,
                    "\n## Verification (interleaved rounds against the "
                    "baseline)\n\n| candidate | repetitions a side | cost "
                    "ratio | 95% CI | p | guards | outcome |\n|---|---|---|---|"
                    "---|---|---|\n");
    for (const Verification& v : result_.verifications) {
      std::vector<std::string> guards;
      for (const GuardResult& g : v.guards) {
        guards.push_back(absl::StrCat(g.spec.metric.name, " ",
                                      Ratio(g.judgement.ratio), " ",
                                      GuardStateName(g.state)));
      }
      absl::StrAppend(
          &md, "| ", MarkdownText(space_.Describe(v.config)), " | ",
          v.repetitions, " | ", Ratio(v.objective.ratio), " | ",
          Ci(v.objective.ci), " | ", Pvalue(v.objective.pvalue), " | ",
          guards.empty() ? "-" : MarkdownText(absl::StrJoin(guards, "; ")),
          " | ", v.accepted ? "accepted" : "rejected", ": ",
          MarkdownText(v.reason), " |\n");
    }
  }
  if (result_.drift) {
    absl::StrAppend(
        &md, "\nBaseline re-measured at the end: ", Ratio(result_.drift->ratio),
        " ", Ci(result_.drift->ci),
        " its earlier runs, p = ", Pvalue(result_.drift->pvalue), ".\n");
  }
  absl::StrAppend(&md,
                  "\n## Knobs (median cost ratio of the trials with each "
                  "value)\n\n| knob | effect | values |\n|---|---|---|\n");
  for (const KnobEffect& e : effects_) {
    std::vector<std::string> values;
    for (const auto& v : e.values) {
      values.push_back(absl::StrCat(
          v.value.ToText(), ": ", Ratio(v.median_ratio), " (", v.trials, ")"));
    }
    absl::StrAppend(&md, "| ", MarkdownText(e.name), " | ",
                    KnobEffectName(e.kind), " | ",
                    MarkdownText(absl::StrJoin(values, ", ")), " |\n");
  }
  absl::StrAppend(&md,
                  "\n## Trials (cost ratio against the baseline run; below 1 "
                  "is faster)\n\n| # | config | repetitions | ratio | status "
                  "|\n|---|---|---|---|---|\n");
  for (const Trial& t : result_.trials) {
    absl::StrAppend(
        &md, "| ", t.id, " | ", MarkdownText(space_.Describe(t.config)), " | ",
        t.repetitions, " | ", t.ok ? Ratio(t.judgement.ratio) : "-", " | ",
        t.ok ? "ok" : MarkdownText(absl::StrCat("failed: ", t.failure)),
        " |\n");
  }
  absl::StrAppend(
      &md, "\n## Cost\n\n", result_.runs, " runs of the binary (",
      result_.replayed_runs, " replayed from the journal) took ",
      absl::StrFormat("%.1f", result_.run_seconds),
      " s, of which the binary's start-ups (",
      absl::StrFormat("%.0f ms", 1000 * result_.startup_seconds),
      " each) and the tuner's own work between runs (spawning, parsing, "
      "statistics, journal: ",
      absl::StrFormat("%.1f s", result_.harness_seconds), ") came to ",
      absl::StrFormat("%.1f%%", 100 * overhead_fraction()),
      " of the benchmark time. Checking the knobs first took ",
      absl::StrFormat("%.1f s", result_.check_seconds), ".\n");
  return md;
}

std::string TuneReport::ToConsole(bool colour) const {
  const char* bold = colour ? "\033[1m" : "";
  const char* reset = colour ? "\033[0m" : "";
  const char* tint = "";
  if (colour) {
    tint = result_.decision == Decision::kAccepted   ? "\033[32m"
           : result_.decision == Decision::kRejected ? "\033[33m"
                                                     : "\033[31m";
  }
  std::string out =
      absl::StrCat(bold, "m8perf tune ", Printable(setup_.filter), reset, ": ",
                   Printable(setup_.options.metric.name), ", ",
                   StrategyName(result_.strategy), ", ", result_.trials.size(),
                   " trials of ", result_.valid_points, " candidates\n", tint,
                   Printable(Headline()), reset, "\n");
  for (const std::string& r : recommendations_) {
    absl::StrAppend(&out, "  - ", Printable(r), "\n");
  }
  std::vector<const Trial*> ok;
  for (const Trial& t : result_.trials) {
    if (t.ok) ok.push_back(&t);
  }
  std::stable_sort(ok.begin(), ok.end(), [](const Trial* a, const Trial* b) {
    return a->judgement.ratio < b->judgement.ratio;
  });
  if (!ok.empty()) {
    absl::StrAppend(&out, "best trials (cost ratio, repetitions):\n");
    for (size_t i = 0; i < ok.size() && i < 5; ++i) {
      absl::StrAppend(&out, "  ", Ratio(ok[i]->judgement.ratio), "  ",
                      Printable(space_.Describe(ok[i]->config)), "  (",
                      ok[i]->repetitions, ")\n");
    }
  }
  const int failed = static_cast<int>(result_.trials.size() - ok.size());
  if (failed > 0) absl::StrAppend(&out, failed, " trials failed\n");
  absl::StrAppend(&out,
                  absl::StrFormat("%d runs in %.1f s, harness overhead %.1f%%",
                                  result_.runs, result_.run_seconds,
                                  100 * overhead_fraction()),
                  "; files in ", Printable(setup_.out_dir), "\n");
  return out;
}

}  // namespace m8::optimizer
