/* SPDX-License-Identifier: MIT */
/*
 * The answer cache of a context: (name, type) → the backend's answer as
 * the engine uses it (rcode, DNSSEC status, RDATA), kept for its TTL.
 *
 * Why, when libunbound caches too: a warm lookup through libunbound still
 * costs a round trip to its worker thread and a fresh result object; an
 * application resolving the same contacts again wants microseconds. And
 * c-ares 1.18 has no cache at all. Only answers that may be used are kept
 * (no failures, nothing bogus), with their DNSSEC status, never longer
 * than their TTL (RFC 2308 for negative answers) nor than MAX_TTL.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#define MAX_TTL 86400 /* seconds; RFC 8767 §4 suggests capping */
#define MIN_BUCKETS 1024

struct mimi__centry {
  mimi__centry_t *hnext;       /* hash chain */
  mimi__centry_t *lprev, *lnext; /* LRU, most recent first */
  uint64_t hash;
  int64_t expires;             /* monotonic ms */
  size_t bytes;
  uint16_t qtype;
  int rcode;
  mimi_dnssec_t sec;
  uint32_t ttl;
  size_t n;
  size_t *rdlen;
  uint8_t **rdata;
  char name[];                 /* as first asked (keys ignore case), then the RDATA */
};

struct mimi__cache {
  mimi__arena_t *arena;        /* the entries' memory */
  mimi__centry_t **buckets;
  size_t nbuckets, used, budget;
  mimi__centry_t *lru_head, *lru_tail;
};

/* Eight octets at once, ASCII upper case folded to lower (SWAR): in each
 * octet below 0x80, 'A'..'Z' gain 0x20; nothing else changes. The sums
 * cannot carry into the next octet: 0x7f + 0x3f < 0x100. */
static uint64_t fold8(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
  uint64_t low7 = w & ~high;
  uint64_t ge_a = low7 + ones * (0x80 - 'A'); /* high bit: at least 'A' */
  uint64_t gt_z = low7 + ones * (0x7f - 'Z'); /* high bit: above 'Z' */
  return w | (((ge_a ^ gt_z) & ~w & high) >> 2);
}

/* Eight octets a step rather than one (every query that misses pays for
 * one hash, shared by its get and its put), then a 64-bit finaliser mixes
 * every input bit into the low bits the bucket index takes. */
uint64_t mimi__cache_hash(const char *name, uint16_t qtype) {
  const uint64_t k = 0x9E3779B97F4A7C15ULL; /* odd: multiplying permutes */
  size_t n = strlen(name);
  uint64_t h = k ^ qtype ^ ((uint64_t)n << 16), w;
  for (; n >= 8; n -= 8, name += 8) {
    memcpy(&w, name, 8);
    h = ((h << 29 | h >> 35) ^ fold8(w)) * k;
  }
  w = 0;
  memcpy(&w, name, n);
  h = ((h << 29 | h >> 35) ^ fold8(w)) * k;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  return h ^ h >> 32;
}

size_t mimi__cache_used(const mimi__cache_t *c) { return c->used; }

mimi__cache_t *mimi__cache_new(size_t budget) {
  mimi__cache_t *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->budget = budget;
  /* An entry takes ~250-500 octets (a MIMI TXT answer), so one bucket per
   * 512 octets of budget keeps chains at about one entry when full: 1/16th
   * of the budget in bucket pointers. (One per 4 KiB gave chains of ~10 and
   * a cache miss per link: 5% of a cold lookup's CPU.) */
  c->nbuckets = budget / 512 > MIN_BUCKETS ? budget / 512 : MIN_BUCKETS;
  if (!(c->buckets = calloc(c->nbuckets, sizeof *c->buckets)) ||
      !(c->arena = mimi__arena_new(budget + ((size_t)2 << 20)))) {
    free(c->buckets);
    free(c);
    return NULL;
  }
  return c;
}

static void lru_unlink(mimi__cache_t *c, mimi__centry_t *e) {
  if (e->lprev)
    e->lprev->lnext = e->lnext;
  else
    c->lru_head = e->lnext;
  if (e->lnext)
    e->lnext->lprev = e->lprev;
  else
    c->lru_tail = e->lprev;
  e->lprev = e->lnext = NULL;
}

static void lru_front(mimi__cache_t *c, mimi__centry_t *e) {
  e->lnext = c->lru_head;
  e->lprev = NULL;
  if (c->lru_head)
    c->lru_head->lprev = e;
  c->lru_head = e;
  if (!c->lru_tail)
    c->lru_tail = e;
}

static void drop(mimi__cache_t *c, mimi__centry_t *e) {
  mimi__centry_t **p = &c->buckets[e->hash % c->nbuckets];
  while (*p && *p != e)
    p = &(*p)->hnext;
  if (*p)
    *p = e->hnext;
  lru_unlink(c, e);
  c->used -= e->bytes;
  mimi__arena_release(c->arena, e, e->bytes);
}

void mimi__cache_free(mimi__cache_t *c) {
  if (!c)
    return;
  while (c->lru_head)
    drop(c, c->lru_head);
  free(c->buckets);
  mimi__arena_free(c->arena);
  free(c);
}

static int same_name(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (mimi__ascii_lower((unsigned char)*a) != mimi__ascii_lower((unsigned char)*b))
      return 0;
  return *a == *b;
}

/* The entry for (name, qtype) whose key hashes to h, or NULL. */
static mimi__centry_t *find(const mimi__cache_t *c, uint64_t h, const char *name,
                            uint16_t qtype) {
  for (mimi__centry_t *e = c->buckets[h % c->nbuckets]; e; e = e->hnext)
    if (e->hash == h && e->qtype == qtype && same_name(e->name, name))
      return e;
  return NULL;
}

const mimi__centry_t *mimi__cache_get(mimi__cache_t *c, const char *name,
                                      uint16_t qtype, uint64_t hash, int64_t now) {
  mimi__centry_t *e = find(c, hash, name, qtype);
  if (!e)
    return NULL;
  if (e->expires <= now) {
    drop(c, e);
    return NULL;
  }
  lru_unlink(c, e);
  lru_front(c, e);
  return e;
}

void mimi__cache_put(mimi__cache_t *c, const char *name, uint16_t qtype, uint64_t hash,
                     const mimi__answer_t *a, int64_t now) {
  size_t nl = strlen(name) + 1, bytes;
  uint32_t ttl = a->ttl > MAX_TTL ? MAX_TTL : a->ttl;
  mimi__centry_t *e, *old;

  /* Only what the engine may use as it is: no failures, nothing bogus. */
  if (a->fail != MIMI_FAIL_NONE || a->sec == MIMI_DNSSEC_BOGUS || ttl == 0 ||
      (a->rcode != 0 && a->rcode != 3))
    return;
  bytes = sizeof *e + nl + mimi__rdata_bytes(a) + 16; /* 16: room to align */
  if (bytes > c->budget / 8)
    return; /* one answer must not push out much of the rest */
  if ((old = find(c, hash, name, qtype)))
    drop(c, old);
  while (c->used + bytes > c->budget && c->lru_tail)
    drop(c, c->lru_tail);
  /* Every field is set below: no need to clear the (mostly RDATA) block. */
  if (!(e = mimi__arena_alloc(c->arena, bytes)))
    return; /* a cache may forget */
  e->hash = hash;
  e->qtype = qtype;
  e->rcode = a->rcode;
  e->sec = a->sec;
  e->ttl = ttl;
  e->expires = now + (int64_t)ttl * 1000;
  e->bytes = bytes;
  e->n = a->n;
  memcpy(e->name, name, nl);
  /* After the name, aligned: the RDATA block. */
  uint8_t *p = (uint8_t *)e->name + nl;
  p += (uintptr_t)p % sizeof(size_t) ? sizeof(size_t) - (uintptr_t)p % sizeof(size_t) : 0;
  (void)mimi__rdata_copy(a, p, &e->rdlen, &e->rdata);
  e->hnext = c->buckets[e->hash % c->nbuckets];
  c->buckets[e->hash % c->nbuckets] = e;
  lru_front(c, e);
  c->used += bytes;
}

size_t mimi__rdata_bytes(const mimi__answer_t *a) {
  size_t bytes = a->n * (sizeof(size_t) + sizeof(uint8_t *));
  for (size_t i = 0; i < a->n; i++)
    bytes += a->rdlen[i];
  return bytes;
}

char *mimi__rdata_copy(const mimi__answer_t *a, void *p, size_t **rdlen, uint8_t ***rdata) {
  size_t *len = p;
  uint8_t **rd = (uint8_t **)(len + a->n);
  uint8_t *o = (uint8_t *)(rd + a->n);
  for (size_t i = 0; i < a->n; i++) {
    len[i] = a->rdlen[i];
    rd[i] = o;
    if (a->rdlen[i])
      memcpy(o, a->rdata[i], a->rdlen[i]);
    o += a->rdlen[i];
  }
  *rdlen = len;
  *rdata = rd;
  return (char *)o;
}

void mimi__cache_answer(const mimi__centry_t *e, int64_t now, mimi__answer_t *a) {
  memset(a, 0, sizeof *a);
  a->rcode = e->rcode;
  a->sec = e->sec;
  /* The TTL left, as a cache reports it. */
  a->ttl = e->expires > now ? (uint32_t)((e->expires - now) / 1000) : 0;
  a->n = e->n;
  a->rdata = (const uint8_t *const *)e->rdata;
  a->rdlen = e->rdlen;
  a->server = "cache";
}
