#!/usr/bin/python3
"""Writes synthetic Google Benchmark 1.7.1 JSON files for timing m8perf.

The files look like m8bench output: `Area/Operation/variant/arg:value` names,
per-repetition entries followed by mean/median/stddev/cv aggregates, and the
counters the m8bench fixtures report (rates, latency percentiles, resources).
Values are log-normal around a per-benchmark base, so two files written with
different seeds differ only by noise, and `--shift` moves every time up (and
every rate down) by that fraction.

  make_synthetic_results.py pair --benchmarks 2000 --repetitions 10 OUT_DIR
      writes OUT_DIR/base.json and OUT_DIR/new.json.
  make_synthetic_results.py history --runs 500 --benchmarks 200 OUT_DIR
      writes OUT_DIR/run_000.json ... with a 10% step at --step-at.

Run it with /usr/bin/python3 (any Python 3 works; only the standard library is
used).
"""

import argparse
import datetime
import math
import os
import random

COUNTERS_LOWER = ["p50_ns", "p90_ns", "p99_ns", "max_ns", "cpu_user_s",
                  "rss_peak_bytes", "minor_faults"]
OPERATIONS = ["Recall", "Put", "Store", "Reinforce", "Forget", "Interference",
              "Resonance", "Region", "LayerScan", "AdvanceTime"]
VARIANTS = ["uniform", "zipf", "sequential", "hot", "narrow"]


def fmt(x):
    """Formats a double as Google Benchmark 1.7.1 does (16 digits, scientific)."""
    return "%.16e" % x


def benchmark_name(i):
    op = OPERATIONS[i % len(OPERATIONS)]
    variant = VARIANTS[(i // len(OPERATIONS)) % len(VARIANTS)]
    cells = 4096 << (2 * ((i // 50) % 6))
    return "Synth/%s/%s/cells:%d/case:%d" % (op, variant, cells, i)


def context(date, seed):
    return ('  "context": {\n'
            '    "date": "%s",\n'
            '    "host_name": "synthetic",\n'
            '    "executable": "./m8bench_synthetic",\n'
            '    "num_cpus": 2,\n'
            '    "mhz_per_cpu": 2096,\n'
            '    "cpu_scaling_enabled": false,\n'
            '    "caches": [\n    ],\n'
            '    "load_avg": [0.1,0.2,0.3],\n'
            '    "library_build_type": "debug",\n'
            '    "m8.seed": "%d"\n'
            '  },\n') % (date, seed)


def entry(lines, fields):
    body = ",\n".join('      "%s": %s' % kv for kv in fields)
    lines.append("    {\n" + body + "\n    }")


def write_file(path, n_benchmarks, repetitions, seed, shift, date,
               base_seed=12345, noise=0.02, shift_for=None):
    """One results file. `shift` applies to benchmarks where shift_for(i)."""
    base_rng = random.Random(base_seed)
    rng = random.Random(seed)
    lines = []
    for i in range(n_benchmarks):
        name = benchmark_name(i)
        base_time = math.exp(base_rng.uniform(math.log(5.0), math.log(5e5)))
        s = shift if (shift_for is None or shift_for(i)) else 0.0
        reps = []
        for r in range(repetitions):
            t = base_time * (1.0 + s) * math.exp(rng.gauss(0.0, noise))
            cpu = t * (1.0 + abs(rng.gauss(0.0, noise / 4)))
            rate = 1e9 / t
            counters = {
                "hits": float(4096),
                "items_per_second": rate,
                "p50_ns": t * 0.9 * math.exp(rng.gauss(0.0, noise)),
                "p90_ns": t * 1.4 * math.exp(rng.gauss(0.0, noise)),
                "p99_ns": t * 2.5 * math.exp(rng.gauss(0.0, 2 * noise)),
                "max_ns": t * 40.0 * math.exp(rng.gauss(0.0, 0.3)),
                "cpu_user_s": 0.05 * math.exp(rng.gauss(0.0, noise)),
                "rss_peak_bytes": float(64 << 20) + rng.randrange(1 << 16),
                "minor_faults": float(rng.randrange(100, 120)),
            }
            reps.append((t, cpu, counters))
            fields = [("name", '"%s"' % name),
                      ("family_index", str(i)),
                      ("per_family_instance_index", "0"),
                      ("run_name", '"%s"' % name),
                      ("run_type", '"iteration"'),
                      ("repetitions", str(repetitions)),
                      ("repetition_index", str(r)),
                      ("threads", "1"),
                      ("iterations", str(1000 + i)),
                      ("real_time", fmt(t)),
                      ("cpu_time", fmt(cpu)),
                      ("time_unit", '"ns"')]
            fields += [(k, fmt(v)) for k, v in sorted(counters.items())]
            entry(lines, fields)
        if repetitions > 1:
            aggregate(lines, i, name, repetitions, reps)
    with open(path, "w") as out:
        out.write("{\n")
        out.write(context(date, seed))
        out.write('  "benchmarks": [\n')
        out.write(",\n".join(lines))
        out.write("\n  ]\n}\n")


def aggregate(lines, i, name, repetitions, reps):
    def stats(values):
        n = len(values)
        mean = sum(values) / n
        ordered = sorted(values)
        median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
        var = sum((v - mean) ** 2 for v in values) / (n - 1)
        sd = math.sqrt(var)
        return {"mean": mean, "median": median, "stddev": sd,
                "cv": sd / mean if mean else 0.0}
    columns = {"real_time": [r[0] for r in reps],
               "cpu_time": [r[1] for r in reps]}
    for key in reps[0][2]:
        columns[key] = [r[2][key] for r in reps]
    computed = {k: stats(v) for k, v in columns.items()}
    for agg in ("mean", "median", "stddev", "cv"):
        fields = [("name", '"%s_%s"' % (name, agg)),
                  ("family_index", str(i)),
                  ("per_family_instance_index", "0"),
                  ("run_name", '"%s"' % name),
                  ("run_type", '"aggregate"'),
                  ("repetitions", str(repetitions)),
                  ("threads", "1"),
                  ("aggregate_name", '"%s"' % agg),
                  ("aggregate_unit",
                   '"percentage"' if agg == "cv" else '"time"'),
                  ("iterations", str(repetitions)),
                  ("real_time", fmt(computed["real_time"][agg])),
                  ("cpu_time", fmt(computed["cpu_time"][agg])),
                  ("time_unit", '"ns"')]
        fields += [(k, fmt(computed[k][agg]))
                   for k in sorted(reps[0][2].keys())]
        entry(lines, fields)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    pair = sub.add_parser("pair", help="base.json and new.json")
    pair.add_argument("out_dir")
    pair.add_argument("--benchmarks", type=int, default=2000)
    pair.add_argument("--repetitions", type=int, default=10)
    pair.add_argument("--shift", type=float, default=0.05,
                      help="slowdown of every 10th benchmark in new.json")
    history = sub.add_parser("history", help="run_000.json ...")
    history.add_argument("out_dir")
    history.add_argument("--runs", type=int, default=500)
    history.add_argument("--benchmarks", type=int, default=200)
    history.add_argument("--repetitions", type=int, default=5)
    history.add_argument("--step-at", type=int, default=300,
                         help="first run of a 10%% slowdown (every 10th benchmark)")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    every_tenth = lambda i: i % 10 == 0
    if args.mode == "pair":
        write_file(os.path.join(args.out_dir, "base.json"), args.benchmarks,
                   args.repetitions, 1, 0.0, start.isoformat())
        write_file(os.path.join(args.out_dir, "new.json"), args.benchmarks,
                   args.repetitions, 2, args.shift,
                   (start + datetime.timedelta(hours=1)).isoformat(),
                   shift_for=every_tenth)
    else:
        for run in range(args.runs):
            shift = 0.10 if run >= args.step_at else 0.0
            date = (start + datetime.timedelta(hours=run)).isoformat()
            write_file(os.path.join(args.out_dir, "run_%03d.json" % run),
                       args.benchmarks, args.repetitions, 1000 + run, shift,
                       date, shift_for=every_tenth)


if __name__ == "__main__":
    main()
