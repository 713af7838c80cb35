/* SPDX-License-Identifier: MIT */
/*
 * The reading side of mimi-lmdb(5) as mod-mimi does it, without knotd:
 * the meta checks and the one-cursor-step lookup of plugin-knot/mimi_pure.h
 * (common/mimi_lmdb_format.h). tests/sh/lmdb_format.sh has mimi-zonegen
 * write a database and reads it back with this, so that a change on one
 * side of the format that the other does not share fails there.
 *
 *   itest_lmdb_read DB NAME...
 *
 * Prints "format F origin O", then per name one line: "NAME hit" followed
 * by one "  TYPE RDATA-HEX" line per RR, "NAME ent", "NAME absent" or
 * "NAME nokey". Exit 0, 1 when the database is not of this format, 2 on
 * a usage or read error.
 */
#include <lmdb.h>
#include <stdio.h>
#include <string.h>

#include "../../plugin-knot/mimi_pure.h"

/* "a.b." (no escapes) to wire form; the length or 0. */
static size_t to_wire(const char *s, uint8_t *out) {
  size_t o = 0;
  while (*s) {
    size_t l = strcspn(s, ".");
    if (l == 0 || l > 63 || o + 1 + l + 1 > MIMI_LMDB_NAME_MAX)
      return 0;
    out[o++] = (uint8_t)l;
    memcpy(out + o, s, l);
    o += l;
    s += l;
    if (*s == '.')
      s++;
  }
  out[o++] = 0;
  return o;
}

static int meta(MDB_txn *txn, MDB_dbi dbi, const char *k, char *out, size_t len) {
  MDB_val key = {strlen(k), (void *)k}, val;
  if (mdb_get(txn, dbi, &key, &val) != 0 || val.mv_size >= len)
    return -1;
  memcpy(out, val.mv_data, val.mv_size);
  out[val.mv_size] = '\0';
  return 0;
}

int main(int argc, char **argv) {
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_cursor *cur = NULL;
  MDB_dbi rr, md;
  char fmt[32], origin[300];
  int rc = 2;

  if (argc < 2) {
    fprintf(stderr, "usage: itest_lmdb_read DB NAME...\n");
    return 2;
  }
  if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, MIMI_LMDB_MAXDBS) ||
      mdb_env_set_maxreaders(env, MIMI_LMDB_MAX_READERS) ||
      mdb_env_open(env, argv[1], MDB_RDONLY, 0) ||
      mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) ||
      mdb_dbi_open(txn, MIMI_LMDB_DB_RRSETS, 0, &rr) ||
      mdb_dbi_open(txn, MIMI_LMDB_DB_META, 0, &md) || mdb_cursor_open(txn, rr, &cur)) {
    fprintf(stderr, "itest_lmdb_read: %s: not readable as mimi-lmdb\n", argv[1]);
    goto done;
  }
  if (meta(txn, md, MIMI_LMDB_META_FORMAT, fmt, sizeof fmt) ||
      meta(txn, md, MIMI_LMDB_META_ORIGIN, origin, sizeof origin)) {
    fprintf(stderr, "itest_lmdb_read: %s: no format or origin\n", argv[1]);
    goto done;
  }
  printf("format %s origin %s\n", fmt, origin);
  if (strcmp(fmt, MIMI_LMDB_FORMAT) != 0) {
    rc = 1;
    goto done;
  }
  for (int i = 2; i < argc; i++) {
    uint8_t w[MIMI_LMDB_NAME_MAX + 1], k[MIMI_LMDB_KEY_MAX];
    size_t wl = to_wire(argv[i], w), kl = wl ? mimi_lmdb_owner_key(w, wl, k) : 0;
    if (!kl) {
      printf("%s nokey\n", argv[i]);
      continue;
    }
    MDB_val key = {kl, k}, val;
    int got = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    if (got != 0 && got != MDB_NOTFOUND)
      goto done;
    int where = mimi_lmdb_classify(k, kl, got == 0 ? key.mv_data : NULL, key.mv_size);
    printf("%s %s\n", argv[i], where == MIMI_LMDB_HIT ? "hit" : where == MIMI_LMDB_ENT ? "ent" : "absent");
    if (where != MIMI_LMDB_HIT)
      continue;
    size_t off = 0;
    mimi_lmdb_rr_t one;
    int r;
    while ((r = mimi_lmdb_value_next(val.mv_data, val.mv_size, &off, &one)) == 1) {
      printf("  %u ", (unsigned)one.type);
      for (size_t j = 0; j < one.rdlen; j++)
        printf("%02x", one.rdata[j]);
      printf("\n");
    }
    if (r < 0) {
      printf("  malformed\n");
      goto done;
    }
  }
  rc = 0;
done:
  if (cur)
    mdb_cursor_close(cur);
  if (txn)
    mdb_txn_abort(txn);
  if (env)
    mdb_env_close(env);
  return rc;
}
