#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's demo: sample providers published with mimi-zonegen, served
# by a local knotd (127.0.0.1, random high port) with mod-mimi as
# plugin-knot/knot-signed.conf.in deploys it (example.com) and beside it
# mod-onlinesign (examples/demo/knot-demo.conf.in), and looked up with
# mimi-lookup, DNSSEC-validated from the demo's own trust anchors.
# Data: examples/demo/.
#
#   scripts/demo.sh [BUILDDIR]          run the tour, stop everything
#   scripts/demo.sh [BUILDDIR] --shell  keep the server up for your own
#                                       mimi-lookup commands (Enter ends)
#
# Everything lives in BUILDDIR/demo; knotd is stopped by PID on exit and on
# Ctrl-C. Nothing leaves the machine: the local server is the only one asked.
set -euo pipefail
B=${1:-build}
MODE=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/$B/bin"
L="$BIN/mimi-lookup"
G="$BIN/mimi-zonegen"
MOD="$ROOT/$B/plugin-knot/mod-mimi.so"
DATA="$ROOT/examples/demo"
W="$ROOT/$B/demo"

. "$ROOT/tests/lib/knot.sh"
trap knot_stop EXIT
trap 'exit 130' INT TERM

rm -rf "$W"
mkdir -p "$W"
echo "mimi-dns demo (MIMI-DNS/1, experimental)"
echo "1. Publishing the sample user lists with mimi-zonegen ..."
"$G" --origin e164.example --enum-apex e164.example --naptr --format lmdb -o "$W/db-e164.example" "$DATA/phones.csv"
# A zone whose signatures are broken on purpose: signed by mimi-zonegen
# (fresh keys in $W/keys), then tampered with; its DS from the KSK.
"$G" --origin broken.example --template "$DATA/broken.example.zone" --serial 1 \
  --sign --nsec3 --keys "$W/keys" -o "$W/broken.example.zone.signed" "$DATA/broken.csv" 2>/dev/null
sed -i 's/a=mallory"/a=mallory-evil"/' "$W/broken.example.zone.signed"
ksk=$(grep -l 'DNSKEY[[:space:]]*257' "$W"/keys/Kbroken.example.+013+*.key)
ldns-key2ds -n -2 "$ksk" > "$W/broken.ds"

# example.com as deployed: its database built and signed with the
# template's arguments, the keys imported into knotd's key store; the
# rest of the demo added to the same configuration.
MIMI_BIN=$BIN MIMI_MODULE=$MOD knot_signed_prepare "$W/knot" example.com "$DATA/users.csv" \
  "$DATA/example.com.zone" server.udp-workers=2 server.tcp-workers=2 server.background-workers=1
zsk=$(grep -l 'DNSKEY[[:space:]]*256' "$KNOT_KEYS"/Kexample.com.+013+*.key | sed 's/.*+0*//; s/\.key$//')
echo "   example.com: $KNOT_DB, signed by its ZSK $zsk (keys: $KNOT_KEYS)"
knot_render "$DATA/knot-demo.conf.in" "DB_PHONES=$W/db-e164.example" "DATA=$DATA" \
  "BROKEN=$W/broken.example.zone.signed" >> "$W/knot/knot.tpl"
echo "2. Starting knotd with mod-mimi (signed database) and mod-onlinesign ..."
knot_start_conf "$W/knot" "$W/knot/knot.tpl" 5 example.com
grep -q "serving MIMI records from $KNOT_DB" "$W/knot/knotd.log" ||
  { echo "demo: mod-mimi did not load; see $W/knot/knotd.log" >&2; exit 1; }
TA="$W/trust-anchors.ds"
cat "$KNOT_DS" > "$TA"
for z in e164.example example.net example.org; do
  keymgr -c "$W/knot/knot.conf" "$z" ds | grep ' 2 '
done >> "$TA"
cat "$W/broken.ds" >> "$TA"
SRV="127.0.0.1@$KNOT_PORT"
echo "   knotd serves them on $SRV (PID $KNOT_PID); trust anchors: $TA"

run() {
  printf '\n$ mimi-lookup %s\n' "$*"
  "$L" --server "$SRV" --trust-anchor "$TA" --enum-apex e164.example "$@" || echo "(exit status $?)"
}

if [ "$MODE" = --shell ]; then
  cat <<EOF

The demo server is up. In another terminal, try:
  $L --server $SRV --trust-anchor $TA --enum-apex e164.example alice@example.com
Identifiers: alice@example.com Bob@example.com dana.example.com carol@example.com
  nobody@example.com '+44 20 7946 0148' +15551234567 mallory@broken.example
  trent@broken.example
  mimi://chat.example.net/u/alice   (data: examples/demo/)
Press Enter here to stop the server.
EOF
  read -r _ || true
  exit 0
fi

echo
echo "3. A handle with two providers and their endpoints, fully validated:"
run alice@example.com
echo
echo "4. Upper case in the local part: found by the lower-case retry; a domain handle:"
run --no-endpoints Bob@example.com dana.example.com
echo
echo "5. A phone number under the sample ENUM apex:"
run '+44 20 7946 0148'
echo
echo "6. Opted out (known, no provider disclosed), and not found:"
run carol@example.com
run nobody@example.com
echo
echo "7. A zone signed by mimi-zonegen (NSEC3), then one record tampered with:"
echo "   the tampered one is bogus, never shown as data; the others still validate."
run mallory@broken.example
run --no-endpoints trent@broken.example
echo
echo "8. The same answers for scripts, as JSON:"
run --json --no-endpoints Bob@example.com
echo
echo "Stopping knotd. 'make demo-shell' keeps it up for your own queries."
