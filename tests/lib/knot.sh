# SPDX-License-Identifier: MIT
# knotd for tests and the demo: on 127.0.0.1, a random high port, its own
# rundir, static zone files (already signed; knotd never signs or writes
# them), stopped by PID. Source this file, then:
#
#   knot_start DIR ZONE=FILE...   start; sets KNOT_PORT, KNOT_PID, KNOT_DIR
#                                 (a FILE that does not exist makes knotd
#                                 answer SERVFAIL for that zone)
#   knot_start_conf DIR TEMPLATE N ZONE
#                                 the same with a configuration of your own:
#                                 TEMPLATE is a file in which @PORT@, @DIR@
#                                 and @RUNDIR@ (both DIR) are replaced; N
#                                 zones, ZONE answers SOA
#   knot_stop                     stop (idempotent); use: trap knot_stop EXIT
#   knot_conf DIR PORT ZONE=FILE...
#   knot_conf_template DIR PORT TEMPLATE
#                                 print the configuration knot_start or
#                                 knot_start_conf would use (for a caller
#                                 that starts knotd itself, as the
#                                 benchmarks do); KNOT_UDP_WORKERS and
#                                 KNOT_TCP_WORKERS (default 2) for
#                                 knot_conf
#
#   knot_render TEMPLATE KEY=VALUE...
#                                 print TEMPLATE with each @KEY@ replaced by
#                                 VALUE; a lower-case key server.ITEM=VALUE
#                                 adds "ITEM: VALUE" to the server section.
#                                 @PORT@, @DIR@ and @RUNDIR@ may stay (for
#                                 knot_start_conf); any other placeholder
#                                 left is an error.
#   knot_signed DIR ZONE CSV ZONEFILE [KEY=VALUE...]
#                                 the signed deployment of mod-mimi, as
#                                 plugin-knot/knot-signed.conf.in has it:
#                                 the database DIR/db-mimi built by
#                                 mimi-zonegen with the template's
#                                 "# zonegen:" arguments, its keys imported
#                                 into knotd's key store, knotd started
#                                 (KNOT_*, as knot_start). Needs MIMI_BIN
#                                 (the tools) and MIMI_MODULE (the .so);
#                                 KEY=VALUE as for knot_render;
#                                 KNOT_ZONEGEN_ARGS: more mimi-zonegen
#                                 arguments (--naptr for ENUM). Sets
#                                 KNOT_DB, KNOT_KEYS and KNOT_DS (the KSK's
#                                 DS, a trust anchor file).
#   knot_signed_prepare DIR ZONE CSV ZONEFILE [KEY=VALUE...]
#                                 the same without starting knotd: DIR/knot.tpl
#                                 is the configuration with @PORT@ left
#
# This file is the one place that writes knotd configurations (the demo,
# the tests and the benchmarks use it). Traffic stays on loopback; start-up
# is bounded to about 10 s.

KNOT_PID=
KNOT_PORT=
KNOT_DIR=

knot_conf() { # DIR PORT ZONE=FILE...
  local dir=$1 port=$2 z
  shift 2
  cat <<CONF
server:
  rundir: "$dir/run"
  listen: 127.0.0.1@$port
  user: $(id -un):$(id -gn)
  background-workers: 1
  tcp-workers: ${KNOT_TCP_WORKERS:-2}
  udp-workers: ${KNOT_UDP_WORKERS:-2}
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
  _knot_run "$dir" $# "${1%%=*}" knot_conf "$@"
}

knot_conf_template() { # DIR PORT TEMPLATE
  sed -e "s|@PORT@|$2|g" -e "s|@DIR@|$1|g" -e "s|@RUNDIR@|$1|g" "$3"
}

knot_render() {
  local tpl=$1 kv k v out left given=" PORT DIR RUNDIR "
  shift
  out=$(cat "$tpl") || return 1
  for kv in "$@"; do
    given="$given${kv%%=*} "
  done
  # Every placeholder of the template needs a value (a value may itself
  # hold one, for a later render).
  left=$(grep -v '^#' "$tpl" | grep -oE '@[A-Z_]+@' | tr -d @ | sort -u |
         while read -r k; do [[ $given == *" $k "* ]] || printf '@%s@ ' "$k"; done)
  if [ -n "$left" ]; then
    echo "knot_render: $tpl: no value for $left" >&2
    return 1
  fi
  for kv in "$@"; do
    k=${kv%%=*} v=${kv#*=}
    case "$k" in
      server.*) out=$(printf '%s\n' "$out" | awk -v l="  ${k#server.}: $v" \
                        '{ print } /^server:/ { print l }') ;;
      *) out=${out//@$k@/$v} ;;
    esac
  done
  printf '%s\n' "$out"
}

# The "# zonegen: ARGS" line of a template, @RUNDIR@ replaced.
knot_zonegen_args() { # TEMPLATE RUNDIR
  sed -n '1s/^# zonegen: //p' "$1" | sed "s|@RUNDIR@|$2|g"
}

KNOT_DB=
KNOT_KEYS=
KNOT_DS=
knot_signed() {
  knot_signed_prepare "$@" || return 1
  knot_start_conf "$1" "$1/knot.tpl" 1 "$2"
}

knot_signed_prepare() {
  local dir=$1 zone=$2 csv=$3 zf=$4 root tpl args k
  shift 4
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  tpl="$root/plugin-knot/knot-signed.conf.in"
  mkdir -p "$dir/run" "$dir/db"
  KNOT_DB="$dir/db-mimi" KNOT_KEYS="$dir/keys" KNOT_DS="$dir/ta.ds"
  args=$(knot_zonegen_args "$tpl" "$dir")
  # shellcheck disable=SC2086 # the template's arguments, word-split
  "$MIMI_BIN/mimi-zonegen" --quiet --origin "$zone" --format lmdb -o "$KNOT_DB" $args \
    ${KNOT_ZONEGEN_ARGS:-} "$csv" ||
    { echo "knot_signed: mimi-zonegen failed" >&2; return 1; }
  knot_render "$tpl" "MODULE=$MIMI_MODULE" "DB=$KNOT_DB" "ZONE=$zone" "ZONEFILE=$zf" \
    "server.user=$(id -un):$(id -gn)" "$@" > "$dir/knot.tpl" || return 1
  # The keys into knotd's key store (before knotd runs: one writer).
  # (Port 53 is never listened on; lines with a placeholder left for a
  # later render are dropped: keymgr needs only the zone and storage.)
  knot_conf_template "$dir" 53 "$dir/knot.tpl" | sed '/@[A-Z_]*@/d' > "$dir/keymgr.conf"
  for k in "$KNOT_KEYS"/K*.private; do
    keymgr -c "$dir/keymgr.conf" "$zone" import-bind "$k" > /dev/null ||
      { echo "knot_signed: keymgr import-bind $k failed" >&2; return 1; }
  done
  keymgr -c "$dir/keymgr.conf" "$zone" ds 2>/dev/null | grep ' 2 ' > "$KNOT_DS"
  [ -s "$KNOT_DS" ] || { echo "knot_signed: no DS for $zone" >&2; return 1; }
}

knot_start_conf() {
  _knot_run "$1" "$3" "$4" knot_conf_template "$2"
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
