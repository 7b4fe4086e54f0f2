#!/bin/bash
# The history of runs with the real m8perf binary, one process per command:
#   1. two ingests started at once into a new history (the default
#      location, created by whichever comes first) both succeed;
#   2. ingests killed with SIGKILL at different moments leave the history
#      consistent (history verify) with the run absent or whole: when it is
#      there, it summarises exactly as its file does;
#   3. a file size limit reached while writing the history (RLIMIT_FSIZE,
#      SIGXFSZ ignored, as a full disk) fails in one line naming the history,
#      which keeps what it held.
#
#   history_integration.sh M8PERF MAKE_SYNTHETIC_RESULTS WORKDIR
set -euo pipefail
m8perf=$1
synthetic=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"
unset M8_HISTORY

fail() { echo "history_integration: $*" >&2; exit 1; }

/usr/bin/python3 "$synthetic" pair --benchmarks 1000 --repetitions 10 syn > /dev/null

# The runs in the history, as "id source" lines.
runs() {
  "$m8perf" history list --format=json |
    /usr/bin/python3 -c 'import json, sys
for run in json.load(sys.stdin)["runs"]: print(run["id"], run["source"])'
}

# Whether stored run $1 summarises as file $2 does.
same_summary() {
  "$m8perf" summary "@$1" --format=json > stored.json
  "$m8perf" summary "$2" --format=json > file.json
  /usr/bin/python3 -c 'import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
sys.exit(0 if a["benchmarks"] == b["benchmarks"] else 1)' stored.json file.json
}

# ---- 1. Two ingests at once into a history that does not exist yet.
"$m8perf" ingest syn/base.json > a.log 2>&1 &
first=$!
"$m8perf" ingest syn/new.json > b.log 2>&1 &
second=$!
wait "$first" || fail "the first concurrent ingest failed: $(cat a.log)"
wait "$second" || fail "the second concurrent ingest failed: $(cat b.log)"
[ -f .m8bench/history.db ] || fail "the default history was not created"
[ "$(runs | wc -l)" -eq 2 ] || fail "two concurrent ingests stored $(runs | wc -l) runs"
"$m8perf" history verify > /dev/null || fail "inconsistent after concurrent ingests"

# ---- 2. SIGKILL at several moments of an ingest of new content.
for delay in 0.05 0.15 0.3 0.5 0.8; do
  copy="kill_$delay.json"
  # The same results with one more byte: new content for the history.
  { cat syn/base.json; echo; } > "$copy"
  "$m8perf" ingest "$copy" > kill.log 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  "$m8perf" history verify > verify.log ||
    fail "inconsistent after a kill at ${delay}s: $(cat verify.log)"
  stored=$(runs | awk -v f="$copy" '$2 == f {print $1}')
  if [ -n "$stored" ]; then
    same_summary "$stored" "$copy" || fail "run @$stored is not whole after a kill at ${delay}s"
  fi
done

# ---- 3. A file size limit reached while writing.
# The last process to close the history folded its write-ahead log into the
# file and removed it: the next run's pages (about 6 MB) go to a new log,
# which a 2 MiB limit stops.
before=$(runs)
{ cat syn/new.json; echo; echo; } > limited.json
set +e
(
  trap '' XFSZ
  ulimit -f 2048
  exec "$m8perf" ingest limited.json
) > limited.out 2> limited.err
status=$?
set -e
[ "$status" -eq 2 ] || fail "ingest under a file size limit exited $status: $(cat limited.err)"
[ "$(wc -l < limited.err)" -eq 1 ] || fail "the error is not one line: $(cat limited.err)"
grep -q "^m8perf: error: .m8bench/history.db: cannot store limited.json: " limited.err ||
  fail "the error does not name the history and the file: $(cat limited.err)"
grep -q "(the history is unchanged)" limited.err || fail "$(cat limited.err)"
"$m8perf" history verify > /dev/null || fail "inconsistent after the write error"
[ "$(runs)" = "$before" ] || fail "the runs changed after the write error"
echo "history_integration: ok"
