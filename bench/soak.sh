#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make soak (not a test: it prints a table and never fails on a finding).
#
# knotd with mod-mimi + mod-onlinesign as plugin-knot/knot-signed.conf.in
# configures them (a signed database) serving SOAK_USERS users (default
# 1,000,000) from LMDB, on 127.0.0.1, under dnsperf at full speed with DO
# for SOAK_SECONDS (default 300), while
#   - every second, `mimi-zonegen --format lmdb --update --sign` changes a batch of
#     users (a new account) and, in every other batch, deletes some
#     (`--delete`), the way a provider's user list changes all day;
#   - every 20 s, `knotc reload` (a new module instance on the same
#     database, with updates going on);
# once with 2 and once with 160 UDP worker threads (SOAK_WORKERS), the
# second past LMDB's default 126 reader slots.
#
# A checker asks kdig, every second: 20 users nobody changes (their TXT must
# be exactly the published one), the users of the last batch (their new
# account, or NXDOMAIN when deleted), and 5 names never published
# (NXDOMAIN). Reported per run: queries, qps, the rcodes dnsperf saw
# (SERVFAIL must be 0), wrong answers, whether knotd is still alive, knotd's
# RSS and data.mdb's size after warm-up and at the end (both should be flat).
#
#   bench/soak.sh [BUILDDIR]
set -euo pipefail
B=${1:-build}
N=${SOAK_USERS:-1000000}
SECONDS_RUN=${SOAK_SECONDS:-300}
WORKERS=${SOAK_WORKERS:-"2 160"}
BATCH=${SOAK_BATCH:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/$B/bin"
export MIMI_BIN="$BIN" MIMI_MODULE="$ROOT/$B/plugin-knot/mod-mimi.so"
W="$ROOT/$B/bench/soak"
. "$ROOT/tests/lib/knot.sh"
rm -rf "$W"
mkdir -p "$W"
cd "$W"
KPID=
CPIDS=()
cleanup() {
  for p in "${CPIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
  true
}
trap cleanup EXIT

echo "== soak: $N users, ${SECONDS_RUN}s per run, workers: $WORKERS, batches of $BATCH every second, reload every 20 s; $(nproc) CPUs"
echo "identifier,provider,account,preference,tags,service" > empty.csv
HALF=$(( N / 2 )) # users below HALF are never changed: the checker's reference
awk -v n="$N" 'BEGIN { print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < n; i++) printf "user%07d@example.com,chat.example.net,user%07d,10,,\n", i, i }' > users.csv
printf '$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster.example.com. 1 3600 900 1209600 300\n@ NS ns1.example.net.\n' > static.zone
# Owner names of identifiers, from the codec (mimi-lookup --explain).
owners() { # CSV -> "identifier owner" lines, in input order
  tail -n +2 "$1" | cut -d, -f1 | xargs "$BIN/mimi-lookup" --explain --json |
    python3 -c 'import json,sys
for i in json.load(sys.stdin)["identifiers"]:
    print(i["input"], i["queries"][0]["name"])'
}
# dnsperf's names: existing (both halves) and missing, 1 in 5 missing.
awk -v n="$N" 'BEGIN { srand(11); print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < 50000; i++) {
    if (i % 5 == 4) printf "missing%07d@example.com,x.example,x,,,\n", i;
    else printf "user%07d@example.com,x.example,x,,,\n", int(rand() * n) } }' > q.csv
"$BIN/mimi-zonegen" --origin example.com --ns ns1.example.net --serial 1 q.csv 2>/dev/null |
  awk '$4 == "TXT" { print $1, "TXT" }' > queries.txt
# The checker's fixed samples.
awk -v h="$HALF" 'BEGIN { srand(5); print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < 20; i++) { u = int(rand() * h); printf "user%07d@example.com,chat.example.net,user%07d,10,,\n", u, u }
  for (i = 0; i < 5; i++) printf "never%07d@example.com,x.example,x,,,\n", i }' > check.csv
owners check.csv > check.owners

txt_of() { # PORT OWNER -> the TXT's text, or the rcode name when there is none
  local out
  out=$(kdig @127.0.0.1 -p "$1" +time=2 +retry=1 +norec TXT "$2" 2>&1)
  case $out in
    *"status: NOERROR"*) sed -n 's/.*[[:space:]]TXT[[:space:]]*"\(.*\)"$/\1/p' <<< "$out" | head -n 1 ;;
    *"status: "*) sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<< "$out" | head -n 1 ;;
    *) echo "NO-ANSWER" ;;
  esac
}

rows=()
for WK in $WORKERS; do
  echo "== run: $WK UDP workers"
  rm -rf "k$WK"
  # The signed database, its keys in knotd's key store, the configuration
  # (tests/lib/knot.sh); updates sign with the template's zonegen arguments.
  knot_signed_prepare "$W/k$WK" example.com users.csv "$W/static.zone" "server.udp-workers=$WK" \
    "server.tcp-workers=1" "server.background-workers=1" 2>/dev/null
  DB=$KNOT_DB
  read -r -a SIGN <<< "$(knot_zonegen_args "$ROOT/plugin-knot/knot-signed.conf.in" "$W/k$WK")"
  port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
  knot_conf_template "$W/k$WK" "$port" "k$WK/knot.tpl" > "k$WK/knot.conf"
  knotd -c "k$WK/knot.conf" > "k$WK/knotd.out" 2>&1 &
  KPID=$!
  until [ -n "$(kdig @127.0.0.1 -p "$port" +short +time=1 +retry=0 SOA example.com 2>/dev/null)" ]; do
    kill -0 "$KPID" 2>/dev/null || { echo "soak: knotd did not start: $(cat "k$WK/knotd.out")" >&2; exit 1; }
    sleep 0.1
  done
  # Enough client sockets that every worker gets queries (knotd spreads
  # them by source port).
  clients=$(( WK * 2 < 8 ? 8 : WK * 2 > 256 ? 256 : WK * 2 ))
  dnsperf -s 127.0.0.1 -p "$port" -d queries.txt -l "$SECONDS_RUN" -c "$clients" -q 500 -D \
    > "dnsperf-$WK.txt" 2>&1 &
  CPIDS=($!)
  wrong=0 checked=0 batches=0 reloads=0 deleted=0 rss0= db0= t=0 wrongs="$W/wrong-$WK.txt"
  start=$SECONDS next_reload=20
  : > "$wrongs"
  while kill -0 "${CPIDS[0]}" 2>/dev/null; do
    sleep 1
    t=$(( SECONDS - start ))
    # A batch of the changing half: a new account for each; every other
    # batch also deletes its last 10 users.
    b=$(( batches + 1 ))
    awk -v h="$HALF" -v n="$N" -v k="$BATCH" -v b="$b" 'BEGIN { srand(b);
      print "identifier,provider,account,preference,tags,service";
      for (i = 0; i < k; i++) { u = h + int(rand() * (n - h)); printf "user%07d@example.com,chat.example.net,user%07d-v%d,10,,\n", u, u, b } }' > batch.csv
    out=$("$BIN/mimi-zonegen" --origin example.com --format lmdb --update "${SIGN[@]}" -o "$DB" batch.csv 2>&1) ||
      echo "$out" >> "update-$WK.err"
    expect_del=
    if [ $(( b % 2 )) -eq 0 ]; then
      { echo "identifier"; tail -n 10 batch.csv | cut -d, -f1; } > del.csv
      if out=$("$BIN/mimi-zonegen" --origin example.com --format lmdb --update "${SIGN[@]}" \
                 --delete del.csv -o "$DB" empty.csv 2>&1); then
        expect_del=$(tail -n +2 del.csv)
        deleted=$(( deleted + 10 ))
      else
        echo "$out" >> "update-$WK.err"
      fi
    fi
    batches=$b
    if [ "$t" -ge "$next_reload" ]; then
      next_reload=$(( next_reload + 20 ))
      knotc -c "k$WK/knot.conf" reload > /dev/null 2>&1 && reloads=$(( reloads + 1 ))
    fi
    if [ -z "$rss0" ] && [ "$t" -ge 30 ]; then
      rss0=$(awk '/^VmRSS/ { print $2 }' "/proc/$KPID/status" 2>/dev/null || echo 0)
      db0=$(stat -c %s "$DB/data.mdb")
    fi
    # The checker: fixed users, never-published names, the last batch.
    while read -r id owner; do
      got=$(txt_of "$port" "$owner")
      case $id in
        never*) want=NXDOMAIN ;;
        *) u=${id%@*}; want="v=MIMI1; e=chat.example.net; a=$u; p=10" ;;
      esac
      checked=$(( checked + 1 ))
      [ "$got" = "$want" ] || { wrong=$(( wrong + 1 )); echo "t=$t $id: got '$got', want '$want'" >> "$wrongs"; }
    done < check.owners
    { head -n 1 batch.csv; tail -n 5 batch.csv; } > last.csv
    owners last.csv | while read -r id owner; do
      got=$(txt_of "$port" "$owner")
      u=${id%@*}
      if grep -qx "$id" <<< "$expect_del"; then want=NXDOMAIN
      else want="v=MIMI1; e=chat.example.net; a=$u-v$b; p=10"; fi
      [ "$got" = "$want" ] || echo "t=$t $id: got '$got', want '$want'" >> "$wrongs"
      echo checked >> "$W/checked-$WK"
    done
  done
  alive=yes
  kill -0 "$KPID" 2>/dev/null || alive=NO
  rss1=$(awk '/^VmRSS/ { print $2 }' "/proc/$KPID/status" 2>/dev/null || echo 0)
  db1=$(stat -c %s "$DB/data.mdb")
  checked=$(( checked + $(wc -l < "$W/checked-$WK" 2>/dev/null || echo 0) ))
  # A checker query that got no answer at all (kdig timed out while dnsperf
  # saturates the machine) is counted apart from a wrong answer.
  unanswered=$(grep -c "got 'NO-ANSWER'" "$wrongs" || true)
  wrong=$(( $(wc -l < "$wrongs") - unanswered ))
  kill "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null || true
  KPID=
  d="dnsperf-$WK.txt"
  q=$(awk '/Queries completed/ { print $3 }' "$d")
  qps=$(awk '/Queries per second/ { printf "%d", $4 }' "$d")
  rc() { awk -v r="$1" 'BEGIN { v = 0 } /Response codes/ { for (i = 1; i <= NF; i++) if ($i == r) { v = $(i + 1); gsub(/,/, "", v) } } END { print v }' "$d"; }
  rows+=("$(printf '%-8s %9s %7s %9s %9s %8s %6s %10s %8s %7s %5s %14s %18s' "$WK" "${q:-?}" "${qps:-?}" \
    "$(rc NOERROR)" "$(rc NXDOMAIN)" "$(rc SERVFAIL)" "$wrong" "$unanswered" "$checked" "$reloads" "$alive" \
    "${rss0:-?}->$rss1" "${db0:-?}->$db1")")
  [ -s "update-$WK.err" ] && { echo "  update errors:"; sort "update-$WK.err" | uniq -c | head -5; }
  [ -s "$wrongs" ] && { echo "  wrong answers (first 5):"; head -n 5 "$wrongs"; }
done

echo
printf '%-8s %9s %7s %9s %9s %8s %6s %10s %8s %7s %5s %14s %18s\n' workers queries qps NOERROR \
  NXDOMAIN SERVFAIL wrong unanswered checked reloads alive "RSS KiB 30s->end" "data.mdb 30s->end"
printf '%s\n' "${rows[@]}"
