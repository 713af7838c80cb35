#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mod-mimi in a real knotd: the same CSV served from LMDB by the module and
# from mimi-zonegen's zone file must give the same answers; with
# mod-onlinesign the answers validate and the zone cannot be walked; live
# updates, reloads, bad databases, hostile names; a run under valgrind.
# The module is built once (not per sanitizer variant): the asan variant
# of this test is skipped.
set -u
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lib/knot.sh"
B=${B:-build}
BIN=${MIMI_BIN:-$B/bin}
if [ "${MIMI_VARIANT:-rel}" = asan ]; then
  echo "ok 1 # skip the module is not a sanitizer build; see the rel run"
  echo "1..1"
  exit 0
fi
MOD=$(cd "$B/plugin-knot" && pwd)/mod-mimi.so
G="$BIN/mimi-zonegen"
L="$BIN/mimi-lookup"
T=$(mktemp -d)
PIDS=()
cleanup() {
  knot_stop
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
HDR="identifier,provider,account,preference,tags,service"

cat > "$T/users.csv" <<EOF
$HDR
alice@example.com,chat.example.com,alice,10,personal,examplechat
alice@example.com,talk.example.com,alice.w,20,,
Bob@example.com,chat.example.com,bob,,,
dom.example.com,chat.example.com,dom.example.com,,,
zoe.example.com,chat.example.com,zoe.example.com,,,
carol@example.com,,,,,
EOF
cat > "$T/phones.csv" <<EOF
$HDR
+15551234567,chat.example.com,+15551234567,20,business,
+442079460148,chat.example.com,+442079460148,,,
EOF
cat > "$T/static-com.zone" <<'EOF'
$ORIGIN example.com.
$TTL 3600
@ SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300
@ NS ns1.example.com.
ns1 A 127.0.0.1
_mimi.chat SVCB 1 chat.example.com. alpn=h2 port=8443
chat A 192.0.2.10
EOF
cat > "$T/static-arpa.zone" <<'EOF'
$ORIGIN e164.arpa.
$TTL 3600
@ SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300
@ NS ns1.example.com.
EOF
"$G" --origin example.com --format lmdb -o "$T/db-com" "$T/users.csv" 2>/dev/null &&
"$G" --origin e164.arpa --naptr --format lmdb -o "$T/db-arpa" "$T/phones.csv" 2>/dev/null &&
"$G" --origin example.com --template "$T/static-com.zone" --serial 1 -o "$T/full-com.zone" "$T/users.csv" 2>/dev/null &&
"$G" --origin e164.arpa --naptr --template "$T/static-arpa.zone" --serial 1 -o "$T/full-arpa.zone" "$T/phones.csv" 2>/dev/null \
  && ok "databases and zone files generated from the same CSV" || fail "generation"

# conf: module instances com and arpa (tests/lib/knot-mimi-two.conf.in).
write_conf() { # FILE DB-COM [DB-ARPA]
  knot_render "$(dirname "$0")/../lib/knot-mimi-two.conf.in" "MODULE=$MOD" "DB_COM=$2" \
    "DB_ARPA=${3:-$T/db-arpa}" "ZONEFILE_COM=$T/static-com.zone" \
    "ZONEFILE_ARPA=$T/static-arpa.zone" "server.user=$(id -un):$(id -gn)" > "$1"
}

# ---- configuration checks (knotc conf-check runs the module's checks) ----------
# Only a configuration error is refused: a missing, corrupt or foreign
# database is a state of the files, answered with SERVFAIL (below).
conf_check() { # DB-COM
  write_conf "$T/check.tpl" "$1"
  knot_conf_template "$T/chk" 5353 "$T/check.tpl" > "$T/check.conf"
  knotc -c "$T/check.conf" conf-check 2>&1
}
out=$(conf_check ""); rc=$?
[ $rc -ne 0 ] && expect_contains "$out" "empty database path" "conf-check refuses an empty database path" \
  || fail "conf-check empty path" "exit $rc" "$out"
expect_contains "$out" "item 'database'" "conf-check names the item"
conf_check "$T/db-com" >/dev/null
grep -v "database: \"$T/db-com\"" "$T/check.conf" > "$T/check2.conf"
out=$(knotc -c "$T/check2.conf" conf-check 2>&1); rc=$?
[ $rc -ne 0 ] && expect_contains "$out" "no database specified" "conf-check refuses a module without a database" \
  || fail "conf-check no database" "exit $rc" "$out"
out=$(conf_check "$T/nonexistent"); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "Configuration is valid" "conf-check accepts a missing database (a state, not a configuration error)" \
  || fail "conf-check missing database" "exit $rc" "$out"
mkdir -p "$T/garbage" && head -c 20000 /dev/urandom > "$T/garbage/data.mdb"
mdb_dump -a "$T/db-com" | sed 's/^ 31$/ 39/' > "$T/v9.dump"   # format "1" -> "9"
mdb_load -f "$T/v9.dump" "$(mkdir -p "$T/db-v9" && echo "$T/db-v9")" 2>/dev/null
[ "$(mdb_dump -p -s meta "$T/db-v9" | grep -A1 '^ format$' | tail -1)" = " 9" ] \
  && ok "a database of format 9 for the tests" || fail "format 9 database"
expect_rc 0 "conf-check accepts the real database" conf_check "$T/db-com"

# ---- differential: module vs static zone, same answers ----------------------------
write_conf "$T/mod.tpl" "$T/db-com"
knot_start_conf "$T/kmod" "$T/mod.tpl" 2 example.com || fail "knotd with mod-mimi starts"
PMOD=$KNOT_PORT; PIDS+=("$KNOT_PID"); KNOT_PID=
n=$(grep -c "module 'mod-mimi/.*serving MIMI records" "$T/kmod/knotd.log")
[ "$n" -eq 2 ] && ok "log: both module instances loaded" || fail "log: module load" "$(cat "$T/kmod/knotd.log")"
knot_start "$T/kstatic" "example.com=$T/full-com.zone" "e164.arpa=$T/full-arpa.zone" \
  || fail "static knotd starts"
PSTATIC=$KNOT_PORT; PIDS+=("$KNOT_PID"); KNOT_PID=

owner() { "$L" --explain "$1" | awk '$1 == "1." { print $3; exit }'; }
# (The last two in upper case: the module folds case as DNS does, Z included.)
names=(example.com. _mimi.example.com. _mimi.chat.example.com. chat.example.com.
       "$(owner alice@example.com)" "$(owner Bob@example.com)" "$(owner bob@example.com)"
       "$(owner carol@example.com)" "$(owner nobody@example.com)" _mimi.dom.example.com.
       dom.example.com. x.y._mimi.example.com. "$(owner +15551234567)" "$(owner +442079460148)"
       5.5.5.1.e164.arpa. 1.e164.arpa. "$(owner +15550000000)" e164.arpa.
       "$(owner alice@example.com | tr a-z A-Z)" _MIMI.ZOE.EXAMPLE.COM.)
# An answer as comparable lines: the rcode, the header flags and section
# counts, and every record of every section (TTL dropped, RRSIGs aside:
# ECDSA signatures differ per signing), sorted. (kdig 3.2 prints no
# header with +noall: the whole output is read.)
answer() { # PORT NAME TYPE DO
  kdig @127.0.0.1 -p "$1" "$2" "$3" $4 +norec +time=3 +retry=2 2>&1 |
    awk '/status:/ { sub(/.*status: /, ""); sub(/,.*/, ""); sub(/;.*/, ""); print "rcode " $0 }
         /^;; Flags:/ { sub(/^;; Flags: /, ""); print "flags " $0 }
         /^;; [A-Z]+ SECTION:/ { sec = $2 }
         /^[^;]/ && NF { $2 = ""; print tolower(sec) " " tolower($0) }' | grep -v 'rrsig' | sort
}
diffs=0; checked=0
for n in "${names[@]}"; do
  for t in TXT NAPTR SVCB A AAAA SOA; do
    for d in "" +dnssec; do
      a=$(answer "$PMOD" "$n" "$t" "$d"); b=$(answer "$PSTATIC" "$n" "$t" "$d")
      checked=$((checked + 1))
      if [ "$a" != "$b" ]; then
        diffs=$((diffs + 1))
        [ $diffs -le 3 ] && printf '# %s %s %s\n#   module: %s\n#   static: %s\n' "$n" "$t" "$d" "$a" "$b"
      fi
    done
  done
done
[ $diffs -eq 0 ] && ok "module and static zone agree on $checked name/type/DO queries" \
  || fail "module and static zone differ in $diffs of $checked queries"
a=$(answer "$PMOD" "$(owner alice@example.com)" TXT "")
expect_contains "$a" 'txt "v=mimi1; e=chat.example.com; a=alice; p=10; t=personal; s=examplechat"' \
  "the module answers alice's records"
# Its answers are authoritative, as the zone's own are (RFC 1035 §4.1.1: AA),
# for a name with records and for an empty non-terminal alike.
for n in "$(owner alice@example.com)" 5.5.5.1.e164.arpa.; do
  f=$(kdig @127.0.0.1 -p "$PMOD" "$n" TXT +norec +time=3 +retry=2 2>&1 | grep -i -m1 'flags:')
  [[ $f == *" aa"* ]] && ok "AA set on the module's answer for $n" || fail "AA on $n" "$f"
done

# ---- live update while queries run; reload; zone-reload -f --------------------------
Z=$(owner zed@example.com)
( for i in $(seq 1 300); do
    kdig @127.0.0.1 -p "$PMOD" TXT "$(owner alice@example.com)" +norec +time=1 +retry=0 2>&1 |
      grep -o 'status: [A-Z]*'
  done > "$T/loop.out" ) &
LOOP=$!
printf '%s\nzed@example.com,chat.example.com,zed,,,\nalice@example.com,chat.example.com,alice2,5,,\n' "$HDR" > "$T/upd.csv"
"$G" --origin example.com --format lmdb --update -o "$T/db-com" "$T/upd.csv" 2>/dev/null && ok "update written" || fail "update"
wait $LOOP
bad=$(grep -vc 'status: NOERROR' "$T/loop.out")
good=$(grep -c 'status: NOERROR' "$T/loop.out")
[ "$bad" -eq 0 ] && [ "$good" -eq 300 ] && ok "300 queries during the update: all NOERROR" || fail "queries during the update" "$bad not NOERROR"
a=$(answer "$PMOD" "$Z" TXT "")
expect_contains "$a" "a=zed" "a new user is answered without a reload"
a=$(answer "$PMOD" "$(owner alice@example.com)" TXT "")
expect_contains "$a" "a=alice2" "a changed user is answered with the new record"
knotc -c "$T/kmod/knot.conf" reload >/dev/null 2>&1
sleep 1
knotc -c "$T/kmod/knot.conf" zone-reload -f example.com >/dev/null 2>&1
sleep 1
n=$(grep -c "module 'mod-mimi/com'.*serving MIMI records" "$T/kmod/knotd.log")
[ "$n" -ge 2 ] && ok "reload and zone-reload -f load the module again ($n loads)" || fail "reload" "$(tail -20 "$T/kmod/knotd.log")"
a=$(answer "$PMOD" "$Z" TXT "")
expect_contains "$a" "a=zed" "still answering after the reloads"
grep -E "error:|critical:" "$T/kmod/knotd.log" && fail "no errors in knotd's log" || ok "no errors in knotd's log"

# ---- hostile names ------------------------------------------------------------------
long=$(printf 'a.%.0s' $(seq 1 120))example.com.
for q in "$long" '\000\000._mimi.example.com.' 'A\255B._mimi.example.com.' \
         "$(printf 'x%.0s' $(seq 1 63))._mimi.example.com." '._mimi.example.com.'; do
  kdig @127.0.0.1 -p "$PMOD" TXT "$q" +time=1 +retry=0 >/dev/null 2>&1
done
kill -0 "${PIDS[0]}" 2>/dev/null && [ -n "$(answer "$PMOD" "$Z" TXT "")" ] \
  && ok "hostile query names: knotd alive and answering" || fail "hostile query names"

# ---- unusable databases: SERVFAIL for MIMI names, never NXDOMAIN ------------------
rcode() { # PORT NAME [TYPE]
  # (kdig 3.2 prints no header with +noall: the whole output.)
  kdig @127.0.0.1 -p "$1" "$2" "${3:-TXT}" +norec +time=2 +retry=1 2>&1 |
    sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -1
}
# Queries until NAME gives RCODE (the module checks its files at most once
# a second); prints the last rcode. Bounded: about 10 s.
wait_rcode() { # PORT NAME RCODE
  local i r=""
  for i in $(seq 1 50); do
    r=$(rcode "$1" "$2")
    [ "$r" = "$3" ] && break
    sleep 0.2
  done
  echo "$r"
}
# Another zone's database for example.com, a corrupt one for e164.arpa.
"$G" --origin example.org --format lmdb -o "$T/db-org" <(printf '%s\nx@example.org,p.example,x,,,\n' "$HDR") 2>/dev/null
write_conf "$T/org.tpl" "$T/db-org" "$T/garbage"
if knot_start_conf "$T/korg" "$T/org.tpl" 2 example.com; then
  PORG=$KNOT_PORT; PIDS+=("$KNOT_PID"); KNOT_PID=
  grep -q "database $T/db-org holds the zone example.org., not this one; answering SERVFAIL" "$T/korg/knotd.log" \
    && ok "another zone's database: the log says why" || fail "wrong origin logged" "$(cat "$T/korg/knotd.log")"
  grep -q "database $T/garbage: database cannot be opened" "$T/korg/knotd.log" \
    && ok "a corrupt database: the log says why" || fail "corrupt database logged" "$(cat "$T/korg/knotd.log")"
  r=$(rcode "$PORG" "$(owner alice@example.com)")
  [ "$r" = SERVFAIL ] && ok "another zone's database: a user name gets SERVFAIL" || fail "other zone: user" "$r"
  r=$(rcode "$PORG" _mimi.dom.example.com.)
  [ "$r" = SERVFAIL ] && ok "another zone's database: a domain handle's name gets SERVFAIL" || fail "other zone: domain" "$r"
  r=$(rcode "$PORG" nothing.example.com.)
  [ "$r" = NXDOMAIN ] && ok "another zone's database: a name that is not MIMI keeps the zone's NXDOMAIN" \
    || fail "other zone: non-MIMI name" "$r"
  r=$(rcode "$PORG" "$(owner +15551234567)")
  [ "$r" = SERVFAIL ] && ok "a corrupt database: an ENUM name gets SERVFAIL" || fail "corrupt: ENUM" "$r"
  [ -n "$(answer "$PORG" e164.arpa. SOA "" | grep soa)" ] && ok "a corrupt database: the zone's own data still answered" \
    || fail "corrupt: SOA"
  n=$(grep -c "database $T/db-org holds the zone" "$T/korg/knotd.log")
  [ "$n" -eq 1 ] && ok "logged once, not per query" || fail "logged once" "$n times"
else
  fail "knotd with unusable databases starts"
fi

# ---- a live database: reader slots, a grown map, deletions, rebuilds, outages --------
# A small map (MIMI_ZONEGEN_MAPSIZE) that a later update outgrows, and no
# lock file: knotd creates it, with the module's reader slots.
MIMI_ZONEGEN_MAPSIZE=65536 "$G" --origin example.com --format lmdb -o "$T/db-live" "$T/users.csv" 2>/dev/null \
  && rm "$T/db-live/lock.mdb" && ok "a database with a 64 KiB map" || fail "small-map database"
write_conf "$T/live.tpl" "$T/db-live"
if knot_start_conf "$T/klive" "$T/live.tpl" 2 example.com; then
  PL=$KNOT_PORT; PIDS+=("$KNOT_PID"); KNOT_PID=
  ALICE=$(owner alice@example.com); BOB=$(owner Bob@example.com)
  expect_contains "$(answer "$PL" "$ALICE" TXT "")" "a=alice;" "live: alice answered"
  # Reader slots: LMDB's default is 126 a lock file; knotd created this one.
  mr=$(mdb_stat -e "$T/db-live" | awk '/Max readers:/ {print $3}')
  [ -n "$mr" ] && [ "$mr" -gt 126 ] && ok "the lock file knotd created has $mr reader slots (> 126)" \
    || fail "reader slots" "$(mdb_stat -e "$T/db-live")"
  # A big update grows the map past knotd's mapping (MDB_MAP_RESIZED).
  { echo "$HDR"; echo "zed@example.com,chat.example.com,zed,,,"
    for i in $(seq 1 3000); do echo "user$i@example.com,chat.example.com,user$i,,,"; done; } > "$T/big.csv"
  "$G" --origin example.com --format lmdb --update -o "$T/db-live" "$T/big.csv" 2>/dev/null \
    && ok "a 3001-user update" || fail "big update"
  ms=$(mdb_stat -e "$T/db-live" | awk '/Map size:/ {print $3}')
  lp=$(mdb_stat -e "$T/db-live" | awk '/Number of pages used:/ {print $5}')
  [ "$ms" -gt 65536 ] && [ "$lp" -gt 16 ] && ok "the map grew ($ms bytes, $lp pages used > 16)" \
    || fail "map growth" "$(mdb_stat -e "$T/db-live")"
  expect_contains "$(answer "$PL" "$(owner zed@example.com)" TXT "")" "a=zed" "a user of the grown map answered"
  expect_contains "$(answer "$PL" "$(owner user2999@example.com)" TXT "")" "a=user2999" "and another"
  expect_contains "$(answer "$PL" "$ALICE" TXT "")" "a=alice;" "and an old one"
  grep -q "database $T/db-live: the map grew to" "$T/klive/knotd.log" \
    && ok "the module remapped the grown database (MDB_MAP_RESIZED)" || fail "remap logged" "$(tail "$T/klive/knotd.log")"
  # --update --delete: gone at the next query, no reload.
  printf 'identifier\nBob@example.com\n' > "$T/del.csv"
  printf '%s\n' "$HDR" > "$T/none.csv"
  "$G" --origin example.com --format lmdb --update --delete "$T/del.csv" -o "$T/db-live" "$T/none.csv" 2>/dev/null \
    && ok "Bob deleted by --update --delete" || fail "--delete Bob"
  r=$(rcode "$PL" "$BOB")
  [ "$r" = NXDOMAIN ] && ok "a deleted user: NXDOMAIN without a reload" || fail "deleted user" "$r"
  expect_contains "$(answer "$PL" "$ALICE" TXT "")" "a=alice;" "others still answered after the delete"
  # A full rebuild without dom.example.com: seen at reload (a new data.mdb).
  grep -v '^dom.example.com' "$T/users.csv" > "$T/users-nodom.csv"
  "$G" --origin example.com --format lmdb -o "$T/db-live" "$T/users-nodom.csv" 2>/dev/null \
    && ok "a full rebuild without dom.example.com" || fail "rebuild"
  knotc -c "$T/klive/knot.conf" reload >/dev/null 2>&1
  r=$(wait_rcode "$PL" _mimi.dom.example.com. NXDOMAIN)
  [ "$r" = NXDOMAIN ] && ok "rebuild + reload: the removed user is NXDOMAIN" || fail "rebuild: removed user" "$r"
  expect_contains "$(answer "$PL" "$ALICE" TXT "")" "a=alice;" "rebuild + reload: others still answered"
  r=$(rcode "$PL" "$(owner zed@example.com)")
  [ "$r" = NXDOMAIN ] && ok "rebuild: the update's users are gone too" || fail "rebuild: zed" "$r"
  # A rebuild without a reload: the queries notice the new data.mdb.
  { cat "$T/users-nodom.csv"; echo "newbie@example.com,chat.example.com,newbie,,,"; } > "$T/users-new.csv"
  "$G" --origin example.com --format lmdb -o "$T/db-live" "$T/users-new.csv" 2>/dev/null \
    && ok "a full rebuild with a new user, no reload" || fail "rebuild with newbie"
  r=$(wait_rcode "$PL" "$(owner newbie@example.com)" NOERROR)
  [ "$r" = NOERROR ] && expect_contains "$(answer "$PL" "$(owner newbie@example.com)" TXT "")" "a=newbie" \
    "rebuild without a reload: the new user answered" || fail "rebuild without reload" "$r"
  grep -q "database $T/db-live changed on disk, reopened" "$T/klive/knotd.log" \
    && ok "the reopen is logged" || fail "reopen logged" "$(tail "$T/klive/knotd.log")"
  # The database missing at a reload: SERVFAIL (not a signed NXDOMAIN), back when it is.
  mv "$T/db-live" "$T/db-away"
  knotc -c "$T/klive/knot.conf" reload >/dev/null 2>&1
  r=$(wait_rcode "$PL" "$ALICE" SERVFAIL)
  [ "$r" = SERVFAIL ] && ok "database missing at a reload: a user gets SERVFAIL" || fail "missing db: user" "$r"
  r=$(rcode "$PL" nothing.example.com.)
  [ "$r" = NXDOMAIN ] && ok "database missing: other names keep the zone's answer" || fail "missing db: other" "$r"
  grep -q "database $T/db-live: database not found; answering SERVFAIL" "$T/klive/knotd.log" \
    && ok "database missing: the log says why" || fail "missing db logged" "$(tail "$T/klive/knotd.log")"
  mv "$T/db-away" "$T/db-live"
  r=$(wait_rcode "$PL" "$ALICE" NOERROR)
  [ "$r" = NOERROR ] && expect_contains "$(answer "$PL" "$ALICE" TXT "")" "a=alice;" \
    "the database back: answered again without a reload" || fail "db back" "$r"
  grep -q "database $T/db-live usable again" "$T/klive/knotd.log" \
    && ok "the recovery is logged" || fail "recovery logged" "$(tail "$T/klive/knotd.log")"
  # Another format swapped in while running: noticed by the queries.
  mv "$T/db-live" "$T/db-good" && cp -r "$T/db-v9" "$T/db-live"
  r=$(wait_rcode "$PL" "$ALICE" SERVFAIL)
  [ "$r" = SERVFAIL ] && ok "a database of format 9 swapped in: SERVFAIL" || fail "format 9: user" "$r"
  grep -q "database $T/db-live: database format is not 1 or 2" "$T/klive/knotd.log" \
    && ok "format 9: the log says why" || fail "format 9 logged" "$(tail "$T/klive/knotd.log")"
  rm -rf "$T/db-live" && mv "$T/db-good" "$T/db-live"
  r=$(wait_rcode "$PL" "$ALICE" NOERROR)
  [ "$r" = NOERROR ] && ok "the good database back: NOERROR" || fail "good db back" "$r"
  kill -0 "${PIDS[-1]}" 2>/dev/null && ok "knotd alive after the outages" || fail "knotd alive"
else
  fail "knotd with a live database starts"
fi

# ---- DNSSEC: the signed deployment (plugin-knot/knot-signed.conf.in) ---------------
# The database signed by mimi-zonegen, its keys imported into knotd,
# mod-onlinesign for the DNSKEY RRset and the zone's own records, mod-mimi
# signing its denials: answers validate with libmimi and with delv; the
# stored signatures are served; an expired one never is, nor a denial's;
# a ZSK rollover keeps everything valid.
export MIMI_BIN="$BIN" MIMI_MODULE="$MOD"
zsk_of() { grep -l 'DNSKEY[[:space:]]*256' "$1"/K*.key | head -1 | sed 's/\.key$//'; }
ksk_of() { grep -l 'DNSKEY[[:space:]]*257' "$1"/K*.key | head -1 | sed 's/\.key$//'; }
tag_of() { sed 's/.*+//' <<< "$1" | sed 's/^0*//'; }
rrsig_tags() { # PORT NAME TYPE [SECTION]: the key tags of the answer's RRSIGs
  kdig @127.0.0.1 -p "$1" "$2" "$3" +dnssec +norec +time=3 +retry=2 +noall "+${4:-answer}" 2>/dev/null |
    awk '$4 == "RRSIG" { print $11 }' | sort -u | tr '\n' ' '
}
# The authority section of a DO query, one record a line: owner TTL type
# and the rest (kdig's fields, the class dropped).
authority() { # PORT NAME TYPE
  kdig @127.0.0.1 -p "$1" "$2" "$3" +dnssec +norec +time=3 +retry=2 +noall +authority 2>/dev/null |
    awk '{ $3 = ""; print }'
}
delv_q() { # PORT ANCHORS NAME TYPE
  timeout 10 delv @127.0.0.1 -p "$1" -a "$2" +root=example.com "$4" "$3" 2>&1
}
# Queries until the DNSKEY RRset has N ZSKs (a reload takes a moment);
# prints the last count. Bounded: about 6 s.
wait_zsks() { # PORT N
  local i n=0
  for i in $(seq 1 30); do
    n=$(kdig @127.0.0.1 -p "$1" example.com DNSKEY +short | grep -c '^256 ')
    [ "$n" -eq "$2" ] && break
    sleep 0.2
  done
  echo "$n"
}
anchors() { # DS-FILE: delv's trust-anchors file
  awk '{ printf "trust-anchors {\n  %s static-ds %s %s %s \"%s\";\n};\n", $1, $3, $4, $5, $6 }' "$1"
}
printf '%s\n' "$HDR" > "$T/empty.csv"
ALICE=$(owner alice@example.com)
if knot_signed "$T/ksig" example.com "$T/users.csv" "$T/static-com.zone" 2>"$T/ksig.err"; then
  PSIG=$KNOT_PORT; SIGPID=$KNOT_PID; PIDS+=("$KNOT_PID"); KNOT_PID=
  SDB=$KNOT_DB; SKEYS=$KNOT_KEYS; TA=$KNOT_DS
  anchors "$TA" > "$T/anchors.conf"
  ZSK1=$(zsk_of "$SKEYS"); KSK=$(ksk_of "$SKEYS")
  ok "knotd from knot-signed.conf.in: database signed, keys imported (ZSK $(tag_of "$ZSK1"))"
  [ "$(mdb_dump -p -s meta "$SDB" | grep -A1 '^ format$' | tail -1)" = " 2" ] \
    && ok "the database is of format 2 (signed)" || fail "signed format" "$(mdb_dump -p -s meta "$SDB")"
  S="--server 127.0.0.1@$PSIG --trust-anchor $TA --no-endpoints"
  for id in alice@example.com Bob@example.com dom.example.com; do
    out=$("$L" $S "$id" 2>&1); rc=$?
    [ $rc -eq 0 ] && expect_contains "$out" "; fully validated" "libmimi validates: $id" || fail "validated: $id" "exit $rc" "$out"
  done
  out=$("$L" $S nobody@example.com 2>&1); rc=$?
  [ $rc -eq 1 ] && expect_contains "$out" "; fully validated" "a missing user: not found, validated" \
    || fail "missing user" "exit $rc" "$out"
  out=$("$L" $S carol@example.com 2>&1); rc=$?
  [ $rc -eq 1 ] && expect_contains "$out" "opted out" "opt-out, validated" || fail "opt-out" "$out"
  out=$(delv_q "$PSIG" "$T/anchors.conf" "$ALICE" TXT); rc=$?
  [ $rc -eq 0 ] && expect_contains "$out" "; fully validated" "delv validates alice's TXT" || fail "delv TXT" "exit $rc" "$out"
  expect_contains "$out" 'a=alice; p=10' "delv: with her record"
  for q in "nobody._mimi.example.com. TXT" "$ALICE SVCB" "_mimi.example.com. TXT"; do
    out=$(delv_q "$PSIG" "$T/anchors.conf" ${q% *} ${q#* }); rc=$?
    [ $rc -eq 0 ] && expect_contains "$out" "; negative response, fully validated" "delv validates the denial of $q" \
      || fail "delv denial $q" "exit $rc" "$out"
  done
  # The stored signature: by the database's ZSK, and the same octets in
  # every answer (ECDSA is randomised: a signature made per query differs).
  t=$(rrsig_tags "$PSIG" "$ALICE" TXT)
  [ "$t" = "$(tag_of "$ZSK1") " ] && ok "alice's TXT is signed by the database's ZSK" || fail "RRSIG tag" "$t"
  s1=$(kdig @127.0.0.1 -p "$PSIG" "$ALICE" TXT +dnssec +norec +noall +answer | awk '$4 == "RRSIG" { print $NF }')
  s2=$(kdig @127.0.0.1 -p "$PSIG" "$ALICE" TXT +dnssec +norec +noall +answer | awk '$4 == "RRSIG" { print $NF }')
  [ -n "$s1" ] && [ "$s1" = "$s2" ] && ok "the RRSIG is the stored one (identical in two answers)" || fail "stored RRSIG" "$s1 / $s2"
  # mod-mimi's own denials: an NSEC at the query name whose next name is its
  # immediate successor (RFC 4470: it covers that name only), the SOA, each
  # signed by the database's ZSK; the signatures kept (the same octets twice).
  NOBODY=$(owner nobody@example.com)
  for q in "$NOBODY TXT" "$ALICE SVCB" "_mimi.example.com. TXT" "nothing.example.com. TXT"; do
    set -- $q
    a=$(authority "$PSIG" "$1" "$2")
    nsec=$(awk '$3 == "NSEC" { print $1, $4 }' <<< "$a")
    [ "$nsec" = "$1 \\000.$1" ] && ok "denial of $2 at $1: NSEC to its successor only" \
      || fail "minimal NSEC for $q" "$a"
    [ "$(rrsig_tags "$PSIG" "$1" "$2" authority)" = "$(tag_of "$ZSK1") " ] \
      && expect_contains "$a" " SOA " "denial of $q: SOA and NSEC signed by the ZSK" || fail "denial tags $q" "$a"
  done
  bm=$(authority "$PSIG" "$ALICE" SVCB | awk '$3 == "NSEC" { $1 = $2 = $3 = $4 = ""; print }')
  [ "$(echo $bm)" = "TXT RRSIG NSEC" ] && ok "NODATA: the bitmap has the name's TXT" || fail "NODATA bitmap" "$bm"
  # ECDSA is randomised: 40 denials signed per query carry 40 different
  # NSEC signatures; cached, at most one per worker (each has its cache).
  workers=$(sed -n 's/.*serving MIMI records from .*, \([0-9]*\) threads).*/\1/p' "$T/ksig/knotd.log" | tail -1)
  sigs=$(for i in $(seq 1 40); do authority "$PSIG" "$NOBODY" TXT | awk '$3 == "RRSIG" && $4 == "NSEC" { print $NF }'; done)
  n=$(sort -u <<< "$sigs" | grep -c .)
  [ "$(grep -c . <<< "$sigs")" -eq 40 ] && [ -n "$workers" ] && [ "$n" -ge 1 ] && [ "$n" -le "$workers" ] \
    && ok "the denial's signature is cached ($n different in 40 answers, $workers workers)" \
    || fail "cached denial" "$n different in $(grep -c . <<< "$sigs") answers, workers '$workers'"
  grep -q "signing denials with the ZSKs of $SKEYS" "$T/ksig/knotd.log" \
    && ok "the log names the key directory of the denials" || fail "denial keys logged" "$(tail -5 "$T/ksig/knotd.log")"

  # Walk the denials: each next name is the one after the name asked for,
  # never a name of the zone (a walker learns only what it made up).
  name=$NOBODY steps=0
  for i in $(seq 1 6); do
    next=$(authority "$PSIG" "$name" TXT | awk '$3 == "NSEC" { print $4; exit }')
    [ "$next" = "\\000.$name" ] || break
    steps=$((steps + 1)) name=$next
  done
  [ "$steps" -eq 6 ] && ok "walking the denials yields only made-up names ($steps steps)" \
    || fail "denial walk" "step $steps: '$name' -> '$next'"

  # Walk the NSEC chain from the apex: no user name may appear.
  seen="" name=example.com. steps=0
  for i in $(seq 1 30); do
    next=$(kdig @127.0.0.1 -p "$PSIG" +dnssec +norec NSEC "$name" +noall +answer +authority 2>/dev/null |
           awk '$4 == "NSEC" { print $5; exit }')
    [ -z "$next" ] && break
    seen="$seen $next" steps=$((steps + 1))
    name=$next
  done
  case "$seen" in
    *"$(cut -c1-20 <<< "$ALICE")"*) fail "walking NSEC reveals no user name" "$seen" ;;
    *) [ "$steps" -ge 2 ] && ok "walking NSEC ($steps steps) reveals no user name" \
         || fail "the NSEC walk got NSEC records" "$seen" ;;
  esac

  # -- Expiry: a signature is never served past its validity.
  now=$(date +%s)
  "$G" --quiet --origin example.com --format lmdb --sign --ksk "$KSK" --zsk "$ZSK1" \
    --inception $((now - 3600)) --expiration $((now + 16)) -o "$SDB" "$T/users.csv" \
    && ok "rebuilt with signatures that expire in 16 s" || fail "short-lived rebuild"
  ttl=""
  for i in $(seq 1 50); do # the module notices the new data.mdb within a second
    ttl=$(kdig @127.0.0.1 -p "$PSIG" "$ALICE" TXT +dnssec +norec +noall +answer | awk '$4 == "RRSIG" { print $2; exit }')
    [ -n "$ttl" ] && [ "$ttl" -le 16 ] && break
    sleep 0.2
  done
  [ -n "$ttl" ] && [ "$ttl" -le 16 ] && [ "$ttl" -ge 1 ] \
    && ok "the TTL ends by the signature's expiration ($ttl s)" || fail "TTL capped" "ttl '$ttl'"
  while [ "$(date +%s)" -le $((now + 16)) ]; do sleep 0.5; done
  out=$(kdig @127.0.0.1 -p "$PSIG" "$ALICE" TXT +dnssec +norec +time=2 +retry=1 2>&1)
  expect_contains "$out" "status: SERVFAIL" "expired: a DO query gets SERVFAIL"
  case "$out" in *RRSIG*) fail "expired: no RRSIG served" "$out" ;; *) ok "expired: no RRSIG served" ;; esac
  r=$(rcode "$PSIG" "$ALICE")
  [ "$r" = NOERROR ] && ok "expired: a query without DO still gets the records" || fail "no-DO after expiry" "$r"
  grep -q "database $SDB: a signature has expired" "$T/ksig/knotd.log" \
    && ok "expired: the log says to re-sign" || fail "expiry logged" "$(tail -5 "$T/ksig/knotd.log")"
  out=$("$G" --origin example.com --format lmdb --update --sign --ksk "$KSK" --zsk "$ZSK1" --resign \
        -o "$SDB" "$T/empty.csv" 2>&1); rc=$?
  [ $rc -eq 0 ] && expect_contains "$out" "signed by ZSK $(tag_of "$ZSK1") (all names)" "--update --resign signs every name again" \
    || fail "resign" "exit $rc" "$out"
  out=$("$L" $S alice@example.com 2>&1); rc=$?
  [ $rc -eq 0 ] && expect_contains "$out" "; fully validated" "re-signed: validated again without a reload" || fail "after resign" "exit $rc" "$out"

  # -- A denial's signature is never served past its validity: with a
  # lifetime of 10 s, every answer for 14 s carries a valid one, whose TTL
  # ends by its expiration, and the cache signs anew as they age.
  sed -i 's|^\(    keys: .*\)$|\1\n    denial-lifetime: 10|' "$T/ksig/knot.conf"
  knotc -c "$T/ksig/knot.conf" reload >/dev/null 2>&1 && sleep 1
  grep -q "lifetime 10 s" "$T/ksig/knotd.log" && ok "denial-lifetime 10 s configured" \
    || fail "denial-lifetime" "$(grep -A3 'keys:' "$T/ksig/knot.conf")"
  # (The clock read before the query bounds the TTL, after it the
  # validity: exact whatever the load, the server answered in between.)
  exps="" bad="" t_end=$(( $(date +%s) + 14 ))
  while [ "$(date +%s)" -lt "$t_end" ]; do
    before_s=$(date +%s)
    a=$(authority "$PSIG" "$NOBODY" TXT)
    now=$(date -u +%Y%m%d%H%M%S)
    while read -r ow ttl typ covered alg labels ottl exp inc rest; do
      [ "$typ" = RRSIG ] || continue
      exps="$exps $exp"
      left=$(( $(date -u -d "${exp:0:8} ${exp:8:2}:${exp:10:2}:${exp:12:2}" +%s) - before_s ))
      { [ "$exp" \> "$now" ] && [ ! "$inc" \> "$now" ] && [ "$ttl" -le "$left" ]; } || bad="$bad [$covered exp $exp inc $inc ttl $ttl at $now]"
    done <<< "$a"
    sleep 0.5
  done
  n=$(tr ' ' '\n' <<< "$exps" | grep -c .)
  [ "$n" -ge 20 ] && [ -z "$bad" ] && ok "every denial signature within its validity, TTL by its expiration ($n seen)" \
    || fail "denial validity" "$n seen;$bad"
  # Signed at t, again once less than half the lifetime is left (t+5 or
  # t+6), and again: at least 3 in 14 s, even if every worker signs in
  # the same seconds.
  [ "$(tr ' ' '\n' <<< "$exps" | grep . | sort -u | wc -l)" -ge 3 ] \
    && ok "the cached denials were signed anew as they aged" || fail "re-signed denials" "$exps"

  # -- ZSK rollover (mod-mimi(5), KEY ROLLOVER): the new ZSK into the key
  # directory and knotd's key store, both published; the database signed
  # with it (mod-mimi's denials follow the database's ZSK); the old one
  # withdrawn.
  ZSK2=$(cd "$SKEYS" && ldns-keygen -a ECDSAP256SHA256 example.com 2>/dev/null)
  ZSK2="$SKEYS/$ZSK2"
  keymgr -c "$T/ksig/knot.conf" example.com import-bind "$ZSK2.private" >/dev/null 2>&1 \
    && knotc -c "$T/ksig/knot.conf" reload >/dev/null 2>&1 && ok "rollover: the new ZSK imported, knotd reloaded" \
    || fail "import the new ZSK"
  n=$(wait_zsks "$PSIG" 2)
  [ "$n" -eq 2 ] && ok "rollover: both ZSKs published" || fail "two ZSKs" "$n"
  out=$("$L" $S alice@example.com 2>&1); rc=$?
  [ $rc -eq 0 ] && expect_contains "$out" "; fully validated" "rollover, both keys: validated" || fail "both keys" "$out"
  out=$("$G" --origin example.com --format lmdb --update --sign --ksk "$KSK" --zsk "$ZSK2" \
        -o "$SDB" "$T/empty.csv" 2>&1); rc=$?
  [ $rc -eq 1 ] && expect_contains "$out" "is signed by the ZSK $(tag_of "$ZSK1"), not $(tag_of "$ZSK2")" \
    "another ZSK without --resign is refused" || fail "ZSK mismatch" "exit $rc" "$out"
  "$G" --quiet --origin example.com --format lmdb --update --sign --ksk "$KSK" --zsk "$ZSK2" --resign \
    -o "$SDB" "$T/empty.csv" && ok "rollover: the database signed again with the new ZSK" || fail "resign new ZSK"
  t=$(rrsig_tags "$PSIG" "$ALICE" TXT)
  [ "$t" = "$(tag_of "$ZSK2") " ] && ok "rollover: answers carry the new ZSK's signature" || fail "new tag" "$t"
  for i in $(seq 1 20); do # mod-mimi reads the database's ZSK once a second
    t=$(rrsig_tags "$PSIG" "$NOBODY" TXT authority)
    [ "$t" = "$(tag_of "$ZSK2") " ] && break
    sleep 0.2
  done
  [ "$t" = "$(tag_of "$ZSK2") " ] && ok "rollover: denials signed by the new ZSK" || fail "new denial tag" "$t"
  rm -f "$ZSK1.key" "$ZSK1.private"
  keymgr -c "$T/ksig/knot.conf" example.com delete "$(tag_of "$ZSK1")" >/dev/null 2>&1 \
    && knotc -c "$T/ksig/knot.conf" reload >/dev/null 2>&1 && ok "rollover: the old ZSK deleted, knotd reloaded" \
    || fail "delete the old ZSK"
  n=$(wait_zsks "$PSIG" 1)
  [ "$n" -eq 1 ] && ok "rollover: one ZSK left" || fail "old ZSK gone" "$n"
  for id in alice@example.com nobody@example.com; do
    out=$("$L" $S "$id" 2>&1)
    expect_contains "$out" "; fully validated" "after the rollover: $id validated"
  done
  out=$(delv_q "$PSIG" "$T/anchors.conf" "$ALICE" TXT); rc=$?
  [ $rc -eq 0 ] && expect_contains "$out" "; fully validated" "after the rollover: delv validates" || fail "delv after rollover" "$out"
  out=$(delv_q "$PSIG" "$T/anchors.conf" "$NOBODY" TXT); rc=$?
  [ $rc -eq 0 ] && expect_contains "$out" "; negative response, fully validated" "after the rollover: delv validates a denial" \
    || fail "delv denial after rollover" "exit $rc" "$out"
  [ "$(rrsig_tags "$PSIG" "$NOBODY" TXT authority)" = "$(tag_of "$ZSK2") " ] \
    && ok "after the rollover: the denial by the new ZSK" || fail "denial after rollover" "$(authority "$PSIG" "$NOBODY" TXT)"
else
  fail "knotd from knot-signed.conf.in starts" "$(cat "$T/ksig.err")"
fi
# ENUM: the same template for e164.arpa, NAPTR included.
if KNOT_ZONEGEN_ARGS=--naptr knot_signed "$T/ksig-arpa" e164.arpa "$T/phones.csv" "$T/static-arpa.zone" 2>"$T/ksig-arpa.err"; then
  PARPA=$KNOT_PORT; PIDS+=("$KNOT_PID"); KNOT_PID=
  for id in +15551234567 '+44 20 7946 0148'; do
    out=$("$L" --server "127.0.0.1@$PARPA" --trust-anchor "$KNOT_DS" --no-endpoints "$id" 2>&1); rc=$?
    [ $rc -eq 0 ] && expect_contains "$out" "; fully validated" "ENUM, signed database: $id validated" \
      || fail "ENUM validated: $id" "exit $rc" "$out"
  done
else
  fail "knotd from knot-signed.conf.in for e164.arpa" "$(cat "$T/ksig-arpa.err")"
fi

# ---- valgrind: no invalid reads or writes from the module ---------------------------
# The signed deployment of above, on its rundir (its knotd stopped first).
[ -n "${SIGPID:-}" ] && { kill "$SIGPID" 2>/dev/null; wait "$SIGPID" 2>/dev/null; }
VGPORT=$(( 20000 + RANDOM % 30000 ))
knot_conf_template "$T/ksig" "$VGPORT" "$T/ksig/knot.tpl" > "$T/ksig/knot-vg.conf"
valgrind --error-exitcode=99 --log-file="$T/vg.log" knotd -c "$T/ksig/knot-vg.conf" >/dev/null 2>&1 &
VG=$!
PIDS+=("$VG")
for i in $(seq 1 150); do
  [ -n "$(kdig @127.0.0.1 -p $VGPORT +time=1 +retry=0 +short SOA example.com 2>/dev/null)" ] && break
  sleep 0.2
done
for id in alice@example.com zed@example.com nobody@example.com +15551234567; do
  kdig @127.0.0.1 -p $VGPORT TXT "$(owner "$id")" +dnssec +time=5 +retry=0 >/dev/null 2>&1
  kdig @127.0.0.1 -p $VGPORT SVCB "$(owner "$id")" +time=5 +retry=0 >/dev/null 2>&1
done
kdig @127.0.0.1 -p $VGPORT TXT _mimi.example.com +time=5 +retry=0 >/dev/null 2>&1
kill -TERM $VG; wait $VG 2>/dev/null
if grep -q "ERROR SUMMARY" "$T/vg.log"; then
  errs=$(grep -A30 -E "Invalid (read|write)|uninitialised" "$T/vg.log" | grep -c "mod-mimi")
  [ "$errs" -eq 0 ] && ok "valgrind: no invalid read/write in mod-mimi" \
    || fail "valgrind: mod-mimi errors" "$(grep -B5 -A25 -E 'Invalid (read|write)' "$T/vg.log" | head -60)"
else
  fail "valgrind run completed" "$(tail -20 "$T/vg.log")"
fi

done_testing
