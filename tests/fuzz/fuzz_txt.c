/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the MIMI TXT record (MIMI-DNS/1 §3) and mapping sets.
 * The input is TXT RDATA in wire form (length-prefixed character-strings).
 * Properties checked, beyond memory safety:
 *  - a record that parses formats (unless over 255 octets) to text that
 *    parses back to an equal record, and formatting that is a fixed point;
 *  - a finished set is sorted, without opt-outs beside mappings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

static int same(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void round_trip(const mimi_record_t *r) {
  char *t1 = NULL, *t2 = NULL;
  mimi_record_t *r2 = NULL;
  mimi_status_t st = mimi_txt_format(r, &t1);
  if (st == MIMI_ETOOLONG || st == MIMI_ENOMEM)
    return;
  if (st != MIMI_OK)
    abort(); /* the parser never yields an unformattable record */
  if (mimi_txt_parse(t1, strlen(t1), &r2, NULL, 0) != MIMI_OK ||
      mimi_record_cmp(r, r2) != 0 ||
      !same(mimi_record_tags(r), mimi_record_tags(r2)) ||
      !same(mimi_record_service(r), mimi_record_service(r2)) ||
      !same(mimi_record_uri(r), mimi_record_uri(r2)) ||
      mimi_txt_format(r2, &t2) != MIMI_OK || strcmp(t1, t2) != 0)
    abort();
  mimi_free(t1);
  mimi_free(t2);
  mimi_record_free(r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mimi_record_t *r = NULL;
  mimi_mapset_t *set = NULL;
  char err[MIMI_ERRLEN];

  if (mimi_txt_parse_rdata(data, size, &r, err, sizeof err) == MIMI_OK) {
    round_trip(r);
    mimi_record_free(r);
  }
  /* The raw input as presentation text, too (NULs included). */
  if (mimi_txt_parse((const char *)data, size, &r, err, sizeof err) == MIMI_OK) {
    round_trip(r);
    mimi_record_free(r);
  }
  /* Split into several RRs at 0xff octets and collect them as one RRset. */
  if (mimi_mapset_new(&set) != MIMI_OK)
    return 0;
  for (size_t i = 0, start = 0; i <= size; i++) {
    if (i == size || data[i] == 0xff) {
      if (mimi_mapset_add_txt(set, (const char *)data + start, i - start) != MIMI_OK)
        break;
      start = i + 1;
    }
  }
  mimi_mapset_finish(set);
  size_t n = mimi_mapset_count(set), optouts = 0;
  for (size_t i = 0; i < n; i++) {
    const mimi_record_t *a = mimi_mapset_get(set, i);
    optouts += mimi_record_is_optout(a) != 0;
    if (i && mimi_record_cmp(mimi_mapset_get(set, i - 1), a) > 0)
      abort();
  }
  if (optouts && optouts != n)
    abort();
  if (mimi_mapset_opted_out(set) != (n && optouts == n))
    abort();
  for (size_t i = 0; i < mimi_mapset_warning_count(set); i++)
    if (!mimi_mapset_warning(set, i))
      abort();
  mimi_mapset_free(set);
  return 0;
}
