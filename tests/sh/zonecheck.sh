#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonecheck: each fixture of tests/fixtures/zonecheck reports its codes
# at their FILE:LINE, the clean fixture and mimi-zonegen's zones (with
# --naptr, and with a template holding the provider's SVCB) pass, exit
# codes, --json is valid JSON with every field, local errors are clear.
# MIMI_BIN: directory of the tools under test (plain or sanitizer build).
set -u
. "$(dirname "$0")/../tap.sh"
BIN=${MIMI_BIN:-build/bin}
C="$BIN/mimi-zonecheck"
G="$BIN/mimi-zonegen"
F=tests/fixtures/zonecheck
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- each check class: its code at its line -----------------------------------
run() { "$C" "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
has() { # FILE LINE SEVERITY CODE [FRAGMENT]
  local want="$1:$2: $3: " line
  line=$(grep -F -- "$want" "$T/out" | grep -F -- "[$4]" | head -1)
  if [ -n "$line" ] && { [ $# -lt 5 ] || [[ "$line" == *"$5"* ]]; }; then
    ok "$1:$2 $3 $4"
  else
    fail "$1:$2 $3 $4" "$(cat "$T/out")"
  fi
}
rc_is() { # WANT NAME
  local rc; rc=$(cat "$T/rc")
  [ "$rc" -eq "$1" ] && ok "$2: exit $1" || fail "$2: exit $1" "exit $rc" "$(cat "$T/err")"
}
count_is() { # N NAME
  local n; n=$(grep -c ': \(error\|warning\): ' "$T/out")
  [ "$n" -eq "$1" ] && ok "$2: $1 findings" || fail "$2: $1 findings" "$(cat "$T/out")"
}

run "$F/clean.zone"
rc_is 0 "clean.zone"
[ ! -s "$T/out" ] && ok "clean.zone: no findings" || fail "clean.zone: no findings" "$(cat "$T/out")"

run "$F/txt.zone"
rc_is 1 "txt.zone"
has "$F/txt.zone" 8 error txt-invalid "tag 'p' value '70000' is out of range 0-65535"
has "$F/txt.zone" 9 error txt-invalid "tag 'a' appears more than once"
has "$F/txt.zone" 10 warning txt-lookalike
has "$F/txt.zone" 11 error txt-invalid "tag 'e' (provider) is missing"
has "$F/txt.zone" 12 warning txt-owner "www.example.com. TXT: "
has "$F/txt.zone" 14 warning txt-optout-ignored "beside 1 mapping"
count_is 6 "txt.zone"

run "$F/labels.zone"
rc_is 1 "labels.zone"
has "$F/labels.zone" 8 error label-shape "55 hex digits"
has "$F/labels.zone" 9 error label-shape "'g' at offset 55"
has "$F/labels.zone" 10 error label-shape "2 labels before _mimi"
has "$F/labels.zone" 11 warning label-case "upper-case"
has "$F/labels.zone" 12 warning label-shape "_443._mimi"
has "$F/labels.zone" 13 error label-shape "contains '_'"
has "$F/labels.zone" 14 error label-shape "'_65536' before _mimi is not _<port>"
count_is 7 "labels.zone"

run "$F/length.zone"
rc_is 1 "length.zone"
has "$F/length.zone" 7 error txt-too-long "261 octets"
count_is 1 "length.zone"

run "$F/naptr.zone"
rc_is 1 "naptr.zone"
has "$F/naptr.zone" 10 error naptr-invalid "regexp '^(.*\$'"
has "$F/naptr.zone" 11 error naptr-invalid "is not a mimi URI"
has "$F/naptr.zone" 13 warning naptr-nomatch "+15551234567"
has "$F/naptr.zone" 14 error naptr-invalid "nested deeper than 8"
has "$F/naptr.zone" 15 error naptr-invalid "flags 'x' are not supported"
has "$F/naptr.zone" 17 warning naptr-owner "+1, which is not an E.164 number"
has "$F/naptr.zone" 18 warning naptr-owner "not an ENUM name"
has "$F/naptr.zone" 19 error naptr-invalid "make 1024 copies, above 256"
has "$F/naptr.zone" 20 error naptr-invalid "regexp '[[:alpha:][]((((a{1,32}"
has "$F/naptr.zone" 21 error naptr-invalid "(match limit)"
count_is 10 "naptr.zone (E2U+sip and the valid rule: nothing)"

run "$F/svcb.zone"
rc_is 1 "svcb.zone"
has "$F/svcb.zone" 12 error svcb-invalid "no-default-alpn without alpn"
has "$F/svcb.zone" 13 error svcb-invalid "mandatory lists key 1 (alpn)"
has "$F/svcb.zone" 14 error svcb-mandatory "key7"
has "$F/svcb.zone" 15 warning svcb-mandatory "key7"
has "$F/svcb.zone" 17 error svcb-alias-loop
has "$F/svcb.zone" 18 error svcb-alias-loop
has "$F/svcb.zone" 19 error svcb-alias-chain "longer than 8 steps"
has "$F/svcb.zone" 29 error svcb-alias-target "_mimi.nothing.example.com. has no SVCB"
has "$F/svcb.zone" 32 warning svcb-mixed "RFC 9460 §2.4.2"
has "$F/svcb.zone" 34 warning svcb-alias-target "do not use its addresses"
count_is 10 "svcb.zone (a chain of exactly 8 steps, an alias out of the zone: fine)"

run "$F/provider.zone"
rc_is 1 "provider.zone"
has "$F/provider.zone" 10 error provider-no-endpoint "provider talk.example.net"
count_is 1 "provider.zone (once per provider; SVCB, address, outside, delegated: fine)"

run "$F/ns.zone"
rc_is 1 "ns.zone"
has "$F/ns.zone" 7 error ns-glue "name server ns1.example.com. is inside the zone and has no A or AAAA record"
count_is 1 "ns.zone (targets with an address, or outside the zone: fine)"

run "$F/names.zone"
rc_is 1 "names.zone"
has "$F/names.zone" 8 error syntax "zone file: "
has "$F/names.zone" 9 error name-too-long "would exceed 255 octets"
has "$F/names.zone" 9 error txt-too-long

# ---- the zone as a whole ------------------------------------------------------------
printf '$ORIGIN example.org.\n@ 3600 SOA ns1 hostmaster 1 3600 900 1209600 300\n@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n' \
  > "$T/plain.zone"
run "$T/plain.zone"
rc_is 0 "a zone without MIMI records (a warning only)"
has "$T/plain.zone" 0 warning no-mimi
run --quiet "$T/plain.zone"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] && ok "--quiet: no warnings, no summary" \
  || fail "--quiet: no warnings, no summary" "$(cat "$T/out" "$T/err")"
printf '; a comment\n\n$ORIGIN example.org.\n@ 3600 SOA ns1 hostmaster 1 3600 900 1209600 300\n@ 3600 IN BOGUS x\n' \
  > "$T/syntax.zone"
run "$T/syntax.zone"
rc_is 1 "syntax error"
has "$T/syntax.zone" 5 error syntax
printf '$ORIGIN example.org.\n$INCLUDE other.zone\n' > "$T/inc.zone"
run "$T/inc.zone"
rc_is 1 '$INCLUDE'
has "$T/inc.zone" 2 error include "not supported"
run --origin example.com "$F/clean.zone" "$F/length.zone"
rc_is 1 "two files"
has "$F/length.zone" 7 error txt-too-long
expect_contains "$(cat "$T/err")" "2 files, 1 error, 0 warnings" "summary counts both files"

# ---- --json -----------------------------------------------------------------------
run --json "$F/svcb.zone" "$F/clean.zone"
rc_is 1 "--json"
if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null; then
  if python3 - "$T/out" > "$T/py" 2>&1 <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
*findings, summary = objs
keys = {"file", "line", "severity", "owner", "type", "code", "message"}
assert findings and all(set(f) == keys for f in findings), findings
assert all(f["severity"] in ("error", "warning") for f in findings)
assert summary == {"summary": {"files": 2, "unreadable": 0, "errors": 7, "warnings": 3}}, summary
f = findings[0]
assert (f["line"], f["code"], f["owner"], f["type"]) == (12, "svcb-invalid", "_mimi.a.example.com.", "SVCB"), f
PY
  then ok "--json: valid JSON, every field, a summary"; else fail "--json: valid JSON" "$(cat "$T/py")"; fi
else
  n=$(grep -c '^{"file":"[^"]*","line":[0-9]*,"severity":"\(error\|warning\)","owner":.*,"type":.*,"code":"[a-z-]*","message":".*"}$' "$T/out")
  [ "$n" -eq 10 ] && ok "--json: one object per finding (shape)" || fail "--json shape" "$(cat "$T/out")"
fi
tail -1 "$T/out" | grep -q '^{"summary":{"files":2,"unreadable":0,"errors":7,"warnings":3}}$' \
  && ok "--json: the summary is last" || fail "--json: the summary is last" "$(tail -1 "$T/out")"

# ---- usage and local errors ----------------------------------------------------------
run
rc_is 2 "no file: usage"
run --bogus "$F/clean.zone"
rc_is 2 "unknown option: usage"
run --origin 'a..b' "$F/clean.zone"
rc_is 2 "bad --origin: usage"
run "$T/nonexistent.zone"
rc_is 5 "missing file: local error"
expect_contains "$(cat "$T/err")" "$T/nonexistent.zone: No such file or directory" "missing file: named, with the reason"
run "$T"
rc_is 5 "a directory: local error"
expect_contains "$(cat "$T/err")" "$T: Is a directory" "a directory: named, with the reason"
# "-": standard input, even from a pipe (copied first: the reader seeks).
cat "$F/length.zone" | "$C" - >"$T/out" 2>"$T/err"; echo $? >"$T/rc"
rc_is 1 "length.zone through a pipe"
has /dev/stdin 7 error txt-too-long "261 octets"
"$C" - < "$F/clean.zone" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"
rc_is 0 "clean.zone on standard input"

run "$F/length.zone" "$T/nonexistent.zone"
rc_is 5 "a readable and a missing file: local error wins"
has "$F/length.zone" 7 error txt-too-long
expect_contains "$(cat "$T/err")" "2 files (1 not read), 1 error" "the summary counts the file not read"
run --json --quiet "$F/txt.zone"
# Errors still reported (and the exit status says so), warnings gone.
rc_is 1 "--json --quiet txt.zone: exit 1 for its errors"
if grep -q '"severity":"error"' "$T/out" && ! grep -q '"severity":"warning"' "$T/out"; then
  ok "--json --quiet: errors kept, no warnings"
else
  fail "--json --quiet: errors kept, no warnings" "$(cat "$T/out")"
fi
"$C" --help | grep -q -- '--origin' && ok "--help" || fail "--help"
"$C" --version | grep -q 'MIMI-DNS/1' && ok "--version" || fail "--version"

# ---- mimi-zonegen's zones pass clean ---------------------------------------------------
HDR="identifier,provider,account,preference,tags,service"
cp tests/fixtures/zonegen/users.csv tests/fixtures/zonegen/phones.csv "$T/"
cat > "$T/net.csv" <<EOF2
$HDR
erin@example.net,chat.example.net,erin,,,
frank@example.net,chat.example.net,frank,,,
+15551234567,chat.example.net,+15551234567,,,
EOF2
cat > "$T/static.zone" <<'EOF2'
$ORIGIN example.net.
$TTL 3600
@ SOA ns1.example.net. hostmaster.example.net. 1 3600 900 1209600 300
@ NS ns1.example.net.
ns1 A 192.0.2.53
_mimi.chat SVCB 1 chat.example.net. alpn=h2 port=8443
_8443._mimi.chat SVCB 0 _mimi.chat.example.net.
chat A 192.0.2.10
EOF2
"$G" --origin example.com --ns ns1.example.com=192.0.2.53 -o "$T/com.zone" "$T/users.csv" 2>"$T/gerr" \
  && "$G" --origin e164.arpa --ns ns1.example.net --naptr -o "$T/arpa.zone" "$T/phones.csv" 2>>"$T/gerr" \
  && "$G" --origin example.net --template "$T/static.zone" --enum-apex example.net --naptr \
       -o "$T/net.zone" "$T/net.csv" 2>>"$T/gerr" \
  && ok "mimi-zonegen wrote three zones" || fail "mimi-zonegen wrote three zones" "$(cat "$T/gerr")"
for z in com arpa net; do
  run "$T/$z.zone"
  rc_is 0 "mimi-zonegen's $z.zone"
  [ ! -s "$T/out" ] && ok "mimi-zonegen's $z.zone: no findings" \
    || fail "mimi-zonegen's $z.zone: no findings" "$(cat "$T/out")"
done
grep -q 'NAPTR' "$T/net.zone" && ok "the template zone has NAPTR too" || fail "NAPTR in net.zone"
# The same zone without the provider's SVCB: the endpoint is missing.
grep -v 'SVCB\|^chat' "$T/static.zone" > "$T/static2.zone"
"$G" --origin example.net --template "$T/static2.zone" --enum-apex example.net -o "$T/net2.zone" "$T/net.csv" 2>/dev/null
run "$T/net2.zone"
rc_is 1 "mimi-zonegen zone whose provider has no endpoint"
n=$(grep -c 'provider-no-endpoint' "$T/out")
[ "$n" -eq 1 ] && ok "reported once for the provider" || fail "reported once" "$(cat "$T/out")"

done_testing
