#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make test-debian13: `make demo` and `make test` on a pristine Debian system
# (default Debian 13, "trixie"), as a new user would run them there.
#
#   bash scripts/chroot-test.sh BUILD-DIR [COMMAND...]
#
# A minbase system made by debootstrap is cached as BUILD-DIR/chroot/SUITE.tar
# (made again when missing); every run unpacks it into a fresh tree, so the
# packages the tests need are installed by the project's own `make deps`
# inside it, each time. The checkout is copied in clean: the files git knows
# (tracked, and new files not ignored) as they are in the work tree, no build
# output. Default COMMAND: make demo && make test.
#
# Environment:
#   DISTRO=trixie|bookworm   the Debian suite (default trixie)
#   MIRROR=URL               the Debian archive; default: the one this
#                            machine's apt uses
#   REUSE=1                  keep the tree between runs (for a developer's
#                            iterations: packages stay installed, the source
#                            is copied in again); not pristine, never in CI
#
# /proc, /dev, /dev/pts and a tmpfs on /tmp are mounted inside the tree. On
# every exit path (success, failure, ^C, TERM) the processes still running
# inside it are stopped, the mounts are undone, and the tree is deleted only
# when nothing is mounted inside it any more.
set -euo pipefail

B=${1:?usage: chroot-test.sh BUILD-DIR [COMMAND...]}
shift
SUITE=${DISTRO:-trixie}
case "$SUITE" in
  trixie|bookworm) ;;
  *) echo "chroot-test: DISTRO=$SUITE: only trixie (Debian 13) and bookworm (Debian 12) are supported" >&2
     exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "chroot-test: needs root (debootstrap, mount, chroot)" >&2
  exit 2
fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$B/chroot"
CACHE=$(cd "$B/chroot" && pwd)
TARBALL=$CACHE/$SUITE.tar
ROOT=$CACHE/$SUITE-root

log() { echo "chroot-test[$SUITE]: $*" >&2; }

# The archive this machine's apt uses (deb822 "URIs:" or one-line "deb URL"),
# other than the security archive; empty lets debootstrap choose.
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk '/^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) print $i }
         /^[[:space:]]*deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$f"
  done | grep -v -- '-security' | grep '/debian/\?$' | head -n 1 || true
}

# Mount points inside ROOT still mounted (deepest first).
mounted_inside() {
  awk -v r="$ROOT" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

stop_processes() { # every process whose root directory is the tree
  local sig pid left
  for sig in TERM KILL; do
    left=0
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
      [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] || continue
      kill -s "$sig" "$pid" 2>/dev/null && left=1
    done
    [ $left -eq 0 ] && return 0
    [ $sig = TERM ] && sleep 2
  done
}

cleanup() {
  local rc=$? m i
  trap - EXIT INT TERM
  [ -d "$ROOT" ] || exit $rc
  stop_processes
  # Whatever is mounted inside the tree, deepest first: ours, and any a test
  # left behind.
  for m in $(mounted_inside); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  m=$(mounted_inside)
  if [ -n "$m" ]; then
    log "still mounted, tree left in place: $m"
    [ $rc -ne 0 ] || rc=1
  elif [ "${REUSE:-0}" != 1 ]; then
    rm -rf --one-file-system "$ROOT"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the cached minbase system ------------------------------------------
if [ ! -s "$TARBALL" ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  mirror=${MIRROR:-$(host_mirror)}
  log "debootstrap --variant=minbase $SUITE ${mirror:-(the default mirror of debootstrap)}"
  tmp=$CACHE/$SUITE.boot
  rm -rf --one-file-system "$tmp"
  if ! debootstrap --variant=minbase "$SUITE" "$tmp" $mirror > "$CACHE/$SUITE.debootstrap.log" 2>&1; then
    tail -n 20 "$CACHE/$SUITE.debootstrap.log" >&2
    log "debootstrap failed (log: $CACHE/$SUITE.debootstrap.log)"
    rm -rf --one-file-system "$tmp"
    exit 1
  fi
  tar -C "$tmp" -cf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
  rm -rf --one-file-system "$tmp"
fi

# --- a fresh tree, mounted -----------------------------------------------
if [ -n "$(mounted_inside)" ]; then
  log "something is mounted inside $ROOT (another run?): $(mounted_inside | tr '\n' ' ')"
  ROOT=/nonexistent # the trap must not touch another run's tree
  exit 1
fi
if [ "${REUSE:-0}" != 1 ] || [ ! -d "$ROOT/usr" ]; then
  rm -rf --one-file-system "$ROOT"
  mkdir -p "$ROOT"
  tar -C "$ROOT" -xf "$TARBALL"
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true # apt inside
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"

# --- the checkout, clean -------------------------------------------------
rm -rf --one-file-system "$ROOT/src"
mkdir -p "$ROOT/src/mimi-dns"
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
   while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
   tar --null -T - -cf -) | tar -C "$ROOT/src/mimi-dns" -xf -

# --- run ------------------------------------------------------------------
# The README's first step on a bare system: make itself (minbase has none).
[ $# -gt 0 ] || set -- bash -c 'make demo && make test'
log "$(. "$ROOT/etc/os-release" && echo "$PRETTY_NAME"): $*"
env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 CI="${CI:-}" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  chroot "$ROOT" /bin/bash -c '
    set -e
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v make >/dev/null; then
      apt-get update -qq && apt-get install -y -qq --no-install-recommends make >/dev/null
    fi
    cd /src/mimi-dns && exec "$@"' chroot-test "$@"
