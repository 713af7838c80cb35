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
 */
#include <errno.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <knot/module.h>

#define MOD_DATABASE "\x08" "database"
#define MOD_TTL "\x03" "ttl"

#define FORMAT_VERSION "1" /* mimi-lmdb(5) */
#define MAX_KEY (KNOT_DNAME_MAXLEN + 1)

/* ---- Shared LMDB environments ------------------------------------------ */

typedef struct shared_env {
  struct shared_env *next;
  char *path;
  MDB_env *env;
  MDB_dbi rrsets, meta;
  unsigned refs;
} shared_env_t;

static pthread_mutex_t envs_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_env_t *envs;

static int meta_get(MDB_txn *txn, MDB_dbi meta, const char *k, char *out,
                    size_t len) {
  MDB_val key = {strlen(k), (void *)k}, val;
  if (mdb_get(txn, meta, &key, &val) != 0 || val.mv_size >= len)
    return -1;
  memcpy(out, val.mv_data, val.mv_size);
  out[val.mv_size] = '\0';
  return 0;
}

/*
 * Open an environment read-only and check it is a mimi-lmdb(5) database.
 * Returns NULL and a static message in *why on failure.
 */
static MDB_env *open_checked(const char *path, unsigned flags, MDB_dbi *rrsets,
                             MDB_dbi *meta, char *origin, size_t olen,
                             const char **why) {
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  char buf[64];
  int rc;

  if ((rc = mdb_env_create(&env)) != 0 || (rc = mdb_env_set_maxdbs(env, 4)) != 0) {
    *why = "cannot create an LMDB environment";
    goto fail;
  }
  if ((rc = mdb_env_open(env, path, MDB_RDONLY | MDB_NOTLS | flags, 0)) != 0) {
    *why = rc == ENOENT ? "database not found"
           : rc == EACCES ? "database not readable (or lock.mdb not writable)"
                          : "database cannot be opened (not an LMDB environment?)";
    goto fail;
  }
  if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
      mdb_dbi_open(txn, "rrsets", 0, rrsets) != 0 ||
      mdb_dbi_open(txn, "meta", 0, meta) != 0) {
    *why = "not a mimi-zonegen database (no rrsets/meta)";
    goto fail;
  }
  if (meta_get(txn, *meta, "format", buf, sizeof buf) != 0 ||
      strcmp(buf, FORMAT_VERSION) != 0) {
    *why = "database format is not 1 (rebuild it with this mimi-zonegen)";
    goto fail;
  }
  if (meta_get(txn, *meta, "origin", origin, olen) != 0) {
    *why = "database has no origin";
    goto fail;
  }
  /* Commit, not abort: an aborted transaction closes the handles it opened. */
  if (mdb_txn_commit(txn) != 0) {
    txn = NULL;
    *why = "database cannot be read";
    goto fail;
  }
  return env;
fail:
  if (txn)
    mdb_txn_abort(txn);
  if (env)
    mdb_env_close(env);
  return NULL;
}

static shared_env_t *env_acquire(const char *path, char *origin, size_t olen,
                                 const char **why) {
  char real[PATH_MAX];
  shared_env_t *e;
  if (!realpath(path, real)) {
    *why = "database not found";
    return NULL;
  }
  pthread_mutex_lock(&envs_lock);
  for (e = envs; e; e = e->next)
    if (strcmp(e->path, real) == 0)
      break;
  if (e) {
    MDB_txn *txn;
    e->refs++;
    if (mdb_txn_begin(e->env, NULL, MDB_RDONLY, &txn) == 0) {
      if (meta_get(txn, e->meta, "origin", origin, olen) != 0)
        origin[0] = '\0';
      mdb_txn_abort(txn);
    }
  } else if ((e = calloc(1, sizeof *e)) && (e->path = strdup(real)) &&
             /* No read-ahead: only the pages queries touch are mapped in. */
             (e->env = open_checked(real, MDB_NORDAHEAD, &e->rrsets, &e->meta,
                                    origin, olen, why))) {
    e->refs = 1;
    e->next = envs;
    envs = e;
  } else {
    if (e) {
      free(e->path);
      free(e);
    }
    e = NULL;
    if (!*why)
      *why = "out of memory";
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
    mdb_env_close(e->env);
    free(e->path);
    free(e);
  }
  pthread_mutex_unlock(&envs_lock);
}

/* ---- Module instance ----------------------------------------------------- */

typedef struct {
  MDB_txn *txn;       /* reset between queries, renewed at the next */
  MDB_cursor *cur;    /* kept with its transaction (mdb_cursor_renew) */
  uint8_t key[MAX_KEY];
} scratch_t;

typedef struct {
  shared_env_t *env;
  uint32_t ttl;
  unsigned nthreads;
  scratch_t *scratch; /* one per worker thread: no locking on the hot path */
} mimi_mod_t;

/* Canonical key of a name (mimi-lmdb(5)): labels right to left, lower-case,
 * each followed by a zero octet. Returns the length, or 0 if it cannot be
 * a key (a label with a zero octet, too many labels). */
static size_t name_key(const knot_dname_t *name, uint8_t *key) {
  const uint8_t *labels[KNOT_DNAME_MAXLABELS];
  size_t n = 0, o = 0;
  /* The query name is uncompressed wire (knotd decompressed it): the next
   * label follows this one. (knot_wire_next_label() takes the packet, and
   * Knot 3.4 and later declare it nonnull: NULL does not build there.) */
  for (const uint8_t *l = name; *l; l += 1 + *l) {
    if (n == KNOT_DNAME_MAXLABELS)
      return 0;
    labels[n++] = l;
  }
  while (n--) {
    const uint8_t *l = labels[n];
    for (uint8_t i = 1; i <= l[0]; i++) {
      uint8_t c = l[i];
      if (c == 0 || o + 2 > MAX_KEY)
        return 0;
      key[o++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
    }
    key[o++] = 0;
  }
  return o;
}

/* Add the RRs of type (any type for ANY) from a database value. Returns the
 * number added, or -1 for a malformed value or a packet error (*trunc set
 * when the packet is full). */
static int put_rrs(knot_pkt_t *pkt, knotd_qdata_t *qdata, const MDB_val *v,
                   uint16_t qtype, uint32_t ttl, int *trunc) {
  const uint8_t *p = v->mv_data;
  size_t len = v->mv_size, o = 0;
  knot_rrset_t *rr = NULL;
  int added = 0;

  while (o < len) {
    if (len - o < 4)
      goto bad;
    uint16_t type = (uint16_t)(p[o] << 8 | p[o + 1]);
    uint16_t rdlen = (uint16_t)(p[o + 2] << 8 | p[o + 3]);
    if (len - o - 4 < rdlen)
      goto bad;
    if (qtype == type || qtype == KNOT_RRTYPE_ANY) {
      /* Records of one type are stored together: one RRset per type. */
      if (rr && rr->type != type) {
        if (knot_pkt_put(pkt, 0, rr, KNOT_PF_FREE) != KNOT_EOK)
          goto put_failed;
        rr = NULL;
      }
      if (!rr && !(rr = knot_rrset_new(qdata->name, type, KNOT_CLASS_IN, ttl,
                                       &pkt->mm)))
        return -1;
      if (knot_rrset_add_rdata(rr, p + o + 4, rdlen, &pkt->mm) != KNOT_EOK)
        goto fail;
      added++;
    }
    o += 4 + (size_t)rdlen;
  }
  if (rr && knot_pkt_put(pkt, 0, rr, KNOT_PF_FREE) != KNOT_EOK)
    goto put_failed;
  return added;
put_failed:
  *trunc = 1;
fail:
bad:
  if (rr)
    knot_rrset_free(rr, &pkt->mm);
  return -1;
}

static knotd_in_state_t mimi_answer(knotd_in_state_t state, knot_pkt_t *pkt,
                                    knotd_qdata_t *qdata, knotd_mod_t *mod) {
  mimi_mod_t *m = knotd_mod_ctx(mod);
  scratch_t *s;
  MDB_val key, val;
  knotd_in_state_t out = state;
  size_t klen;
  int rc, trunc = 0;

  /* Only names the zone does not have: zone data wins. */
  if (state != KNOTD_IN_STATE_MISS || !m)
    return state;
  s = &m->scratch[qdata->params->thread_id % m->nthreads];
  if (!(klen = name_key(qdata->name, s->key)))
    return state;
  /* A fresh snapshot per query: live updates show at the next one. */
  if (s->txn) {
    rc = mdb_txn_renew(s->txn);
    if (rc == 0)
      rc = mdb_cursor_renew(s->txn, s->cur);
  } else {
    rc = mdb_txn_begin(m->env->env, NULL, MDB_RDONLY, &s->txn);
    if (rc == 0 && (rc = mdb_cursor_open(s->txn, m->env->rrsets, &s->cur)) != 0) {
      mdb_txn_abort(s->txn);
      s->txn = NULL;
    }
  }
  if (rc != 0) {
    qdata->rcode = KNOT_RCODE_SERVFAIL;
    return KNOTD_IN_STATE_ERROR;
  }
  /* One descent: the first key at or after the name. Equal: the name's
   * records; longer with the name's key as prefix: an empty non-terminal
   * (mimi-lmdb(5) keys sort parents before children); else not here. */
  key.mv_size = klen;
  key.mv_data = s->key;
  rc = mdb_cursor_get(s->cur, &key, &val, MDB_SET_RANGE);
  if (rc == 0 && key.mv_size == klen && memcmp(key.mv_data, s->key, klen) == 0) {
    int n = put_rrs(pkt, qdata, &val, knot_pkt_qtype(qdata->query), m->ttl, &trunc);
    if (n < 0) {
      if (trunc) {
        out = KNOTD_IN_STATE_TRUNC;
      } else {
        qdata->rcode = KNOT_RCODE_SERVFAIL;
        out = KNOTD_IN_STATE_ERROR;
      }
    } else {
      knot_wire_set_aa(pkt->wire);
      qdata->rcode = KNOT_RCODE_NOERROR;
      out = n ? KNOTD_IN_STATE_HIT : KNOTD_IN_STATE_NODATA;
    }
  } else if (rc == 0 || rc == MDB_NOTFOUND) {
    if (rc == 0 && key.mv_size > klen && memcmp(key.mv_data, s->key, klen) == 0) {
      knot_wire_set_aa(pkt->wire);
      qdata->rcode = KNOT_RCODE_NOERROR;
      out = KNOTD_IN_STATE_NODATA;
    }
  } else {
    qdata->rcode = KNOT_RCODE_SERVFAIL;
    out = KNOTD_IN_STATE_ERROR;
  }
  mdb_txn_reset(s->txn);
  return out;
}

/* ---- Configuration --------------------------------------------------------- */

static int check_database(knotd_conf_check_args_t *args) {
  char origin[KNOT_DNAME_TXT_MAXLEN + 1];
  const char *why = NULL;
  MDB_dbi rr, meta;
  /* MDB_NOLOCK: a check must not need write access to lock.mdb. */
  MDB_env *env = open_checked((const char *)args->data, MDB_NOLOCK, &rr, &meta,
                              origin, sizeof origin, &why);
  if (!env) {
    args->err_str = why;
    return KNOT_EINVAL;
  }
  mdb_env_close(env);
  return KNOT_EOK;
}

static const yp_item_t mimi_conf[] = {
    {MOD_DATABASE, YP_TSTR, YP_VNONE, YP_FNONE, {check_database}},
    {MOD_TTL, YP_TINT, YP_VINT = {0, INT32_MAX, 3600, YP_STIME}},
    {NULL}};

static int mimi_conf_check(knotd_conf_check_args_t *args) {
  knotd_conf_t db = knotd_conf_check_item(args, MOD_DATABASE);
  if (db.count == 0) {
    args->err_str = "no database specified (database: PATH)";
    return KNOT_EINVAL;
  }
  return KNOT_EOK;
}

static void free_instance(mimi_mod_t *m) {
  if (!m)
    return;
  if (m->scratch)
    for (unsigned i = 0; i < m->nthreads; i++) {
      if (m->scratch[i].cur)
        mdb_cursor_close(m->scratch[i].cur);
      if (m->scratch[i].txn)
        mdb_txn_abort(m->scratch[i].txn);
    }
  free(m->scratch);
  if (m->env)
    env_release(m->env);
  free(m);
}

static int mimi_load(knotd_mod_t *mod) {
  char origin[KNOT_DNAME_TXT_MAXLEN + 1] = "", zone[KNOT_DNAME_TXT_MAXLEN + 1];
  const char *why = NULL;
  mimi_mod_t *m = calloc(1, sizeof *m);
  knotd_conf_t conf;

  if (!m)
    return KNOT_ENOMEM;
  conf = knotd_conf_mod(mod, MOD_TTL);
  m->ttl = (uint32_t)conf.single.integer;
  m->nthreads = knotd_mod_threads(mod);
  if (m->nthreads == 0)
    m->nthreads = 1;
  if (!(m->scratch = calloc(m->nthreads, sizeof *m->scratch))) {
    free_instance(m);
    return KNOT_ENOMEM;
  }
  conf = knotd_conf_mod(mod, MOD_DATABASE);
  const char *path = conf.single.string;
  if (!(m->env = env_acquire(path, origin, sizeof origin, &why))) {
    knotd_mod_log(mod, LOG_ERR, "database %s: %s", path, why ? why : "error");
    free_instance(m);
    return KNOT_EINVAL;
  }
  /* The database must be for this zone (mimi-zonegen --origin). */
  if (!knot_dname_to_str(zone, knotd_mod_zone(mod), sizeof zone) ||
      strcasecmp(zone, origin) != 0) {
    knotd_mod_log(mod, LOG_ERR, "database %s holds the zone %s, not this one",
                  path, origin);
    free_instance(m);
    return KNOT_EINVAL;
  }
  knotd_mod_ctx_set(mod, m);
  knotd_mod_log(mod, LOG_INFO, "serving MIMI records from %s (ttl %u, %u threads)",
                path, (unsigned)m->ttl, m->nthreads);
  return knotd_mod_in_hook(mod, KNOTD_STAGE_ANSWER, mimi_answer);
}

static void mimi_unload(knotd_mod_t *mod) {
  /* No knotd_mod_log() or knotd_mod_zone() here: the zone may be gone. */
  free_instance(knotd_mod_ctx(mod));
}

KNOTD_MOD_API(mimi, KNOTD_MOD_FLAG_SCOPE_ZONE, mimi_load, mimi_unload, mimi_conf,
              mimi_conf_check);
