#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark (not a test): knotd serving N users (1,000,000; BENCH_USERS or
# the second argument to shrink it) in the deployed mode, DNSSEC: the
# static zone signed by mimi-zonegen (--sign --nsec3) versus mod-mimi as
# plugin-knot/knot-signed.conf.in configures it (a signed database, its
# stored RRSIGs served, its denials signed by mod-mimi and cached). dnsperf with DO,
# 20,000 query names per mix: mixed (80% existing, 20% missing),
# positive-only, missing-only (the denials: their cost per query on its
# own); 1 and 2 UDP workers; both servers up, runs alternating, medians and
# ratios from the same run. Then knotd's anonymous memory and start-up
# time, and the old comparison (unsigned zone vs unsigned database, no
# onlinesign) beside it. Targets (issue 18): mixed >= 0.8x the signed
# static zone's qps, positive-only >= 0.95x, anonymous memory <= 0.2x,
# start-up < 1 s. Never fails on a missed target: it says so.
#
#   bench/bench_module.sh [BUILDDIR] [USERS]
#   BENCH_SECONDS (5) per dnsperf run, BENCH_REPEAT (3) runs per cell,
#   BENCH_WORKERS ("1 2") UDP worker counts
set -euo pipefail
B=${1:-build}
N=${BENCH_USERS:-${2:-1000000}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export MIMI_BIN="$ROOT/$B/bin" MIMI_MODULE="$ROOT/$B/plugin-knot/mod-mimi.so"
W="$ROOT/$B/bench/mod_mimi"
DURATION=${BENCH_SECONDS:-5}
REPEAT=${BENCH_REPEAT:-3}
WORKERS=${BENCH_WORKERS:-1 2}
. "$ROOT/tests/lib/knot.sh"
G="$MIMI_BIN/mimi-zonegen"
rm -rf "$W"
mkdir -p "$W"
cd "$W"

echo "mod-mimi benchmark: $N users, DO queries, $REPEAT alternating ${DURATION}s dnsperf runs per cell (medians), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$N" 'BEGIN { print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < n; i++) printf "user%07d@example.com,chat.example.net,user%07d,10,,\n", i, i }' > users.csv
printf '$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster.example.com. 1 3600 900 1209600 300\n@ NS ns1.example.net.\n' > static.zone

t0=$(date +%s)
"$G" --quiet --origin example.com --template static.zone --serial 1 --sign --nsec3 --keys keys-static \
  -o signed.zone users.csv 2>/dev/null
knot_signed_prepare "$W/k-module" example.com users.csv "$W/static.zone" \
  "server.udp-workers=@UDP_WORKERS@" "server.tcp-workers=1" "server.background-workers=1" 2>/dev/null
# The old comparison: unsigned zone file, unsigned database.
"$G" --quiet --origin example.com --template static.zone --serial 1 -o unsigned.zone users.csv
"$G" --quiet --origin example.com --format lmdb -o db-unsigned users.csv
echo "zones and databases built in $(( $(date +%s) - t0 )) s"

# Query names: owner names from the codec (via mimi-zonegen).
queries() { # FILE EVERY: one name in EVERY missing (0: none; 1: all)
  awk -v n="$N" -v every="$2" 'BEGIN { srand(7); print "identifier,provider,account,preference,tags,service";
    for (i = 0; i < 20000; i++) {
      if (every == 1 || (every > 1 && i % every == every - 1)) printf "missing%07d@example.com,x.example,x,,,\n", i;
      else printf "user%07d@example.com,x.example,x,,,\n", int(rand() * n) } }' > q.csv
  "$G" --quiet --origin example.com --ns ns1.example.net --serial 1 q.csv 2>/dev/null |
    awk '$4 == "TXT" { print $1, "TXT" }' > "$1"
}
queries q-mixed.txt 5
queries q-positive.txt 0
queries q-missing.txt 1

declare -A START PORT PID ANON
# Start one knotd and time its start-up (to its first answer); it stays
# up for the runs, which alternate between the servers.
start() { # NAME CONF-WRITER ARGS...
  local name=$1 dir="$W/k-$1" t0 t1 log
  shift
  mkdir -p "$dir/run" "$dir/db"
  PORT[$name]=$(( 20000 + RANDOM % 30000 ))
  "$@" "$dir" "${PORT[$name]}" > "$dir/knot.conf"
  log=$(sed -n 's/^ *- target: "\(.*\)"$/\1/p' "$dir/knot.conf" | head -1)
  : > "$log"
  t0=$(date +%s.%N)
  knotd -c "$dir/knot.conf" > /dev/null 2>&1 &
  PID[$name]=$!
  until grep -q "loaded, serial" "$log" 2>/dev/null; do
    kill -0 "${PID[$name]}" 2>/dev/null || { echo "bench: knotd $name died; $log" >&2; exit 1; }
    sleep 0.01
  done
  until [ -n "$(kdig @127.0.0.1 -p "${PORT[$name]}" +short +time=1 +retry=0 SOA example.com 2>/dev/null)" ]; do sleep 0.01; done
  t1=$(date +%s.%N)
  START[$name]=$(echo "$t1 - $t0" | bc)
}
stop() { kill "${PID[$1]}" 2>/dev/null; wait "${PID[$1]}" 2>/dev/null || true; unset "PID[$1]"; }
stop_all() { local n; for n in "${!PID[@]}"; do stop "$n"; done; }
trap stop_all EXIT
# Configuration writers (all through tests/lib/knot.sh).
conf_static() { # ZONEFILE WORKERS DIR PORT
  KNOT_UDP_WORKERS=$2 KNOT_TCP_WORKERS=1 knot_conf "$3" "$4" "example.com=$W/$1"
}
conf_module() { # WORKERS DIR PORT (the rundir is the one the keys were imported into)
  knot_render "$W/k-module/knot.tpl" "UDP_WORKERS=$1" > "$W/k-module/knot-$1.tpl"
  knot_conf_template "$W/k-module" "$3" "$W/k-module/knot-$1.tpl"
}
conf_unsigned() { # DIR PORT
  knot_render "$ROOT/bench/knot-unsigned.conf.in" "MODULE=$MIMI_MODULE" "DB=$W/db-unsigned" \
    "ZONE=example.com" "ZONEFILE=$W/static.zone" "server.udp-workers=1" "server.tcp-workers=1" \
    "server.background-workers=1" "server.user=$(id -un):$(id -gn)" > "$W/unsigned.tpl"
  knot_conf_template "$1" "$2" "$W/unsigned.tpl"
}
qps() { # NAME QUERIES [-D]
  dnsperf -s 127.0.0.1 -p "${PORT[$1]}" -d "$2" -l "$DURATION" -c 4 -q 200 ${3:-} 2>&1 |
    awk '/Queries per second/ { printf "%d", $4 }'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { echo "scale=3; $1 / $2" | bc; }
verdict() { [ "$(echo "$1" | bc)" = 1 ] && echo "target met" || echo "target NOT met"; }
# Alternating runs of two servers over one query file; sets MED[a], MED[b].
declare -A MED
duel() { # A B QUERIES FLAGS
  local r ra="" rb=""
  for r in $(seq 1 "$REPEAT"); do
    ra="$ra $(qps "$1" "$3" "$4")"
    rb="$rb $(qps "$2" "$3" "$4")"
  done
  MED[$1]=$(echo "$ra" | median) MED[$2]=$(echo "$rb" | median)
  echo "  runs $3 ${4:-no DO}: $1$ra; $2$rb" >&2
}

declare -A TABLE
for wk in $WORKERS; do
  start "static$wk" conf_static signed.zone "$wk"
  start "module$wk" conf_module "$wk"
  for mix in mixed positive missing; do
    duel "static$wk" "module$wk" "q-$mix.txt" -D
    TABLE[$mix,$wk]="${MED[static$wk]} ${MED[module$wk]}"
  done
  ANON[static$wk]=$(awk '/^RssAnon/ { print $2 }' "/proc/${PID[static$wk]}/status")
  ANON[module$wk]=$(awk '/^RssAnon/ { print $2 }' "/proc/${PID[module$wk]}/status")
  stop "static$wk"; stop "module$wk"
done
# The old comparison, 1 worker, mixed: unsigned data, with and without DO.
start ustatic conf_static unsigned.zone 1
start umodule conf_unsigned
duel ustatic umodule q-mixed.txt ""
OLD_NODO="${MED[ustatic]} ${MED[umodule]}"
duel ustatic umodule q-mixed.txt -D
OLD_DO="${MED[ustatic]} ${MED[umodule]}"
ANON[ustatic]=$(awk '/^RssAnon/ { print $2 }' "/proc/${PID[ustatic]}/status")
ANON[umodule]=$(awk '/^RssAnon/ { print $2 }' "/proc/${PID[umodule]}/status")
stop_all

row() { # LABEL STATIC MODULE TARGET-EXPR
  printf '%-34s %12s %12s %7s  %s\n' "$1" "$2" "$3" "$(ratio "$3" "$2")" "${4:+$(verdict "$4")}"
}
printf '\n%-34s %12s %12s %7s\n' "deployed (DNSSEC, DO queries)" "signed zone" "mod-mimi" "ratio"
for wk in $WORKERS; do
  for mix in mixed positive missing; do
    set -- ${TABLE[$mix,$wk]}
    case $mix in
      mixed) tgt="$2 >= 0.8 * $1" ;;
      positive) tgt="$2 >= 0.95 * $1" ;;
      *) tgt="" ;;
    esac
    row "qps, $mix, $wk UDP worker(s)" "$1" "$2" "$tgt"
  done
done
for wk in $WORKERS; do
  row "anon memory (KiB), $wk worker(s)" "${ANON[static$wk]}" "${ANON[module$wk]}" \
    "${ANON[module$wk]} <= 0.2 * ${ANON[static$wk]}"
done
wk=${WORKERS%% *}
row "start-up (s), $wk worker(s)" "${START[static$wk]}" "${START[module$wk]}" "${START[module$wk]} < 1"
printf '\n%-34s %12s %12s %7s\n' "old comparison (unsigned, 1 worker)" "zone" "mod-mimi" "ratio"
set -- $OLD_NODO; row "qps, mixed, no DO" "$1" "$2"
set -- $OLD_DO; row "qps, mixed, DO on unsigned data" "$1" "$2"
row "anon memory (KiB)" "${ANON[ustatic]}" "${ANON[umodule]}"
row "start-up (s)" "${START[ustatic]}" "${START[umodule]}"
