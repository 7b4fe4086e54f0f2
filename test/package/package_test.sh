#!/usr/bin/env bash
# The installed package as a project outside the tree sees it: installs the
# m8bench build tree into a fresh prefix, builds test/package/outside (a
# fixture and a grid backend of its own) against it with
# find_package(m8bench), runs it with the suite's main, and reads its JSON
# with the installed m8perf.
#
#   package_test.sh BUILD_DIR OUTSIDE_SOURCE_DIR WORK_DIR VERSION
set -euo pipefail
build=$1 outside=$2 work=$3 version=$4
fail() { echo "package_test: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  fail "cmake --install failed (see $work/install.log)"
for f in include/grid/grid.h include/bench/support/fixture.h \
         lib/cmake/m8bench/m8benchConfig.cmake \
         lib/cmake/m8bench/m8benchConfigVersion.cmake \
         lib/cmake/m8bench/M8BenchArea.cmake bin/m8perf; do
  [[ -e $prefix/$f ]] || fail "the install has no $f"
done

cmake -S "$outside" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 ||
  fail "configuring the outside project failed (see $work/configure.log)"
cmake --build "$work/build" >"$work/build.log" 2>&1 ||
  fail "building the outside project failed (see $work/build.log)"

binary=$work/build/m8bench_outside
# The suite's main: its flags and its errors.
"$binary" --m8_help | grep -q -- '--m8_config' ||
  fail "m8bench_outside --m8_help does not list the suite's flags"
set +e
"$binary" --m8_nope >/dev/null 2>&1
code=$?
set -e
[[ $code -eq 2 ]] || fail "an unknown --m8_ flag exited $code, not 2"

"$binary" --m8_smoke --benchmark_min_time=0.01 --benchmark_repetitions=2 \
  --benchmark_filter='^(Outside/Recall|Grid/(Recall|Interference)/uniform/cells:4096|Grid/Region/small/cells:4096)$' \
  --benchmark_out="$work/outside.json" --benchmark_out_format=json \
  >"$work/run.log" 2>&1 || fail "m8bench_outside failed (see $work/run.log)"
/usr/bin/python3 - "$work/outside.json" "$version" <<'PY'
import json, sys
path, version = sys.argv[1], sys.argv[2]
with open(path) as f:
    results = json.load(f)
context = results["context"]
def check(ok, what):
    if not ok:
        sys.exit(f"package_test: {path}: {what}")
check(context.get("m8.package_version") == version,
      f"m8.package_version is {context.get('m8.package_version')!r}, not {version!r}")
check("m8.topology.pus" in context, "no m8.topology.* context")
runs = [b for b in results["benchmarks"] if b["run_name"] == "Outside/Recall"]
check(len(runs) >= 2, "no repetitions of Outside/Recall")
for run in runs:
    for counter in ("items_per_second", "hits", "p50_ns"):
        check(counter in run, f"Outside/Recall has no {counter}")
# The project's own backend, registered with M8_GRID_BACKEND.
check(context.get("m8.backend") == "outside-grid" and
      context.get("m8.backend_version") == "1.2",
      f"m8.backend is {context.get('m8.backend')!r}, not 'outside-grid'")
by_name = {}
for b in results["benchmarks"]:
    by_name.setdefault(b["run_name"], []).append(b)
for name in ("Grid/Recall/uniform/cells:4096",
             "Grid/Interference/uniform/cells:4096"):
    check(name in by_name and not any(b.get("error_occurred")
                                      for b in by_name[name]),
          f"{name} did not run on the outside backend")
region = by_name.get("Grid/Region/small/cells:4096", [])
check(region and all(b.get("error_occurred") and
                     "not supported: backend 'outside-grid' has no Region"
                     in b.get("error_message", "") for b in region),
      "Grid/Region/small was not skipped on a backend without Region")
PY
"$prefix/bin/m8perf" summary "$work/outside.json" >"$work/summary.txt" ||
  fail "the installed m8perf could not summarise $work/outside.json"
grep -q 'Outside/Recall' "$work/summary.txt" ||
  fail "m8perf summary does not list Outside/Recall"

# The package version is checked: a newer major than installed is refused.
mkdir -p "$work/too_new"
cat >"$work/too_new/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(too_new LANGUAGES CXX)
find_package(m8bench 99.0 REQUIRED)
CM
if cmake -S "$work/too_new" -B "$work/too_new/build" -G Ninja \
     -DCMAKE_PREFIX_PATH="$prefix" >"$work/too_new.log" 2>&1; then
  fail "find_package(m8bench 99.0) accepted version $version"
fi
echo "package_test: installed m8bench $version, built and ran an outside project"
