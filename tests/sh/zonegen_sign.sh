#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonegen --sign: zones signed with NSEC and NSEC3, with generated
# (--keys DIR) and ldns-keygen keys, accepted by kzonecheck -d on and
# ldns-verify-zone; a tampered signature is caught; identical output but
# for the ECDSA signatures; delegations and wildcards; key errors name the
# file and write nothing. (zonegen.sh serves a signed zone to mimi-lookup.)
# MIMI_BIN: directory of the tools under test (plain or sanitizer build).
set -u
. "$(dirname "$0")/../tap.sh"
BIN=${MIMI_BIN:-build/bin}
G="$BIN/mimi-zonegen"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
HDR="identifier,provider,account,preference,tags,service"
NS="--ns ns1.example.com=192.0.2.53"
TIMES="--inception 1767225600 --expiration 20360101000000"

cat > "$T/users.csv" <<EOF
$HDR
alice@example.com,chat.example.net,alice,10,personal,examplechat
alice@example.com,talk.example.net,alice.w,20,,
Bob@example.com,chat.example.net,bob,,"personal,business",ExampleChat
dom.example.com,chat.example.net,dom.example.com,,,
carol@example.com,,,,,
EOF

verifies() { # NAME ZONE-FILE: both validators accept it
  local out
  if out=$(ldns-verify-zone "$2" 2>&1); then ok "$1: ldns-verify-zone accepts"
  else fail "$1: ldns-verify-zone accepts" "$out"; fi
  if out=$(kzonecheck -o example.com -d on "$2" 2>&1); then ok "$1: kzonecheck -d on accepts"
  else fail "$1: kzonecheck -d on accepts" "$out"; fi
}

# ---- generated keys ----------------------------------------------------------------
if "$G" --origin example.com $NS --serial 7 --sign --keys "$T/keys" -o "$T/nsec.zone" \
     "$T/users.csv" 2>"$T/err"; then
  ok "--keys DIR: signed (NSEC)"
else
  fail "--keys DIR: signed (NSEC)" "$(cat "$T/err")"
fi
expect_contains "$(cat "$T/err")" "new keys in $T/keys" "new keys reported"
n=$(ls "$T/keys" | grep -c '^Kexample\.com\.+013+[0-9]*\.\(key\|private\)$')
[ "$n" -eq 4 ] && ok "a KSK and a ZSK, BIND file names" || fail "key files" "$(ls -la "$T/keys")"
modes=$(stat -c %a "$T"/keys/*.private | sort -u)
[ "$modes" = 600 ] && ok "private keys mode 0600" || fail "private keys mode 0600" "$modes"
grep -q 'DNSKEY 257 3 13 ' "$T"/keys/*.key && grep -q 'DNSKEY 256 3 13 ' "$T"/keys/*.key \
  && ok "KSK flags 257, ZSK 256, algorithm 13" || fail "key flags" "$(cat "$T"/keys/*.key)"
verifies "NSEC" "$T/nsec.zone"
[ "$(grep -c 'IN	DNSKEY	' "$T/nsec.zone")" -eq 2 ] && ok "DNSKEY RRset at the apex" \
  || fail "DNSKEY RRset at the apex"
ksk=$(grep -l 'DNSKEY 257 ' "$T"/keys/*.key)
kt=${ksk##*+}; kt=$((10#${kt%.key}))
grep -qE "RRSIG	DNSKEY 13 2 3600 [0-9]+ [0-9]+ $kt example.com. " "$T/nsec.zone" \
  && ok "DNSKEY RRset signed by the KSK" || fail "DNSKEY RRset signed by the KSK" "$(grep 'RRSIG	DNSKEY' "$T/nsec.zone")"
[ "$(grep -c 'RRSIG	DNSKEY' "$T/nsec.zone")" -eq 1 ] && ok "... and by the KSK only" \
  || fail "DNSKEY signed by the KSK only"
sed -n 2p "$T/nsec.zone" | grep -q 'IN	SOA	' && ok "SOA first" || fail "SOA first" "$(head -3 "$T/nsec.zone")"
grep -q '^example.com.	300	IN	NSEC	.* NS SOA RRSIG NSEC DNSKEY$' "$T/nsec.zone" \
  && ok "apex NSEC: TTL min(SOA TTL, MINIMUM), its type bit map" \
  || fail "apex NSEC" "$(grep '	NSEC	' "$T/nsec.zone" | head -2)"

"$G" --origin example.com $NS --serial 7 --sign --nsec3 --keys "$T/keys" -o "$T/nsec3.zone" \
  "$T/users.csv" 2>"$T/err" && ok "--nsec3: signed" || fail "--nsec3: signed" "$(cat "$T/err")"
[ "$(ls "$T/keys" | wc -l)" -eq 4 ] && ok "keys reused, none added" || fail "keys reused" "$(ls "$T/keys")"
verifies "NSEC3" "$T/nsec3.zone"
grep -q '^example.com.	300	IN	NSEC3PARAM	1 0 0 -$' "$T/nsec3.zone" \
  && ok "NSEC3PARAM 1 0 0 - (RFC 9276)" || fail "NSEC3PARAM" "$(grep NSEC3PARAM "$T/nsec3.zone")"
# 5 owner names, the apex, ns1, and the empty non-terminals _mimi and dom
n=$(grep -c '	NSEC3	1 0 0 - ' "$T/nsec3.zone")
[ "$n" -eq 9 ] && ok "an NSEC3 for every name, empty non-terminals included" || fail "NSEC3 count" "$n"
grep -qE '	NSEC3	1 0 0 - [0-9a-v]{32}$' "$T/nsec3.zone" && ok "empty non-terminals: empty bit map" \
  || fail "empty non-terminal NSEC3"
# The keys work with ldns-signzone too (BIND format).
"$G" --origin example.com $NS --serial 7 -o "$T/plain.zone" "$T/users.csv" 2>/dev/null
cat "$T"/keys/*.key >> "$T/plain.zone"
zsk=$(grep -l 'DNSKEY 256 ' "$T"/keys/*.key)
if out=$(ldns-signzone -f "$T/ldns.zone" "$T/plain.zone" "${ksk%.key}" "${zsk%.key}" 2>&1) &&
   ldns-verify-zone "$T/ldns.zone" >/dev/null 2>&1; then
  ok "generated keys are usable by ldns-signzone"
else
  fail "generated keys are usable by ldns-signzone" "$out"
fi

# ---- reproducible ------------------------------------------------------------------------
nosig() { grep -v '	RRSIG	' "$1"; }
"$G" --origin example.com $NS --serial 7 --sign --nsec3 --keys "$T/keys" $TIMES -o "$T/r1.zone" "$T/users.csv" 2>/dev/null
"$G" --origin example.com $NS --serial 7 --sign --nsec3 --keys "$T/keys" $TIMES --threads 1 -o "$T/r2.zone" "$T/users.csv" 2>/dev/null
if cmp -s <(nosig "$T/r1.zone") <(nosig "$T/r2.zone") &&
   cmp -s <(cut -f1-4 "$T/r1.zone") <(cut -f1-4 "$T/r2.zone") &&
   [ "$(grep -c '	RRSIG	' "$T/r1.zone")" -gt 0 ]; then
  ok "identical input and keys: identical zone but for the ECDSA signatures"
else
  fail "identical output but for signatures" "$(diff <(nosig "$T/r1.zone") <(nosig "$T/r2.zone") | head)"
fi
grep -q 'RRSIG	SOA 13 2 3600 20360101000000 20260101000000 ' "$T/r1.zone" \
  && ok "--inception/--expiration (YYYYMMDDHHMMSS and Unix seconds)" \
  || fail "--inception/--expiration" "$(grep 'RRSIG	SOA' "$T/r1.zone")"
verifies "fixed validity" "$T/r1.zone"

# Enough names for the threads to share the sorting, hashing and signing.
awk 'BEGIN { print "identifier,provider,account,preference,tags,service";
  for (i = 0; i < 5000; i++) printf "user%05d@example.com,chat.example.net,u%d,,,\n", i, i }' > "$T/many.csv"
"$G" --origin example.com $NS --serial 7 --sign --nsec3 --keys "$T/keys" $TIMES --threads 1 \
  -o "$T/t1.zone" "$T/many.csv" 2>/dev/null
"$G" --origin example.com $NS --serial 7 --sign --nsec3 --keys "$T/keys" $TIMES --threads 3 \
  -o "$T/t3.zone" "$T/many.csv" 2>/dev/null
if cmp -s <(nosig "$T/t1.zone") <(nosig "$T/t3.zone") && [ "$(grep -c '	NSEC3	' "$T/t3.zone")" -eq 5003 ]; then
  ok "5000 users: 1 and 3 threads write the same zone"
else
  fail "5000 users: 1 and 3 threads write the same zone" "$(diff <(nosig "$T/t1.zone") <(nosig "$T/t3.zone") | head -5)"
fi
out=$(kzonecheck -o example.com -d on "$T/t3.zone" 2>&1) && ok "5000 users, 3 threads: kzonecheck -d on accepts" \
  || fail "5000 users, 3 threads: kzonecheck -d on accepts" "$out"

# ---- the verifier used above can fail ---------------------------------------------------
# Not a check of the project (nothing is counted when it holds): a guard
# that "verifies" would notice a bad signature, else the checks above that
# use it test nothing.
awk '/RRSIG\tTXT/ && !done { n = split($0, f, " "); s = f[n];
       f[n] = (substr(s, 1, 1) == "A" ? "B" : "A") substr(s, 2); $0 = f[1];
       for (i = 2; i <= n; i++) $0 = $0 " " f[i]; done = 1 } { print }' "$T/r1.zone" > "$T/bad.zone"
if cmp -s "$T/r1.zone" "$T/bad.zone" || ldns-verify-zone "$T/bad.zone" >/dev/null 2>&1; then
  fail "guard: ldns-verify-zone rejects a zone whose signature was changed" \
    "the verification checks of this file cannot fail"
fi

# ---- ldns-keygen keys: .private, .key, and the common prefix ----------------------------
cd "$T"
k=$(ldns-keygen -a ECDSAP256SHA256 -k example.com) && z=$(ldns-keygen -a ECDSAP256SHA256 example.com)
r=$(ldns-keygen -a RSASHA256 -b 1024 example.com)
ed=$(ldns-keygen -a ED25519 example.com)
cd - >/dev/null
# A key of another algorithm is refused by its number and name, so that the
# user sees which key it was.
out=$("$G" --origin example.com $NS --sign --ksk "$T/$ed" --zsk "$T/$ed" -o "$T/ed.zone" "$T/users.csv" 2>&1)
expect_contains "$out" "algorithm 15 (ED25519) is not supported" "an Ed25519 key: refused, named"
for form in private key base; do
  case $form in
    private) ka="$T/$k.private"; za="$T/$z.private" ;;
    key) ka="$T/$k.key"; za="$T/$z.key" ;;
    base) ka="$T/$k"; za="$T/$z" ;;
  esac
  "$G" --origin example.com $NS --serial 7 --sign --nsec3 --ksk "$ka" --zsk "$za" \
    -o "$T/lk-$form.zone" "$T/users.csv" 2>"$T/err" && ok "ldns-keygen keys as --ksk/--zsk $form" \
    || fail "ldns-keygen keys as --ksk/--zsk $form" "$(cat "$T/err")"
done
verifies "ldns-keygen keys, NSEC3" "$T/lk-base.zone"
"$G" --origin example.com $NS --sign --ksk "$T/$k" --zsk "$T/$z" -o "$T/lk-nsec.zone" "$T/users.csv" 2>/dev/null
verifies "ldns-keygen keys, NSEC" "$T/lk-nsec.zone"

# ldns writes the private scalar without leading zero octets: 31 octets for
# about 1 key in 256 (a test-only key, kept because it is such a key).
sk=tests/fixtures/zonegen/keys/Kexample.com.+013+08446
# (A guard, not a check of the project: the fixture must stay such a key.)
[ "$(sed -n 's/^PrivateKey: //p' "$sk.private" | base64 -d | wc -c)" -eq 31 ] ||
  fail "guard: the fixture key has a 31-octet private scalar" "the next checks would test nothing"
"$G" --origin example.com $NS --sign --ksk "$sk" --zsk "$sk" -o "$T/short.zone" "$T/users.csv" \
  2>"$T/err" && ok "31-octet private key accepted" || fail "31-octet private key accepted" "$(cat "$T/err")"
verifies "31-octet private key" "$T/short.zone"

# ---- delegations, glue, wildcards -----------------------------------------------------
cat > "$T/tmpl.zone" <<'EOF'
$ORIGIN example.com.
$TTL 3600
@ SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 600
@ NS ns1.example.com.
ns1 A 192.0.2.53
sub NS ns.sub.example.com.
sub DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns.sub A 192.0.2.54
insecure NS ns.example.net.
*.wild TXT "v=MIMI1; e=chat.example.net"
a.b.c.deep TXT "x"
EOF
for mode in "" --nsec3; do
  "$G" --origin example.com --template "$T/tmpl.zone" --serial 7 --sign $mode --keys "$T/keys" \
    -o "$T/deleg.zone" "$T/users.csv" 2>"$T/err" || fail "template with delegations ${mode:-NSEC}" "$(cat "$T/err")"
  verifies "delegations, glue, wildcard ${mode:---nsec}" "$T/deleg.zone"
  if grep -qE '^(sub|ns\.sub|insecure)\.example\.com\.	[0-9]+	IN	RRSIG	(NS|A) ' "$T/deleg.zone"; then
    fail "NS at a delegation and glue unsigned ${mode:-NSEC}" "$(grep -E '^(sub|ns.sub|insecure)' "$T/deleg.zone")"
  else
    ok "NS at a delegation and glue unsigned ${mode:---nsec}"
  fi
  grep -q '^sub.example.com.	3600	IN	RRSIG	DS ' "$T/deleg.zone" && ok "DS signed ${mode:---nsec}" \
    || fail "DS signed ${mode:-NSEC}"
done
grep -q '^\*\.wild\.example\.com\.	3600	IN	RRSIG	TXT 13 3 ' "$T/deleg.zone" \
  && ok "wildcard: the labels field does not count *" || fail "wildcard labels" "$(grep '^\*' "$T/deleg.zone")"
grep -q '^ns\.sub\.example\.com\.	.*NSEC' "$T/deleg.zone" && fail "glue has no NSEC" || ok "glue has no NSEC"

# ---- errors: the file is named, nothing written ------------------------------------------
printf 'old zone, must survive\n' > "$T/out.zone"
out=$("$G" --origin example.com $NS --sign --ksk "$T/nonexistent" --zsk "$T/$z" -o "$T/out.zone" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && ok "missing key: exit 1" || fail "missing key: exit 1" "exit $rc" "$out"
expect_contains "$out" "$T/nonexistent.key: No such file or directory" "missing key: the file is named"
rm -f "$T/$z.private.x"; mv "$T/$z.private" "$T/$z.private.x"
out=$("$G" --origin example.com $NS --sign --ksk "$T/$k" --zsk "$T/$z" -o "$T/out.zone" "$T/users.csv" 2>&1)
expect_contains "$out" "$T/$z.private: No such file or directory" "missing .private: the file is named"
mv "$T/$z.private.x" "$T/$z.private"
out=$("$G" --origin example.com $NS --sign --ksk "$T/$r" --zsk "$T/$z" -o "$T/out.zone" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "algorithm 8 (RSASHA256) is not supported" "RSA key: the algorithm is named" \
  || fail "RSA key refused" "exit $rc" "$out"
{ head -n 1 "$T/users.csv"; echo "alice@example.org,chat.example.net,alice,,,"; } > "$T/org.csv"
out=$("$G" --origin example.org --ns ns1.example.net --sign --ksk "$T/$k" --zsk "$T/$z" "$T/org.csv" 2>&1); rc=$?
expect_contains "$out" "a key of example.com., not of the zone example.org." "a key of another zone refused"

# --keys DIR makes keys only for a run that writes (issue 16): bad input, a
# bad template or an output that cannot be opened leave no keys behind.
{ head -n 1 "$T/users.csv"; echo "bad,,,,,"; } > "$T/badrow.csv"
out=$("$G" --origin example.com $NS --sign --keys "$T/nokeys1" -o "$T/nk.zone" "$T/badrow.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && ok "--keys with invalid rows: exit 1" || fail "--keys with invalid rows: exit 1" "exit $rc" "$out"
expect_contains "$out" "nothing written" "--keys with invalid rows: nothing written"
[ ! -e "$T/nokeys1" ] && ok "--keys with invalid rows: no keys made" \
  || fail "--keys with invalid rows: no keys made" "$(ls -la "$T/nokeys1")"
printf '$ORIGIN example.com.\n@ 3600 IN NS ns1.example.net.\n' > "$T/nosoa.zone"
out=$("$G" --origin example.com --template "$T/nosoa.zone" --sign --keys "$T/nokeys2" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && ok "--keys with a template without SOA: exit 1" \
  || fail "--keys with a template without SOA: exit 1" "exit $rc" "$out"
[ ! -e "$T/nokeys2" ] && ok "--keys with a bad template: no keys made" \
  || fail "--keys with a bad template: no keys made" "$(ls -la "$T/nokeys2")"
out=$("$G" --origin example.com $NS --sign --keys "$T/nokeys3" -o "$T/no/such/dir.zone" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 5 ] && [ ! -e "$T/nokeys3" ] && ok "--keys with an unwritable output: exit 5, no keys made" \
  || fail "--keys with an unwritable output: exit 5, no keys made" "exit $rc" "$out"
out=$("$G" --origin example.com $NS --sign --keys "$T/newkeys" -o "$T/nk.zone" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ls "$T/newkeys"/Kexample.com.+013+*.private >/dev/null 2>&1 \
  && ok "--keys with good input: keys made, zone written" \
  || fail "--keys with good input: keys made, zone written" "exit $rc" "$out"
expect_contains "$out" "new keys in $T/newkeys" "--keys: the new keys are reported"

# A public key that is no point on the curve (64 octets of 0xff): refused with
# a message (it was freed twice: found by fuzz_keyfile).
mkdir -p "$T/badpt"
sed -E 's|(DNSKEY[[:space:]]+[0-9]+[[:space:]]+3[[:space:]]+13[[:space:]]+).*|\1'"$(printf '\377%.0s' $(seq 1 64) | base64 -w0)"'|' \
  "$T/$z.key" > "$T/badpt/$z.key"
cp "$T/$z.private" "$T/badpt/$z.private"
out=$("$G" --origin example.com $NS --sign --ksk "$T/$k" --zsk "$T/badpt/$z" -o "$T/out.zone" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "$T/badpt/$z.private does not match $T/badpt/$z.key" \
  "a public key off the curve: exit 1, the files named" || fail "a public key off the curve" "exit $rc" "$out"
[ "$(cat "$T/out.zone")" = "old zone, must survive" ] && ok "nothing written after key errors" \
  || fail "nothing written after key errors"
[ -z "$(ls -A "$T" | grep mimi-tmp)" ] && ok "no temporary files left behind" || fail "temporary files left"
expect_rc 2 "--sign --nsec3 --format lmdb: usage error (a database has no chain)" "$G" \
  --origin example.com --format lmdb -o "$T/db" --sign --nsec3 --keys "$T/keys" "$T/users.csv"
expect_rc 2 "--resign without --update: usage error" "$G" --origin example.com --format lmdb \
  -o "$T/db" --sign --resign --keys "$T/keys" "$T/users.csv"
# A signed database (mimi-lmdb(5) format 2): an RRSIG after each RRset,
# the records count without them; updates keep it signed, by its ZSK.
out=$("$G" --origin example.com --format lmdb -o "$T/sdb" --sign --keys "$T/keys" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" ", signed by ZSK " "--sign --format lmdb: a signed database" \
  || fail "signed database" "exit $rc" "$out"
smeta() { mdb_dump -p -s meta "$T/sdb" | awk -v k=" $1" '$0 == k { getline; sub(/^ /, ""); print; exit }'; }
[ "$(smeta format)" = 2 ] && [ "$(smeta zsk)" -gt 0 ] && [ "$(smeta expires)" -gt "$(date +%s)" ] \
  && ok "meta: format 2, zsk, expires" || fail "signed meta" "$(mdb_dump -p -s meta "$T/sdb")"
n_unsigned=$("$G" --origin example.com --format lmdb -o "$T/udb" "$T/users.csv" 2>&1 | sed -n 's/.*: \([0-9]*\) records.*/\1/p')
[ "$(smeta records)" = "$n_unsigned" ] && ok "signatures are not counted as records ($n_unsigned)" \
  || fail "records count" "$(smeta records) vs $n_unsigned"
out=$("$G" --origin example.com --format lmdb --update -o "$T/sdb" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "is signed; update it with --sign" "an unsigned update of a signed database is refused" \
  || fail "unsigned update of signed" "exit $rc" "$out"
out=$("$G" --origin example.com --format lmdb --update --sign --keys "$T/keys" -o "$T/udb" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "is not signed; rebuild it with --sign" "a signed update of an unsigned database is refused" \
  || fail "signed update of unsigned" "exit $rc" "$out"
expect_rc 2 "--sign without keys: usage error" "$G" --origin example.com $NS --sign "$T/users.csv"
expect_rc 2 "--nsec3 without --sign: usage error" "$G" --origin example.com $NS --nsec3 "$T/users.csv"
expect_rc 2 "a validity of 68 years or more is refused (RFC 4034 §3.1.5)" "$G" --origin example.com $NS \
  --sign --keys "$T/keys" --inception 20260101000000 --expiration 4102444800 "$T/users.csv"
expect_rc 2 "bad --inception: usage error" "$G" --origin example.com $NS --sign --keys "$T/keys" \
  --inception 2026-01-01 "$T/users.csv"
printf '$ORIGIN example.com.\n@ 3600 SOA ns1 h 1 3600 900 1209600 300\n@ 3600 NS ns1\n@ 3600 RRSIG SOA 13 2 3600 20300101000000 20200101000000 1 example.com. AAAA\n' > "$T/signed-tmpl.zone"
out=$("$G" --origin example.com --template "$T/signed-tmpl.zone" --sign --keys "$T/keys" "$T/users.csv" 2>&1); rc=$?
[ $rc -ne 0 ] && expect_contains "$out" "signed already" "a signed template is refused" \
  || fail "a signed template is refused" "exit $rc"
printf '$ORIGIN example.com.\n@ 3600 SOA ns1 h 1 3600 900 1209600 300\n@ 3600 NS ns1\nns1 3600 A 192.0.2.1\nns1 60 A 192.0.2.2\n' > "$T/ttl-tmpl.zone"
out=$("$G" --origin example.com --template "$T/ttl-tmpl.zone" --sign --keys "$T/keys" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "the RRset ns1.example.com. A has records with different TTLs" \
  "an RRset with two TTLs is refused" || fail "an RRset with two TTLs is refused" "exit $rc" "$out"

done_testing
