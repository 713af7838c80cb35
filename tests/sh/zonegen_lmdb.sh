#!/usr/bin/env bash
# mimi-zonegen --format lmdb (mimi-lmdb(5)): build, read back with
# mdb_dump, update in place, atomic replacement, refusal of a database of
# another zone or of something that is not one.
# MIMI_BIN: directory of the tools under test.
set -u
. "$(dirname "$0")/../tap.sh"
BIN=${MIMI_BIN:-build/bin}
G="$BIN/mimi-zonegen"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
HDR="identifier,provider,account,preference,tags,service"

meta() { mdb_dump -p -s meta "$1" | awk -v k=" $2" '$0 == k { getline; sub(/^ /, ""); print; exit }'; }
# The value at one owner name, as hex: key = labels right to left, each + \0.
value_of() { # DB OWNER
  local key
  key=$(printf '%s\n' "$2" | sed 's/\.$//' | awk -F. '{ for (i = NF; i >= 1; i--) print $i }' | while IFS= read -r l; do
    printf '%s' "$l" | od -An -tx1 | tr -d ' \n'; printf '00'; done)
  mdb_dump -s rrsets "$1" | awk -v k=" $key" '$0 == k { getline; sub(/^ /, ""); print; exit }'
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

{
  echo "$HDR"
  echo "alice@example.com,chat.example.net,alice,10,personal,examplechat"
  echo "alice@example.com,talk.example.net,alice.w,20,,"
  echo "Bob@example.com,chat.example.net,bob,,,"
  echo "dom.example.com,chat.example.net,dom.example.com,,,"
  echo "carol@example.com,,,,,"
} > "$T/users.csv"
out=$("$G" --origin example.com --format lmdb -o "$T/db" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "database built" || fail "database built" "exit $rc" "$out"
[ "$(meta "$T/db" format)" = 1 ] && ok "meta format 1" || fail "meta format" "$(mdb_dump -p -s meta "$T/db")"
[ "$(meta "$T/db" origin)" = example.com. ] && ok "meta origin" || fail "meta origin"
[ "$(meta "$T/db" profile)" = MIMI-DNS/1 ] && ok "meta profile" || fail "meta profile"
[ "$(meta "$T/db" records)" = 6 ] && ok "meta records: 6 (2 alice, 2 Bob/bob, dom, carol)" \
  || fail "meta records" "$(meta "$T/db" records)"
entries=$(mdb_stat -s rrsets "$T/db" | awk '/Entries:/ {print $2}')
[ "$entries" = 5 ] && ok "5 owner names" || fail "owner names" "$entries"
s1=$(meta "$T/db" serial)

# A sample, byte for byte: alice's two TXT RRs, in canonical order (RFC 4034
# §6.3 compares the wire RDATA, length octet first: the shorter one first).
txt1="v=MIMI1; e=chat.example.net; a=alice; p=10; t=personal; s=examplechat"
txt2="v=MIMI1; e=talk.example.net; a=alice.w; p=20"
rr() { printf '0010%04x%02x%s' $(( ${#1} + 1 )) ${#1} "$(hex "$1")"; }
want="$(rr "$txt2")$(rr "$txt1")"
got=$(value_of "$T/db" 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com.)
[ "$got" = "$want" ] && ok "alice's value: both TXT RRs in wire form, ordered" || fail "alice's value" "got $got" "want $want"
got=$(value_of "$T/db" _mimi.dom.example.com.)
[ "$got" = "$(rr "v=MIMI1; e=chat.example.net; a=dom.example.com")" ] && ok "domain handle value" \
  || fail "domain handle value" "$got"

# Update: alice replaced, zed added, the rest untouched.
{
  echo "$HDR"
  echo "alice@example.com,new.example.net,alice,1,,"
  echo "zed@example.com,chat.example.net,zed,,,"
} > "$T/upd.csv"
out=$("$G" --origin example.com --format lmdb --update -o "$T/db" "$T/upd.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "update" || fail "update" "exit $rc" "$out"
[ "$(meta "$T/db" records)" = 6 ] && ok "records after update: 6 (alice 2→1, zed +1)" \
  || fail "records after update" "$(meta "$T/db" records)"
s2=$(meta "$T/db" serial)
[ "$s2" -gt "$s1" ] && ok "serial raised by the update" || fail "serial raised" "$s1 $s2"
got=$(value_of "$T/db" 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com.)
[ "$got" = "$(rr "v=MIMI1; e=new.example.net; a=alice; p=1")" ] && ok "alice replaced" || fail "alice replaced" "$got"
[ -n "$(value_of "$T/db" _mimi.dom.example.com.)" ] && ok "other names untouched" || fail "other names untouched"

# Refusals: another zone, not a database, a bad row (nothing changes).
cp -r "$T/db" "$T/db.before"
{ echo "$HDR"; echo "x@sub.example.com,chat.example.net,x,,,"; } > "$T/com.csv"
out=$("$G" --origin sub.example.com --format lmdb --update -o "$T/db" "$T/com.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "holds the zone example.com., not sub.example.com." "update of another zone refused" \
  || fail "update of another zone" "exit $rc" "$out"
mkdir "$T/empty"
out=$("$G" --origin sub.example.com --format lmdb --update -o "$T/empty" "$T/com.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "is not a mimi-zonegen database" "update of a non-database refused" \
  || fail "update of a non-database" "exit $rc" "$out"
{ echo "$HDR"; echo "x@example.com,chat.example.net,x,99999,,"; } > "$T/bad.csv"
"$G" --origin example.com --format lmdb --update -o "$T/db" "$T/bad.csv" >/dev/null 2>&1
cmp -s "$T/db/data.mdb" "$T/db.before/data.mdb" && ok "bad rows: database unchanged" \
  || fail "bad rows: database unchanged"

# A rebuild replaces the database whole (alice back to two, zed gone).
"$G" --origin example.com --format lmdb -o "$T/db" "$T/users.csv" >/dev/null 2>&1
[ "$(meta "$T/db" records)" = 6 ] && [ -z "$(value_of "$T/db" ae8f5080a348fbfeb2c776957979728034cdf3eee0160c8667ee66da._mimi.example.com.)" ] \
  && ok "rebuild replaces the whole database" || fail "rebuild replaces" "$(mdb_dump -p -s meta "$T/db")"
[ -z "$(ls -d "$T"/db.tmp-* 2>/dev/null)" ] && ok "no temporary directory left" || fail "temporary directory left"
expect_rc 2 "--format lmdb without --output: usage error" "$G" --origin example.com --format lmdb "$T/users.csv"
expect_rc 2 "--update without lmdb: usage error" "$G" --origin example.com --update -o "$T/z" "$T/users.csv"

done_testing
