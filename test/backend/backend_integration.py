"""Grid backends end to end, through the real binaries.

  backend_integration.py M8BENCH_GRID M8BENCH_CONFORMANCE CORE_ONLY_BINARY
                         NAIVE_LIBRARY BROKEN_LIBRARY_PATTERN WORK_DIR

- m8bench_conformance passes m8::Grid and the naive C library (which lacks
  only Save/Load), and fails a library that gets the blanket wrong;
- m8bench_grid --m8_backend runs every Grid/ fixture on the C library under
  the same names, records m8.backend*, and skips Save/Load with a message;
- a C++ backend registered with M8_GRID_BACKEND gets the same names and has
  the fixtures of its missing operations skipped;
- broken libraries (BROKEN_LIBRARY_PATTERN with {n} for the variant) are
  refused with one line naming the library and the check, never a hang.
"""
import json
import os
import subprocess
import sys

grid, conformance, core_only, naive, broken, work = sys.argv[1:7]
os.makedirs(work, exist_ok=True)
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args, timeout=120):
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=timeout)


def names(binary, extra=()):
    out = run([binary, "--m8_smoke", "--benchmark_list_tests",
               "--benchmark_filter=^Grid/", *extra])
    check(out.returncode == 0, f"{binary} {extra} lists: {out.stderr}")
    return out.stdout.split()


def smoke(binary, out_path, extra=()):
    out = run([binary, "--m8_smoke", "--benchmark_min_time=0.001",
               "--benchmark_filter=^Grid/.*cells:4096($|/)",
               f"--benchmark_out={out_path}", "--benchmark_out_format=json",
               *extra], timeout=600)
    check(out.returncode == 0, f"{binary} {extra} ran: {out.stderr[-2000:]}")
    with open(out_path) as f:
        return json.load(f)


# ---- Conformance --------------------------------------------------------
out = run([conformance])
check(out.returncode == 0 and "conforms: 18 checks: 18 passed" in out.stdout,
      f"m8::Grid conforms: {out.stdout}{out.stderr}")
out = run([conformance, f"--m8_backend={naive}"])
check(out.returncode == 0 and "backend naive-c 1.0 (c_abi" in out.stdout
      and "conforms: 18 checks: 17 passed, 1 not supported "
          "(Snapshot/roundtrip)" in out.stdout,
      f"the naive C library conforms: {out.stdout}{out.stderr}")
wrong = broken.format(n=5)
out = run([conformance, f"--m8_backend={wrong}"])
check(out.returncode == 1 and
      "FAIL          Store/blanket/dropped_noise" in out.stdout and
      "does not conform" in out.stdout,
      f"a wrong blanket fails: {out.stdout}{out.stderr}")

# ---- The C library through m8bench_grid ---------------------------------
default_names = names(grid)
check(len(default_names) > 100, f"m8bench_grid lists {len(default_names)}")
check(names(grid, [f"--m8_backend={naive}"]) == default_names,
      "the C library's benchmarks have the default's names")
results = smoke(grid, os.path.join(work, "naive.json"),
                [f"--m8_backend={naive}"])
context = results["context"]
check(context.get("m8.backend") == "naive-c", f"m8.backend: {context}")
check(context.get("m8.backend_version") == "1.0", "m8.backend_version")
check(context.get("m8.backend_dispatch") == "c_abi", "m8.backend_dispatch")
check(context.get("m8.backend_path") == naive, "m8.backend_path")
check(context.get("m8.unsupported") == "Save/Load", "m8.unsupported")
check(context.get("m8.conformance", "").startswith("18 checks: 17 passed"),
      f"m8.conformance: {context.get('m8.conformance')}")
ran = errored = 0
for b in results["benchmarks"]:
    if b["name"].startswith(("Grid/Save", "Grid/Load")):
        check(b.get("error_occurred") and
              "not supported: backend 'naive-c' has no Save/Load"
              in b.get("error_message", ""),
              f"{b['name']} skipped with a reason: {b.get('error_message')}")
        errored += 1
    else:
        check(not b.get("error_occurred"),
              f"{b['name']}: {b.get('error_message')}")
        check(b.get("items_per_second", 0) > 0, f"{b['name']} did work")
        ran += 1
check(ran >= 25 and errored == 2, f"{ran} ran, {errored} skipped")
default = smoke(grid, os.path.join(work, "default.json"))
check(default["context"].get("m8.backend") == "m8::Grid" and
      default["context"].get("m8.backend_dispatch") == "static" and
      default["context"].get("m8.unsupported") == "none",
      f"the default backend's context: {default['context'].get('m8.backend')}")

# ---- A C++ backend registered with M8_GRID_BACKEND ----------------------
check(names(core_only) == default_names,
      "the C++ backend's benchmarks have the default's names")
results = smoke(core_only, os.path.join(work, "core_only.json"))
context = results["context"]
check(context.get("m8.backend") == "core-only" and
      context.get("m8.backend_dispatch") == "static",
      f"the C++ backend's context: {context.get('m8.backend')}")
check(context.get("m8.unsupported") ==
      "Interference, AdvanceTime, Resonance, Region, LayerScan, Save/Load",
      f"m8.unsupported: {context.get('m8.unsupported')}")
for b in results["benchmarks"]:
    core = b["name"].split("/")[1] in (
        "Recall", "RecallMiss", "Reinforce", "PutOverwrite", "Put", "Forget",
        "Store", "BrickEdge")
    if b["name"].startswith(("Grid/BrickEdge/Interference",
                             "Grid/BrickEdge/Region")):
        core = False
    if core:
        check(not b.get("error_occurred"),
              f"{b['name']}: {b.get('error_message')}")
    else:
        check(b.get("error_occurred") and "not supported: backend "
              "'core-only' has no" in b.get("error_message", ""),
              f"{b['name']} skipped: {b.get('error_message')}")

# ---- Broken libraries ---------------------------------------------------
expected = {
    1: "the library speaks C interface 2.0, this m8bench speaks 1.0",
    2: "m8_backend_v1.recall is NULL (a required operation)",
    3: "declares M8_CAP_RESONANCE but resonance is NULL",
    4: "crashed with Segmentation fault near m8_backend_v1.recall",
    6: "conformance check Create did not finish within 20 s",
    7: "does not export m8_backend_entry",
}
for n, phrase in expected.items():
    library = broken.format(n=n)
    for binary in (conformance, grid):
        out = run([binary, f"--m8_backend={library}",
                   "--benchmark_filter=^Grid/Recall/uniform/cells:4096$"]
                  if binary == grid else [binary, f"--m8_backend={library}"],
                  timeout=90)
        lines = out.stderr.strip().splitlines()
        check(out.returncode == 2 and len(lines) == 1 and library in lines[0]
              and phrase in lines[0],
              f"{os.path.basename(binary)} with break {n}: exit "
              f"{out.returncode}, stderr {out.stderr!r}")
out = run([grid, "--m8_backend=/nonexistent/lib.so"])
check(out.returncode == 2 and out.stderr.strip() ==
      f"{grid}: --m8_backend=/nonexistent/lib.so: No such file or directory",
      f"a missing library: {out.stderr!r}")
out = run([grid, f"--m8_backend={wrong}",
           "--benchmark_filter=^Grid/Recall/uniform/cells:4096$"])
check(out.returncode == 2 and "fails conformance check "
      "Store/blanket/dropped_noise" in out.stderr, f"refused: {out.stderr!r}")
results = smoke(grid, os.path.join(work, "skipped.json"),
                [f"--m8_backend={wrong}", "--m8_skip_conformance"])
check(results["context"].get("m8.conformance", "").startswith(
    "skipped by --m8_skip_conformance"), "m8.conformance records the skip")

if failures:
    sys.exit(f"{len(failures)} checks failed")
print("backend_integration: all checks passed")
