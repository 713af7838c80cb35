#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonegen: CSV validation (FILE:LINE, nothing written), atomic output,
# canonical and reproducible zones accepted by kzonecheck and, signed with
# --sign, by ldns-verify-zone; served by knotd, mimi-lookup finds every CSV
# row with DNSSEC validation. (tests/sh/zonegen_sign.sh tests the signer.)
# MIMI_BIN: directory of the tools under test (plain or sanitizer build).
set -u
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lib/knot.sh"
BIN=${MIMI_BIN:-build/bin}
G="$BIN/mimi-zonegen"
L="$BIN/mimi-lookup"
T=$(mktemp -d)
trap 'knot_stop; rm -rf "$T"' EXIT
HDR="identifier,provider,account,preference,tags,service"
NS="--ns ns1.example.com=192.0.2.53"

# ---- bad input: each class with its line; nothing written ------------------
printf 'old zone, must survive\n' > "$T/out.zone"
bad() { # NAME LINE FRAGMENT ROWS...
  local name=$1 line=$2 frag=$3 out rc
  shift 3
  { echo "$HDR"; printf '%s\n' "$@"; } > "$T/bad.csv"
  out=$("$G" --origin example.com $NS -o "$T/out.zone" "$T/bad.csv" 2>&1); rc=$?
  if [ $rc -eq 1 ]; then ok "$name: exit 1"; else fail "$name: exit 1" "exit $rc" "$out"; fi
  expect_contains "$out" "$T/bad.csv:$line: $frag" "$name: reported at line $line"
}
bad "bad identifier" 2 "identifier: phone number has 16 digits" "+1234567890123456,p.example,a,,,"
bad "number without +" 3 "identifier: " "alice@example.com,chat.example.net,alice,,," "5551234,p.example,a,,,"
bad "MIMI URI as identifier" 2 "identifier: a mimi:// URI needs no record" "mimi://p.example/u/a,p.example,a,,,"
bad "owner outside the zone" 2 "owner name 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.org. is outside the zone example.com." "alice@example.org,p.example,a,,,"
bad "phone outside the zone" 2 "owner name 7.6.5.4.3.2.1.5.5.5.1.e164.arpa. is outside the zone" "+15551234567,p.example,a,,,"
bad "opt-out with an account" 2 "account is set but provider is empty" "carol@example.com,,carol,,,"
bad "bad provider" 2 "provider: " "alice@example.com,exa_mple.net,alice,,,"
bad "preference out of range" 2 "preference '70000' is not 0-65535" "alice@example.com,p.example,a,70000,,"
bad "preference one past the range" 2 "preference '65536' is not 0-65535" "alice@example.com,p.example,a,65536,,"
bad "bad tags" 2 "tags: tags have an empty entry" 'alice@example.com,p.example,a,,"a,,b",'
bad "service with a comma" 2 "service: " 'alice@example.com,p.example,a,,,"a,b"'
bad "record over 255 octets" 2 "the MIMI TXT record would exceed 255 octets" "alice@example.com,p.example,$(printf 'x%.0s' $(seq 1 250)),,,"
bad "field count" 2 "5 fields; a row has 6" "alice@example.com,p.example,a,,"
# Boundary pairs (the "one past" half is above): at the limit, accepted.
good() { # NAME ROW
  { echo "$HDR"; echo "$2"; } > "$T/good.csv"
  out=$("$G" --origin example.com $NS -o "$T/good.zone" "$T/good.csv" 2>&1); rc=$?
  [ $rc -eq 0 ] && [ -s "$T/good.zone" ] && ok "$1: accepted" || fail "$1: accepted" "exit $rc" "$out"
}
# "v=MIMI1; e=p.example; a=" is 24 octets: an account of 231 makes 255.
good "a record of exactly 255 octets" "alice@example.com,p.example,$(printf 'x%.0s' $(seq 1 231)),,,"
grep -q "$(printf 'x%.0s' $(seq 1 231))\"" "$T/good.zone" && ok "the 255-octet record is in the zone whole" ||
  fail "the 255-octet record is in the zone whole" "$(cat "$T/good.zone")"
bad "a record of 256 octets" 2 "the MIMI TXT record would exceed 255 octets" \
  "alice@example.com,p.example,$(printf 'x%.0s' $(seq 1 232)),,,"
good "preference 65535" "alice@example.com,p.example,a,65535,,"
good "a local part of 64 octets" "$(printf 'a%.0s' $(seq 1 64))@example.com,p.example,a,,,"
bad "local part over 64 octets" 2 "identifier: handle local part has 65 octets; at most 64" \
  "$(printf 'a%.0s' $(seq 1 65))@example.com,p.example,a,,,"
bad "a zero-width space in an identifier" 2 "identifier: identifier contains a zero-width space (U+200B)" \
  "$(printf 'al\xe2\x80\x8bice@example.com'),p.example,a,,,"
bad "unclosed quote" 2 "a quoted field is not closed" 'alice@example.com,"p.example,a,,,'
bad "several errors, each reported" 4 "identifier: " "alice@example.com,p.example,a,,," "@,p.example,a,,," "x@@,p.example,a,,,"
# A quoted field spanning lines: one error at the line it starts on, the
# closing line is not read as a record of its own (issue 16).
{ echo "$HDR"; printf 'alice@example.com,p.example,a,,"per\nsonal",\n'
  echo "bob@example.com,p.example,b,,,"; } > "$T/span.csv"
out=$("$G" --origin example.com $NS -o "$T/out.zone" "$T/span.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && ok "field over two lines: exit 1" || fail "field over two lines: exit 1" "exit $rc" "$out"
expect_contains "$out" "$T/span.csv:2: a quoted field is not closed on its line: it spans lines 2-3" \
  "field over two lines: one error at its first line"
[ "$(printf '%s\n' "$out" | grep -c "$T/span.csv:")" -eq 1 ] && ok "field over two lines: no second error" \
  || fail "field over two lines: no second error" "$out"
expect_contains "$out" "1 invalid row;" "field over two lines: counted once"
# A NUL octet cannot be passed as an argument: the file is written here.
{ echo "$HDR"; printf 'alice@example.com,p.example,a\0,,,\n'; } > "$T/nul.csv"
out=$("$G" --origin example.com $NS -o "$T/out.zone" "$T/nul.csv" 2>&1)
expect_contains "$out" "$T/nul.csv:2: the line contains a NUL octet" "a NUL octet in a line: reported"
[ "$(cat "$T/out.zone")" = "old zone, must survive" ] && ok "existing output untouched by failed runs" \
  || fail "existing output untouched by failed runs"
[ -z "$(ls -A "$T" | grep mimi-tmp)" ] && ok "no temporary files left behind" || fail "temporary files left" "$(ls -A "$T")"
printf 'id,provider\nalice@example.com,p.example\n' > "$T/hdr.csv"
out=$("$G" --origin example.com $NS "$T/hdr.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && ok "wrong header: exit 1" || fail "wrong header: exit 1" "exit $rc"
expect_contains "$out" "$T/hdr.csv:1: expected the header line" "wrong header reported at line 1"
expect_rc 2 "no --origin: usage error" "$G" "$T/hdr.csv"
expect_rc 2 "--ttl not a number: usage error" "$G" --origin example.com --ttl x "$T/hdr.csv"
expect_rc 5 "missing CSV: local error" "$G" --origin example.com $NS "$T/nonexistent.csv"

# ---- a byte-order mark and blank-only lines are skipped (issue 16) ----------
{ printf '\xef\xbb\xbf%s\r\n' "$HDR"; printf ' \t\n'; echo "alice@example.com,chat.example.net,alice,10,,"
  printf '\t\n  \n'; } > "$T/bom.csv"
out=$("$G" --origin example.com $NS --serial 1 -o "$T/bom.zone" "$T/bom.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "BOM and blank-only lines: exit 0" || fail "BOM and blank-only lines: exit 0" "exit $rc" "$out"
grep -q 'e=chat.example.net; a=alice; p=10' "$T/bom.zone" && ok "BOM and blank-only lines: the row is written" \
  || fail "BOM and blank-only lines: the row is written"
# A BOM anywhere but the start is data: an error, not skipped.
{ echo "$HDR"; printf '\xef\xbb\xbfalice@example.com,chat.example.net,alice,10,,\n'; } > "$T/bom2.csv"
expect_rc 1 "a BOM inside the file is not skipped" "$G" --origin example.com $NS "$T/bom2.csv"
# A CSV saved on Windows (CRLF line ends) reads as the same rows.
printf '%s\n%s\n' "$HDR" "alice@example.com,chat.example.net,alice,10,," > "$T/lf.csv"
printf '%s\r\n%s\r\n' "$HDR" "alice@example.com,chat.example.net,alice,10,," > "$T/crlf.csv"
"$G" --origin example.com $NS --serial 1 -o "$T/lf.zone" "$T/lf.csv" 2>/dev/null
out=$("$G" --origin example.com $NS --serial 1 -o "$T/crlf.zone" "$T/crlf.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && cmp -s "$T/lf.zone" "$T/crlf.zone" && ok "CRLF line ends: the same zone as LF" \
  || fail "CRLF line ends: the same zone as LF" "exit $rc" "$out"

# ---- --skip-bad ------------------------------------------------------------------
{ echo "$HDR"; echo "alice@example.com,chat.example.net,alice,10,,"; echo "bad,,,,,"; } > "$T/skip.csv"
out=$("$G" --origin example.com $NS --skip-bad -o "$T/skip.zone" "$T/skip.csv" 2>&1); rc=$?
[ $rc -eq 3 ] && ok "--skip-bad: exit 3" || fail "--skip-bad: exit 3" "exit $rc" "$out"
expect_contains "$out" "1 row written, 1 invalid row skipped" "--skip-bad summary"
grep -q 'e=chat.example.net; a=alice; p=10' "$T/skip.zone" && ok "--skip-bad wrote the valid row" \
  || fail "--skip-bad wrote the valid row"

# An in-zone name server needs its address (glue), else kzonecheck refuses
# the zone (issue 16): a usage error naming the NS and NAME=ADDR.
out=$("$G" --origin example.com --ns ns1.example.com -o "$T/out.zone" "$T/skip.csv" 2>&1); rc=$?
[ $rc -eq 2 ] && ok "in-zone --ns without an address: exit 2" \
  || fail "in-zone --ns without an address: exit 2" "exit $rc" "$out"
expect_contains "$out" "--ns ns1.example.com is inside the zone example.com. and needs its address (glue): give --ns ns1.example.com=ADDR" \
  "in-zone --ns without an address: the NS and the remedy are named"
expect_rc 3 "--ns outside the zone needs no address" "$G" --origin example.com --ns ns1.example.net -o "$T/ext.zone" "$T/skip.csv" --skip-bad -q
out=$("$G" --origin example.com $NS --skip-bad --quiet -o "$T/skipq.zone" "$T/skip.csv" 2>&1); rc=$?
[ $rc -eq 3 ] && ok "--skip-bad --quiet: exit 3" || fail "--skip-bad --quiet: exit 3" "exit $rc"
expect_contains "$out" "skip.csv:3: identifier:" "--quiet: errors still shown"
case $out in *"invalid row skipped"*) fail "--quiet: no summary" "$out" ;; *) ok "--quiet: no summary" ;; esac

# Two rows of one mapping: a warning naming the earlier line, for another
# preference (both published) and for an exact duplicate (published once).
{ echo "$HDR"; echo "alice@example.com,chat.example.net,alice,10,,"
  echo "bob@example.com,chat.example.net,bob,10,,"; echo "alice@example.com,chat.example.net,alice,20,,"
  echo "alice@example.com,chat.example.net,alice,10,,"; echo "alice@example.com,talk.example.net,alice,10,,"; } > "$T/dup.csv"
out=$("$G" --origin example.com $NS --serial 1 -o "$T/dup.zone" "$T/dup.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "duplicate mappings: exit 0" || fail "duplicate mappings: exit 0" "exit $rc" "$out"
expect_contains "$out" "$T/dup.csv:4: warning: the same identifier, provider and account as line 2, with another preference" \
  "another preference: warned at the later line, naming the earlier"
expect_contains "$out" "$T/dup.csv:5: warning: the same row as line 2; it is published once" \
  "exact duplicate: warned at the later line, naming the earlier"
[ "$(printf '%s\n' "$out" | grep -c warning)" -eq 2 ] && ok "duplicate mappings: another provider is no duplicate" \
  || fail "duplicate mappings: another provider is no duplicate" "$out"
[ "$(grep -c 'a=alice; p=' "$T/dup.zone")" -eq 3 ] && ok "duplicate mappings: both preferences published, the copy once" \
  || fail "duplicate mappings: both preferences published, the copy once" "$(cat "$T/dup.zone")"

# ---- many rows: worker threads, messages in line order, same zone -----------------
# 5000 rows are several batches for the workers; bad rows (and a CSV syntax
# error) spread over them must still be reported in input order.
awk -v h="$HDR" 'BEGIN { print h
  for (i = 1; i <= 5000; i++) {
    if (i % 997 == 0) print "bad" i ",p.example,a,,,"
    else if (i == 2500) print "u@example.com,\"p.example,a,,,"
    else printf "user%05d@example.com,chat.example.net,user%05d,10,,\n", i, i } }' > "$T/many.csv"
out=$("$G" --origin example.com $NS --serial 1 --skip-bad -o "$T/many.zone" "$T/many.csv" 2>&1); rc=$?
[ $rc -eq 3 ] && ok "many rows: exit 3" || fail "many rows: exit 3" "exit $rc" "$out"
lines=$(printf '%s\n' "$out" | sed -n 's|^'"$T"'/many.csv:\([0-9]*\):.*|\1|p' | tr '\n' ' ')
[ "$lines" = "998 1995 2501 2992 3989 4986 " ] && ok "many rows: messages in line order" \
  || fail "many rows: messages in line order" "got: $lines" "$out"
expect_contains "$out" "4994 rows written, 6 invalid rows skipped" "many rows: counts"
[ "$(grep -c 'IN	TXT' "$T/many.zone")" -eq 4994 ] && ok "many rows: one TXT per valid row" \
  || fail "many rows: one TXT per valid row" "$(grep -c 'IN	TXT' "$T/many.zone")"
"$G" --origin example.com $NS --serial 1 --skip-bad -o "$T/many2.zone" "$T/many.csv" 2>/dev/null
cmp -s "$T/many.zone" "$T/many2.zone" && ok "many rows: identical zone on a second run" \
  || fail "many rows: identical zone on a second run"

# ---- the zones the end-to-end test serves ------------------------------------------
# Sample users and numbers (PROFILE §7, and more), shared with zonecheck.sh.
cp tests/fixtures/zonegen/users.csv tests/fixtures/zonegen/phones.csv "$T/"
cat > "$T/static.zone" <<'EOF'
$ORIGIN example.net.
$TTL 3600
@ SOA ns1.example.net. hostmaster.example.net. 1 3600 900 1209600 300
@ NS ns1.example.net.
ns1 A 192.0.2.53
_mimi.chat SVCB 1 chat.example.net. alpn=h2 port=8443
chat A 192.0.2.10
EOF
if "$G" --origin example.com $NS --serial 5 -o "$T/com.zone" "$T/users.csv" 2>"$T/err" &&
   "$G" --origin example.com $NS --serial 5 -o "$T/com2.zone" "$T/users.csv" 2>>"$T/err"; then
  ok "zone written"
else
  fail "zone written" "$(cat "$T/err")"
fi
cmp -s "$T/com.zone" "$T/com2.zone" && ok "identical input, identical zone" || fail "identical input, identical zone"
sed -n 2p "$T/com.zone" | grep -q "IN	SOA	.* 5 3600" && ok "SOA first, with the given serial" \
  || fail "SOA first, with the given serial" "$(head -3 "$T/com.zone")"
n=$(grep -c 'IN	TXT' "$T/com.zone")
[ "$n" -eq 7 ] && ok "7 TXT records (2 alice, 2 Bob/bob, dom, carol, jörg)" || fail "TXT count" "$n" "$(cat "$T/com.zone")"
grep -q 'a=j%C3%B6rg%20m%C3%BCller; p=5' "$T/com.zone" && ok "account percent-encoded" || fail "account percent-encoded"
grep -q '"v=MIMI1; e=chat.example.net; a=bob; t=personal,business; s=ExampleChat"' "$T/com.zone" \
  && ok "tags and service" || fail "tags and service" "$(grep bob "$T/com.zone")"
kz=$(kzonecheck -o example.com "$T/com.zone" 2>&1) && ok "kzonecheck accepts the zone" || fail "kzonecheck" "$kz"

"$G" --origin example.com $NS -o "$T/auto.zone" "$T/users.csv" 2>/dev/null
s1=$(sed -n 2p "$T/auto.zone" | awk '{print $7}')
"$G" --origin example.com $NS --serial 4000000000 -o "$T/auto.zone" "$T/users.csv" 2>/dev/null
"$G" --origin example.com $NS -o "$T/auto.zone" "$T/users.csv" 2>/dev/null
s2=$(sed -n 2p "$T/auto.zone" | awk '{print $7}')
[ "$s1" -gt 1700000000 ] && [ "$s2" = 4000000001 ] && ok "--serial auto: the time, or one more than the existing" \
  || fail "--serial auto" "$s1 $s2"

"$G" --origin e164.arpa --ns ns1.example.net --naptr --serial 5 -o "$T/arpa.zone" "$T/phones.csv" 2>"$T/err" \
  && ok "ENUM zone with --naptr" || fail "ENUM zone" "$(cat "$T/err")"
grep -q 'NAPTR	100 20 "u" "E2U+mimi" "!^.\*\$!mimi://wa.example.net/u/%2B15551234567!" \.' "$T/arpa.zone" \
  && ok "NAPTR as PROFILE §4 says" || fail "NAPTR as PROFILE §4 says" "$(grep NAPTR "$T/arpa.zone")"
printf '%s\n' "$HDR" > "$T/none.csv"
"$G" --origin example.net --template "$T/static.zone" --serial 9 -o "$T/net.zone" "$T/none.csv" 2>"$T/err" \
  && ok "template merged" || fail "template merged" "$(cat "$T/err")"
grep -q "SVCB" "$T/net.zone" && grep -q "hostmaster.example.net. 9 " "$T/net.zone" \
  && ok "template records kept, serial replaced" || fail "template records" "$(cat "$T/net.zone")"

# ---- signed (by mimi-zonegen --sign), served, looked up ----------------------------------
ok_sign=1
sign() { # ZONE OUT ARGS...: sign with keys in $T/keys-ZONE; its DS into ta.ds
  local z=$1 out=$2
  shift 2
  "$G" --origin $z --serial 5 --sign --keys "$T/keys-$z" -o "$out" "$@" 2>>"$T/sign.err" || ok_sign=0
  ldns-verify-zone "$out" >/dev/null 2>&1 || ok_sign=0
  kzonecheck -o $z -d on "$out" >/dev/null 2>&1 || ok_sign=0
  ldns-key2ds -n -2 "$(grep -l 'DNSKEY 257 ' "$T/keys-$z"/*.key)" >> "$T/ta.ds" || ok_sign=0
}
sign example.com "$T/com.zone.signed" $NS "$T/users.csv"
sign e164.arpa "$T/arpa.zone.signed" --ns ns1.example.net --naptr --nsec3 "$T/phones.csv"
sign example.net "$T/net.zone.signed" --template "$T/static.zone" "$T/none.csv"
[ $ok_sign -eq 1 ] && ok "signed by mimi-zonegen (NSEC and NSEC3): ldns-verify-zone and kzonecheck -d on accept" \
  || fail "signed zones verify" "$(cat "$T/sign.err")"
if knot_start "$T/knot" "example.com=$T/com.zone.signed" "e164.arpa=$T/arpa.zone.signed" \
     "example.net=$T/net.zone.signed"; then
  ok "knotd serves the generated zones"
  S="--server 127.0.0.1@$KNOT_PORT --trust-anchor $T/ta.ds --no-endpoints"
  check() { # ID EXPECTED-URIs (newline-separated)
    local out
    out=$("$L" $S --short "$1" 2>&1)
    [ "$out" = "$2" ] && ok "lookup $1 matches the CSV" || fail "lookup $1 matches the CSV" "got: $out" "want: $2"
  }
  check alice@example.com $'mimi://chat.example.net/u/alice\nmimi://talk.example.net/u/alice.w'
  check Bob@example.com "mimi://chat.example.net/u/bob"
  check bob@example.com "mimi://chat.example.net/u/bob"
  check dom.example.com "mimi://chat.example.net/u/dom.example.com"
  check jörg@example.com "mimi://chat.example.net/u/j%C3%B6rg%20m%C3%BCller"
  check +15551234567 "mimi://wa.example.net/u/%2B15551234567"
  check '+44 20 7946 0148' "mimi://chat.example.net/u/%2B442079460148"
  out=$("$L" $S carol@example.com 2>&1); rc=$?
  [ $rc -eq 1 ] && expect_contains "$out" "opted out" "opt-out row: opted out, validated" \
    || fail "opt-out row" "exit $rc" "$out"
  out=$("$L" --server 127.0.0.1@$KNOT_PORT --trust-anchor $T/ta.ds --json Bob@example.com 2>&1)
  expect_contains "$out" '"tags":["personal","business"],"service":"ExampleChat","ttl":3600,"dnssec":"secure"' \
    "all fields of the row, fully validated"
  expect_contains "$out" '"target":"chat.example.net.","port":8443' "endpoint from the template's SVCB"
else
  fail "knotd serves the generated zones"
fi

done_testing
