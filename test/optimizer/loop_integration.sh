#!/usr/bin/env bash
# m8perf loop and m8perf calibrate end to end, on a tiny CMake project made
# here whose one benchmark does a known amount of work (kSteps in work.h):
# a first run, a 2x slowdown found as a regression, a saved baseline, a
# build error and a crash reported, a watched loop that reruns on a change
# and stops cleanly on SIGINT, a calibration that loop then uses, and
# every successful run of both kept in the history of runs (M8_HISTORY).
#
# usage: loop_integration.sh M8PERF WORK_DIR
set -euo pipefail

m8perf=$1
work=$2
rm -rf -- "$work"
mkdir -p -- "$work/src"
src=$work/src
build=$work/build

fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.out "$work"/*.err; do
    [[ -f $f ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

cat >"$src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(tiny LANGUAGES CXX)
find_package(benchmark REQUIRED)
add_executable(tiny main.cc)
target_link_libraries(tiny PRIVATE benchmark::benchmark benchmark::benchmark_main)
CMAKE
write_work() {
  printf 'constexpr long kSteps = %s;\n' "$1" >"$src/work.h"
}
cat >"$src/main.cc" <<'CC'
#include <cstdint>
#include "benchmark/benchmark.h"
#include "work.h"
static void BM_Tiny(benchmark::State& state) {
  uint64_t x = 1;
  for (auto _ : state) {
    for (long i = 0; i < kSteps; ++i) x = (x * 0x9e3779b97f4a7c15ULL) ^ (x >> 29);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_Tiny)->Name("Tiny/Work");
CC
write_work 2000
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
export M8_HISTORY=$work/history.db

loop() {  # loop NAME ARGS...: m8perf loop, outputs in NAME.out/.err, status in rc
  local name=$1
  shift
  rc=0
  timeout 300 "$m8perf" loop --build "$build" --target tiny --filter 'Tiny/' \
    --color never "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
}
bench=(-- --benchmark_min_time=0.01)

echo "check: the first run has nothing to compare with"
loop first --repetitions 9 "${bench[@]}"
((rc == 0)) || fail "first run: exit $rc"
grep -q 'first run' "$work/first.out" || fail "first run not announced"

echo "check: twice the work is a regression"
write_work 4000
loop slower --repetitions 9 --save-baseline slow "${bench[@]}"
((rc == 0)) || fail "slower run: exit $rc"
grep -E 'Tiny/Work .*regressed' "$work/slower.out" >/dev/null ||
  fail "a 2x slowdown was not called a regression"

echo "check: back to the old work is an improvement against baseline 'slow'"
write_work 2000
loop faster --repetitions 9 --baseline slow "${bench[@]}"
((rc == 0)) || fail "faster run: exit $rc"
grep -q "baseline 'slow'" "$work/faster.out" || fail "baseline not named"
grep -E 'Tiny/Work .*improved' "$work/faster.out" >/dev/null ||
  fail "going back to half the work was not called an improvement"

echo "check: an unknown baseline is a usage error"
loop nobase --repetitions 9 --baseline nonesuch "${bench[@]}"
((rc == 2)) || fail "unknown baseline: exit $rc, expected 2"
[[ $(wc -l <"$work/nobase.err") -ge 1 ]] && grep -q "no baseline 'nonesuch'" "$work/nobase.err" ||
  fail "unknown baseline not named"

echo "check: a build error shows the compiler's output"
cp "$src/main.cc" "$work/main.cc.good"
echo 'this is not C++;' >>"$src/main.cc"
loop broken --repetitions 9 "${bench[@]}"
((rc == 1)) || fail "build error: exit $rc, expected 1"
grep -q 'the build failed' "$work/broken.err" || fail "build failure not said"
grep -q 'error' "$work/broken.err" || fail "the compiler's output not shown"
cp "$work/main.cc.good" "$src/main.cc"

echo "check: a crash of the binary is reported"
sed -i 's/static void BM_Tiny(benchmark::State& state) {/static void BM_Tiny(benchmark::State\& state) { __builtin_trap();/' "$src/main.cc"
loop crash --repetitions 9 "${bench[@]}"
((rc == 1)) || fail "crash: exit $rc, expected 1"
grep -q 'signal' "$work/crash.err" || fail "the crash's signal not reported"
cp "$work/main.cc.good" "$src/main.cc"

echo "check: --watch reruns on a change and stops on SIGINT"
loop_watch_out=$work/watch.out
"$m8perf" loop --build "$build" --target tiny --filter 'Tiny/' --color never \
  --repetitions 9 --watch "${bench[@]}" >"$loop_watch_out" 2>"$work/watch.err" &
pid=$!
waited=0
until grep -q 'waiting for a change' "$work/watch.err"; do
  sleep 0.2
  waited=$((waited + 1))
  ((waited < 600)) || { kill -9 $pid; fail "the watched loop never waited"; }
done
write_work 4000
waited=0
until (($(grep -c 'waiting for a change' "$work/watch.err") >= 2)); do
  sleep 0.2
  waited=$((waited + 1))
  ((waited < 600)) || { kill -9 $pid; fail "no rerun after a change"; }
done
kill -INT $pid
rc=0
wait $pid || rc=$?
((rc == 0)) || fail "watched loop: exit $rc after SIGINT, expected 0"
grep -q 'work.h changed' "$work/watch.err" || fail "the change not named"
grep -q 'loop: stopped' "$work/watch.err" || fail "no clean stop"
grep -E 'Tiny/Work .*regressed' "$loop_watch_out" >/dev/null ||
  fail "the watched rerun did not find the 2x slowdown"

echo "check: calibrate stores estimates that loop uses"
store=$work/calibration.json
rc=0
"$m8perf" calibrate --binary "$build/tiny" --filter 'Tiny/' --runs 3 \
  --repetitions 5 --store "$store" --format json "${bench[@]}" \
  >"$work/calibrate.out" 2>"$work/calibrate.err" || rc=$?
((rc == 0)) || fail "calibrate: exit $rc"
/usr/bin/python3 - "$work/calibrate.out" "$store" <<'PY' || fail "calibrate output"
import json, sys
report = json.load(open(sys.argv[1]))
b = report["benchmarks"]
assert len(b) == 1 and b[0]["benchmark"] == "Tiny/Work", b
assert b[0]["runs"] == 3 and b[0]["repetitions"] == 5, b
need = b[0]["repetitions_to_detect"]
assert set(need) == {"0.01", "0.02", "0.05"}, need
# More repetitions for smaller changes (none where none can).
inf = float("inf")
n = [inf if need[k] is None else need[k] for k in ("0.01", "0.02", "0.05")]
assert n[0] >= n[1] >= n[2], n
assert b[0]["detectable_change"] >= 0.01, b
store = json.load(open(sys.argv[2]))
assert [e["benchmark"] for e in store["entries"]] == ["Tiny/Work"], store
PY
loop calibrated --calibration "$store" "${bench[@]}"
((rc == 0)) || fail "loop after calibrate: exit $rc"
grep -q "from $store" "$work/calibrated.err" ||
  grep -q 'too large for one run a side' "$work/calibrated.err" ||
  fail "loop did not take its repetitions from the calibration"

echo "check: the successful runs are in the history, tagged"
# Loop runs that completed: first, slower, faster, the watched loop's two,
# calibrated (6); the unknown baseline stopped before keeping its run, the
# build error and the crash made none. Calibrate's 3 runs share one tag.
grep -q 'loop: stored as @1 in ' "$work/first.err" ||
  fail "the first loop run does not say where it was stored"
grep -q 'calibrate: runs stored as @' "$work/calibrate.err" ||
  fail "calibrate does not say where its runs went"
"$m8perf" history list --format json >"$work/history.json" ||
  fail "history list"
/usr/bin/python3 - "$work/history.json" <<'PY' || fail "runs in the history"
import collections, json, sys
runs = json.load(open(sys.argv[1]))["runs"]
by_suite = collections.Counter(r["tags"].get("suite") for r in runs)
assert by_suite == {"loop": 6, "calibrate": 3}, by_suite
for r in runs:
    assert r["tags"]["filter"] == "Tiny/", r
    if r["tags"]["suite"] == "loop":
        assert r["tags"]["target"] == "tiny", r
assert len({r["tags"]["calibration"] for r in runs
            if r["tags"]["suite"] == "calibrate"}) == 1, runs
PY

echo "check: without M8_HISTORY and no default history, nothing is created"
(
  unset M8_HISTORY
  cd "$work"
  loop nohistory --repetitions 3 "${bench[@]}"
  ((rc == 0)) || fail "loop without a history: exit $rc"
  [[ ! -e .m8bench ]] || fail "loop started a history of its own"
  ! grep -q 'stored as' "$work/nohistory.err" || fail "claims a history"
)

echo "check: a directory that is not a build tree is a usage error"
rc=0
"$m8perf" loop --build "$work/src" --target tiny --filter x \
  >"$work/notbuild.out" 2>"$work/notbuild.err" || rc=$?
((rc == 2)) || fail "not a build tree: exit $rc, expected 2"
[[ $(wc -l <"$work/notbuild.err") -eq 1 ]] || fail "not one line"

echo "PASS: m8perf loop and calibrate end to end ($SECONDS s)"
