/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: what mimi-zonegen --send-update reads from outside
 * (zone-tools/zonegen/tsig.c, send_update.c): the first octet picks
 *   0: a BIND key file (--tsig-file),
 *   1: a -y key argument (--tsig [ALG:]NAME:SECRET),
 *   2: a server's answer to an UPDATE (ID 0x1234, signed request),
 *   3: the same, unsigned request.
 * Properties checked, beyond memory safety: a key read has an absolute,
 * lower-case name, an algorithm ldns knows and a non-empty secret; a
 * refusal always names its cause.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const zg_tsig_t *k) {
  size_t n = strlen(k->name);
  if (n == 0 || k->name[n - 1] != '.' || !k->secret[0] || strncmp(k->alg, "hmac-", 5) != 0)
    abort();
  for (size_t i = 0; i < n; i++)
    if (k->name[i] >= 'A' && k->name[i] <= 'Z')
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[400] = "";
  zg_tsig_t k;
  char *text;
  if (size < 1)
    return 0;
  switch (data[0] & 3) {
  case 0:
    if (zg_tsig_parse_file((const char *)data + 1, size - 1, &k, err, sizeof err) == 0)
      check_key(&k);
    else if (!err[0])
      abort();
    break;
  case 1:
    if (!(text = malloc(size)))
      return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (zg_tsig_parse_arg(text, &k, err, sizeof err) == 0)
      check_key(&k);
    else if (!err[0])
      abort();
    free(text);
    break;
  default: {
    static const uint8_t macdata[2 + 32] = {0, 32, 1, 2, 3};
    ldns_rdf *mac = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, sizeof macdata, macdata);
    char e2[300];
    if (!mac || zg_tsig_parse_arg("hmac-sha256:k:c2VjcmV0c2VjcmV0", &k, e2, sizeof e2) != 0)
      abort();
    int signed_req = (data[0] & 3) == 2;
    if (zg_upd_check(data + 1, size - 1, 0x1234, signed_req ? &k : NULL,
                     signed_req ? mac : NULL, err, sizeof err) != 0 && !err[0])
      abort();
    ldns_rdf_deep_free(mac);
    break;
  }
  }
  return 0;
}
