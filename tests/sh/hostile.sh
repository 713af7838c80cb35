#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Answers no honest server gives, from a scripted server on 127.0.0.1
# (tests/lib/scripted_dns.py, bounded in queries and time): the resolver
# keeps to the rcode, and the work an answer can ask of one lookup is capped
# (mappings, providers, ServiceMode targets), with a warning in the result.
set -u
. "$(dirname "$0")/../tap.sh"
L=${MIMI_BIN:-build/bin}/mimi-lookup
T=$(mktemp -d)
SRV_PID=
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null; rm -rf "$T"' EXIT

serve() { # RULES (on stdin): start the server, set PORT
  [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
  cat > "$T/rules"
  rm -f "$T/port"
  python3 "$(dirname "$0")/../lib/scripted_dns.py" "$T/port" "$T/rules" 3000 60 &
  SRV_PID=$!
  for _ in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
  PORT=$(cat "$T/port")
}
run() { "$L" --server "127.0.0.1@$PORT" --dnssec off --timeout 8000 "$@"; }
queries() { sed -n 's/.*; \([0-9]*\) queries.*/\1/p' <<< "$1"; }

# ---- NXDOMAIN carrying a TXT answer: the rcode decides ---------------------
serve <<'RULES'
_mimi.example.com TXT 3 1 v=MIMI1; e=evil.example.net; a=mallory
. * 3
RULES
for be in cares unbound; do
  # (standard output only: libunbound logs the message it refused)
  out=$(run --backend "$be" --no-endpoints alice@example.com 2>/dev/null); rc=$?
  if [ $rc -eq 1 ] && [[ $out == *"not found"* ]] && [[ $out != *evil* ]]; then
    ok "$be: NXDOMAIN with a TXT answer is not found (exit 1)"
  else
    fail "$be: NXDOMAIN with a TXT answer" "exit $rc" "$out"
  fi
done

# ---- 1200 providers in one TXT RRset ----------------------------------------
serve <<'RULES'
_mimi.example.com TXT 0 1200 v=MIMI1; e=p{i}.example.net; a=x
. * 3
RULES
for be in cares unbound; do
  out=$(run --backend "$be" --stats alice@example.com 2>&1); rc=$?
  n=$(queries "$out")
  [ $rc -eq 0 ] && ok "$be: 1200 mappings: found (exit 0)" || fail "$be: 1200 mappings" "exit $rc" "$out"
  expect_contains "$out" "1200 mappings; only the first 64 by preference are used" "$be: the mapping cap is a warning"
  expect_contains "$out" "endpoints not looked up for 48 mappings: at most 16 providers a lookup" \
    "$be: the provider cap is a warning"
  # One TXT, then per provider at most SVCB, HTTPS, A, AAAA and the TLSA of
  # port 443.
  if [ -n "$n" ] && [ "$n" -ge 17 ] && [ "$n" -le $((1 + 16 * 5)) ]; then
    ok "$be: $n queries for 1200 mappings (at most 81)"
  else
    fail "$be: queries bounded" "got '$n'" "$out"
  fi
done

# ---- 1500 ServiceMode targets at one provider -------------------------------
serve <<'RULES'
_mimi.example.com TXT 0 1 v=MIMI1; e=big.example.net; a=x
_mimi.big.example.net SVCB 0 1500 1 t{i}.example.net.
. * 3
RULES
out=$(run --backend cares --stats alice@example.com 2>&1); rc=$?
n=$(queries "$out")
[ $rc -eq 0 ] && ok "1500 targets: found (exit 0)" || fail "1500 targets" "exit $rc" "$out"
expect_contains "$out" "1500 ServiceMode records; only the first 16 by priority are used" \
  "the target cap is a warning"
eps=$(grep -c '^  SVCB ' <<< "$out")
[ "$eps" -eq 16 ] && ok "16 endpoints kept" || fail "16 endpoints kept" "got $eps" "$out"
# TXT, SVCB, its fallbacks sent ahead (HTTPS, A, AAAA, TLSA), and the
# TLSA, A and AAAA of each target kept.
if [ -n "$n" ] && [ "$n" -le $((2 + 4 + 16 * 3)) ]; then ok "$n queries for 1500 targets (at most 54)"
else fail "queries bounded for 1500 targets" "got '$n'" "$out"; fi


# ---- the caps at their limits: one past each is where an off-by-one hides ----
# 65 mappings: one more than MIMI_MAX_MAPPINGS, so the cap applies.
serve <<'RULES'
_mimi.example.com TXT 0 65 v=MIMI1; e=p{i}.example.net; a=x
. * 3
RULES
out=$(run --no-endpoints alice@example.com 2>&1)
expect_contains "$out" "65 mappings; only the first 64 by preference are used" \
  "65 mappings: the cap of 64 applies"

# SVCB alias chains (MIMI-DNS/1 §5: at most 8 AliasMode steps): 8 steps end
# at the ServiceMode record, 9 fail as a loop.
alias_chain() { # STEPS
  echo "_mimi.example.com TXT 0 1 v=MIMI1; e=a0.example.net; a=x"
  local prev=_mimi.a0.example.net
  for i in $(seq 1 "$1"); do echo "$prev SVCB 0 1 0 a$i.example.net."; prev=a$i.example.net; done
  echo "$prev SVCB 0 1 1 tgt.example.net."
  echo ". * 3"
}
serve < <(alias_chain 8)
out=$(run alice@example.com 2>&1)
expect_contains "$out" "SVCB tgt.example.net. port 443" "alias chain of 8 steps: followed to the end"
serve < <(alias_chain 9)
out=$(run alice@example.com 2>&1)
expect_contains "$out" "alias chain longer than 8 steps" "alias chain of 9 steps: refused"

# Non-terminal NAPTR rules (§4: at most 5 steps): 5 are followed, 6 are not;
# a loop is named as one.
naptr_chain() { # NAMES...: non-terminal rules from the ENUM name through them
  local prev=1.1.1.1.0.0.0.5.5.5.1.e164.arpa
  echo "$prev TXT 0"
  for n in "$@"; do echo "$prev NAPTR 0 1 100 10 - E2U+mimi - $n.example.net."; prev=$n.example.net; done
  echo "$prev NAPTR 0 1 100 10 u E2U+mimi !^.*\$!mimi://chat.example.net/u/x! -"
  echo ". * 3"
}
enum() { run --no-endpoints --enum-apex e164.arpa +15550001111 2>&1; }
serve < <(naptr_chain n1 n2 n3 n4 n5)
out=$(enum); rc=$?
[ $rc -eq 0 ] && [[ $out == *"mimi://chat.example.net/u/x"* ]] \
  && ok "5 non-terminal NAPTR steps: followed" || fail "5 non-terminal NAPTR steps" "exit $rc" "$out"
serve < <(naptr_chain n1 n2 n3 n4 n5 n6)
out=$(enum)
expect_contains "$out" "non-terminal rules go on for more than 5 steps" "6 non-terminal NAPTR steps: refused"
serve < <(echo "n2.example.net NAPTR 0 1 100 10 - E2U+mimi - n1.example.net."; naptr_chain n1 n2)
out=$(enum)
expect_contains "$out" "non-terminal rules loop" "a NAPTR loop is reported as a loop"

# ---- --tcp (and dig's +tcp): every query over TCP ---------------------------
# A server that never answers over UDP: found with --tcp, a timeout without.
export SCRIPTED_DNS_NO_UDP=1
serve <<'RULES'
_mimi.example.com TXT 0 1 v=MIMI1; e=chat.example.net; a=tcp
. * 3
RULES
unset SCRIPTED_DNS_NO_UDP
for be in cares unbound; do
  out=$(run --backend "$be" --no-endpoints --tcp alice@example.com 2>/dev/null); rc=$?
  if [ $rc -eq 0 ] && [[ $out == *"mimi://chat.example.net/u/tcp"* ]]; then
    ok "$be: --tcp finds it over TCP"
  else
    fail "$be: --tcp" "exit $rc" "$out"
  fi
  out=$(run --backend "$be" --no-endpoints alice@example.com +tcp 2>/dev/null); rc=$?
  [ $rc -eq 0 ] && ok "$be: +tcp as dig spells it" || fail "$be: +tcp" "exit $rc" "$out"
  out=$("$L" --server "127.0.0.1@$PORT" --dnssec off --timeout 1500 --backend "$be" \
          --no-endpoints alice@example.com 2>&1); rc=$?
  [ $rc -eq 4 ] && ok "$be: without --tcp, no answer (exit 4)" ||
    fail "$be: without --tcp" "exit $rc, want 4" "$out"
done
# -4 / -6: the servers of the other family are not asked; none left is an error.
out=$("$L" -6 --server "127.0.0.1@$PORT" --dnssec off alice@example.com 2>&1); rc=$?
[ $rc -eq 5 ] && [[ $out == *"no IPv6 address among the servers"* ]] &&
  ok "-6 with only an IPv4 server: configuration error naming it" ||
  fail "-6 with only an IPv4 server" "exit $rc" "$out"
out=$(run -4 --tcp --server ::1@9 --no-endpoints alice@example.com 2>/dev/null); rc=$?
[ $rc -eq 0 ] && ok "-4: the IPv6 server given is not asked" || fail "-4" "exit $rc" "$out"
out=$("$L" -4 -6 alice@example.com 2>&1); rc=$?
[ $rc -eq 2 ] && [[ $out == *"exclude each other"* ]] && ok "-4 -6: usage error" ||
  fail "-4 -6" "exit $rc" "$out"

done_testing
