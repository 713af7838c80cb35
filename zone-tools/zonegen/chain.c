/* SPDX-License-Identifier: MIT */
/*
 * The denial-of-existence chain and the output order. NSEC (RFC 4034 §4)
 * links the names with records in canonical order, so the order is the
 * names'. NSEC3 (RFC 5155) links hashes of every authoritative name,
 * empty non-terminals included (§7.1); each NSEC3 lives at
 * <base32hex(hash)>.<apex>, a child of the apex, and is merged into the
 * canonical order of the names. Parameters per RFC 9276 §3.1: SHA-1,
 * iterations 0, no salt, no opt-out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32hex.h"
#include "signer.h"

static int hash_cmp(const void *a, const void *b) {
  return memcmp(((const zg_hashed_t *)a)->h, ((const zg_hashed_t *)b)->h, ZG_SHA1_LEN);
}

/* The sort key of an NSEC3 owner: the apex's, then the hash label. */
static size_t nsec3_key(const signer_t *s, const uint8_t *h, uint8_t *key) {
  size_t o = s->apexklen;
  memcpy(key, s->apexkey, o);
  /* 160 bits = 32 base32hex digits (RFC 4648 §7), 5 bits each. */
  o += base32hex_encode(h, ZG_SHA1_LEN, (char *)key + o);
  key[o++] = 0;
  return o;
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c)
    return c;
  return (al > bl) - (al < bl);
}

/* Hash the names [from, to) into s->hashed[from ...]; occluded names
 * are skipped (not authoritative: no NSEC3, RFC 5155 §7.1). */
typedef struct {
  signer_t *s;
  size_t from, to, n;
  int failed;
} hash_part_t;

static void *hash_part(void *arg) {
  hash_part_t *p = arg;
  signer_t *s = p->s;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  p->failed = !md;
  for (size_t i = p->from; md && i < p->to; i++) {
    const zg_name_t *nm = &s->names[i];
    zg_hashed_t *h = &s->hashed[p->from + p->n];
    uint8_t w[256];
    size_t wl;
    unsigned int hl = 0;
    if (nm->flags & ZG_N_GLUE)
      continue;
    /* IH(salt, x, 0) = H(x || salt), salt empty (RFC 5155 §5) */
    if (!(wl = zg_key_to_wire(s->t->v[nm->rr].key, nm->klen, w)) ||
        EVP_DigestInit_ex2(md, s->sha1, NULL) != 1 || EVP_DigestUpdate(md, w, wl) != 1 ||
        EVP_DigestFinal_ex(md, h->h, &hl) != 1 || hl != ZG_SHA1_LEN) {
      p->failed = 1;
      break;
    }
    h->name = (uint32_t)i;
    p->n++;
  }
  EVP_MD_CTX_free(md);
  return NULL;
}

static int hash_names(signer_t *s) {
  hash_part_t parts[64];
  pthread_t tid[64];
  int started[64];
  size_t k = s->threads < 64 ? s->threads : 64, n = 0;
  if (k == 0 || s->nnames < 4096)
    k = 1;
  if (!(s->hashed = malloc((s->nnames ? s->nnames : 1) * sizeof *s->hashed))) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    return -1;
  }
  for (size_t i = 0; i < k; i++) {
    parts[i] = (hash_part_t){s, s->nnames * i / k, s->nnames * (i + 1) / k, 0, 0};
    started[i] = i > 0 && pthread_create(&tid[i], NULL, hash_part, &parts[i]) == 0;
  }
  for (size_t i = 0; i < k; i++)
    if (!started[i])
      hash_part(&parts[i]);
  int failed = 0;
  for (size_t i = 0; i < k; i++) {
    if (started[i])
      pthread_join(tid[i], NULL);
    failed |= parts[i].failed;
  }
  if (failed) {
    fprintf(stderr, "mimi-zonegen: NSEC3 hashing failed (out of memory?)\n");
    return -1;
  }
  for (size_t i = 0; i < k; i++) { /* close the gaps the skipped names left */
    memmove(&s->hashed[n], &s->hashed[parts[i].from], parts[i].n * sizeof *s->hashed);
    n += parts[i].n;
  }
  s->nhashed = n;
  zg_psort(s->hashed, n, sizeof *s->hashed, hash_cmp, s->threads);
  for (size_t i = 1; i < n; i++) {
    if (memcmp(s->hashed[i - 1].h, s->hashed[i].h, ZG_SHA1_LEN) == 0) {
      fprintf(stderr, "mimi-zonegen: two names have the same NSEC3 hash\n");
      return -1;
    }
  }
  return 0;
}

int zg_chain_build(signer_t *s) {
  size_t cap = s->nnames + (s->o->nsec3 ? s->nnames : 0), n = 0, h = 0;
  if (s->o->nsec3 && hash_names(s) != 0)
    return -1;
  if (!(s->seq = malloc((cap ? cap : 1) * sizeof *s->seq))) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    return -1;
  }
  /* Names with records in order; NSEC3 owners where they sort. */
  for (size_t i = 0; i < s->nnames; i++) {
    const zg_name_t *nm = &s->names[i];
    if (nm->nrr == 0)
      continue;
    while (h < s->nhashed && i > 0) {
      uint8_t k3[320]; /* apex key (< 256, checked in sign.c) + 33 */
      size_t k3l = nsec3_key(s, s->hashed[h].h, k3);
      if (cmp_bytes(k3, k3l, s->t->v[nm->rr].key, nm->klen) > 0)
        break;
      s->seq[n++] = ZG_SEQ_NSEC3 | (uint32_t)h++;
    }
    s->seq[n++] = (uint32_t)i;
  }
  while (h < s->nhashed)
    s->seq[n++] = ZG_SEQ_NSEC3 | (uint32_t)h++;
  s->nseq = n;
  return 0;
}
