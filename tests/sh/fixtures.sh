#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The DNS fixtures themselves (tests/fixtures/mkfixtures.sh) served by a real
# knotd (tests/lib/knot.sh): every scenario is checked with kdig and
# ldns-verify-zone, independently of libmimi, so a resolver test failure
# points at the resolver, not at the fixtures. Then expect.tsv is checked
# against mimi-lookup, so the table later tests read is known to be right.
# Traffic: 127.0.0.1 only; every query bounded (+time=2 +retry=0).
# MIMI_BIN: directory of mimi-lookup; MIMI_VARIANT: rel or asan.
set -u
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lib/knot.sh"
B=${B:-build}
if [ "${MIMI_VARIANT:-rel}" = asan ]; then
  # The fixtures and knotd do not depend on the build variant.
  echo "ok 1 # skip fixtures are variant-independent (checked in the rel run)"
  echo "1..1"
  exit 0
fi
L="${MIMI_BIN:-$B/bin}/mimi-lookup"
T=$(mktemp -d)
trap 'knot_stop; rm -rf "$T"' EXIT
FX=$T/fx

t0=$(date +%s%N)
if ! MIMI_LOOKUP="$L" bash tests/fixtures/mkfixtures.sh "$FX" > "$T/mk.log" 2>&1; then
  fail "fixtures build" "$(cat "$T/mk.log")"
  done_testing
  exit 1
fi
t1=$(date +%s%N)
ok "fixtures built in $(( (t1 - t0) / 1000000 )) ms"
for f in zones trust-anchors.ds expect.tsv env; do
  [ -s "$FX/$f" ] && ok "$f written" || fail "$f written"
done
# shellcheck disable=SC2046
if ! knot_start "$T/knot" $(cat "$FX/zones"); then
  fail "knotd starts" "$(cat "$T/knot/knotd.log" 2>/dev/null)"
  done_testing
  exit 1
fi
t2=$(date +%s%N)
ok "knotd up on 127.0.0.1@$KNOT_PORT in $(( (t2 - t1) / 1000000 )) ms"

# ---- helpers ----------------------------------------------------------------
q() { kdig @127.0.0.1 -p "$KNOT_PORT" +time=2 +retry=0 +norec "$@" 2>&1; }
# Field of expect.tsv: qn ID -> the first query's owner name.
qn() { awk -F'\t' -v id="$1" '$1 == id { print $5; exit }' "$FX/expect.tsv"; }
status() { sed -n 's/.*status: \([A-Z]*\);.*/\1/p' <<< "$1" | head -n 1; }
flags() { sed -n 's/^;; Flags: \([a-z ]*\);.*/\1/p' <<< "$1" | head -n 1; }
# Answer-section records of TYPE (owner TTL class TYPE rdata lines).
rrs() { awk -v t="$2" '/^;; ANSWER SECTION:/ { a = 1; next } /^;; / || /^$/ { a = 0 } a && $4 == t' <<< "$1"; }
auth() { awk -v t="$2" '/^;; AUTHORITY SECTION:/ { a = 1; next } /^;; / || /^$/ { a = 0 } a && $4 == t' <<< "$1"; }
# RDATA of the records on stdin (owner, TTL, class and type removed).
rd() { sed -E 's/^[^[:space:]]+[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+[A-Z0-9]+[[:space:]]+//'; }
count() { if [ -z "$1" ]; then echo 0; else wc -l <<< "$1" | tr -d ' '; fi; }
is() { # GOT WANT NAME [CONTEXT]
  if [ "$1" = "$2" ]; then ok "$3"; else fail "$3" "got: $1" "want: $2" "${4:-}"; fi
}

# ---- every signed zone: SOA and DNSKEY with RRSIGs; unsigned: none ----------
for z in example.com example.net example.org enum.example.org e164.arpa \
         tampered.example.com expired.example.com wrongds.example.com; do
  r=$(q +dnssec SOA "$z")
  is "$(status "$r") $(count "$(rrs "$r" SOA)") $(count "$(rrs "$r" RRSIG)")" "NOERROR 1 1" \
    "$z: SOA signed" "$r"
done
r=$(q +dnssec SOA unsigned.example.com)
is "$(status "$r") $(count "$(rrs "$r" SOA)") $(count "$(rrs "$r" RRSIG)")" "NOERROR 1 0" \
  "unsigned.example.com: SOA without RRSIG" "$r"
r=$(q +dnssec TXT "$(qn u@unsigned.example.com)")
is "$(count "$(rrs "$r" TXT)") $(count "$(rrs "$r" RRSIG)")" "1 0" "u@unsigned: TXT, no RRSIG" "$r"

# ---- trust anchors: one DS per top zone, matching the served DNSKEY ---------
is "$(awk '{ print $1 }' "$FX/trust-anchors.ds" | tr '\n' ' ')" \
   "example.com. example.net. example.org. e164.arpa. " "trust-anchors.ds: the four top zones"
for z in example.com example.net example.org e164.arpa; do
  q DNSKEY "$z" | awk '/^;; ANSWER SECTION:/ { a = 1; next } /^$/ { a = 0 } a && $4 == "DNSKEY"' > "$T/dnskey"
  got=$(ldns-key2ds -n -2 "$T/dnskey" 2>&1 | awk '{ print $5, $6, $7, toupper($8) }')
  want=$(awk -v z="$z." '$1 == z { print $5, $6, $7, toupper($8) }' "$FX/trust-anchors.ds")
  is "$got" "$want" "$z: trust anchor DS matches the served DNSKEY"
done

# ---- example.com handles --------------------------------------------------------
r=$(q +dnssec TXT "$(qn alice@example.com)")
is "$(count "$(rrs "$r" TXT)") $(count "$(rrs "$r" RRSIG)")" "2 1" "alice: 2 TXT, signed" "$r"
expect_contains "$r" '"v=MIMI1; e=chat.example.net; a=alice; p=10; t=personal; s=examplechat"' "alice: first mapping"
expect_contains "$r" '"v=MIMI1; e=talk.example.org; a=alice.w; p=20"' "alice: second mapping"
r=$(q +dnssec TXT "$(qn Alice@example.com)")
is "$(status "$r") $(count "$(auth "$r" NSEC)")" "NXDOMAIN 2" "Alice: NXDOMAIN at its own hash, NSEC proof" "$r"
r=$(q TXT "$(qn carol@example.com)")
is "$(rrs "$r" TXT | rd)" '"v=MIMI1"' "carol: opt-out record only" "$r"
r=$(q TXT "$(qn dave@example.com)")
is "$(count "$(rrs "$r" TXT)")" 4 "dave: four TXT" "$r"
for s in '"v=MIMI1; e=chat.example.net; a=dave"' '"v=MIMI1; e=chat.example.net; p=70000"' \
         '"site-verification=abc"' '"v=MIMI2; e=x.example"'; do
  expect_contains "$r" "$s" "dave: $s"
done
r=$(q +dnssec TXT "$(qn erin@example.com)")
is "$(rrs "$r" CNAME | rd) $(count "$(rrs "$r" TXT)")" "erin-target.example.com. 1" \
   "erin: CNAME to erin-target, its TXT in the answer" "$r"
expect_contains "$r" '"v=MIMI1; e=chat.example.net; a=erin"' "erin: target mapping"
G=$(qn big@example.com)
r=$(q +dnssec +ignore +bufsize=1232 TXT "$G")
is "$(flags "$r")" "qr aa tc" "big: TC over UDP with a 1232-octet buffer" "$r"
r=$(q +dnssec +tcp TXT "$G")
is "$(status "$r") $(count "$(rrs "$r" TXT)")" "NOERROR 12" "big: 12 TXT over TCP" "$r"
size=$(sed -n 's/^;; Received \([0-9]*\) B$/\1/p' <<< "$r")
[ "${size:-0}" -gt 1232 ] && ok "big: TCP answer is $size octets (> 1232)" || fail "big: answer size" "$size"
r=$(q TXT "$(qn frank@example.com)")
is "$(status "$r") $(count "$(rrs "$r" TXT)")" "NOERROR 0" "frank: NODATA for TXT" "$r"
r=$(q A "$(qn frank@example.com)")
is "$(rrs "$r" A | rd)" "192.0.2.99" "frank: the name holds an A record" "$r"
r=$(q +dnssec TXT "$(qn nobody@example.com)")
is "$(status "$r")" NXDOMAIN "nobody: NXDOMAIN" "$r"
is "$(qn bob.example.com)" "_mimi.bob.example.com." "bob.example.com: owner name from the codec"
r=$(q TXT _mimi.bob.example.com)
is "$(rrs "$r" TXT | rd)" '"v=MIMI1; e=chat.example.net; a=bob.example.com"' "bob.example.com: domain handle TXT" "$r"

# ---- delegations: DS answered from the parent (one knotd serves both) -------
for c in tampered expired wrongds; do
  r=$(q +dnssec DS "$c.example.com")
  is "$(flags "$r") $(count "$(rrs "$r" DS)") $(rrs "$r" RRSIG | awk '{ print $12 }')" \
     "qr aa 1 example.com." "$c: DS answered by the parent, signed by example.com" "$r"
done
for c in unsigned broken; do
  r=$(q +dnssec DS "$c.example.com")
  is "$(status "$r") $(count "$(rrs "$r" DS)") $(auth "$r" NSEC | awk '{ print $1, $6, $7, $8 }')" \
     "NOERROR 0 $c.example.com. NS RRSIG NSEC" "$c: no DS, NSEC proves an insecure delegation" "$r"
done
r=$(q NS unsigned.example.com)
is "$(rrs "$r" NS | rd)" "ns.example.net." "unsigned: the child answers its NS" "$r"
# knotd 3.2: a configured zone whose file is missing does not load; knotd
# answers SERVFAIL (no AA) for every name in it, while the parent still
# answers the DS query for the cut.
r=$(q SOA broken.example.com)
is "$(status "$r") $(flags "$r")" "SERVFAIL qr" "broken: SERVFAIL for the apex" "$r"
r=$(q TXT "$(qn b@broken.example.com)")
is "$(status "$r")" SERVFAIL "b@broken: SERVFAIL" "$r"
grep -q "\[broken.example.com.\].*failed" "$KNOT_DIR/knotd.log" \
  && ok "knotd log: broken.example.com failed to load" || fail "knotd log" "$(cat "$KNOT_DIR/knotd.log")"

# wrongds: the parent's DS is not the DS of any key the child serves.
q DNSKEY wrongds.example.com | awk '/^;; ANSWER SECTION:/ { a = 1; next } /^$/ { a = 0 } a && $4 == "DNSKEY"' > "$T/wk"
child=$(ldns-key2ds -n -2 "$T/wk" | awk '{ print $5, toupper($8) }')
parent=$(rrs "$(q DS wrongds.example.com)" DS | awk '{ print $5, toupper($8) }')
if [ -n "$child" ] && [ -n "$parent" ] && [ "$child" != "$parent" ]; then
  ok "wrongds: parent DS ($parent) differs from the child's key ($child)"
else
  fail "wrongds: parent DS differs" "parent: $parent" "child: $child"
fi
r=$(rrs "$(q DS tampered.example.com)" DS | awk '{ print $5, toupper($8) }')
q DNSKEY tampered.example.com | awk '/^;; ANSWER SECTION:/ { a = 1; next } /^$/ { a = 0 } a && $4 == "DNSKEY"' > "$T/tk"
is "$(ldns-key2ds -n -2 "$T/tk" | awk '{ print $5, toupper($8) }')" "$r" "tampered: parent DS matches the child's key"

# ---- offline verification of the signed files ---------------------------------
for z in example.com example.net example.org enum.example.org e164.arpa wrongds.example.com; do
  expect_rc 0 "ldns-verify-zone accepts $z" ldns-verify-zone "$FX/$z.zone.signed"
done
rejects() { # ZONE WHY
  local out rc
  out=$(ldns-verify-zone "$FX/$1.zone.signed" 2>&1); rc=$?
  case "$rc:$out" in
    0:*) fail "ldns-verify-zone rejects $1" "accepted" ;;
    *"$2"*) ok "ldns-verify-zone rejects $1 ($2)" ;;
    *) fail "ldns-verify-zone rejects $1 ($2)" "exit $rc" "$out" ;;
  esac
}
rejects tampered.example.com "Bogus DNSSEC signature for $(qn t@tampered.example.com)"
rejects expired.example.com "DNSSEC signature has expired for $(qn x@expired.example.com)"
r=$(q +dnssec TXT "$(qn t@tampered.example.com)")
expect_contains "$r" '"v=MIMI1; e=chat.example.net; a=evil"' "tampered: the edited TXT is served"
r=$(q +dnssec TXT "$(qn x@expired.example.com)")
rrs "$r" RRSIG | awk '{ exit !($9 ~ /^2020/ && $10 ~ /^2020/) }' \
  && ok "expired: RRSIG validity in 2020" || fail "expired: RRSIG dates" "$r"

# ---- example.net / example.org: provider endpoints ----------------------------
one() { # TYPE NAME WANT TEST-NAME
  local r
  case $1 in
    SVCB|HTTPS) one_wire "$@"; return ;;
  esac
  r=$(q "$1" "$2")
  is "$(rrs "$r" "$1" | rd | sort | tr '\n' '|')" "$3" "$4" "$r"
}
# SVCB and HTTPS are compared as wire data, in the generic form of RFC 3597
# (kdig +generic; the expected presentation converted by ldns-read-zone -u):
# how their values are presented differs between versions (kdig 3.4 quotes
# alpn="h2", 3.2 does not).
generic() { sed -n 's/.*\\# *//p' | tr -d ' \t' | tr 'A-F' 'a-f' | sort | tr '\n' '|'; }
one_wire() { # TYPE NAME WANT TEST-NAME
  local r got want num
  num=$([ "$1" = SVCB ] && echo 64 || echo 65)
  r=$(q +generic "$1" "$2")
  got=$(awk -v t="$1" -v n="TYPE$num" '/^;; ANSWER SECTION:/ { a = 1; next }
          /^;; / || /^$/ { a = 0 } a && ($4 == t || $4 == n)' <<< "$r" | generic)
  [ -z "$3" ] && want= || want=$(tr '|' '\n' <<< "$3" | sed '/^$/d; s/^/. 0 IN '"$1"' /' |
         ldns-read-zone -u "$1" /dev/stdin 2>&1 | generic)
  is "$got" "$want" "$4" "$r"
}
one SVCB _mimi.chat.example.net "1 chat.example.net. alpn=h2 port=8443 ipv4hint=127.0.0.1|" "chat: SVCB ServiceMode"
one A chat.example.net "192.0.2.10|" "chat: A"
one AAAA chat.example.net "2001:db8::10|" "chat: AAAA"
r=$(q TLSA _8443._tcp.chat.example.net)
rrs "$r" TLSA | awk '{ exit !($5 == 3 && $6 == 1 && $7 == 1 && length($8 $9) == 64) }' \
  && ok "chat: TLSA 3 1 1 with a SHA-256 digest" || fail "chat: TLSA" "$r"
one SVCB _mimi.alias.example.net "0 alias2.example.net.|" "alias chain: step 1"
one SVCB alias2.example.net "0 _mimi.chat.example.net.|" "alias chain: step 2 ends at chat's ServiceMode"
one SVCB _mimi.loop1.example.net "0 _mimi.loop2.example.net.|" "alias loop: loop1 -> loop2"
one SVCB _mimi.loop2.example.net "0 _mimi.loop1.example.net.|" "alias loop: loop2 -> loop1"
one SVCB _mimi.https.example.net "" "https: no _mimi SVCB"
one HTTPS https.example.net "1 . alpn=h3|" "https: HTTPS record"
one SVCB _mimi.aonly.example.net "" "aonly: no SVCB"
one HTTPS aonly.example.net "" "aonly: no HTTPS"
one A aonly.example.net "192.0.2.30|" "aonly: A"
one AAAA aonly.example.net "2001:db8::30|" "aonly: AAAA"
one SVCB _mimi.mand.example.net "1 mand1.example.net. mandatory=key65000 key65000=\"abc\"|2 . alpn=h2|" \
  "mand: unknown mandatory key + usable record"
one SVCB _mimi.talk.example.org "1 . alpn=h2|" "talk.example.org: SVCB"

# ---- ENUM -----------------------------------------------------------------------
r=$(q +dnssec TXT "$(qn +15551234567)")
is "$(rrs "$r" TXT | rd) $(count "$(rrs "$r" RRSIG)")" '"v=MIMI1; e=wa.example.net; a=%2B15551234567" 1' \
   "+15551234567: signed TXT" "$r"
N=$(qn +442079460148)
r=$(q TXT "$N")
is "$(status "$r") $(count "$(rrs "$r" TXT)")" "NOERROR 0" "+442079460148: no TXT" "$r"
one NAPTR "$N" '10 10 "u" "e2u+MIMI" "!^\\+(.*)$!mimi://chat.example.net/u/%2B\\1!" .|10 5 "u" "E2U+sip" "!^.*$!sip:info@example.net!" .|' \
  "+442079460148: MIMI NAPTR with back-reference + a SIP NAPTR"
one NAPTR "$(qn +15550001111)" '10 10 "" "E2U+mimi" "" next.enum.example.org.|' "+15550001111: non-terminal NAPTR"
one NAPTR next.enum.example.org '10 10 "u" "E2U+mimi" "!^.*$!mimi://chat.example.net/u/nonterminal!" .|' \
  "next.enum.example.org: terminal NAPTR"
r=$(q TXT "$(qn +4930123456 | sed 's/enum\.example\.org\.$/e164.arpa./')")
is "$(status "$r")" NXDOMAIN "+4930123456: nothing under e164.arpa" "$r"
r=$(q +dnssec TXT "$(qn +4930123456)")
is "$(rrs "$r" TXT | rd) $(count "$(rrs "$r" RRSIG)")" '"v=MIMI1; e=chat.example.net; a=%2B4930123456" 1' \
   "+4930123456: signed TXT under enum.example.org" "$r"

# ---- expect.tsv agrees with the resolver ---------------------------------------
if [ -x "$L" ]; then
  while IFS=$'\t' read -r id outcome failure dnssec qname uris; do
    case $id in '#'*|'') continue ;; esac
    j=$("$L" --server "127.0.0.1@$KNOT_PORT" --trust-anchor "$FX/trust-anchors.ds" \
          --enum-apex e164.arpa --enum-apex enum.example.org --no-endpoints \
          --timeout 4000 --json "$id" 2>&1)
    got=$(sed -n 's/.*"outcome":"\([^"]*\)","dnssec":"\([^"]*\)","failure":\("[^"]*"\|null\).*/\1 \3 \2/p' <<< "$j" | tr -d '"' | sed 's/ null / none /')
    got_uris=$(grep -o '"uri":"[^"]*"' <<< "$j" | cut -d'"' -f4 | tr '\n' '\t' | sed 's/\t$//')
    is "$got|$got_uris" "$outcome $failure $dnssec|$uris" "expect.tsv: $id" "$j"
    # The same lookup with its endpoints, traced: every query serves a step
    # of the plan --explain prints, in the order the plan allows.
    set -- --server "127.0.0.1@$KNOT_PORT" --trust-anchor "$FX/trust-anchors.ds" \
      --enum-apex e164.arpa --enum-apex enum.example.org --timeout 4000 --json
    # Both ways: every query sent at once (the default) and one after the
    # other (--sequential); the results must be the same (issue 15).
    for mode in parallel sequential; do
      m=(); [ $mode = sequential ] && m=(--sequential)
      "$L" "$@" "${m[@]}" --explain "$id" > "$T/explain.json" 2>&1
      "$L" "$@" "${m[@]}" --trace "$id" > "$T/trace-$mode.json" 2>/dev/null
      if out=$(python3 "$(dirname "$0")/../lib/trace_plan.py" "$T/explain.json" "$T/trace-$mode.json" 2>&1) &&
         grep -q '"trace":\[{' "$T/trace-$mode.json"; then
        ok "trace follows the plan ($mode): $id ($out)"
      else
        fail "trace follows the plan ($mode): $id" "$out" "$(cat "$T/trace-$mode.json")"
      fi
    done
    if out=$(python3 - "$T/trace-parallel.json" "$T/trace-sequential.json" <<'PY' 2>&1
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for r in (a, b):
    r.pop("trace", None)
sys.exit(0 if a == b else f"parallel {json.dumps(a)}\nsequential {json.dumps(b)}")
PY
    ); then ok "same result sent at once or in sequence: $id"
    else fail "same result sent at once or in sequence: $id" "$out"; fi
  done < "$FX/expect.tsv"
else
  fail "expect.tsv check" "no mimi-lookup at $L"
fi

pid=$KNOT_PID
knot_stop
knot_stop # idempotent
kill -0 "$pid" 2>/dev/null && fail "knotd $pid stopped" || ok "knotd $pid stopped"
done_testing
