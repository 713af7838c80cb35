/*
 * mimi-zonegen --format lmdb: the database mod-mimi serves (layout in
 * mimi-lmdb(5)). A new database is built in a temporary directory and
 * swapped in with renameat2(RENAME_EXCHANGE); --update changes an existing
 * one in a single write transaction, so a reader sees the old data or the
 * new, never a mix (LMDB MVCC).
 */
#define _GNU_SOURCE /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zonegen.h"

#define FORMAT_VERSION "1"
#define MIN_MAP (1ULL << 30)

static int fail(const char *what, int rc) {
  fprintf(stderr, "mimi-zonegen: %s: %s\n", what, mdb_strerror(rc));
  return -1;
}

/* The value of one owner: its RRs as type(2) rdlen(2) rdata, in order, in
 * *val (of *cap octets; grown as needed, reused across owners). */
static int owner_value(const zg_table_t *t, size_t i, size_t *next, uint8_t **val,
                       size_t *cap, size_t *len, size_t *nrr) {
  const zg_rr_t *a = &t->v[i];
  size_t j = i, total = 0, o = 0;
  while (j < t->n && t->v[j].ownerlen == a->ownerlen &&
         memcmp(t->v[j].key, a->key, a->ownerlen) == 0) {
    total += 4 + (t->v[j].keylen - a->ownerlen - 2);
    j++;
  }
  if (total > *cap) {
    uint8_t *nv = realloc(*val, total);
    if (!nv)
      return -1;
    *val = nv;
    *cap = total;
  }
  for (size_t k = i; k < j; k++) {
    const zg_rr_t *r = &t->v[k];
    size_t rdlen = r->keylen - r->ownerlen - 2;
    memcpy(*val + o, r->key + r->ownerlen, 2); /* type, network order */
    (*val)[o + 2] = (uint8_t)(rdlen >> 8);
    (*val)[o + 3] = (uint8_t)rdlen;
    memcpy(*val + o + 4, r->key + r->ownerlen + 2, rdlen);
    o += 4 + rdlen;
  }
  *len = total;
  *nrr = j - i;
  *next = j;
  return 0;
}

static size_t value_rrs(const MDB_val *v) {
  size_t n = 0;
  const uint8_t *p = v->mv_data;
  for (size_t o = 0; o + 4 <= v->mv_size; n++)
    o += 4 + (size_t)(p[o + 2] << 8 | p[o + 3]);
  return n;
}

static int put_meta(MDB_txn *txn, MDB_dbi meta, const char *k, const char *v) {
  MDB_val key = {strlen(k), (void *)k}, val = {strlen(v), (void *)v};
  return mdb_put(txn, meta, &key, &val, 0);
}

static int get_meta(MDB_txn *txn, MDB_dbi meta, const char *k, char *out, size_t len) {
  MDB_val key = {strlen(k), (void *)k}, val;
  int rc = mdb_get(txn, meta, &key, &val);
  if (rc != 0)
    return rc;
  size_t n = val.mv_size < len - 1 ? val.mv_size : len - 1;
  memcpy(out, val.mv_data, n);
  out[n] = '\0';
  return 0;
}

static int remove_env_dir(const char *dir) {
  char p[4096];
  snprintf(p, sizeof p, "%s/data.mdb", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/lock.mdb", dir);
  unlink(p);
  return rmdir(dir);
}

/* Fill an open environment: the records and the metadata. */
static int fill_buf(MDB_env *env, const zg_opts_t *o, const zg_table_t *t, int update,
                uint32_t serial_fixed, uint8_t **vp, size_t *vcapp) {
  MDB_txn *txn = NULL;
  MDB_dbi rr, meta;
  char buf[64], old_origin[300];
  long long records = 0;
  uint32_t serial = serial_fixed;
  int rc;

  if ((rc = mdb_txn_begin(env, NULL, 0, &txn)))
    return fail("begin", rc);
  if ((rc = mdb_dbi_open(txn, "rrsets", MDB_CREATE, &rr)) ||
      (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &meta))) {
    mdb_txn_abort(txn);
    return fail("open databases", rc);
  }
  if (update) {
    /* The database must be ours, of this format, for this zone. */
    if (get_meta(txn, meta, "format", buf, sizeof buf) || strcmp(buf, FORMAT_VERSION) ||
        get_meta(txn, meta, "origin", old_origin, sizeof old_origin)) {
      mdb_txn_abort(txn);
      fprintf(stderr, "mimi-zonegen: %s is not a mimi-zonegen database of format %s\n",
              o->output, FORMAT_VERSION);
      return -2;
    }
    if (strcmp(old_origin, o->origin) != 0) {
      mdb_txn_abort(txn);
      fprintf(stderr, "mimi-zonegen: %s holds the zone %s, not %s\n", o->output,
              old_origin, o->origin);
      return -2;
    }
    if (!get_meta(txn, meta, "records", buf, sizeof buf))
      records = atoll(buf);
    if (o->serial_auto && !get_meta(txn, meta, "serial", buf, sizeof buf)) {
      uint32_t old = (uint32_t)strtoul(buf, NULL, 10), now = (uint32_t)time(NULL);
      serial = old >= now ? old + 1 : now;
    }
  }
  for (size_t i = 0, next; i < t->n; i = next) {
    size_t vlen, nrr;
    if (i + 16 < t->n)
      __builtin_prefetch(t->v[i + 16].key); /* keys sit in input order */
    if (owner_value(t, i, &next, vp, vcapp, &vlen, &nrr) != 0) {
      mdb_txn_abort(txn);
      fprintf(stderr, "mimi-zonegen: out of memory\n");
      return -1;
    }
    MDB_val key = {t->v[i].ownerlen, t->v[i].key}, val = {vlen, *vp}, oldv;
    if (update && mdb_get(txn, rr, &key, &oldv) == 0)
      records -= (long long)value_rrs(&oldv);
    /* A new database gets the keys in order: append, no page splits. */
    rc = mdb_put(txn, rr, &key, &val, update ? 0 : MDB_APPEND);
    if (rc) {
      mdb_txn_abort(txn);
      return fail(rc == MDB_MAP_FULL ? "the database is full (map size)" : "write", rc);
    }
    records += (long long)nrr;
  }
  snprintf(buf, sizeof buf, "%u", (unsigned)serial);
  char rec[32], when[32];
  snprintf(rec, sizeof rec, "%lld", records);
  snprintf(when, sizeof when, "%lld", (long long)time(NULL));
  if ((rc = put_meta(txn, meta, "profile", MIMI_PROFILE)) ||
      (rc = put_meta(txn, meta, "format", FORMAT_VERSION)) ||
      (rc = put_meta(txn, meta, "origin", o->origin)) ||
      (rc = put_meta(txn, meta, "serial", buf)) ||
      (rc = put_meta(txn, meta, "records", rec)) ||
      (rc = put_meta(txn, meta, "updated", when))) {
    mdb_txn_abort(txn);
    return fail("metadata", rc);
  }
  if ((rc = mdb_txn_commit(txn)))
    return fail("commit", rc);
  fprintf(stderr, "mimi-zonegen: %s: %lld records, serial %s\n", o->output, records, buf);
  return 0;
}

/* fill_buf with a value buffer reused across owners. */
static int fill(MDB_env *env, const zg_opts_t *o, const zg_table_t *t, int update,
                uint32_t serial_fixed) {
  uint8_t *v = NULL;
  size_t vcap = 0;
  int rc = fill_buf(env, o, t, update, serial_fixed, &v, &vcap);
  free(v);
  return rc;
}

static MDB_env *env_open(const char *dir, size_t mapsize, int create) {
  MDB_env *env = NULL;
  int rc;
  if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 4)) ||
      (mapsize && (rc = mdb_env_set_mapsize(env, mapsize))) ||
      /* A new database is written through the map (WRITEMAP): no page
       * copies in malloc'd buffers and no write() at commit (CSV -> LMDB
       * -20% wall). The file then has the map's size; trimmed below. */
      (rc = mdb_env_open(env, dir, create ? MDB_NOSYNC | MDB_WRITEMAP : 0, 0664))) {
    fail(dir, rc);
    if (env)
      mdb_env_close(env);
    return NULL;
  }
  return env;
}

int zg_write_lmdb(const zg_opts_t *o, const zg_table_t *t, int update) {
  size_t bytes = 0;
  for (size_t i = 0; i < t->n; i++)
    bytes += t->v[i].keylen + 64;
  /* Room for the B-tree and for updates; the file is sparse. */
  size_t mapsize = bytes * 4 > MIN_MAP ? bytes * 4 : MIN_MAP;

  if (update) {
    MDB_env *env = env_open(o->output, 0, 0);
    MDB_envinfo info;
    int rc;
    if (!env)
      return -1;
    mdb_env_info(env, &info);
    if (info.me_mapsize < mapsize + info.me_last_pgno * 4096ULL * 2)
      mdb_env_set_mapsize(env, mapsize + info.me_last_pgno * 4096ULL * 2);
    rc = fill(env, o, t, 1, o->serial);
    mdb_env_close(env);
    return rc;
  }

  /* New database: build beside the target, then swap atomically. */
  size_t n = strlen(o->output) + 32;
  char *tmp = malloc(n);
  struct stat st;
  int rc = -1;
  if (!tmp)
    return -1;
  snprintf(tmp, n, "%s.tmp-XXXXXX", o->output);
  if (!mkdtemp(tmp)) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", tmp, strerror(errno));
    free(tmp);
    return -1;
  }
  chmod(tmp, 0755);
  MDB_env *env = env_open(tmp, mapsize, 1);
  if (!env)
    goto done;
  rc = fill(env, o, t, 0, o->serial_auto ? (uint32_t)time(NULL) : o->serial);
  if (rc == 0 && mdb_env_sync(env, 1) != 0)
    rc = -1;
  MDB_envinfo info;
  MDB_stat ms;
  off_t used = 0;
  if (rc == 0 && mdb_env_info(env, &info) == 0 && mdb_env_stat(env, &ms) == 0)
    used = (off_t)(info.me_last_pgno + 1) * ms.ms_psize;
  mdb_env_close(env);
  if (rc != 0)
    goto done;
  /* Pages past the last used one are free: cut the sparse tail so that the
   * file's size is its content (copies and du stay honest). LMDB grows the
   * file again when an update needs room. */
  if (used > 0) {
    size_t dl = strlen(tmp) + sizeof "/data.mdb";
    char *data = malloc(dl);
    if (!data || (snprintf(data, dl, "%s/data.mdb", tmp), truncate(data, used)) != 0) {
      fprintf(stderr, "mimi-zonegen: %s/data.mdb: %s\n", tmp,
              data ? strerror(errno) : "out of memory");
      free(data);
      rc = -1;
      goto done;
    }
    free(data);
  }
  rc = -1;
  if (stat(o->output, &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      fprintf(stderr, "mimi-zonegen: %s exists and is not a directory\n", o->output);
      goto done;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, o->output, RENAME_EXCHANGE) != 0) {
      fprintf(stderr, "mimi-zonegen: %s: %s\n", o->output, strerror(errno));
      goto done;
    }
    /* tmp now names the old database. */
  } else if (rename(tmp, o->output) != 0) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", o->output, strerror(errno));
    goto done;
  }
  rc = 0;
done:
  remove_env_dir(tmp); /* the old database, or the failed new one */
  free(tmp);
  return rc;
}
