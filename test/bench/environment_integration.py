"""A real benchmark run records its environment and shows progress.

  environment_integration.py M8BENCH_BINARY WORKDIR

Runs the binary twice on a few smoke-sized benchmarks with --m8_progress and
JSON output, then checks that:
  - the JSON context holds every m8.env.* key, including those known only at
    the end of the run, and is still valid for Python's json (as compare.py
    reads it) with the benchmarks intact;
  - Google Benchmark's compare.py compares the two files;
  - progress lines ("benchmark k of n ...") are on stderr, one per benchmark,
    counting up to n, and never on stdout, whose console table is intact.
"""

import json
import os
import re
import subprocess
import sys

START_KEYS = ["m8.env.benchmark_version", "m8.env.cpu_model",
              "m8.env.cpu_governor", "m8.env.cpu_scaling", "m8.env.aslr",
              "m8.env.load_avg_start"]
END_KEYS = ["m8.env.load_avg_end", "m8.env.run_seconds",
            "m8.env.other_cpu_seconds", "m8.env.other_cpu_cores",
            "m8.env.thread_binding_requested", "m8.env.thread_binding_bound"]
FILTER = "^Grid/(Recall|RecallMiss)/uniform/cells:4096$"
COMPARE_PY = "/usr/share/benchmark/compare.py"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(binary, out, repetitions):
    result = subprocess.run(
        [binary, "--m8_smoke", "--m8_progress",
         "--benchmark_filter=" + FILTER, "--benchmark_min_time=0.001",
         "--benchmark_repetitions=%d" % repetitions,
         "--benchmark_out=" + out, "--benchmark_out_format=json"],
        capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        fail("%s exited %d: %s" % (binary, result.returncode, result.stderr))
    return result


def check_file(path, repetitions):
    with open(path) as f:
        data = json.load(f)
    context = data["context"]
    for key in START_KEYS + END_KEYS:
        if key not in context:
            fail("%s: context has no %s" % (path, key))
    if float(context["m8.env.run_seconds"]) <= 0:
        fail("run_seconds is %s" % context["m8.env.run_seconds"])
    if not re.fullmatch(r"[0-9.]+ [0-9.]+ [0-9.]+",
                        context["m8.env.load_avg_end"]):
        fail("load_avg_end is %r" % context["m8.env.load_avg_end"])
    if context["m8.env.other_cpu_cores"] != "unknown":
        float(context["m8.env.other_cpu_cores"])
    # The keys Google Benchmark and the rest of main wrote are still there.
    for key in ["date", "host_name", "library_build_type", "m8.build_type",
                "m8.grid.brick_edge"]:
        if key not in context:
            fail("%s: context lost %s" % (path, key))
    names = [b["run_name"] for b in data["benchmarks"]
             if b.get("run_type") == "iteration"]
    if len(names) != 2 * repetitions:
        fail("%s: %d iteration entries, expected %d"
             % (path, len(names), 2 * repetitions))


def check_progress(result, repetitions):
    lines = [l for l in result.stderr.splitlines() if "benchmark " in l
             and " of " in l and "elapsed" in l]
    expected = [r"benchmark 1 of 2 \(%d of %d runs\): Grid/Recall/uniform/"
                r"cells:4096, \S+ elapsed, ETA \S+" % (repetitions,
                                                       2 * repetitions),
                r"benchmark 2 of 2 \(%d of %d runs\): Grid/RecallMiss/"
                r"uniform/cells:4096, \S+ elapsed" % (2 * repetitions,
                                                      2 * repetitions)]
    if len(lines) != 2:
        fail("expected 2 progress lines on stderr, got:\n" + result.stderr)
    for line, pattern in zip(lines, expected):
        if not re.fullmatch(pattern, line):
            fail("progress line %r does not match %r" % (line, pattern))
    if "elapsed" in result.stdout:
        fail("progress on stdout:\n" + result.stdout)
    table = [l for l in result.stdout.splitlines()
             if l.startswith("Grid/Recall")]
    # Repetitions, then mean, median, stddev and cv, per benchmark.
    if len(table) != 2 * (repetitions + 4):
        fail("console table has %d rows:\n%s" % (len(table), result.stdout))


def main():
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    repetitions = 3
    files = []
    for name in ["a", "b"]:
        out = os.path.join(work, name + ".json")
        result = run(binary, out, repetitions)
        check_file(out, repetitions)
        check_progress(result, repetitions)
        files.append(out)
    compare = subprocess.run(
        ["/usr/bin/python3", COMPARE_PY, "benchmarks"] + files,
        capture_output=True, text=True, timeout=300)
    if compare.returncode != 0:
        fail("compare.py exited %d: %s" % (compare.returncode,
                                           compare.stderr))
    if "Grid/RecallMiss/uniform/cells:4096" not in compare.stdout:
        fail("compare.py output lacks the benchmarks:\n" + compare.stdout)
    print("OK: m8.env keys recorded, compare.py reads the files, progress "
          "on stderr")


if __name__ == "__main__":
    main()
