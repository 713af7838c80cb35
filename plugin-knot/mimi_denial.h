/* SPDX-License-Identifier: MIT */
/*
 * mod-mimi's denials, the pure part (no Knot, no OpenSSL): the NSEC of a
 * minimally covering denial (RFC 4470) and the bounded cache of their
 * signatures. Header-only like mimi_pure.h (tests/unit/test_denial.c
 * includes it as is).
 *
 * A denial for a query name Q is answered as onlinesign does: NOERROR with
 * one NSEC owned by Q, whose next name is Q's immediate successor in the
 * canonical order (RFC 4034 §6.1, RFC 4471 §3.1.2) and whose type bitmap
 * holds the types Q has (none for a name that does not exist) plus NSEC
 * and RRSIG. Such an NSEC covers no name but Q: walking the chain yields
 * only names the walker made up (PROFILE §6, no zone walking).
 */
#ifndef MIMI_MOD_DENIAL_H
#define MIMI_MOD_DENIAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MIMI_NAME_MAX 255       /* RFC 1035 §3.1, wire form */
#define MIMI_LABEL_MAX 63
/* Windows 0 and 1 of a type bitmap in full (RFC 4034 §4.1.2): every type
 * below 512 (TXT, NAPTR, SVCB, URI...); a bitmap beyond is not cached. */
#define MIMI_BITMAP_MAX (2 * (2 + 32))
#define MIMI_SIG_LEN 64         /* ECDSA P-256: r | s (RFC 6605 §4) */
#define MIMI_DCACHE_WAYS 4

/* Lower-case copy of an uncompressed wire name (canonical form, RFC 4034
 * §6.2); its length, or 0 when malformed or longer than MIMI_NAME_MAX. */
static inline size_t mimi_name_lower(const uint8_t *in, uint8_t *out) {
  size_t i = 0;
  while (in[i]) {
    size_t l = in[i];
    if (l > MIMI_LABEL_MAX || i + 1 + l + 1 > MIMI_NAME_MAX)
      return 0;
    out[i] = (uint8_t)l;
    for (size_t k = 1; k <= l; k++) {
      uint8_t c = in[i + k];
      out[i + k] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
    }
    i += 1 + l;
  }
  out[i] = 0;
  return i + 1;
}

/* The octet after c in the canonical order of label octets (which folds
 * upper case, RFC 4034 §6.1): upper-case letters are skipped. c < 0xff. */
static inline uint8_t mimi_octet_next(uint8_t c) {
  c++;
  return (c >= 'A' && c <= 'Z') ? (uint8_t)('Z' + 1) : c;
}

/*
 * The immediate successor of owner (lower case, wire form of olen octets)
 * in the canonical order, written to out (MIMI_NAME_MAX octets): its
 * length, or 0 when there is none below the zone's reach (only for a
 * name whose every label is 63 octets of 0xff, never in practice).
 * RFC 4471 §3.1.2: its first child "\000.owner" when that fits; else the
 * first label lengthened by a 0 octet; else its last octet below 0xff
 * raised by one and what follows dropped; a label of only 0xff octets is
 * dropped and the same done to the parent (whose children, being longer,
 * cannot fit either).
 */
static inline size_t mimi_nsec_next(const uint8_t *owner, size_t olen, uint8_t *out) {
  size_t skip = 0;
  if (olen + 2 <= MIMI_NAME_MAX) {
    out[0] = 1;
    out[1] = 0;
    memcpy(out + 2, owner, olen);
    return olen + 2;
  }
  while (owner[skip]) {
    const uint8_t *l = owner + skip;
    size_t len = l[0], rest = olen - skip - 1 - len; /* the parent's octets */
    if (len < MIMI_LABEL_MAX && olen - skip + 1 <= MIMI_NAME_MAX) {
      out[0] = (uint8_t)(len + 1);
      memcpy(out + 1, l + 1, len);
      out[1 + len] = 0;
      memcpy(out + 2 + len, l + 1 + len, rest);
      return olen - skip + 1;
    }
    for (size_t k = len; k >= 1; k--) {
      if (l[k] != 0xff) {
        out[0] = (uint8_t)k;
        memcpy(out + 1, l + 1, k - 1);
        out[k] = mimi_octet_next(l[k]);
        memcpy(out + 1 + k, l + 1 + len, rest);
        return 1 + k + rest;
      }
    }
    skip += 1 + len;
  }
  return 0;
}

/* The NSEC type bitmap (RFC 4034 §4.1.2) of n types (any order, repeats
 * allowed) into out (cap octets): its length, or 0 when it does not fit. */
static inline size_t mimi_nsec_bitmap(const uint16_t *types, size_t n, uint8_t *out,
                                      size_t cap) {
  size_t len = 0;
  int win = -1;
  for (;;) {
    int next = 256; /* the lowest window above win that has a type */
    for (size_t i = 0; i < n; i++) {
      int w = types[i] >> 8;
      if (w > win && w < next)
        next = w;
    }
    if (next == 256)
      return len;
    uint8_t bits[32] = {0};
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
      if (types[i] >> 8 != next)
        continue;
      uint8_t lo = types[i] & 0xff;
      bits[lo / 8] |= (uint8_t)(0x80 >> (lo % 8));
      if ((size_t)lo / 8 + 1 > used)
        used = lo / 8 + 1u;
    }
    if (len + 2 + used > cap)
      return 0;
    out[len] = (uint8_t)next;
    out[len + 1] = (uint8_t)used;
    memcpy(out + len + 2, bits, used);
    len += 2 + used;
    win = next;
  }
}

/* Number of labels of a wire name, for the RRSIG Labels field (RFC 4034
 * §3.1.3; the caller never signs a name whose first label is "*"). */
static inline unsigned mimi_name_labels(const uint8_t *name) {
  unsigned n = 0;
  for (const uint8_t *l = name; *l; l += 1 + *l)
    n++;
  return n;
}

/* The RRSIG RDATA before its signature (RFC 4034 §3.1), which also begins
 * the data signed (§3.1.8.1), of algorithm 13 (RFC 6605) into out (18 +
 * MIMI_NAME_MAX octets): its length. signer: the zone, lower case. */
static inline size_t mimi_rrsig_header(uint8_t *out, uint16_t type, unsigned labels,
                                       uint32_t ttl, uint32_t expiration, uint32_t inception,
                                       uint16_t tag, const uint8_t *signer, size_t slen) {
  const uint32_t v[3] = {ttl, expiration, inception};
  out[0] = (uint8_t)(type >> 8);
  out[1] = (uint8_t)type;
  out[2] = 13; /* ECDSAP256SHA256 */
  out[3] = (uint8_t)labels;
  for (int i = 0; i < 3; i++)
    for (int b = 0; b < 4; b++)
      out[4 + 4 * i + b] = (uint8_t)(v[i] >> (24 - 8 * b));
  out[16] = (uint8_t)(tag >> 8);
  out[17] = (uint8_t)tag;
  memcpy(out + 18, signer, slen);
  return 18 + slen;
}

/* ---- The cache of signed denials ----------------------------------------------- */

/* One signature of one NSEC: keyed by owner, bitmap, key tag and TTL (the
 * signed data), with its validity window. */
typedef struct {
  uint32_t inception, expiration; /* 0/0: empty */
  uint32_t ttl;
  uint16_t tag;
  uint8_t olen, blen;
  uint8_t owner[MIMI_NAME_MAX];
  uint8_t bitmap[MIMI_BITMAP_MAX];
  uint8_t sig[MIMI_SIG_LEN];
} mimi_dentry_t;

/* A set-associative table of nsets × MIMI_DCACHE_WAYS entries: bounded;
 * an entry is replaced by a new name of its set (the one that expires
 * first). The caller locks. */
typedef struct {
  mimi_dentry_t *e;
  size_t nsets;
  uint32_t seed; /* per cache: a flood cannot aim at one set across servers */
} mimi_dcache_t;

static inline uint32_t mimi_dcache_hash(const mimi_dcache_t *c, const uint8_t *owner,
                                        size_t olen, const uint8_t *bm, size_t blen,
                                        uint16_t tag, uint32_t ttl) {
  uint32_t h = 2166136261u ^ c->seed; /* FNV-1a */
  for (size_t i = 0; i < olen; i++)
    h = (h ^ owner[i]) * 16777619u;
  for (size_t i = 0; i < blen; i++)
    h = (h ^ bm[i]) * 16777619u;
  h = (h ^ tag) * 16777619u;
  return (h ^ ttl) * 16777619u;
}

static inline int mimi_dentry_is(const mimi_dentry_t *e, const uint8_t *owner, size_t olen,
                                 const uint8_t *bm, size_t blen, uint16_t tag, uint32_t ttl) {
  return e->expiration != 0 && e->olen == olen && e->blen == blen && e->tag == tag &&
         e->ttl == ttl && memcmp(e->owner, owner, olen) == 0 && memcmp(e->bitmap, bm, blen) == 0;
}

/* Is a signature usable at now: inside its validity, with at least margin
 * seconds left (an entry is signed again well before it expires, so that
 * none is ever served near or past its expiration, RFC 4034 §3.1.5)? */
static inline int mimi_sig_fresh(uint32_t inception, uint32_t expiration, uint32_t now,
                                 uint32_t margin) {
  return inception <= now && now < expiration && expiration - now >= margin;
}

/*
 * The entry for this NSEC: *hit = 1 when it holds a fresh signature
 * (mimi_sig_fresh with margin); otherwise *hit = 0 and the entry is the
 * slot to sign into (the same key gone stale, an empty way, or the way
 * that expires first), its key already written. NULL only for a key the
 * cache cannot hold (then sign without caching).
 */
static inline mimi_dentry_t *mimi_dcache_get(mimi_dcache_t *c, const uint8_t *owner, size_t olen,
                                             const uint8_t *bm, size_t blen, uint16_t tag,
                                             uint32_t ttl, uint32_t now, uint32_t margin,
                                             int *hit) {
  mimi_dentry_t *set, *slot = NULL;
  *hit = 0;
  if (!c->e || c->nsets == 0 || olen > MIMI_NAME_MAX || blen > MIMI_BITMAP_MAX)
    return NULL;
  set = c->e + (mimi_dcache_hash(c, owner, olen, bm, blen, tag, ttl) % c->nsets) *
                   MIMI_DCACHE_WAYS;
  for (int w = 0; w < MIMI_DCACHE_WAYS; w++) {
    if (mimi_dentry_is(&set[w], owner, olen, bm, blen, tag, ttl)) {
      *hit = mimi_sig_fresh(set[w].inception, set[w].expiration, now, margin);
      return &set[w];
    }
    if (!slot || set[w].expiration < slot->expiration)
      slot = &set[w];
  }
  slot->inception = slot->expiration = 0;
  slot->olen = (uint8_t)olen;
  slot->blen = (uint8_t)blen;
  slot->tag = tag;
  slot->ttl = ttl;
  memcpy(slot->owner, owner, olen);
  memcpy(slot->bitmap, bm, blen);
  return slot;
}

#endif
