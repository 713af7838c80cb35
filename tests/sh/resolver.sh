#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The resolver against the real thing: knotd on 127.0.0.1 serving fixture
# zones signed with fresh keys (tests/fixtures/mkfixtures.sh), validated by
# libunbound; the same fixtures through the c-ares backend; the async API
# contract (tests/integration/itest_async.c).
# MIMI_BIN: directory of mimi-lookup under test; MIMI_VARIANT: rel or asan.
set -u
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lib/knot.sh"
B=${B:-build}
VARIANT=${MIMI_VARIANT:-rel}
L="${MIMI_BIN:-$B/bin}/mimi-lookup"
T=$(mktemp -d)
trap 'knot_stop; rm -rf "$T"' EXIT

if ! MIMI_LOOKUP="$L" bash tests/fixtures/mkfixtures.sh "$T/fx" > "$T/mk.log" 2>&1; then
  fail "fixtures build" "$(cat "$T/mk.log")"
  done_testing
  exit 1
fi
ok "fixtures built and signed with fresh keys"
# shellcheck disable=SC2046
if ! knot_start "$T/knot" $(cat "$T/fx/zones"); then
  fail "knotd starts"
  done_testing
  exit 1
fi
ok "knotd serves the fixtures on 127.0.0.1@$KNOT_PORT"
# The zone whose file is missing must be the only one that failed to load.
grep -q 'error: \[broken.example.com.\]' "$KNOT_DIR/knotd.log" \
  && ok "knotd log: the broken zone did not load" \
  || fail "knotd log: the broken zone did not load" "$(cat "$KNOT_DIR/knotd.log")"
others=$(grep -E 'error:|warning:' "$KNOT_DIR/knotd.log" | grep -v 'broken.example.com')
[ -z "$others" ] && ok "knotd log: every other zone loaded" || fail "knotd log: other errors" "$others"

SRV="127.0.0.1@$KNOT_PORT"
TA="$T/fx/trust-anchors.ds"
# A port where nothing listens: knotd's port + 1, confirmed with kdig (no
# answer over UDP), so that the timeout tests below test a dead server.
DEAD="127.0.0.1@$((KNOT_PORT + 1))"
if kdig @127.0.0.1 -p $((KNOT_PORT + 1)) +time=1 +retry=0 +notcp SOA example.com 2>&1 |
     grep -q 'status: '; then
  fail "the dead port $DEAD does not answer" "something answers there"
else
  ok "the dead port $DEAD does not answer (kdig)"
fi
run() { "$L" --server "$SRV" --trust-anchor "$TA" --timeout 4000 "$@" 2>&1; }

# expect RC NAME ARGS... : exit status of mimi-lookup
expect() {
  local want=$1 name=$2 out rc
  shift 2
  out=$(run "$@"); rc=$?
  LAST=$out
  if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; else fail "$name" "exit $rc, want $want" "$out"; fi
}
has() { expect_contains "$LAST" "$1" "$2"; }
lacks() { case "$LAST" in *"$1"*) fail "$2" "output has: $1" ;; *) ok "$2" ;; esac; }

# ---- handles and outcomes ---------------------------------------------------
expect 0 "handle found" --no-endpoints alice@example.com
has "2 mappings" "two mappings"
has $'mimi://chat.example.net/u/alice\tp=10\tt=personal\ts=examplechat\tttl=3600' "first mapping, all fields"
has $'mimi://talk.example.org/u/alice.w\tp=20' "second mapping after it (preference order)"
has "; fully validated" "trust line: fully validated"

expect 0 "upper-case local part found by the lower-case retry" --no-endpoints --trace Alice@example.com
has "3bc51062973c458d5a6f2d8d64a023246354ad7e064b1e4e009ec8a0._mimi.example.com. TXT: rcode 3" "first the as-given name (NXDOMAIN)"
has "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com. TXT: rcode 0, secure, 2 records from $SRV," "then the lower-case name: 2 records, and who answered"
expect 1 "--no-case-retry: not found" --no-endpoints --no-case-retry Alice@example.com
# What went on the wire (issue 15): the retry went out with the as-given
# name; the validator's keys were asked ahead of the first query; the same
# lookup again in the same context is answered from the answer cache.
expect 0 "trace: ahead, keys and cache" --no-endpoints --trace --in-flight 1 Alice@example.com Alice@example.com
has "TXT: rcode 0, secure, 2 records from $SRV, " "trace: the retry, sent ahead"
has "[step 2, sent at +" "trace: the step and when it was sent"
has ", ahead]" "trace: marked as sent ahead"
has "example.com. DNSKEY: key of the validation chain, asked ahead  [step 1, sent at +" \
  "trace: the zone's DNSKEY asked ahead of the first query"
has "TXT: rcode 0, secure, 2 records from cache, " "trace: the second lookup from the answer cache"
expect 0 "trace, JSON: kinds" --no-endpoints --trace --json --in-flight 1 Alice@example.com Alice@example.com
has '"type":"DNSKEY","rcode":null' "JSON trace: the key query"
has '"kind":"keys"' "JSON trace: kind keys"
has '"kind":"cached"' "JSON trace: kind cached"
has '"ahead":true,"used":true' "JSON trace: the retry was sent ahead and used"

expect 1 "opt-out record: exit 1" carol@example.com
has "opted out" "opt-out is reported as such"
expect 0 "invalid records skipped, valid one kept" --no-endpoints dave@example.com
has "1 mapping" "one mapping of four TXT records"
has "tag 'p' value '70000' is out of range 0-65535" "warning names the bad record's problem"
lacks "site-verification" "foreign TXT ignored silently"
lacks "MIMI2" "future version ignored silently"
expect 0 "CNAME at the owner name followed" --no-endpoints erin@example.com
has "mimi://chat.example.net/u/erin" "mapping from the CNAME target"
expect 0 "TXT RRset too large for UDP (TC, then TCP)" --no-endpoints big@example.com
has "12 mappings" "all twelve mappings"
expect 1 "NODATA is not found" --no-endpoints frank@example.com
has "not found" "NODATA: not found"
expect 1 "NXDOMAIN is not found" --no-endpoints nobody@example.com
has "; fully validated" "the denial is validated"
expect 0 "domain handle" --no-endpoints bob.example.com
has "mimi://chat.example.net/u/bob.example.com" "domain handle mapping"

# ---- DNSSEC ---------------------------------------------------------------------
expect 3 "unsigned zone under policy require: DNSSEC failure" u@unsigned.example.com
has "the answer is insecure" "reason: insecure under require"
expect 0 "unsigned zone under policy prefer: accepted" --dnssec prefer --no-endpoints u@unsigned.example.com
has "; unsigned answer" "marked as unsigned"
expect 3 "tampered rdata: bogus" t@tampered.example.com
has "; bogus: " "bogus trust line"
lacks "evil" "the tampered data is never shown"
expect 3 "tampered rdata is bogus under policy off too" --dnssec off t@tampered.example.com
lacks "evil" "never shown under policy off either"
expect 3 "expired signatures: bogus" x@expired.example.com
has "(EDE 7)" "EDE 7 (Signature Expired)"
expect 3 "wrong DS in the parent: bogus" w@wrongds.example.com
has "(EDE 9)" "EDE 9 (DNSKEY Missing)"
expect 4 "SERVFAIL (zone not loaded): transient failure" b@broken.example.com
has "lookup failed (servfail)" "servfail reported"
out=$("$L" --server "$DEAD" --trust-anchor "$TA" --timeout 700 alice@example.com 2>&1); rc=$?
[ $rc -eq 4 ] && ok "no server listening: exit 4" || fail "no server listening" "exit $rc" "$out"
expect_contains "$out" "lookup failed (timeout)" "no server listening: timeout"

# ---- phone numbers ----------------------------------------------------------------
expect 0 "ENUM TXT" --no-endpoints +15551234567
has "mimi://wa.example.net/u/%2B15551234567" "TXT mapping at the ENUM name"
expect 0 "ENUM NAPTR with back-reference, service case-insensitive" --no-endpoints --trace '+44 20 7946 0148'
has $'mimi://chat.example.net/u/%2B442079460148\tp=10' "NAPTR mapping (preference from NAPTR)"
has "8.4.1.0.6.4.9.7.0.2.4.4.e164.arpa. NAPTR: rcode 0" "NAPTR asked after no TXT"
lacks "sip:" "the E2U+sip rule is ignored"
expect 0 "non-terminal NAPTR followed" --no-endpoints +15550001111
has "mimi://chat.example.net/u/nonterminal" "mapping from the replacement name"
expect 1 "number only under the second apex: not found with one apex" --no-endpoints +4930123456
expect 0 "second apex" --no-endpoints --enum-apex e164.arpa --enum-apex enum.example.org +4930123456
has "mimi://chat.example.net/u/%2B4930123456" "mapping from the second apex"
# The keys of a chain below the anchor (example.org) go out top down, at
# each zone the DS before the DNSKEY it authenticates (RFC 4035 section 5):
# the order the validator uses them in, so that none is asked twice.
expect 0 "trace: keys of a child zone" --no-endpoints --trace --enum-apex enum.example.org +4930123456
has "mimi://chat.example.net/u/%2B4930123456" "child zone: the mapping"
keys=$(printf '%s\n' "$LAST" | sed -n 's/^;; \([^ ]* [A-Z]*\): key of the validation chain.*/\1/p' | tr '\n' ',')
want="example.org. DNSKEY,enum.example.org. DS,enum.example.org. DNSKEY,"
[ "$keys" = "$want" ] && ok "trace: the anchor's DNSKEY, then the child's DS, then its DNSKEY" \
  || fail "trace: the anchor's DNSKEY, then the child's DS, then its DNSKEY" "got $keys" "$LAST"

# ---- endpoints -----------------------------------------------------------------------
expect 0 "SVCB endpoint with TLSA" mimi://chat.example.net/u/x
# The target's own A/AAAA (RFC 9460 §7.3), not its ipv4hint 127.0.0.1.
has "SVCB chat.example.net. port 8443 priority 1 alpn=h2,http/1.1 addresses=192.0.2.10,2001:db8::10" "SVCB endpoint"
has "TLSA 3 1 1 0123456789ABCDEF" "TLSA reported"
expect 0 "SVCB alias chain" mimi://alias.example.net/u/x
has "SVCB chat.example.net. port 8443" "alias chain ends at chat's endpoint"
expect 4 "SVCB alias loop" mimi://loop1.example.net/u/x
has "alias loop back to _mimi.loop1.example.net." "loop named"
expect 0 "no SVCB: HTTPS" mimi://https.example.net/u/x
has "HTTPS https.example.net. port 443 priority 1 alpn=h3,http/1.1" "HTTPS endpoint"
expect 0 "no SVCB, no HTTPS: A/AAAA" mimi://aonly.example.net/u/x
has "A aonly.example.net. port 443 alpn=http/1.1 addresses=192.0.2.30,2001:db8::30" "address endpoint"
expect 0 "unsupported mandatory key skipped" mimi://mand.example.net/u/x
has "priority 2" "the usable record is used"
has "mandatory key this client does not support" "the other is skipped with a warning"
expect 0 "handle with two providers: endpoints of each" alice@example.com
has "; endpoints of chat.example.net:" "first provider's endpoints"
has "; endpoints of talk.example.org:" "second provider's endpoints"

# ---- JSON, short, batch ----------------------------------------------------------
expect 0 "JSON" --json alice@example.com
has '"schema":1' "JSON schema 1"
has '"outcome":"found"' "JSON outcome"
has '"uri":"mimi://chat.example.net/u/alice","preference":10,"tags":["personal"]' "JSON mapping"
has '"alpn":["h2","http/1.1"],"addresses":["192.0.2.10","2001:db8::10"],"address_sources":["A","AAAA"]' "JSON endpoint"
expect 3 "JSON bogus" --json x@expired.example.com
has '"outcome":"failed","dnssec":"bogus","failure":"bogus"' "JSON failure"
has '"ede":7' "JSON EDE"
expect 0 "--short" --short alice@example.com
[ "$LAST" = $'mimi://chat.example.net/u/alice\nmimi://talk.example.org/u/alice.w' ] \
  && ok "--short prints only the URIs" || fail "--short prints only the URIs" "$LAST"
printf '# contacts\nalice@example.com\n\nnobody@example.com\n+1\n+15551234567\ncarol@example.com\n' > "$T/batch"
expect 2 "batch with an invalid line: exit 2" --batch "$T/batch" --json --no-endpoints
[ "$(printf '%s\n' "$LAST" | grep -c '"schema":1')" -eq 5 ] && ok "batch: one JSON line per identifier" \
  || fail "batch: one JSON line per identifier" "$LAST"
has "$T/batch:5: +1: " "invalid line reported as FILE:LINE"
has '"input":"+1","outcome":"invalid"' "invalid line in JSON"
printf 'alice@example.com\nx@expired.example.com\nb@broken.example.com\n' > "$T/batch2"
expect 3 "batch: most severe failure wins (3 over 4)" --batch "$T/batch2" --no-endpoints
printf 'alice@example.com\nnobody@example.com\n' > "$T/batch3"
expect 0 "batch: not found is not an error" --batch "$T/batch3" --no-endpoints --stats
has ";; 2 lookups: 1 found, 1 not found" "--stats summary"

# The context's answer cache: one after the other, the same lookups send
# their queries once (the trace and --stats count only what is sent).
printf 'alice@example.com\nalice@example.com\nalice@example.com\n' > "$T/batch4"
expect 0 "answer cache: repeated lookups" --batch "$T/batch4" --in-flight 1 --no-endpoints --stats
has ";; 3 lookups: 3 found, 0 not found, 0 opted out, 0 failed, 0 invalid; 1 queries" \
  "answer cache: one query for three lookups"
printf 'x@expired.example.com\nx@expired.example.com\n' > "$T/batch5"
expect 3 "answer cache: bogus answers are not cached" --batch "$T/batch5" --in-flight 1 --no-endpoints --stats
has "2 failed, 0 invalid; 2 queries" "answer cache: a bogus answer is asked again"

# ---- the promises of the output ------------------------------------------------
# Output that cannot be written is an error (exit 5), not a success.
"$L" --server "$SRV" --trust-anchor "$TA" --no-endpoints alice@example.com > /dev/full 2> "$T/full.err"; rc=$?
[ $rc -eq 5 ] && grep -q "standard output: No space left on device" "$T/full.err" \
  && ok "output to a full disk: exit 5, said" || fail "output to a full disk" "exit $rc" "$(cat "$T/full.err")"
"$L" -e alice@example.com > /dev/full 2>/dev/null; rc=$?
[ $rc -eq 5 ] && ok "--explain to a full disk: exit 5" || fail "--explain to a full disk" "exit $rc"
# --short: the URIs; with several identifiers "input<TAB>uri"; what has no
# URI is said on standard error; no endpoint queries; not with --json.
out=$("$L" --server "$SRV" --trust-anchor "$TA" --short --stats alice@example.com nobody@example.com \
      2>"$T/short.err"); rc=$?
[ $rc -eq 0 ] && ok "--short, two identifiers: exit 0" || fail "--short, two identifiers" "exit $rc" "$out"
expect_contains "$out" $'alice@example.com\tmimi://chat.example.net/u/alice' "--short: input<TAB>uri with several identifiers"
expect_contains "$(cat "$T/short.err")" "mimi-lookup: nobody@example.com: not found" "--short: not found on standard error"
expect_contains "$(cat "$T/short.err")" "; 2 queries" "--short sends no endpoint queries (one TXT each)"
out=$(run --short alice@example.com 2>&1)
[ "$(head -n 1 <<< "$out")" = "mimi://chat.example.net/u/alice" ] && ok "--short, one identifier: the URI alone" \
  || fail "--short, one identifier" "$out"
expect_rc 2 "--short --json: a usage error" "$L" --short --json alice@example.com
# --explain fails where the lookup would (the c-ares backend cannot meet
# "require"; a bad trust anchor).
out=$("$L" -e --backend cares alice@example.com 2>&1); rc=$?
[ $rc -eq 5 ] && [[ $out == *"does not validate DNSSEC"* ]] && ok "--explain --backend cares: exit 5 as the lookup" \
  || fail "--explain --backend cares" "exit $rc" "$out"

# dig's conventions: @ADDR among the arguments, -p PORT, ADDR#PORT, -f FILE.
out=$("$L" @127.0.0.1 -p "$KNOT_PORT" -t "$TA" --short alice@example.com 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(head -n 1 <<< "$out")" = "mimi://chat.example.net/u/alice" ] \
  && ok "@127.0.0.1 -p PORT: the server" || fail "@ADDR -p PORT" "exit $rc" "$out"
out=$("$L" "@127.0.0.1#$KNOT_PORT" -t "$TA" --short alice@example.com @alice.example.org 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out == *$'alice@example.com\tmimi://chat.example.net/u/alice'* ]] &&
  [[ $out == *"@alice.example.org: not found"* ]] \
  && ok "@ADDR#PORT is the server; @alice.example.org stays an identifier" || fail "@ADDR#PORT" "exit $rc" "$out"
printf 'alice@example.com\n' > "$T/f.txt"
out=$("$L" -s 127.0.0.1 -p "$KNOT_PORT" -t "$TA" --short -f "$T/f.txt" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(head -n 1 <<< "$out")" = "mimi://chat.example.net/u/alice" ] \
  && ok "-f FILE is --batch" || fail "-f FILE" "exit $rc" "$out"
expect_rc 2 "ADDR#PORT with @PORT too: a usage error" "$L" -s "127.0.0.1#53@53" alice@example.com

# A validation failure against a server on this machine without a trust
# anchor hints at --trust-anchor; with one, no hint.
out=$("$L" --server "$SRV" --no-endpoints alice@example.com 2>&1); rc=$?
[ $rc -eq 3 ] && [[ $out == *"hint: the server is on this machine and no --trust-anchor was given"* ]] \
  && ok "bogus from a local server without an anchor: exit 3 and the hint" || fail "the --trust-anchor hint" "exit $rc" "$out"
expect 3 "bogus with an anchor" --no-endpoints t@tampered.example.com
lacks "hint:" "no hint when an anchor was given"

# ---- statuses claim no more than was checked (PROFILE §6) ----------------------
# Policy off without a trust anchor: nothing is validated, so "unchecked",
# not "insecure" (which claims a proof of no signatures).
out=$("$L" --server "$SRV" --dnssec off --no-endpoints --json alice@example.com 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out == *'"outcome":"found","dnssec":"unchecked"'* ]] \
  && ok "--dnssec off without an anchor: unchecked" || fail "--dnssec off without an anchor" "exit $rc" "$out"
out=$("$L" --server "$SRV" --dnssec off --no-endpoints alice@example.com 2>&1)
expect_contains "$out" "; unchecked answer (no DNSSEC validation)" "--dnssec off without an anchor: the text says unchecked"
# With the anchors, an unsigned zone is proven insecure.
expect 0 "unsigned zone with anchors, policy prefer" --dnssec prefer --no-endpoints --json u@unsigned.example.com
has '"outcome":"found","dnssec":"insecure"' "proven unsigned: insecure"
# A mimi:// URI's mapping is the input: source "input", no DNSSEC status,
# even with the c-ares backend; its endpoints keep theirs.
for be in unbound cares; do
  pol=require; [ $be = cares ] && pol=off
  expect 0 "$be: mimi:// URI" --backend $be --dnssec $pol --json mimi://chat.example.net/u/x
  has '"outcome":"found","dnssec":null,' "$be: URI: no status at the top"
  has '"dnssec":null,"source":"input"}' "$be: URI: the mapping's source is the input"
done
has '"endpoints":[{"source":"SVCB"' "URI: endpoints looked up"
has '"dnssec":"unchecked"}]}]' "c-ares: the endpoint is unchecked"
# A URI's port stays in the mapping's URI (JSON, text, --short).
expect 0 "mimi:// URI with a port" --json mimi://chat.example.net:8443/u/x
has '"uri":"mimi://chat.example.net:8443/u/x"' "URI with a port: kept in the mapping's uri"
has '"port":8443' "URI with a port: the endpoint on that port"
expect 0 "mimi:// URI with a port, --short" --short mimi://chat.example.net:8443/u/x
has "mimi://chat.example.net:8443/u/x" "URI with a port: --short keeps it"
expect 0 "mimi:// URI, text" mimi://chat.example.net/u/x
has "; the mapping is the input itself (no DNS answer, no DNSSEC status)" "URI: the text says where the mapping came from"
# A SERVFAIL proves nothing: the trace says unchecked.
expect 4 "SERVFAIL traced" --dnssec prefer --no-endpoints --trace b@broken.example.com
has "._mimi.broken.example.com. TXT: rcode 2, unchecked" "SERVFAIL: unchecked in the trace"

# ---- an endpoint's status is the weakest answer that led to it ----------------
# prov.unsigned.example.com's SVCB is unsigned and aliases into the signed
# chat.example.net: the endpoint is insecure, not secure (the alias decides).
ep_sec() { # JSON -> "provider:endpoint-status ..." of every endpoint
  python3 -c 'import json,sys
d=json.loads(sys.stdin.read())
print(" ".join(p["provider"]+":"+e["dnssec"] for p in d["providers"] for e in p["endpoints"]))' <<< "$1"
}
expect 0 "alias from an unsigned zone into a signed one" --dnssec prefer --json \
  mimi://prov.unsigned.example.com/u/x mimi://chat.example.net/u/x
is_sec=$(ep_sec "$(sed -n 1p <<< "$LAST")")$(printf ' ')$(ep_sec "$(sed -n 2p <<< "$LAST")")
[ "$is_sec" = "prov.unsigned.example.com:insecure chat.example.net:secure" ] \
  && ok "endpoint status: insecure through an unsigned alias, secure without it" \
  || fail "endpoint status through an unsigned alias" "got: $is_sec" "$LAST"
expect 3 "policy require: the provider behind an unsigned alias fails" --json mimi://prov.unsigned.example.com/u/x
has '"providers":[{"provider":"prov.unsigned.example.com","dnssec":"insecure","failure":"insecure"' \
  "the provider's failure says insecure"

# ---- c-ares backend on the same fixtures ------------------------------------------
expect 5 "c-ares backend refuses policy require" --backend cares alice@example.com
has "does not validate DNSSEC" "message says why"
expect 0 "c-ares backend: found, unchecked" --backend cares --dnssec prefer alice@example.com
has "; unchecked answer (no DNSSEC validation)" "c-ares answers are unchecked"
has "SVCB chat.example.net. port 8443" "c-ares endpoints"
expect 0 "c-ares backend: TCP fallback" --backend cares --dnssec off --no-endpoints big@example.com
has "12 mappings" "c-ares: all twelve mappings"
expect 0 "c-ares backend: CNAME" --backend cares --dnssec off --no-endpoints erin@example.com
expect 0 "c-ares backend: NAPTR" --backend cares --dnssec off --no-endpoints +442079460148 +15550001111
expect 0 "c-ares backend: answer cache" --backend cares --dnssec off --batch "$T/batch4" --in-flight 1 --no-endpoints --stats
has "3 found, 0 not found, 0 opted out, 0 failed, 0 invalid; 1 queries" "c-ares: one query for three lookups"
expect 1 "c-ares backend: not found" --backend cares --dnssec off nobody@example.com
expect 4 "c-ares backend: SERVFAIL" --backend cares --dnssec off b@broken.example.com
# Many queries in flight at once, UDP and TCP (the sockets c-ares reports
# through its socket-state callback, on either c-ares API), each answered.
{ for i in $(seq 1 150); do echo "nobody$i@example.com"; done; echo big@example.com; } > "$T/batch-many"
expect 0 "c-ares backend: 151 lookups, 100 in flight" --backend cares --dnssec off --no-endpoints \
  --batch "$T/batch-many" --in-flight 100 --stats
has "151 lookups: 1 found, 150 not found, 0 opted out, 0 failed, 0 invalid; 151 queries" \
  "c-ares: every lookup answered, one query each"
out=$("$L" --backend cares --dnssec off --server "$DEAD" --timeout 900 --no-endpoints alice@example.com 2>&1); rc=$?
[ $rc -eq 4 ] && ok "c-ares backend: a server that does not answer: exit 4" || fail "c-ares dead server" "exit $rc" "$out"
expect_contains "$out" "lookup failed" "c-ares dead server: the failure is reported"

# ---- without --server: the system's resolvers (resolv.conf), checked ------------
# MIMI_RESOLV_CONF stands for /etc/resolv.conf ("ADDR@PORT": a test server).
printf 'search example\nnameserver %s\n' "$SRV" > "$T/resolv-good"
out=$(MIMI_RESOLV_CONF="$T/resolv-good" "$L" --trust-anchor "$TA" --timeout 4000 \
        --no-endpoints --trace alice@example.com 2>&1); rc=$?
if [ $rc -eq 0 ] && [[ $out == *";; via the system's resolvers ($SRV, from $T/resolv-good), answers validated here"* ]] &&
   [[ $out == *"; fully validated"* ]]; then
  ok "no --server: the system's resolvers pass the DNSSEC check and are used"
else
  fail "no --server: system resolvers" "exit $rc" "$out"
fi
out=$(MIMI_RESOLV_CONF="$T/resolv-good" "$L" --trust-anchor "$TA" --explain alice@example.com 2>&1)
expect_contains "$out" "; queries go to: no server given: the system's resolvers ($SRV, from $T/resolv-good) if they pass a DNSSEC check" \
  "--explain says which way the queries would go (and sends nothing)"
# A resolver that strips DNSSEC (RFC 8027): its DNSKEY answers are unsigned.
# The lookup itself goes to a stub for "." (knotd): nothing leaves loopback.
python3 "$(dirname "$0")/../lib/scripted_dns.py" "$T/strip-port" <(printf '. * 0 1 unsigned\n') 200 30 &
STRIP_PID=$!
for _ in $(seq 1 50); do [ -s "$T/strip-port" ] && break; sleep 0.1; done
printf 'nameserver 127.0.0.1@%s\n' "$(cat "$T/strip-port")" > "$T/resolv-strip"
out=$(MIMI_RESOLV_CONF="$T/resolv-strip" "$L" --trust-anchor "$TA" --stub "example.com=$SRV" \
        --timeout 6000 --no-endpoints --trace alice@example.com 2>&1); rc=$?
kill "$STRIP_PID" 2>/dev/null; wait "$STRIP_PID" 2>/dev/null
if [ $rc -eq 0 ] && [[ $out == *";; via iteration from the root servers: the system's resolvers (127.0.0.1@"*") fail the DNSSEC check (RFC 8027): their answer for "*" DNSKEY does not validate"* ]]; then
  ok "no --server: a resolver that strips DNSSEC is detected, and not used"
else
  fail "no --server: stripping resolver" "exit $rc" "$out"
fi
# No resolver configured: iteration from the root, said so.
: > "$T/resolv-empty"
out=$(MIMI_RESOLV_CONF="$T/resolv-empty" "$L" --trust-anchor "$TA" --explain alice@example.com 2>&1)
expect_contains "$out" "no server given: iteration from the root servers (no resolver in $T/resolv-empty)" \
  "no resolver in resolv.conf: iteration from the root"
# A timeout without --server names the way that was tried.
printf 'nameserver %s\n' "$DEAD" > "$T/resolv-dead"
out=$(MIMI_RESOLV_CONF="$T/resolv-dead" "$L" --backend cares --dnssec off --timeout 900 \
        --no-endpoints alice@example.com 2>&1); rc=$?
[ $rc -eq 4 ] && [[ $out == *"(via the system's resolvers ($T/resolv-dead), answers not validated)"* ]] &&
  ok "a timeout without --server names the way tried" || fail "timeout names the path" "exit $rc" "$out"

# ---- the library's async contract, and the libmimi(3) example ------------------------
IT="$B/$VARIANT/tests/itest_async"
if out=$(MIMI_TEST_SERVER="$SRV" MIMI_TEST_TA="$TA" MIMI_TEST_DEAD="$DEAD" \
         CMOCKA_MESSAGE_OUTPUT=TAP "$IT" 2>&1); then
  ok "itest_async: $(printf '%s\n' "$out" | grep -c '^ok') API contract tests pass"
else
  fail "itest_async" "$out"
fi

done_testing
