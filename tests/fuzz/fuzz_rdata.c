/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: RDATA the engine decodes besides TXT and SVCB (rdata.c):
 * NAPTR (over ldns), TLSA, A/AAAA. Properties: a decoded NAPTR has all its
 * fields, none with a NUL inside; text forms are NUL-terminated strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mimi__naptr_t n;
  char err[MIMI_ERRLEN], *t = NULL;
  if (mimi__naptr_decode(data, size, &n, err, sizeof err) == MIMI_OK) {
    if (!n.rr.flags || !n.rr.services || !n.rr.regexp || !n.rr.replacement ||
        strlen(n.rr.flags) > 255 || strlen(n.rr.regexp) > 255)
      abort();
    mimi__naptr_clear(&n);
  } else if (n.flags || n.services || n.regexp || n.replacement) {
    abort();
  }
  if (mimi__tlsa_text(data, size, &t) == MIMI_OK) {
    if (strlen(t) < 7)
      abort();
    free(t);
  }
  if (mimi__addr_text(data, size, &t) == MIMI_OK)
    free(t);
  return 0;
}
