#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPDX licence identifiers (see LICENSE) in the tracked source files of the
# git work tree this is run in: C sources and headers, shell and Python
# scripts, *.in templates, Makefiles and the man pages. Outside a git work
# tree (a copy of its files, as make test-debian13 makes), the same kinds of
# files below the current directory, build directories left out.
#
#   scripts/spdx.sh --check   name the files without an identifier near the
#                             top; exit 1 if there is any
#   scripts/spdx.sh --add     give each such file one, in its comment syntax,
#                             after a "#!" line; files that have one are left
#                             as they are, so running it again changes nothing
#
# Paths listed in scripts/spdx-pending.txt (one path or folder/ a line) are
# skipped by both.
set -eu
ID='SPDX-License-Identifier: MIT'
TOP=5 # "near the top": within the first lines

usage() { echo "usage: $0 --check | --add" >&2; exit 2; }

is_pending() {
  local p
  for p in ${pending[@]+"${pending[@]}"}; do
    case "$p" in
      */) case "$1" in "$p"*) return 0 ;; esac ;;
      *) [ "$1" = "$p" ] && return 0 ;;
    esac
  done
  return 1
}

# The identifier as a comment of the file's kind.
comment_for() {
  case "$1" in
    *.c|*.h) printf '/* %s */\n' "$ID" ;;
    man/*) printf '.\\" %s\n' "$ID" ;;
    *) printf '# %s\n' "$ID" ;;
  esac
}

has_id() {
  head -n "$TOP" "$1" | grep -qE "^(/\*|#|\.\\\\\")[[:space:]]*$ID([[:space:]]|\*/|$)"
}

add_id() { # file: the comment first, or second after a "#!" line
  local f=$1 tmp
  tmp=$(mktemp)
  C=$(comment_for "$f") awk '
    NR == 1 && /^#!/ { print; print ENVIRON["C"]; next }
    NR == 1 { print ENVIRON["C"] }
    { print }
    END { if (NR == 0) print ENVIRON["C"] }' "$f" > "$tmp"
  cat "$tmp" > "$f" # in place: mode and links kept
  rm -f "$tmp"
}

# The candidate files, NUL-terminated, relative to the top of the tree.
list_files() {
  if [ "$in_git" = 1 ]; then
    git ls-files -z -- '*.c' '*.h' '*.sh' '*.py' '*.in' Makefile '*/Makefile' 'man/*.[1-8]'
  else
    find . \( -path ./.git -o -path ./build -o -path './build-*' \) -prune -o -type f \
      \( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o -name '*.in' -o -name Makefile \
      -o -path './man/*.[1-8]' \) -printf '%P\0' | sort -z
  fi
}

# All in one function, read whole before it runs: --add may rewrite this
# very file, and bash reads a script as it goes.
main() {
  [ $# -eq 1 ] || usage
  case "$1" in --check|--add) mode=$1 ;; *) usage ;; esac

  in_git=0
  if root=$(git rev-parse --show-toplevel 2>/dev/null); then
    in_git=1
    cd "$root"
  fi

  pending=()
  if [ -f scripts/spdx-pending.txt ]; then
    while IFS= read -r p; do
      case "$p" in ''|'#'*) ;; *) pending+=("$p") ;; esac
    done < scripts/spdx-pending.txt
  fi

  missing=0
  while IFS= read -r -d '' f; do
    case "$f" in tests/fuzz/corpus/*) continue ;; esac
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    is_pending "$f" && continue
    has_id "$f" && continue
    if [ "$mode" = --add ]; then
      add_id "$f"
      echo "spdx.sh: added to $f"
    else
      echo "$f"
      missing=$((missing + 1))
    fi
  done < <(list_files)

  if [ "$missing" -ne 0 ]; then
    echo "spdx.sh: $missing file(s) without \"$ID\" near the top (scripts/spdx.sh --add)" >&2
    exit 1
  fi
}

main "$@"; exit $?
