#!/usr/bin/python3
"""Smoke test of one m8 benchmark binary (ctest label bench-smoke).

Runs every registered benchmark once, twice over (--m8_smoke caps the fill
sizes, --benchmark_min_time=0.001), and checks that:
  - both runs exit 0 and write JSON that parses, with no errored benchmark;
  - every benchmark that --benchmark_list_tests names ran, under the same
    name, in both runs;
  - compare.py (/usr/share/benchmark/compare.py, run with /usr/bin/python3)
    accepts the two files;
  - the context's m8.counters is a JSON object declaring each counter's
    unit and direction, every counter any benchmark wrote is declared there,
    and no counter is written where its measured_if companion is 0;
  - a bad --m8_config (missing file, unknown key) fails with exit 2 and a
    one-line error naming the file and the key, before any benchmark runs.

usage: bench_smoke.py BINARY WORK_DIR
"""
import json
import os
import subprocess
import sys
import time

COMPARE = "/usr/share/benchmark/compare.py"


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


# Keys of a Google Benchmark entry that are not user counters.
ENTRY_FIELDS = {
    "name", "family_index", "per_family_instance_index", "run_name",
    "run_type", "repetitions", "repetition_index", "threads", "iterations",
    "real_time", "cpu_time", "time_unit", "label", "error_occurred",
    "error_message", "skipped", "skip_message", "aggregate_name",
    "aggregate_unit", "big_o", "cpu_coefficient", "real_coefficient", "rms",
    "allocs_per_iter", "max_bytes_used", "total_allocated_bytes",
    "net_heap_growth",
}
UNITS = {"ns", "s", "B", "/s", "B/s", "count", "fraction", "code"}
DIRECTIONS = {"lower", "higher", "neutral"}


def check_counters(path):
    """Checks m8.counters against the counters the file's benchmarks wrote;
    returns how many counter names were written."""
    with open(path) as f:
        doc = json.load(f)
    text = doc["context"].get("m8.counters")
    if text is None:
        fail(f"{path}: context lacks m8.counters")
    try:
        table = json.loads(text)
    except ValueError as e:
        fail(f"{path}: m8.counters is not JSON: {e}")
    if not isinstance(table, dict) or not table:
        fail(f"{path}: m8.counters is not a non-empty object")
    for name, spec in table.items():
        if spec.get("unit") not in UNITS or spec.get("direction") not in DIRECTIONS:
            fail(f"{path}: m8.counters[{name}] = {spec}: bad unit or direction")
        companion = spec.get("measured_if")
        if companion is not None and companion not in table:
            fail(f"{path}: m8.counters[{name}]: measured_if {companion} is not declared")
    written = set()
    for entry in doc["benchmarks"]:
        counters = {k: v for k, v in entry.items() if k not in ENTRY_FIELDS}
        written.update(counters)
        undeclared = sorted(set(counters) - set(table))
        if undeclared:
            fail(f"{path}: {entry['name']} writes undeclared counters {undeclared}")
        for name in counters:
            companion = table[name].get("measured_if")
            if companion in counters and counters[companion] == 0:
                fail(f"{path}: {entry['name']} writes {name} = {counters[name]} "
                     f"although {companion} = 0 says it was not measured")
    return len(written)


def names_of(path):
    with open(path) as f:
        doc = json.load(f)  # Python's json accepts NaN and Infinity.
    runs = [b for b in doc["benchmarks"] if b.get("run_type") == "iteration"]
    errored = [b["name"] for b in runs if b.get("error_occurred")]
    if errored:
        fail(f"{path}: errored benchmarks: {errored[:5]}")
    return [b["run_name"] for b in runs], doc["context"]


def main():
    if len(sys.argv) != 3:
        fail(__doc__)
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    start = time.monotonic()

    listed = run([binary, "--m8_smoke", "--benchmark_list_tests"])
    if listed.returncode != 0:
        fail(f"--benchmark_list_tests exited {listed.returncode}: {listed.stderr}")
    expected = listed.stdout.split()
    if not expected:
        fail("no benchmark registered")

    outputs = []
    for label in ("a", "b"):
        out = os.path.join(work, f"smoke_{label}.json")
        result = run([binary, "--m8_smoke", "--benchmark_min_time=0.001",
                      f"--benchmark_out={out}", "--benchmark_out_format=json",
                      f"--m8_temp_dir={work}"])
        if result.returncode != 0:
            fail(f"run {label} exited {result.returncode}:\n{result.stderr[-2000:]}")
        outputs.append(out)

    names_a, context = names_of(outputs[0])
    names_b, _ = names_of(outputs[1])
    if names_a != names_b:
        fail(f"names differ between runs: {set(names_a) ^ set(names_b)}")
    if names_a != expected:
        missing = sorted(set(expected) - set(names_a))
        extra = sorted(set(names_a) - set(expected))
        fail(f"ran names differ from the list: missing {missing[:5]}, extra {extra[:5]}")
    for key in ("m8.build_type", "m8.git_revision", "m8.grid.brick_edge",
                "m8.topology.pus", "m8.smoke"):
        if key not in context:
            fail(f"context lacks {key}")

    counters = check_counters(outputs[0])
    check_counters(outputs[1])

    if not os.path.exists(COMPARE):
        fail(f"{COMPARE} is missing (Debian package libbenchmark-tools)")
    compared = run(["/usr/bin/python3", COMPARE, "benchmarks", *outputs])
    if compared.returncode != 0:
        fail(f"compare.py exited {compared.returncode}:\n{compared.stderr[-2000:]}")

    bad_config = os.path.join(work, "bad_config.json")
    with open(bad_config, "w") as f:
        f.write('{"brick_edge": 8, "no_such_option": 1}\n')
    missing_config = os.path.join(work, "missing_config.json")
    for config, needle in ((bad_config, "no_such_option"),
                           (missing_config, "missing_config.json")):
        result = run([binary, f"--m8_config={config}", "--benchmark_filter=none"])
        lines = result.stderr.strip().splitlines()
        if result.returncode != 2 or len(lines) != 1 or needle not in lines[0] \
                or config not in lines[0] or result.stdout:
            fail(f"--m8_config={config}: exit {result.returncode}, "
                 f"stdout {result.stdout!r}, stderr {result.stderr!r}")

    print(f"{os.path.basename(binary)}: {len(names_a)} benchmarks ran twice "
          f"with identical names; {counters} counter names, all declared in "
          f"m8.counters; compare.py accepted them; config errors "
          f"exit 2 ({time.monotonic() - start:.1f} s)")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
