/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mimi-zonegen's provisioning CSV reader (MIMI-DNS/1 §7,
 * zone-tools/zonegen/csv.c), which reads a provider's user list.
 * Properties checked, beyond memory safety:
 *  - line numbers only grow, and a record's fields hold no NUL;
 *  - every record read writes back (each field quoted, '"' doubled) to a
 *    line that reads again as the same fields: nothing is lost or invented.
 * The reader is compiled into this target (it is not part of libmimi).
 */
#define _GNU_SOURCE /* fmemopen, open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../zone-tools/zonegen/csv.c"

static FILE *open_mem(const uint8_t *data, size_t size) {
  /* fmemopen refuses a zero-length buffer. */
  static const char empty[1] = "";
  return size ? fmemopen((void *)data, size, "r") : fmemopen((void *)empty, 1, "r");
}

/* Write the current record as one quoted CSV line; NULL on OOM. */
static char *requote(const csv_t *c, size_t *len) {
  char *out = NULL;
  FILE *m = open_memstream(&out, len);
  if (!m)
    return NULL;
  for (size_t i = 0; i < c->nfields; i++) {
    fputc('"', m);
    for (const char *p = c->fields[i]; *p; p++) {
      if (*p == '"')
        fputc('"', m);
      fputc(*p, m);
    }
    fputc('"', m);
    if (i + 1 < c->nfields)
      fputc(',', m);
  }
  fputc('\n', m);
  if (fclose(m) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

static void check_round_trip(const csv_t *c) {
  size_t len = 0;
  char *line = requote(c, &len), err[256];
  csv_t c2;
  if (!line)
    return;
  /* A field starting with '#' would make a comment line only when the line
   * starts with it: quoted, it never does. */
  memset(&c2, 0, sizeof c2);
  c2.f = fmemopen(line, len, "r");
  c2.own = 1;
  if (!c2.f) {
    free(line);
    return;
  }
  int got = csv_next(&c2, err, sizeof err);
  if (got != 1 || c2.nfields != c->nfields)
    abort();
  for (size_t i = 0; i < c->nfields; i++)
    if (strcmp(c->fields[i], c2.fields[i]) != 0)
      abort();
  csv_close(&c2);
  free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  csv_t c;
  char err[256];
  long last = 0;
  int got;

  memset(&c, 0, sizeof c);
  if (!(c.f = open_mem(data, size)))
    return 0;
  c.own = 1;
  while ((got = csv_next(&c, err, sizeof err)) != 0) {
    if (c.line < last)
      abort();
    last = c.line;
    if (got < 0) {
      if (!err[0])
        abort(); /* every error says what is wrong */
      continue;
    }
    if (c.nfields == 0)
      abort();
    check_round_trip(&c);
  }
  csv_close(&c);
  return 0;
}
