#!/bin/sh
# A throwaway PostgreSQL server for the tests (the ctest fixture "postgres"):
#
#   postgres_server.sh start DIR   initdb into DIR/data (or a private folder
#                                  under /tmp when the server's user cannot
#                                  reach DIR), start postgres on 127.0.0.1 on
#                                  a free port with its socket under DIR,
#                                  create the database m8test, and write its
#                                  URL to DIR/url
#   postgres_server.sh stop DIR    stop that server and remove its data
#
# PostgreSQL refuses to run as root: as root, initdb and the server run as
# the user "postgres" (or "nobody" when there is none), and the data folder
# is given to that user. Exits non-zero, with the server's log, when the
# server cannot be started: the tests that need it then fail.
# M8_POSTGRES_BINDIR overrides where initdb and pg_ctl are looked up.
set -eu

mode=$1
dir=$2

bindir=${M8_POSTGRES_BINDIR:-}
if [ -z "$bindir" ]; then
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [ -x "$candidate/initdb" ]; then bindir=$candidate; break; fi
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "postgres_server.sh: no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: install the postgresql package (tools/setup)" >&2
  exit 1
fi

# as_server CMD...: runs CMD as the user the server runs as.
server_user=
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then server_user=postgres; else server_user=nobody; fi
fi
as_server() {
  if [ -n "$server_user" ]; then
    (cd / && runuser -u "$server_user" -- "$@")
  else
    "$@"
  fi
}

# The folder that holds data/ (and, under /tmp, sock/ and log/ too).
server_root() {
  if [ -f "$dir/server_root" ]; then cat "$dir/server_root"; else echo "$dir"; fi
}

stop_server() {
  root=$(server_root)
  if [ -f "$root/data/postmaster.pid" ]; then
    as_server "$bindir/pg_ctl" -D "$root/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_server "$bindir/pg_ctl" -D "$root/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  case "$root" in
    /tmp/m8-postgres.*) rm -rf "$root" ;;
  esac
  rm -rf "$dir/data" "$dir/sock" "$dir/url" "$dir/server_root"
}

case "$mode" in
  stop)
    stop_server
    exit 0 ;;
  start) ;;
  *) echo "usage: postgres_server.sh start|stop DIR" >&2; exit 2 ;;
esac

# A server left behind by an interrupted run goes first.
mkdir -p "$dir"
stop_server
dir=$(cd "$dir" && pwd)
data="$dir/data"
sock="$dir/sock"
logs="$dir/log"
mkdir -p "$sock" "$logs"
if [ -n "$server_user" ]; then
  mkdir -p "$data"
  chown "$server_user" "$data" "$sock" "$logs"
  # The server's user must reach the build tree; a private folder under /tmp
  # when it cannot (the socket and log folders too).
  if ! as_server test -w "$data" || ! as_server test -w "$sock"; then
    rmdir "$data"
    root=$(mktemp -d /tmp/m8-postgres.XXXXXX)
    data="$root/data"
    sock="$root/sock"
    logs="$root/log"
    mkdir -p "$data" "$sock" "$logs"
    chown -R "$server_user" "$root"
    echo "$root" > "$dir/server_root"
  fi
fi

if ! as_server "$bindir/initdb" -D "$data" -U m8 -A trust -E UTF8 --locale=C \
     --no-sync > "$dir/initdb.log" 2>&1; then
  echo "postgres_server.sh: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi

# A free port, chosen by the kernel; tried again when another process takes
# it first.
started=
for attempt in 1 2 3 4 5; do
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if as_server "$bindir/pg_ctl" -D "$data" -l "$logs/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c full_page_writes=off -c max_connections=60" \
       start > "$dir/pg_ctl.log" 2>&1; then
    started=yes
    break
  fi
done
if [ -z "$started" ]; then
  echo "postgres_server.sh: the server did not start:" >&2
  cat "$dir/pg_ctl.log" "$logs/server.log" >&2 2>/dev/null || true
  exit 1
fi

if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U m8 m8test > "$dir/createdb.log" 2>&1; then
  echo "postgres_server.sh: createdb failed:" >&2
  cat "$dir/createdb.log" >&2
  stop_server
  exit 1
fi
echo "postgresql://m8@127.0.0.1:$port/m8test" > "$dir/url"
echo "postgres_server.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data $data, user ${server_user:-$(id -un)})"
