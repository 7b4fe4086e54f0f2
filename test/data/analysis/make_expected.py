#!/usr/bin/python3
"""Makes the expected values that the analysis tests compare against.

Run once with Debian's /usr/bin/python3 (scipy 1.10.1) from this directory:

    /usr/bin/python3 make_expected.py

and commit what it writes:
  expected_mannwhitney.json  scipy.stats.mannwhitneyu(x, y,
                             alternative='two-sided') on many samples (exact
                             and asymptotic paths, ties, unequal sizes)
  expected_ttest.json        scipy.stats.ttest_ind_from_stats(...)
  compare_py/*.json          compare.py -d dumps for the committed pairs
"""

import json
import os
import random
import subprocess
import sys

import numpy
import scipy
from scipy import stats

COMPARE_PY = "/usr/share/benchmark/compare.py"
PAIRS = {
    "gbench": ("gbench/base.json", "gbench/new.json"),
    "gbench_4reps": ("gbench/base_4reps.json", "gbench/base.json"),
    "legacy": ("legacy/base.json", "legacy/new.json"),
    "ties": ("ties/base.json", "ties/new.json"),
}


def sample(rng, n, ties):
    if ties:
        return [float(rng.randint(0, max(2, n // 2))) for _ in range(n)]
    return [rng.uniform(0, 100) for _ in range(n)]


def mannwhitney_cases():
    rng = random.Random(20261128)
    cases = []
    sizes = [(1, 1), (1, 5), (2, 2), (3, 3), (4, 4), (5, 5), (3, 7), (8, 8),
             (8, 9), (9, 9), (10, 10), (2, 30), (7, 40), (8, 120), (12, 15),
             (20, 25), (50, 60), (9, 3)]
    for n1, n2 in sizes:
        for ties in (False, True):
            for shift in (0.0, 5.0, 40.0):
                x = sample(rng, n1, ties)
                y = [v + shift for v in sample(rng, n2, ties)]
                res = stats.mannwhitneyu(x, y, alternative="two-sided")
                cases.append({"x": x, "y": y, "u1": float(res.statistic),
                              "pvalue": float(res.pvalue)})
    # Separated samples (the smallest p-values) and all-equal samples.
    for n1, n2 in [(2, 2), (3, 3), (4, 4), (5, 5), (8, 8), (9, 9), (3, 20)]:
        x = [float(i) for i in range(n1)]
        y = [float(100 + i) for i in range(n2)]
        res = stats.mannwhitneyu(x, y, alternative="two-sided")
        cases.append({"x": x, "y": y, "u1": float(res.statistic),
                      "pvalue": float(res.pvalue)})
    x = [5.0] * 6
    y = [5.0] * 7
    res = stats.mannwhitneyu(x, y, alternative="two-sided")
    cases.append({"x": x, "y": y, "u1": float(res.statistic),
                  "pvalue": float(res.pvalue)})
    return cases


def ttest_cases():
    rng = random.Random(7)
    cases = []
    for _ in range(40):
        n1 = rng.randint(2, 60)
        n2 = rng.randint(1, 60)
        m1 = rng.uniform(0, 10)
        m2 = m1 + rng.choice([0.0, 0.1, 1.0, 5.0])
        s1 = rng.uniform(0.01, 3)
        s2 = rng.uniform(0.01, 3)
        t, p = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2)
        cases.append({"mean1": m1, "sd1": s1, "n1": n1, "mean2": m2,
                      "sd2": s2, "n2": n2, "t": float(t), "pvalue": float(p)})
    return cases


def compare_py_dumps():
    os.makedirs("compare_py", exist_ok=True)
    for name, (base, new) in PAIRS.items():
        out = os.path.join("compare_py", name + ".json")
        subprocess.run([sys.executable, COMPARE_PY, "--no-color", "-d", out,
                        "benchmarks", base, new],
                       check=True, stdout=subprocess.DEVNULL)


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    header = {"generator": "make_expected.py", "scipy": scipy.__version__,
              "numpy": numpy.__version__}
    with open("expected_mannwhitney.json", "w") as f:
        json.dump(dict(header, cases=mannwhitney_cases()), f, indent=1)
    with open("expected_ttest.json", "w") as f:
        json.dump(dict(header, cases=ttest_cases()), f, indent=1)
    compare_py_dumps()


if __name__ == "__main__":
    main()
