#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonegen's threads under ThreadSanitizer: rows in batches (with bad
# rows spread over them), the sort, NSEC3 hashing and signing, and the LMDB
# build, on more threads than CPUs. No data race may be reported, and the
# output must be what the plain build writes with one thread.
# Runs once (the rel pass); the asan pass is skipped (TSan is its own build).
set -u
. "$(dirname "$0")/../tap.sh"
B=${B:-build}
if [ "${MIMI_VARIANT:-rel}" = asan ]; then
  echo "ok 1 # skip the ThreadSanitizer build runs in the rel pass"
  echo "1..1"
  exit 0
fi
TS="$B/tsan/bin/mimi-zonegen"
G="$B/bin/mimi-zonegen"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TSAN_OPTIONS="halt_on_error=0 exitcode=66"

# 6000 rows: several batches; a bad row in three of them, an ENUM number.
awk 'BEGIN { print "identifier,provider,account,preference,tags,service"
  for (i = 1; i <= 6000; i++) {
    if (i % 1999 == 0) print "bad" i ",p.example,a,,,"
    else if (i == 3000) print "+15551234567,wa.example.net,x,,,"
    else printf "User%05d@example.com,chat.example.net,u%05d,%d,,\n", i, i, i % 3 } }' > "$T/u.csv"
COMMON="--origin example.com --ns ns1.example.net --enum-apex example.com --serial 1 --skip-bad"
TIMES="--inception 20261201000000 --expiration 20261231000000"

run_tsan() { # NAME ARGS...
  local name=$1 rc
  shift
  "$TS" "$@" > "$T/out" 2> "$T/err"; rc=$?
  if grep -q 'ThreadSanitizer' "$T/err"; then
    fail "$name: no ThreadSanitizer report" "$(grep -A12 'WARNING: ThreadSanitizer' "$T/err" | head -40)"
  else
    ok "$name: no ThreadSanitizer report"
  fi
  [ $rc -eq 3 ] && ok "$name: exit 3 (bad rows skipped)" || fail "$name: exit 3" "exit $rc" "$(tail -5 "$T/err")"
}

run_tsan "zone, 4 threads" $COMMON --threads 4 -o "$T/tsan.zone" "$T/u.csv"
"$G" $COMMON --threads 1 -o "$T/one.zone" "$T/u.csv" 2>/dev/null
cmp -s "$T/tsan.zone" "$T/one.zone" && ok "zone, 4 threads: as one thread writes it" \
  || fail "zone, 4 threads: as one thread writes it"
lines=$(sed -n 's|^'"$T"'/u.csv:\([0-9]*\):.*|\1|p' "$T/err" | tr '\n' ' ')
[ "$lines" = "2000 3999 5998 " ] && ok "zone, 4 threads: messages in line order" \
  || fail "zone, 4 threads: messages in line order" "got: $lines"

run_tsan "signed NSEC3, 4 threads" $COMMON --sign --nsec3 --keys "$T/keys" $TIMES --threads 4 \
  -o "$T/tsan.signed" "$T/u.csv"
"$G" $COMMON --sign --nsec3 --keys "$T/keys" $TIMES --threads 1 -o "$T/one.signed" "$T/u.csv" 2>/dev/null
# ECDSA signatures are randomised: compare all but the RRSIG records.
if cmp -s <(grep -v RRSIG "$T/tsan.signed") <(grep -v RRSIG "$T/one.signed") &&
   [ "$(grep -c RRSIG "$T/tsan.signed")" -eq "$(grep -c RRSIG "$T/one.signed")" ]; then
  ok "signed, 4 threads: as one thread writes it (but for the signatures)"
else
  fail "signed, 4 threads: as one thread writes it (but for the signatures)"
fi

run_tsan "LMDB, 4 threads" $COMMON --format lmdb --threads 4 -o "$T/db" "$T/u.csv"
n=$(mdb_stat -s rrsets "$T/db" 2>/dev/null | awk '/Entries:/ { print $2 }')
# 5996 handles, each also under its lower-case variant, and one number.
[ "$n" = 11993 ] && ok "LMDB, 4 threads: 11993 owner names" || fail "LMDB: 11993 owner names" "got '$n'"

done_testing
