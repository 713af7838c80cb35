#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-lmdb(5) round trip: mimi-zonegen writes a database, and the reading
# side of mod-mimi (plugin-knot/mimi_pure.h over common/mimi_lmdb_format.h,
# in tests/integration/itest_lmdb_read.c, no knotd) finds in it what was
# written: the format and origin, a name's records by its canonical key
# (case folded), empty non-terminals, absent names. tests/sh/mod_mimi.sh
# does the same through a real knotd.
set -u
. "$(dirname "$0")/../tap.sh"
B=${B:-build}
BIN=${MIMI_BIN:-$B/bin}
R="$B/${MIMI_VARIANT:-rel}/tests/itest_lmdb_read"
G="$BIN/mimi-zonegen"
L="$BIN/mimi-lookup"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
HDR="identifier,provider,account,preference,tags,service"
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# A TXT character-string: its length octet, then the text.
cstr() { printf '%02x%s' "${#1}" "$(hex "$1")"; }
owner() { "$L" --explain "$1" | awk '$1 == "1." { print $3; exit }'; }

cat > "$T/users.csv" <<EOF2
$HDR
alice@example.com,chat.example.com,alice,10,personal,examplechat
alice@example.com,talk.example.com,alice.w,20,,
dom.example.com,chat.example.com,dom.example.com,,,
zoe.example.com,chat.example.com,zoe.example.com,,,
EOF2
cat > "$T/phones.csv" <<EOF2
$HDR
+15551234567,chat.example.com,+15551234567,20,business,
EOF2
out=$("$G" --origin example.com --format lmdb -o "$T/db" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "mimi-zonegen wrote the database" || fail "zonegen" "exit $rc" "$out"
"$G" --origin e164.arpa --naptr --format lmdb -o "$T/db-arpa" "$T/phones.csv" 2>/dev/null \
  && ok "and an ENUM one" || fail "zonegen ENUM"

A=$(owner alice@example.com)
out=$("$R" "$T/db" "$A" "$(printf '%s' "$A" | tr a-z A-Z)" _mimi.example.com. \
      _mimi.dom.example.com. nobody._mimi.example.com. example.com. _MIMI.ZOE.EXAMPLE.COM. 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "format 1 origin example.com." \
  "the reader accepts the writer's format and origin" || fail "reader" "exit $rc" "$out"
expect_contains "$out" "$A hit" "alice's owner name is found by its key"
# Both of alice's TXT records (type 16), each as the RDATA written.
txt1=$(cstr "v=MIMI1; e=chat.example.com; a=alice; p=10; t=personal; s=examplechat")
txt2=$(cstr "v=MIMI1; e=talk.example.com; a=alice.w; p=20")
n=$(printf '%s\n' "$out" | sed -n "/^$A hit/,/^[^ ]/p" | grep -c "^  16 ")
[ "$n" -ge 2 ] && expect_contains "$out" "  16 ${txt1}" "the first TXT RDATA reads back as written" \
  || fail "alice's two TXT records" "$out"
expect_contains "$out" "  16 ${txt2}" "the second TXT RDATA reads back as written"
expect_contains "$out" "$(printf '%s' "$A" | tr a-z A-Z) hit" "an upper-case query name finds the same key"
expect_contains "$out" "_mimi.example.com. ent" "_mimi.example.com is an empty non-terminal"
expect_contains "$out" "_mimi.dom.example.com. hit" "a domain handle's name is found"
expect_contains "$out" "_MIMI.ZOE.EXAMPLE.COM. hit" "upper-case letters fold, Z included"
expect_contains "$out" "nobody._mimi.example.com. absent" "a name not written is absent"
expect_contains "$out" "example.com. ent" "the apex (no records in the database) is a non-terminal"

P=$(owner +15551234567)
out=$("$R" "$T/db-arpa" "$P" 1.e164.arpa. 2.1.e164.arpa. 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "$P hit" "an ENUM owner name is found" || fail "ENUM" "exit $rc" "$out"
n=$(printf '%s\n' "$out" | grep -c '^  35 ')
[ "$n" -ge 1 ] && expect_contains "$out" "$(hex 'E2U+mimi')" "it holds a NAPTR record (type 35) of the MIMI service" \
  || fail "ENUM NAPTR" "$out"
expect_contains "$out" "1.e164.arpa. ent" "1.e164.arpa is an empty non-terminal"
expect_contains "$out" "2.1.e164.arpa. absent" "another digit is absent"

# Another format version is refused by the reader, as mod-mimi refuses it.
mdb_dump -a "$T/db" | sed 's/^ 31$/ 39/' > "$T/v9.dump"
mkdir -p "$T/db-v9" && mdb_load -f "$T/v9.dump" "$T/db-v9" 2>/dev/null
out=$("$R" "$T/db-v9" "$A" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "format 9" "a database of format 9 is refused" \
  || fail "format 9" "exit $rc" "$out"
done_testing
