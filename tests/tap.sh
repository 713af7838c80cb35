# SPDX-License-Identifier: MIT
# Helpers for shell tests: TAP output ("ok N - name" / "not ok N - name").
# Each test script sources this, calls check/expect_* and ends with done_testing.
_n=0
_failed=0

ok()   { _n=$((_n + 1)); echo "ok $_n - $1"; }
fail() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# expect_rc WANT NAME CMD...: run CMD, compare its exit status.
expect_rc() {
  local want=$1 name=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$name"; else fail "$name" "exit $rc, want $want" "$out"; fi
}

# expect_contains HAYSTACK NEEDLE NAME
expect_contains() {
  case "$1" in
    *"$2"*) ok "$3" ;;
    *) fail "$3" "output lacks: $2" "got: $1" ;;
  esac
}

done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
