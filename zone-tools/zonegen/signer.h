/* SPDX-License-Identifier: MIT */
/* The signer's state, shared by owner_names.c, chain.c, rrsig.c and sign.c. */
#ifndef MIMI_ZG_SIGNER_H
#define MIMI_ZG_SIGNER_H

#include <pthread.h>

#include "sign.h"

enum { ZG_N_APEX = 1, ZG_N_CUT = 2, ZG_N_GLUE = 4 };

/* An owner name: the records t->v[rr .. rr+nrr), or (nrr 0) an empty
 * non-terminal whose key is the first klen octets of t->v[rr].key (the
 * first name below it). 16 octets a name. */
typedef struct {
  uint32_t rr, nrr;
  uint16_t klen;
  uint8_t flags;
} zg_name_t;

#define ZG_SHA1_LEN 20

/* An NSEC3 hash (RFC 5155 §5) and the name it is of; sorted by hash. */
typedef struct {
  uint8_t h[ZG_SHA1_LEN];
  uint32_t name;
} zg_hashed_t;

/* seq entries: a name index, or this bit and an index into hashed. */
#define ZG_SEQ_NSEC3 0x80000000u

typedef struct {
  const zg_opts_t *o;
  const zg_table_t *t;
  const zg_key_t *ksk, *zsk;
  uint32_t inception, expiration, nsec_ttl;
  uint8_t apex[256];      /* apex, wire form, lower case */
  size_t apexlen;
  uint8_t apexkey[256];   /* its sort key */
  size_t apexklen;
  int apexlabels;
  zg_buf_t rrsig_tail;    /* " <expiration> <inception> " of every RRSIG line */
  zg_buf_t apextxt;       /* " <apex>. " */
  zg_name_t *names;
  size_t nnames, capnames;
  int has_cuts;
  unsigned threads;
  zg_hashed_t *hashed;
  size_t nhashed;
  uint32_t *seq;          /* output order (canonical) */
  size_t nseq;
  const EVP_MD *sha256, *sha1; /* fetched once (OpenSSL 3 fetches per call otherwise) */
} signer_t;

/* Per-thread state: contexts and scratch buffers, reused. */
typedef struct {
  const signer_t *s;
  EVP_MD_CTX *md;
  EVP_PKEY_CTX *kctx, *zctx;
  zg_buf_t data;    /* what is signed: RRSIG RDATA | RRs (RFC 4034 §3.1.8.1) */
  zg_buf_t rrsig;   /* the RRSIG RDATA being built */
  zg_buf_t owner;   /* presentation of the current owner */
  zg_buf_t rd;      /* NSEC/NSEC3 RDATA */
  uint8_t win[256][32];
  uint8_t wlen[256];
} worker_t;

int zg_names_build(signer_t *s);
/* chain.c: NSEC3 hashes (sorted) and the output order. 0 or -1. */
int zg_chain_build(signer_t *s);

/* rrsig.c */
int zg_worker_init(worker_t *w, const signer_t *s);
void zg_worker_free(worker_t *w);
/* Append the text of seq[from .. to) to out, signed. 0 or -1 (message). */
int zg_sign_range(worker_t *w, size_t from, size_t to, zg_buf_t *out);
/* The RRSIG RDATA (RFC 4034 §3.1) of one RRset by the ZSK, appended to out
 * in wire form (for mimi-lmdb(5) values): owner ow (wire, lower case), n
 * RDATAs in canonical form and order (§6.2, §6.3). 0 or -1 (printed). */
int zg_rrsig_wire(worker_t *w, const uint8_t *ow, size_t owl, uint16_t type, uint32_t ttl,
                  const uint8_t *const *rd, const uint16_t *rdl, size_t n, zg_buf_t *out);

static inline uint16_t zg_rr_type(const zg_rr_t *r) {
  return (uint16_t)(r->key[r->ownerlen] << 8 | r->key[r->ownerlen + 1]);
}

#endif
