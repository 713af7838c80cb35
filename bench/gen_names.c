/* SPDX-License-Identifier: MIT */
/*
 * Owner names for the benchmark zone, from libmimi's own codec
 * (mimi_name_handle(), MIMI-DNS/1 §2): one line per user,
 *   user00000@DOMAIN<TAB>OWNER
 * for user00000 .. user<N-1>. (mimi-lookup --explain per name would take
 * minutes for 10,000 names.)
 *
 *   gen_names N DOMAIN
 */
#include <stdio.h>
#include <stdlib.h>

#include <mimi.h>

int main(int argc, char **argv) {
  char local[32], *end = NULL;
  long n;
  if (argc != 3) {
    fprintf(stderr, "usage: gen_names N DOMAIN\n");
    return 2;
  }
  n = strtol(argv[1], &end, 10);
  if (!end || *end || n < 1 || n > 100000) {
    fprintf(stderr, "gen_names: N must be 1..100000\n");
    return 2;
  }
  for (long i = 0; i < n; i++) {
    char *name = NULL;
    mimi_status_t st;
    snprintf(local, sizeof local, "user%05ld", i);
    if ((st = mimi_name_handle(local, argv[2], &name)) != MIMI_OK) {
      fprintf(stderr, "gen_names: %s@%s: %s\n", local, argv[2], mimi_strerror(st));
      return 1;
    }
    printf("%s@%s\t%s\n", local, argv[2], name);
    mimi_free(name);
  }
  return 0;
}
