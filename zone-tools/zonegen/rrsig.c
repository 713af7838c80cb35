/* SPDX-License-Identifier: MIT */
/*
 * Signing and writing a run of the output order, in one thread: the
 * records of each name, an RRSIG for each authoritative RRset (RFC 4034
 * §3, RFC 4035 §2.2), and the NSEC (RFC 4034 §4) or NSEC3 (RFC 5155 §3)
 * record with its RRSIG. Each thread reuses its digest and key contexts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32hex.h"
#include "signer.h"
#include "wire_endian.h"
#include "wire_name.h"

int zg_worker_init(worker_t *w, const signer_t *s) {
  memset(w, 0, sizeof *w);
  w->s = s;
  if (!(w->md = EVP_MD_CTX_new()) ||
      !(w->kctx = EVP_PKEY_CTX_new_from_pkey(NULL, s->ksk->pkey, NULL)) ||
      !(w->zctx = EVP_PKEY_CTX_new_from_pkey(NULL, s->zsk->pkey, NULL)) ||
      EVP_PKEY_sign_init(w->kctx) != 1 || EVP_PKEY_sign_init(w->zctx) != 1) {
    zg_worker_free(w);
    return -1;
  }
  return 0;
}

void zg_worker_free(worker_t *w) {
  EVP_MD_CTX_free(w->md);
  EVP_PKEY_CTX_free(w->kctx);
  EVP_PKEY_CTX_free(w->zctx);
  free(w->data.p);
  free(w->rrsig.p);
  free(w->owner.p);
  free(w->rd.p);
  memset(w, 0, sizeof *w);
}

static void put16(zg_buf_t *b, uint16_t v) {
  uint8_t x[2];
  wire_put16(x, v);
  zg_buf_put(b, x, 2);
}

static void put32(zg_buf_t *b, uint32_t v) {
  uint8_t x[4];
  wire_put32(x, v);
  zg_buf_put(b, x, 4);
}

/* RRSIG Labels (RFC 4034 §3.1.3): the owner's labels, "*" not counted. */
static int count_labels(const uint8_t *w, size_t len) {
  int n = wire_name_labels(w, len);
  if (len > 2 && w[0] == 1 && w[1] == '*')
    n--;
  return n;
}

/* The RRSIG RDATA before the signature (RFC 4034 §3.1), which also begins
 * the signed data (§3.1.8.1). The signer's name is the apex, lower case. */
static void rrsig_begin(worker_t *w, uint16_t type, int labels, uint32_t ttl,
                        const zg_key_t *k) {
  const signer_t *s = w->s;
  w->rrsig.n = 0;
  put16(&w->rrsig, type);
  uint8_t x[2] = {k->alg, (uint8_t)labels};
  zg_buf_put(&w->rrsig, x, 2);
  put32(&w->rrsig, ttl);
  put32(&w->rrsig, s->expiration);
  put32(&w->rrsig, s->inception);
  put16(&w->rrsig, k->tag);
  zg_buf_put(&w->rrsig, s->apex, s->apexlen);
  w->data.n = 0;
  zg_buf_put(&w->data, w->rrsig.p, w->rrsig.n);
}

/* One RR of the RRset in canonical form (§6.2): lower-case owner, the
 * original TTL, canonical RDATA (the table's keys are). */
static void data_rr(worker_t *w, const uint8_t *ow, size_t owl, uint16_t type, uint32_t ttl,
                    const uint8_t *rd, size_t rdl) {
  zg_buf_put(&w->data, ow, owl);
  put16(&w->data, type);
  put16(&w->data, 1); /* IN */
  put32(&w->data, ttl);
  put16(&w->data, (uint16_t)rdl);
  zg_buf_put(&w->data, rd, rdl);
}

/* DER ECDSA-Sig-Value (RFC 3279 §2.2.3) → r | s, 32 octets each (RFC 6605
 * §4). 0 or -1. */
static int der_to_rs(const uint8_t *d, size_t len, uint8_t *out) {
  size_t i = 2;
  if (len < 2 || d[0] != 0x30 || d[1] & 0x80 || (size_t)d[1] + 2 != len)
    return -1;
  memset(out, 0, 64);
  for (int k = 0; k < 2; k++) {
    size_t l;
    if (i + 2 > len || d[i] != 0x02 || (l = d[i + 1]) & 0x80 || i + 2 + l > len)
      return -1;
    i += 2;
    while (l > 0 && d[i] == 0)
      i++, l--;
    if (l > 32)
      return -1;
    memcpy(out + 32 * k + 32 - l, d + i, l);
    i += l;
  }
  return i == len ? 0 : -1;
}

/* The signature of w->data by k (ECDSA P-256: r | s, 64 octets). 0 or -1. */
static int sign_data(worker_t *w, const zg_key_t *k, uint8_t sig[64]) {
  uint8_t dg[EVP_MAX_MD_SIZE], der[80];
  unsigned int dl = 0;
  size_t derlen = sizeof der;
  EVP_PKEY_CTX *ctx = k == w->s->ksk ? w->kctx : w->zctx;
  if (w->data.oom || w->rrsig.oom)
    return -1;
  if (EVP_DigestInit_ex2(w->md, w->s->sha256, NULL) != 1 ||
      EVP_DigestUpdate(w->md, w->data.p, w->data.n) != 1 ||
      EVP_DigestFinal_ex(w->md, dg, &dl) != 1 ||
      EVP_PKEY_sign(ctx, der, &derlen, dg, dl) != 1 || der_to_rs(der, derlen, sig) != 0) {
    fprintf(stderr, "mimi-zonegen: signing failed (key %u)\n", k->tag);
    return -1;
  }
  return 0;
}

/* Sign w->data, finish the RRSIG, append its line. 0 or -1. */
static int rrsig_end(worker_t *w, const zg_key_t *k, uint32_t ttl, zg_buf_t *out) {
  uint8_t sig[64];
  if (sign_data(w, k, sig) != 0)
    return -1;
  /* The line (RFC 4034 §3.2), the fixed parts made once. */
  const uint8_t *r = (const uint8_t *)w->rrsig.p;
  zg_buf_put(out, w->owner.p, w->owner.n);
  zg_buf_put(out, "\t", 1);
  zg_buf_u32(out, ttl);
  zg_buf_put(out, "\tIN\tRRSIG\t", 10);
  zg_txt_type(out, wire_get16(r));
  zg_buf_put(out, " ", 1);
  zg_buf_u32(out, r[2]);
  zg_buf_put(out, " ", 1);
  zg_buf_u32(out, r[3]);
  zg_buf_put(out, " ", 1);
  zg_buf_u32(out, ttl);
  zg_buf_put(out, w->s->rrsig_tail.p, w->s->rrsig_tail.n);
  zg_buf_u32(out, k->tag);
  zg_buf_put(out, w->s->apextxt.p, w->s->apextxt.n);
  zg_txt_base64(out, sig, sizeof sig);
  zg_buf_put(out, "\n", 1);
  return 0;
}

static void put_line(worker_t *w, const zg_rr_t *r, zg_buf_t *out) {
  if (zg_rr_line(r)[0]) {
    zg_buf_puts(out, zg_rr_line(r));
  } else {
    uint16_t type = zg_rr_type(r);
    zg_buf_put(out, w->owner.p, w->owner.n);
    zg_buf_put(out, "\t", 1);
    zg_buf_u32(out, r->ttl);
    zg_buf_put(out, "\tIN\t", 4);
    zg_txt_type(out, type);
    zg_buf_put(out, "\t", 1);
    zg_txt_rdata(out, type, r->key + r->ownerlen + 2, r->keylen - r->ownerlen - 2u);
  }
  zg_buf_put(out, "\n", 1);
}

static void bit(worker_t *w, uint16_t t) {
  unsigned win = t >> 8, oct = (t & 255) >> 3;
  w->win[win][oct] |= (uint8_t)(0x80 >> (t & 7));
  if (w->wlen[win] < oct + 1)
    w->wlen[win] = (uint8_t)(oct + 1);
}

/* The types set with bit() as Type Bit Maps (RFC 4034 §4.1.2); cleared. */
static void bitmap(worker_t *w, zg_buf_t *b) {
  for (unsigned win = 0; win < 256; win++) {
    if (!w->wlen[win])
      continue;
    uint8_t h[2] = {(uint8_t)win, w->wlen[win]};
    zg_buf_put(b, h, 2);
    zg_buf_put(b, w->win[win], w->wlen[win]);
    memset(w->win[win], 0, sizeof w->win[win]);
    w->wlen[win] = 0;
  }
}

/* The types of a name for its NSEC/NSEC3 bit map: all of them, or at a
 * delegation NS and DS only (RFC 4035 §2.3). Returns whether a DS is. */
static int name_types(worker_t *w, const zg_name_t *nm) {
  const zg_rr_t *v = w->s->t->v;
  int ds = 0;
  for (uint32_t x = 0; x < nm->nrr; x++) {
    uint16_t t = zg_rr_type(&v[nm->rr + x]);
    ds |= t == ZG_T_DS;
    if (!(nm->flags & ZG_N_CUT) || t == ZG_T_NS || t == ZG_T_DS)
      bit(w, t);
  }
  return ds;
}

/* The NSEC or NSEC3 RR whose type bitmap is being built in w->rd (its
 * other fields before it): finish the bitmap, write the RR (owner text in
 * w->owner) and its RRSIG. 0, or -1 on OOM. */
static int emit_denial(worker_t *w, uint16_t type, const char *mid, const uint8_t *ow,
                       size_t owl, int labels, zg_buf_t *out) {
  const signer_t *s = w->s;
  bitmap(w, &w->rd);
  if (w->rd.oom)
    return -1;
  zg_buf_put(out, w->owner.p, w->owner.n);
  zg_buf_put(out, "\t", 1);
  zg_buf_u32(out, s->nsec_ttl);
  zg_buf_put(out, mid, strlen(mid));
  zg_txt_rdata(out, type, (const uint8_t *)w->rd.p, w->rd.n);
  zg_buf_put(out, "\n", 1);
  rrsig_begin(w, type, labels, s->nsec_ttl, s->zsk);
  data_rr(w, ow, owl, type, s->nsec_ttl, (const uint8_t *)w->rd.p, w->rd.n);
  return rrsig_end(w, s->zsk, s->nsec_ttl, out);
}

static int do_name(worker_t *w, uint32_t idx, zg_buf_t *out) {
  const signer_t *s = w->s;
  const zg_name_t *nm = &s->names[idx];
  const zg_rr_t *v = s->t->v;
  uint8_t ow[256];
  size_t owl = zg_key_to_wire(v[nm->rr].key, nm->klen, ow), used;
  int labels = count_labels(ow, owl);
  int glue = nm->flags & ZG_N_GLUE, cut = nm->flags & ZG_N_CUT;
  uint32_t end = nm->rr + nm->nrr;
  if (!owl)
    return -1;
  w->owner.n = 0;
  zg_txt_name(&w->owner, ow, owl, &used);
  /* RFC 1035 §5.2: the SOA first; the rest in canonical order. */
  for (int pass = (nm->flags & ZG_N_APEX) ? 0 : 1; pass < 2; pass++) {
    for (uint32_t a = nm->rr, b; a < end; a = b) {
      uint16_t type = zg_rr_type(&v[a]);
      for (b = a + 1; b < end && zg_rr_type(&v[b]) == type; b++)
        ;
      if ((nm->flags & ZG_N_APEX) && (pass == 0) != (type == ZG_T_SOA))
        continue;
      for (uint32_t x = a; x < b; x++)
        put_line(w, &v[x], out);
      /* Occluded names and the NS at a delegation are not signed
       * (RFC 4035 §2.2). */
      if (glue || (cut && type != ZG_T_DS))
        continue;
      const zg_key_t *k = type == ZG_T_DNSKEY ? s->ksk : s->zsk;
      rrsig_begin(w, type, labels, v[a].ttl, k);
      for (uint32_t x = a; x < b; x++)
        data_rr(w, ow, owl, type, v[a].ttl, v[x].key + v[x].ownerlen + 2,
                v[x].keylen - v[x].ownerlen - 2u);
      if (rrsig_end(w, k, v[a].ttl, out) != 0)
        return -1;
    }
  }
  if (s->o->nsec3 || glue)
    return 0;
  /* NSEC to the next name with records, not occluded; the last to the apex. */
  size_t j = idx + 1;
  while (j < s->nnames && (s->names[j].nrr == 0 || (s->names[j].flags & ZG_N_GLUE)))
    j++;
  if (j == s->nnames)
    j = 0;
  uint8_t nw[256];
  size_t nwl = zg_key_to_wire(v[s->names[j].rr].key, s->names[j].klen, nw);
  w->rd.n = 0;
  zg_buf_put(&w->rd, nw, nwl);
  name_types(w, nm);
  bit(w, ZG_T_RRSIG);
  bit(w, ZG_T_NSEC);
  return emit_denial(w, ZG_T_NSEC, "\tIN\tNSEC\t", ow, owl, labels, out);
}

static int do_nsec3(worker_t *w, uint32_t h, zg_buf_t *out) {
  const signer_t *s = w->s;
  const zg_hashed_t *me = &s->hashed[h], *next = &s->hashed[(h + 1) % s->nhashed];
  const zg_name_t *nm = &s->names[me->name];
  uint8_t ow[256 + 40];
  size_t used;
  /* Owner: base32hex(hash) (RFC 5155 §3.3) under the apex. */
  ow[0] = BASE32HEX_LEN(ZG_SHA1_LEN);
  base32hex_encode(me->h, ZG_SHA1_LEN, (char *)ow + 1);
  memcpy(ow + 33, s->apex, s->apexlen);
  size_t owl = 33 + s->apexlen;
  w->owner.n = 0;
  zg_txt_name(&w->owner, ow, owl, &used);
  /* RDATA: SHA-1, no opt-out, 0 iterations, no salt (RFC 9276 §3.1). */
  w->rd.n = 0;
  uint8_t head[6] = {1, 0, 0, 0, 0, ZG_SHA1_LEN};
  zg_buf_put(&w->rd, head, sizeof head);
  zg_buf_put(&w->rd, next->h, ZG_SHA1_LEN);
  if (nm->nrr) {
    int ds = name_types(w, nm);
    /* RRSIG where an RRset there is signed: not at an insecure delegation. */
    if (!(nm->flags & ZG_N_CUT) || ds)
      bit(w, ZG_T_RRSIG);
  }
  return emit_denial(w, ZG_T_NSEC3, "\tIN\tNSEC3\t", ow, owl, s->apexlabels + 1, out);
}

int zg_sign_range(worker_t *w, size_t from, size_t to, zg_buf_t *out) {
  for (size_t i = from; i < to; i++) {
    uint32_t e = w->s->seq[i];
    int rc = (e & ZG_SEQ_NSEC3) ? do_nsec3(w, e & ~ZG_SEQ_NSEC3, out) : do_name(w, e, out);
    if (rc != 0)
      return -1;
  }
  if (out->oom || w->data.oom || w->rrsig.oom || w->owner.oom || w->rd.oom) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    return -1;
  }
  return 0;
}

int zg_rrsig_wire(worker_t *w, const uint8_t *ow, size_t owl, uint16_t type, uint32_t ttl,
                  const uint8_t *const *rd, const uint16_t *rdl, size_t n, zg_buf_t *out) {
  const zg_key_t *k = w->s->zsk;
  uint8_t sig[64];
  rrsig_begin(w, type, count_labels(ow, owl), ttl, k);
  for (size_t i = 0; i < n; i++)
    data_rr(w, ow, owl, type, ttl, rd[i], rdl[i]);
  if (sign_data(w, k, sig) != 0)
    return -1;
  zg_buf_put(out, w->rrsig.p, w->rrsig.n);
  zg_buf_put(out, sig, sizeof sig);
  return out->oom ? -1 : 0;
}
