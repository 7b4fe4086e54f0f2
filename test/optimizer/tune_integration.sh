#!/bin/bash
# End-to-end test of `m8perf tune` on m8_tune_target (tune_target.cc), whose
# right answers are known in advance: the smallest spin is the fastest, inert
# changes nothing, bloat is faster but breaks a p99_ns guard, crash aborts.
#
#   tune_integration.sh M8PERF TUNE_TARGET WORKDIR
#
# WORKDIR is emptied first; each case tunes into its own folder under it and
# keeps m8perf's output beside it (NAME.stdout, NAME.stderr). Each case prints
# what it checks; the first failed check stops the script with a message and
# the output of the m8perf run concerned.
#
# Cases: (a) finds the answer, (b) resumes after kill -9 without rerunning or
# losing a trial, (c) a guard blocks a faster candidate, (d) crashing
# candidates fail without failing the tune, (e) bad input exits 2, (g) a
# calibration store chooses the verification's repetitions.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 M8PERF TUNE_TARGET WORKDIR" >&2
  exit 2
fi
m8perf=$1
target=$2
work=$3
python=/usr/bin/python3

if [[ -z $work || $work == / ]]; then
  echo "$0: refusing WORKDIR '$work'" >&2
  exit 2
fi
rm -rf -- "$work"
mkdir -p -- "$work"

# Small runs, so that every tune here takes seconds: a few repetitions of
# 20 ms each. --noise 0.05: changes within ±5% count as none, which keeps
# inert's verdict stable on a busy machine (spin changes time several-fold).
settings=(--repetitions 5 --max-repetitions 10 --noise 0.05 --seed 1)
bench_args=(-- --benchmark_min_time=0.02)
# Wall-clock limit of one m8perf run; ctest's limit for the whole script is
# 900 s, and the whole script normally takes well under 3 minutes.
run_timeout=300

case_name=""
last_run=""

# ---- Reporting ---------------------------------------------------------------

begin() {
  case_name=$1
  echo
  echo "== case $*"
}

say() { echo "  check: $*"; }
note() { echo "  note: $*"; }

# Shows the output of the last m8perf run, if any.
show_last_run() {
  [[ -n $last_run ]] || return 0
  local stream
  for stream in stdout stderr; do
    if [[ -s $work/$last_run.$stream ]]; then
      echo "  ---- $last_run.$stream (last 30 lines):" >&2
      tail -n 30 -- "$work/$last_run.$stream" | sed 's/^/  | /' >&2
    fi
  done
}

fail() {
  echo "FAIL [case $case_name]: $*" >&2
  show_last_run
  exit 1
}

# ---- JSON checks -------------------------------------------------------------

# Python run before every check: helpers, then the check itself (the first
# argument, dedented), with the remaining arguments in `args`.
read -r -d '' py_prelude <<'PYTHON' || true
import json
import sys
import textwrap


def fail(message):
    sys.stderr.write("  FAIL: %s\n" % message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: not a readable JSON document: %s" % (path, e))


def journal(path):
    """The journal's lines, parsed; a line that is not JSON (a last line
    cut short by a kill, left in place) is reported and skipped."""
    records = []
    try:
        with open(path) as f:
            lines = f.read().split("\n")
    except OSError as e:
        fail("%s: %s" % (path, e))
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            print("  note: %s line %d is not JSON (cut short?): %.60s"
                  % (path, number, line))
    return records


def is_trial(record):
    """Whether a journal line records a trial: its "purpose" (or "type",
    "kind", "event") starts with "trial". The one assumption this script
    makes about the journal beyond "JSON lines": the other lines (the tune's
    identity, the baseline and verification runs) say they are something
    else."""
    if not isinstance(record, dict):
        return False
    for key in ("purpose", "type", "kind", "event"):
        value = record.get(key)
        if isinstance(value, str):
            return value.split(" ")[0] == "trial"
    return False


def by_name(items, name):
    found = [i for i in items or [] if isinstance(i, dict)
             and i.get("name") == name]
    return found[0] if found else None


def config_of(trial):
    """A trial's config as a dict (a JSON text is parsed)."""
    config = trial.get("config") if isinstance(trial, dict) else None
    if isinstance(config, str):
        try:
            config = json.loads(config) if config else {}
        except ValueError:
            return {}
    return config if isinstance(config, dict) else {}


args = sys.argv[2:]
exec(textwrap.dedent(sys.argv[1]))
PYTHON

# py CHECK [ARGS...]: runs the Python CHECK (see py_prelude); a failed check
# fails the case.
py() {
  "$python" -c "$py_prelude" "$@" || fail "the check above failed"
}

# ---- Running m8perf tune -----------------------------------------------------

# tune NAME ARGS...: runs `m8perf tune ARGS`, its output in $work/NAME.stdout
# and NAME.stderr, its exit status in $rc. A crash, a signal or a timeout of
# m8perf fails the case.
tune() {
  local name=$1
  shift
  last_run=$name
  rc=0
  timeout --kill-after=10 "$run_timeout" "$m8perf" tune "$@" \
    >"$work/$name.stdout" 2>"$work/$name.stderr" || rc=$?
  if ((rc == 124)); then
    fail "m8perf tune ran longer than ${run_timeout}s"
  elif ((rc > 2)); then
    fail "m8perf tune crashed or was killed (exit status $rc)"
  fi
}

# expect_finished OUT: the outputs of a tune that ended with exit status 0 or
# 1 are there and agree with each other and with $rc.
expect_finished() {
  local out=$1
  say "exit status $rc matches report.json's decision; report.json," \
    "report.md and journal.jsonl exist; tuned.json exists exactly when a" \
    "candidate was accepted, and is a flat object matching accepted.config"
  [[ -f $out/report.md ]] || fail "no $out/report.md"
  [[ -f $out/journal.jsonl ]] || fail "no $out/journal.jsonl"
  py '
    report = load(args[0] + "/report.json")
    rc = int(args[1])
    check(isinstance(report, dict), "report.json is not an object")
    decision = report.get("decision")
    check(decision in ("accepted", "rejected", "no_candidate", "drifted"),
          "unknown decision %r" % (decision,))
    expected = {0: ("accepted", "rejected"), 1: ("no_candidate", "drifted")}
    check(decision in expected.get(rc, ()),
          "exit status %d with decision %r" % (rc, decision))
    for key in ("knobs", "trials", "guards"):
        check(isinstance(report.get(key), list),
              "report.json %r is not an array: %r" % (key, report.get(key)))
    for trial in report["trials"]:
        check(trial.get("status") in ("ok", "failed"),
              "trial with status %r: %r" % (trial.get("status"), trial))
    accepted = report.get("accepted")
    tuned_path = args[0] + "/tuned.json"
    try:
        open(tuned_path).close()
        has_tuned = True
    except OSError:
        has_tuned = False
    if decision != "accepted":
        check(accepted is None, "decision %r but accepted is %r"
              % (decision, accepted))
        check(not has_tuned, "decision %r but tuned.json exists" % decision)
    else:
        check(isinstance(accepted, dict), "accepted is %r" % (accepted,))
        for key in ("config", "ratio", "ci", "pvalue"):
            check(key in accepted, "accepted has no %r: %r" % (key, accepted))
        check(isinstance(accepted["config"], dict),
              "accepted.config %r" % (accepted["config"],))
        check(isinstance(accepted["ratio"], (int, float)),
              "accepted.ratio %r" % (accepted["ratio"],))
        ci = accepted["ci"]
        check(isinstance(ci, list) and len(ci) == 2 and ci[0] <= ci[1],
              "accepted.ci %r is not [lo, hi]" % (ci,))
        check(0 <= accepted["pvalue"] <= 1,
              "accepted.pvalue %r" % (accepted["pvalue"],))
        check(has_tuned, "decision accepted but no tuned.json")
        tuned = load(tuned_path)
        check(isinstance(tuned, dict) and tuned, "tuned.json %r" % (tuned,))
        for knob, value in tuned.items():
            check(not isinstance(value, (dict, list)),
                  "tuned.json is not flat: %r" % (tuned,))
            check(accepted["config"].get(knob) == value,
                  "tuned.json %s=%r but accepted.config %r"
                  % (knob, value, accepted["config"]))
  ' "$out" "$rc"
}

# tune_to_end NAME OUT ARGS...: tune (see above) into OUT until it finishes
# with exit status 0 or 1, then expect_finished. A tune that ends "drifted"
# (the machine's speed changed under it) is run once more before giving up.
tune_to_end() {
  local name=$1 out=$2
  shift 2
  local attempt
  for attempt in 1 2; do
    tune "$name" --out "$out" "$@"
    ((rc == 0 || rc == 1)) || fail "exit status $rc, expected 0 or 1"
    if ((rc == 1 && attempt == 1)) &&
      [[ $(decision "$out") == drifted ]]; then
      note "the machine drifted during the tune; running it once more"
      mv -- "$out" "$out.drifted"
      continue
    fi
    break
  done
  expect_finished "$out"
}

# decision OUT: report.json's decision, or "" when there is none.
decision() {
  "$python" -c '
import json, sys
try:
    print(json.load(open(sys.argv[1] + "/report.json")).get("decision", ""))
except Exception:
    print("")
' "$1"
}

# expect_usage_error NAME OUT ARGS...: the tune exits 2 with one line on
# stderr, "m8perf: error: ...", and writes no tuned.json (leaves alone the one
# OUT may already have).
expect_usage_error() {
  local name=$1 out=$2
  shift 2
  local had_tuned=0
  [[ -e $out/tuned.json ]] && had_tuned=1
  tune "$name" --out "$out" "$@"
  ((rc == 2)) || fail "exit status $rc, expected 2"
  local lines
  lines=$(grep -c '' -- "$work/$name.stderr" || true)
  if ((lines != 1)) || ! head -n 1 -- "$work/$name.stderr" |
    grep -q '^m8perf: error: '; then
    fail "stderr is not one line starting with 'm8perf: error: '"
  fi
  if ((!had_tuned)) && [[ -e $out/tuned.json ]]; then
    fail "tuned.json written on bad input"
  fi
  echo "    ok: $(cat -- "$work/$name.stderr")"
}

# ---- The cases ---------------------------------------------------------------

space_a=$work/space_spin_inert.json
cat >"$space_a" <<'JSON'
{
  "knobs": [
    {"name": "spin", "values": [0, 500, 2000]},
    {"name": "inert", "values": [0, 7]}
  ],
  "constraints": ["spin == 0 || inert == 0"]
}
JSON
# Cases a and b run the same tune. Exhaustive: the same trials every time,
# whatever the measurements, so that b can count them against a.
args_a=(--binary "$target" --filter '^Tune/Work$' --space "$space_a"
  --strategy exhaustive "${settings[@]}")

case_a() {
  begin "a: finds the answer (spin {0, 500, 2000} x inert {0, 7}, spin 0 is best)"
  tune_to_end a "$work/a" "${args_a[@]}" "${bench_args[@]}"
  say "exit status 0, decision accepted, tuned.json has spin 0"
  ((rc == 0)) || fail "exit status $rc, expected 0"
  py '
    report = load(args[0] + "/report.json")
    check(report["decision"] == "accepted",
          "decision %r, expected accepted" % (report["decision"],))
    tuned = load(args[0] + "/tuned.json")
    check(tuned.get("spin") == 0, "tuned.json %r, expected spin 0" % (tuned,))
  ' "$work/a"
  say "knob spin has effect measurable, knob inert effect none"
  py '
    knobs = load(args[0] + "/report.json")["knobs"]
    for name, effect in (("spin", "measurable"), ("inert", "none")):
        knob = by_name(knobs, name)
        check(knob is not None, "no knob %r in %r" % (name, knobs))
        check(knob.get("effect") == effect, "knob %s: effect %r, expected %r"
              % (name, knob.get("effect"), effect))
  ' "$work/a"
  say "no trial breaks the constraint 'spin == 0 || inert == 0'"
  py '
    for trial in load(args[0] + "/report.json")["trials"]:
        config = config_of(trial)
        check(config.get("spin", 0) == 0 or config.get("inert", 0) == 0,
              "trial %r breaks the constraint" % (trial,))
  ' "$work/a"
  say "report.md mentions spin"
  grep -q spin -- "$work/a/report.md" || fail "report.md does not mention spin"
}

case_b() {
  begin "b: resume after kill -9 (same tune as a)"
  local out=$work/b
  say "the journal of the uninterrupted run (a) has one trial line per trial"
  py '
    trials = load(args[0] + "/report.json")["trials"]
    lines = [r for r in journal(args[0] + "/journal.jsonl") if is_trial(r)]
    check(trials, "run a has no trials")
    check(len(lines) == len(trials),
          "run a: %d trial lines in journal.jsonl but %d trials in report.json"
          " (does is_trial() in this script read the journal right?)"
          % (len(lines), len(trials)))
  ' "$work/a"

  say "start the tune, kill -9 it once journal.jsonl has 2 lines"
  last_run=b_killed
  # In its own process group, so that the kill takes the benchmark binary it
  # is running with it (as a kill of the whole job would), rather than leave
  # it running beside the resumed tune.
  setsid "$m8perf" tune "${args_a[@]}" --out "$out" "${bench_args[@]}" \
    >"$work/b_killed.stdout" 2>"$work/b_killed.stderr" &
  local pid=$! lines=0 deadline=$((SECONDS + 120))
  while :; do
    if [[ -f $out/journal.jsonl ]]; then
      lines=$(wc -l <"$out/journal.jsonl")
    fi
    ((lines >= 2)) && break
    if ! kill -0 "$pid" 2>/dev/null; then
      fail "the tune ended before its journal had 2 lines"
    fi
    if ((SECONDS >= deadline)); then
      kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
      fail "journal.jsonl still has $lines lines after 120 s"
    fi
    sleep 0.05
  done
  kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  local killed_rc=0
  wait "$pid" 2>/dev/null || killed_rc=$?
  ((killed_rc == 137)) ||
    fail "the tune was not killed (exit status $killed_rc): it finished first"
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.05
  done
  note "killed with $(wc -l <"$out/journal.jsonl") lines in journal.jsonl"

  say "--resume on the same --out: exit status 0, tuned.json has spin 0"
  tune b_resumed "${args_a[@]}" --out "$out" --resume "${bench_args[@]}"
  ((rc == 0)) || fail "exit status $rc, expected 0"
  expect_finished "$out"
  py '
    tuned = load(args[0] + "/tuned.json")
    check(tuned.get("spin") == 0, "tuned.json %r, expected spin 0" % (tuned,))
  ' "$out"

  say "nothing rerun, nothing lost: as many trial lines in the journal as" \
    "trials in run a, and no run recorded twice"
  py '
    trials_a = load(args[0] + "/report.json")["trials"]
    trials_b = load(args[1] + "/report.json")["trials"]
    records = journal(args[1] + "/journal.jsonl")
    lines = [r for r in records if is_trial(r)]
    check(len(lines) == len(trials_a),
          "%d trial lines in the resumed journal, %d trials in run a"
          % (len(lines), len(trials_a)))
    check(len(trials_b) == len(trials_a),
          "%d trials in the resumed report, %d in run a"
          % (len(trials_b), len(trials_a)))
    purposes = [r.get("purpose") for r in lines if "purpose" in r]
    check(len(set(purposes)) == len(purposes),
          "a trial recorded twice: %r" % (purposes,))
    sequences = [r["sequence"] for r in records
                 if isinstance(r, dict) and isinstance(r.get("sequence"), int)]
    if sequences:
        check(sequences == list(range(sequences[0],
                                      sequences[0] + len(sequences))),
              "journal sequence numbers with a gap or a repeat: %r"
              % (sequences,))
    print("    %d trials, %d journal lines" % (len(lines), len(records)))
  ' "$work/a" "$out"

  say "--resume with another --filter on that folder: exit status 2, and" \
    "the folder is left alone"
  cp -- "$out/journal.jsonl" "$work/b_journal.before"
  cp -- "$out/tuned.json" "$work/b_tuned.before"
  expect_usage_error b_other_filter "$out" --binary "$target" \
    --filter '^Tune/Other$' --space "$space_a" --strategy exhaustive \
    "${settings[@]}" --resume "${bench_args[@]}"
  cmp -s -- "$out/journal.jsonl" "$work/b_journal.before" ||
    fail "the refused resume changed journal.jsonl"
  cmp -s -- "$out/tuned.json" "$work/b_tuned.before" ||
    fail "the refused resume changed tuned.json"
}

case_c() {
  begin "c: the guard p99_ns=+5% blocks bloat=1 (faster, p99_ns 1.75x)"
  local space=$work/space_bloat.json
  echo '{"knobs": [{"name": "bloat", "values": [0, 1]}]}' >"$space"
  tune_to_end c "$work/c" --binary "$target" --filter '^Tune/Work$' \
    --space "$space" --guard p99_ns=+5% --format markdown "${settings[@]}" \
    "${bench_args[@]}"
  say "exit status 0, decision not accepted, no tuned.json"
  ((rc == 0)) || fail "exit status $rc, expected 0"
  [[ ! -e $work/c/tuned.json ]] || fail "tuned.json written"
  say "the p99_ns guard does not hold"
  py '
    report = load(args[0] + "/report.json")
    check(report["decision"] == "rejected",
          "decision %r, expected rejected" % (report["decision"],))
    guards = report["guards"]
    if guards:
        guard = guards[0]
        check("p99_ns" in str(guard.get("name")), "guards[0] %r" % (guard,))
        check(guard.get("holds") is False,
              "guards[0].holds is %r, expected false: %r"
              % (guard.get("holds"), guard))
    else:
        # No verification of guards: a trial of bloat=1 must say why.
        said = [t for t in report["trials"] if config_of(t).get("bloat") == 1
                and ("guard" in str(t.get("reason", ""))
                     or "p99_ns" in str(t.get("reason", "")))]
        check(said, "no guard in report.json holds false, and no bloat=1"
              " trial names the guard: %r" % (report["trials"],))
  ' "$work/c"
}

case_d() {
  begin "d: crashing candidates (crash {0, 1}) fail, the tune finishes"
  local space=$work/space_crash.json
  echo '{"knobs": [{"name": "crash", "values": [0, 1]}]}' >"$space"
  tune_to_end d "$work/d" --binary "$target" --filter '^Tune/Work$' \
    --space "$space" --metric items_per_second "${settings[@]}" \
    "${bench_args[@]}"
  say "m8perf did not crash (exit status $rc), no internal error"
  if grep -q 'internal error' -- "$work/d.stderr"; then
    fail "m8perf reported an internal error"
  fi
  say "the crash=1 trial has status failed and a reason; crash=0 is ok"
  py '
    report = load(args[0] + "/report.json")
    crashed = [t for t in report["trials"] if config_of(t).get("crash") == 1]
    check(crashed, "no trial of crash=1 in %r" % (report["trials"],))
    for trial in crashed:
        check(trial.get("status") == "failed",
              "crash=1 trial has status %r" % (trial.get("status"),))
        reason = trial.get("reason")
        check(isinstance(reason, str) and reason.strip(),
              "crash=1 trial has no reason: %r" % (trial,))
        print("    crash=1: %s" % reason)
    for trial in report["trials"]:
        if config_of(trial).get("crash") == 0:
            check(trial.get("status") == "ok", "crash=0 trial %r" % (trial,))
    if report["decision"] == "accepted":
        check(report["accepted"]["config"].get("crash") != 1,
              "accepted a crashing candidate")
  ' "$work/d"
}

case_e() {
  begin "e: bad input exits 2 with one line on stderr, no tuned.json"
  local good=$work/space_good.json
  echo '{"knobs": [{"name": "spin", "values": [0, 2000]}]}' >"$good"
  local common=(--binary "$target" --filter '^Tune/Work$' "${settings[@]}")

  say "space file that is not JSON"
  printf '{"knobs": [{"name": "spin", "values": [0, 2000]' >"$work/e_malformed.json"
  expect_usage_error e_malformed "$work/e_malformed" "${common[@]}" \
    --space "$work/e_malformed.json" "${bench_args[@]}"

  say "a knob the binary does not know"
  echo '{"knobs": [{"name": "nonsense", "values": [1, 2]}]}' \
    >"$work/e_unknown.json"
  expect_usage_error e_unknown "$work/e_unknown" "${common[@]}" \
    --space "$work/e_unknown.json" "${bench_args[@]}"

  say "a value out of the binary's range (spin 999999999)"
  echo '{"knobs": [{"name": "spin", "values": [0, 999999999]}]}' \
    >"$work/e_range.json"
  expect_usage_error e_range "$work/e_range" "${common[@]}" \
    --space "$work/e_range.json" "${bench_args[@]}"

  say "a constraint that does not parse (spin ===)"
  echo '{"knobs": [{"name": "spin", "values": [0, 2000]}],' \
    '"constraints": ["spin ==="]}' >"$work/e_constraint.json"
  expect_usage_error e_constraint "$work/e_constraint" "${common[@]}" \
    --space "$work/e_constraint.json" "${bench_args[@]}"

  say "--binary /nonexistent"
  expect_usage_error e_binary "$work/e_binary" --binary /nonexistent \
    --filter '^Tune/Work$' --space "$good" "${settings[@]}" "${bench_args[@]}"

  say "--repetitions 0"
  expect_usage_error e_repetitions "$work/e_repetitions" --binary "$target" \
    --filter '^Tune/Work$' --space "$good" --repetitions 0 "${bench_args[@]}"

  say "a grid option out of the grid's own range (brick_edge 3)"
  echo '{"knobs": [{"name": "brick_edge", "values": [1, 3]}]}' \
    >"$work/e_table.json"
  expect_usage_error e_table "$work/e_table" "${common[@]}" \
    --space "$work/e_table.json" "${bench_args[@]}"

  say "a grid option that changes results (alpha), without --allow-semantic"
  echo '{"knobs": [{"name": "alpha", "values": [0.1, 0.3]}]}' \
    >"$work/e_semantic.json"
  expect_usage_error e_semantic "$work/e_semantic" "${common[@]}" \
    --space "$work/e_semantic.json" "${bench_args[@]}"

  say "a malformed --guard, --budget and a runner flag after --"
  expect_usage_error e_guard "$work/e_guard" "${common[@]}" --space "$good" \
    --guard p99_ns=5 "${bench_args[@]}"
  expect_usage_error e_budget "$work/e_budget" "${common[@]}" --space "$good" \
    --budget soon "${bench_args[@]}"
  expect_usage_error e_flag "$work/e_flag" "${common[@]}" --space "$good" \
    -- --benchmark_filter=Tune/Other
}

case_f() {
  begin "f: every candidate crashes: exit 1, decision no_candidate"
  local space=$work/space_all_crash.json
  echo '{"knobs": [{"name": "crash", "values": [1]}]}' >"$space"
  tune f --out "$work/f" --binary "$target" --filter '^Tune/Work$' \
    --space "$space" "${settings[@]}" "${bench_args[@]}"
  ((rc == 1)) || fail "exit status $rc, expected 1"
  expect_finished "$work/f"
  say "decision no_candidate, the trial failed with the signal named"
  py '
    report = load(args[0] + "/report.json")
    check(report["decision"] == "no_candidate",
          "decision %r" % (report["decision"],))
    check(all(t["status"] == "failed" for t in report["trials"]),
          "a trial did not fail: %r" % (report["trials"],))
    check("signal 6" in report["trials"][0]["reason"],
          "reason %r" % (report["trials"][0]["reason"],))
  ' "$work/f"
}

case_g() {
  begin "g: m8perf calibrate's store chooses the repetitions when not given"
  # run_sigma 0.01, within_sigma 0.02: (pi / 3) 2 (z_.975 + z_.8)^2
  # (0.01^2 + 0.02^2) / 0.02^2 = 20.55 samples a side detect a 2% change
  # (twice the 1% noise band); a second benchmark of another binary, and
  # one the filter leaves out, are not looked at. The space does not parse,
  # so the tune stops right after choosing.
  local store=$work/calibration.json real
  real=$(realpath -- "$target")
  cat >"$store" <<JSON
{"m8perf_calibration": 1, "entries": [
 {"binary": "$real", "benchmark": "Tune/Work", "metric": "real_time",
  "date": "2026-12-02T00:00:00Z", "runs": 5, "repetitions": 9,
  "within_cv": 0.02, "within_sigma": 0.02, "mdape": 0.01,
  "between_cv": 0.01, "drift": 0.02, "run_sigma": 0.01},
 {"binary": "$real", "benchmark": "Tune/Other", "metric": "real_time",
  "date": "2026-12-02T00:00:00Z", "runs": 5, "repetitions": 9,
  "within_cv": 0.5, "within_sigma": 0.5, "mdape": 0.3,
  "between_cv": 0.5, "drift": 1, "run_sigma": 0.5},
 {"binary": "/elsewhere/bin", "benchmark": "Tune/Work", "metric": "real_time",
  "date": "2026-12-02T00:00:00Z", "runs": 5, "repetitions": 9,
  "within_cv": 0.5, "within_sigma": 0.5, "mdape": 0.3,
  "between_cv": 0.5, "drift": 1, "run_sigma": 0.5}]}
JSON
  printf '{"knobs": [' >"$work/g_space.json"
  tune g --out "$work/g" --binary "$target" --filter '^Tune/Work$' \
    --max-repetitions 27 --calibration "$store" --space "$work/g_space.json" \
    "${bench_args[@]}"
  ((rc == 2)) || fail "exit status $rc, expected 2 (the space)"
  say "21 repetitions a side, from the store"
  grep -q "^tune: 21 repetitions a side before a verification decides, to detect a 2% change in Tune/Work (from $store)\$" \
    "$work/g.stderr" || fail "the calibration did not choose 21 repetitions"
  say "--repetitions given wins over the store"
  tune g2 --out "$work/g2" --binary "$target" --filter '^Tune/Work$' \
    --repetitions 5 --calibration "$store" --space "$work/g_space.json" \
    "${bench_args[@]}"
  ! grep -q 'repetitions a side before' "$work/g2.stderr" ||
    fail "the store overrode --repetitions"
}

case_e
case_g
case_a
case_b
case_c
case_d
case_f
echo
echo "PASS: m8perf tune end to end ($SECONDS s)"
