#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Man pages: lint clean; every mimi-lookup option documented; every public
# function named in libmimi(3); the libmimi(3) example compiles and runs.
set -u
. "$(dirname "$0")/../tap.sh"
B=${B:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Down to style level; cross-references are resolved against the system's
# man pages, where ours (and some tools') are not installed: not a finding.
for m in man/*.[1-8]; do
  out=$(mandoc -Tlint -W style "$m" 2>&1 |
        grep -v -e 'referenced manual not found' -e 'outdated mandoc.db' || true)
  [ -z "$out" ] && ok "mandoc -Tlint $m" || fail "mandoc -Tlint $m" "$out"
done

# Every option a tool's --help lists is documented in its man page.
for tool in "${MIMI_BIN:-$B/bin}"/mimi-*; do
  name=$(basename "$tool")
  page="man/$name.1"
  if [ ! -f "$page" ]; then
    fail "$name has a man page" "missing $page"
    continue
  fi
  opts=$("$tool" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
  undocumented=""
  for o in $opts; do
    grep -qE "^\.It .*Fl -${o#--}( |$)" "$page" || undocumented="$undocumented $o"
  done
  [ -z "$undocumented" ] && ok "$page documents every option of --help" \
    || fail "$page documents every option of --help" "missing:$undocumented"
done

missing=""
for f in $(grep -h 'MIMI_EXPORT' resolver/include/*.h | grep -oE 'mimi_[a-z0-9_]+\(' | tr -d '(' | sort -u); do
  grep -q "Fn $f\b" man/libmimi.3 || missing="$missing $f"
done
[ -z "$missing" ] && ok "libmimi.3 names every public function" || fail "libmimi.3 names every public function" "missing:$missing"

# The EXAMPLES programs of libmimi(3), as printed, against the build tree:
# all compile; the first runs (the second needs a server: resolver tests).
awk '/^\.Sh EXAMPLES/{e=1} /^\.Sh SEE ALSO/{e=0} e&&/^\.Bd -literal/{p=1;n++;next} p&&/^\.Ed/{p=0} p{print > (dir "/example" n ".c")}' \
  dir="$T" man/libmimi.3
sed -i 's/\\e/\\/g' "$T"/example*.c
LIBS="-lidn2 -lssl -lcrypto -lldns -lcares -lpcre2-8 -lunbound -lunistring"
for src in "$T"/example*.c; do
  exe=${src%.c}
  if cc -std=c11 -Wall -Wextra -Werror -Iresolver/include -o "$exe" "$src" \
       "$B/lib/libmimi.a" $LIBS 2>"$T/cc.log"; then
    ok "libmimi.3 $(basename "$src") compiles"
  else
    fail "libmimi.3 $(basename "$src") compiles" "$(cat "$T/cc.log")"
  fi
done
[ -x "$T/example2" ] && ok "libmimi.3 has a resolver example" || fail "libmimi.3 has a resolver example"
if [ -x "$T/example1" ]; then
  out=$("$T/example1")
  expect_contains "$out" "TXT 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com." \
    "libmimi.3 example 1 prints the owner name"
fi

done_testing
