#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run test programs and shell tests, each emitting TAP ("ok N - ...",
# "not ok N - ..."), and print one summary line per program and a total.
#   replay_NAME binaries get the corpus directory tests/fuzz/corpus/NAME.
#   *.sh tests run once with the plain tools and once with the ASan build
#   (environment MIMI_BIN=path of the tool directory, MIMI_VARIANT=rel|asan).
set -u
B=${B:-build}
pass=0 fail=0 progs_failed=()
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# Known leaks inside Debian's libraries (see the file).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

run_one() { # label, command...
  local label=$1; shift
  local out="$log/out" rc ok nok
  "$@" >"$out" 2>&1
  rc=$?
  ok=$(grep -cE '^ok [0-9]+' "$out")
  nok=$(grep -cE '^not ok [0-9]+' "$out")
  if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then nok=1; fi # crashed or died
  pass=$((pass + ok)); fail=$((fail + nok))
  if [ "$nok" -ne 0 ]; then
    progs_failed+=("$label")
    echo "FAIL $label ($ok passed, $nok failed, exit $rc)"
    # The failed checks and their diagnostics first (a log viewer that
    # shows only the start of a long output still shows why), then the end.
    awk '/^not ok [0-9]+/ { p = 1; n = 0; print; next }
         p && /^#/ && n < 20 { print; n++; next } { p = 0 }' "$out" | head -n 80 | sed 's/^/    /'
    echo "    ... the last lines:"
    sed 's/^/    /' "$out" | tail -n 60
  else
    echo "PASS $label ($ok)"
  fi
}

for t in "$@"; do
  case "$t" in
    *.sh)
      for v in rel asan; do
        if [ $v = rel ]; then bin="$B/bin"; else bin="$B/asan/bin"; fi
        MIMI_BIN="$bin" MIMI_VARIANT=$v B="$B" run_one "$t [$v]" bash "$t"
      done ;;
    */replay_*)
      name=${t##*/replay_}
      # Full malloc stacks (libldns has no frame pointers), so that the
      # suppressions of tests/lsan.supp match only the leaks they name.
      ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" \
        run_one "$t" "$t" "tests/fuzz/corpus/$name" ;;
    *)
      run_one "$t" "$t" ;;
  esac
done

echo
if [ ${#progs_failed[@]} -ne 0 ]; then
  echo "failed: ${progs_failed[*]}"
fi
echo "total: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
