/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mimi-zonecheck's reading of SVCB/HTTPS presentation text
 * (zone-tools/zonecheck/svcb_text.c; RFC 9460 §2.1, Appendix A), the text
 * of one record as the zone file holds it. Properties beyond memory safety
 * (abort() on a violation):
 *  - a head exactly when the record is read (OK) or refused (BAD), and it
 *    is no longer than the text plus its separators;
 *  - on BAD a non-empty message and no params;
 *  - on OK the params are well formed: keys strictly ascending, lengths
 *    that add up, and no longer than 65535 octets; the codec decodes them
 *    behind a ServiceMode head without crashing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *head = NULL, err[MIMI_ERRLEN] = "";
  uint8_t *p = NULL;
  size_t n = 0;
  zc_svcb_text_t t = zc_svcb_text((const char *)data, size, &head, &p, &n, err, sizeof err);

  if ((t == ZC_SVCB_OK || t == ZC_SVCB_BAD) != (head != NULL))
    abort();
  if (head && strlen(head) > 2 * size + 1)
    abort();
  if (t == ZC_SVCB_BAD && (p || !err[0]))
    abort();
  if (t == ZC_SVCB_OK) {
    long prev = -1;
    size_t off = 0;
    if ((n == 0) != (p == NULL) || n > 65535)
      abort();
    while (off < n) {
      unsigned key, len;
      if (n - off < 4)
        abort();
      key = (unsigned)p[off] << 8 | p[off + 1];
      len = (unsigned)p[off + 2] << 8 | p[off + 3];
      if ((long)key <= prev || n - off - 4 < len)
        abort();
      prev = (long)key;
      off += 4 + len;
    }
    if (n) {
      /* Priority 1, target ".", then the params. */
      uint8_t *rd = malloc(n + 3);
      mimi_svcb_t *s = NULL;
      if (!rd)
        abort();
      rd[0] = 0;
      rd[1] = 1;
      rd[2] = 0;
      memcpy(rd + 3, p, n);
      (void)mimi_svcb_decode(rd, n + 3, &s, err, sizeof err);
      mimi_svcb_free(s);
      free(rd);
    }
  }
  free(head);
  free(p);
  return 0;
}
