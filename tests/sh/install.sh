#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make install into a DESTDIR; a program builds against it with pkg-config
# (shared and static) and runs; only mimi_* symbols are exported; the SONAME
# is right; make uninstall removes every file install put there.
set -u
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/../lib/knot.sh"
B=${B:-build}
D=$(mktemp -d)
trap 'knot_stop; rm -rf "$D"' EXIT
CFL=""
[ "${MIMI_VARIANT:-rel}" = asan ] && CFL="-fsanitize=address,undefined -fno-sanitize-recover=all"

if make -s --no-print-directory install B="$B" DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1; then
  ok "make install DESTDIR PREFIX=/usr"
else
  fail "make install DESTDIR PREFIX=/usr" "$(cat "$D.log")"
fi
rm -f "$D.log"

# The module goes where the installed knotd loads modules from (its
# pkg-config variable: modules-3.2 on Debian 12, modules-3.4 on Debian 13).
moddir=$(pkg-config --variable=module_instdir knotd)
case $moddir in
  /*/knot/modules-*) ok "knotd's module directory: $moddir" ;;
  *) fail "knotd's module directory from pkg-config" "got '$moddir'" ;;
esac
for f in usr/lib/libmimi.so.0 usr/lib/libmimi.so usr/lib/libmimi.a usr/include/mimi/mimi.h \
         usr/lib/pkgconfig/libmimi.pc usr/bin/mimi-lookup usr/share/man/man1/mimi-lookup.1 \
         usr/share/man/man7/mimi-discovery.7 usr/bin/mimi-zonegen usr/share/man/man5/mod-mimi.5 \
         "${moddir#/}/mod-mimi.so"; do
  [ -e "$D/$f" ] && ok "installed $f" || fail "installed $f"
done

# A staged install: PKG_CONFIG_PATH alone (libmimi.pc is relocatable with the
# default layout; no PKG_CONFIG_SYSROOT_DIR needed).
pc() { PKG_CONFIG_PATH="$D/usr/lib/pkgconfig" pkg-config "$@"; }
flags=$(pc --cflags --libs libmimi)
expect_contains "$flags" "-lmimi" "pkg-config --libs names -lmimi"
# shellcheck disable=SC2086
if cc $CFL -o "$D/consumer" tests/install/consumer.c $flags 2>"$D/cc.log"; then
  out=$(LD_LIBRARY_PATH="$D/usr/lib" "$D/consumer" 2>&1)
  expect_contains "$out" "TXT 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com." \
    "program built with pkg-config runs against the shared library"
  ldd_out=$(LD_LIBRARY_PATH="$D/usr/lib" ldd "$D/consumer")
  expect_contains "$ldd_out" "$D/usr/lib/libmimi.so.0" "program loads the installed libmimi.so.0"
else
  fail "program builds with pkg-config --cflags --libs" "$(cat "$D/cc.log")"
fi
# shellcheck disable=SC2086
if cc $CFL -o "$D/consumer-static" tests/install/consumer.c \
     $(pc --cflags libmimi) "$D/usr/lib/libmimi.a" $(pc --static --libs-only-l libmimi | sed 's/-lmimi//') 2>"$D/cc.log"; then
  out=$("$D/consumer-static" 2>&1)
  expect_contains "$out" "TXT 2bd806c9" "static link with pkg-config --static works"
else
  fail "static link with pkg-config --static" "$(cat "$D/cc.log")"
fi

soname=$(readelf -d "$D/usr/lib/libmimi.so.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libmimi.so.0 ] && ok "SONAME is libmimi.so.0" || fail "SONAME is libmimi.so.0" "got '$soname'"
bad=$(nm -D --defined-only "$D/usr/lib/libmimi.so.0" | awk '{print $3}' | grep -v '^mimi_' || true)
[ -z "$bad" ] && ok "only mimi_* symbols exported" || fail "only mimi_* symbols exported" $bad
n=$(nm -D --defined-only "$D/usr/lib/libmimi.so.0" | grep -c ' T mimi_')
[ "$n" -gt 40 ] && ok "public API exported ($n functions)" || fail "public API exported" "only $n"

# examples/: a messenger-side client with its own poll() loop, built by its
# Makefile against the installed copy through pkg-config, run against knotd.
printf '#!/bin/sh\nPKG_CONFIG_PATH="%s/usr/lib/pkgconfig" exec pkg-config "$@"\n' \
  "$D" > "$D/pkg-config" && chmod +x "$D/pkg-config"
rm -f examples/mimi-client
if make -s -C examples PKG_CONFIG="$D/pkg-config" CFLAGS="-O2 -g -Wall -Wextra -Werror $CFL" \
     >"$D/ex.log" 2>&1; then
  ok "examples build against the installed library with pkg-config"
  if MIMI_LOOKUP="${MIMI_BIN:-$B/bin}/mimi-lookup" bash tests/fixtures/mkfixtures.sh "$D/fx" >/dev/null 2>&1 &&
     knot_start "$D/knot" $(cat "$D/fx/zones"); then
    out=$(LD_LIBRARY_PATH="$D/usr/lib" examples/mimi-client -s "127.0.0.1@$KNOT_PORT" \
          -t "$D/fx/trust-anchors.ds" alice@example.com nobody@example.com 2>&1)
    expect_contains "$out" "alice@example.com -> mimi://chat.example.net/u/alice (secure)" \
      "mimi-client resolves with the async API, validated"
    expect_contains "$out" "connect chat.example.net. port 8443, TLS name chat.example.net" \
      "mimi-client prints the endpoint"
    expect_contains "$out" "nobody@example.com: not found" "mimi-client reports not found"
    knot_stop
  else
    fail "fixtures and knotd for the example"
  fi
else
  fail "examples build against the installed library" "$(cat "$D/ex.log")"
fi
rm -f examples/mimi-client

make -s --no-print-directory uninstall B="$B" DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
left=$(find "$D/usr" \( -type f -o -type l \) 2>/dev/null)
[ -z "$left" ] && ok "make uninstall removes every installed file" || fail "make uninstall removes every installed file" $left

done_testing
