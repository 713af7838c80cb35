/* SPDX-License-Identifier: MIT */
/* mimi-zonegen --sign: keys, names, text of RRs made from the wire. */
#ifndef MIMI_ZG_SIGN_H
#define MIMI_ZG_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "zonegen.h"

enum {
  ZG_T_NS = 2, ZG_T_SOA = 6, ZG_T_TXT = 16, ZG_T_NAPTR = 35, ZG_T_DS = 43,
  ZG_T_RRSIG = 46, ZG_T_NSEC = 47, ZG_T_DNSKEY = 48, ZG_T_NSEC3 = 50,
  ZG_T_NSEC3PARAM = 51
};

/* DNSSEC algorithm numbers (RFC 8624 §3.1). */
enum { ZG_ALG_RSASHA256 = 8, ZG_ALG_ECDSAP256 = 13 };

/* DNSKEY RDATA: flags(2) protocol(1) algorithm(1) public key; RSA-4096 is
 * 4 + 3 + 512 octets (RFC 3110 §2). */
#define ZG_DNSKEY_MAX 600

typedef struct {
  EVP_PKEY *pkey;
  uint8_t alg;
  uint16_t flags, tag;
  uint8_t rdata[ZG_DNSKEY_MAX];
  size_t rdlen;
  size_t siglen;  /* octets of a signature in an RRSIG */
} zg_key_t;

/* keys.c. Messages are printed (naming the file); 0 or -1. */
int zg_key_load(zg_key_t *k, const char *path, const char *origin);
/* Nonzero if a file name is a public key file of the zone's ECDSA P-256
 * keys, K<origin>+013+<tag>.key (BIND's naming, which keymgr reads). */
int zg_is_key_file(const char *name, const char *origin);
/* The same from the two files' texts (untrusted: a fuzz target's entry);
 * pub and priv name them in messages. */
int zg_key_parse(zg_key_t *k, const char *pub, const char *ktext, const char *priv,
                 const char *ptext, const char *origin);
/* --keys DIR: the KSK and ZSK of origin there, generated on first use. */
int zg_keys_dir(zg_key_t *ksk, zg_key_t *zsk, const char *dir, const char *origin);
void zg_key_free(zg_key_t *k);
/* RFC 4034 Appendix B. */
uint16_t zg_key_tag(const uint8_t *rdata, size_t len);

/* A growable text/octet buffer; oom is sticky (every append is checked once
 * at the end of a chunk). */
typedef struct {
  char *p;
  size_t n, cap;
  int oom;
} zg_buf_t;

int zg_buf_reserve(zg_buf_t *b, size_t more);
void zg_buf_put(zg_buf_t *b, const void *p, size_t n);
void zg_buf_puts(zg_buf_t *b, const char *s);
void zg_buf_u32(zg_buf_t *b, uint32_t v);
void zg_buf_printf(zg_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* rrtext.c: presentation from wire data (RFC 1035 §5.1, RFC 3597 for
 * types it does not know). */
void zg_txt_owner_key(zg_buf_t *b, const uint8_t *key, size_t klen);
void zg_txt_name(zg_buf_t *b, const uint8_t *wire, size_t len, size_t *used);
void zg_txt_type(zg_buf_t *b, uint16_t type);
/* RDATA of type (canonical wire) as presentation. */
void zg_txt_rdata(zg_buf_t *b, uint16_t type, const uint8_t *rd, size_t len);
void zg_txt_base64(zg_buf_t *b, const uint8_t *p, size_t n);
/* A signature time as YYYYMMDDHHmmSS (RFC 4034 §3.2). */
void zg_txt_stamp(zg_buf_t *b, uint32_t t);
/* Owner key (labels right to left, each + 0x00) → wire form; length or 0. */
size_t zg_key_to_wire(const uint8_t *key, size_t klen, uint8_t *out);

/* sign.c: add the DNSKEY (and NSEC3PARAM) RRs, sort, sign and write the
 * table (main.c has read the rows and the apex) to f. 0, -1 on a local
 * error (memory, OpenSSL; printed) or -2 when the zone cannot be signed
 * as it is (printed). o->inception and o->expiration are set. */
/* The checks of zg_sign_zone that need no key (so that keys are made only
 * for a zone that will be signed): 0, or -2 (printed). */
int zg_sign_check(const zg_opts_t *o, const zg_table_t *t);
int zg_sign_zone(const zg_opts_t *o, zg_table_t *t, const zg_key_t *ksk,
                 const zg_key_t *zsk, FILE *f);

#endif
