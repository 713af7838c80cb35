#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's demo: it shows found, not found, opted out and bogus
# outcomes, validated; it stops knotd at the end and on Ctrl-C.
# Uses the rel build only (the asan variant is skipped).
set -u
. "$(dirname "$0")/../tap.sh"
B=${B:-build}
if [ "${MIMI_VARIANT:-rel}" = asan ]; then
  echo "ok 1 # skip the demo runs the rel build; see the rel run"
  echo "1..1"
  exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$(bash scripts/demo.sh "$B" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "demo runs (exit 0)" || fail "demo runs" "exit $rc" "$out"
expect_contains "$out" $'mimi://chat.example.net/u/alice\tp=10' "demo: a handle found"
expect_contains "$out" "; fully validated" "demo: answers validated"
expect_contains "$out" "SVCB chat.example.net. port 8443" "demo: provider endpoints"
expect_contains "$out" "mimi://chat.example.net/u/%2B442079460148" "demo: a phone number"
expect_contains "$out" "opted out" "demo: opted out"
expect_contains "$out" "nobody@example.com (handle nobody@example.com): not found" "demo: not found"
expect_contains "$out" "lookup failed (bogus)" "demo: bogus"
expect_contains "$out" $'mimi://chat.example.net/u/trent\tp=0\tttl=3600\n; fully validated' \
  "demo: the zone mimi-zonegen signed validates where untouched"
case "$out" in *mallory-evil*) fail "demo: tampered data never shown" ;; *) ok "demo: tampered data never shown" ;; esac
pid=$(printf '%s\n' "$out" | sed -n 's/.*(PID \([0-9]*\)).*/\1/p' | head -1)
[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && ok "demo stopped its knotd" || fail "demo stopped its knotd" "pid '$pid'"

# Ctrl-C while the demo server is up (make demo-shell) stops knotd too.
mkfifo "$T/in"
bash scripts/demo.sh "$B" --shell < "$T/in" > "$T/shell.out" 2>&1 &
demo=$!
exec 3>"$T/in"   # keep the fifo open: the demo waits for Enter
for i in $(seq 1 100); do grep -q "demo server is up" "$T/shell.out" && break; sleep 0.1; done
pid=$(sed -n 's/.*(PID \([0-9]*\)).*/\1/p' "$T/shell.out" | head -1)
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ok "demo-shell keeps knotd up" || fail "demo-shell keeps knotd up" "$(cat "$T/shell.out")"
# example.com is served as plugin-knot/knot-signed.conf.in deploys it: the
# stored signatures of the database (its ZSK), the denials mod-mimi signs.
port=$(sed -n 's/.*serves them on 127.0.0.1@\([0-9]*\) .*/\1/p' "$T/shell.out" | head -1)
zsk=$(sed -n 's/.*example.com: .*, signed by its ZSK \([0-9]*\) .*/\1/p' "$T/shell.out" | head -1)
alice=$("$B/bin/mimi-lookup" --explain alice@example.com | awk '$1 == "1." { print $3; exit }')
tags() { kdig @127.0.0.1 -p "$port" +dnssec +norec +time=2 +retry=1 +noall "+$3" "$1" "$2" 2>/dev/null |
         awk '$4 == "RRSIG" { print $11 }' | sort -u | tr '\n' ' '; }
[ -n "$zsk" ] && [ -n "$port" ] && [ "$(tags "$alice" TXT answer)" = "$zsk " ] \
  && ok "demo: example.com answers carry the database's stored signatures (ZSK $zsk)" \
  || fail "demo: signed deployment" "zsk '$zsk' port '$port' tags '$(tags "$alice" TXT answer)'"
grep -q "module 'mod-mimi/users', signing denials with the ZSKs of" "$B/demo/knot/knotd.log" \
  && [ "$(tags "x$alice" TXT authority)" = "$zsk " ] \
  && ok "demo: example.com's denials signed by mod-mimi with the same ZSK" \
  || fail "demo: denials" "$(tags "x$alice" TXT authority)" "$(grep mod-mimi "$B/demo/knot/knotd.log")"
kill -INT "$demo"
exec 3>&-
wait "$demo" 2>/dev/null
for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$pid" 2>/dev/null && ok "Ctrl-C stops the demo's knotd" || { fail "Ctrl-C stops the demo's knotd"; kill "$pid"; }

done_testing
