#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark (not a test), issue 17: publishing changes to a primary and two
# secondaries. N users (default 1,000,000; BENCH_USERS=100000 for a quick
# run), then C changes (BENCH_CHANGES, default 10,000: changed providers,
# a tenth of them deletions), measured in the same run on loopback:
#   incremental: mimi-zonegen --send-update (TSIG) to a knotd primary that
#     signs (NSEC3); NOTIFY and IXFR to the secondaries;
#   full path:   mimi-zonegen regenerates the whole signed zone, the primary
#     (serving signed zone files) reloads it, the secondaries transfer it.
# BENCH_PIPELINE (default 32): --pipeline of the incremental path.
# Prints changes/s at the primary, the time until both secondaries serve
# the last change, IXFR bytes against a full AXFR, and the ratios (issue 17
# targets: propagation <= 0.1x the full path, IXFR <= 5% of AXFR). Never
# fails on a missed target: it says so.
#
#   bench/bench_publish.sh [BUILDDIR]
set -euo pipefail
B=${1:-build}
N=${BENCH_USERS:-1000000}
C=${BENCH_CHANGES:-10000}
PIPE=${BENCH_PIPELINE:-32} # transactions in flight (mimi-zonegen --pipeline)
[ "$C" -le $((N / 2)) ] || C=$((N / 2))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
G="$ROOT/$B/bin/mimi-zonegen"
LIB="$ROOT/tests/lib"
W="$ROOT/$B/bench/publish"
. "$LIB/knot.sh"
. "$LIB/knot-fleet.sh"
trap knot_stop_all EXIT
rm -rf --one-file-system "$W"
mkdir -p "$W"
cd "$W"
Z=example.com
SECRET=$(head -c 32 /dev/urandom | base64)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
serial() { kdig @127.0.0.1 -p "$1" +time=5 +retry=2 +short SOA $Z 2>/dev/null | awk '{print $3}'; }
# wait_serial PORT SERIAL SECONDS: until PORT serves SERIAL (or later).
wait_serial() {
  local s i
  for i in $(seq 1 $(( $3 * 10 ))); do
    s=$(serial "$1")
    [ -n "$s" ] && [ "$s" -ge "$2" ] && return 0
    sleep 0.1
  done
  echo "bench: port $1 did not reach serial $2 in $3 s (has '$s')" >&2
  return 1
}
xfr_bytes() { # PORT TYPE: octets received by kdig for a transfer
  kdig @127.0.0.1 -p "$1" +noall +stats $2 $Z 2>&1 | awk '/Received/ { v = $3 } END { print v }'
}

echo "publish benchmark: $N users, $C changes, $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v n="$N" 'BEGIN { print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < n; i++) printf "user%07d@example.com,chat.example.net,user%07d,10,,\n", i, i }' > users.csv
# The changes: every (N/C)th user; 1 in 10 deleted, the others moved.
step=$((N / C))
awk -F, -v s="$step" 'NR == 1 { print > "changes.csv"; print "identifier" > "deletes.csv"; print; next }
  { i = NR - 2
    if (i % s || i / s >= '"$C"') { print; next }
    if ((i / s) % 10 == 9) { print $1 > "deletes.csv"; next }
    $2 = "new.example.net"; line = $1 "," $2 "," $3 "," $4 ",,"
    print line > "changes.csv"; print line }' OFS=, users.csv > users2.csv
nchg=$(( $(wc -l < changes.csv) - 1 )); ndel=$(( $(wc -l < deletes.csv) - 1 ))
printf '$ORIGIN %s.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster.example.com. 1 3600 900 1209600 300\n@ NS ns1.example.net.\n' $Z > static.zone

sec_tpl() { sed -e "s|@PRIMARY@|$1|" -e "s|@ZONE@|$Z|g" "$LIB/knot-secondary.conf.in" > "$2"; }
start_fleet() { # PREFIX PRIMARY-TEMPLATE: primary, then two secondaries
  # The secondaries' ports are chosen first, for the primary's NOTIFY (a
  # configuration reload of a million-name primary would re-check its zone).
  local p=$1 q1=$(( 20000 + RANDOM % 20000 )) q2=$(( 40000 + RANDOM % 20000 ))
  sed -e "s|127.0.0.1@1\$|127.0.0.1@$q1|" -e "s|127.0.0.1@2\$|127.0.0.1@$q2|" "$2" > "$W/$p-p.tpl"
  knot_start_long "$W/$p-p" "$W/$p-p.tpl" 600; knot_keep "${p}P"
  local pp=${p}P_PORT
  wait_serial "${!pp}" 1 900
  sec_tpl "${!pp}" "$W/$p-S1.tpl"; knot_start_long "$W/$p-S1" "$W/$p-S1.tpl" 60 $q1; knot_keep "${p}S1"
  sec_tpl "${!pp}" "$W/$p-S2.tpl"; knot_start_long "$W/$p-S2" "$W/$p-S2.tpl" 60 $q2; knot_keep "${p}S2"
  local ps; ps=$(serial "${!pp}")
  wait_serial $q1 "$ps" 900; wait_serial $q2 "$ps" 900
  sleep 5 # the primary's events after the transfers (NOTIFY, timers)
}

# ---- full path: regenerate the signed zone, reload, transfer (AXFR) ----------
"$G" --origin $Z --template static.zone --sign --nsec3 --keys keys --serial 10 -o full.zone users.csv 2>/dev/null
sed -e "s|@SECRET@|$SECRET|" -e "s|@ZONE@|$Z|g" -e "s|@ZONEFILE@|$W/full.zone|" \
    -e "s|@SEC1@|1|" -e "s|@SEC2@|2|" -e 's|dnssec-signing: on|dnssec-signing: off|' \
    -e 's|journal-content: all|journal-content: none|' \
    -e 's|zonefile-load: difference-no-serial|zonefile-load: whole|' \
    -e 's|serial-policy: unixtime|serial-policy: increment|' \
    "$LIB/knot-primary.conf.in" > full-primary.tpl
echo "full path: starting a primary serving the signed zone file and two secondaries..."
start_fleet F "$W/full-primary.tpl"
axfr=$(xfr_bytes "$FP_PORT" AXFR)
t0=$(now)
"$G" --origin $Z --template static.zone --sign --nsec3 --keys keys --serial 20 -q -o full.zone users2.csv
t_gen=$(since "$t0")
knotc -c "$FP_DIR/knot.conf" -t 600 zone-reload $Z > /dev/null
wait_serial "$FP_PORT" 20 900
t_reload=$(since "$t0")
wait_serial "$FS1_PORT" 20 900; wait_serial "$FS2_PORT" 20 900
t_full=$(since "$t0")
knot_stop_all

# ---- incremental: --send-update to a signing primary, IXFR ------------------
"$G" --origin $Z --template static.zone --serial 1 -o zone users.csv 2>/dev/null
sed -e "s|@SECRET@|$SECRET|" -e "s|@ZONE@|$Z|g" -e "s|@ZONEFILE@|$W/zone|" \
    -e "s|@SEC1@|1|" -e "s|@SEC2@|2|" "$LIB/knot-primary.conf.in" > primary.tpl
echo "incremental: starting a signing primary (NSEC3) and two secondaries..."
start_fleet I "$W/primary.tpl"
s0=$(serial "$IP_PORT")
# The transfers the secondary receives from here on are the change's.
log0=$(wc -l < "$IS1_DIR/knotd.log")
plog0=$(wc -l < "$IP_DIR/knotd.log")
t0=$(now)
"$G" --origin $Z --send-update "127.0.0.1@$IP_PORT" --tsig "mimi-update:$SECRET" \
  --pipeline "$PIPE" --delete deletes.csv changes.csv 2> send.log
t_send=$(since "$t0")
ntxn=$(sed -n 's/.* applied \([0-9]*\) transaction.*/\1/p' send.log)
# The primary's signing passes: knotd takes the updates queued as one.
passes=$(tail -n +$((plog0 + 1)) "$IP_DIR/knotd.log" | grep -c "DDNS, finished" || true)
s1=$(serial "$IP_PORT")
wait_serial "$IS1_PORT" "$s1" 900; wait_serial "$IS2_PORT" "$s1" 900
t_inc=$(since "$t0")
# Octets a secondary received for the change (knotd logs each IXFR; a
# client's IXFR from s0 may get AXFR once the journal merged its history).
ixfr=$(tail -n +$((log0 + 1)) "$IS1_DIR/knotd.log" |
  awk '/XFR, incoming.*finished/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^bytes/) s += $i }
       END { print s + 0 }')
axfr_i=$(xfr_bytes "$IP_PORT" AXFR)
n_axfr=$(tail -n +$((log0 + 1)) "$IS1_DIR/knotd.log" | grep -c "AXFR, incoming" || true)
[ "$n_axfr" -eq 0 ] && via=IXFR || via="AXFR seen"
rss() { ps -o rss= -p "$1" | awk '{ printf "%.0f", $1 / 1024 }'; }
rss_p=$(rss "$IP_PID"); rss_s=$(rss "$IS1_PID")
knot_stop_all
# What a mod-mimi node holds instead: the LMDB database (mapped, shared).
"$G" --origin $Z --format lmdb -q -o db users.csv
lmdb_mb=$(du -sm db | awk '{print $1}')

rate=$(awk -v c=$((nchg + ndel)) -v t="$t_send" 'BEGIN { printf "%.0f", c / t }')
r_time=$(awk -v a="$t_inc" -v b="$t_full" 'BEGIN { printf "%.3f", a / b }')
r_bytes=$(awk -v a="$ixfr" -v b="$axfr_i" 'BEGIN { printf "%.4f", a / b }')
printf '\n%-52s %12s\n' "measure ($N users, $nchg changed + $ndel deleted)" value
printf '%-52s %12s\n' "incremental: changes/s applied at the primary" "$rate"
printf '%-52s %11ss\n' "incremental: --send-update until the primary answered" "$t_send"
printf '%-52s %12s\n' "incremental: transactions (--pipeline $PIPE) / passes" "$ntxn / $passes"
printf '%-52s %11ss\n' "incremental: until both secondaries serve it ($via)" "$t_inc"
printf '%-52s %11ss\n' "full path: regenerate the signed zone" "$t_gen"
printf '%-52s %11ss\n' "full path: + reload on the primary" "$t_reload"
printf '%-52s %11ss\n' "full path: until both secondaries serve it (AXFR)" "$t_full"
printf '%-52s %12s\n' "IXFR octets received by a secondary for the change" "$ixfr"
printf '%-52s %12s\n' "AXFR octets (signing primary; static: $axfr)" "$axfr_i"
printf '%-52s %10sMiB\n' "RSS: signing primary (knotd)" "$rss_p"
printf '%-52s %10sMiB\n' "RSS: secondary (knotd, signed zone)" "$rss_s"
printf '%-52s %10sMiB\n' "mod-mimi database for the same users (du)" "$lmdb_mb"
printf '%-52s %12s  (target <= 0.1: %s)\n' "ratio propagation incremental / full" "$r_time" \
  "$(awk -v r="$r_time" 'BEGIN { print (r <= 0.1) ? "met" : "MISSED" }')"
printf '%-52s %12s  (target <= 0.05: %s)\n' "ratio IXFR / AXFR octets" "$r_bytes" \
  "$(awk -v r="$r_bytes" 'BEGIN { print (r <= 0.05) ? "met" : "MISSED" }')"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
