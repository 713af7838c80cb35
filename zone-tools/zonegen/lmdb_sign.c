/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --format lmdb --sign: the RRSIGs of a signed mimi-lmdb(5)
 * database (format 2). Each RRset of a value is followed by its RRSIG,
 * made once here by the zone's ZSK, so that mod-mimi serves signed
 * answers from stored data instead of signing each one (issue 18). The
 * signer's name is the zone; the original TTL is --ttl, the TTL of every
 * record mimi-zonegen writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmdb_sign.h"
#include "mimi_lmdb_format.h"

int zg_lmdb_signer_init(zg_lmdb_signer_t *ls, const zg_opts_t *o, const zg_key_t *ksk,
                        const zg_key_t *zsk) {
  signer_t *s = &ls->s;
  memset(ls, 0, sizeof *ls);
  s->o = o;
  s->ksk = ksk;
  s->zsk = zsk;
  s->inception = (uint32_t)o->inception;
  s->expiration = (uint32_t)o->expiration;
  if (zg_name_wire(o->origin, s->apex, &s->apexlen) != 0) {
    fprintf(stderr, "mimi-zonegen: %s: not a name to sign with\n", o->origin);
    return -1;
  }
  /* The signer's name in lower case (RFC 4034 §3.1.7, §6.2). */
  for (size_t i = 0; i < s->apexlen; i++)
    if (s->apex[i] >= 'A' && s->apex[i] <= 'Z')
      s->apex[i] = (uint8_t)(s->apex[i] + 32);
  if (!(s->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL))) {
    fprintf(stderr, "mimi-zonegen: OpenSSL has no SHA-256\n");
    return -1;
  }
  if (zg_worker_init(&ls->w, s) != 0) {
    EVP_MD_free((EVP_MD *)s->sha256);
    s->sha256 = NULL;
    fprintf(stderr, "mimi-zonegen: cannot set up signing (OpenSSL)\n");
    return -1;
  }
  ls->ready = 1;
  return 0;
}

void zg_lmdb_signer_free(zg_lmdb_signer_t *ls) {
  if (ls->ready)
    zg_worker_free(&ls->w);
  EVP_MD_free((EVP_MD *)ls->s.sha256);
  free(ls->rd);
  free(ls->rdl);
  free(ls->out.p);
  memset(ls, 0, sizeof *ls);
}

/* Room for n RDATA pointers. 0 or -1. */
static int grow(zg_lmdb_signer_t *ls, size_t n) {
  if (n <= ls->cap)
    return 0;
  size_t nc = n < 64 ? 64 : n * 2;
  const uint8_t **rd = realloc(ls->rd, nc * sizeof *rd);
  if (!rd)
    return -1;
  ls->rd = rd;
  uint16_t *rdl = realloc(ls->rdl, nc * sizeof *rdl);
  if (!rdl)
    return -1;
  ls->rdl = rdl;
  ls->cap = nc;
  return 0;
}

int zg_lmdb_sign_value(zg_lmdb_signer_t *ls, const uint8_t *okey, size_t oklen,
                       const uint8_t *val, size_t len) {
  uint8_t ow[MIMI_LMDB_NAME_MAX + 1];
  size_t owl = zg_key_to_wire(okey, oklen, ow), off = 0, n = 0;
  mimi_lmdb_rr_t rr;
  uint16_t type = 0;
  int got;
  zg_buf_t *out = &ls->out;

  out->n = 0;
  if (!owl)
    return -1;
  /* One pass: copy the RRs (dropping old RRSIGs), and after each RRset its
   * new RRSIG. The value holds each type's RRs together, in canonical
   * order (the table's), as RFC 4034 §6.3 signs them. */
  for (;;) {
    got = mimi_lmdb_value_next(val, len, &off, &rr);
    if (got < 0) {
      fprintf(stderr, "mimi-zonegen: a malformed value in the database\n");
      return -1;
    }
    if (got == 1 && rr.type == MIMI_LMDB_T_RRSIG)
      continue;
    if (n > 0 && (got == 0 || rr.type != type)) {
      size_t at = out->n;
      uint8_t hdr[MIMI_LMDB_RR_HEADER];
      zg_buf_put(out, hdr, sizeof hdr); /* filled in below */
      if (zg_rrsig_wire(&ls->w, ow, owl, type, ls->s.o->ttl, ls->rd, ls->rdl, n, out) != 0)
        return -1;
      mimi_lmdb_rr_header((uint8_t *)out->p + at, MIMI_LMDB_T_RRSIG,
                          (uint16_t)(out->n - at - MIMI_LMDB_RR_HEADER));
      n = 0;
    }
    if (got == 0)
      break;
    if (grow(ls, n + 1) != 0)
      goto oom;
    type = rr.type;
    ls->rd[n] = rr.rdata;
    ls->rdl[n++] = rr.rdlen;
    uint8_t hdr[MIMI_LMDB_RR_HEADER];
    mimi_lmdb_rr_header(hdr, rr.type, rr.rdlen);
    zg_buf_put(out, hdr, sizeof hdr);
    zg_buf_put(out, rr.rdata, rr.rdlen);
  }
  if (out->oom)
    goto oom;
  return 0;
oom:
  fprintf(stderr, "mimi-zonegen: out of memory\n");
  return -1;
}
