#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonecheck lints the record the zone file holds, as a name server
# loads it (issue 16), not the one ldns 1.8.3 reads: SVCB SvcParams read from
# the text (RFC 9460 §2.1, Appendix A) with a repeated key, in the params or
# in "mandatory", named (§2.2, §8); escaped commas in alpn split after the
# character-string escapes are undone (Appendix A.1); and E2U+mimi NAPTR at
# the target of a non-terminal rule checked with the number that leads
# there, not flagged as a name nobody queries. Each case: the exit status
# and the exact finding at its line.
# MIMI_BIN: directory of the tools under test (plain or sanitizer build).
set -u
. "$(dirname "$0")/../tap.sh"
BIN=${MIMI_BIN:-build/bin}
C="$BIN/mimi-zonecheck"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

HEAD='$ORIGIN example.com.
$TTL 3600
@ SOA ns1.example.net. hostmaster.example.net. 1 3600 900 1209600 300
@ NS ns1.example.net.
_mimi.chat SVCB 1 chat.example.com. alpn=h2
chat A 192.0.2.1'

# check NAME WANT-EXIT LINES... : the zone HEAD plus LINES (from line 7),
# checked; the output is in $T/out.
check() {
  local name=$1 want=$2 rc; shift 2
  { printf '%s\n' "$HEAD"; printf '%s\n' "$@"; } > "$T/$name.zone"
  "$C" "$T/$name.zone" >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -eq "$want" ] && ok "$name: exit $want" || fail "$name: exit $want" "exit $rc" "$(cat "$T/out" "$T/err")"
}
# finding NAME LINE TEXT: exactly this finding (after FILE:LINE: ) is there.
finding() {
  grep -qxF -- "$T/$1.zone:$2: $3" "$T/out" && ok "$1: line $2: ${3:0:60}" \
    || fail "$1: line $2: $3" "$(cat "$T/out")"
}
only() { # NAME N: N findings in all
  local n; n=$(grep -c ': \(error\|warning\): ' "$T/out")
  [ "$n" -eq "$2" ] && ok "$1: $2 findings" || fail "$1: $2 findings" "$(cat "$T/out")"
}
SUFFIX='name servers do not load it [svcb-invalid]'

# ---- SVCB: repeated keys (ldns 1.8.3 keeps one without a word) --------------------
check mandatory-twice 1 '_mimi.a SVCB 1 . mandatory=key123,key123 key123=abc'
finding mandatory-twice 7 "error: _mimi.a.example.com. SVCB: mandatory lists key123 twice (RFC 9460 §8); $SUFFIX"
only mandatory-twice 1

check mandatory-twice-known 1 '_mimi.a SVCB 1 . mandatory=alpn,port,alpn alpn=h2 port=1'
finding mandatory-twice-known 7 "error: _mimi.a.example.com. SVCB: mandatory lists alpn twice (RFC 9460 §8); $SUFFIX"

check key-twice 1 '_mimi.a SVCB 1 . port=443 alpn=h2 port=443'
finding key-twice 7 "error: _mimi.a.example.com. SVCB: SvcParamKey port appears more than once; each key at most once (RFC 9460 §2.2); $SUFFIX"
only key-twice 1

# Over lines, in parentheses, after a comment; an owner left blank.
check key-twice-multiline 1 '_mimi.b SVCB 1 . alpn=h3' \
  '        SVCB 2 . ( ; alpn=h2' '   alpn=h2' '   key7=x alpn=h3 )'
finding key-twice-multiline 8 "error: _mimi.b.example.com. SVCB: SvcParamKey alpn appears more than once; each key at most once (RFC 9460 §2.2); $SUFFIX"
only key-twice-multiline 1

check mandatory-itself 1 '_mimi.a SVCB 1 . mandatory=mandatory alpn=h2'
finding mandatory-itself 7 "error: _mimi.a.example.com. SVCB: mandatory lists key 0 (mandatory) itself (RFC 9460 §8); clients skip the record [svcb-invalid]"

# ---- SVCB: escaped commas in alpn (RFC 9460 Appendix A.1) --------------------------
# "h2" and "http,": valid, loaded by Knot; ldns 1.8.3 refuses the record.
check alpn-escaped-comma 0 '_mimi.a SVCB 1 . alpn="h2,http\\,"' \
  '_mimi.b SVCB 1 . alpn="h2,http\\,1.1"' '_mimi.c HTTPS 1 . alpn="f\\\\oo\\,bar,h2"' \
  '_mimi.d SVCB 1 . alpn=f\\\092oo\092,bar,h2'
only alpn-escaped-comma 0
expect_contains "$(cat "$T/err")" "1 file, 0 errors, 0 warnings" "alpn-escaped-comma: the summary"
# Unquoted, "\," is a plain comma once the character-string is decoded:
# "h2,part,,two" has an empty id. ldns 1.8.3 reads "part," instead.
check alpn-empty-id 1 '_mimi.a SVCB 1 . alpn=h2,part\,,two'
finding alpn-empty-id 7 "error: _mimi.a.example.com. SVCB: alpn: an empty item in the list (RFC 9460 Appendix A.1); $SUFFIX"
only alpn-empty-id 1

# The RFC 3597 form is still ldns's to read; what the text gives reaches the
# codec's checks.
check generic-form 1 '_mimi.a SVCB \# 10 0001000001000302 6832' '_mimi.b SVCB 1 . key65535'
finding generic-form 8 "error: _mimi.b.example.com. SVCB: svcparam key 65535 is the reserved \"invalid key\" (RFC 9460 §14.3.2); clients skip the record [svcb-invalid]"
only generic-form 1

# ---- NAPTR: the target of a non-terminal rule --------------------------------------
cat > "$T/nt.zone" <<'EOF'
$ORIGIN e164.arpa.
$TTL 3600
@ SOA ns1.example.net. hostmaster.example.net. 1 3600 900 1209600 300
@ NS ns1.example.net.
7.6.5.4.3.2.1.5.5.5.1 NAPTR 100 10 "" "E2U+mimi" "" step1.rules.e164.arpa.
step1.rules NAPTR 100 10 "" "E2U+mimi" "" step2.rules.e164.arpa.
step2.rules NAPTR 100 10 "u" "E2U+mimi" "!^\\+1(.*)$!mimi://chat.example.net/u/\\1!" .
step2.rules NAPTR 100 20 "u" "E2U+mimi" "!^\\+44(.*)$!mimi://chat.example.net/u/\\1!" .
lost NAPTR 100 10 "u" "E2U+mimi" "!^.*$!mimi://chat.example.net/u/a!" .
EOF
"$C" "$T/nt.zone" >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -eq 0 ] && ok "non-terminal: exit 0" || fail "non-terminal: exit 0" "exit $rc" "$(cat "$T/out")"
# Checked with the number of the ENUM name two steps back.
finding nt 8 "warning: step2.rules.e164.arpa. NAPTR: the regexp does not match +15551234567, the number of this name: the rule yields nothing (MIMI-DNS/1 §4) [naptr-nomatch]"
finding nt 9 "warning: lost.e164.arpa. NAPTR: E2U+mimi NAPTR at a name that is not an ENUM name (one digit per label, RFC 6116 §2.4) nor the target of a non-terminal rule of this zone: no lookup queries it [naptr-owner]"
only nt 2

# Lookups stop after 5 non-terminal steps: the 6th name is queried by none.
{
  printf '$ORIGIN e164.arpa.\n$TTL 3600\n@ SOA ns1.example.net. hostmaster.example.net. 1 3600 900 1209600 300\n@ NS ns1.example.net.\n'
  printf '7.6.5.4.3.2.1.5.5.5.1 NAPTR 100 10 "" "E2U+mimi" "" s1.e164.arpa.\n'
  for i in 1 2 3 4 5; do
    printf 's%d NAPTR 100 10 "" "E2U+mimi" "" s%d.e164.arpa.\n' "$i" $((i + 1))
  done
  printf 's6 NAPTR 100 10 "u" "E2U+mimi" "!^.*$!mimi://chat.example.net/u/a!" .\n'
} > "$T/steps.zone"
"$C" "$T/steps.zone" >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -eq 0 ] && ok "six steps: exit 0 (warnings)" || fail "six steps: exit 0" "exit $rc" "$(cat "$T/out")"
finding steps 11 "warning: s6.e164.arpa. NAPTR: E2U+mimi NAPTR at a name that is not an ENUM name (one digit per label, RFC 6116 §2.4) nor the target of a non-terminal rule of this zone: no lookup queries it [naptr-owner]"
only steps 1

done_testing
