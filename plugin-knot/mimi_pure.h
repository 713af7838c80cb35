/* SPDX-License-Identifier: MIT */
/*
 * mod-mimi's pure logic, without Knot or LMDB: which names are MIMI names;
 * the database key of a query name, the walk of a database value and the
 * reading of a lookup come from common/mimi_lmdb_format.h, the one
 * definition of mimi-lmdb(5) that mimi-zonegen writes with.
 * Header-only (static functions) so that the module stays one shared
 * object built from one file, and tests/fuzz/fuzz_modmimi.c can include it
 * as is.
 */
#ifndef MIMI_MOD_PURE_H
#define MIMI_MOD_PURE_H

#include <stddef.h>
#include <stdint.h>

#include "mimi_lmdb_format.h" /* the key and value layout (common/) */

static inline int mimi_label_is(const uint8_t *l, const char *text, uint8_t len) {
  if (l[0] != len)
    return 0;
  for (uint8_t i = 0; i < len; i++) {
    uint8_t c = l[1 + i];
    if (((c >= 'A' && c <= 'Z') ? c + 32 : c) != (uint8_t)text[i])
      return 0;
  }
  return 1;
}

/* Is a name at or below the zone (both uncompressed wire form) one of the
 * MIMI names a database holds: one with a _mimi label below the zone
 * (<hash>._mimi.<domain>, _mimi.<handle>, the empty non-terminals between)
 * or an ENUM name (only one-digit labels below the zone, as mimi-zonegen
 * writes phone numbers)? mod-mimi asks only while its database is
 * unusable: these names get SERVFAIL, the others keep the zone's answer. */
static inline int mimi_is_mimi_name(const uint8_t *name, const uint8_t *zone) {
  size_t n = 0, z = 0, below;
  int digits = 1, mimi = 0;
  for (const uint8_t *l = name; *l; l += 1 + *l)
    n++;
  for (const uint8_t *l = zone; *l; l += 1 + *l)
    z++;
  if (n <= z)
    return 0;
  below = n - z;
  for (const uint8_t *l = name; below--; l += 1 + *l) {
    if (mimi_label_is(l, "_mimi", 5))
      mimi = 1;
    if (l[0] != 1 || l[1] < '0' || l[1] > '9')
      digits = 0;
  }
  return mimi || digits;
}

#define MIMI_RCODE_SERVFAIL 2 /* RFC 1035 §4.1.1 */

/* The RCODE a descent to a query name calls for (rc: mdb_cursor_get()'s
 * code, notfound: MDB_NOTFOUND, a name past the last key): 0 when it found
 * its place (the name's answer follows from where), SERVFAIL when it
 * failed. Never an answer as if the name did not exist: a signed denial
 * of a user who exists would be cached by resolvers (RFC 2308 §5). */
static inline int mimi_read_rcode(int rc, int notfound) {
  return rc == 0 || rc == notfound ? 0 : MIMI_RCODE_SERVFAIL;
}

#endif
