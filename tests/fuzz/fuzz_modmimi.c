/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mod-mimi's pure logic (plugin-knot/mimi_pure.h and the
 * mimi-lmdb(5) definitions of common/mimi_lmdb_format.h), the part
 * of the Knot module that reads untrusted octets: query names (their
 * database keys, whether they are MIMI names) and database values.
 * The input is used twice:
 *  - as a database value: the walk stays inside it, moves forward, and
 *    ends exactly at its end or reports it malformed; each RR read as an
 *    RRSIG's validity stays inside its RDATA;
 *  - as a name (octets cut into labels, as knotd would hand over a
 *    decompressed query name; the first octet picks the zone's labels):
 *    a key, when there is one, reverses to the lower-cased name; the MIMI
 *    name rule agrees with a plain restatement of it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugin-knot/mimi_pure.h"

static void check_value(const uint8_t *data, size_t size) {
  size_t off = 0, prev = 0, rrs = 0;
  mimi_lmdb_rr_t rr;
  int got;
  while ((got = mimi_lmdb_value_next(data, size, &off, &rr)) == 1) {
    if (off <= prev || off > size || rr.rdata < data ||
        rr.rdata + rr.rdlen != data + off || ++rrs > size)
      abort();
    /* A signature's validity (signed databases): read inside the RDATA;
     * valid means some seconds left, at any clock. */
    uint32_t left = 0, now = rr.rdlen ? (uint32_t)rr.rdata[0] << 24 : 0;
    if (mimi_lmdb_rrsig_valid(rr.rdata, rr.rdlen, now, &left) &&
        (left == 0 || rr.rdlen <= MIMI_LMDB_RRSIG_FIXED))
      abort();
    prev = off;
  }
  if (got == 0 && off != size)
    abort(); /* the end only at the end */
  if (got < 0 && off >= size)
    abort(); /* malformed only with octets left */
}

/* Octets → an uncompressed wire name of at most 255 octets; the number of
 * labels in *labels. */
static size_t make_name(const uint8_t *data, size_t size, uint8_t *name, size_t *labels) {
  size_t i = 0, o = 0;
  *labels = 0;
  while (i < size) {
    size_t len = data[i++] % 64;
    if (len == 0 || len > size - i)
      len = size - i > 63 ? 63 : size - i;
    if (len == 0 || o + 1 + len + 1 > MIMI_LMDB_NAME_MAX)
      break;
    name[o++] = (uint8_t)len;
    memcpy(name + o, data + i, len);
    o += len;
    i += len;
    ++*labels;
  }
  name[o++] = 0;
  return o;
}

static uint8_t lower(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* The key, read back right to left, must be the name's labels lower-cased. */
static void check_key(const uint8_t *name, size_t labels, const uint8_t *key, size_t klen) {
  const uint8_t *l = name;
  size_t end = klen;
  if (klen > MIMI_LMDB_KEY_MAX || key[klen - 1] != 0)
    abort();
  for (size_t n = 0; n < labels; n++, l += 1 + *l) {
    /* The label's text sits just before key[end - 1], the zero after it. */
    if (end < (size_t)l[0] + 1)
      abort();
    size_t start = end - 1 - l[0];
    for (uint8_t i = 0; i < l[0]; i++)
      if (key[start + i] != lower(l[1 + i]))
        abort();
    if (key[end - 1] != 0)
      abort();
    end = start;
  }
  if (end != 0)
    abort();
}

static int any_zero(const uint8_t *name) {
  for (const uint8_t *l = name; *l; l += 1 + *l)
    if (memchr(l + 1, 0, l[0]))
      return 1;
  return 0;
}

/* The MIMI name rule, restated: below the zone, a "_mimi" label, or only
 * labels of one digit. */
static int expect_mimi(const uint8_t *name, size_t labels, size_t zlabels) {
  const uint8_t *l = name;
  int mimi = 0, digits = 1;
  if (labels <= zlabels)
    return 0;
  for (size_t n = 0; n < labels - zlabels; n++, l += 1 + *l) {
    char t[64] = "";
    for (uint8_t i = 0; i < l[0]; i++)
      t[i] = (char)lower(l[1 + i]);
    if (l[0] == 5 && memcmp(t, "_mimi", 5) == 0)
      mimi = 1;
    if (!(l[0] == 1 && t[0] >= '0' && t[0] <= '9'))
      digits = 0;
  }
  return mimi || digits;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t name[MIMI_LMDB_NAME_MAX + 1], key[MIMI_LMDB_KEY_MAX];
  size_t labels, klen, nlen;

  check_value(data, size);
  if (size == 0)
    return 0;
  nlen = make_name(data + 1, size - 1, name, &labels);
  klen = mimi_lmdb_owner_key(name, nlen, key);
  if (klen) {
    check_key(name, labels, key, klen);
    /* The lookup reading: the key against itself and its prefixes. */
    if (mimi_lmdb_classify(key, klen, key, klen) != MIMI_LMDB_HIT ||
        (klen > 1 && mimi_lmdb_classify(key, klen - 1, key, klen) != MIMI_LMDB_ENT) ||
        (klen > 1 && mimi_lmdb_classify(key, klen, key, klen - 1) != MIMI_LMDB_ABSENT))
      abort();
  }
  else if (labels > 0 && !any_zero(name))
    abort(); /* a name of at most 255 octets without zero octets has a key */

  /* The zone: the last (first octet modulo labels+1) labels of the name. */
  size_t zlabels = data[0] % (labels + 1);
  const uint8_t *zone = name;
  for (size_t n = 0; n < labels - zlabels; n++)
    zone += 1 + *zone;
  if (mimi_is_mimi_name(name, zone) != expect_mimi(name, labels, zlabels))
    abort();
  return 0;
}
