#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonegen --format lmdb (mimi-lmdb(5)): build, read back with
# mdb_dump, update in place, atomic replacement, refusal of a database of
# another zone or of something that is not one.
# MIMI_BIN: directory of the tools under test.
set -u
. "$(dirname "$0")/../tap.sh"
BIN=${MIMI_BIN:-build/bin}
G="$BIN/mimi-zonegen"
T=$(mktemp -d)
# (A bind mount below is undone here too if the test dies while it is up.)
trap 'umount "$T/mnt" 2>/dev/null; rm -rf --one-file-system "$T"' EXIT
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
# The clock has not moved past the stored serial (old == now, the case the
# line above meets only by chance): the update still raises it, or the
# secondaries would not take the change (RFC 1982). The database is built
# with the serial of the next second, and the update run in that second,
# bracketed by the clock; tried again when it took longer.
same=
for try in 1 2 3 4 5; do
  s=$(( $(date +%s) + 1 ))
  "$G" --origin example.com --format lmdb --serial "$s" -o "$T/sdb" "$T/users.csv" >/dev/null 2>&1 || break
  while [ "$(date +%s)" -lt "$s" ]; do sleep 0.02; done
  out=$("$G" --origin example.com --format lmdb --update -o "$T/sdb" "$T/upd.csv" 2>&1) || break
  [ "$(date +%s)" = "$s" ] && { same=$s; break; }
done
if [ -n "$same" ]; then
  [ "$(meta "$T/sdb" serial)" = $((same + 1)) ] && expect_contains "$out" "serial $((same + 1))" \
    "--update in the second of the stored serial: serial + 1, and the summary says so" \
    || fail "--update in the second of the stored serial" "serial $(meta "$T/sdb" serial), stored $same" "$out"
else
  fail "--update in the second of the stored serial: no update within that second in 5 tries" "$out"
fi
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

# --delete: in the update's transaction; an absent identifier is reported.
entries() { mdb_stat -s rrsets "$1" | awk '/Entries:/ {print $2}'; }
e0=$(entries "$T/db")
{ echo "identifier"; echo "Bob@example.com"; echo "nobody@example.com"; } > "$T/del.csv"
{ echo "$HDR"; echo "yves@example.com,chat.example.net,yves,,,"; } > "$T/add.csv"
out=$("$G" --origin example.com --format lmdb --update --delete "$T/del.csv" -o "$T/db" "$T/add.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "--update --delete" || fail "--update --delete" "exit $rc" "$out"
expect_contains "$out" "del.csv:3: warning: nobody@example.com is not in the database" \
  "an absent identifier is reported with its line"
expect_contains "$out" "1 identifier deleted, 1 not in the database" "the deletions are counted"
[ "$(entries "$T/db")" = $((e0 - 2 + 1)) ] && ok "Bob and bob gone, yves added, in one update" \
  || fail "entries after --delete" "$e0 -> $(entries "$T/db")"
[ "$(meta "$T/db" records)" = 5 ] && ok "records after --delete: 5 (Bob/bob -2, yves +1)" \
  || fail "records after --delete" "$(meta "$T/db" records)"
[ -n "$(value_of "$T/db" _mimi.dom.example.com.)" ] && ok "--delete leaves other names" \
  || fail "--delete leaves other names"
cp -r "$T/db" "$T/db.del"
{ echo "identifier,provider"; echo "not an identifier,x"; } > "$T/baddel.csv"
out=$("$G" --origin example.com --format lmdb --update --delete "$T/baddel.csv" -o "$T/db" "$T/add.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "baddel.csv:2: identifier" "a bad identifier in --delete: refused by line" \
  || fail "bad --delete row" "exit $rc" "$out"
cmp -s "$T/db/data.mdb" "$T/db.del/data.mdb" && ok "bad --delete: database unchanged" \
  || fail "bad --delete: database unchanged"
{ echo "identifier,note"; echo ",x"; } > "$T/noid.csv"
out=$("$G" --origin example.com --format lmdb --update --delete "$T/noid.csv" -o "$T/db" "$T/add.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "noid.csv:2: no identifier" "an empty identifier in --delete: reported by line" \
  || fail "empty --delete identifier" "exit $rc" "$out"
printf 'account\nx\n' > "$T/nocol.csv"
out=$("$G" --origin example.com --format lmdb --update --delete "$T/nocol.csv" -o "$T/db" "$T/add.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" 'an "identifier" column' "--delete without an identifier column: refused" \
  || fail "--delete without identifier column" "exit $rc" "$out"
out=$("$G" --origin example.com --format lmdb --delete "$T/del.csv" -o "$T/db" "$T/add.csv" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_contains "$out" "--delete works with --format lmdb --update or --send-update only" \
  "--delete without --update: usage error" || fail "--delete without --update" "exit $rc" "$out"

# A rebuild replaces only a database (or nothing): never another directory
# or what a symbolic link points to.
mkdir "$T/other" && echo keep > "$T/other/notes.txt"
out=$("$G" --origin example.com --format lmdb -o "$T/other" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 5 ] && expect_contains "$out" "has notes.txt, which is not part of a mimi-lmdb database" \
  "a directory with another file: refused" || fail "directory with another file" "exit $rc" "$out"
[ "$(cat "$T/other/notes.txt")" = keep ] && [ "$(ls "$T/other")" = notes.txt ] \
  && ok "its file intact, nothing added" || fail "other file intact" "$(ls -la "$T/other")"
[ -z "$(ls -d "$T"/other.tmp-* 2>/dev/null)" ] && ok "no temporary directory left after a refusal" \
  || fail "temporary directory left after a refusal"
ln -s "$T/db" "$T/link"
out=$("$G" --origin example.com --format lmdb -o "$T/link" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 5 ] && expect_contains "$out" "is a symbolic link; refusing to replace it" "a symbolic link: refused" \
  || fail "symbolic link" "exit $rc" "$out"
[ -L "$T/link" ] && cmp -s "$T/db/data.mdb" "$T/db.del/data.mdb" && ok "the link and its database intact" \
  || fail "link intact"
mkdir "$T/notdb" && cp "$T/other/notes.txt" "$T/notdb/data.mdb"
out=$("$G" --origin example.com --format lmdb -o "$T/notdb" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 5 ] && expect_contains "$out" "is not a mimi-lmdb database" "a data.mdb that is no database: refused" \
  || fail "data.mdb not a database" "exit $rc" "$out"
[ "$(cat "$T/notdb/data.mdb")" = keep ] && ok "that data.mdb intact" || fail "that data.mdb intact"
out=$("$G" --origin example.org --format lmdb -o "$T/db" <(printf '%s\nx@example.org,p.example,x,,,\n' "$HDR") 2>&1); rc=$?
[ $rc -eq 5 ] && expect_contains "$out" "holds the zone example.com., not example.org." \
  "a database of another zone: not replaced" || fail "another zone's database replaced" "exit $rc" "$out"
mkdir "$T/emptydir"
out=$("$G" --origin example.com --format lmdb -o "$T/emptydir" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(meta "$T/emptydir" origin)" = example.com. ] && ok "an empty directory becomes the database" \
  || fail "empty directory" "exit $rc" "$out"
out=$(MIMI_ZONEGEN_MAPSIZE=12k "$G" --origin example.com --format lmdb -o "$T/db9" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 5 ] && expect_contains "$out" "MIMI_ZONEGEN_MAPSIZE '12k': a number of bytes" "a bad MIMI_ZONEGEN_MAPSIZE: refused" \
  || fail "bad MIMI_ZONEGEN_MAPSIZE" "exit $rc" "$out"
out=$(MIMI_ZONEGEN_MAPSIZE=1048576 "$G" --origin example.com --format lmdb -o "$T/db9" "$T/users.csv" 2>&1); rc=$?
m=$(mdb_stat -e "$T/db9" | awk '/Map size:/ {print $3}')
[ $rc -eq 0 ] && [ "$m" = 1048576 ] && ok "MIMI_ZONEGEN_MAPSIZE sets the map size" || fail "MIMI_ZONEGEN_MAPSIZE" "exit $rc, map $m" "$out"

# A rebuild replaces the database whole (alice back to two, zed gone).
"$G" --origin example.com --format lmdb -o "$T/db" "$T/users.csv" >/dev/null 2>&1
[ "$(meta "$T/db" records)" = 6 ] && [ -z "$(value_of "$T/db" ae8f5080a348fbfeb2c776957979728034cdf3eee0160c8667ee66da._mimi.example.com.)" ] \
  && ok "rebuild replaces the whole database" || fail "rebuild replaces" "$(mdb_dump -p -s meta "$T/db")"
[ -z "$(ls -d "$T"/db.tmp-* 2>/dev/null)" ] && ok "no temporary directory left" || fail "temporary directory left"
[ "$(ls "$T/db" | tr '\n' ' ')" = "data.mdb lock.mdb " ] && ok "the replaced database: data.mdb and lock.mdb only" \
  || fail "replaced database contents" "$(ls -la "$T/db")"
expect_rc 2 "--format lmdb without --output: usage error" "$G" --origin example.com --format lmdb "$T/users.csv"
expect_rc 2 "--update without lmdb: usage error" "$G" --origin example.com --update -o "$T/z" "$T/users.csv"

# The summary line only after the database is in place (issue 16): a mount
# point cannot be swapped (EBUSY), after the records are written.
{ echo "$HDR"; echo "alice@example.com,chat.example.net,alice,10,,"; } > "$T/one.csv"
mkdir "$T/mnt"
if mount --bind "$T/mnt" "$T/mnt" 2>/dev/null; then
  out=$("$G" --origin example.com --format lmdb -o "$T/mnt" "$T/one.csv" 2>&1); rc=$?
  umount "$T/mnt"
  [ $rc -eq 5 ] && ok "lmdb output that cannot be replaced: exit 5" \
    || fail "lmdb output that cannot be replaced: exit 5" "exit $rc" "$out"
  expect_contains "$out" "mimi-zonegen: $T/mnt: Device or resource busy" "lmdb: the error is reported"
  case $out in *"records, serial"*) fail "lmdb: no success line on failure" "$out" ;;
    *) ok "lmdb: no success line on failure" ;; esac
else
  ok "lmdb: no success line on failure # SKIP no bind mounts here"
fi
out=$("$G" --origin example.com --format lmdb -o "$T/one.db" "$T/one.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "lmdb: exit 0" || fail "lmdb: exit 0" "exit $rc" "$out"
expect_contains "$out" "mimi-zonegen: $T/one.db: 1 records, serial" "lmdb: the summary after success"
out=$("$G" --origin example.com --format lmdb --quiet -o "$T/one.db" "$T/one.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] && ok "lmdb --quiet: exit 0, no summary" \
  || fail "lmdb --quiet: exit 0, no summary" "exit $rc" "$out"

done_testing
