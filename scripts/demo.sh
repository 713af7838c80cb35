#!/usr/bin/env bash
# The README's demo: a local knotd serving signed sample zones (fresh keys,
# tests/fixtures/mkfixtures.sh) on 127.0.0.1, queried by mimi-lookup with
# DNSSEC validation from the demo's own trust anchors.
#
#   scripts/demo.sh [BUILDDIR]          run the tour, stop everything
#   scripts/demo.sh [BUILDDIR] --shell  keep the server up for your own
#                                       mimi-lookup commands (Ctrl-D ends)
#
# Everything lives in BUILDDIR/demo; knotd is stopped by PID on exit and on
# Ctrl-C. Nothing leaves the machine: the server is the only one asked.
set -euo pipefail
B=${1:-build}
MODE=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
L="$ROOT/$B/bin/mimi-lookup"
W="$ROOT/$B/demo"

. "$ROOT/tests/lib/knot.sh"
trap knot_stop EXIT
trap 'exit 130' INT TERM

rm -rf "$W"
mkdir -p "$W"
echo "mimi-dns demo (MIMI-DNS/1, experimental)"
echo "Signing the sample zones with fresh keys in $W ..."
MIMI_LOOKUP="$L" bash "$ROOT/tests/fixtures/mkfixtures.sh" "$W/zones" > "$W/mkfixtures.log"
# shellcheck disable=SC2046
knot_start "$W/knot" $(cat "$W/zones/zones")
SRV="127.0.0.1@$KNOT_PORT"
TA="$W/zones/trust-anchors.ds"
echo "knotd serves them on $SRV (PID $KNOT_PID); trust anchors: $TA"

run() {
  printf '\n$ mimi-lookup %s\n' "$*"
  "$L" --server "$SRV" --trust-anchor "$TA" "$@" || echo "(exit status $?)"
}

if [ "$MODE" = --shell ]; then
  cat <<EOF

The demo server is up. Try, in another terminal:
  $L --server $SRV --trust-anchor $TA alice@example.com
Identifiers: alice@example.com Alice@example.com carol@example.com
  dave@example.com nobody@example.com bob.example.com '+44 20 7946 0148'
  +15551234567 x@expired.example.com t@tampered.example.com
  mimi://aonly.example.net/u/x (see tests/fixtures/mkfixtures.sh)
Press Enter (or Ctrl-D) here to stop the server.
EOF
  read -r _ || true
  exit 0
fi

echo
echo "1. A handle with two providers, their endpoints, DNSSEC-validated:"
run alice@example.com
echo
echo "2. A phone number, found through an ENUM NAPTR rule:"
run --no-endpoints '+44 20 7946 0148'
echo
echo "3. Opted out (known identity, no provider disclosed), and not found:"
run carol@example.com
run nobody@example.com
echo
echo "4. A zone with expired signatures: bogus, never shown as data:"
run x@expired.example.com
echo
echo "5. The same, as JSON for scripts:"
run --json --no-endpoints alice@example.com
echo
echo "Stopping knotd. 'make demo-shell' keeps it up for your own queries."
