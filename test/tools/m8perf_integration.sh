#!/bin/sh
# Integration test on real output of an m8bench binary: run it twice with a
# small filter, then m8perf compare, summary and check on the two files.
#   m8perf_integration.sh M8PERF BENCHMARK FILTER WORKDIR
set -eu
m8perf=$1
bench=$2
filter=$3
work=$4
mkdir -p "$work"
for run in a b; do
  "$bench" --benchmark_filter="$filter" --benchmark_min_time=0.001 \
    --benchmark_repetitions=3 --benchmark_out="$work/$run.json" \
    --benchmark_out_format=json > "$work/$run.log" 2>&1
done
"$m8perf" compare "$work/a.json" "$work/b.json"
"$m8perf" compare "$work/a.json" "$work/b.json" --format=json > "$work/compare.json"
grep -q '"comparisons":\[{' "$work/compare.json"
# The same files through pipes: a shell's process substitution (/dev/fd/N)
# and a named pipe are read to their end, and compare as the files do.
bash -c '"$0" compare <(cat "$1") <(cat "$2") --format=json' \
  "$m8perf" "$work/a.json" "$work/b.json" > "$work/compare_pipes.json"
/usr/bin/python3 - "$work/compare.json" "$work/compare_pipes.json" <<'PY'
import json, sys
files, pipes = (json.load(open(p)) for p in sys.argv[1:])
assert files["comparisons"] == pipes["comparisons"], "pipes compare differently"
assert pipes["base"].startswith("/dev/fd/"), pipes["base"]
PY
rm -f "$work/results.fifo"
mkfifo "$work/results.fifo"
cat "$work/a.json" > "$work/results.fifo" &
"$m8perf" summary "$work/results.fifo" > "$work/summary_fifo.txt"
wait
grep -q "Summary of $work/results.fifo" "$work/summary_fifo.txt"
"$m8perf" summary "$work/a.json"
"$m8perf" scale "$work/a.json" > /dev/null
# A budget no benchmark can breach: check must pass.
printf '{"budgets": [{"benchmark": ".", "metric": "real_time", "max": "1000s"}]}' \
  > "$work/budgets.json"
"$m8perf" check "$work/b.json" --budgets "$work/budgets.json" --baseline "$work/a.json"
