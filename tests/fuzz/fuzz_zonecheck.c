/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mimi-zonecheck on a hostile zone file (zone-tools/zonecheck:
 * ldns reads it, then the tool's own label-shape, TXT, NAPTR, SVCB alias
 * and provider checks run on what was read). The file is a memfd, since
 * the reader seeks to give each record its first line. Findings go to the
 * JSON writer (on /dev/null), so owner names and messages from the input
 * pass through its escaping too. Properties beyond memory safety: a read
 * that succeeds yields a consistent count (every error is counted once, no
 * out-of-memory is claimed).
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zonecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  static ldns_rdf *origin;
  zc_report_t rep;
  char path[64];
  int fd;

  if (!devnull && !(devnull = fopen("/dev/null", "w")))
    abort();
  if (!origin && !(origin = ldns_dname_new_frm_str("example.com.")))
    abort();
  if ((fd = memfd_create("zone", 0)) < 0)
    return 0;
  for (size_t off = 0; off < size;) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0) {
      close(fd);
      return 0;
    }
    off += (size_t)w;
  }
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  /* Odd-sized inputs are read with the zone's own origin (SOA/$ORIGIN). */
  for (int pass = 0; pass < 2; pass++) {
    memset(&rep, 0, sizeof rep);
    rep.json = 1;
    json_init(&rep.j, devnull);
    if (lseek(fd, 0, SEEK_SET) != 0)
      abort();
    int rc = zc_check_file(&rep, path, pass ? NULL : origin);
    if (rc == 0 && rep.oom)
      abort(); /* no allocation fails here: a claimed OOM is a bug */
    zc_report_free(&rep);
  }
  close(fd);
  return 0;
}
