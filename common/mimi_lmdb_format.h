/* SPDX-License-Identifier: MIT */
/*
 * The mimi-lmdb(5) format, written once: the database mimi-zonegen
 * --format lmdb writes (zone-tools/zonegen/lmdb_out.c) and mod-mimi reads
 * (plugin-knot/mod-mimi.c, plugin-knot/mimi_pure.h). Header-only, with no
 * dependency but the C library, so that the module stays one shared object
 * built from one file. tests/sh/lmdb_format.sh round-trips a database
 * through both sides.
 *
 * An LMDB environment (a directory with data.mdb and lock.mdb) with two
 * named databases:
 *   "rrsets"  key: the canonical owner key of a name (below);
 *             value: its RRs, each type (2 octets) RDATA length (2) RDATA,
 *             network order, the RRs of one type together; in a signed
 *             database (format 2) each RRset is followed by one RRSIG
 *             (type 46) entry covering it, made by the zone's ZSK.
 *   "meta"    text values under the MIMI_LMDB_META_* keys.
 */
#ifndef MIMI_LMDB_FORMAT_H
#define MIMI_LMDB_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* The format version in meta "format": 1 unsigned, 2 signed (RRSIG
 * entries in the values). A reader refuses any other; a rebuild with a
 * matching mimi-zonegen is how a database is upgraded. A reader of format
 * 1 only refuses a signed database rather than serve it unsigned. */
#define MIMI_LMDB_FORMAT "1"
#define MIMI_LMDB_FORMAT_SIGNED "2"

#define MIMI_LMDB_DB_RRSETS "rrsets"
#define MIMI_LMDB_DB_META "meta"
/* Named databases an environment is opened for (mdb_env_set_maxdbs). */
#define MIMI_LMDB_MAXDBS 4

/* Meta keys (text values). */
#define MIMI_LMDB_META_PROFILE "profile" /* "MIMI-DNS/1" */
#define MIMI_LMDB_META_FORMAT "format"   /* MIMI_LMDB_FORMAT */
#define MIMI_LMDB_META_ORIGIN "origin"   /* the zone, absolute: "example.com." */
#define MIMI_LMDB_META_SERIAL "serial"   /* decimal */
#define MIMI_LMDB_META_RECORDS "records" /* decimal count of RRs */
#define MIMI_LMDB_META_UPDATED "updated" /* decimal seconds since the epoch */
/* After --update: the change set applied last, as the SHA-256 (hex) of
 * the owner names deleted and the records written (fleets: which nodes
 * are behind). */
#define MIMI_LMDB_META_CHANGESET "changeset"
/* Signed databases only. */
#define MIMI_LMDB_META_ZSK "zsk"         /* key tag of the ZSK, decimal */
#define MIMI_LMDB_META_EXPIRES "expires" /* the earliest signature expiration,
                                            decimal seconds since the epoch */

/*
 * Reader slots of the lock file. Its size is set by the first process that
 * opens it alone, writer or reader, and mod-mimi needs one per knotd worker
 * per environment: both sides ask for this many (LMDB's default is 126).
 * 4096 slots are 256 KiB of lock file.
 */
#define MIMI_LMDB_MAX_READERS 4096u

#define MIMI_LMDB_NAME_MAX 255   /* RFC 1035 §3.1, wire form */
#define MIMI_LMDB_LABELS_MAX 127 /* of a name of at most 255 octets */
/* A key is one octet shorter than the name's wire form. */
#define MIMI_LMDB_KEY_MAX MIMI_LMDB_NAME_MAX

/*
 * The canonical owner key of a name in uncompressed wire form of wlen
 * octets: its labels right to left, each lower-cased (ASCII, RFC 4343)
 * and followed by a zero octet. "Alice.example.com." is
 * "com\0example\0alice\0". Keys then sort as names do in canonical order
 * (RFC 4034 §6.1), a parent right before its children, so one cursor
 * step finds a name or shows it is an empty non-terminal.
 * key has room for MIMI_LMDB_KEY_MAX octets. Returns the key's length,
 * or 0 when the name has no key: malformed (a label over 63 octets, past
 * wlen, no root), a zero octet in a label (it would end the label), more
 * than MIMI_LMDB_LABELS_MAX labels, or the root itself.
 */
static inline size_t mimi_lmdb_owner_key(const uint8_t *w, size_t wlen, uint8_t *key) {
  size_t offs[MIMI_LMDB_LABELS_MAX], n = 0, o = 0, i = 0;
  while (i < wlen && w[i] != 0) {
    if (w[i] > 63 || n == MIMI_LMDB_LABELS_MAX || i + 1 + (size_t)w[i] >= wlen)
      return 0;
    offs[n++] = i;
    i += 1 + (size_t)w[i];
  }
  if (i >= wlen || n == 0 || i + 1 > MIMI_LMDB_NAME_MAX)
    return 0;
  while (n--) {
    const uint8_t *l = w + offs[n];
    for (uint8_t j = 1; j <= l[0]; j++) {
      uint8_t c = l[j];
      if (c == 0)
        return 0;
      key[o++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
    }
    key[o++] = 0;
  }
  return o;
}

/* One RR of a value. */
typedef struct {
  uint16_t type;
  uint16_t rdlen;
  const uint8_t *rdata;
} mimi_lmdb_rr_t;

#define MIMI_LMDB_RR_HEADER 4 /* type, RDATA length */

/* The RR at *off of a value of len octets, and *off moved past it.
 * 1: an RR; 0: the end; -1: malformed (a truncated header or RDATA). */
static inline int mimi_lmdb_value_next(const uint8_t *p, size_t len, size_t *off,
                                       mimi_lmdb_rr_t *rr) {
  size_t o = *off;
  if (o >= len)
    return 0;
  if (len - o < MIMI_LMDB_RR_HEADER)
    return -1;
  rr->type = (uint16_t)(p[o] << 8 | p[o + 1]);
  rr->rdlen = (uint16_t)(p[o + 2] << 8 | p[o + 3]);
  if (len - o - MIMI_LMDB_RR_HEADER < rr->rdlen)
    return -1;
  rr->rdata = p + o + MIMI_LMDB_RR_HEADER;
  *off = o + MIMI_LMDB_RR_HEADER + (size_t)rr->rdlen;
  return 1;
}

/* Write one RR's header at p (MIMI_LMDB_RR_HEADER octets); the RDATA
 * follows it. */
static inline void mimi_lmdb_rr_header(uint8_t *p, uint16_t type, uint16_t rdlen) {
  p[0] = (uint8_t)(type >> 8);
  p[1] = (uint8_t)type;
  p[2] = (uint8_t)(rdlen >> 8);
  p[3] = (uint8_t)rdlen;
}

#define MIMI_LMDB_T_RRSIG 46

/*
 * An RRSIG RDATA (RFC 4034 §3.1): type covered (2), algorithm (1), labels
 * (1), original TTL (4), expiration (4), inception (4), key tag (2), the
 * signer's name, the signature. 18 octets of fixed fields.
 */
#define MIMI_LMDB_RRSIG_FIXED 18

static inline uint32_t mimi_lmdb_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is an RRSIG RDATA of rdlen octets valid at now (seconds since the epoch,
 * low 32 bits)? Times compare in serial number arithmetic (RFC 4034
 * §3.1.5, RFC 1982). 1 with the seconds until it expires in *left, or 0
 * (not yet valid, expired, or too short to be an RRSIG). */
static inline int mimi_lmdb_rrsig_valid(const uint8_t *rd, size_t rdlen, uint32_t now,
                                        uint32_t *left) {
  if (rdlen <= MIMI_LMDB_RRSIG_FIXED)
    return 0;
  uint32_t exp = mimi_lmdb_be32(rd + 8), inc = mimi_lmdb_be32(rd + 12);
  int32_t to_end = (int32_t)(exp - now), from_start = (int32_t)(now - inc);
  if (to_end <= 0 || from_start < 0)
    return 0;
  *left = (uint32_t)to_end;
  return 1;
}

/* Where a name stands, given its key and the first key at or after it
 * (found NULL when there is none): MIMI_LMDB_HIT (the name has records),
 * MIMI_LMDB_ENT (an empty non-terminal: a longer key starts with the
 * name's, label boundary included) or MIMI_LMDB_ABSENT. */
enum { MIMI_LMDB_ABSENT = 0, MIMI_LMDB_HIT = 1, MIMI_LMDB_ENT = 2 };

static inline int mimi_lmdb_classify(const uint8_t *k, size_t klen, const uint8_t *found,
                                     size_t flen) {
  size_t i;
  if (!found || flen < klen)
    return MIMI_LMDB_ABSENT;
  for (i = 0; i < klen; i++)
    if (found[i] != k[i])
      return MIMI_LMDB_ABSENT;
  return flen == klen ? MIMI_LMDB_HIT : MIMI_LMDB_ENT;
}

#endif
