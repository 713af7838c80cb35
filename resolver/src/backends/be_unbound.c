/*
 * The libunbound backend: local DNSSEC validation (RFC 4033-4035).
 *
 * libunbound runs in thread mode (ub_ctx_async(ctx, 1)): one worker thread
 * owned by libunbound, never its fork mode. Answers arrive on ub_fd() and
 * are delivered by ub_process() from mimi_ctx_process(). libunbound has no
 * per-query timeout; the lookup engine enforces deadlines and cancels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unbound.h>

#include <ldns/ldns.h>

#include "backends/backend.h"

#define ROOT_ANCHOR "/usr/share/dns/root.key"

/* Key prefetch (see prefetch_keys()): ancestors asked per data query, at
 * most, from the trust anchor down; names remembered per worker (hashes in
 * an open-addressed table, cleared when three quarters full: forgetting
 * only costs a cache hit in libunbound). */
#define PREFETCH_DEPTH 8
#define PREFETCH_SLOTS 4096

typedef struct ubq ubq_t;

typedef struct {
  /* One libunbound context per worker: each has its own thread, so
   * validation (the cost of a cold lookup) runs on several cores. A name
   * always goes to the same one, so its cache serves it. */
  struct ub_ctx *ubs[MIMI_MAX_WORKERS];
  size_t nub;
  ubq_t *pending; /* every query whose callback may still fire */
  const char *server; /* for the trace: the forwarder, or NULL */
  char *server_store;
  int validating; /* trust anchors were given: "insecure" is then a proof */
  /* Owner names of the trust anchors (lower case, absolute), for the key
   * prefetch; per worker, the names whose keys were asked already. */
  char **anchors;
  size_t nanchors;
  uint64_t *asked[MIMI_MAX_WORKERS];
  size_t nasked[MIMI_MAX_WORKERS];
} ubb_t;

struct ubq {
  ubb_t *b;
  struct ub_ctx *ub;
  ubq_t *prev, *next;
  int async_id;
  int cancelled;
  mimi__answer_fn fn;
  void *arg;
};

static void unlink_q(ubq_t *q) {
  if (q->prev)
    q->prev->next = q->next;
  else
    q->b->pending = q->next;
  if (q->next)
    q->next->prev = q->prev;
}

static int set_opt(struct ub_ctx *ub, const char *opt, const char *val,
                   char *err, size_t errlen) {
  int rc = ub_ctx_set_option(ub, opt, val);
  if (rc != 0)
    mimi__seterr(err, errlen, "libunbound option %s %s: %s", opt, val,
                 ub_strerror(rc));
  return rc == 0;
}

/* Zones unbound answers locally by default that a deployment or a test
 * may really serve (RFC 6761 names); they must reach the servers. */
static const char *const special_zones[] = {"test.", "invalid.", "onion.",
                                            "home.arpa.", "local."};

static int under(const char *name, const char *zone) {
  size_t n = strlen(name), z = strlen(zone);
  if (n < z || mimi__strncaseeq(name + n - z, zone, z) == 0)
    return 0;
  return n == z || name[n - z - 1] == '.';
}

/* Every trust anchor, read and checked once for all workers (see
 * trust_anchor.c: libunbound never reads one itself). */
static mimi_status_t load_anchors(const mimi__be_config_t *cfg, mimi__tas_t *t, char *err,
                                  size_t errlen) {
  mimi_status_t st = MIMI_OK;
  if (cfg->policy != MIMI_POLICY_OFF && !cfg->ntas && !cfg->nta_files) {
    FILE *f = fopen(ROOT_ANCHOR, "r");
    if (!f) {
      mimi__seterr(err, errlen, "no trust anchor: add one (DS or DNSKEY), or "
                   "install the root anchor (package dns-root-data, %s), or "
                   "set the DNSSEC policy to off", ROOT_ANCHOR);
      return MIMI_ECONFIG;
    }
    fclose(f);
    st = mimi__ta_add_file(t, ROOT_ANCHOR, err, errlen);
  }
  for (size_t i = 0; st == MIMI_OK && i < cfg->ntas; i++)
    st = mimi__ta_add(t, cfg->tas[i], i, err, errlen);
  for (size_t i = 0; st == MIMI_OK && i < cfg->nta_files; i++)
    st = mimi__ta_add_file(t, cfg->ta_files[i], err, errlen);
  return st;
}

static mimi_status_t configure(ubb_t *b, struct ub_ctx *ub, const mimi__be_config_t *cfg,
                               const mimi__tas_t *tas, char *err,
                               size_t errlen) {
  char num[32];
  int loopback = 0, rc;

  /* Trust-anchor signalling (RFC 8145) tells every resolver on the way
   * which anchors this client holds, and costs a query per anchor. */
  if (!set_opt(ub, "trust-anchor-signaling:", "no", err, errlen) ||
      !set_opt(ub, "qname-minimisation:", "no", err, errlen) ||
      !set_opt(ub, "val-log-level:", "2", err, errlen) ||
      !set_opt(ub, "verbosity:", "0", err, errlen) ||
      !set_opt(ub, "use-syslog:", "no", err, errlen))
    return MIMI_ECONFIG;
  if ((cfg->transport & MIMI_TRANSPORT_IPV4 &&
       !set_opt(ub, "do-ip6:", "no", err, errlen)) ||
      (cfg->transport & MIMI_TRANSPORT_IPV6 &&
       !set_opt(ub, "do-ip4:", "no", err, errlen)) ||
      (cfg->transport & MIMI_TRANSPORT_TCP &&
       !set_opt(ub, "tcp-upstream:", "yes", err, errlen)))
    return MIMI_ECONFIG;
  snprintf(num, sizeof num, "%zu", cfg->cache_bytes / cfg->workers);
  if (!set_opt(ub, "msg-cache-size:", num, err, errlen))
    return MIMI_ECONFIG;
  snprintf(num, sizeof num, "%zu", cfg->cache_bytes * 2 / cfg->workers);
  if (!set_opt(ub, "rrset-cache-size:", num, err, errlen))
    return MIMI_ECONFIG;

  for (size_t i = 0; i < cfg->nservers; i++) {
    loopback |= mimi__server_is_loopback(cfg->servers[i]);
    if ((rc = ub_ctx_set_fwd(ub, cfg->servers[i])) != 0) {
      mimi__seterr(err, errlen, "server %s: %s", cfg->servers[i], ub_strerror(rc));
      return MIMI_ECONFIG;
    }
  }
  if (cfg->nservers)
    b->server = cfg->servers[0];
  for (size_t i = 0; i < cfg->nstubs; i++) {
    loopback |= mimi__server_is_loopback(cfg->stubs[i].server);
    if ((rc = ub_ctx_set_stub(ub, cfg->stubs[i].zone, cfg->stubs[i].server,
                              0)) != 0) {
      mimi__seterr(err, errlen, "stub %s=%s: %s", cfg->stubs[i].zone,
                   cfg->stubs[i].server, ub_strerror(rc));
      return MIMI_ECONFIG;
    }
  }
  /* Test and lab set-ups serve from 127.0.0.1; unbound refuses by default. */
  if (loopback && !set_opt(ub, "do-not-query-localhost:", "no", err, errlen))
    return MIMI_ECONFIG;

  for (size_t i = 0; i < tas->n; i++) {
    if ((rc = ub_ctx_add_ta(ub, tas->rr[i])) != 0) {
      mimi__seterr(err, errlen, "trust anchor %s: %s", tas->rr[i],
                   ub_strerror(rc));
      return MIMI_ECONFIG;
    }
  }
  if ((rc = ub_ctx_async(ub, 1)) != 0) {
    mimi__seterr(err, errlen, "libunbound thread mode: %s", ub_strerror(rc));
    return MIMI_ECONFIG;
  }

  /*
   * Removing a local zone finalises the context, so it comes last. Then a
   * query for "localhost." (answered locally, nothing is sent) forces
   * finalisation now (trust anchors were checked before: see load_anchors).
   */
  for (size_t z = 0; z < sizeof special_zones / sizeof *special_zones; z++) {
    int need = 0;
    for (size_t i = 0; i < cfg->nstubs; i++)
      need |= under(cfg->stubs[i].zone, special_zones[z]);
    for (size_t i = 0; i < cfg->napexes; i++) {
      char a[MIMI_MAX_HOST + 2];
      snprintf(a, sizeof a, "%s.", cfg->apexes[i]);
      need |= under(a, special_zones[z]);
    }
    need |= cfg->nservers > 0; /* a forwarder may serve any name */
    if (need)
      (void)ub_ctx_zone_remove(ub, special_zones[z]);
  }
  struct ub_result *r = NULL;
  rc = ub_resolve(ub, "localhost.", 1, 1, &r);
  if (r)
    ub_resolve_free(r);
  if (rc != 0) {
    mimi__seterr(err, errlen, "libunbound could not start (check the trust "
                 "anchors): %s", ub_strerror(rc));
    return MIMI_ECONFIG;
  }
  return MIMI_OK;
}

static void ubb_stop(void *be);

/* The owner name of each anchor (its first field), once each. */
static mimi_status_t keep_anchor_names(ubb_t *b, const mimi__tas_t *tas) {
  if (tas->n && !(b->anchors = calloc(tas->n, sizeof *b->anchors)))
    return MIMI_ENOMEM;
  for (size_t i = 0; i < tas->n; i++) {
    size_t n = strcspn(tas->rr[i], " \t");
    char *name = mimi__strndup(tas->rr[i], n);
    int dup = 0;
    if (!name)
      return MIMI_ENOMEM;
    for (char *p = name; *p; p++)
      *p = (char)mimi__ascii_lower((unsigned char)*p);
    for (size_t j = 0; j < b->nanchors; j++)
      dup |= strcmp(b->anchors[j], name) == 0;
    if (dup)
      free(name);
    else
      b->anchors[b->nanchors++] = name;
  }
  for (size_t w = 0; b->nanchors && w < b->nub; w++)
    if (!(b->asked[w] = calloc(PREFETCH_SLOTS, sizeof *b->asked[w])))
      return MIMI_ENOMEM;
  return MIMI_OK;
}

static mimi_status_t ubb_start(const mimi__be_config_t *cfg, void **be, char *err,
                               size_t errlen) {
  ubb_t *b = calloc(1, sizeof *b);
  mimi__tas_t tas = {0};
  mimi_status_t st;
  *be = NULL;
  if (!b)
    return MIMI_ENOMEM;
  if ((st = load_anchors(cfg, &tas, err, errlen)) != MIMI_OK) {
    mimi__ta_clear(&tas);
    free(b);
    return st;
  }
  for (size_t i = 0; i < cfg->workers; i++) {
    if (!(b->ubs[i] = ub_ctx_create())) {
      mimi__seterr(err, errlen, "libunbound: cannot create a context");
      mimi__ta_clear(&tas);
      ubb_stop(b);
      return MIMI_ENOMEM;
    }
    b->nub++;
    if ((st = configure(b, b->ubs[i], cfg, &tas, err, errlen)) != MIMI_OK) {
      mimi__ta_clear(&tas);
      ubb_stop(b);
      return st;
    }
  }
  b->validating = tas.n > 0;
  if ((st = keep_anchor_names(b, &tas)) != MIMI_OK) {
    mimi__ta_clear(&tas);
    ubb_stop(b);
    return st;
  }
  mimi__ta_clear(&tas);
  *be = b;
  return MIMI_OK;
}

static void ubb_stop(void *be) {
  ubb_t *b = be;
  for (size_t i = 0; i < b->nub; i++)
    ub_ctx_delete(b->ubs[i]); /* no callback fires after this */
  while (b->pending) {
    ubq_t *q = b->pending;
    unlink_q(q);
    free(q);
  }
  for (size_t i = 0; i < b->nanchors; i++)
    free(b->anchors[i]);
  free(b->anchors);
  for (size_t w = 0; w < MIMI_MAX_WORKERS; w++)
    free(b->asked[w]);
  free(b->server_store);
  free(b);
}

static void ub_done(void *mydata, int err, struct ub_result *r) {
  ubq_t *q = mydata;
  mimi__answer_t a;
  memset(&a, 0, sizeof a);
  unlink_q(q);
  if (q->cancelled)
    goto done;
  a.server = q->b->server;
  if (err != 0 || !r) {
    a.rcode = -1;
    a.fail = MIMI_FAIL_NETWORK;
    a.why = ub_strerror(err);
    q->fn(q->arg, &a);
    goto done;
  }
  a.rcode = r->rcode;
  /* A bogus answer has havedata=1 too: only "secure" means validated.
   * "insecure" claims a proof of no signatures (PROFILE §6): there is none
   * without a trust anchor, nor in an error rcode (SERVFAIL, REFUSED...),
   * which is then "unchecked". */
  a.sec = r->secure ? MIMI_DNSSEC_SECURE
          : r->bogus ? MIMI_DNSSEC_BOGUS
          : !q->b->validating || (r->rcode != 0 && r->rcode != 3)
              ? MIMI_DNSSEC_UNCHECKED
              : MIMI_DNSSEC_INSECURE;
  a.why = r->why_bogus;
  a.ttl = (uint32_t)(r->ttl < 0 ? 0 : r->ttl);
  if (r->havedata && a.sec != MIMI_DNSSEC_BOGUS) {
    size_t n = 0;
    while (r->data[n])
      n++;
    /* libunbound gives char** and int*; the engine wants octets and sizes. */
    const uint8_t **rd = calloc(n ? n : 1, sizeof *rd);
    size_t *len = calloc(n ? n : 1, sizeof *len);
    if (!rd || !len) {
      free(rd);
      free(len);
      a.rcode = -1;
      a.fail = MIMI_FAIL_INTERNAL;
      a.why = "out of memory";
      q->fn(q->arg, &a);
      goto done;
    }
    for (size_t i = 0; i < n; i++) {
      rd[i] = (const uint8_t *)r->data[i];
      len[i] = r->len[i] < 0 ? 0 : (size_t)r->len[i];
    }
    a.n = n;
    a.rdata = rd;
    a.rdlen = len;
    q->fn(q->arg, &a);
    free(rd);
    free(len);
    goto done;
  }
  q->fn(q->arg, &a);
done:
  if (r)
    ub_resolve_free(r);
  free(q);
}

static uint64_t name_hash(const char *name) {
  /* FNV-1a of the lower-cased name. */
  uint64_t h = 1469598103934665603ULL;
  for (const char *p = name; *p; p++)
    h = (h ^ (uint8_t)mimi__ascii_lower((unsigned char)*p)) * 1099511628211ULL;
  return h;
}

/* Nonzero if the worker asked for the keys at this name before; else
 * remember that it has now. */
static int asked_before(ubb_t *b, size_t w, const char *name) {
  uint64_t *t = b->asked[w], h = name_hash(name) | 1; /* 0: a free slot */
  size_t i = h % PREFETCH_SLOTS;
  while (t[i]) {
    if (t[i] == h)
      return 1;
    i = (i + 1) % PREFETCH_SLOTS;
  }
  if (++b->nasked[w] > PREFETCH_SLOTS * 3 / 4) {
    memset(t, 0, PREFETCH_SLOTS * sizeof *t);
    b->nasked[w] = 1;
    i = h % PREFETCH_SLOTS;
  }
  t[i] = h;
  return 0;
}

static void prefetch_done(void *arg, int err, struct ub_result *r) {
  (void)arg;
  (void)err;
  if (r)
    ub_resolve_free(r); /* only its effect counts: the keys in the cache */
}

static int is_anchor(const ubb_t *b, const char *name) {
  for (size_t i = 0; i < b->nanchors; i++)
    if (strcasecmp(b->anchors[i], name) == 0)
      return 1;
  return 0;
}

/*
 * libunbound's validator fetches the keys of a chain one zone at a time,
 * each only once the answer above it is in (DNSKEY of the anchor, DS of
 * the child, its DNSKEY, ...): a round trip per step. Asking at once for
 * the DNSKEY and DS of every name between the closest anchor and the name
 * about to be queried puts them all on the wire together, before the data
 * query, so that when its answer arrives the chain is in the cache (the
 * answers are processed in arrival order: keys first). Which of those
 * names are zone cuts is not known; one that is none costs a denial from
 * the zone above. Per worker each name once; at most PREFETCH_DEPTH names
 * below the anchor per query (bounded work for names taken from answers).
 */
static void prefetch_keys(ubb_t *b, size_t w, const char *name) {
  const char *up[MIMI_MAX_NAME_WIRE / 2 + 2]; /* proper ancestors, deepest first */
  size_t n = 0, a;
  if (!b->asked[w])
    return;
  for (size_t i = 1; name[i] && n < sizeof up / sizeof *up - 1; i++)
    if (name[i - 1] == '.')
      up[n++] = name + i;
  if (strcmp(name, ".") != 0)
    up[n++] = ".";
  for (a = 0; a < n && !is_anchor(b, up[a]); a++)
    ;
  if (a == n)
    return; /* under no anchor: nothing to validate */
  for (size_t j = a + 1, c = 0; j-- > 0 && c <= PREFETCH_DEPTH; c++) {
    /* Service labels (_mimi, _tcp, _443: RFC 8552) and ENUM digits are
     * seldom zone cuts: the validator finds those few itself. */
    if (j != a && (up[j][0] == '_' || (up[j][0] >= '0' && up[j][0] <= '9' &&
                                       up[j][1] == '.')))
      continue;
    if (asked_before(b, w, up[j]))
      continue;
    (void)ub_resolve_async(b->ubs[w], up[j], 48 /* DNSKEY */, 1, NULL,
                           prefetch_done, NULL);
    if (j != a) /* the anchor's DS is the anchor */
      (void)ub_resolve_async(b->ubs[w], up[j], 43 /* DS */, 1, NULL,
                             prefetch_done, NULL);
  }
}

static mimi_status_t ubb_query(void *be, const char *name, uint16_t qtype,
                               mimi__answer_fn fn, void *arg, void **qid) {
  ubb_t *b = be;
  ubq_t *q = calloc(1, sizeof *q);
  int rc;
  if (!q)
    return MIMI_ENOMEM;
  q->b = b;
  q->fn = fn;
  q->arg = arg;
  /* A hash of the name picks the worker (its cache then serves it). */
  size_t w = name_hash(name) % b->nub;
  q->ub = b->ubs[w];
  if (b->validating)
    prefetch_keys(b, w, name);
  rc = ub_resolve_async(q->ub, name, qtype, 1 /* IN */, q, ub_done, &q->async_id);
  if (rc != 0) {
    free(q);
    return rc == UB_NOMEM ? MIMI_ENOMEM : MIMI_ECONFIG;
  }
  q->next = b->pending;
  if (b->pending)
    b->pending->prev = q;
  b->pending = q;
  *qid = q;
  return MIMI_OK;
}

static void ubb_cancel(void *be, void *qid) {
  ubb_t *b = be;
  ubq_t *q = qid;
  /* UB_NOERROR: the callback will not fire, free now. Otherwise the answer
   * is already on its way: let ub_done() drop it and free. */
  (void)b;
  if (ub_cancel(q->ub, q->async_id) == 0) {
    unlink_q(q);
    free(q);
  } else {
    q->cancelled = 1;
  }
}

static size_t ubb_pollfds(void *be, struct pollfd *fds, size_t n) {
  ubb_t *b = be;
  for (size_t i = 0; i < b->nub && i < n; i++) {
    fds[i].fd = ub_fd(b->ubs[i]);
    fds[i].events = POLLIN;
    fds[i].revents = 0;
  }
  return b->nub;
}

static int ubb_timeout(void *be) {
  ubb_t *b = be;
  for (size_t i = 0; i < b->nub; i++)
    if (ub_poll(b->ubs[i]))
      return 0;
  return -1;
}

static void ubb_process(void *be) {
  ubb_t *b = be;
  for (size_t i = 0; i < b->nub; i++)
    if (ub_poll(b->ubs[i]))
      (void)ub_process(b->ubs[i]);
}

const mimi__backend_t mimi__backend_unbound = {
    "unbound", ubb_start, ubb_stop, ubb_query, ubb_cancel,
    ubb_pollfds, ubb_timeout, ubb_process,
};
