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
  knotc -c "$conf" -t 10 reload > /dev/null
}
