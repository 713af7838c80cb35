#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark (not a test): knotd serving 1,000,000 users from a static zone
# file versus from mod-mimi's LMDB database, measured in the same run on
# loopback with dnsperf: 20,000 query names (80% existing, 20% missing),
# without and with DO, both servers up, runs alternating, medians compared.
# Prints qps, knotd memory and start-up time, and the
# ratios against the static zone (issue targets: qps >= 0.95x, memory
# <= 0.2x, start-up < 1 s). (CSV -> LMDB speed: make bench-zonegen.)
# Never fails on a missed target: it says so.
#
#   bench/bench_module.sh [BUILDDIR] [USERS]
set -euo pipefail
B=${1:-build}
N=${2:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/$B/bin"
MOD="$ROOT/$B/plugin-knot/mod-mimi.so"
W="$ROOT/$B/bench/mod_mimi"
DURATION=${BENCH_SECONDS:-5}
REPEAT=${BENCH_REPEAT:-3}
rm -rf "$W"
mkdir -p "$W"
cd "$W"

echo "mod-mimi benchmark: $N users, $REPEAT alternating ${DURATION}s dnsperf runs per server and mode (medians), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$N" 'BEGIN { print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < n; i++) printf "user%07d@example.com,chat.example.net,user%07d,10,,\n", i, i }' > users.csv
printf '$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster.example.com. 1 3600 900 1209600 300\n@ NS ns1.example.net.\n' > static.zone

"$BIN/mimi-zonegen" --origin example.com --format lmdb -o db users.csv 2>/dev/null
"$BIN/mimi-zonegen" --origin example.com --template static.zone --serial 1 -o full.zone users.csv 2>/dev/null

# Query names: owner names from the codec (via mimi-zonegen), 1 in 5 missing.
awk -v n="$N" 'BEGIN { srand(7); print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < 20000; i++) {
    if (i % 5 == 4) printf "missing%07d@example.com,x.example,x,,,\n", i;
    else printf "user%07d@example.com,x.example,x,,,\n", int(rand() * n) } }' > q.csv
"$BIN/mimi-zonegen" --origin example.com --ns ns1.example.net --serial 1 q.csv 2>/dev/null |
  awk '$4 == "TXT" { print $1, "TXT" }' > queries.txt

conf() { # DIR PORT MODULE?
  cat <<EOF
server:
  rundir: "$1/run"
  listen: 127.0.0.1@$2
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
database:
  storage: "$1/db"
log:
  - target: "$1/knotd.log"
    any: info
EOF
  if [ "$3" = module ]; then
    printf 'module:\n  - id: mod-mimi\n    file: "%s"\nmod-mimi:\n  - id: users\n    database: "%s/db"\n' "$MOD" "$W"
  fi
  cat <<EOF
template:
  - id: default
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: example.com
EOF
  if [ "$3" = module ]; then
    printf '    file: "%s/static.zone"\n    module: mod-mimi/users\n' "$W"
  else
    printf '    file: "%s/full.zone"\n' "$W"
  fi
}

declare -A QPS QPSDO ANON FILEKB START PORT PID
# Start one knotd (static zone or module), time its start-up. Both stay up
# for the dnsperf runs below, which alternate between them.
start() { # NAME MODE
  local name=$1 mode=$2 dir="$W/k-$1" port t0 t1
  port=$(( 20000 + RANDOM % 30000 ))
  mkdir -p "$dir/run" "$dir/db"
  conf "$dir" "$port" "$mode" > "$dir/knot.conf"
  t0=$(date +%s.%N)
  knotd -c "$dir/knot.conf" > /dev/null 2>&1 &
  PID[$name]=$!
  until grep -q "loaded, serial" "$dir/knotd.log" 2>/dev/null; do sleep 0.01; done
  until [ -n "$(kdig @127.0.0.1 -p "$port" +short +time=1 +retry=0 SOA example.com 2>/dev/null)" ]; do sleep 0.01; done
  t1=$(date +%s.%N)
  START[$name]=$(echo "$t1 - $t0" | bc)
  PORT[$name]=$port
}
qps() { # NAME [-D]
  dnsperf -s 127.0.0.1 -p "${PORT[$1]}" -d queries.txt -l "$DURATION" -c 4 -q 200 ${2:-} 2>&1 |
    awk '/Queries per second/ { printf "%d", $4 }'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
stop_all() { for p in "${PID[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PID=(); }
trap stop_all EXIT
start static static
start module module
# One server at a time is queried; the other idles. Runs alternate so that
# a change in the machine's load hits both alike; the medians are compared.
declare -A RUNS RUNSDO
for r in $(seq 1 "$REPEAT"); do
  for name in static module; do
    RUNS[$name]="${RUNS[$name]:-} $(qps "$name")"
    RUNSDO[$name]="${RUNSDO[$name]:-} $(qps "$name" -D)"
  done
done
for name in static module; do
  QPS[$name]=$(echo "${RUNS[$name]}" | median)
  QPSDO[$name]=$(echo "${RUNSDO[$name]}" | median)
  ANON[$name]=$(awk '/^RssAnon/ { print $2 }' "/proc/${PID[$name]}/status")
  FILEKB[$name]=$(awk '/^RssFile/ { print $2 }' "/proc/${PID[$name]}/status")
done
stop_all
echo "qps runs (no DO / DO): static${RUNS[static]} /${RUNSDO[static]}; module${RUNS[module]} /${RUNSDO[module]}"

ratio() { echo "scale=3; $1 / $2" | bc; }
verdict() { [ "$(echo "$1" | bc)" = 1 ] && echo "target met" || echo "target NOT met"; }
printf '\n%-28s %14s %14s %8s\n' "" "static zone" "mod-mimi" "ratio"
printf '%-28s %14s %14s %8s  %s\n' "qps, no DO" "${QPS[static]}" "${QPS[module]}" \
  "$(ratio "${QPS[module]}" "${QPS[static]}")" "$(verdict "${QPS[module]} >= 0.95 * ${QPS[static]}")"
printf '%-28s %14s %14s %8s  %s\n' "qps, DO" "${QPSDO[static]}" "${QPSDO[module]}" \
  "$(ratio "${QPSDO[module]}" "${QPSDO[static]}")" "$(verdict "${QPSDO[module]} >= 0.95 * ${QPSDO[static]}")"
printf '%-28s %14s %14s %8s  %s\n' "knotd memory, anon (KiB)" "${ANON[static]}" "${ANON[module]}" \
  "$(ratio "${ANON[module]}" "${ANON[static]}")" "$(verdict "${ANON[module]} <= 0.2 * ${ANON[static]}")"
printf '%-28s %14s %14s %8s  %s\n' "  + file pages (KiB)" "${FILEKB[static]}" "${FILEKB[module]}" \
  "$(ratio "$(( ${ANON[module]} + ${FILEKB[module]} ))" "$(( ${ANON[static]} + ${FILEKB[static]} ))")" \
  "(RSS incl. the mapped database)"
printf '%-28s %14s %14s %8s  %s\n' "start-up (s)" "${START[static]}" "${START[module]}" \
  "$(ratio "${START[module]}" "${START[static]}")" "$(verdict "${START[module]} < 1")"
