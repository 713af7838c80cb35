#!/usr/bin/env bash
# Man pages: lint clean; every mimi-lookup option documented; every public
# function named in libmimi(3); the libmimi(3) example compiles and runs.
set -u
. "$(dirname "$0")/../tap.sh"
B=${B:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for m in man/*.[1-8]; do
  out=$(mandoc -Tlint -W warning "$m" 2>&1)
  [ -z "$out" ] && ok "mandoc -Tlint $m" || fail "mandoc -Tlint $m" "$out"
done

L="${MIMI_BIN:-$B/bin}/mimi-lookup"
opts=$("$L" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
for o in $opts; do
  if grep -qE "^\.It .*Fl -${o#--}( |$)" man/mimi-lookup.1; then
    ok "mimi-lookup.1 documents $o"
  else
    fail "mimi-lookup.1 documents $o"
  fi
done

missing=""
for f in $(grep -h 'MIMI_EXPORT' resolver/include/*.h | grep -oE 'mimi_[a-z0-9_]+\(' | tr -d '(' | sort -u); do
  grep -q "Fn $f\b" man/libmimi.3 || missing="$missing $f"
done
[ -z "$missing" ] && ok "libmimi.3 names every public function" || fail "libmimi.3 names every public function" "missing:$missing"

# The EXAMPLES program of libmimi(3), as printed, against the build tree.
awk '/^\.Sh EXAMPLES/{e=1} e&&/^\.Bd -literal/{p=1;next} p&&/^\.Ed/{exit} p' man/libmimi.3 \
  | sed 's/\\e/\\/g' > "$T/example.c"
if cc -std=c11 -Wall -Wextra -Werror -Iresolver/include -o "$T/example" "$T/example.c" \
     "$B/lib/libmimi.a" -lidn2 -lssl -lcrypto -lunistring 2>"$T/cc.log"; then
  out=$("$T/example")
  expect_contains "$out" "TXT 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com." \
    "libmimi.3 example compiles and prints the owner name"
else
  fail "libmimi.3 example compiles" "$(cat "$T/cc.log")"
fi

done_testing
