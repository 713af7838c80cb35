#!/usr/bin/env bash
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
# TXT, SVCB, and one TLSA per target kept.
if [ -n "$n" ] && [ "$n" -le $((2 + 16)) ]; then ok "$n queries for 1500 targets (at most 18)"
else fail "queries bounded for 1500 targets" "got '$n'" "$out"; fi

done_testing
