#!/usr/bin/python3
"""The shipped suite budgets (analysis/budgets/suite.json) on real output.

Runs m8bench_stress and the open-loop profiles of m8bench_load in smoke mode,
then `m8perf check RESULTS --budgets suite.json --format=json` on each, and
checks that m8perf read both files and the budgets without error (exit 0, or
1 for a breach: smoke timings on a shared machine may breach), and that each
budget aimed at these benchmarks matched them (checked, breached or reported
as not measured), never "matched no benchmark".

usage: suite_budgets.py M8PERF M8BENCH_STRESS M8BENCH_LOAD SUITE_JSON WORK_DIR
"""
import json
import os
import subprocess
import sys


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def run_smoke(binary, out, extra=()):
    result = subprocess.run(
        [binary, "--m8_smoke", "--benchmark_min_time=0.001",
         f"--benchmark_out={out}", "--benchmark_out_format=json", *extra],
        capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{binary} exited {result.returncode}: {result.stderr[-2000:]}")


def check(m8perf, results, budgets):
    result = subprocess.run(
        [m8perf, "check", results, "--budgets", budgets, "--format=json"],
        capture_output=True, text=True)
    if result.returncode not in (0, 1):
        fail(f"m8perf check {results} exited {result.returncode}: "
             f"{result.stderr.strip()}")
    try:
        report = json.loads(result.stdout)
    except ValueError as e:
        fail(f"m8perf check {results}: output is not JSON: {e}")
    if (result.returncode == 1) != bool(report["breaches"]):
        fail(f"exit {result.returncode} with {len(report['breaches'])} breaches")
    return report


def unmatched(report):
    """Indices of the budgets that matched no benchmark."""
    found = set()
    for warning in report["warnings"]:
        if "matched no benchmark" in warning:
            found.add(int(warning.split("budgets[")[1].split("]")[0]))
    return found


def main():
    if len(sys.argv) != 6:
        fail(__doc__)
    m8perf, stress, load, budgets, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    stress_json = os.path.join(work, "stress.json")
    load_json = os.path.join(work, "load.json")
    run_smoke(stress, stress_json)
    run_smoke(load, load_json, ["--benchmark_filter=^Load/Profile/"])

    with open(budgets) as f:
        # The budgets file allows // comments; strip them to count entries.
        text = "\n".join(line for line in f if not line.lstrip().startswith("//"))
    entries = json.loads(text)["budgets"]

    stress_report = check(m8perf, stress_json, budgets)
    load_report = check(m8perf, load_json, budgets)
    # A budget must match in the file of its area.
    for index, budget in enumerate(entries):
        area_report = load_report if budget["benchmark"].startswith("^(Load") \
            else stress_report
        if index in unmatched(area_report):
            fail(f"budgets[{index}] ({budget['benchmark']}, {budget['metric']}) "
                 f"matched nothing in the smoke run")
    checks = stress_report["checks"] + load_report["checks"]
    if checks == 0:
        fail("no budget was checked")
    breaches = len(stress_report["breaches"]) + len(load_report["breaches"])
    not_measured = len(stress_report["not_measured"]) + len(load_report["not_measured"])
    print(f"{len(entries)} budgets: {checks} checks, {breaches} breaches, "
          f"{not_measured} not measured on smoke runs")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
