/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --update --delete FILE: the identifiers to remove from a
 * database. The file is a provisioning CSV of which only the identifier
 * column is read (other columns may be absent). Each identifier's owner
 * names come from the same code that publishes it (an opt-out row through
 * zg_row): what is deleted is exactly what a row would have written,
 * including the lower-cased variant of a handle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "zonegen.h"

static void del_free_one(zg_del_t *d) {
  free(d->id);
  for (unsigned k = 0; k < d->nkeys; k++)
    free(d->key[k]);
}

void zg_dels_free(zg_dels_t *ds) {
  for (size_t i = 0; i < ds->n; i++)
    del_free_one(&ds->v[i]);
  free(ds->v);
  memset(ds, 0, sizeof *ds);
}

/* The distinct owner keys of one identifier's RRs (at most ZG_DEL_KEYS). */
static int collect_keys(zg_del_t *d, const zg_table_t *t) {
  for (size_t i = 0; i < t->n; i++) {
    const zg_rr_t *r = &t->v[i];
    unsigned k = 0;
    while (k < d->nkeys && !(d->klen[k] == r->ownerlen &&
                             memcmp(d->key[k], r->key, r->ownerlen) == 0))
      k++;
    if (k < d->nkeys)
      continue;
    if (d->nkeys == ZG_DEL_KEYS || !(d->key[k] = malloc(r->ownerlen)))
      return -1;
    memcpy(d->key[k], r->key, r->ownerlen);
    d->klen[k] = r->ownerlen;
    d->nkeys++;
  }
  return 0;
}

/* One identifier: its owner keys appended to ds. 0, -1 (out of memory) or
 * -2 (not a valid identifier of this zone; printed). */
static int add_id(const zg_opts_t *o, zg_dels_t *ds, const char *file, long line,
                  const char *id) {
  char empty[] = "", err[ZG_ERRLEN];
  char *fields[F_COUNT] = {(char *)id, empty, empty, empty, empty, empty};
  zg_table_t t = {NULL, 0, 0, 0, NULL};
  zg_del_t d;
  int rc = -1;

  memset(&d, 0, sizeof d);
  d.line = line;
  if (zg_row(o, &t, fields, err, sizeof err) != 0) {
    if (t.oom)
      goto done;
    fprintf(stderr, "%s:%ld: %s\n", file, line, err);
    rc = -2;
    goto done;
  }
  if (ds->n == ds->cap) {
    size_t nc = ds->cap ? ds->cap * 2 : 64;
    zg_del_t *nv = realloc(ds->v, nc * sizeof *nv);
    if (!nv)
      goto done;
    ds->v = nv;
    ds->cap = nc;
  }
  if (!(d.id = strdup(id)) || collect_keys(&d, &t) != 0)
    goto done;
  ds->v[ds->n++] = d;
  memset(&d, 0, sizeof d);
  rc = 0;
done:
  del_free_one(&d);
  zg_table_free(&t);
  return rc;
}

/* The identifier column of the header, or -1 (printed). */
static int id_column(const csv_t *c, const char *file) {
  for (size_t i = 0; i < c->nfields; i++)
    if (strcasecmp(c->fields[i], zg_csv_header[F_ID]) == 0)
      return (int)i;
  fprintf(stderr, "%s:%ld: expected a header line with an \"identifier\" column\n", file,
          c->line);
  return -1;
}

int zg_dels_read(const zg_opts_t *o, const char *path, zg_dels_t *ds) {
  const char *file = strcmp(path, "-") ? path : "<stdin>";
  char err[256] = "";
  csv_t c;
  int got, col = -1, rc = 0;
  long bad = 0;

  memset(ds, 0, sizeof *ds);
  if (csv_open(&c, path) != 0) {
    fprintf(stderr, "mimi-zonegen: --delete %s: %s\n", path, strerror(errno));
    return -1;
  }
  while (rc == 0 && (got = csv_next(&c, err, sizeof err)) != 0) {
    if (got < 0) {
      fprintf(stderr, "%s:%ld: %s\n", file, c.line, err);
      if (strncmp(err, "read error", 10) == 0 || strcmp(err, "out of memory") == 0)
        rc = -1;
      bad++;
    } else if (col < 0) {
      if ((col = id_column(&c, file)) < 0)
        rc = -2;
    } else if ((size_t)col >= c.nfields || !c.fields[col][0]) {
      fprintf(stderr, "%s:%ld: no identifier\n", file, c.line);
      bad++;
    } else {
      int a = add_id(o, ds, file, c.line, c.fields[col]);
      if (a == -2)
        bad++;
      else if (a != 0)
        rc = -1;
    }
  }
  if (rc == 0 && col < 0) {
    fprintf(stderr, "%s: empty input: the header line is missing\n", file);
    rc = -2;
  }
  if (rc == 0 && bad > 0) {
    fprintf(stderr, "mimi-zonegen: --delete %s: %ld invalid row%s; nothing written\n", file,
            bad, bad == 1 ? "" : "s");
    rc = -2;
  }
  if (rc == -1)
    fprintf(stderr, "mimi-zonegen: --delete %s: %s\n", file,
            strncmp(err, "read error", 10) == 0 ? err : "out of memory");
  csv_close(&c);
  if (rc != 0)
    zg_dels_free(ds);
  return rc;
}
