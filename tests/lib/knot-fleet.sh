# SPDX-License-Identifier: MIT
# Several knotd at once (a primary and its secondaries), on top of knot.sh:
# start each with knot_start / knot_start_conf, then
#
#   knot_keep NAME     remember it as NAME: sets NAME_PORT, NAME_PID, NAME_DIR
#                      and adds the PID to the ones knot_stop_all stops
#   knot_stop_all      stop every kept knotd and the current one, by PID
#                      (idempotent); use: trap knot_stop_all EXIT
#   knot_sed_conf NAME SED-EXPR...
#                      edit NAME's knot.conf and make knotd re-read it
#                      (knotc reload): ports known only once all are up
KNOT_KEPT=

knot_keep() {
  printf -v "${1}_PORT" '%s' "$KNOT_PORT"
  printf -v "${1}_PID" '%s' "$KNOT_PID"
  printf -v "${1}_DIR" '%s' "$KNOT_DIR"
  KNOT_KEPT="$KNOT_KEPT $KNOT_PID"
  KNOT_PID=
}

knot_stop_all() {
  local p
  knot_stop
  for p in $KNOT_KEPT; do
    KNOT_PID=$p
    knot_stop
  done
  KNOT_KEPT=
  return 0
}

knot_sed_conf() {
  local dir_var="${1}_DIR" e
  local conf="${!dir_var}/knot.conf"
  shift
  for e in "$@"; do
    sed -i -e "$e" "$conf" || return 1
  done
  knotc -c "$conf" -t "${KNOT_CTL_TIMEOUT:-10}" reload > /dev/null
}

# knot_start_long DIR TEMPLATE SECONDS [PORT]: knot_start_conf for benchmarks,
# whose zones take longer to load than knot.sh waits: up when knotd's
# control socket answers (the zones may still be loading: wait for them by
# their SOA). PORT: chosen beforehand (a primary's NOTIFY targets). One
# try; 1 when knotd exits or does not answer in time.
knot_start_long() {
  local dir=$1 i
  mkdir -p "$dir/run" "$dir/db"
  KNOT_DIR=$dir
  KNOT_PORT=${4:-$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))}
  knot_conf_template "$dir" "$KNOT_PORT" "$2" > "$dir/knot.conf"
  : > "$dir/knotd.log"
  knotd -c "$dir/knot.conf" > "$dir/knotd.out" 2>&1 &
  KNOT_PID=$!
  for i in $(seq 1 $(( $3 * 5 ))); do
    kill -0 "$KNOT_PID" 2>/dev/null || break
    knotc -c "$dir/knot.conf" -t 2 status > /dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "knot_start_long: knotd did not start; see $dir/knotd.log $dir/knotd.out" >&2
  knot_stop
  return 1
}
