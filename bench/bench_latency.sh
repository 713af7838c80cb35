#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench-latency (issue 15; a benchmark, not a test): cold single
# lookups over a network where each round trip (RTT) to the resolver costs
# BENCH_RTT_MS (default 50 ms), counted in RTTs and queries, beside the
# floor (the depth of the lookup's dependency graph), delv and a raw
# libunbound lookup of the same TXT.
#
# A signed hierarchy served by one knotd on loopback: a fake root ".",
# the TLD "bench.", leaves users.bench (handles), e164.bench (ENUM apex),
# prov.bench (providers: A/AAAA only; SVCB ServiceMode to another target;
# an AliasMode chain). bench/delay_proxy.py answers every query one RTT
# after it came in (knotd's time is part of the round trip, not added to
# it) and logs every query that goes through it. Two paths:
#   zone anchors   mimi-lookup -> proxy -> knotd, trust anchors = the DS
#                  of the leaf zones (as the tests use them)
#   root anchor    mimi-lookup -> proxy -> a local validating unbound
#                  (warmed first) -> knotd, trust anchor = the root's DS:
#                  the way clients deploy
# Each lookup runs in a new process (cold). Prints a table; never fails on
# a missed target. Needs the unbound daemon (installed if missing).
#   BENCH_RTT_MS=50 BENCH_REPS=3
#   BENCH_ONLY=REGEX   only the shapes whose label matches
#   BENCH_LOGS=DIR     keep the proxies' query logs there (what went on the
#                      wire, when: for finding where a round trip went)
set -euo pipefail
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
L=$ROOT/$B/bin/mimi-lookup
RTT=${BENCH_RTT_MS:-50}
REPS=${BENCH_REPS:-3}
T=$(mktemp -d)
PIDS=()
. "$ROOT/tests/lib/knot.sh"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  knot_stop
  if [ -n "${BENCH_LOGS:-}" ]; then mkdir -p "$BENCH_LOGS" && cp "$T"/*.log "$BENCH_LOGS"/ 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT

if ! command -v unbound >/dev/null; then
  echo "bench-latency: installing the unbound daemon (not started as a service)"
  # No service start on install: the benchmark runs its own, on a high port.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends unbound >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# ---- zones -----------------------------------------------------------------
cd "$T"
NOW=$(date -u +%s)
INC=$(date -u -d "@$((NOW - 3600))" +%Y%m%d%H%M%S)
EXP=$(date -u -d "@$((NOW + 7 * 86400))" +%Y%m%d%H%M%S)
soa() { printf '$ORIGIN %s\n$TTL 3600\n@ SOA ns.bench. h.bench. 1 3600 600 86400 300\n@ NS ns.bench.\n' "$1"; }
key() { ldns-keygen -a ECDSAP256SHA256 -k "$1"; }
ds() { ldns-key2ds -n -2 "$1.key"; }
sign() { ldns-signzone -i "$INC" -e "$EXP" -f "$1.signed" "$1" "$2"; }
owner() { "$L" --explain --json --enum-apex e164.bench "$1" | grep -o '"queries":\[{"name":"[^"]*"' | cut -d'"' -f6; }

soa users.bench. > users.zone
printf '%s TXT "v=MIMI1; e=a.prov.bench; a=alice"\n' "$(owner alice@users.bench)" >> users.zone
printf '%s TXT "v=MIMI1; e=s.prov.bench; a=bob"\n' "$(owner bob@users.bench)" >> users.zone
printf '%s TXT "v=MIMI1; e=al.prov.bench; a=carol"\n' "$(owner carol@users.bench)" >> users.zone
soa e164.bench. > e164.zone
printf '%s TXT "v=MIMI1; e=a.prov.bench; a=%%2B15551234567"\n' "$(owner +15551234567)" >> e164.zone
soa prov.bench. > prov.zone
cat >> prov.zone <<'Z'
a A 127.0.0.1
a AAAA ::1
_443._tcp.a TLSA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
_mimi.s SVCB 1 t1.prov.bench. alpn=h2 port=8443 ipv4hint=127.0.0.1
t1 A 127.0.0.1
_8443._tcp.t1 TLSA 3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
_mimi.al SVCB 0 _mimi.al2.prov.bench.
_mimi.al2 SVCB 0 _mimi.s.prov.bench.
Z
for z in users e164 prov; do
  k=$(key "$z.bench."); sign "$z.zone" "$k"; ds "$k" >> leaf.ds
done
soa bench. > bench.zone
echo "ns A 127.0.0.1" >> bench.zone
for z in users e164 prov; do echo "$z NS ns.bench." >> bench.zone; done
cat leaf.ds >> bench.zone
k=$(key bench.); sign bench.zone "$k"; ds "$k" > bench.ds
soa . > root.zone
printf 'bench. NS ns.bench.\nns.bench. A 127.0.0.1\n' >> root.zone
cat bench.ds >> root.zone
k=$(key .); sign root.zone "$k"; ds "$k" > root.ds
cd - >/dev/null

knot_start "$T/knot" ".=$T/root.zone.signed" "bench.=$T/bench.zone.signed" \
  "users.bench.=$T/users.zone.signed" "e164.bench.=$T/e164.zone.signed" \
  "prov.bench.=$T/prov.zone.signed"

# ---- the validating recursive resolver (root anchor) --------------------------
cat > "$T/unbound.conf" <<EOF
server:
  interface: 127.0.0.1
  port: 0
  username: ""
  chroot: ""
  directory: "$T"
  pidfile: "$T/unbound.pid"
  logfile: "$T/unbound.log"
  use-syslog: no
  do-not-query-localhost: no
  trust-anchor-file: "$T/root.ds"
  trust-anchor-signaling: no
  root-key-sentinel: no
  qname-minimisation: no
  num-threads: 1
stub-zone:
  name: "."
  stub-addr: 127.0.0.1@$KNOT_PORT
EOF
# Every zone below the root is delegated to ns.bench. (127.0.0.1, port 53,
# where nothing listens): once unbound had the delegation cached it sent
# there and answered SERVFAIL (a DS at an empty non-terminal, such as
# al.prov.bench, every time), and libunbound retried those in the lookups
# measured. One stub per zone sends it to knotd, as the delegation would.
for z in bench. users.bench. e164.bench. prov.bench.; do
  printf 'stub-zone:\n  name: "%s"\n  stub-addr: 127.0.0.1@%s\n' "$z" "$KNOT_PORT" >> "$T/unbound.conf"
done
UB_PORT=
for try in 1 2 3 4 5; do
  p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
  sed -i "s/^  port: .*/  port: $p/" "$T/unbound.conf"
  unbound -d -c "$T/unbound.conf" 2>>"$T/unbound.log" &
  up=$!
  for i in $(seq 1 50); do
    kill -0 "$up" 2>/dev/null || break
    if kdig @127.0.0.1 -p "$p" +time=1 +retry=0 +short SOA . >/dev/null 2>&1; then UB_PORT=$p; break; fi
    sleep 0.1
  done
  if [ -n "$UB_PORT" ]; then PIDS+=("$up"); break; fi
  kill "$up" 2>/dev/null || true; wait "$up" 2>/dev/null || true
done
[ -n "$UB_PORT" ] || { echo "bench-latency: unbound did not start; see $T/unbound.log" >&2; exit 1; }

proxy() { # UPSTREAM_PORT NAME -> sets PROXY_PORT, log $T/NAME.log
  rm -f "$T/$2.port"
  : > "$T/$2.log"
  python3 "$ROOT/bench/delay_proxy.py" "$1" "$RTT" "$T/$2.log" "$T/$2.port" &
  PIDS+=($!)
  for i in $(seq 1 50); do [ -s "$T/$2.port" ] && break; sleep 0.1; done
  PROXY_PORT=$(cat "$T/$2.port")
}
proxy "$KNOT_PORT" zone; PZ=$PROXY_PORT
proxy "$UB_PORT" root; PR=$PROXY_PORT

# ---- measurements ------------------------------------------------------------
now_ms() { date +%s%3N; }
# run LOGNAME CMD...: of REPS cold runs, the median of: the network time in
# RTTs (from the first query to the last answer, as the proxy saw them:
# process start-up is not the network's), the wall time in RTTs, queries.
run() {
  local log=$T/$1.log t0 t1 n0 n1 net=() ms=() qs=() ok=1
  shift
  for r in $(seq 1 "$REPS"); do
    n0=$(wc -l < "$log"); t0=$(now_ms)
    "$@" > "$T/out" 2>&1 || { ok=0; [ -z "${BENCH_SHOW_FAILURES:-}" ] || { echo "failed: $*"; tail -n 5 "$T/out"; } >&2; }
    t1=$(now_ms); sleep 0.2; n1=$(wc -l < "$log")
    ms+=($(( t1 - t0 ))); qs+=($(( n1 - n0 )))
    net+=($(sed -n "$((n0 + 1)),${n1}p" "$log" | awk -v rtt="$RTT" \
      'NR == 1 { f = $1 } { l = $1 } END { printf "%d", NR ? (l - f + rtt) * 100 / rtt : 0 }'))
  done
  med() { printf '%s\n' "$@" | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"; }
  MS=$(med "${ms[@]}"); Q=$(med "${qs[@]}"); NET=$(med "${net[@]}")
  OK=$ok
}
row() { # LABEL FLOOR [SEQ_NET SEQ_Q]: with the --sequential run beside it
  local seq="" ratio=""
  if [ -n "${3:-}" ]; then
    seq="$(echo "scale=2; $3 / 100" | bc) ($4)"
    ratio=$(echo "scale=2; $Q / $4" | bc)
  fi
  printf '| %-48s | %7s | %5s | %3s | %12s | %5s | %5s |%s\n' "$1" "$(echo "scale=2; $NET / 100" | bc)" \
    "$(echo "scale=1; $MS / $RTT" | bc)" "$Q" "$seq" "$ratio" "$2" "$([ "$OK" = 1 ] || echo ' (failed)')"
}
lookup() { # PORT TA ID [ARGS]
  local p=$1 ta=$2 id=$3
  shift 3
  "$L" --server "127.0.0.1@$p" --trust-anchor "$ta" --dnssec require \
    --enum-apex e164.bench --timeout 10000 "$@" "$id"
}
SHAPES=("handle, provider with only A/AAAA|alice@users.bench|2|"
        "handle, provider with SVCB ServiceMode|bob@users.bench|3|"
        "phone number, --no-endpoints|+15551234567|1|--no-endpoints"
        "mimi:// URI with endpoints|mimi://a.prov.bench/u/x|1|"
        "handle, provider behind 2 AliasMode steps|carol@users.bench|5|")

delv_ta() { # DS file -> delv anchor file
  echo "trust-anchors {"
  while read -r name ttl cls t tag alg dt hex; do
    [ "$t" = DS ] || continue
    echo "  \"$name\" static-ds $tag $alg $dt \"$hex\";"
  done < "$1"
  echo "};"
}
delv_ta "$T/leaf.ds" > "$T/leaf.delv"
delv_ta "$T/root.ds" > "$T/root.delv"
owner alice@users.bench > "$T/alice.q"

echo "== bench-latency: $RTT ms per round trip, median of $REPS cold lookups each"
for mode in zone root; do
  if [ $mode = zone ]; then
    P=$PZ TA=$T/leaf.ds DV=$T/leaf.delv DROOT=users.bench.
    echo; echo "zone-level trust anchors (DS of users/e164/prov.bench), knotd behind the proxy:"
  else
    P=$PR TA=$T/root.ds DV=$T/root.delv DROOT=.
    # Warm the recursive resolver (directly, not through the proxy).
    for s in "${SHAPES[@]}"; do
      IFS='|' read -r _ id _ args <<< "$s"
      lookup "$UB_PORT" "$TA" "$id" $args >/dev/null 2>&1 || true
    done
    echo; echo "root trust anchor, through a warm validating unbound behind the proxy:"
  fi
  printf '| %-48s | %7s | %5s | %3s | %12s | %5s | %5s |\n' "lookup (RTTs)" network wall qry \
    "--sequential" "qry ×" floor
  printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..50})" "---------" "-------" "-----" \
    "--------------" "-------" "-------"
  for s in "${SHAPES[@]}"; do
    IFS='|' read -r label id floor args <<< "$s"
    [[ "$label" =~ ${BENCH_ONLY:-.} ]] || continue
    # One after the other (the plan's order), then all at once (default).
    run $mode lookup "$P" "$TA" "$id" $args --sequential
    sn=$NET sq=$Q
    run $mode lookup "$P" "$TA" "$id" $args
    row "$label" "$floor" "$sn" "$sq"
  done
  run $mode delv @127.0.0.1 -p "$P" -a "$DV" +root="$DROOT" TXT "$(cat "$T/alice.q")"
  row "delv: the handle's TXT alone" 1
  if [ -x "$ROOT/$B/bench/base_unbound" ]; then
    run $mode "$ROOT/$B/bench/base_unbound" "127.0.0.1@$P" "$TA" "$T/alice.q" 1 1
    row "raw libunbound: the TXT alone (cold, then warm)" 1
  fi
done
