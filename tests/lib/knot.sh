# knotd for tests and the demo: on 127.0.0.1, a random high port, its own
# rundir, static zone files (already signed; knotd never signs or writes
# them), stopped by PID. Source this file, then:
#
#   knot_start DIR ZONE=FILE...   start; sets KNOT_PORT, KNOT_PID, KNOT_DIR
#                                 (a FILE that does not exist makes knotd
#                                 answer SERVFAIL for that zone)
#   knot_start_conf DIR TEMPLATE N ZONE
#                                 the same with a configuration of your own:
#                                 TEMPLATE is a file in which @PORT@ and
#                                 @DIR@ are replaced; N zones, ZONE answers SOA
#   knot_stop                     stop (idempotent); use: trap knot_stop EXIT
#
# Traffic stays on loopback; start-up is bounded to about 10 s.

KNOT_PID=
KNOT_PORT=
KNOT_DIR=

_knot_conf() { # DIR PORT ZONE=FILE...
  local dir=$1 port=$2 z
  shift 2
  cat <<CONF
server:
  rundir: "$dir/run"
  listen: 127.0.0.1@$port
  user: $(id -un):$(id -gn)
  background-workers: 1
  tcp-workers: 2
  udp-workers: 2
database:
  storage: "$dir/db"
log:
  - target: "$dir/knotd.log"
    any: info
template:
  - id: default
    dnssec-signing: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
CONF
  for z in "$@"; do
    printf '  - domain: "%s"\n    file: "%s"\n' "${z%%=*}" "${z#*=}"
  done
}

# _knot_run DIR NZONES FIRST CONF-WRITER [ARGS...]: the start/retry loop.
_knot_run() {
  local dir=$1 nz=$2 first=$3 writer=$4 try i
  shift 4
  mkdir -p "$dir/run" "$dir/db"
  KNOT_DIR=$dir
  for try in 1 2 3 4 5; do
    KNOT_PORT=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    "$writer" "$dir" "$KNOT_PORT" "$@" > "$dir/knot.conf"
    : > "$dir/knotd.log"
    knotd -c "$dir/knot.conf" > "$dir/knotd.out" 2>&1 &
    KNOT_PID=$!
    for i in $(seq 1 100); do
      if ! kill -0 "$KNOT_PID" 2>/dev/null; then
        break # exited: port taken or bad configuration
      fi
      # Up when every zone has loaded or failed to (the log says which).
      # (No pipelines: callers may run with "set -o pipefail".)
      if [ "$(grep -cE "\] loaded, |event 'load' failed" "$dir/knotd.log" || true)" -ge "$nz" ] &&
         [ -n "$(kdig @127.0.0.1 -p "$KNOT_PORT" +time=1 +retry=0 +short SOA "$first" 2>/dev/null || true)" ]; then
        return 0
      fi
      sleep 0.1
    done
    knot_stop
  done
  echo "knot_start: knotd did not start; see $dir/knotd.log $dir/knotd.out" >&2
  cat "$dir/knotd.out" >&2 2>/dev/null
  return 1
}

knot_start() {
  local dir=$1
  shift
  _knot_run "$dir" $# "${1%%=*}" _knot_conf "$@"
}

_knot_conf_template() { # DIR PORT TEMPLATE
  sed -e "s|@PORT@|$2|g" -e "s|@DIR@|$1|g" "$3"
}

knot_start_conf() {
  _knot_run "$1" "$3" "$4" _knot_conf_template "$2"
}

knot_stop() {
  local i
  [ -n "$KNOT_PID" ] || return 0
  kill -TERM "$KNOT_PID" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$KNOT_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$KNOT_PID" 2>/dev/null || true
  wait "$KNOT_PID" 2>/dev/null || true
  KNOT_PID=
  return 0
}
