/* SPDX-License-Identifier: MIT */
/*
 * The names of the sorted table, for the signer: one entry per owner name
 * with its records, plus the empty non-terminals between them (RFC 5155
 * §7.1 needs an NSEC3 for each), each marked apex, delegation point or
 * occluded (glue: below a delegation, neither signed nor in a chain,
 * RFC 4035 §2.2, §2.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signer.h"

static int push(signer_t *s, uint32_t rr, uint32_t nrr, size_t klen) {
  if (s->nnames == s->capnames) {
    size_t nc = s->capnames ? s->capnames * 2 : 4096;
    zg_name_t *nv = realloc(s->names, nc * sizeof *nv);
    if (!nv) {
      fprintf(stderr, "mimi-zonegen: out of memory\n");
      return -1;
    }
    s->names = nv;
    s->capnames = nc;
  }
  zg_name_t *n = &s->names[s->nnames++];
  n->rr = rr;
  n->nrr = nrr;
  n->klen = (uint16_t)klen;
  n->flags = 0;
  return 0;
}

/* 0, -1 (out of memory) or -2 (the zone is not signable); printed. */
int zg_names_build(signer_t *s) {
  const zg_table_t *t = s->t;
  const uint8_t *prev = NULL, *cut = NULL;
  size_t prevlen = 0, cutlen = 0;
  if (t->n == 0 || t->n > 0x7fffffffu)
    return -1;
  for (size_t i = 0; i < t->n;) {
    const zg_rr_t *r = &t->v[i];
    const uint8_t *k = r->key;
    size_t klen = r->ownerlen, j = i;
    while (j < t->n && t->v[j].ownerlen == klen && memcmp(t->v[j].key, k, klen) == 0) {
      /* One TTL an RRset (RFC 2181 §5.2): its RRSIG has one. */
      if (j > i && zg_rr_type(&t->v[j]) == zg_rr_type(&t->v[j - 1]) &&
          t->v[j].ttl != t->v[j - 1].ttl) {
        zg_buf_t b = {0};
        zg_txt_owner_key(&b, k, klen);
        zg_buf_put(&b, " ", 1);
        zg_txt_type(&b, zg_rr_type(&t->v[j]));
        fprintf(stderr, "mimi-zonegen: the RRset %.*s has records with different TTLs "
                "(RFC 2181 §5.2)\n", b.oom ? 0 : (int)b.n, b.oom ? "" : b.p);
        free(b.p);
        return -2;
      }
      j++;
    }
    if (i == 0 && (klen != s->apexklen || memcmp(k, s->apexkey, klen) != 0)) {
      fprintf(stderr, "mimi-zonegen: the zone has records above its apex %s\n", s->o->origin);
      return -2;
    }
    if (klen < s->apexklen || memcmp(k, s->apexkey, s->apexklen) != 0) {
      fprintf(stderr, "mimi-zonegen: a record is outside the zone %s\n", s->o->origin);
      return -2;
    }
    /* Empty non-terminals: the ancestors of this name that are not
     * ancestors of (or equal to) the previous name. Had one records, it
     * would sort between them. */
    if (prev) {
      size_t c = 0, lim = prevlen < klen ? prevlen : klen, b = 0;
      while (c < lim && prev[c] == k[c])
        c++;
      for (size_t x = 0; x < c; x++)
        if (k[x] == 0)
          b = x + 1; /* the last label boundary both share */
      for (size_t x = b; x + 1 < klen; x++) {
        if (k[x] != 0 || x + 1 <= s->apexklen)
          continue;
        if (push(s, (uint32_t)i, 0, x + 1) != 0)
          return -1;
      }
    }
    if (push(s, (uint32_t)i, (uint32_t)(j - i), klen) != 0)
      return -1;
    prev = k;
    prevlen = klen;
    i = j;
  }
  /* Flags, in canonical order: a name below a delegation is occluded. */
  for (size_t n = 0; n < s->nnames; n++) {
    zg_name_t *nm = &s->names[n];
    const uint8_t *k = s->t->v[nm->rr].key;
    if (n == 0) {
      nm->flags = ZG_N_APEX;
      continue;
    }
    if (cut && nm->klen > cutlen && memcmp(k, cut, cutlen) == 0) {
      nm->flags = ZG_N_GLUE;
      continue;
    }
    cut = NULL;
    for (uint32_t x = 0; x < nm->nrr; x++) {
      if (zg_rr_type(&s->t->v[nm->rr + x]) == ZG_T_NS) {
        nm->flags = ZG_N_CUT;
        cut = k;
        cutlen = nm->klen;
        s->has_cuts = 1;
        break;
      }
    }
  }
  return 0;
}
