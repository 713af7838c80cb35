/* SPDX-License-Identifier: MIT */
/* mimi-lookup: reading identifiers from a --batch file (lookups and
 * --explain read it the same way). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "batch.h"

int batch_add(batch_t *b, const char *id, long line) {
  if (b->n == b->cap) {
    int nc = b->cap ? b->cap * 2 : 64;
    char **ni = realloc(b->ids, (size_t)nc * sizeof *ni);
    if (!ni)
      return 0;
    b->ids = ni;
    long *nl = realloc(b->lines, (size_t)nc * sizeof *nl);
    if (!nl)
      return 0;
    b->lines = nl;
    b->cap = nc;
  }
  if (!(b->ids[b->n] = strdup(id)))
    return 0;
  b->lines[b->n++] = line;
  return 1;
}

int batch_read(batch_t *b, const char *path) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  long no = 0;
  ssize_t len;
  int ok = 1;
  if (!f) {
    fprintf(stderr, "mimi-lookup: %s: %s\n", path, strerror(errno));
    return 0;
  }
  while (ok && (len = getline(&line, &cap, f)) >= 0) {
    char *p = line;
    no++;
    /* A byte-order mark an editor put at the start of the file is not part
     * of the first identifier. */
    if (no == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
      p += 3, len -= 3;
    while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ' ||
                       p[len - 1] == '\t'))
      p[--len] = '\0';
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '\0' || *p == '#')
      continue;
    if (!batch_add(b, p, no)) {
      fputs("mimi-lookup: out of memory\n", stderr);
      ok = 0;
    }
  }
  if (ok && ferror(f)) {
    fprintf(stderr, "mimi-lookup: %s: read error\n", path);
    ok = 0;
  }
  free(line);
  if (f != stdin)
    fclose(f);
  return ok;
}

void batch_free(batch_t *b) {
  for (int i = 0; i < b->n; i++)
    free(b->ids[i]);
  free(b->ids);
  free(b->lines);
  b->ids = NULL;
  b->lines = NULL;
  b->n = b->cap = 0;
}
