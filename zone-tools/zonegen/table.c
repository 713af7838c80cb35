/* The record table of mimi-zonegen: canonical order, duplicates removed. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Owner sort key (RFC 4034 §6.1): labels from the right, lower-cased, each
 * followed by 0x00 (labels never contain 0x00 in MIMI zones; a name that
 * does is refused). */
static int owner_key(const uint8_t *w, size_t wlen, uint8_t *key, size_t *klen) {
  size_t offs[128], n = 0, o = 0, i = 0;
  while (i < wlen && w[i] != 0) {
    if (w[i] > 63 || n == 128 || i + 1 + w[i] >= wlen)
      return -1;
    offs[n++] = i;
    i += 1 + (size_t)w[i];
  }
  if (i >= wlen)
    return -1;
  while (n--) {
    size_t l = w[offs[n]];
    for (size_t j = 0; j < l; j++) {
      uint8_t c = w[offs[n] + 1 + j];
      if (c == 0)
        return -1;
      key[o++] = (uint8_t)lower(c);
    }
    key[o++] = 0;
  }
  *klen = o;
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
#define HUGE_PAGE (2 * 1024 * 1024)

/* Large arrays and arena chunks on transparent huge pages where the kernel
 * offers them (madvise mode): in a VM a page fault costs microseconds, and a
 * million-user table touches ~80,000 4 KiB pages. Free with free(). */
void *zg_big_alloc(size_t len) {
  void *p;
  if (len < HUGE_PAGE)
    return malloc(len);
  if (posix_memalign(&p, HUGE_PAGE, (len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE) != 0)
    return NULL;
  (void)madvise(p, len, MADV_HUGEPAGE); /* advice: failure changes nothing */
  return p;
}

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

int zg_add(zg_table_t *t, const uint8_t *owner, size_t ownerlen, uint16_t type,
           const uint8_t *rdata, size_t rdlen, const char *line) {
  uint8_t okey[256];
  size_t oklen;
  if (owner_key(owner, ownerlen, okey, &oklen) != 0)
    return -1;
  if (t->n == t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 1024;
    zg_rr_t *nv = realloc(t->v, nc * sizeof *nv);
    if (!nv) {
      t->oom = 1;
      return -1;
    }
    t->v = nv;
    t->cap = nc;
  }
  zg_rr_t *r = &t->v[t->n];
  size_t ll = line ? strlen(line) : 0;
  r->keylen = (uint32_t)(oklen + 2 + rdlen);
  r->ownerlen = (uint16_t)oklen;
  r->soa = type == 6;
  /* One piece: key, then the line. */
  r->key = arena_alloc(t, r->keylen + ll + 1);
  if (!r->key) {
    t->oom = 1;
    return -1;
  }
  memcpy(r->key, okey, oklen);
  r->key[oklen] = (uint8_t)(type >> 8);
  r->key[oklen + 1] = (uint8_t)type;
  if (rdlen)
    memcpy(r->key + oklen + 2, rdata, rdlen);
  r->line = (char *)r->key + r->keylen;
  if (ll)
    memcpy(r->line, line, ll);
  r->line[ll] = '\0';
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
  /* Owner first (shorter = parent first), then type and RDATA (§6.3). */
  int c = cmp_bytes(a->key, a->ownerlen, b->key, b->ownerlen);
  if (c)
    return c;
  return cmp_bytes(a->key + a->ownerlen, a->keylen - a->ownerlen,
                   b->key + b->ownerlen, b->keylen - b->ownerlen);
}

/* The sort: a million RRs with long shared owner prefixes spent most of
 * the sort in memcmp. So: skip the prefix every owner shares, take the next
 * 8 owner octets as an integer (zero-padded: consistent with the byte order,
 * as a shorter owner sorts first anyway), LSD radix sort on it (stable, 8-bit
 * digits, passes with one bucket skipped), then order each run of equal
 * integers with the full comparison. */
typedef struct {
  uint64_t p;
  size_t i;
} sort_ent_t;

static const zg_table_t *cmp_table; /* for the run comparator (one sort at a time) */

static int ent_cmp(const void *pa, const void *pb) {
  const sort_ent_t *a = pa, *b = pb;
  return rr_cmp(&cmp_table->v[a->i], &cmp_table->v[b->i]);
}

static size_t shared_owner_prefix(const zg_table_t *t) {
  size_t skip = t->v[0].ownerlen;
  for (size_t i = 1; i < t->n && skip; i++) {
    const uint8_t *a = t->v[0].key, *b = t->v[i].key;
    size_t m = t->v[i].ownerlen < skip ? t->v[i].ownerlen : skip, j = 0;
    while (j < m && a[j] == b[j])
      j++;
    skip = j;
  }
  return skip;
}

int zg_sort(zg_table_t *t) {
  sort_ent_t *e = NULL, *tmp = NULL;
  zg_rr_t *nv = NULL;
  size_t n = t->n, o = 0, skip;
  int rc = -1;

  if (n < 2)
    return 0;
  if (!(e = zg_big_alloc(n * sizeof *e)) || !(tmp = zg_big_alloc(n * sizeof *tmp)) ||
      !(nv = zg_big_alloc(t->cap * sizeof *nv)))
    goto done;
  skip = shared_owner_prefix(t);
  for (size_t i = 0; i < n; i++) {
    const zg_rr_t *r = &t->v[i];
    uint64_t p = 0;
    for (size_t j = 0; j < 8; j++)
      p = p << 8 | (skip + j < r->ownerlen ? r->key[skip + j] : 0);
    e[i].p = p;
    e[i].i = i;
  }
  for (unsigned shift = 0; shift < 64; shift += 8) {
    size_t count[256] = {0}, pos = 0;
    for (size_t i = 0; i < n; i++)
      count[(e[i].p >> shift) & 0xff]++;
    if (count[(e[0].p >> shift) & 0xff] == n)
      continue; /* every key has this digit */
    for (size_t d = 0; d < 256; d++) {
      size_t c = count[d];
      count[d] = pos;
      pos += c;
    }
    for (size_t i = 0; i < n; i++)
      tmp[count[(e[i].p >> shift) & 0xff]++] = e[i];
    sort_ent_t *sw = e;
    e = tmp;
    tmp = sw;
  }
  cmp_table = t;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && e[j].p == e[i].p)
      j++;
    if (j - i > 1)
      qsort(e + i, j - i, sizeof *e, ent_cmp);
    i = j;
  }
  cmp_table = NULL;
  for (size_t i = 0; i < n; i++) {
    const zg_rr_t *r = &t->v[e[i].i];
    /* Sorted order visits the keys at random: fetch ahead. */
    if (i + 16 < n)
      __builtin_prefetch(t->v[e[i + 16].i].key);
    if (o && rr_cmp(&nv[o - 1], r) == 0)
      continue; /* exact duplicate; its bytes stay in the arena */
    nv[o++] = *r;
  }
  free(t->v);
  t->v = nv;
  t->n = o;
  nv = NULL;
  rc = 0;
done:
  free(e);
  free(tmp);
  free(nv);
  if (rc)
    t->oom = 1;
  return rc;
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
    if (dst->cap - dst->n < src->n) {
      size_t nc = dst->n + src->n;
      zg_rr_t *nv = realloc(dst->v, nc * sizeof *nv);
      if (!nv) {
        dst->oom = 1;
        return -1;
      }
      dst->v = nv;
      dst->cap = nc;
    }
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
