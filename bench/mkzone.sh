#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmark zone: N handles user00000@bench.example ... each with one
# MIMI TXT mapping to the provider chat.bench.example (same zone, with an
# SVCB record), signed with a fresh ECDSA P-256 key (ldns-keygen,
# ldns-signzone; as tests/fixtures/mkfixtures.sh).
#
#   bench/mkzone.sh OUTDIR NAMES_BIN [N]
#
# Writes OUTDIR/bench.example.zone.signed, OUTDIR/ta.ds (DS of the zone),
# OUTDIR/ids (one identifier a line) and OUTDIR/qnames (the hashed TXT
# owner name of each, same order).
set -euo pipefail
OUT=${1:?usage: mkzone.sh OUTDIR NAMES_BIN [N]}
NAMES=${2:?usage: mkzone.sh OUTDIR NAMES_BIN [N]}
N=${3:-10000}
ZONE=bench.example
mkdir -p "$OUT"
cd "$OUT"
rm -f K* ./*.zone ./*.signed ta.ds ids qnames

NOW=$(date -u +%s)
INCEPT=$(date -u -d "@$((NOW - 86400))" +%Y%m%d%H%M%S)
EXPIRE=$(date -u -d "@$((NOW + 30 * 86400))" +%Y%m%d%H%M%S)

"$NAMES" "$N" "$ZONE" > names.tsv
cut -f1 names.tsv > ids
cut -f2 names.tsv > qnames
[ "$(wc -l < qnames)" -eq "$N" ] || { echo "mkzone: expected $N names" >&2; exit 1; }

{
  printf '$ORIGIN %s.\n$TTL 3600\n' "$ZONE"
  printf '@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n' "$ZONE" "$ZONE"
  printf '@ NS ns.%s.\nns A 127.0.0.1\n' "$ZONE"
  printf '_mimi.chat SVCB 1 chat.%s. alpn=h2 port=8443 ipv4hint=127.0.0.1\n' "$ZONE"
  printf 'chat A 192.0.2.10\n'
  awk -F'\t' '{ split($1, a, "@"); printf "%s TXT \"v=MIMI1; e=chat.bench.example; a=%s\"\n", $2, a[1] }' names.tsv
} > "$ZONE.zone"

K=$(ldns-keygen -a ECDSAP256SHA256 -k "$ZONE")
ldns-signzone -i "$INCEPT" -e "$EXPIRE" -f "$ZONE.zone.signed" "$ZONE.zone" "$K"
ldns-key2ds -n -2 "$K.key" > ta.ds
