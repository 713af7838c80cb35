/*
 * mod-mimi's pure logic, without Knot or LMDB: the database key of a query
 * name, the walk of a database value, and which names are MIMI names.
 * Header-only (static functions) so that the module stays one shared
 * object built from one file, and tests/fuzz/fuzz_modmimi.c can include it
 * as is. Layout: mimi-lmdb(5).
 */
#ifndef MIMI_MOD_PURE_H
#define MIMI_MOD_PURE_H

#include <stddef.h>
#include <stdint.h>

#define MIMI_NAME_MAXLEN 255   /* RFC 1035 §3.1, wire form */
#define MIMI_NAME_MAXLABELS 127
#define MIMI_KEY_MAX (MIMI_NAME_MAXLEN + 1)

/* Canonical key of a name (mimi-lmdb(5)): labels right to left,
 * lower-case, each followed by a zero octet, in key (at least MIMI_KEY_MAX
 * octets). name is uncompressed wire form of at most MIMI_NAME_MAXLEN
 * octets (knotd checked the query name). Returns the length, or 0 if it
 * cannot be a key (a label with a zero octet, too many labels, too long). */
static size_t mimi_name_key(const uint8_t *name, uint8_t *key) {
  const uint8_t *labels[MIMI_NAME_MAXLABELS];
  size_t n = 0, o = 0;
  /* Walked by hand: knot_wire_next_label() takes the packet, and Knot 3.4
   * and later declare it nonnull (NULL does not build there). */
  for (const uint8_t *l = name; *l; l += 1 + *l) {
    if (n == MIMI_NAME_MAXLABELS)
      return 0;
    labels[n++] = l;
  }
  while (n--) {
    const uint8_t *l = labels[n];
    for (uint8_t i = 1; i <= l[0]; i++) {
      uint8_t c = l[i];
      if (c == 0 || o + 2 > MIMI_KEY_MAX)
        return 0;
      key[o++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
    }
    key[o++] = 0;
  }
  return o;
}

/* One RR of a database value: type (2 octets), RDATA length (2), RDATA. */
typedef struct {
  uint16_t type;
  uint16_t rdlen;
  const uint8_t *rdata;
} mimi_rr_t;

/* The RR at *off of a value of len octets, and *off moved past it.
 * 1: an RR; 0: the end; -1: malformed (a truncated header or RDATA). */
static int mimi_value_next(const uint8_t *p, size_t len, size_t *off, mimi_rr_t *rr) {
  size_t o = *off;
  if (o >= len)
    return 0;
  if (len - o < 4)
    return -1;
  rr->type = (uint16_t)(p[o] << 8 | p[o + 1]);
  rr->rdlen = (uint16_t)(p[o + 2] << 8 | p[o + 3]);
  if (len - o - 4 < rr->rdlen)
    return -1;
  rr->rdata = p + o + 4;
  *off = o + 4 + (size_t)rr->rdlen;
  return 1;
}

static int mimi_label_is(const uint8_t *l, const char *text, uint8_t len) {
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
static int mimi_is_mimi_name(const uint8_t *name, const uint8_t *zone) {
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

#endif
