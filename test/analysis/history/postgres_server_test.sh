#!/bin/sh
# postgres_server.sh as a normal user runs it. The fixture "postgres" runs
# it as whoever runs ctest; when that is root, the script starts the server
# as an unprivileged user, and this test runs the script itself as "nobody"
# (the path a normal user takes): start, store a run through m8perf, list
# it, stop. Not root: the fixture took that path already; skipped (77).
#   postgres_server_test.sh SCRIPT M8PERF RESULTS DIR
set -eu
script=$1
m8perf=$2
results=$3
dir=$4
if [ "$(id -u)" -ne 0 ]; then
  echo "not root: the fixture ran postgres_server.sh as a normal user"
  exit 77
fi
as_nobody() {
  (cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups \
     env -i PATH=/usr/bin:/bin HOME="$dir" "$@")
}
rm -rf "$dir"
mkdir -p "$dir"
chown nobody:nogroup "$dir"
trap 'as_nobody "$script" stop "$dir/server" > /dev/null 2>&1 || true' EXIT
as_nobody "$script" start "$dir/server"
url=$(cat "$dir/server/url")
as_nobody "$m8perf" ingest "$results" --db "$url"
as_nobody "$m8perf" history list --db "$url" --format=json > "$dir/list.json"
grep -q '"stored":1' "$dir/list.json" || { cat "$dir/list.json"; exit 1; }
as_nobody "$script" stop "$dir/server"
[ ! -e "$dir/server/url" ] || { echo "stop left the server's URL behind"; exit 1; }
trap - EXIT
echo "postgres_server_test: ok"
