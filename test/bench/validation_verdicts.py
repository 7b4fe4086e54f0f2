#!/usr/bin/python3
"""Proves m8perf compare's verdicts on this machine, with the real binaries.

Validation/FixedWork does a fixed amount of work per iteration, and exactly
the fraction F more with --m8_slowdown=F. Each comparison takes 9
repetitions a side, each from its own process, in interleaved rounds (a run
of one side, then of the other, the side that goes first alternating), and
asks `m8perf compare` (the runs of a side pooled: a1,...,a9) for its verdict
on real_time:

  A/A, 100 comparisons: at most 5% may be called a regression or an
      improvement (the verdict's false-change rate, alpha 0.05 and the 1%
      noise band);
  5% slowdown, 40 comparisons: at least 95% must be called a regression;
  1% slowdown, 20 comparisons: the detection rate is reported, not bounded.

Why one process per repetition: on this machine a whole process can run
several percent (once in a while 15%) slower or faster than the next one of
the same binary, for its whole life; its repetitions share that offset. Nine
repetitions of one process against nine of another then compare two
offsets, not two programs, and the test finds differences that are not
there (7% of A/A comparisons, and only 82% of 5% slowdowns found, measured
with one process a side). With every repetition from its own process, the
offsets are part of each side's spread, where the test accounts for them.

Why 0.05 s a repetition: the spread of one repetition falls from about 3%
at 0.005 s to about 1.3-2.6% at 0.05 s (robust sigma over processes,
measured here); at 0.005 s or 0.02 s no test at 9 against 9 finds a 5%
change behind a 1% noise band 95% of the time. (Google Benchmark's default
is 0.5 s.)

The comparisons come in 30 blocks. A block is 9 interleaved rounds of three
processes (A, A', B; their order rotates), so all its processes ran within
about 3 seconds of each other, and gives two A/B comparisons (A against B,
A' against B: 20 blocks with a 5% slowdown, 10 with 1%) and three or four
A/A comparisons: A against A', then random splits of the same 18 A
processes into two sides of 9 (re-randomisation: under no change every
split is as likely as the one that happened, so each split is a valid A/A
comparison). 810 processes instead of 2,340 for 100 + 60 independent
comparisons, and under 2 minutes.

Why blocks and not a pool of processes to draw sides from: this machine's
speed moves in phases of tens of seconds (by 6% in one 7-second stretch
measured here); sides drawn from a minute of processes carry those phases
in their spread, and 5% slowdowns were found in 2 of 40 comparisons that
way (A/A 3 of 100).

Measured here (2026-12-02 afternoon, other processes paused, about 95 s a
run): A/A 0 of 100 in four runs; 5% slowdown found in 35, 31, 38 and 37 of
40; 1% in 1, 0, 3 and 0 of 20. The 5% bound holds only when the machine is
at its quietest (bench/README.md, "The validation area").

Not part of `tools/test`'s default run (a bound on a shared
machine's noise is a measurement, not a unit test); run it with
`tools/test --validation`.

usage: validation_verdicts.py M8BENCH_VALIDATION M8PERF WORK_DIR [--quick]
Prints the rates; exit status 1 when a bound fails, 2 on bad usage.
"""

import json
import os
import random
import subprocess
import sys
import time

PROCESSES = int(os.environ.get("M8_VALIDATION_PROCESSES", "9"))  # a side
PER_PROCESS = 9 // PROCESSES  # repetitions of each process: 9 a side
MIN_TIME = os.environ.get("M8_VALIDATION_MIN_TIME", "0.05")  # ~33,000 iterations
METRIC = os.environ.get("M8_VALIDATION_METRIC", "real_time")


def run(binary, out, slowdown):
    args = [binary, "--benchmark_filter=^Validation/FixedWork$",
            f"--benchmark_repetitions={PER_PROCESS}",
            f"--benchmark_min_time={MIN_TIME}",
            f"--benchmark_out={out}", "--benchmark_out_format=json",
            f"--m8_slowdown={slowdown}"]
    result = subprocess.run(args, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"validation_verdicts: {binary} failed "
                 f"(exit {result.returncode}): {result.stderr.strip()}")


def verdict(m8perf, base, new):
    result = subprocess.run(
        [m8perf, "compare", base, new, "--metrics=" + METRIC,
         "--format=json"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"validation_verdicts: m8perf compare failed "
                 f"(exit {result.returncode}): {result.stderr.strip()}")
    report = json.loads(result.stdout)
    verdicts = [c["verdict"] for c in report["comparisons"]
                if c["metric"] == METRIC]
    if len(verdicts) != 1:
        sys.exit(f"validation_verdicts: expected one real_time comparison, "
                 f"got {verdicts}")
    return verdicts[0]


def block_comparisons(binary, m8perf, work, n_aa, block_slowdowns, seed=1):
    """Runs one block per entry of `block_slowdowns`: PROCESSES interleaved
    rounds of three processes, A and A' without a slowdown and B with the
    block's slowdown (the side that goes first rotates). Each block gives
    two A/B comparisons (A against B, A' against B) and A/A comparisons:
    A against A', then other random splits of the same 2 x PROCESSES A
    processes into two sides, n_aa in all. Returns (A/A verdicts,
    [(slowdown, A/B verdict)])."""
    rng = random.Random(seed)
    aa, ab = [], []
    blocks = len(block_slowdowns)
    for i, slowdown in enumerate(block_slowdowns):
        sides = {"a": 0, "a2": 0, "b": slowdown}
        files = {side: [os.path.join(work, f"c{i}_{side}{r}.json")
                        for r in range(PROCESSES)] for side in sides}
        order = list(sides)
        for r in range(PROCESSES):
            # Rotate which side runs first, so that a drift over time does
            # not always favour the same side.
            shift = (i + r) % len(order)
            for side in order[shift:] + order[:shift]:
                run(binary, files[side][r], sides[side])
        for side in ("a", "a2"):
            ab.append((slowdown, verdict(m8perf, ",".join(files[side]),
                                         ",".join(files["b"]))))
        splits = n_aa // blocks + (1 if i < n_aa % blocks else 0)
        a_files = files["a"] + files["a2"]
        for k in range(splits):
            drawn = a_files if k == 0 else rng.sample(a_files, len(a_files))
            aa.append(verdict(m8perf, ",".join(drawn[:PROCESSES]),
                              ",".join(drawn[PROCESSES:])))
        for paths in files.values():
            for path in paths:
                os.remove(path)
    return aa, ab


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv[1:]
    if len(args) != 3:
        sys.exit(2 if print(__doc__, file=sys.stderr) is None else 2)
    binary, m8perf, work = args
    os.makedirs(work, exist_ok=True)
    scale = 4 if quick else 1
    start = time.monotonic()

    n_aa, n_ab5, n_ab1 = 100 // scale, 40 // scale, 20 // scale
    aa, ab = block_comparisons(binary, m8perf, work, n_aa,
                               [0.05] * (n_ab5 // 2) + [0.01] * (n_ab1 // 2))
    changed = sum(v in ("regressed", "improved") for v in aa)
    print(f"A/A: {changed} of {len(aa)} comparisons called a change "
          f"({100.0 * changed / len(aa):.1f}%; bound 5%)")

    ab5 = [v for s, v in ab if s == 0.05]
    found5 = sum(v == "regressed" for v in ab5)
    print(f"5% slowdown: found in {found5} of {len(ab5)} comparisons "
          f"({100.0 * found5 / len(ab5):.1f}%; bound 95%)")

    ab1 = [v for s, v in ab if s == 0.01]
    found1 = sum(v == "regressed" for v in ab1)
    print(f"1% slowdown: found in {found1} of {len(ab1)} comparisons "
          f"({100.0 * found1 / len(ab1):.1f}%; reported, no bound)")
    print(f"({time.monotonic() - start:.0f} s)")

    failed = []
    if changed > 0.05 * len(aa):
        failed.append("A/A false changes above 5%")
    if found5 < 0.95 * len(ab5):
        failed.append("5% slowdown found in under 95%")
    if failed:
        print("FAIL: " + "; ".join(failed))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
