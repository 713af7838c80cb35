#!/usr/bin/env bash
# make bench: the resolver against raw libunbound and raw c-ares, on one
# generated signed zone served by knotd on 127.0.0.1 (tests/lib/knot.sh).
# Not a test: prints the table and whether each target is met; a missed
# target never fails. Speed is only ever judged here, as ratios against the
# baselines measured in the same run.
#
#   bash bench/run.sh [BUILD_DIR]      (BENCH_N=10000 BENCH_INFLIGHT=100)
#
# Targets (2-core machine): libmimi unbound backend (validating) >= 1.25x
# raw libunbound cold and >= 10x warm; libmimi c-ares backend >= 0.9x raw
# c-ares (cold and warm).
set -euo pipefail
B=${1:-build}
BIN=$B/bench
N=${BENCH_N:-10000}
INFLIGHT=${BENCH_INFLIGHT:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/lib/knot.sh"
T=$(mktemp -d)
trap 'knot_stop; rm -rf "$T"' EXIT

echo "== zone: $N handles in bench.example, signed (ECDSA P-256)"
bash "$HERE/mkzone.sh" "$T/zone" "$(cd "$BIN" && pwd)/names" "$N" > "$T/mkzone.log" 2>&1 ||
  { cat "$T/mkzone.log" >&2; exit 1; }
knot_start "$T/knot" "bench.example=$T/zone/bench.example.zone.signed"
echo "== knotd on 127.0.0.1@$KNOT_PORT; $N lookups, $INFLIGHT in flight, cold then warm"
Z=$T/zone
R=$T/results
: > "$R"
step() { # LABEL CMD... : run, keep RESULT lines, show the rest
  local label=$1 s e
  shift
  s=$(date +%s.%N)
  if ! "$@" > "$T/out" 2> "$T/err"; then
    echo "   $label: exited with an error:" >&2
    cat "$T/err" >&2
  fi
  e=$(date +%s.%N)
  grep '^#' "$T/out" | sed 's/^# /   /' || true
  grep '^RESULT' "$T/out" >> "$R" || true
  head -5 "$T/err" | sed 's/^/   stderr: /' || true
  printf '   (%s: %.1f s wall)\n' "$label" "$(echo "$e - $s" | bc)"
}
step raw-unbound "$BIN/base_unbound" "127.0.0.1@$KNOT_PORT" "$Z/ta.ds" "$Z/qnames" "$N" "$INFLIGHT"
step mimi-unbound "$BIN/bench_mimi" unbound "127.0.0.1@$KNOT_PORT" "$Z/ta.ds" "$Z/ids" "$N" "$INFLIGHT"
step raw-cares "$BIN/base_cares" "127.0.0.1:$KNOT_PORT" "$Z/qnames" "$N" "$INFLIGHT"
step mimi-cares "$BIN/bench_mimi" cares "127.0.0.1@$KNOT_PORT" "$Z/ta.ds" "$Z/ids" "$N" "$INFLIGHT"
knot_stop

echo
awk -v nproc="$(nproc)" '
  { impl=$2; ph=$3; k=impl "/" ph
    n[k]=$4; ok[k]=$5; lps[k]=$7; p50[k]=$8; p99[k]=$9; rss[k]=$10
    order[++m]=k }
  END {
    printf "%-13s %-5s %11s %11s %9s %9s %12s  %s\n", "impl", "cache",
           "ok/n", "lookups/s", "p50 ms", "p99 ms", "peak RSS MiB", "valid"
    for (i = 1; i <= m; i++) { k = order[i]; split(k, a, "/")
      printf "%-13s %-5s %5d/%-5d %11d %9.2f %9.2f %12.1f  %s\n", a[1], a[2],
             ok[k], n[k], lps[k], p50[k], p99[k], rss[k] / 1024,
             (ok[k] == n[k] ? "yes" : "INVALID (lookups failed)") }
    print ""
    printf "ratios (lookups/s, same run, %d cores):\n", nproc
    ratio("mimi-unbound", "raw-unbound", "cold", 1.25)
    ratio("mimi-unbound", "raw-unbound", "warm", 10)
    ratio("mimi-cares", "raw-cares", "cold", 0.9)
    ratio("mimi-cares", "raw-cares", "warm", 0.9)
  }
  function ratio(x, y, ph, target,   kx, ky, r) {
    kx = x "/" ph; ky = y "/" ph
    printf "  %-12s / %-11s %s: ", x, y, ph
    if (!(kx in n) || !(ky in n)) { print "missing run (see above)"; return }
    if (ok[kx] != n[kx] || ok[ky] != n[ky]) {
      print "invalid (a run had failed lookups)"; return }
    r = lps[kx] / lps[ky]
    printf "%6.2fx  (target >= %gx: %s)\n", r, target,
           (r >= target ? "target met" : "target NOT met")
  }' "$R"
