/* SPDX-License-Identifier: MIT */
/* The record table of mimi-zonegen: canonical order, duplicates removed. */
#include <stdlib.h>
#include <string.h>

#include "mimi_lmdb_format.h"
#include "wire_endian.h"
#include "zonegen.h"

int zg_name_wire(const char *name, uint8_t *out, size_t *len) {
  size_t o = 0;
  const char *p = name;
  if (strcmp(name, ".") == 0) {
    out[0] = 0;
    *len = 1;
    return 0;
  }
  while (*p) {
    const char *dot = strchr(p, '.');
    size_t l = dot ? (size_t)(dot - p) : strlen(p);
    if (l == 0 || l > 63 || o + 1 + l + 1 > 255)
      return -1;
    out[o++] = (uint8_t)l;
    memcpy(out + o, p, l);
    o += l;
    p += l;
    if (*p == '.')
      p++;
  }
  out[o++] = 0;
  *len = o;
  return 0;
}

/* Owner sort key (RFC 4034 §6.1): the canonical key of mimi-lmdb(5),
 * defined once for this writer and mod-mimi (a name with a zero octet in a
 * label has none and is refused). */
int zg_owner_key(const uint8_t *w, size_t wlen, uint8_t *key, size_t *klen) {
  size_t n = mimi_lmdb_owner_key(w, wlen, key);
  if (n == 0)
    return -1;
  *klen = n;
  return 0;
}

/* Arena chunks: header, then data. Requests above a quarter of the chunk
 * size get a chunk of their own so a chunk never wastes more than that. */
struct zg_chunk {
  zg_chunk_t *next;
  size_t used, cap;
  uint8_t data[];
};
#define ZG_CHUNK (4 * 1024 * 1024 - 64)
static void *arena_alloc(zg_table_t *t, size_t len) {
  zg_chunk_t *c = t->chunks;
  len = (len + 7) & ~(size_t)7;
  if (!c || c->cap - c->used < len) {
    size_t cap = len > ZG_CHUNK / 4 ? len : ZG_CHUNK;
    zg_chunk_t *nc = zg_big_alloc(sizeof *nc + cap);
    if (!nc)
      return NULL;
    nc->used = 0;
    nc->cap = cap;
    if (cap == ZG_CHUNK || !c) {
      nc->next = c;
      t->chunks = nc;
    } else {
      /* Keep the current chunk's free space in front. */
      nc->next = c->next;
      c->next = nc;
    }
    c = nc;
  }
  void *p = c->data + c->used;
  c->used += len;
  return p;
}

/* Room for cap RRs in t->v. 0, or -1 with t->oom set. */
static int reserve(zg_table_t *t, size_t cap) {
  zg_rr_t *nv = realloc(t->v, cap * sizeof *nv);
  if (!nv) {
    t->oom = 1;
    return -1;
  }
  t->v = nv;
  t->cap = cap;
  return 0;
}

int zg_add(zg_table_t *t, const uint8_t *owner, size_t ownerlen, uint16_t type,
           uint32_t ttl, const uint8_t *rdata, size_t rdlen, const char *line) {
  uint8_t okey[256];
  size_t oklen;
  if (zg_owner_key(owner, ownerlen, okey, &oklen) != 0)
    return -1;
  if (t->n == t->cap && reserve(t, t->cap ? t->cap * 2 : 1024) != 0)
    return -1;
  zg_rr_t *r = &t->v[t->n];
  size_t ll = strlen(line);
  r->keylen = (uint32_t)(oklen + 2 + rdlen);
  r->ownerlen = (uint16_t)oklen;
  r->ttl = ttl;
  r->soa = type == 6;
  /* One piece of the arena: key, then the line. */
  r->key = arena_alloc(t, r->keylen + ll + 1);
  if (!r->key) {
    t->oom = 1;
    return -1;
  }
  memcpy(r->key, okey, oklen);
  wire_put16(r->key + oklen, type);
  if (rdlen)
    memcpy(r->key + oklen + 2, rdata, rdlen);
  memcpy(r->key + r->keylen, line, ll + 1);
  t->n++;
  return 0;
}

void zg_table_free(zg_table_t *t) {
  zg_chunk_t *c = t->chunks;
  while (c) {
    zg_chunk_t *next = c->next;
    free(c);
    c = next;
  }
  free(t->v);
  memset(t, 0, sizeof *t);
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c)
    return c;
  return (al > bl) - (al < bl);
}

static int rr_cmp(const void *pa, const void *pb) {
  const zg_rr_t *a = pa, *b = pb;
  /* The prefixes are the owner keys' octets after the common part,
   * zero-padded: where they differ, the owners differ there the same way
   * (a padding 0 is where an owner ends, and sorts first as a parent does;
   * labels have no 0x00). */
  if (a->pfx[0] != b->pfx[0])
    return a->pfx[0] < b->pfx[0] ? -1 : 1;
  if (a->pfx[1] != b->pfx[1])
    return a->pfx[1] < b->pfx[1] ? -1 : 1;
  /* Owner first (shorter = parent first), then type and RDATA (§6.3). */
  int c = cmp_bytes(a->key, a->ownerlen, b->key, b->ownerlen);
  if (c)
    return c;
  return cmp_bytes(a->key + a->ownerlen, a->keylen - a->ownerlen,
                   b->key + b->ownerlen, b->keylen - b->ownerlen);
}

/* The table in pfx[0] order, by LSD radix sort (stable, 8-bit digits,
 * passes where every key has the same digit skipped) of an array of
 * {pfx[0], RR} pairs; each run of equal pfx[0] then by rr_cmp; then the
 * RRs are moved into that order. For a million hashed owners this is ~2x
 * faster than the comparison sort: pfx[0] is 8 hex digits of the hash,
 * nearly unique. 0, or -1 without the memory (the table is unchanged). */
typedef struct {
  uint64_t p;
  const zg_rr_t *r;
} ent_t;

static int ent_cmp(const void *a, const void *b) {
  return rr_cmp(((const ent_t *)a)->r, ((const ent_t *)b)->r);
}

static int radix_sort(zg_table_t *t) {
  size_t n = t->n;
  ent_t *e = zg_big_alloc(n * sizeof *e), *tmp = zg_big_alloc(n * sizeof *tmp);
  zg_rr_t *nv = zg_big_alloc(t->cap * sizeof *nv);
  int rc = -1;
  if (!e || !tmp || !nv)
    goto done;
  for (size_t i = 0; i < n; i++) {
    e[i].p = t->v[i].pfx[0];
    e[i].r = &t->v[i];
  }
  for (unsigned shift = 0; shift < 64; shift += 8) {
    size_t count[256] = {0}, pos = 0;
    for (size_t i = 0; i < n; i++)
      count[(e[i].p >> shift) & 0xff]++;
    if (count[(e[0].p >> shift) & 0xff] == n)
      continue;
    for (size_t d = 0; d < 256; d++) {
      size_t c = count[d];
      count[d] = pos;
      pos += c;
    }
    for (size_t i = 0; i < n; i++)
      tmp[count[(e[i].p >> shift) & 0xff]++] = e[i];
    ent_t *sw = e;
    e = tmp;
    tmp = sw;
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && e[j].p == e[i].p)
      j++;
    if (j - i > 1)
      qsort(e + i, j - i, sizeof *e, ent_cmp);
    i = j;
  }
  for (size_t i = 0; i < n; i++)
    nv[i] = *e[i].r;
  free(t->v);
  t->v = nv;
  nv = NULL;
  rc = 0;
done:
  free(e);
  free(tmp);
  free(nv);
  return rc;
}

/* How many octets every owner key shares: the zone's own labels, and in a
 * large zone the "_mimi" label under it too, so that the prefixes start in
 * the hashes. (Any shared part will do: keys are compared after it.) */
static size_t shared_prefix(const zg_table_t *t) {
  const uint8_t *k0 = t->v[0].key;
  size_t lcp = t->v[0].ownerlen;
  for (size_t i = 1; i < t->n; i++) {
    const zg_rr_t *r = &t->v[i];
    size_t m = r->ownerlen < lcp ? r->ownerlen : lcp, j = 0;
    while (j < m && r->key[j] == k0[j])
      j++;
    lcp = j;
  }
  return lcp;
}

void zg_sort(zg_table_t *t, unsigned threads) {
  size_t o = 0, skip;
  if (t->n == 0)
    return;
  skip = shared_prefix(t);
  for (size_t i = 0; i < t->n; i++) {
    zg_rr_t *r = &t->v[i];
    uint8_t p[16] = {0};
    if (r->ownerlen > skip)
      memcpy(p, r->key + skip, r->ownerlen - skip < 16 ? r->ownerlen - skip : 16);
    r->pfx[0] = wire_get64(p);
    r->pfx[1] = wire_get64(p + 8);
  }
  if (t->n > 1 && radix_sort(t) != 0)
    zg_psort(t->v, t->n, sizeof *t->v, rr_cmp, threads); /* less memory */
  for (size_t i = 0; i < t->n; i++) {
    /* Sorted order visits the keys at random: fetch ahead. */
    if (i + 16 < t->n)
      __builtin_prefetch(t->v[i + 16].key);
    if (o && rr_cmp(&t->v[o - 1], &t->v[i]) == 0)
      continue; /* an exact duplicate; its octets stay in the arena */
    t->v[o++] = t->v[i];
  }
  t->n = o;
}

void zg_quote(char *out, size_t outlen, const char *s) {
  size_t o = 0;
  if (outlen < 3)
    return;
  out[o++] = '"';
  for (; *s && o + 6 < outlen; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20 || c > 0x7e) {
      o += (size_t)snprintf(out + o, outlen - o, "\\%03u", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o++] = '"';
  out[o] = '\0';
}

int zg_table_absorb(zg_table_t *dst, zg_table_t *src) {
  if (src->n) {
    if (dst->cap - dst->n < src->n && reserve(dst, dst->n + src->n) != 0)
      return -1;
    memcpy(dst->v + dst->n, src->v, src->n * sizeof *src->v);
    dst->n += src->n;
  }
  /* The chunks move too; dst's newest chunk stays first, so that its free
   * space is used by the next zg_add. */
  zg_chunk_t **tail = &src->chunks;
  while (*tail)
    tail = &(*tail)->next;
  if (dst->chunks) {
    *tail = dst->chunks->next;
    dst->chunks->next = src->chunks;
  } else {
    dst->chunks = src->chunks;
  }
  src->chunks = NULL;
  free(src->v);
  src->v = NULL;
  src->n = src->cap = 0;
  return 0;
}
