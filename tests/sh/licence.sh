#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every tracked source file carries the licence's SPDX identifier
# (scripts/spdx.sh --check); --add gives one in each kind of file's comment
# syntax, after a "#!" line, and changes nothing when run again.
set -u
. "$(dirname "$0")/../tap.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SPDX="$ROOT/scripts/spdx.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$(cd "$ROOT" && bash "$SPDX" --check 2>&1)
rc=$?
[ "$rc" -eq 0 ] && ok "every tracked source file has an SPDX identifier" ||
  fail "every tracked source file has an SPDX identifier" "exit $rc; without one:" "$out"

# A scratch tree with one file of each kind, none with an identifier: a git
# repository where git is installed (its files are those git knows), else a
# plain folder (all files below it; the Debian 13 chroot has no git).
R="$T/repo"
mkdir -p "$R/man" "$R/sub"
if command -v git >/dev/null; then
  git init -q "$R"
  track() { (cd "$R" && git add -A); }
else
  track() { :; }
fi
printf '/* A C file. */\nint x;\n' > "$R/a.c"
printf '#ifndef A_H\n#define A_H\n#endif\n' > "$R/a.h"
printf '#!/usr/bin/env bash\necho hi\n' > "$R/s.sh"
chmod 755 "$R/s.sh"
printf '#!/usr/bin/env python3\nprint("hi")\n' > "$R/p.py"
printf 'prefix=@PREFIX@\n' > "$R/x.pc.in"
printf 'all:\n\ttrue\n' > "$R/Makefile"
printf 'all:\n\ttrue\n' > "$R/sub/Makefile"
printf 'not a source file\n' > "$R/notes.txt"
cat > "$R/man/t.1" <<'EOF'
.Dd December 5, 2026
.Dt T 1
.Os
.Sh NAME
.Nm t
.Nd a test page
.Sh DESCRIPTION
Nothing.
EOF
track
kinds="Makefile a.c a.h man/t.1 p.py s.sh sub/Makefile x.pc.in"

out=$(cd "$R" && bash "$SPDX" --check 2>&1)
rc=$?
[ "$rc" -eq 1 ] && ok "--check exits 1 when files lack the identifier" ||
  fail "--check exits 1 when files lack the identifier" "exit $rc" "$out"
miss=""
for f in $kinds; do
  printf '%s\n' "$out" | grep -qx "$f" || miss="$miss $f"
done
[ -z "$miss" ] && ok "--check names each file without one" ||
  fail "--check names each file without one" "not named:$miss" "$out"
case "$out" in *notes.txt*) fail "--check ignores other files" "$out" ;;
  *) ok "--check ignores other files" ;; esac

out=$(cd "$R" && bash "$SPDX" --add 2>&1)
expect_rc 0 "after --add, --check passes" bash -c "cd '$R' && bash '$SPDX' --check"
expect_contains "$(head -n 1 "$R/a.c")" "/* SPDX-License-Identifier: MIT */" \
  "C: a comment on the first line"
expect_contains "$(sed -n 2p "$R/a.c")" "/* A C file. */" "C: the file follows unchanged"
expect_contains "$(head -n 1 "$R/s.sh")" "#!/usr/bin/env bash" "shell: the #! line stays first"
expect_contains "$(sed -n 2p "$R/s.sh")" "# SPDX-License-Identifier: MIT" "shell: then the identifier"
expect_contains "$(sed -n 2p "$R/p.py")" "# SPDX-License-Identifier: MIT" "Python: after its #! line"
expect_contains "$(head -n 1 "$R/sub/Makefile")" "# SPDX-License-Identifier: MIT" "a Makefile in a folder"
expect_contains "$(head -n 1 "$R/man/t.1")" '.\" SPDX-License-Identifier: MIT' "man page: a roff comment"
[ -x "$R/s.sh" ] && ok "--add keeps the mode" || fail "--add keeps the mode" "s.sh lost +x"
if command -v mandoc >/dev/null; then
  lint=$(mandoc -Tlint -W style "$R/man/t.1" 2>&1 | grep -v -e 'referenced manual not found' -e 'outdated mandoc.db')
  [ -z "$lint" ] && ok "the man page still lints clean" || fail "the man page still lints clean" "$lint"
fi
expect_contains "$(cat "$R/notes.txt")" "not a source file" "other files untouched"
[ "$(head -n 1 "$R/notes.txt")" = "not a source file" ] && ok "notes.txt has no identifier" ||
  fail "notes.txt has no identifier"

before=$(cd "$R" && cat $kinds | md5sum)
out=$(cd "$R" && bash "$SPDX" --add 2>&1)
rc=$?
after=$(cd "$R" && cat $kinds | md5sum)
[ "$rc" -eq 0 ] && [ "$before" = "$after" ] && [ -z "$out" ] &&
  ok "--add again changes nothing" || fail "--add again changes nothing" "exit $rc" "$out"
n=$(grep -c 'SPDX-License-Identifier' "$R/a.c")
[ "$n" -eq 1 ] && ok "one identifier a file" || fail "one identifier a file" "$n in a.c"

# --add over a tree that holds the script itself, without its identifier:
# the script is rewritten while it runs, and must finish cleanly.
mkdir -p "$R/scripts"
grep -v 'SPDX-License-Identifier: MIT$' "$SPDX" > "$R/scripts/spdx.sh"
track
out=$(cd "$R" && bash scripts/spdx.sh --add 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$out" = "spdx.sh: added to scripts/spdx.sh" ] &&
  ok "--add rewrites the running script itself cleanly" ||
  fail "--add rewrites the running script itself cleanly" "exit $rc" "$out"
expect_contains "$(sed -n 2p "$R/scripts/spdx.sh")" "# SPDX-License-Identifier: MIT" \
  "the script got its identifier"

# A path listed as pending is skipped by --check.
mkdir -p "$R/lib"
printf 'int y;\n' > "$R/lib/b.c"
printf '# comment\nlib/\n' > "$R/scripts/spdx-pending.txt"
track
expect_rc 0 "--check skips the paths of scripts/spdx-pending.txt" \
  bash -c "cd '$R' && bash '$SPDX' --check"

done_testing
