/* SPDX-License-Identifier: MIT */
/* A program outside the tree, built against an installed libmimi through
 * pkg-config: proves the headers, the pkg-config file and the library work. */
#include <stdio.h>
#include <string.h>

#include <mimi.h>

int main(void) {
  mimi_id_t *id = NULL;
  mimi_plan_t *plan = NULL;
  char err[MIMI_ERRLEN];
  int rc = 1;

  if (mimi_id_parse("alice@example.com", &id, err, sizeof err) != MIMI_OK) {
    fprintf(stderr, "parse: %s\n", err);
    return 1;
  }
  if (mimi_plan_identifier(id, NULL, &plan, err, sizeof err) != MIMI_OK) {
    fprintf(stderr, "plan: %s\n", err);
    goto done;
  }
  printf("%s %s %s\n", mimi_version(NULL), mimi_rrtype_name(mimi_plan_qtype(plan, 0)),
         mimi_plan_name(plan, 0));
  rc = 0;
done:
  mimi_plan_free(plan);
  mimi_id_free(id);
  return rc;
}
