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

#include "signer.h"

static int hash_cmp(const void *a, const void *b) {
  return memcmp(((const zg_hashed_t *)a)->h, ((const zg_hashed_t *)b)->h, ZG_SHA1_LEN);
}

/* The sort key of an NSEC3 owner: the apex's, then the hash label. */
static size_t nsec3_key(const signer_t *s, const uint8_t *h, uint8_t *key) {
  static const char d[] = "0123456789abcdefghijklmnopqrstuv";
  size_t o = s->apexklen;
  memcpy(key, s->apexkey, o);
  /* 160 bits = 32 base32hex digits (RFC 4648 §7), 5 bits each. */
  for (int i = 0; i < 32; i++) {
    int bit = i * 5, byte = bit / 8, sh = bit % 8;
    unsigned v = (unsigned)h[byte] << 8 | (byte + 1 < ZG_SHA1_LEN ? h[byte + 1] : 0);
    key[o++] = (uint8_t)d[(v >> (11 - sh)) & 31];
  }
  key[o++] = 0;
  return o;
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  if (c)
    return c;
  return (al > bl) - (al < bl);
}

static int hash_names(signer_t *s) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  size_t n = 0;
  int rc = -1, dup = 0;
  if (!md || !(s->hashed = malloc((s->nnames ? s->nnames : 1) * sizeof *s->hashed)))
    goto done;
  for (size_t i = 0; i < s->nnames; i++) {
    const zg_name_t *nm = &s->names[i];
    uint8_t w[256];
    size_t wl;
    unsigned int hl = 0;
    if (nm->flags & ZG_N_GLUE)
      continue; /* not authoritative: no NSEC3 (RFC 5155 §7.1) */
    if (!(wl = zg_key_to_wire(s->t->v[nm->rr].key, nm->klen, w)))
      goto done;
    /* IH(salt, x, 0) = H(x || salt), salt empty (RFC 5155 §5) */
    if (EVP_DigestInit_ex2(md, s->sha1, NULL) != 1 || EVP_DigestUpdate(md, w, wl) != 1 ||
        EVP_DigestFinal_ex(md, s->hashed[n].h, &hl) != 1 || hl != ZG_SHA1_LEN)
      goto done;
    s->hashed[n++].name = (uint32_t)i;
  }
  s->nhashed = n;
  qsort(s->hashed, n, sizeof *s->hashed, hash_cmp);
  for (size_t i = 1; i < n; i++) {
    if (memcmp(s->hashed[i - 1].h, s->hashed[i].h, ZG_SHA1_LEN) == 0) {
      fprintf(stderr, "mimi-zonegen: two names have the same NSEC3 hash\n");
      dup = 1;
      goto done;
    }
  }
  rc = 0;
done:
  if (rc != 0 && !dup)
    fprintf(stderr, "mimi-zonegen: NSEC3 hashing failed (out of memory?)\n");
  EVP_MD_CTX_free(md);
  return rc;
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
