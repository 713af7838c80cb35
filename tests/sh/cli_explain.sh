#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-lookup: --explain (classification, query names, JSON), option errors, exit codes.
# MIMI_BIN: directory of the tool under test (plain or sanitizer build).
set -u
. "$(dirname "$0")/../tap.sh"
L="${MIMI_BIN:-build/bin}/mimi-lookup"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$("$L" --explain alice@example.com 2>&1); rc=$?
[ $rc -eq 0 ] && ok "explain handle exits 0" || fail "explain handle exits 0" "exit $rc" "$out"
expect_contains "$out" "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com." \
  "handle owner name is the PROFILE test vector"
expect_contains "$out" "email-style handle" "handle class shown"
expect_contains "$out" "_mimi.<provider>." "endpoint template shown"

out=$("$L" -e "+44 20 7946 0148" --enum-apex e164.example --enum-apex e164.arpa 2>&1)
expect_contains "$out" "8.4.1.0.6.4.9.7.0.2.4.4.e164.example." "first ENUM apex used first"
first=$(grep -n 'e164.example\.' <<<"$out" | head -1 | cut -d: -f1)
second=$(grep -n 'e164.arpa\.' <<<"$out" | head -1 | cut -d: -f1)
if [ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ]; then
  ok "ENUM apexes in the given order"
else
  fail "ENUM apexes in the given order" "$out"
fi

out=$("$L" -e Alice@example.com 2>&1)
expect_contains "$out" "3bc51062973c458d5a6f2d8d64a023246354ad7e064b1e4e009ec8a0._mimi.example.com." \
  "as-given local part queried first"
expect_contains "$out" "lower-cased" "case retry listed"
out=$("$L" -e --no-case-retry Alice@example.com 2>&1); rc=$?
# Exit 0, the as-given name still planned, the lower-cased one gone.
case "$rc:$out" in
  0:*3bc51062973c458d5a6f2d8d64a023246354ad7e064b1e4e009ec8a0._mimi.example.com.*)
    case "$out" in *2bd806c9*|*lower-cased*) fail "--no-case-retry drops the retry" "$out" ;;
      *) ok "--no-case-retry drops the retry" ;; esac ;;
  *) fail "--no-case-retry drops the retry" "exit $rc" "$out" ;;
esac

out=$("$L" -e mimi://chat.example.net:8443/u/%2B1555 2>&1)
expect_contains "$out" "_8443._mimi.chat.example.net." "URI with port queries _8443._mimi"
expect_contains "$out" "HTTPS  _8443._https.chat.example.net." "URI with port: HTTPS at _8443._https (RFC 9460 §9.1)"
case "$out" in *"port 443"*) fail "URI with port: no claim of port 443" "$out" ;;
  *) expect_contains "$out" "(the URI's port)" "URI with port: addresses on the URI's port" ;; esac
expect_contains "$out" "account:    +1555" "URI account decoded"

# JSON: valid, schema 1, and errors reported in it with exit 2.
json=$("$L" --explain --json alice.example.org "+15551234567" 2>/dev/null); rc=$?
[ $rc -eq 0 ] && ok "json explain exits 0" || fail "json explain exits 0" "exit $rc"
if python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["schema"]==1 and d["mode"]=="explain"; i=d["identifiers"]; assert i[0]["class"]=="domain" and i[0]["queries"][0]["name"]=="_mimi.alice.example.org." and i[1]["queries"][1]["type"]=="NAPTR", d' <<<"$json"; then
  ok "json is valid and carries the plan"
else
  fail "json is valid and carries the plan" "$json"
fi
json=$("$L" -ej alice@example.com "+1234567890123456" 2>/dev/null); rc=$?
[ $rc -eq 2 ] && ok "json with a bad identifier exits 2" || fail "json with a bad identifier exits 2" "exit $rc"
if python3 -c 'import json,sys; d=json.load(sys.stdin); e=d["identifiers"][1]; assert "16 digits" in e["error"], e; assert d["identifiers"][0]["canonical"]=="alice@example.com"' <<<"$json"; then
  ok "json error names the problem, other identifiers still explained"
else
  fail "json error names the problem, other identifiers still explained" "$json"
fi
json=$("$L" -ej 'al"i\ce@example.com' 2>/dev/null)
if python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["identifiers"][0]["local"]=="al\"i\\ce"' <<<"$json"; then
  ok "json escapes quotes and backslashes"
else
  fail "json escapes quotes and backslashes" "$json"
fi

# Usage errors and messages.
out=$("$L" -e "020 7946 0148" 2>&1); rc=$?
[ $rc -eq 2 ] && ok "number without + is a usage error" || fail "number without + is a usage error" "exit $rc"
expect_contains "$out" "no leading '+'" "message says the + is missing"
expect_rc 2 "no identifier is a usage error" "$L" --explain
expect_rc 2 "unknown option is a usage error" "$L" --no-such-option x
expect_rc 0 "--help exits 0" "$L" --help
out=$("$L" --version); expect_contains "$out" "MIMI-DNS/1" "--version names the profile"

# Lookup options: bad values are usage errors naming the problem (exit 2);
# unusable configurations are local errors (exit 5). Nothing is sent.
out=$("$L" --dnssec maybe alice@example.com 2>&1); rc=$?
[ $rc -eq 2 ] && ok "--dnssec with a bad value: exit 2" || fail "--dnssec bad value" "exit $rc"
expect_contains "$out" "use require, prefer or off" "--dnssec message lists the values"
out=$("$L" --server 300.1.1.1 alice@example.com 2>&1); rc=$?
[ $rc -eq 2 ] && ok "--server with a bad address: exit 2" || fail "--server bad address" "exit $rc"
expect_contains "$out" "server '300.1.1.1' is not an IPv4 or IPv6 address" "--server message names the address"
out=$("$L" --server 127.0.0.1@99999 alice@example.com 2>&1)
expect_contains "$out" "port '99999' is not 1-65535" "--server message names the port"
expect_rc 2 "--stub without '=' is a usage error" "$L" --stub example.com alice@example.com
expect_rc 2 "--timeout 0 is a usage error" "$L" --timeout 0 alice@example.com
expect_rc 2 "--enum-apex that is not a domain is a usage error" "$L" --enum-apex 'a..b' +15551234567
out=$("$L" --server 127.0.0.1@9 --trust-anchor /nonexistent/ta alice@example.com 2>&1); rc=$?
[ $rc -eq 5 ] && ok "missing trust anchor file: exit 5" || fail "missing trust anchor file" "exit $rc"
expect_contains "$out" "trust anchor file /nonexistent/ta" "message names the trust anchor file"
printf 'example.com. IN DS 1 13 2 zz\n' > "$T/bad.ds"
out=$("$L" --server 127.0.0.1@9 --trust-anchor "$T/bad.ds" alice@example.com 2>&1); rc=$?
[ $rc -eq 5 ] && ok "garbage trust anchor: exit 5 at start" || fail "garbage trust anchor" "exit $rc" "$out"
expect_contains "$out" "trust anchor file $T/bad.ds:1: not a DS or DNSKEY record" \
  "garbage trust anchor: message names the file and line"
# Anchors libunbound would load but that could never validate, and files it
# would choke on (since unbound 1.22 that ends the process): libmimi refuses
# each at start, with a message, exit 5; the process is never ended for it.
ta_bad() { # FILE-TEXT MESSAGE-PART TEST-NAME
  printf '%b' "$1" > "$T/ta"
  out=$("$L" --server 127.0.0.1@9 --timeout 500 --trust-anchor "$T/ta" alice@example.com 2>&1); rc=$?
  if [ $rc -eq 5 ] && [[ $out == *"$2"* ]]; then ok "$3: exit 5"; else fail "$3" "exit $rc" "$out"; fi
}
ta_bad 'example.com. IN DS 1 13 2 abcd\n' "DS digest of type 2 must be 32 octets, not 2" "DS digest too short"
ta_bad '; keys\nexample.com. IN DNSKEY 257 3 13 AAAA\n' ":2: DNSKEY public key of algorithm 13 must be 64 octets" "P-256 key too short"
ta_bad 'example.com. IN DS 1 250 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n' \
  "DNSSEC algorithm 250 is not one" "unknown algorithm"
ta_bad '' "no DS or DNSKEY record" "empty anchor file"
ta_bad 'example.com. IN A 192.0.2.1\n' "not a DS or DNSKEY record" "an A record as anchor"
ta_bad '$INCLUDE /etc/hostname\n' '$INCLUDE is not supported' '$INCLUDE in an anchor file'
out=$("$L" --backend cares --server 127.0.0.1@9 alice@example.com 2>&1); rc=$?
[ $rc -eq 5 ] && ok "c-ares backend with policy require: exit 5" || fail "c-ares with require" "exit $rc"
expect_contains "$out" "c-ares backend does not validate DNSSEC" "message says why"

# --explain says where the queries would go.
# (MIMI_RESOLV_CONF stands for /etc/resolv.conf: here, one without resolvers.)
: > "$T/resolv-empty"
out=$(MIMI_RESOLV_CONF="$T/resolv-empty" "$L" -e alice@example.com 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(head -n 1 <<< "$out")" = "; queries go to: no server given: iteration from the root servers (no resolver in $T/resolv-empty)" ] \
  && ok "--explain: iteration from the root when no server is given nor configured" || fail "--explain without a server" "exit $rc" "$out"
out=$("$L" -e -s 127.0.0.1@5300 --stub e164.arpa=127.0.0.2 --json alice@example.com 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out == *'"servers":["127.0.0.1@5300"],"stubs":["e164.arpa=127.0.0.2"]'* ]] \
  && ok "--explain --json: the servers and stubs" || fail "--explain --json servers" "exit $rc" "$out"

# ---- odd input: understood, or a usage error naming the problem ----------------
# A byte-order mark at the start of a --batch file is not part of the first
# identifier; one inside an identifier is refused by name.
printf '\xef\xbb\xbfalice@example.com\n+44 (0)20 7946 0148\n' > "$T/bom.txt"
out=$("$L" -e --json --batch "$T/bom.txt" 2>&1); rc=$?
if [ $rc -eq 0 ] && [[ $out == *'"input":"alice@example.com","class":"handle"'* ]] &&
   [[ $out == *'"canonical":"+442079460148"'* ]]; then
  ok "--batch: a leading BOM skipped; (0) trunk prefix dropped"
else
  fail "--batch with a BOM" "exit $rc" "$out"
fi
printf 'bob@example.com\n' > "$T/b2.txt"
out=$("$L" -e --batch "$T/bom.txt" --batch "$T/b2.txt" 2>&1); rc=$?
[ $rc -eq 2 ] && [[ $out == *"--batch given twice"* ]] && ok "--batch twice: exit 2, said" \
  || fail "--batch twice" "exit $rc" "$out"
out=$("$L" -e --json carol@example.com --batch "$T/b2.txt" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out == *'"input":"carol@example.com"'*'"input":"bob@example.com"'* ]] \
  && ok "--explain: the command line's identifiers, then the batch's" || fail "--explain with --batch" "exit $rc" "$out"
out=$("$L" -e "$(printf 'al\xe2\x80\x8bice@example.com')" 2>&1); rc=$?
[ $rc -eq 2 ] && ok "a zero-width space: exit 2" || fail "a zero-width space: exit 2" "exit $rc" "$out"
expect_contains "$out" 'mimi-lookup: al\u{200B}ice@example.com: identifier contains a zero-width space (U+200B) at octet 3' \
  "the message shows the invisible character and names it"
for bad in 'sip:alice@example.com' 'alice@@example.com' '@' '-'; do
  out=$("$L" -e "$bad" 2>&1); rc=$?
  case "$rc:$out" in
    2:*phone*) fail "'$bad': exit 2, not a phone number" "$out" ;;
    2:*"mimi-lookup: $bad: "*) ok "'$bad': exit 2, named" ;;
    *) fail "'$bad': exit 2" "exit $rc" "$out" ;;
  esac
done
# A very long input is not echoed whole (the message: standard error).
out=$("$L" -e "$(head -c 100000 /dev/zero | tr '\0' a)" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && [ ${#out} -lt 400 ] && ok "a 100 kB input: exit 2, message of ${#out} characters" \
  || fail "a 100 kB input" "exit $rc, ${#out} characters"
# A name too long for the DNS: the same exit status for a lookup, its JSON
# and --explain (2, a usage error).
long="alice@$(for i in 1 2 3 4; do printf '%063d.' 0 | tr 0 a; done)com"
"$L" --server 127.0.0.1@9 --dnssec off "$long" >/dev/null 2>&1; rc1=$?
j=$("$L" --server 127.0.0.1@9 --dnssec off --json "$long" 2>/dev/null)
"$L" -e "$long" >/dev/null 2>&1; rc3=$?
[ "$rc1 $rc3" = "2 2" ] && [[ $j == *'"exit":2'* ]] && ok "a name too long: exit 2 everywhere" \
  || fail "a name too long: exit 2 everywhere" "lookup $rc1, explain $rc3" "$j"

done_testing
