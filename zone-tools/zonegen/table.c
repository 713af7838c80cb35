/* The record table of mimi-zonegen: canonical order, duplicates removed. */
#include <stdlib.h>
#include <string.h>

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
int zg_owner_key(const uint8_t *w, size_t wlen, uint8_t *key, size_t *klen) {
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

int zg_add(zg_table_t *t, const uint8_t *owner, size_t ownerlen, uint16_t type,
           uint32_t ttl, const uint8_t *rdata, size_t rdlen, const char *line) {
  uint8_t okey[256];
  size_t oklen;
  if (zg_owner_key(owner, ownerlen, okey, &oklen) != 0)
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
  size_t ll = strlen(line);
  r->keylen = (uint32_t)(oklen + 2 + rdlen);
  r->ownerlen = (uint16_t)oklen;
  r->ttl = ttl;
  r->soa = type == 6;
  /* One allocation: key, then the line. */
  r->key = malloc(r->keylen + ll + 1);
  if (!r->key) {
    t->oom = 1;
    return -1;
  }
  memcpy(r->key, okey, oklen);
  r->key[oklen] = (uint8_t)(type >> 8);
  r->key[oklen + 1] = (uint8_t)type;
  if (rdlen)
    memcpy(r->key + oklen + 2, rdata, rdlen);
  memcpy(r->key + r->keylen, line, ll + 1);
  t->n++;
  return 0;
}

void zg_table_free(zg_table_t *t) {
  for (size_t i = 0; i < t->n; i++)
    free(t->v[i].key);
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

static uint64_t be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

void zg_sort(zg_table_t *t, size_t skip, unsigned threads) {
  size_t o = 0;
again:
  for (size_t i = 0; i < t->n; i++) {
    zg_rr_t *r = &t->v[i];
    /* The prefixes are comparable only after octets all keys share. */
    if (skip && (r->ownerlen < skip || memcmp(r->key, t->v[0].key, skip) != 0)) {
      skip = 0;
      goto again;
    }
    uint8_t p[16] = {0};
    if (r->ownerlen > skip)
      memcpy(p, r->key + skip, r->ownerlen - skip < 16 ? r->ownerlen - skip : 16);
    r->pfx[0] = be64(p);
    r->pfx[1] = be64(p + 8);
  }
  zg_psort(t->v, t->n, sizeof *t->v, rr_cmp, threads);
  for (size_t i = 0; i < t->n; i++) {
    if (o && rr_cmp(&t->v[o - 1], &t->v[i]) == 0) {
      free(t->v[i].key);
      continue;
    }
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
