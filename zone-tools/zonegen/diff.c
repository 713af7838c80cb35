/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --diff OLD.csv: the change set between two user lists, as
 * the RRs of the owner names that changed (or are new) and the owner names
 * that are gone; and the identity of a change set, which --update records
 * in the database so that an operator can see which mod-mimi nodes have
 * applied it. Both lists go through the row rules of zone output (zg_rows).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "publish.h"

/* The order of owner keys in a sorted table. */
static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  return c ? c : (al > bl) - (al < bl);
}

static int owner_cmp(const zg_rr_t *a, const zg_rr_t *b) {
  return key_cmp(a->key, a->ownerlen, b->key, b->ownerlen);
}

void zg_old_find(const zg_table_t *old, const uint8_t *key, size_t klen, size_t *lo,
                 size_t *hi) {
  size_t a = 0, b = old->n;
  while (a < b) { /* the first RR not before key */
    size_t m = a + (b - a) / 2;
    if (key_cmp(old->v[m].key, old->v[m].ownerlen, key, klen) < 0)
      a = m + 1;
    else
      b = m;
  }
  *lo = *hi = a;
  while (*hi < old->n && key_cmp(old->v[*hi].key, old->v[*hi].ownerlen, key, klen) == 0)
    (*hi)++;
}

/* End of the owner group that starts at i. */
static size_t group_end(const zg_table_t *t, size_t i) {
  size_t j = i + 1;
  while (j < t->n && owner_cmp(&t->v[i], &t->v[j]) == 0)
    j++;
  return j;
}

static int same_rrs(const zg_table_t *a, size_t ai, size_t aj, const zg_table_t *b,
                    size_t bi, size_t bj) {
  if (aj - ai != bj - bi)
    return 0;
  for (; ai < aj; ai++, bi++) {
    const zg_rr_t *x = &a->v[ai], *y = &b->v[bi];
    if (x->keylen != y->keylen || x->ttl != y->ttl || memcmp(x->key, y->key, x->keylen))
      return 0;
  }
  return 1;
}

static int copy_group(zg_table_t *out, const zg_table_t *t, size_t i, size_t j) {
  uint8_t w[256];
  size_t wl;
  for (; i < j; i++) {
    const zg_rr_t *r = &t->v[i];
    const uint8_t *tp = r->key + r->ownerlen;
    if (zg_key_wire(r->key, r->ownerlen, w, &wl) != 0 ||
        zg_add(out, w, wl, (uint16_t)(tp[0] << 8 | tp[1]), r->ttl, tp + 2,
               r->keylen - r->ownerlen - 2u, "") != 0)
      return -1;
  }
  return 0;
}

static int add_del(zg_dels_t *ds, const zg_rr_t *r) {
  char name[1100];
  zg_del_t d;
  memset(&d, 0, sizeof d);
  if (ds->n == ds->cap) {
    size_t nc = ds->cap ? ds->cap * 2 : 64;
    zg_del_t *nv = realloc(ds->v, nc * sizeof *nv);
    if (!nv)
      return -1;
    ds->v = nv;
    ds->cap = nc;
  }
  if (zg_key_name(r->key, r->ownerlen, name, sizeof name) != 0 || !(d.id = strdup(name)) ||
      !(d.key[0] = malloc(r->ownerlen))) {
    free(d.id);
    return -1;
  }
  memcpy(d.key[0], r->key, r->ownerlen);
  d.klen[0] = r->ownerlen;
  d.nkeys = 1;
  ds->v[ds->n++] = d;
  return 0;
}

int zg_diff(const zg_opts_t *o, const char *old_path, zg_table_t *t, zg_dels_t *dels,
            zg_table_t *old_out) {
  zg_opts_t oo = *o;
  zg_table_t old = {NULL, 0, 0, 0, NULL}, out = {NULL, 0, 0, 0, NULL};
  long ok = 0, bad;
  size_t i = 0, k = 0;
  int rc = -1;

  memset(dels, 0, sizeof *dels);
  oo.input = old_path;
  oo.quiet = 1;
  bad = zg_rows(&oo, &old, &ok);
  if (bad != 0) {
    if (bad > 0)
      fprintf(stderr, "mimi-zonegen: --diff %s: %ld invalid row%s; nothing sent or "
              "written\n", old_path, bad, bad == 1 ? "" : "s");
    rc = bad == -1 ? -1 : -2;
    goto done;
  }
  zg_sort(&old, o->threads);
  while (i < t->n || k < old.n) {
    int c = i == t->n ? 1 : k == old.n ? -1 : owner_cmp(&t->v[i], &old.v[k]);
    size_t ie = c <= 0 ? group_end(t, i) : i, ke = c >= 0 ? group_end(&old, k) : k;
    int changed = c == 0 && !same_rrs(t, i, ie, &old, k, ke);
    if (c > 0 ? add_del(dels, &old.v[k]) != 0
              : (c < 0 || changed) && copy_group(&out, t, i, ie) != 0)
      goto oom;
    if (old_out && (c > 0 || changed) && copy_group(old_out, &old, k, ke) != 0)
      goto oom;
    i = ie;
    k = ke;
  }
  zg_sort(&out, o->threads);
  if (old_out)
    zg_sort(old_out, o->threads);
  zg_table_free(t);
  *t = out;
  memset(&out, 0, sizeof out);
  rc = 0;
  goto done;
oom:
  fprintf(stderr, "mimi-zonegen: --diff: out of memory\n");
  zg_dels_free(dels);
  if (old_out)
    zg_table_free(old_out);
done:
  zg_table_free(&out);
  zg_table_free(&old);
  return rc;
}

int zg_changeset_id(const zg_table_t *t, const zg_dels_t *dels, char out[65]) {
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  uint8_t md[32], hdr[9];
  unsigned mdlen = 0;
  int rc = -1;
  if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
    goto done;
  for (size_t i = 0; dels && i < dels->n; i++)
    for (unsigned k = 0; k < dels->v[i].nkeys; k++) {
      hdr[0] = 'D';
      hdr[1] = (uint8_t)(dels->v[i].klen[k] >> 8);
      hdr[2] = (uint8_t)dels->v[i].klen[k];
      if (EVP_DigestUpdate(c, hdr, 3) != 1 ||
          EVP_DigestUpdate(c, dels->v[i].key[k], dels->v[i].klen[k]) != 1)
        goto done;
    }
  for (size_t i = 0; i < t->n; i++) {
    const zg_rr_t *r = &t->v[i];
    hdr[0] = 'A';
    for (int b = 0; b < 4; b++) {
      hdr[1 + b] = (uint8_t)(r->keylen >> (24 - 8 * b));
      hdr[5 + b] = (uint8_t)(r->ttl >> (24 - 8 * b));
    }
    if (EVP_DigestUpdate(c, hdr, 9) != 1 || EVP_DigestUpdate(c, r->key, r->keylen) != 1)
      goto done;
  }
  if (EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
    goto done;
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
  rc = 0;
done:
  EVP_MD_CTX_free(c);
  return rc;
}
