#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mimi-zonegen --send-update (issue 17): DNS UPDATE signed with TSIG to a
# real signing primary (knotd, NSEC3) and its two secondaries (NOTIFY,
# IXFR); adds, changes and deletions reach both secondaries and validate
# (mimi-lookup); refused updates (wrong key, unknown key, bad rows) change
# nothing; a mod-mimi node fed the same change files with --format lmdb
# --update answers every identifier as the secondaries do.
# MIMI_BIN: directory of the tools under test.
set -u
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lib/knot.sh"
. "$(dirname "$0")/../lib/knot-fleet.sh"
B=${B:-build}
BIN=${MIMI_BIN:-$B/bin}
G="$BIN/mimi-zonegen"
L="$BIN/mimi-lookup"
LIB=$(cd "$(dirname "$0")/../lib" && pwd)
T=$(mktemp -d)
trap 'knot_stop_all; rm -rf "$T"' EXIT
HDR="identifier,provider,account,preference,tags,service"
Z=example.com
SECRET=$(head -c 32 /dev/urandom | base64)
KEY="hmac-sha256:mimi-update:$SECRET"

# ---- the user list: 40 users; the zone from mimi-zonegen ---------------------
{
  echo "$HDR"
  echo "alice@example.com,chat.example.net,alice,10,personal,examplechat"
  echo "Bob@example.com,chat.example.net,bob,,,"
  echo "dom.example.com,chat.example.net,dom.example.com,,,"
  echo "carol@example.com,,,,,"
  for i in $(seq 1 36); do echo "user$i@example.com,chat.example.net,user$i,$i,,"; done
} > "$T/users.csv"
out=$("$G" --origin $Z --ns ns1.example.com=127.0.0.1 --serial 1 -o "$T/zone" "$T/users.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "initial zone from mimi-zonegen" || fail "initial zone" "exit $rc" "$out"

# A shard: the _mimi subtree of a domain as a zone of its own.
grep -v '^dom.example.com,' "$T/users.csv" > "$T/handles.csv"
out=$("$G" --origin _mimi.example.com --ns ns1.example.net --serial 1 "$T/handles.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" $'_mimi.example.com.\t3600\tIN\tSOA' \
  "--origin _mimi.example.com: a shard zone of the domain's handles" || fail "shard zone" "exit $rc" "$out"
expect_contains "$out" "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com." \
  "the shard holds alice's owner name"

sed -e "s|@SECRET@|$SECRET|" -e "s|@ZONE@|$Z|g" -e "s|@ZONEFILE@|$T/zone|" \
    -e "s|@SEC1@|1|" -e "s|@SEC2@|2|" "$LIB/knot-primary.conf.in" > "$T/primary.tpl"
if ! knot_start_conf "$T/p" "$T/primary.tpl" 1 $Z; then
  fail "the signing primary starts"; done_testing; exit 1
fi
knot_keep P
for s in S1 S2; do
  sed -e "s|@PRIMARY@|$P_PORT|" -e "s|@ZONE@|$Z|g" "$LIB/knot-secondary.conf.in" > "$T/$s.tpl"
  if ! knot_start_conf "$T/$s" "$T/$s.tpl" 0 $Z; then
    fail "secondary $s starts"; done_testing; exit 1
  fi
  knot_keep $s
done
# NOTIFY targets, now that the secondaries' ports are known.
knot_sed_conf P "s|127.0.0.1@1\$|127.0.0.1@$S1_PORT|" "s|127.0.0.1@2\$|127.0.0.1@$S2_PORT|" \
  && ok "primary on $P_PORT, secondaries on $S1_PORT and $S2_PORT" || fail "primary reload"

serial() { kdig @127.0.0.1 -p "$1" +time=2 +retry=1 +short SOA $Z 2>/dev/null | awk '{print $3}'; }
# Wait (at most 30 s) until both secondaries serve the primary's serial.
converge() {
  local ps i
  ps=$(serial "$P_PORT")
  for i in $(seq 1 150); do
    [ -n "$ps" ] && [ "$(serial "$S1_PORT")" = "$ps" ] && [ "$(serial "$S2_PORT")" = "$ps" ] && return 0
    sleep 0.2
    ps=$(serial "$P_PORT")
  done
  return 1
}
converge && ok "both secondaries have the signed zone" \
  || fail "secondaries bootstrap" "P $(serial "$P_PORT") S1 $(serial "$S1_PORT") S2 $(serial "$S2_PORT")"
kdig @127.0.0.1 -p "$P_PORT" DNSKEY $Z +noall +answer > "$T/ta" 2>&1
grep -q DNSKEY "$T/ta" && ok "trust anchor: the primary's DNSKEYs" || fail "trust anchor" "$(cat "$T/ta")"
grep -q NSEC3PARAM <(kdig @127.0.0.1 -p "$P_PORT" NSEC3PARAM $Z +short) \
  || [ -n "$(kdig @127.0.0.1 -p "$P_PORT" NSEC3PARAM $Z +short)" ] && ok "the primary signs with NSEC3" \
  || fail "NSEC3PARAM"

look() { # PORT TA ID...
  local p=$1 ta=$2
  shift 2
  "$L" --server "127.0.0.1@$p" --trust-anchor "$ta" --timeout 4000 --no-endpoints "$@" 2>&1
}
# check_all NAME RC NEEDLE ID: both secondaries answer ID with exit RC,
# fully validated, the answer containing NEEDLE.
check_all() {
  local name=$1 want=$2 needle=$3 id=$4 s port out rc
  for s in S1 S2; do
    port=${s}_PORT
    out=$(look "${!port}" "$T/ta" "$id"); rc=$?
    if [ $rc -eq "$want" ] && [[ $out == *"$needle"* ]] && [[ $out == *"fully validated"* ]]; then
      ok "$s: $name"
    else
      fail "$s: $name" "exit $rc (want $want), want '$needle' and 'fully validated'" "$out"
    fi
  done
}
check_all "alice before the changes" 0 "mimi://chat.example.net/u/alice" alice@example.com

# ---- add and change ---------------------------------------------------------------
{
  echo "$HDR"
  echo "alice@example.com,new.example.net,alice,1,,"
  echo "zed@example.com,chat.example.net,zed,,,"
} > "$T/upd.csv"
s0=$(serial "$P_PORT")
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" "$T/upd.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "applied 1 transaction: 2 names replaced (2 records), 0 deleted" \
  "--send-update: add and change applied (summary)" || fail "--send-update add/change" "exit $rc" "$out"
cs_upd=$(printf '%s\n' "$out" | sed -n 's/.*change set \([0-9a-f]*\).*/\1/p')
[ "$(serial "$P_PORT")" != "$s0" ] && ok "the primary's serial moved" || fail "primary serial" "$s0"
converge && ok "both secondaries converged" || fail "convergence after the update"
for s in S1 S2; do
  d=${s}_DIR
  grep -q "IXFR, incoming.*finished" "${!d}/knotd.log" && ok "$s: by IXFR" \
    || fail "$s: by IXFR" "$(grep -i xfr "${!d}/knotd.log")"
done
check_all "zed added" 0 "mimi://chat.example.net/u/zed" zed@example.com
check_all "alice changed" 0 "mimi://new.example.net/u/alice" alice@example.com
out=$(look "$S1_PORT" "$T/ta" alice@example.com)
case "$out" in *chat.example.net*) fail "alice's old record gone" "$out" ;; *) ok "alice's old record gone (replaced, not added)" ;; esac

# ---- delete ----------------------------------------------------------------------
printf 'identifier\nBob@example.com\ncarol@example.com\n' > "$T/del.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" --delete "$T/del.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "0 names replaced (0 records), 3 deleted" \
  "--delete: Bob (two names) and carol deleted" || fail "--delete" "exit $rc" "$out"
cs_del=$(printf '%s\n' "$out" | sed -n 's/.*change set \([0-9a-f]*\).*/\1/p')
converge && ok "converged after the deletion" || fail "convergence after the deletion"
check_all "Bob deleted: not found, the denial validated (NSEC3)" 1 "not found" Bob@example.com
check_all "user7 untouched" 0 "mimi://chat.example.net/u/user7" user7@example.com

# ---- --diff: only what changed between two lists ------------------------------------
{
  grep -v -e '^Bob@' -e '^carol@' -e '^alice@' "$T/users.csv"
  echo "alice@example.com,new.example.net,alice,1,,"
  echo "zed@example.com,chat.example.net,zed,,,"
} > "$T/v2.csv"
grep -v -e '^user3@' -e '^user4@' "$T/v2.csv" | sed 's/^user5@example.com,chat.example.net,user5,5/user5@example.com,other.example.net,user5,5/' > "$T/v3.csv"
echo "new1@example.com,chat.example.net,new1,,," >> "$T/v3.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" --diff "$T/v2.csv" "$T/v3.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "2 names replaced (2 records), 2 deleted" \
  "--diff: user5 changed, new1 added, user3 and user4 gone" || fail "--diff" "exit $rc" "$out"
cs_diff=$(printf '%s\n' "$out" | sed -n 's/.*change set \([0-9a-f]*\).*/\1/p')
converge && ok "converged after --diff" || fail "convergence after --diff"
check_all "--diff: user5 changed" 0 "mimi://other.example.net/u/user5" user5@example.com
check_all "--diff: user4 deleted" 1 "not found" user4@example.com
check_all "--diff: new1 added" 0 "mimi://chat.example.net/u/new1" new1@example.com

# ---- refusals change nothing ----------------------------------------------------------
{ echo "$HDR"; echo "eve@example.com,chat.example.net,eve,,,"; } > "$T/eve.csv"
s1=$(serial "$P_PORT")
WRONG="hmac-sha256:mimi-update:$(head -c 32 /dev/urandom | base64)"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$WRONG" "$T/eve.csv" 2>&1); rc=$?
[ $rc -eq 4 ] && expect_contains "$out" "BADSIG" "a wrong secret: exit 4, BADSIG named" \
  || fail "wrong secret" "exit $rc" "$out"
expect_contains "$out" "nothing after it was sent" "the refusal says nothing more was sent"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "hmac-sha256:nobody:$SECRET" "$T/eve.csv" 2>&1); rc=$?
# (Knot 3.2 answers NOTAUTH with the TSIG error BADKEY, Knot 3.4 an
# unsigned NOTAUTH: RFC 8945 §5.2.1 allows both.)
if [ $rc -eq 4 ] && [[ $out == *NOTAUTH* ]] && [[ $out == *BADKEY* || $out == *"answer is not signed"* ]]; then
  ok "an unknown key: exit 4, NOTAUTH (BADKEY, or unsigned) named"
else
  fail "unknown key" "exit $rc" "$out"
fi
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" "$T/eve.csv" 2>&1); rc=$?
[ $rc -eq 4 ] && expect_contains "$out" "NOTAUTH" "no key: exit 4, NOTAUTH named" \
  || fail "unsigned update" "exit $rc" "$out"
out=$("$G" --origin example.org --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" \
      <(echo "$HDR"; echo "x@example.org,chat.example.net,x,,,") 2>&1); rc=$?
[ $rc -eq 4 ] && expect_contains "$out" "NOTAUTH" "a zone the primary does not serve: NOTAUTH" \
  || fail "foreign zone" "exit $rc" "$out"
{ echo "$HDR"; echo "eve@example.com,chat.example.net,eve,,,"; echo "bad@@example.com,x,,,,"; } > "$T/bad.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" "$T/bad.csv" 2>&1); rc=$?
[ $rc -eq 1 ] && expect_contains "$out" "bad.csv:3:" "a bad row: exit 1, the row named, nothing sent" \
  || fail "bad row" "exit $rc" "$out"
[ "$(serial "$P_PORT")" = "$s1" ] && ok "after the refusals the primary's serial is unchanged" \
  || fail "serial after refusals" "$s1 -> $(serial "$P_PORT")"
check_all "eve was never added" 1 "not found" eve@example.com

# Forged answers (a NOERROR without TSIG, or with a MAC that does not
# verify) are not believed.
FORGER=
trap 'knot_stop_all; [ -n "$FORGER" ] && kill "$FORGER" 2>/dev/null; rm -rf "$T"' EXIT
for mode in unsigned badmac; do
  rm -f "$T/fport"
  python3 "$LIB/forged_update.py" "$T/fport" $mode 20 & FORGER=$!
  for i in $(seq 1 50); do [ -s "$T/fport" ] && break; sleep 0.1; done
  out=$("$G" --origin $Z --send-update "127.0.0.1@$(cat "$T/fport")" --tsig "$KEY" "$T/eve.csv" 2>&1); rc=$?
  kill "$FORGER" 2>/dev/null; wait "$FORGER" 2>/dev/null; FORGER=
  want="does not verify"; [ $mode = unsigned ] && want="the answer is not signed"
  [ $rc -eq 4 ] && expect_contains "$out" "$want" "a forged NOERROR ($mode): exit 4, not believed" \
    || fail "forged answer ($mode)" "exit $rc" "$out"
done

# The key from a BIND key file.
printf 'key "mimi-update" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$SECRET" > "$T/key.conf"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig-file "$T/key.conf" "$T/eve.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "1 name replaced" "--tsig-file: a BIND key file" \
  || fail "--tsig-file" "exit $rc" "$out"
cs_eve=$(printf '%s\n' "$out" | sed -n 's/.*change set \([0-9a-f]*\).*/\1/p')
converge && check_all "eve added with the key file" 0 "mimi://chat.example.net/u/eve" eve@example.com

# ---- transactions sized as encoded; several in flight; --diff prerequisites ----------
# 700 new users in one run: with names compressed (RFC 1035 §4.1.4) two
# messages of at most 65,535 octets hold them (124-183 octets a name: a
# name written past octet 16,383 cannot be pointed to); uncompressed (209
# octets a name), three would be needed.
{ echo "$HDR"; for i in $(seq 1 700); do echo "p$i@example.com,chat.example.net,p$i,,,"; done; } > "$T/p1.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" "$T/p1.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "applied 2 transactions: 700 names replaced (700 records)" \
  "700 names in 2 transactions: sized as compressed, within one TCP message each" \
  || fail "compression-aware sizing" "exit $rc" "$out"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" --update-batch 0 "$T/p1.csv" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_contains "$out" "--update-batch '0': names a transaction, 1-65535" \
  "--update-batch 0: usage error named" || fail "--update-batch 0" "exit $rc" "$out"
out=$("$G" --origin $Z --pipeline 4 -o "$T/x.zone" "$T/p1.csv" 2>&1); rc=$?
[ $rc -eq 2 ] && expect_contains "$out" "go with --send-update" "--pipeline without --send-update: usage error" \
  || fail "--pipeline alone" "exit $rc" "$out"
# The order the names go in (the owner names' order): accounts in order.
"$G" --origin $Z --ns ns1.example.net --serial 1 "$T/p1.csv" 2>/dev/null |
  awk -F'\t' '$4 == "TXT" { match($5, /a=p[0-9]+/); print substr($5, RSTART + 2, RLENGTH - 2), $1 }' > "$T/p-order"
p_at() { sed -n "${1}p" "$T/p-order"; }
read -r acc_b own_b <<< "$(p_at 50)"   # in transaction 1 of 100 names
read -r acc_c own_c <<< "$(p_at 150)"  # in transaction 2
read -r acc_a own_a <<< "$(p_at 250)"  # in transaction 3
txt_at() { kdig @127.0.0.1 -p "$P_PORT" +time=2 +retry=1 +short TXT "$1" 2>/dev/null; }
sed 's/chat.example.net/old.example.net/' "$T/p1.csv" > "$T/p2.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" --update-batch 100 \
      --pipeline 4 "$T/p2.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && expect_contains "$out" "applied 7 transactions: 700 names replaced" \
  "--update-batch 100 --pipeline 4: 7 transactions, all applied" || fail "--pipeline" "exit $rc" "$out"
m=$(txt_at _mimi-update.$Z)
[[ $m == *"transaction 7"* ]] && ok "the marker at _mimi-update names the last transaction ($m)" \
  || fail "marker" "$m"
[[ $(txt_at "$own_a") == *old.example.net* ]] && ok "--pipeline: the last transaction's names changed" \
  || fail "--pipeline applied" "$(txt_at "$own_a")"
# Someone else changes one user (in the second transaction) on the server;
# then --diff from the list before: the second transaction fails its
# prerequisite (RFC 2136 §2.4.2) and, though several are in flight, the
# third is not applied (it requires the marker of the second).
sed -n "1p;/^$acc_c@/p" "$T/p2.csv" | sed 's/old.example.net/theirs.example.net/' > "$T/theirs.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" "$T/theirs.csv" 2>&1); rc=$?
[ $rc -eq 0 ] || fail "someone else's change" "exit $rc" "$out"
sed 's/old.example.net/new.example.net/' "$T/p2.csv" > "$T/p3.csv"
converge
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" --update-batch 100 \
      --pipeline 4 --diff "$T/p2.csv" "$T/p3.csv" 2>&1); rc=$?
[ $rc -eq 4 ] && expect_contains "$out" "transaction 2 (100 names) failed: refused: NXRRSET" \
  "--diff: a name changed on the server since the old list: exit 4, NXRRSET, transaction 2" \
  || fail "--diff conflict" "exit $rc" "$out"
expect_contains "$out" "conflict: $own_c TXT: differs on the server" "the conflict names the owner name"
expect_contains "$out" "theirs.example.net" "and shows what the server has"
expect_contains "$out" "1 transaction (100 names) applied before it; nothing after it was applied" \
  "the summary: one applied, nothing after the failed one"
[[ $(txt_at "$own_b") == *new.example.net* ]] && ok "transaction 1 (before the conflict) applied" \
  || fail "before the conflict" "$(txt_at "$own_b")"
[[ $(txt_at "$own_c") == *theirs.example.net* ]] && ok "the other writer's change is kept, not overwritten" \
  || fail "conflict overwritten" "$(txt_at "$own_c")"
[[ $(txt_at "$own_a") == *old.example.net* ]] && ok "transaction 3 (in flight after it) not applied" \
  || fail "after the conflict" "$(txt_at "$own_a")"
# A user the old list lacks, which the server has (added by someone else):
# "RRset does not exist" (§2.4.3) fails, YXRRSET; nothing changes.
s3=$(serial "$P_PORT")
{ echo "$HDR"; echo "zed@example.com,mine.example.net,zed,,,"; } > "$T/zed.csv"
out=$("$G" --origin $Z --send-update "127.0.0.1@$P_PORT" --tsig "$KEY" --diff <(echo "$HDR") "$T/zed.csv" 2>&1); rc=$?
[ $rc -eq 4 ] && expect_contains "$out" "YXRRSET" "--diff: a new user the server already has: exit 4, YXRRSET" \
  || fail "--diff new user exists" "exit $rc" "$out"
expect_contains "$out" "TXT: exists on the server, the prerequisite says it must not" "the conflict is named"
[ "$(serial "$P_PORT")" = "$s3" ] && ok "after the refused --diff the primary's serial is unchanged" \
  || fail "serial after the refused --diff" "$s3 -> $(serial "$P_PORT")"
converge || fail "convergence after the pipelined runs"

# ---- a mod-mimi node fed the same change files ----------------------------------------
if [ "${MIMI_VARIANT:-rel}" = asan ] || [ ! -f "$B/plugin-knot/mod-mimi.so" ]; then
  ok "# skip the mod-mimi node: the module is not a sanitizer build; see the rel run"
else
  MOD=$(cd "$B/plugin-knot" && pwd)/mod-mimi.so
  D="$T/db"
  up() { "$G" --origin $Z --format lmdb --update -o "$D" "$@" 2>&1; }
  out=$("$G" --origin $Z --format lmdb -o "$D" "$T/users.csv" 2>&1) && out=$(up "$T/upd.csv") &&
    out=$(up --delete "$T/del.csv") && out=$(up --diff "$T/v2.csv" "$T/v3.csv") &&
    out=$(up "$T/eve.csv") && ok "the node's database: built, then the same five change sets" \
    || fail "node database" "$out"
  cs=$(mdb_dump -p -s meta "$D" | awk '$0 == " changeset" { getline; sub(/^ /, ""); print }')
  [ "${cs:0:16}" = "$cs_eve" ] && ok "meta changeset: the last change set applied ($cs_eve)" \
    || fail "meta changeset" "db $cs, sent $cs_eve"
  [ -n "$cs_upd" ] && [ "$cs_upd" != "$cs_del" ] && [ "$cs_del" != "$cs_diff" ] \
    && ok "change sets have distinct identities" || fail "change set ids" "$cs_upd $cs_del $cs_diff"
  printf '$ORIGIN %s.\n$TTL 3600\n@ SOA ns1 hostmaster 1 3600 900 1209600 300\n@ NS ns1\nns1 A 127.0.0.1\n' $Z > "$T/static.zone"
  cat > "$T/mod.tpl" <<EOF
server:
  rundir: "@DIR@/run"
  listen: 127.0.0.1@@PORT@
  udp-workers: 2
  tcp-workers: 2
  background-workers: 1
database:
  storage: "@DIR@/db"
log:
  - target: "@DIR@/knotd.log"
    any: info
module:
  - id: mod-mimi
    file: "$MOD"
mod-mimi:
  - id: com
    database: "$D"
mod-onlinesign:
  - id: mimi
    nsec-bitmap: [TXT, NAPTR]
template:
  - id: default
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $Z
    file: "$T/static.zone"
    module: [mod-mimi/com, mod-onlinesign/mimi]
EOF
  if knot_start_conf "$T/m" "$T/mod.tpl" 1 $Z; then
    knot_keep M
    kdig @127.0.0.1 -p "$M_PORT" DNSKEY $Z +noall +answer > "$T/ta-m" 2>&1
    # Every identifier ever listed, and one never listed.
    ids=$(cat "$T/users.csv" "$T/upd.csv" "$T/v3.csv" "$T/eve.csv" | cut -d, -f1 | grep -v '^identifier$' | sort -u)
    ids="$ids nobody@example.com"
    diffs=0; n=0; secure=0
    for id in $ids; do
      a=$(look "$S1_PORT" "$T/ta" "$id"; echo "rc=$?")
      b=$(look "$S2_PORT" "$T/ta" "$id"; echo "rc=$?")
      c=$(look "$M_PORT" "$T/ta-m" "$id"; echo "rc=$?")
      n=$((n + 1))
      [[ $a == *"fully validated"* && $b == *"fully validated"* && $c == *"fully validated"* ]] \
        && secure=$((secure + 1))
      if [ "$a" != "$b" ] || [ "$a" != "$c" ]; then
        diffs=$((diffs + 1))
        [ $diffs -le 3 ] && printf '# %s\n#  S1: %s\n#  S2: %s\n#  mod-mimi: %s\n' "$id" "$a" "$b" "$c"
      fi
    done
    [ $n -ge 44 ] && [ $diffs -eq 0 ] && ok "secondaries and the mod-mimi node agree on all $n identifiers" \
      || fail "fleet differs on $diffs of $n identifiers"
    [ $secure -eq $n ] && ok "all $n answers fully validated on all three" || fail "validated: $secure of $n"
  else
    fail "the mod-mimi node starts"
  fi
fi
done_testing
