/* SPDX-License-Identifier: MIT */
/* mod-mimi: the ZSKs of a key directory, and ECDSA P-256 signatures. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "denial_sign.h"
#include "sign.h" /* zg_key_t, zg_key_load (zone-tools/zonegen/keys.c) */

#define KEYRING_MAX 8 /* ZSKs of one zone: two during a rollover */

struct mimi_keyring {
  unsigned n;
  zg_key_t keys[KEYRING_MAX];
};

void mimi_keyring_free(mimi_keyring_t *kr) {
  if (!kr)
    return;
  for (unsigned i = 0; i < kr->n; i++)
    zg_key_free(&kr->keys[i]);
  free(kr);
}

mimi_keyring_t *mimi_keyring_load(const char *dir, const char *origin, const char **why) {
  mimi_keyring_t *kr = calloc(1, sizeof *kr);
  char path[4096];
  DIR *dh = NULL;
  struct dirent *e;

  if (!kr) {
    *why = "out of memory";
    return NULL;
  }
  if (!(dh = opendir(dir))) {
    *why = "the key directory cannot be read";
    goto fail;
  }
  while ((e = readdir(dh))) {
    zg_key_t k;
    if (!zg_is_key_file(e->d_name, origin))
      continue;
    if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
      continue;
    if (zg_key_load(&k, path, origin) != 0) {
      *why = "a key file of the zone cannot be read (see knotd's standard error)";
      goto fail;
    }
    if (k.flags != 256) { /* the KSK signs only the DNSKEY RRset */
      zg_key_free(&k);
      continue;
    }
    if (kr->n == KEYRING_MAX) {
      zg_key_free(&k);
      *why = "more than 8 ZSKs in the key directory";
      goto fail;
    }
    kr->keys[kr->n++] = k;
  }
  closedir(dh);
  if (kr->n == 0) {
    *why = "no ZSK of the zone (K<zone>+013+<tag>.key/.private) in the key directory";
    mimi_keyring_free(kr);
    return NULL;
  }
  return kr;
fail:
  if (dh)
    closedir(dh);
  mimi_keyring_free(kr);
  return NULL;
}

static const zg_key_t *key_of(const mimi_keyring_t *kr, uint16_t tag) {
  for (unsigned i = 0; kr && i < kr->n; i++)
    if (kr->keys[i].tag == tag)
      return &kr->keys[i];
  return NULL;
}

int mimi_keyring_has(const mimi_keyring_t *kr, uint16_t tag) { return key_of(kr, tag) != NULL; }

unsigned mimi_keyring_count(const mimi_keyring_t *kr) { return kr ? kr->n : 0; }

int mimi_sign_rr(const mimi_keyring_t *kr, uint16_t tag, const uint8_t *hdr, size_t hlen,
                 const uint8_t *owner, size_t olen, uint16_t type, uint32_t ttl,
                 const uint8_t *rdata, size_t rdlen, uint8_t sig[64]) {
  const zg_key_t *k = key_of(kr, tag);
  EVP_MD_CTX *md = NULL;
  ECDSA_SIG *es = NULL;
  uint8_t der[80], rr[10];
  const uint8_t *p = der;
  size_t dlen = sizeof der;
  int rc = -1;

  if (!k || rdlen > 0xffff)
    return -1;
  /* type, class IN, original TTL, RDLENGTH (RFC 4034 §3.1.8.1) */
  rr[0] = (uint8_t)(type >> 8), rr[1] = (uint8_t)type, rr[2] = 0, rr[3] = 1;
  rr[4] = (uint8_t)(ttl >> 24), rr[5] = (uint8_t)(ttl >> 16), rr[6] = (uint8_t)(ttl >> 8);
  rr[7] = (uint8_t)ttl, rr[8] = (uint8_t)(rdlen >> 8), rr[9] = (uint8_t)rdlen;
  if (!(md = EVP_MD_CTX_new()) ||
      EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
      EVP_DigestSignUpdate(md, hdr, hlen) != 1 || EVP_DigestSignUpdate(md, owner, olen) != 1 ||
      EVP_DigestSignUpdate(md, rr, sizeof rr) != 1 ||
      EVP_DigestSignUpdate(md, rdata, rdlen) != 1 || EVP_DigestSignFinal(md, der, &dlen) != 1)
    goto done;
  /* DER ECDSA-Sig-Value → r | s of 32 octets each (RFC 6605 §4). */
  if (!(es = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) ||
      BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) != 32)
    goto done;
  rc = 0;
done:
  ECDSA_SIG_free(es);
  EVP_MD_CTX_free(md);
  return rc;
}
