#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian packages mimi-dns needs to build, test and demo, on
# Debian 12 (bookworm) and Debian 13 (trixie): the same names on both.
# Idempotent and fast when everything is present (one dpkg-query call).
set -euo pipefail

PKGS=(
  make gcc clang pkg-config          # toolchain; clang for libFuzzer targets
  libidn2-dev libunistring-dev       # IDNA2008 domains, NFC of local parts
  libssl-dev                         # SHA-256 for owner names (RFC 7929)
  zlib1g-dev libzstd-dev             # static links: Debian 13's openssl.pc names -lz -lzstd
  libunbound-dev dns-root-data       # validating backend; the root anchor
  libldns-dev                        # NAPTR RDATA, trust anchor syntax, packets
  libc-ares-dev                      # non-validating stub backend
  libpcre2-dev                       # NAPTR regexps (RFC 3402): match, depth and heap limits
  libcmocka-dev                      # unit tests
  knot knot-dnsutils ldnsutils       # test/demo server, kdig, zone signing
  knot-dnssecutils                   # kzonecheck, kzonesign (zone tool tests, bench)
  liblmdb-dev lmdb-utils             # mimi-zonegen --format lmdb, mod-mimi; mdb_dump (tests)
  libknot-dev                        # mod-mimi: <knot/module.h>, libknot
  valgrind                           # mod-mimi under valgrind (tests)
  bind9-dnsutils                     # delv: a second, independent validator (tests)
  dnsperf bc time                    # benchmarks (make bench; /usr/bin/time)
  mandoc                             # man pages: lint (tests)
  python3                            # tests: JSON output checked with its json module
)

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "deps: missing packages (${missing[*]}) and not root; install them with apt-get" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
