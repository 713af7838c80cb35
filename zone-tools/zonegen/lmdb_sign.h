/* SPDX-License-Identifier: MIT */
/* mimi-zonegen --format lmdb --sign: RRSIGs in the database's values. */
#ifndef MIMI_ZG_LMDB_SIGN_H
#define MIMI_ZG_LMDB_SIGN_H

#include "signer.h"

typedef struct {
  signer_t s;            /* keys, validity, the zone as signer's name */
  worker_t w;            /* digest and key contexts, reused */
  int ready;
  const uint8_t **rd;    /* the RDATAs of the RRset being signed */
  uint16_t *rdl;
  size_t cap;
  zg_buf_t out;          /* the signed value */
} zg_lmdb_signer_t;

/* 0, or -1 (printed). o->inception and o->expiration are set. */
int zg_lmdb_signer_init(zg_lmdb_signer_t *ls, const zg_opts_t *o, const zg_key_t *ksk,
                        const zg_key_t *zsk);
void zg_lmdb_signer_free(zg_lmdb_signer_t *ls);
/* The value of owner key okey (its RRs, any RRSIGs in it dropped) with an
 * RRSIG after each RRset, in ls->out. 0, or -1 (printed). */
int zg_lmdb_sign_value(zg_lmdb_signer_t *ls, const uint8_t *okey, size_t oklen,
                       const uint8_t *val, size_t len);

/* lmdb_out.c: write the database (mimi-lmdb(5)) to o->output, with --update
 * removing the owner names of dels first (NULL: none); signed (format 2)
 * by zsk when zsk is not NULL. 0, -2 when --update finds a database of
 * another zone or format or the output is not a database to replace, -1
 * on errors. */
int zg_write_lmdb(const zg_opts_t *o, const zg_table_t *t, const zg_dels_t *dels,
                  int update, const zg_key_t *ksk, const zg_key_t *zsk);

#endif
