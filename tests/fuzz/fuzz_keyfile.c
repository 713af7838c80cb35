/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mimi-zonegen's reader of BIND key files (--ksk, --zsk,
 * --keys; zone-tools/zonegen/keys.c): a .key file (the DNSKEY RR) and a
 * .private file ("Private-key-format", "Algorithm", "PrivateKey", ...).
 * The input is the .key text, a NUL, then the .private text.
 * Properties checked, beyond memory safety: a key read is an ECDSA P-256
 * key of the zone (algorithm 13, protocol 3, a 64-octet public key), its
 * tag is the tag of its DNSKEY RDATA, and it signs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  char *ktext, *ptext;
  zg_key_t k;
  /* (The reader names every problem on standard error: fuzz with
   * -close_fd_mask=2 to keep it quiet.) */
  size_t kl = nul ? (size_t)(nul - data) : size;
  size_t pl = nul ? size - kl - 1 : 0;
  if (!(ktext = malloc(kl + 1)) || !(ptext = malloc(pl + 1))) {
    free(ktext);
    return 0;
  }
  memcpy(ktext, data, kl);
  ktext[kl] = '\0';
  if (pl)
    memcpy(ptext, nul + 1, pl);
  ptext[pl] = '\0';
  if (zg_key_parse(&k, "fuzz.key", ktext, "fuzz.private", ptext, "example.com.") == 0) {
    if (k.alg != 13 || k.rdlen != 4 + 64 || k.rdata[2] != 3 || k.rdata[3] != 13 ||
        k.tag != zg_key_tag(k.rdata, k.rdlen) || !k.pkey || k.siglen != 64)
      abort();
    /* The key signs (the pair was checked when it was read). */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t sig[128];
    size_t sl = sizeof sig;
    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k.pkey) != 1 ||
        EVP_DigestSign(md, sig, &sl, (const uint8_t *)"x", 1) != 1)
      abort();
    EVP_MD_CTX_free(md);
    zg_key_free(&k);
  }
  free(ktext);
  free(ptext);
  return 0;
}
