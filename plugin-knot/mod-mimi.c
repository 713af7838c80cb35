/* SPDX-License-Identifier: MIT */
/*
 * mod-mimi — a Knot DNS 3.2 module that answers MIMI names (MIMI-DNS/1) of
 * its zone from the LMDB database written by mimi-zonegen --format lmdb
 * (layout: mimi-lmdb(5)). Reference: mod-mimi(5).
 *
 * The hook runs at the ANSWER stage and only when the zone itself has no
 * such name (state MISS): zone data always wins. A name in the database
 * answers its RRs of the query type (HIT), or NODATA for other types; a
 * name that only prefixes database keys is an empty non-terminal (NODATA);
 * anything else stays NXDOMAIN. Listed before mod-onlinesign, the answers
 * are signed and the denials get minimally covering NSEC (no zone walking).
 *
 * Updates written by mimi-zonegen --update are visible at the next query:
 * every query renews a read transaction (LMDB MVCC, never a half update).
 * On reload knotd loads the new instance before it unloads the old one, so
 * environments are shared per path and reference-counted: LMDB forbids
 * opening one environment twice in a process.
 *
 * Failing safe: a module whose load() fails is dropped and the zone is
 * served without it, so every user would get a signed NXDOMAIN. load()
 * therefore fails only for what the configuration check would refuse (or
 * out of memory); a database that cannot be used (missing, another format
 * or zone, out of reader slots...) is a state: the MIMI names (see
 * mimi_is_mimi_name()) get SERVFAIL, the log says why once per change, and the
 * database is opened again at most once a second. The same once-a-second
 * check reopens it when data.mdb is another file (a rebuild swapped the
 * directory): an environment keeps reading the deleted files otherwise.
 */
#include <errno.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <knot/module.h>

#include "denial_sign.h"
#include "mimi_denial.h"
#include "mimi_pure.h"

_Static_assert(MIMI_RCODE_SERVFAIL == KNOT_RCODE_SERVFAIL, "RCODE SERVFAIL");

#define MOD_DATABASE "\x08" "database"
#define MOD_TTL "\x03" "ttl"
#define MOD_KEYS "\x04" "keys"
#define MOD_LIFETIME "\x0f" "denial-lifetime"
#define MOD_CACHE "\x0c" "denial-cache"

/*
 * Reader slots: every worker thread that queries pins one per environment
 * (its renewed transaction); with LMDB's default of 126 a knotd with more
 * workers got MDB_READERS_FULL, and the next instance of a reload could
 * not open the database at all. At least MIMI_LMDB_MAX_READERS, the
 * number mimi-zonegen asks for too (mimi_lmdb_format.h).
 */
#define READERS_HEADROOM 128u /* other processes beside our workers */

/* How often a query may look at data.mdb or retry a failed open. */
#define CHECK_INTERVAL 1     /* seconds */
#define READ_ERROR_LOG_INTERVAL 60

/* ---- Open databases -------------------------------------------------------- */

typedef struct {
  MDB_txn *txn;       /* reset between queries, renewed at the next */
  MDB_cursor *cur;    /* kept with its transaction (mdb_cursor_renew) */
} scratch_t;

/* One opened environment. Its scratch (one per worker thread, indexed by
 * thread id: no locking on the hot path) lives and dies with it, so that
 * no transaction outlives the environment it belongs to. */
typedef struct {
  MDB_env *env;
  MDB_dbi rrsets;
  int is_signed;      /* format 2: RRSIGs in the values */
  unsigned zsk;       /* its ZSK's tag + 1 (meta "zsk"); 0: none */
  dev_t dev;          /* data.mdb when it was opened */
  ino_t ino;
  char origin[KNOT_DNAME_TXT_MAXLEN + 1];
  unsigned nthreads;
  scratch_t *scratch;
} db_t;

static void scratch_free(scratch_t *s) {
  if (s->cur)
    mdb_cursor_close(s->cur);
  if (s->txn)
    mdb_txn_abort(s->txn);
  s->cur = NULL;
  s->txn = NULL;
}

static void db_close(db_t *db) {
  if (!db)
    return;
  for (unsigned i = 0; db->scratch && i < db->nthreads; i++)
    scratch_free(&db->scratch[i]);
  free(db->scratch);
  if (db->env)
    mdb_env_close(db->env);
  free(db);
}

static int meta_get(MDB_txn *txn, MDB_dbi meta, const char *k, char *out,
                    size_t len) {
  MDB_val key = {strlen(k), (void *)k}, val;
  if (mdb_get(txn, meta, &key, &val) != 0 || val.mv_size >= len)
    return -1;
  memcpy(out, val.mv_data, val.mv_size);
  out[val.mv_size] = '\0';
  return 0;
}

/* The tag + 1 of the ZSK a signed database is signed by; 0 if unknown. */
static unsigned meta_zsk(MDB_txn *txn, MDB_dbi meta) {
  char buf[16], *end;
  unsigned long tag;
  if (meta_get(txn, meta, MIMI_LMDB_META_ZSK, buf, sizeof buf) != 0)
    return 0;
  tag = strtoul(buf, &end, 10);
  return *end || end == buf || tag > 0xffff ? 0 : (unsigned)tag + 1;
}

/* The same, read again (an update re-signs in place: --resign with a new
 * ZSK changes it without a new data.mdb). */
static unsigned db_zsk(db_t *db) {
  MDB_txn *txn;
  MDB_dbi meta;
  unsigned zsk = 0;
  if (!db || !db->is_signed || mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn) != 0)
    return 0;
  if (mdb_dbi_open(txn, MIMI_LMDB_DB_META, 0, &meta) == 0)
    zsk = meta_zsk(txn, meta);
  mdb_txn_abort(txn);
  return zsk;
}

static const char *open_error(int rc) {
  switch (rc) {
  case ENOENT: return "database not found";
  case EACCES: return "database not readable (or lock.mdb not writable)";
  case ENOMEM: return "out of memory";
  case MDB_READERS_FULL: return "no free LMDB reader slot";
  default: return "database cannot be opened (not an LMDB environment?)";
  }
}

/* Check an open environment is a mimi-lmdb(5) database; rrsets and the
 * origin from it. A static message in *why on failure. */
static int db_check(db_t *db, const char **why) {
  MDB_txn *txn = NULL;
  MDB_dbi meta;
  char buf[64];
  int rc;

  if ((rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn)) != 0) {
    *why = open_error(rc);
    return -1;
  }
  if (mdb_dbi_open(txn, MIMI_LMDB_DB_RRSETS, 0, &db->rrsets) != 0 ||
      mdb_dbi_open(txn, MIMI_LMDB_DB_META, 0, &meta) != 0) {
    *why = "not a mimi-zonegen database (no rrsets/meta)";
    goto fail;
  }
  if (meta_get(txn, meta, MIMI_LMDB_META_FORMAT, buf, sizeof buf) != 0 ||
      (strcmp(buf, MIMI_LMDB_FORMAT) != 0 && strcmp(buf, MIMI_LMDB_FORMAT_SIGNED) != 0)) {
    *why = "database format is not " MIMI_LMDB_FORMAT " or " MIMI_LMDB_FORMAT_SIGNED
           " (rebuild it with this mimi-zonegen)";
    goto fail;
  }
  db->is_signed = strcmp(buf, MIMI_LMDB_FORMAT_SIGNED) == 0;
  db->zsk = db->is_signed ? meta_zsk(txn, meta) : 0;
  if (meta_get(txn, meta, MIMI_LMDB_META_ORIGIN, db->origin, sizeof db->origin) != 0) {
    *why = "database has no origin";
    goto fail;
  }
  /* Commit, not abort: an aborted transaction closes the handles it opened. */
  if (mdb_txn_commit(txn) != 0) {
    *why = "database cannot be read";
    return -1;
  }
  return 0;
fail:
  mdb_txn_abort(txn);
  return -1;
}

/* Open a database read-only for nthreads workers. NULL and a static
 * message in *why on failure. */
static db_t *db_open(const char *path, unsigned nthreads, const char **why) {
  char data[PATH_MAX];
  struct stat st;
  db_t *db;
  int rc, dead;

  if (snprintf(data, sizeof data, "%s/data.mdb", path) >= (int)sizeof data) {
    *why = "database path too long";
    return NULL;
  }
  if (stat(data, &st) != 0) {
    *why = open_error(errno);
    return NULL;
  }
  if (!(db = calloc(1, sizeof *db)) ||
      !(db->scratch = calloc(nthreads, sizeof *db->scratch))) {
    *why = "out of memory";
    goto fail;
  }
  db->nthreads = nthreads;
  db->dev = st.st_dev;
  db->ino = st.st_ino;
  if ((rc = mdb_env_create(&db->env)) != 0) {
    *why = "cannot create an LMDB environment";
    goto fail;
  }
  if ((rc = mdb_env_set_maxdbs(db->env, MIMI_LMDB_MAXDBS)) != 0 ||
      (rc = mdb_env_set_maxreaders(db->env,
                                   nthreads + READERS_HEADROOM > MIMI_LMDB_MAX_READERS
                                       ? nthreads + READERS_HEADROOM
                                       : MIMI_LMDB_MAX_READERS)) != 0 ||
      /* No read-ahead: only the pages queries touch are mapped in. No TLS:
       * a transaction is kept per worker (scratch), not per OS thread. */
      (rc = mdb_env_open(db->env, path, MDB_RDONLY | MDB_NOTLS | MDB_NORDAHEAD, 0)) != 0) {
    *why = open_error(rc);
    goto fail;
  }
  /* Slots left by a process that died (a crashed knotd) are freed. */
  mdb_reader_check(db->env, &dead);
  if (db_check(db, why) != 0)
    goto fail;
  return db;
fail:
  db_close(db);
  return NULL;
}

/* ---- Shared environments ------------------------------------------------- */

/* One per configured path, shared by the instances that name it (a reload
 * runs two at once). A query read-holds a lock for as long as it uses the
 * database; opening, reopening or remapping it write-holds them all: LMDB
 * needs no transaction active while an environment is remapped or closed.
 * The lock is striped by worker, each stripe on its own cache line: with
 * one shared rwlock every query wrote (twice, atomically) a line all the
 * workers' cores share; a worker now writes only its own stripe's line. */
#define ENV_STRIPES 64u /* workers beyond share stripes (thread id modulo) */
typedef struct {
  _Alignas(64) pthread_rwlock_t lock;
} stripe_t;

typedef struct shared_env {
  struct shared_env *next;
  char *path;
  unsigned refs;      /* under envs_lock */
  stripe_t stripes[ENV_STRIPES];
  db_t *db;           /* NULL while the database is unusable */
  const char *why;    /* why it is unusable (static) */
  const char *logged; /* the last state logged (why, or NULL for "open") */
  unsigned nthreads;  /* the most any instance has asked for */
  unsigned long gen;  /* raised at every successful (re)open */
  _Atomic long next_check;    /* monotonic second of the next check */
  _Atomic long next_read_log; /* rate limit of read-error messages */
  _Atomic long next_sig_log;  /* rate limit of expired-signature messages */
  _Atomic unsigned zsk;       /* the database's ZSK tag + 1, checked every second */
} shared_env_t;

static pthread_mutex_t envs_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_env_t *envs;

/* Zeroed, aligned as its stripes need (calloc promises only 16 bytes). */
static shared_env_t *env_alloc(void) {
  size_t size = (sizeof(shared_env_t) + 63) / 64 * 64;
  shared_env_t *e = aligned_alloc(64, size);
  if (e)
    memset(e, 0, size);
  return e;
}

/* A worker's stripe, read-held while it uses e->db. */
static pthread_rwlock_t *env_rdlock(shared_env_t *e, unsigned thread) {
  pthread_rwlock_t *l = &e->stripes[thread % ENV_STRIPES].lock;
  pthread_rwlock_rdlock(l);
  return l;
}

/* Every stripe, in order (one order: no deadlock between writers). */
static void env_wrlock(shared_env_t *e) {
  for (unsigned i = 0; i < ENV_STRIPES; i++)
    pthread_rwlock_wrlock(&e->stripes[i].lock);
}

static void env_wrunlock(shared_env_t *e) {
  for (unsigned i = ENV_STRIPES; i-- > 0;)
    pthread_rwlock_unlock(&e->stripes[i].lock);
}

static long now_seconds(void) {
  struct timespec ts;
  /* Coarse: a vDSO read, cheap enough for every query. */
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (long)ts.tv_sec;
}

/* Does data.mdb still name the file the database was opened from? */
static int same_file(const shared_env_t *e, const db_t *db) {
  char data[PATH_MAX];
  struct stat st;
  if (!db || snprintf(data, sizeof data, "%s/data.mdb", e->path) >= (int)sizeof data ||
      stat(data, &st) != 0)
    return 0;
  return st.st_dev == db->dev && st.st_ino == db->ino;
}

/* (Re)open unless the open database is still the file at the path; the
 * write lock held. Logs a change of state through mod unless quiet (load()
 * logs its own). */
static void env_reopen(shared_env_t *e, knotd_mod_t *mod, int quiet) {
  const char *why = NULL;
  int had = e->db != NULL;
  if (same_file(e, e->db))
    return;
  /* Close first: the new files may be the old ones under a new name, and
   * LMDB must not have one environment open twice. */
  db_close(e->db);
  e->db = db_open(e->path, e->nthreads, &why);
  atomic_store(&e->zsk, e->db ? e->db->zsk : 0);
  if (e->db) {
    e->gen++;
    e->why = NULL;
    if (!quiet)
      knotd_mod_log(mod, LOG_NOTICE, "database %s %s (zone %s)", e->path,
                    had ? "changed on disk, reopened" : "usable again, serving it",
                    e->db->origin);
  } else {
    e->why = why;
    if (!quiet && why != e->logged)
      knotd_mod_log(mod, LOG_ERR, "database %s: %s; answering SERVFAIL for MIMI names "
                    "until it can be opened (retried every second)", e->path, why);
  }
  e->logged = e->why;
}

/* At most once a second: reopen when data.mdb changed or the database was
 * unusable. force: now (load()). */
static void env_refresh(shared_env_t *e, knotd_mod_t *mod, unsigned thread, int force) {
  long now = now_seconds(), next = atomic_load(&e->next_check);
  pthread_rwlock_t *l;
  int same;
  if (!force && (now < next ||
                 !atomic_compare_exchange_strong(&e->next_check, &next,
                                                 now + CHECK_INTERVAL)))
    return; /* not yet, or another thread is checking */
  if (force)
    atomic_store(&e->next_check, now + CHECK_INTERVAL);
  /* The stat under the read lock: queries go on meanwhile. */
  l = env_rdlock(e, thread);
  same = same_file(e, e->db);
  if (same)
    atomic_store(&e->zsk, db_zsk(e->db));
  pthread_rwlock_unlock(l);
  if (same)
    return;
  env_wrlock(e);
  env_reopen(e, mod, force);
  env_wrunlock(e);
}

/* The database's map is smaller than its data (an update grew it): adopt
 * the size the writer recorded (mdb_env_set_mapsize 0), with no
 * transaction active. 0, or -1 when the database became unusable. */
static int env_remap(shared_env_t *e, knotd_mod_t *mod, const db_t *seen) {
  MDB_envinfo info;
  MDB_stat st;
  int rc = 0;
  env_wrlock(e);
  /* Workers that met the grown map together queue here: the first remaps,
   * the others find the map large enough (or another database). */
  if (e->db && e->db == seen && mdb_env_info(e->db->env, &info) == 0 &&
      mdb_env_stat(e->db->env, &st) == 0 &&
      (info.me_last_pgno + 1) * (size_t)st.ms_psize > info.me_mapsize) {
    if ((rc = mdb_env_set_mapsize(e->db->env, 0)) == 0) {
      mdb_env_info(e->db->env, &info);
      knotd_mod_log(mod, LOG_INFO, "database %s: the map grew to %zu bytes, remapped",
                    e->path, info.me_mapsize);
    } else {
      knotd_mod_log(mod, LOG_ERR, "database %s: cannot map the grown database (%s); "
                    "answering SERVFAIL for MIMI names, retried every second", e->path,
                    mdb_strerror(rc));
      db_close(e->db);
      e->db = NULL;
      e->why = e->logged = "cannot map the grown database";
      rc = -1;
    }
  }
  env_wrunlock(e);
  return rc;
}

/* Per-worker scratch for nthreads workers (an instance of a new
 * configuration may have more); the write lock held. 0 or -1 (OOM). */
static int env_grow_threads(shared_env_t *e, unsigned nthreads) {
  if (nthreads <= e->nthreads)
    return 0;
  if (e->db) {
    scratch_t *ns = calloc(nthreads, sizeof *ns);
    if (!ns)
      return -1;
    for (unsigned i = 0; i < e->db->nthreads; i++)
      scratch_free(&e->db->scratch[i]);
    free(e->db->scratch);
    e->db->scratch = ns;
    e->db->nthreads = nthreads;
  }
  e->nthreads = nthreads;
  return 0;
}

/* The shared environment of a path, created (and the database opened, or
 * its failure recorded) when new. NULL only when out of memory. */
static shared_env_t *env_acquire(const char *path, unsigned nthreads) {
  shared_env_t *e;
  pthread_mutex_lock(&envs_lock);
  for (e = envs; e; e = e->next)
    if (strcmp(e->path, path) == 0)
      break;
  if (e) {
    env_wrlock(e);
    int rc = env_grow_threads(e, nthreads);
    env_wrunlock(e);
    if (rc != 0)
      e = NULL;
    else
      e->refs++;
  } else if ((e = env_alloc()) && (e->path = strdup(path))) {
    pthread_rwlockattr_t a;
    pthread_rwlockattr_init(&a);
    /* A reopen must not wait behind a steady stream of queries. */
    pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    for (unsigned i = 0; i < ENV_STRIPES; i++)
      pthread_rwlock_init(&e->stripes[i].lock, &a);
    pthread_rwlockattr_destroy(&a);
    e->refs = 1;
    e->nthreads = nthreads;
    e->next = envs;
    envs = e;
  } else {
    free(e);
    e = NULL;
  }
  pthread_mutex_unlock(&envs_lock);
  return e;
}

static void env_release(shared_env_t *e) {
  pthread_mutex_lock(&envs_lock);
  if (--e->refs == 0) {
    for (shared_env_t **p = &envs; *p; p = &(*p)->next) {
      if (*p == e) {
        *p = e->next;
        break;
      }
    }
    db_close(e->db);
    for (unsigned i = 0; i < ENV_STRIPES; i++)
      pthread_rwlock_destroy(&e->stripes[i].lock);
    free(e->path);
    free(e);
  }
  pthread_mutex_unlock(&envs_lock);
}

/* ---- Module instance ----------------------------------------------------- */

/* Denials signed by the module (keys: set): per worker, a bounded cache
 * of NSEC signatures and the SOA's signature, under a lock that only its
 * worker takes (uncontended) unless thread ids wrap. */
typedef struct {
  pthread_mutex_t lock;
  mimi_dcache_t cache;
  uint8_t soa_rd[2 * MIMI_NAME_MAX + 20]; /* canonical SOA RDATA signed */
  size_t soa_len;
  uint32_t soa_ttl, soa_inception, soa_expiration;
  uint16_t soa_tag;
  uint8_t soa_sig[MIMI_SIG_LEN];
} denier_t;

typedef struct {
  shared_env_t *env;
  uint32_t ttl;
  unsigned nthreads;
  char zone[KNOT_DNAME_TXT_MAXLEN + 1];
  _Atomic unsigned long warned_gen; /* "another zone" logged for this open */
  /* Denials (NULL keys: left to mod-onlinesign). */
  mimi_keyring_t *keys;
  uint32_t lifetime;                /* of a denial's signatures, seconds */
  uint8_t apex[MIMI_NAME_MAX];      /* the zone, lower case: the signer */
  size_t apexlen;
  denier_t *deniers;                /* nthreads */
  _Atomic unsigned warned_zsk;      /* the missing ZSK last logged (+1) */
} mimi_mod_t;

/* Put rr into the answer (freed with the packet), or free it. 0, or -1
 * with *trunc set (the packet is full). */
static int put_one(knot_pkt_t *pkt, knot_rrset_t *rr, int *trunc) {
  if (knot_pkt_put(pkt, 0, rr, KNOT_PF_FREE) == KNOT_EOK)
    return 0;
  knot_rrset_free(rr, &pkt->mm);
  *trunc = 1;
  return -1;
}

/* One RR (owner, type, ttl, rdata) into the packet. 0 or -1 (*trunc). */
static int put_rr(knot_pkt_t *pkt, const knot_dname_t *owner, uint16_t type, uint32_t ttl,
                  const uint8_t *rd, size_t rdlen, int *trunc) {
  knot_rrset_t *rr = knot_rrset_new(owner, type, KNOT_CLASS_IN, ttl, &pkt->mm);
  if (!rr)
    return -1;
  if (knot_rrset_add_rdata(rr, rd, (uint16_t)rdlen, &pkt->mm) != KNOT_EOK) {
    knot_rrset_free(rr, &pkt->mm);
    return -1;
  }
  return put_one(pkt, rr, trunc);
}

/* The seconds of now, for RRSIG validity (RFC 4034 §3.1.5). */
static uint32_t wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return (uint32_t)ts.tv_sec;
}

/*
 * Add the RRs of qtype (every type for ANY) from a database value, and
 * when dnssec (a DO query, a signed database) each RRset's stored RRSIG
 * (mimi-lmdb(5): right after the RRset). A signature is served only
 * inside its validity, and the RRset and its RRSIG get a TTL that ends
 * by its expiration (as RFC 4035 §5.3.3 has validators cap it), so that
 * no cache holds it past its validity either. Returns the number of
 * RRsets added; -1 for a malformed value or a packet error (*trunc set
 * when the packet is full); -2 when an RRset has no valid signature
 * (expired: the database was not re-signed in time).
 */
static int put_rrs(knot_pkt_t *pkt, knotd_qdata_t *qdata, const MDB_val *v,
                   uint16_t qtype, uint32_t ttl, int dnssec, int *trunc) {
  size_t o = 0;
  knot_rrset_t *rr = NULL;
  mimi_lmdb_rr_t one;
  int added = 0, got;
  uint32_t now = dnssec ? wall_seconds() : 0;

  while ((got = mimi_lmdb_value_next(v->mv_data, v->mv_size, &o, &one)) == 1) {
    if (one.type == MIMI_LMDB_T_RRSIG) {
      uint32_t left, t = ttl;
      /* The signature of an RRset not asked for, or not wanted. */
      if (!rr || !dnssec || one.rdlen < 2 ||
          (uint16_t)(one.rdata[0] << 8 | one.rdata[1]) != rr->type)
        continue;
      if (!mimi_lmdb_rrsig_valid(one.rdata, one.rdlen, now, &left))
        goto unsigned_rrset;
      if (left < t)
        t = left;
      if (mimi_lmdb_be32(one.rdata + 4) < t)
        t = mimi_lmdb_be32(one.rdata + 4); /* the original TTL */
      rr->ttl = t;
      if (put_one(pkt, rr, trunc) != 0)
        return -1;
      rr = NULL;
      if (put_rr(pkt, qdata->name, KNOT_RRTYPE_RRSIG, t, one.rdata, one.rdlen, trunc) != 0)
        return -1;
      added++;
      continue;
    }
    if (rr && rr->type != one.type) {
      /* Records of one type are stored together: one RRset per type. */
      if (dnssec)
        goto unsigned_rrset;
      if (put_one(pkt, rr, trunc) != 0)
        return -1;
      rr = NULL;
      added++;
    }
    if (qtype == one.type || qtype == KNOT_RRTYPE_ANY) {
      if (!rr && !(rr = knot_rrset_new(qdata->name, one.type, KNOT_CLASS_IN, ttl,
                                       &pkt->mm)))
        return -1;
      if (knot_rrset_add_rdata(rr, one.rdata, one.rdlen, &pkt->mm) != KNOT_EOK)
        goto fail;
    }
  }
  if (got < 0)
    goto fail; /* malformed value */
  if (rr) {
    if (dnssec)
      goto unsigned_rrset;
    if (put_one(pkt, rr, trunc) != 0)
      return -1;
    added++;
  }
  return added;
unsigned_rrset:
  if (rr)
    knot_rrset_free(rr, &pkt->mm);
  return -2;
fail:
  if (rr)
    knot_rrset_free(rr, &pkt->mm);
  return -1;
}

/* The database cannot answer (unusable, or of another zone): SERVFAIL for
 * the names it would hold, the zone's answer for the others. */
static knotd_in_state_t unanswerable(knotd_in_state_t state, knotd_qdata_t *qdata,
                                     knotd_mod_t *mod) {
  if (!mimi_is_mimi_name(qdata->name, knotd_mod_zone(mod)))
    return state;
  qdata->rcode = KNOT_RCODE_SERVFAIL;
  return KNOTD_IN_STATE_ERROR;
}

/* A read transaction for this worker: renewed, or begun on first use. */
static int txn_ready(db_t *db, scratch_t *s) {
  int rc;
  if (s->txn) {
    rc = mdb_txn_renew(s->txn);
    return rc == 0 ? mdb_cursor_renew(s->txn, s->cur) : rc;
  }
  rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &s->txn);
  if (rc == 0 && (rc = mdb_cursor_open(s->txn, db->rrsets, &s->cur)) != 0) {
    mdb_txn_abort(s->txn);
    s->txn = NULL;
  }
  return rc;
}

/* A read error other than a grown map: logged at most once a minute. */
static void read_error(shared_env_t *e, knotd_mod_t *mod, int rc) {
  long now = now_seconds(), next = atomic_load(&e->next_read_log);
  if (now >= next && atomic_compare_exchange_strong(&e->next_read_log, &next,
                                                    now + READ_ERROR_LOG_INTERVAL))
    knotd_mod_log(mod, LOG_ERR, "database %s: %s; answering SERVFAIL for MIMI names "
                  "(this message at most once a minute)", e->path, mdb_strerror(rc));
}

/* A signed database served a name whose signature expired: logged at most
 * once a minute. */
static void sig_error(shared_env_t *e, knotd_mod_t *mod) {
  long now = now_seconds(), next = atomic_load(&e->next_sig_log);
  if (now >= next && atomic_compare_exchange_strong(&e->next_sig_log, &next,
                                                    now + READ_ERROR_LOG_INTERVAL))
    knotd_mod_log(mod, LOG_ERR, "database %s: a signature has expired (or is missing); "
                  "answering SERVFAIL for it: re-sign the database with mimi-zonegen "
                  "--update --sign --resign (this message at most once a minute)", e->path);
}

/* ---- Denials ------------------------------------------------------------- */

#define DENIAL_TYPES_MAX 16 /* distinct types of one name in a bitmap */

/* A denial decided at the ANSWER stage, made at the AUTHORITY stage (after
 * mod-onlinesign's hooks of that stage, which sign whatever is in the
 * section): per worker thread, for the one query it is processing. */
typedef struct {
  const knot_pkt_t *pkt;   /* the response it is for; NULL: none */
  const knot_pkt_t *query;
  uint16_t tag;            /* the ZSK */
  size_t ntypes;           /* the types the name has (NODATA) */
  uint16_t types[DENIAL_TYPES_MAX + 2];
} pending_t;

static _Thread_local pending_t pending;

/* The distinct types of a database value into p->types; 0, or -1 when
 * there are too many for a bitmap the module makes. */
static int value_types(const MDB_val *v, pending_t *p) {
  size_t o = 0;
  mimi_lmdb_rr_t one;
  while (mimi_lmdb_value_next(v->mv_data, v->mv_size, &o, &one) == 1) {
    size_t i;
    if (one.type == MIMI_LMDB_T_RRSIG)
      continue;
    for (i = 0; i < p->ntypes && p->types[i] != one.type; i++)
      ;
    if (i < p->ntypes)
      continue;
    if (p->ntypes == DENIAL_TYPES_MAX)
      return -1;
    p->types[p->ntypes++] = one.type;
  }
  return 0;
}

/* The answer from an open database, its read transaction ready in s; the
 * types of a name with none of qtype into den (ntypes SIZE_MAX: too many). */
static knotd_in_state_t lookup(knotd_in_state_t state, knot_pkt_t *pkt,
                               knotd_qdata_t *qdata, const mimi_mod_t *m, knotd_mod_t *mod,
                               const db_t *db, scratch_t *s, const uint8_t *k, size_t klen,
                               pending_t *den) {
  MDB_val key = {klen, (void *)k}, val;
  int trunc = 0;
  /* One descent: the first key at or after the name (mimi-lmdb(5) keys
   * sort parents before children). */
  int rc = mdb_cursor_get(s->cur, &key, &val, MDB_SET_RANGE);
  int where = mimi_lmdb_classify(k, klen, rc == 0 ? key.mv_data : NULL, key.mv_size);
  if (where == MIMI_LMDB_HIT) {
    int dnssec = db->is_signed && knot_pkt_has_dnssec(qdata->query);
    int n = put_rrs(pkt, qdata, &val, knot_pkt_qtype(qdata->query), m->ttl, dnssec, &trunc);
    if (n < 0) {
      if (trunc)
        return KNOTD_IN_STATE_TRUNC;
      if (n == -2)
        sig_error(m->env, mod);
      qdata->rcode = KNOT_RCODE_SERVFAIL;
      return KNOTD_IN_STATE_ERROR;
    }
    knot_wire_set_aa(pkt->wire);
    qdata->rcode = KNOT_RCODE_NOERROR;
    if (n == 0 && value_types(&val, den) != 0)
      den->ntypes = SIZE_MAX;
    return n ? KNOTD_IN_STATE_HIT : KNOTD_IN_STATE_NODATA;
  }
  if (where == MIMI_LMDB_ENT) {
    knot_wire_set_aa(pkt->wire);
    qdata->rcode = KNOT_RCODE_NOERROR;
    return KNOTD_IN_STATE_NODATA;
  }
  if (!(rc = mimi_read_rcode(rc, MDB_NOTFOUND)))
    return state;
  qdata->rcode = (uint16_t)rc;
  return KNOTD_IN_STATE_ERROR;
}

/* The answer of the database to a name the zone does not have. */
static knotd_in_state_t db_answer(knotd_in_state_t state, knot_pkt_t *pkt,
                                  knotd_qdata_t *qdata, mimi_mod_t *m, knotd_mod_t *mod,
                                  pending_t *den) {
  shared_env_t *e;
  pthread_rwlock_t *l;
  unsigned thread = (unsigned)qdata->params->thread_id;
  knotd_in_state_t out;
  uint8_t key[MIMI_LMDB_KEY_MAX];
  size_t klen;

  if (!(klen = mimi_lmdb_owner_key(qdata->name, knot_dname_size(qdata->name), key)))
    return state;
  e = m->env;
  env_refresh(e, mod, thread, 0);
  for (int attempt = 0;; attempt++) {
    l = env_rdlock(e, thread);
    db_t *db = e->db;
    if (!db) {
      pthread_rwlock_unlock(l);
      return unanswerable(state, qdata, mod);
    }
    if (strcasecmp(db->origin, m->zone) != 0) {
      /* Logged under the lock: db may be closed as soon as it is released. */
      if (atomic_exchange(&m->warned_gen, e->gen) != e->gen)
        knotd_mod_log(mod, LOG_ERR, "database %s holds the zone %s, not this one; "
                      "answering SERVFAIL for MIMI names", e->path, db->origin);
      pthread_rwlock_unlock(l);
      return unanswerable(state, qdata, mod);
    }
    scratch_t *s = &db->scratch[thread % db->nthreads];
    int rc = txn_ready(db, s);
    if (rc == MDB_MAP_RESIZED && attempt == 0) {
      /* An update grew the map past ours: remap, then once more. */
      pthread_rwlock_unlock(l);
      if (env_remap(e, mod, db) != 0)
        return unanswerable(state, qdata, mod);
      continue;
    }
    if (rc != 0) {
      pthread_rwlock_unlock(l);
      read_error(e, mod, rc);
      return unanswerable(state, qdata, mod);
    }
    out = lookup(state, pkt, qdata, m, mod, db, s, key, klen, den);
    mdb_txn_reset(s->txn);
    pthread_rwlock_unlock(l);
    return out;
  }
}

/* A DO query's denial (NXDOMAIN or NODATA) in the zone, to be made by
 * mimi_authority(): answered HIT with an empty answer section, so that
 * neither knotd nor mod-onlinesign adds or signs anything in the
 * authority section before that hook runs. As mod-onlinesign does, a
 * name that does not exist gets NODATA (NOERROR) with an NSEC at the
 * name: one signature, no closest-encloser or wildcard proof (RFC 4470
 * §3 allows any NSEC that covers only the name). Out of reach (no key of
 * the database's ZSK, a literal "*" label, too many types): left to
 * mod-onlinesign as before. */
static knotd_in_state_t deny_later(knotd_in_state_t out, knot_pkt_t *pkt, knotd_qdata_t *qdata,
                                   mimi_mod_t *m, knotd_mod_t *mod, pending_t *p) {
  unsigned zsk = atomic_load(&m->env->zsk);
  if (zsk == 0 || p->ntypes == SIZE_MAX || mimi_label_is(qdata->name, "*", 1))
    return out;
  if (!mimi_keyring_has(m->keys, (uint16_t)(zsk - 1))) {
    if (atomic_exchange(&m->warned_zsk, zsk) != zsk)
      knotd_mod_log(mod, LOG_ERR, "the database is signed by the ZSK %u, which is not in "
                    "the key directory: denials left to mod-onlinesign (see mod-mimi(5), "
                    "KEY ROLLOVER)", zsk - 1);
    return out;
  }
  p->tag = (uint16_t)(zsk - 1);
  p->pkt = pkt;
  p->query = qdata->query;
  knot_wire_set_aa(pkt->wire);
  qdata->rcode = KNOT_RCODE_NOERROR;
  return KNOTD_IN_STATE_HIT;
}

static knotd_in_state_t mimi_answer(knotd_in_state_t state, knot_pkt_t *pkt,
                                    knotd_qdata_t *qdata, knotd_mod_t *mod) {
  mimi_mod_t *m = knotd_mod_ctx(mod);
  pending_t *p = &pending;
  knotd_in_state_t out;

  p->pkt = NULL; /* nothing left over from a query that ended early */
  p->ntypes = 0;
  /* Only names the zone does not have: zone data wins. */
  if (state != KNOTD_IN_STATE_MISS || !m)
    return state;
  out = db_answer(state, pkt, qdata, m, mod, p);
  if ((out == KNOTD_IN_STATE_MISS || out == KNOTD_IN_STATE_NODATA) && m->keys &&
      knot_pkt_has_dnssec(qdata->query))
    return deny_later(out, pkt, qdata, m, mod, p);
  return out;
}

/* An RRSIG RRset of one signature into the packet: owner, the header's
 * fields, sig; TTL ttl. 0, or -1 (*trunc set when the packet is full). */
static int put_rrsig(knot_pkt_t *pkt, const knot_dname_t *owner, const uint8_t *hdr,
                     size_t hlen, const uint8_t *sig, uint32_t ttl, int *trunc) {
  uint8_t rd[18 + MIMI_NAME_MAX + MIMI_SIG_LEN];
  memcpy(rd, hdr, hlen);
  memcpy(rd + hlen, sig, MIMI_SIG_LEN);
  return put_rr(pkt, owner, KNOT_RRTYPE_RRSIG, ttl, rd, hlen + MIMI_SIG_LEN, trunc);
}

/* The canonical SOA RDATA (RFC 4034 §6.2: its names in lower case) of
 * rdata into out; its length or 0. */
static size_t soa_canonical(const uint8_t *rd, size_t len, uint8_t *out) {
  size_t a, b;
  if (len < 2 + 20 || !(a = mimi_name_lower(rd, out)) || a + 1 > len ||
      !(b = mimi_name_lower(rd + a, out + a)) || a + b + 20 != len)
    return 0;
  memcpy(out + a + b, rd + a + b, 20);
  return len;
}

/* The signature of one RR by the pending ZSK, inside d's lock: fresh
 * from *have (inception, expiration, sig) or made now into it. 0 or -1. */
static int sign_one(const mimi_mod_t *m, uint16_t tag, const uint8_t *owner, size_t olen,
                    uint16_t type, uint32_t ttl, const uint8_t *rd, size_t rdlen, uint32_t now,
                    uint32_t *inception, uint32_t *expiration, uint8_t *sig) {
  uint8_t hdr[18 + MIMI_NAME_MAX];
  size_t hlen;
  /* An hour back: validators whose clock is behind ours (RFC 4035 §5.3.1). */
  *inception = now - 3600;
  *expiration = now + m->lifetime;
  hlen = mimi_rrsig_header(hdr, type, mimi_name_labels(owner), ttl, *expiration, *inception,
                           tag, m->apex, m->apexlen);
  return mimi_sign_rr(m->keys, tag, hdr, hlen, owner, olen, type, ttl, rd, rdlen, sig);
}

/* The denial pending for this response, in its authority section: the
 * SOA (TTL: the lesser of its TTL and MINIMUM, RFC 2308 §3, RFC 9077 §3)
 * and the NSEC at the query name, each with its RRSIG, signed with the
 * real clock or taken from the worker's cache. A signature is served only
 * with at least half its lifetime left, its TTL never past expiration. */
static knotd_in_state_t put_denial(knotd_in_state_t state, knot_pkt_t *pkt,
                                   knotd_qdata_t *qdata, mimi_mod_t *m, const pending_t *p) {
  knot_rrset_t soa = knotd_qdata_zone_apex_rrset(qdata, KNOT_RRTYPE_SOA);
  uint8_t owner[MIMI_NAME_MAX], rd[MIMI_NAME_MAX + MIMI_BITMAP_MAX];
  uint8_t soa_rd[2 * MIMI_NAME_MAX + 20], nsec_sig[MIMI_SIG_LEN], soa_sig[MIMI_SIG_LEN];
  uint8_t hdr[18 + MIMI_NAME_MAX];
  uint16_t types[DENIAL_TYPES_MAX + 2];
  uint32_t now = wall_seconds(), margin = m->lifetime / 2, ttl, min, left;
  uint32_t n_inc, n_exp, s_inc, s_exp;
  size_t olen, nlen, blen, slen, hlen, nt = p->ntypes;
  denier_t *d;
  mimi_dentry_t *ent;
  int hit, trunc = 0, rc = 0;

  if (knot_rrset_empty(&soa) || !(olen = mimi_name_lower(qdata->name, owner)) ||
      !(nlen = mimi_nsec_next(owner, olen, rd)) ||
      !(slen = soa_canonical(soa.rrs.rdata->data, soa.rrs.rdata->len, soa_rd)))
    goto fail;
  memcpy(types, p->types, nt * sizeof *types);
  types[nt++] = KNOT_RRTYPE_NSEC;
  types[nt++] = KNOT_RRTYPE_RRSIG;
  if (!(blen = mimi_nsec_bitmap(types, nt, rd + nlen, MIMI_BITMAP_MAX)))
    goto fail;
  min = knot_soa_minimum(soa.rrs.rdata);
  ttl = soa.ttl < min ? soa.ttl : min;

  d = &m->deniers[qdata->params->thread_id % m->nthreads];
  pthread_mutex_lock(&d->lock);
  ent = mimi_dcache_get(&d->cache, owner, olen, rd + nlen, blen, p->tag, ttl, now, margin, &hit);
  if (hit) {
    n_inc = ent->inception, n_exp = ent->expiration;
    memcpy(nsec_sig, ent->sig, MIMI_SIG_LEN);
  } else if ((rc = sign_one(m, p->tag, owner, olen, KNOT_RRTYPE_NSEC, ttl, rd, nlen + blen,
                            now, &n_inc, &n_exp, nsec_sig)) == 0 && ent) {
    ent->inception = n_inc, ent->expiration = n_exp;
    memcpy(ent->sig, nsec_sig, MIMI_SIG_LEN);
  }
  /* The SOA's: the same for every denial until the SOA or the key changes. */
  if (rc == 0 && !(d->soa_len == slen && memcmp(d->soa_rd, soa_rd, slen) == 0 &&
                   d->soa_ttl == soa.ttl && d->soa_tag == p->tag &&
                   mimi_sig_fresh(d->soa_inception, d->soa_expiration, now, margin))) {
    d->soa_len = 0;
    if ((rc = sign_one(m, p->tag, m->apex, m->apexlen, KNOT_RRTYPE_SOA, soa.ttl, soa_rd, slen,
                       now, &d->soa_inception, &d->soa_expiration, d->soa_sig)) == 0) {
      memcpy(d->soa_rd, soa_rd, slen);
      d->soa_len = slen, d->soa_ttl = soa.ttl, d->soa_tag = p->tag;
    }
  }
  s_inc = d->soa_inception, s_exp = d->soa_expiration;
  memcpy(soa_sig, d->soa_sig, MIMI_SIG_LEN);
  pthread_mutex_unlock(&d->lock);
  if (rc != 0)
    goto fail;

  /* The SOA and its RRSIG, then the NSEC and its RRSIG. */
  left = s_exp - now < ttl ? s_exp - now : ttl;
  hlen = mimi_rrsig_header(hdr, KNOT_RRTYPE_SOA, mimi_name_labels(m->apex), soa.ttl, s_exp,
                           s_inc, p->tag, m->apex, m->apexlen);
  if (put_rr(pkt, soa.owner, KNOT_RRTYPE_SOA, left, soa.rrs.rdata->data, soa.rrs.rdata->len,
             &trunc) != 0 ||
      put_rrsig(pkt, soa.owner, hdr, hlen, soa_sig, left, &trunc) != 0)
    goto put_failed;
  left = n_exp - now < ttl ? n_exp - now : ttl;
  hlen = mimi_rrsig_header(hdr, KNOT_RRTYPE_NSEC, mimi_name_labels(owner), ttl, n_exp, n_inc,
                           p->tag, m->apex, m->apexlen);
  if (put_rr(pkt, qdata->name, KNOT_RRTYPE_NSEC, left, rd, nlen + blen, &trunc) != 0 ||
      put_rrsig(pkt, qdata->name, hdr, hlen, nsec_sig, left, &trunc) != 0)
    goto put_failed;
  return state;
put_failed:
  if (trunc)
    return KNOTD_IN_STATE_TRUNC;
fail:
  qdata->rcode = KNOT_RCODE_SERVFAIL;
  return KNOTD_IN_STATE_ERROR;
}

static knotd_in_state_t mimi_authority(knotd_in_state_t state, knot_pkt_t *pkt,
                                       knotd_qdata_t *qdata, knotd_mod_t *mod) {
  mimi_mod_t *m = knotd_mod_ctx(mod);
  pending_t *p = &pending;
  if (!m || p->pkt != pkt || p->query != qdata->query)
    return state;
  p->pkt = NULL;
  if (state != KNOTD_IN_STATE_HIT || knot_pkt_section(pkt, KNOT_ANSWER)->count != 0)
    return state;
  return put_denial(state, pkt, qdata, m, p);
}

/* ---- Configuration --------------------------------------------------------- */

/*
 * What the configuration check refuses is what keeps knotd from starting
 * or a reload from being applied, so it is limited to what is wrong in the
 * configuration itself: no database, or an empty path. Whether the
 * database exists, is readable, of this format and of this zone is a state
 * of the files, which change without a reload (a rebuild, an administrator
 * moving things): it is checked when the database is opened and reported
 * in the log, and the MIMI names get SERVFAIL meanwhile (mod-mimi(5)).
 */
static int check_database(knotd_conf_check_args_t *args) {
  if (!args->data || ((const char *)args->data)[0] == '\0') {
    args->err_str = "empty database path";
    return KNOT_EINVAL;
  }
  return KNOT_EOK;
}

static const yp_item_t mimi_conf[] = {
    {MOD_DATABASE, YP_TSTR, YP_VNONE, YP_FNONE, {check_database}},
    {MOD_TTL, YP_TINT, YP_VINT = {0, INT32_MAX, 3600, YP_STIME}},
    {MOD_KEYS, YP_TSTR, YP_VNONE},
    {MOD_LIFETIME, YP_TINT, YP_VINT = {10, 90 * 86400, 86400, YP_STIME}},
    {MOD_CACHE, YP_TINT, YP_VINT = {0, 1 << 22, 32768, YP_SNONE}},
    {NULL}};

static int mimi_conf_check(knotd_conf_check_args_t *args) {
  knotd_conf_t db = knotd_conf_check_item(args, MOD_DATABASE);
  if (db.count == 0) {
    args->err_str = "no database specified (database: PATH)";
    return KNOT_EINVAL;
  }
  return KNOT_EOK;
}

/* The state of the database as this new instance finds it, in the log. */
static void log_state(knotd_mod_t *mod, mimi_mod_t *m) {
  shared_env_t *e = m->env;
  pthread_rwlock_t *l = env_rdlock(e, 0);
  if (!e->db) {
    knotd_mod_log(mod, LOG_ERR, "database %s: %s; answering SERVFAIL for MIMI names "
                  "until it can be opened (retried every second)", e->path, e->why);
  } else if (strcasecmp(e->db->origin, m->zone) != 0) {
    atomic_store(&m->warned_gen, e->gen);
    knotd_mod_log(mod, LOG_ERR, "database %s holds the zone %s, not this one; "
                  "answering SERVFAIL for MIMI names", e->path, e->db->origin);
  } else {
    knotd_mod_log(mod, LOG_INFO, "serving MIMI records from %s (ttl %u, %u threads)",
                  e->path, (unsigned)m->ttl, m->nthreads);
  }
  pthread_rwlock_unlock(l);
}

static void deniers_free(mimi_mod_t *m) {
  for (unsigned i = 0; m->deniers && i < m->nthreads; i++) {
    pthread_mutex_destroy(&m->deniers[i].lock);
    free(m->deniers[i].cache.e);
  }
  free(m->deniers);
  m->deniers = NULL;
  mimi_keyring_free(m->keys);
  m->keys = NULL;
}

/* keys: the ZSKs, and per worker a cache of entries (denial-cache) made
 * when first touched (calloc: untouched pages cost no memory). A key
 * directory that cannot be used is logged, and the denials are left to
 * mod-onlinesign: load() fails only for what the configuration refuses.
 * 0, or -1 out of memory. */
static int deniers_load(knotd_mod_t *mod, mimi_mod_t *m) {
  knotd_conf_t conf = knotd_conf_mod(mod, MOD_KEYS);
  const char *why = NULL;
  size_t entries;
  uint32_t seed;
  if (conf.count == 0 || !conf.single.string || !conf.single.string[0])
    return 0;
  if (!(m->keys = mimi_keyring_load(conf.single.string, m->zone, &why))) {
    knotd_mod_log(mod, LOG_ERR, "keys %s: %s; denials left to mod-onlinesign",
                  conf.single.string, why);
    return 0;
  }
  m->lifetime = (uint32_t)knotd_conf_mod(mod, MOD_LIFETIME).single.integer;
  entries = (size_t)knotd_conf_mod(mod, MOD_CACHE).single.integer;
  m->apexlen = mimi_name_lower(knotd_mod_zone(mod), m->apex);
  if (!(m->deniers = calloc(m->nthreads, sizeof *m->deniers)))
    return -1;
  for (unsigned i = 0; i < m->nthreads; i++) {
    denier_t *d = &m->deniers[i];
    pthread_mutex_init(&d->lock, NULL);
    d->cache.nsets = entries / MIMI_DCACHE_WAYS;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
      seed = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)d;
    d->cache.seed = seed;
    if (d->cache.nsets &&
        !(d->cache.e = calloc(d->cache.nsets * MIMI_DCACHE_WAYS, sizeof *d->cache.e)))
      return -1;
  }
  knotd_mod_log(mod, LOG_INFO, "signing denials with the ZSKs of %s (%u keys; lifetime %u s, "
                "cache %zu per worker)", conf.single.string, mimi_keyring_count(m->keys),
                (unsigned)m->lifetime, entries);
  return 0;
}

static int mimi_load(knotd_mod_t *mod) {
  mimi_mod_t *m = calloc(1, sizeof *m);
  knotd_conf_t conf;

  if (!m)
    return KNOT_ENOMEM;
  conf = knotd_conf_mod(mod, MOD_TTL);
  m->ttl = (uint32_t)conf.single.integer;
  m->nthreads = knotd_mod_threads(mod);
  if (m->nthreads == 0)
    m->nthreads = 1;
  if (!knot_dname_to_str(m->zone, knotd_mod_zone(mod), sizeof m->zone)) {
    free(m);
    return KNOT_EINVAL;
  }
  conf = knotd_conf_mod(mod, MOD_DATABASE);
  if (!(m->env = env_acquire(conf.single.string, m->nthreads))) {
    free(m);
    return KNOT_ENOMEM;
  }
  if (deniers_load(mod, m) != 0) {
    deniers_free(m);
    env_release(m->env);
    free(m);
    return KNOT_ENOMEM;
  }
  /* A reload: the shared environment may be on files a rebuild replaced. */
  env_refresh(m->env, mod, 0, 1);
  log_state(mod, m);
  knotd_mod_ctx_set(mod, m);
  /* The AUTHORITY hook makes the denials the ANSWER hook left pending;
   * listed after mod-onlinesign, it runs after that module's hooks of
   * both stages (knot-signed.conf.in). */
  if (m->keys && knotd_mod_in_hook(mod, KNOTD_STAGE_AUTHORITY, mimi_authority) != KNOT_EOK)
    return KNOT_ENOMEM;
  return knotd_mod_in_hook(mod, KNOTD_STAGE_ANSWER, mimi_answer);
}

static void mimi_unload(knotd_mod_t *mod) {
  /* No knotd_mod_log() or knotd_mod_zone() here: the zone may be gone. */
  mimi_mod_t *m = knotd_mod_ctx(mod);
  if (!m)
    return;
  env_release(m->env);
  deniers_free(m);
  free(m);
}

KNOTD_MOD_API(mimi, KNOTD_MOD_FLAG_SCOPE_ZONE, mimi_load, mimi_unload, mimi_conf,
              mimi_conf_check);
