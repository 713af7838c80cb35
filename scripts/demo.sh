#!/usr/bin/env bash
# The README's demo. For now: what mimi-lookup would query for a few sample
# identifiers (no network traffic). Later: a local signed Knot and real,
# DNSSEC-validated lookups.
set -euo pipefail
B=${1:-build}
L="$B/bin/mimi-lookup"

run() { printf '\n$ mimi-lookup %s\n' "$*"; "$L" "$@"; }

echo "mimi-dns demo: how identifiers become DNS queries (MIMI-DNS/1, experimental)."
echo "Nothing is sent: --explain only shows what a lookup would ask."
run --explain alice@example.com
run --explain Alice@example.com
run --explain '+44 20 7946 0148' --enum-apex e164.example.net --enum-apex e164.arpa
run --explain @bob.example.org
run --explain 'mimi://chat.example.net:8443/u/%2B15551234567'
printf '\n$ mimi-lookup --explain 0207946014   # no +: never guessed\n'
"$L" --explain 0207946014 || echo "(exit status $?: usage error)"
