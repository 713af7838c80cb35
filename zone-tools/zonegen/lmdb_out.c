/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --format lmdb: the database mod-mimi serves (layout in
 * mimi-lmdb(5)). A new database is built in a temporary directory and
 * swapped in with renameat2(RENAME_EXCHANGE); --update changes an existing
 * one in a single write transaction, so a reader sees the old data or the
 * new, never a mix (LMDB MVCC).
 */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lmdb_sign.h"
#include "mimi_lmdb_format.h"
#include "zonegen.h"

#define MIN_MAP (1ULL << 30)
#define MIN_MAP_KNOB (64ULL << 10)

/* The smallest map: 1 GiB (the file is sparse), or MIMI_ZONEGEN_MAPSIZE
 * bytes. The variable exists so that a test can make a later --update grow
 * the map past what a running server mapped (MDB_MAP_RESIZED); see
 * mimi-zonegen(1). 0 when the variable is not a number of bytes. */
static size_t min_map(void) {
  const char *v = getenv("MIMI_ZONEGEN_MAPSIZE");
  char *end;
  if (!v || !*v)
    return MIN_MAP;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (*v < '0' || *v > '9' || *end || errno || n < MIN_MAP_KNOB || n > SIZE_MAX / 8) {
    fprintf(stderr, "mimi-zonegen: MIMI_ZONEGEN_MAPSIZE '%s': a number of bytes, at "
            "least %llu\n", v, MIN_MAP_KNOB);
    return 0;
  }
  return (size_t)n;
}

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
    total += MIMI_LMDB_RR_HEADER + (t->v[j].keylen - a->ownerlen - 2);
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
    const uint8_t *tp = r->key + r->ownerlen; /* type, network order */
    mimi_lmdb_rr_header(*val + o, (uint16_t)(tp[0] << 8 | tp[1]), (uint16_t)rdlen);
    memcpy(*val + o + MIMI_LMDB_RR_HEADER, tp + 2, rdlen);
    o += MIMI_LMDB_RR_HEADER + rdlen;
  }
  *len = total;
  *nrr = j - i;
  *next = j;
  return 0;
}

static size_t value_rrs(const MDB_val *v) {
  size_t n = 0, o = 0;
  mimi_lmdb_rr_t rr;
  while (mimi_lmdb_value_next(v->mv_data, v->mv_size, &o, &rr) == 1)
    n += rr.type != MIMI_LMDB_T_RRSIG; /* signatures are not records */
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

/* What a run did, printed only once the database is in place: a line
 * printed before a later step fails would claim a success. */
typedef struct {
  long long records;
  uint32_t serial;
  int deleted;        /* --delete was applied */
  unsigned zsk;       /* signed by this ZSK (0: not signed) */
  uint32_t expires;
  long gone, absent;
} summary_t;

/* --delete: remove each identifier's owner names, in the update's
 * transaction. An identifier none of whose names is in the database is
 * reported by its line (a typo or a second run should not go unnoticed);
 * the counts are printed. 0, or -1 (printed). */
static int apply_deletes(MDB_txn *txn, MDB_dbi rr, const zg_opts_t *o,
                         const zg_dels_t *ds, long long *records, summary_t *sum) {
  const char *file = strcmp(o->delete_path, "-") ? o->delete_path : "<stdin>";
  long gone = 0, absent = 0;
  for (size_t i = 0; i < ds->n; i++) {
    const zg_del_t *d = &ds->v[i];
    int found = 0, rc;
    for (unsigned k = 0; k < d->nkeys; k++) {
      MDB_val key = {d->klen[k], d->key[k]}, val;
      rc = mdb_get(txn, rr, &key, &val);
      if (rc == MDB_NOTFOUND)
        continue;
      if (rc == 0) {
        *records -= (long long)value_rrs(&val); /* val is gone after the delete */
        rc = mdb_del(txn, rr, &key, NULL);
      }
      if (rc != 0)
        return fail("delete", rc);
      found = 1;
    }
    if (found) {
      gone++;
    } else {
      absent++;
      fprintf(stderr, "%s:%ld: warning: %s is not in the database\n", file, d->line, d->id);
    }
  }
  sum->deleted = 1;
  sum->gone = gone;
  sum->absent = absent;
  return 0;
}

/* --resign: every value of the database signed again (its old RRSIGs
 * dropped), in the update's transaction. 0 or -1 (printed). */
static int resign_all(MDB_txn *txn, MDB_dbi rr, zg_lmdb_signer_t *ls) {
  MDB_cursor *cur;
  MDB_val key, val;
  int rc = mdb_cursor_open(txn, rr, &cur);
  if (rc)
    return fail("resign", rc);
  for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
    if (zg_lmdb_sign_value(ls, key.mv_data, key.mv_size, val.mv_data, val.mv_size) != 0) {
      mdb_cursor_close(cur);
      return -1;
    }
    MDB_val nv = {ls->out.n, ls->out.p};
    if ((rc = mdb_cursor_put(cur, &key, &nv, MDB_CURRENT)) != 0)
      break;
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : fail("resign", rc);
}

/* With --update: may this run change the database as it is signed (or
 * not)? 0, or -2 (printed). */
static int check_signing(MDB_txn *txn, MDB_dbi meta, const zg_opts_t *o, const char *fmt,
                         const zg_key_t *zsk) {
  char tag[16];
  if (strcmp(fmt, MIMI_LMDB_FORMAT_SIGNED) == 0 && !zsk) {
    fprintf(stderr, "mimi-zonegen: %s is signed; update it with --sign and its keys (an "
            "unsigned record would not validate)\n", o->output);
    return -2;
  }
  if (strcmp(fmt, MIMI_LMDB_FORMAT) == 0 && zsk) {
    fprintf(stderr, "mimi-zonegen: %s is not signed; rebuild it with --sign to sign it\n",
            o->output);
    return -2;
  }
  if (zsk && !o->resign &&
      (get_meta(txn, meta, MIMI_LMDB_META_ZSK, tag, sizeof tag) ||
       strtoul(tag, NULL, 10) != zsk->tag)) {
    fprintf(stderr, "mimi-zonegen: %s is signed by the ZSK %s, not %u; give that key, or "
            "--resign to sign every name with this one\n", o->output, tag, zsk->tag);
    return -2;
  }
  return 0;
}

/* Fill an open environment: the records and the metadata. ls: signing
 * (format 2), or NULL. */
static int fill_buf(MDB_env *env, const zg_opts_t *o, const zg_table_t *t,
                    const zg_dels_t *dels, int update, uint32_t serial_fixed, uint8_t **vp,
                    size_t *vcapp, summary_t *sum, zg_lmdb_signer_t *ls) {
  MDB_txn *txn = NULL;
  MDB_dbi rr, meta;
  char buf[64], old_origin[300];
  long long records = 0;
  uint32_t serial = serial_fixed;
  uint32_t expires = ls ? ls->s.expiration : 0;
  int rc;

  if ((rc = mdb_txn_begin(env, NULL, 0, &txn)))
    return fail("begin", rc);
  if ((rc = mdb_dbi_open(txn, MIMI_LMDB_DB_RRSETS, MDB_CREATE, &rr)) ||
      (rc = mdb_dbi_open(txn, MIMI_LMDB_DB_META, MDB_CREATE, &meta))) {
    mdb_txn_abort(txn);
    return fail("open databases", rc);
  }
  if (update) {
    /* The database must be ours, of this format, for this zone. */
    if (get_meta(txn, meta, MIMI_LMDB_META_FORMAT, buf, sizeof buf) ||
        (strcmp(buf, MIMI_LMDB_FORMAT) && strcmp(buf, MIMI_LMDB_FORMAT_SIGNED)) ||
        get_meta(txn, meta, MIMI_LMDB_META_ORIGIN, old_origin, sizeof old_origin)) {
      mdb_txn_abort(txn);
      fprintf(stderr, "mimi-zonegen: %s is not a mimi-zonegen database of format %s or "
              "%s\n", o->output, MIMI_LMDB_FORMAT, MIMI_LMDB_FORMAT_SIGNED);
      return -2;
    }
    if (check_signing(txn, meta, o, buf, ls ? ls->s.zsk : NULL) != 0) {
      mdb_txn_abort(txn);
      return -2;
    }
    /* Signatures kept from before may expire first. */
    if (ls && !o->resign && !get_meta(txn, meta, MIMI_LMDB_META_EXPIRES, buf, sizeof buf)) {
      uint32_t old = (uint32_t)strtoul(buf, NULL, 10);
      if ((int32_t)(old - expires) < 0)
        expires = old;
    }
    if (strcmp(old_origin, o->origin) != 0) {
      mdb_txn_abort(txn);
      fprintf(stderr, "mimi-zonegen: %s holds the zone %s, not %s\n", o->output,
              old_origin, o->origin);
      return -2;
    }
    if (!get_meta(txn, meta, MIMI_LMDB_META_RECORDS, buf, sizeof buf))
      records = atoll(buf);
    if (o->serial_auto && !get_meta(txn, meta, MIMI_LMDB_META_SERIAL, buf, sizeof buf)) {
      uint32_t old = (uint32_t)strtoul(buf, NULL, 10), now = (uint32_t)time(NULL);
      serial = old >= now ? old + 1 : now;
    }
    /* Deletions first: an identifier also in the rows gets its new records. */
    if (dels && apply_deletes(txn, rr, o, dels, &records, sum) != 0) {
      mdb_txn_abort(txn);
      return -1;
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
    if (ls) {
      if (zg_lmdb_sign_value(ls, t->v[i].key, t->v[i].ownerlen, *vp, vlen) != 0) {
        mdb_txn_abort(txn);
        return -1;
      }
      val.mv_size = ls->out.n;
      val.mv_data = ls->out.p;
    }
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
  if (ls && o->resign && resign_all(txn, rr, ls) != 0) {
    mdb_txn_abort(txn);
    return -1;
  }
  snprintf(buf, sizeof buf, "%u", (unsigned)serial);
  char rec[32], when[32], zsk[16], exp[16];
  snprintf(rec, sizeof rec, "%lld", records);
  snprintf(when, sizeof when, "%lld", (long long)time(NULL));
  if (ls) {
    snprintf(zsk, sizeof zsk, "%u", (unsigned)ls->s.zsk->tag);
    snprintf(exp, sizeof exp, "%u", (unsigned)expires);
    if ((rc = put_meta(txn, meta, MIMI_LMDB_META_ZSK, zsk)) ||
        (rc = put_meta(txn, meta, MIMI_LMDB_META_EXPIRES, exp))) {
      mdb_txn_abort(txn);
      return fail("metadata", rc);
    }
  }
  if ((rc = put_meta(txn, meta, MIMI_LMDB_META_PROFILE, MIMI_PROFILE)) ||
      (rc = put_meta(txn, meta, MIMI_LMDB_META_FORMAT,
                     ls ? MIMI_LMDB_FORMAT_SIGNED : MIMI_LMDB_FORMAT)) ||
      (rc = put_meta(txn, meta, MIMI_LMDB_META_ORIGIN, o->origin)) ||
      (rc = put_meta(txn, meta, MIMI_LMDB_META_SERIAL, buf)) ||
      (rc = put_meta(txn, meta, MIMI_LMDB_META_RECORDS, rec)) ||
      (rc = put_meta(txn, meta, MIMI_LMDB_META_UPDATED, when)) ||
      (o->changeset &&
       (rc = put_meta(txn, meta, MIMI_LMDB_META_CHANGESET, o->changeset)))) {
    mdb_txn_abort(txn);
    return fail("metadata", rc);
  }
  if ((rc = mdb_txn_commit(txn)))
    return fail("commit", rc);
  sum->records = records;
  sum->serial = serial;
  return 0;
}

/* fill_buf with a value buffer reused across owners. */
static int fill(MDB_env *env, const zg_opts_t *o, const zg_table_t *t,
                const zg_dels_t *dels, int update, uint32_t serial_fixed, summary_t *sum,
                zg_lmdb_signer_t *ls) {
  uint8_t *v = NULL;
  size_t vcap = 0;
  int rc = fill_buf(env, o, t, dels, update, serial_fixed, &v, &vcap, sum, ls);
  free(v);
  return rc;
}

static MDB_env *env_open(const char *dir, size_t mapsize, int create) {
  MDB_env *env = NULL;
  int rc;
  if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, MIMI_LMDB_MAXDBS)) ||
      (rc = mdb_env_set_maxreaders(env, MIMI_LMDB_MAX_READERS)) ||
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

/* Is the directory a mimi-lmdb(5) database (of any format version: a
 * rebuild is how a database is upgraded) of this zone? 0 yes, -1 no
 * (printed). Read-only and without the lock file: nothing is changed. */
static int check_database(const zg_opts_t *o) {
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi meta;
  char fmt[64], origin[300];
  int rc = -1;

  if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, MIMI_LMDB_MAXDBS) != 0 ||
      mdb_env_open(env, o->output, MDB_RDONLY | MDB_NOLOCK, 0) != 0 ||
      mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0 ||
      mdb_dbi_open(txn, MIMI_LMDB_DB_META, 0, &meta) != 0 ||
      get_meta(txn, meta, MIMI_LMDB_META_FORMAT, fmt, sizeof fmt) != 0 ||
      get_meta(txn, meta, MIMI_LMDB_META_ORIGIN, origin, sizeof origin) != 0) {
    fprintf(stderr, "mimi-zonegen: %s exists and is not a mimi-lmdb database (no format "
            "and origin in its meta); refusing to replace it\n", o->output);
    goto done;
  }
  if (strcmp(origin, o->origin) != 0) {
    fprintf(stderr, "mimi-zonegen: %s holds the zone %s, not %s; refusing to replace it\n",
            o->output, origin, o->origin);
    goto done;
  }
  rc = 0;
done:
  if (txn)
    mdb_txn_abort(txn);
  if (env)
    mdb_env_close(env);
  return rc;
}

/* A rebuild exchanges --output with the new directory and removes what was
 * there: only nothing, an empty directory or a database of this zone may
 * be there, or something would be lost. 0 when it may be replaced, -1
 * (printed) when not. */
static int check_target(const zg_opts_t *o) {
  struct stat st;
  DIR *d;
  struct dirent *e;
  int files = 0, data = 0, rc = 0;

  if (lstat(o->output, &st) != 0) {
    if (errno == ENOENT)
      return 0;
    fprintf(stderr, "mimi-zonegen: %s: %s\n", o->output, strerror(errno));
    return -1;
  }
  if (S_ISLNK(st.st_mode)) {
    fprintf(stderr, "mimi-zonegen: %s is a symbolic link; refusing to replace it (give "
            "the database directory itself)\n", o->output);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    fprintf(stderr, "mimi-zonegen: %s exists and is not a directory\n", o->output);
    return -1;
  }
  if (!(d = opendir(o->output))) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", o->output, strerror(errno));
    return -1;
  }
  while (rc == 0 && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    files++;
    if (strcmp(e->d_name, "data.mdb") == 0) {
      data = 1;
    } else if (strcmp(e->d_name, "lock.mdb") != 0) {
      fprintf(stderr, "mimi-zonegen: %s has %s, which is not part of a mimi-lmdb "
              "database; refusing to replace the directory\n", o->output, e->d_name);
      rc = -1;
    }
  }
  closedir(d);
  if (rc != 0 || files == 0)
    return rc;
  if (!data) {
    fprintf(stderr, "mimi-zonegen: %s exists and is not a mimi-lmdb database (no "
            "data.mdb); refusing to replace it\n", o->output);
    return -1;
  }
  return check_database(o);
}

static void print_summary(const zg_opts_t *o, const summary_t *sum) {
  if (o->quiet)
    return;
  if (sum->deleted)
    fprintf(stderr, "mimi-zonegen: %s: %ld identifier%s deleted, %ld not in the database\n",
            o->output, sum->gone, sum->gone == 1 ? "" : "s", sum->absent);
  fprintf(stderr, "mimi-zonegen: %s: %lld records, serial %u", o->output, sum->records,
          (unsigned)sum->serial);
  if (sum->zsk) {
    zg_buf_t b = {0};
    zg_txt_stamp(&b, sum->expires);
    fprintf(stderr, ", signed by ZSK %u%s until %.*s", sum->zsk, o->resign ? " (all names)" : "",
            b.oom ? 0 : (int)b.n, b.oom ? "" : b.p);
    free(b.p);
  }
  fputc('\n', stderr);
}

/* zg_write_lmdb, but for the summary. */
static int write_db(const zg_opts_t *o, const zg_table_t *t, const zg_dels_t *dels,
                    int update, summary_t *sum, zg_lmdb_signer_t *ls) {
  size_t bytes = 0, floor = min_map();
  if (floor == 0)
    return -1;
  for (size_t i = 0; i < t->n; i++)
    bytes += t->v[i].keylen + 64;
  /* Room for the B-tree and for updates; the file is sparse. */
  size_t mapsize = bytes * 4 > floor ? bytes * 4 : floor;
  if (update) {
    MDB_env *env = env_open(o->output, 0, 0);
    MDB_envinfo info;
    int rc;
    if (!env)
      return -1;
    mdb_env_info(env, &info);
    if (info.me_mapsize < mapsize + info.me_last_pgno * 4096ULL * 2)
      mdb_env_set_mapsize(env, mapsize + info.me_last_pgno * 4096ULL * 2);
    rc = fill(env, o, t, dels, 1, o->serial, sum, ls);
    mdb_env_close(env);
    return rc;
  }

  /* New database: build beside the target, then swap atomically. */
  if (check_target(o) != 0)
    return -1;
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
  rc = fill(env, o, t, NULL, 0, o->serial_auto ? (uint32_t)time(NULL) : o->serial, sum, ls);
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
  if (lstat(o->output, &st) == 0) { /* a symbolic link is refused, not followed */
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

int zg_write_lmdb(const zg_opts_t *o, const zg_table_t *t, const zg_dels_t *dels,
                  int update, const zg_key_t *ksk, const zg_key_t *zsk) {
  summary_t sum;
  zg_lmdb_signer_t ls;
  int rc;
  memset(&sum, 0, sizeof sum);
  if (zsk && zg_lmdb_signer_init(&ls, o, ksk, zsk) != 0)
    return -1;
  rc = write_db(o, t, dels, update, &sum, zsk ? &ls : NULL);
  if (zsk) {
    sum.zsk = zsk->tag;
    sum.expires = ls.s.expiration;
    zg_lmdb_signer_free(&ls);
  }
  if (rc == 0)
    print_summary(o, &sum);
  return rc;
}
