/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: identifier parsing and query plans (MIMI-DNS/1 §1, §2).
 * Properties checked, beyond memory safety:
 *  - the canonical form of a parsed identifier parses again to itself, in the
 *    same class (normalisation is idempotent);
 *  - every planned owner name fits the DNS limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

static void check_plan(const mimi_id_t *id) {
  const char *apexes[] = {"e164.arpa", "e164.example"};
  mimi_plan_opts_t o = {apexes, 2, 0};
  mimi_plan_t *plan = NULL;
  if (mimi_plan_identifier(id, &o, &plan, NULL, 0) != MIMI_OK)
    return; /* ENOMEM only: names were checked at parse time */
  for (size_t i = 0; i < mimi_plan_count(plan); i++)
    if (mimi__name_check(mimi_plan_name(plan, i), NULL, 0) != MIMI_OK)
      abort();
  mimi_plan_free(plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = mimi__strndup((const char *)data, size); /* stops at the first NUL */
  mimi_id_t *id = NULL, *again = NULL;
  char err[MIMI_ERRLEN];

  if (!s)
    return 0;
  if (mimi_id_parse(s, &id, err, sizeof err) == MIMI_OK) {
    if (mimi_id_parse(mimi_id_canonical(id), &again, err, sizeof err) != MIMI_OK ||
        mimi_id_class(again) != mimi_id_class(id) ||
        strcmp(mimi_id_canonical(again), mimi_id_canonical(id)) != 0)
      abort();
    check_plan(id);
  } else if (strlen(err) >= sizeof err) {
    abort();
  }
  mimi_id_free(again);
  mimi_id_free(id);
  free(s);
  return 0;
}
