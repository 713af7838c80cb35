/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: ENUM NAPTR processing (naptr.c, naptr_regexp.c).
 * Input: RRs separated by 0xff octets; each RR is 4 octets of order and
 * preference, then flags, services, regexp and replacement separated by NUL
 * octets. The AUS is fixed. Properties: every mapping has a provider and an
 * account; a next name is absolute and fits the DNS; results stay bounded;
 * an ERE the subset accepts is one PCRE2 compiles (short of its size limit)
 * and matches without an unexpected error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

#define MAX_RRS 8
#define AUS "+442079460148"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mimi_naptr_rr_t rrs[MAX_RRS];
  char *store[MAX_RRS][4];
  size_t n = 0;
  memset(store, 0, sizeof store);

  for (size_t i = 0, start = 0; i <= size && n < MAX_RRS; i++) {
    if (i < size && data[i] != 0xff)
      continue;
    const uint8_t *p = data + start;
    size_t len = i - start, f = 0, fstart = 4;
    start = i + 1;
    if (len < 4)
      continue;
    rrs[n].order = (uint16_t)(p[0] << 8 | p[1]);
    rrs[n].preference = (uint16_t)(p[2] << 8 | p[3]);
    for (size_t j = 4; j <= len && f < 4; j++) {
      if (j == len || p[j] == 0) {
        store[n][f++] = mimi__strndup((const char *)p + fstart, j - fstart);
        fstart = j + 1;
      }
    }
    for (; f < 4; f++) /* missing fields: empty, replacement "." */
      store[n][f] = mimi__strdup(f == 3 ? "." : "");
    if (!store[n][0] || !store[n][1] || !store[n][2] || !store[n][3])
      goto done;
    rrs[n].flags = store[n][0];
    rrs[n].services = store[n][1];
    rrs[n].regexp = store[n][2];
    rrs[n].replacement = store[n][3];
    n++;
  }

  for (size_t i = 0; i < n; i++) {
    char *out = NULL, err[MIMI_ERRLEN] = "";
    mimi_status_t st = mimi_naptr_regexp_apply(rrs[i].regexp, AUS, &out, err, sizeof err);
    if (st == MIMI_OK) {
      if (strlen(out) > 1024)
        abort();
      mimi_free(out);
    }
    /* (Messages quote the field: only when it does not spell them.) */
    if (st == MIMI_EBADRECORD && !strstr(rrs[i].regexp, "matching") &&
        !strstr(rrs[i].regexp, "refused") &&
        (strstr(err, "matching failed") ||
         (strstr(err, "refused by PCRE2") && !strstr(err, "too large"))))
      abort(); /* the translation is wrong */
  }
  mimi_mapset_t *set = NULL;
  char *next = NULL;
  if (mimi_mapset_new(&set) != MIMI_OK)
    goto done;
  if (mimi_naptr_process(rrs, n, AUS, set, &next) == MIMI_OK) {
    mimi_mapset_finish(set);
    for (size_t i = 0; i < mimi_mapset_count(set); i++) {
      const mimi_record_t *r = mimi_mapset_get(set, i);
      if (!mimi_record_provider(r) || !mimi_record_account(r) || !mimi_record_uri(r))
        abort();
    }
    if (next) {
      size_t l = strlen(next);
      if (l == 0 || next[l - 1] != '.' || mimi__name_check(next, NULL, 0) != MIMI_OK)
        abort();
    }
  }
  mimi_free(next);
  mimi_mapset_free(set);
done:
  for (size_t i = 0; i < MAX_RRS; i++)
    for (size_t f = 0; f < 4; f++)
      free(store[i][f]);
  return 0;
}
