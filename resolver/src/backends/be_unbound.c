/* SPDX-License-Identifier: MIT */
/*
 * The libunbound backend: local DNSSEC validation (RFC 4033-4035).
 *
 * libunbound runs in thread mode (ub_ctx_async(ctx, 1)): one worker thread
 * owned by libunbound, never its fork mode. Answers arrive on ub_fd() and
 * are delivered by ub_process() from mimi_ctx_process(). libunbound has no
 * per-query timeout; the lookup engine enforces deadlines and cancels.
 */
#include <errno.h>
#include <stdarg.h>
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
  int done, secure;
  char why[256];
} probe_t;

typedef struct {
  /* One libunbound context per worker: each has its own thread, so
   * validation (the cost of a cold lookup) runs on several cores. A name
   * always goes to the same one, so its cache serves it. */
  struct ub_ctx *ubs[MIMI_MAX_WORKERS];
  size_t nub;
  ubq_t *pending; /* every query whose callback may still fire */
  const char *server; /* for the trace: the forwarder, or NULL */
  char *server_store;
  /* Without servers given: the system's resolvers (when they pass the
   * DNSSEC check), or iteration from the root. path says which, in words. */
  char *sys[MIMI_MAX_SERVERS];
  size_t nsys;
  char *path;
  /* The system's resolvers are checked (RFC 8027) at the first query, not
   * at start (starting sends nothing); queries wait in `queued` until the
   * check ends. */
  enum { UB_READY, UB_CHECK_DUE, UB_CHECKING } state;
  const mimi__be_config_t *cfg; /* the engine's, valid until stop */
  mimi__tas_t tas;              /* kept for the workers made after the check */
  struct ub_ctx *probe;
  int probe_id;
  int64_t probe_end;
  probe_t pr;
  char probe_owner[MIMI_MAX_HOST + 2];
  ubq_t *queued;
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
  char *name;         /* while queued: what to ask */
  uint16_t qtype;
  int queued;
  int async_id;
  int cancelled;
  mimi__answer_fn fn;
  void *arg;
};

static void unlink_q(ubq_t *q) {
  if (q->prev)
    q->prev->next = q->next;
  else if (q->queued)
    q->b->queued = q->next;
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
   * which anchors this client holds, and costs a query per anchor.
   * prefetch-key: when iterating (from the root, or to the servers of a
   * stub zone), unbound asks for a signed zone's DNSKEY together with the
   * first query it sends to that zone's servers, instead of when the
   * validator needs it. Through a forwarder (the servers given, the
   * system's resolvers) unbound skips that step (seen with verbosity 4:
   * no "schedule dnskey prefetch"); the key prefetch below covers it. */
  if (!set_opt(ub, "trust-anchor-signaling:", "no", err, errlen) ||
      !set_opt(ub, "qname-minimisation:", "no", err, errlen) ||
      !set_opt(ub, "val-log-level:", "2", err, errlen) ||
      !set_opt(ub, "verbosity:", "0", err, errlen) ||
      !set_opt(ub, "use-syslog:", "no", err, errlen) ||
      !set_opt(ub, "prefetch-key:", "yes", err, errlen))
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

  /* The forwarders: the servers given, or without them the system's
   * resolvers when they are used (b->sys is only filled then). */
  char *const *fwd = cfg->nservers ? cfg->servers : b->sys;
  size_t nfwd = cfg->nservers ? cfg->nservers : b->nsys;
  for (size_t i = 0; i < nfwd; i++) {
    loopback |= mimi__server_is_loopback(fwd[i]);
    if ((rc = ub_ctx_set_fwd(ub, fwd[i])) != 0) {
      mimi__seterr(err, errlen, "%s %s: %s", cfg->nservers ? "server" : "system resolver",
                   fwd[i], ub_strerror(rc));
      return MIMI_ECONFIG;
    }
  }
  if (nfwd)
    b->server = fwd[0];
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

static void probe_done(void *arg, int err, struct ub_result *r) {
  probe_t *p = arg;
  p->done = 1;
  p->secure = err == 0 && r && r->secure && r->havedata && r->rcode == 0;
  snprintf(p->why, sizeof p->why, "%s", err ? ub_strerror(err)
                                   : r && r->why_bogus ? r->why_bogus
                                   : r && r->rcode ? "an error rcode"
                                   : r && !r->havedata ? "no DNSKEY in it"
                                   : r && !r->secure ? "unsigned"
                                                     : "");
  if (r)
    ub_resolve_free(r);
}

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
  for (size_t w = 0; b->nanchors && w < b->cfg->workers; w++)
    if (!(b->asked[w] = calloc(PREFETCH_SLOTS, sizeof *b->asked[w])))
      return MIMI_ENOMEM;
  return MIMI_OK;
}

/* The resolvers the system is configured with ("nameserver" lines of
 * resolv.conf(5); MIMI_RESOLV_CONF names another file), of the family
 * asked for, normalised; at most MIMI_MAX_SERVERS. */
static void read_resolv_conf(ubb_t *b, const mimi__be_config_t *cfg,
                             const char *file) {
  FILE *f = fopen(file, "r");
  char line[512];
  if (!f)
    return;
  while (b->nsys < MIMI_MAX_SERVERS && fgets(line, sizeof line, f)) {
    char *p = line, *addr, *norm = NULL;
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncmp(p, "nameserver", 10) != 0 || (p[10] != ' ' && p[10] != '\t'))
      continue;
    addr = p + 10;
    addr += strspn(addr, " \t");
    addr[strcspn(addr, " \t\r\n#;%")] = '\0'; /* no IPv6 zone index */
    if (mimi__server_parse(addr, &norm, NULL, 0) != MIMI_OK)
      continue; /* not an address: ignored, as the C library does */
    if (!mimi__server_in_family(norm, cfg->transport)) {
      free(norm);
      continue;
    }
    b->sys[b->nsys++] = norm;
  }
  fclose(f);
}

/* The workers (libunbound contexts), configured for the path chosen: the
 * servers given, the system's resolvers (b->sys), or iteration. */
static mimi_status_t make_workers(ubb_t *b, char *err, size_t errlen) {
  mimi_status_t st;
  for (size_t i = 0; i < b->nub; i++)
    ub_ctx_delete(b->ubs[i]);
  b->nub = 0;
  for (size_t i = 0; i < b->cfg->workers; i++) {
    if (!(b->ubs[i] = ub_ctx_create())) {
      mimi__seterr(err, errlen, "libunbound: cannot create a context");
      return MIMI_ENOMEM;
    }
    b->nub++;
    if ((st = configure(b, b->ubs[i], b->cfg, &b->tas, err, errlen)) != MIMI_OK)
      return st;
  }
  return MIMI_OK;
}

static mimi_status_t set_path(ubb_t *b, const char *fmt, ...) MIMI_PRINTF(2, 3);
static mimi_status_t set_path(ubb_t *b, const char *fmt, ...) {
  char buf[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  free(b->path);
  return (b->path = mimi__strdup(buf)) ? MIMI_OK : MIMI_ENOMEM;
}

static void sys_list(const ubb_t *b, char *buf, size_t len) {
  buf[0] = '\0';
  for (size_t i = 0; i < b->nsys && strlen(buf) + 50 < len; i++)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", b->sys[i]);
}

static const char *resolv_conf_file(void) {
  const char *file = getenv("MIMI_RESOLV_CONF");
  return file && *file ? file : "/etc/resolv.conf";
}

/*
 * RFC 8027 (DNSSEC roadblock avoidance): a resolver on the path may strip
 * signatures, refuse DNSKEY or DS queries, or fail on the DO bit. Before
 * the system's resolvers serve validating lookups, they are asked for the
 * DNSKEY of the first trust anchor's zone, validated here: only a secure
 * answer within the lookup timeout (at most 3 s) lets them be used; else
 * the lookups iterate from the root. Sent with the first query, so that
 * starting a context sends nothing.
 */
static void check_send(ubb_t *b) {
  size_t n = strcspn(b->tas.rr[0], " \t");
  char *owner = b->probe_owner;
  int loopback = 0;
  snprintf(owner, sizeof b->probe_owner, "%.*s",
           (int)(n < sizeof b->probe_owner - 1 ? n : sizeof b->probe_owner - 1),
           b->tas.rr[0]);
  b->state = UB_CHECKING;
  b->probe_end = mimi__now_ms() + (b->cfg->timeout_ms < 3000 ? b->cfg->timeout_ms : 3000);
  memset(&b->pr, 0, sizeof b->pr);
  if (!(b->probe = ub_ctx_create())) {
    b->pr.done = 1;
    snprintf(b->pr.why, sizeof b->pr.why, "out of memory");
    return;
  }
  for (size_t i = 0; i < b->nsys; i++) {
    loopback |= mimi__server_is_loopback(b->sys[i]);
    (void)ub_ctx_set_fwd(b->probe, b->sys[i]);
  }
  (void)ub_ctx_set_option(b->probe, "trust-anchor-signaling:", "no");
  (void)ub_ctx_set_option(b->probe, "verbosity:", "0");
  (void)ub_ctx_set_option(b->probe, "val-log-level:", "0");
  if (loopback)
    (void)ub_ctx_set_option(b->probe, "do-not-query-localhost:", "no");
  for (size_t i = 0; i < b->tas.n; i++)
    (void)ub_ctx_add_ta(b->probe, b->tas.rr[i]);
  if (ub_ctx_async(b->probe, 1) != 0 ||
      ub_resolve_async(b->probe, owner, 48 /* DNSKEY */, 1, &b->pr, probe_done,
                       &b->probe_id) != 0) {
    b->pr.done = 1;
    snprintf(b->pr.why, sizeof b->pr.why, "cannot ask them");
  }
}

static void send_q(ubb_t *b, ubq_t *q);

/* The check has ended: choose the path, make the workers, send what
 * waited. Callbacks may fire (from process()). */
static void check_done(ubb_t *b) {
  char list[200], err[MIMI_ERRLEN] = "";
  mimi_status_t st = MIMI_OK;
  sys_list(b, list, sizeof list);
  if (b->probe) {
    if (!b->pr.done)
      (void)ub_cancel(b->probe, b->probe_id);
    ub_ctx_delete(b->probe); /* probe_done never fires after this */
    b->probe = NULL;
  }
  if (b->pr.done && b->pr.secure) {
    st = set_path(b, "the system's resolvers (%s, from %s), answers validated here",
                  list, resolv_conf_file());
    if (st == MIMI_OK)
      st = make_workers(b, err, sizeof err);
  } else {
    if (b->pr.done)
      st = set_path(b, "iteration from the root servers: the system's resolvers (%s) "
                    "fail the DNSSEC check (RFC 8027): their answer for %s DNSKEY "
                    "does not validate (%s)", list, b->probe_owner, b->pr.why);
    else
      st = set_path(b, "iteration from the root servers: the system's resolvers (%s) "
                    "fail the DNSSEC check (RFC 8027): no answer for %s DNSKEY in %u ms",
                    list, b->probe_owner,
                    b->cfg->timeout_ms < 3000 ? b->cfg->timeout_ms : 3000);
    for (size_t i = 0; i < b->nsys; i++)
      free(b->sys[i]);
    b->nsys = 0; /* the workers made at start iterate already */
  }
  b->state = UB_READY;
  mimi__ta_clear(&b->tas);
  while (b->queued) {
    ubq_t *q = b->queued;
    unlink_q(q);
    q->queued = 0;
    if (st != MIMI_OK) {
      mimi__answer_failed(q->fn, q->arg, MIMI_FAIL_INTERNAL, err[0] ? err : "out of memory",
                          NULL);
      free(q->name);
      free(q);
      continue;
    }
    send_q(b, q);
  }
}

static mimi_status_t ubb_start(const mimi__be_config_t *cfg, void **be, char *err,
                               size_t errlen) {
  ubb_t *b = calloc(1, sizeof *b);
  mimi_status_t st;
  char list[200];
  *be = NULL;
  if (!b)
    return MIMI_ENOMEM;
  b->cfg = cfg;
  if ((st = load_anchors(cfg, &b->tas, err, errlen)) != MIMI_OK) {
    ubb_stop(b);
    return st;
  }
  b->validating = b->tas.n > 0;
  if ((st = keep_anchor_names(b, &b->tas)) != MIMI_OK) {
    ubb_stop(b);
    return st;
  }
  /* The workers as they iterate (or use the servers given): every option
   * and anchor is checked now; the system's resolvers, when they pass the
   * check, replace them at the first query. */
  if ((st = make_workers(b, err, errlen)) != MIMI_OK) {
    ubb_stop(b);
    return st;
  }
  if (cfg->nservers) {
    st = set_path(b, "the servers given (%s%s)", cfg->servers[0],
                  cfg->nservers > 1 ? ", ..." : "");
  } else {
    read_resolv_conf(b, cfg, resolv_conf_file());
    sys_list(b, list, sizeof list);
    if (!b->nsys) {
      st = set_path(b, "iteration from the root servers (no resolver in %s)",
                    resolv_conf_file());
    } else if (!b->validating) {
      st = set_path(b, "the system's resolvers (%s, from %s)", list, resolv_conf_file());
      if (st == MIMI_OK)
        st = make_workers(b, err, errlen);
    } else {
      b->state = UB_CHECK_DUE;
      st = set_path(b, "the system's resolvers (%s, from %s) if they pass a DNSSEC "
                    "check at the first query (RFC 8027), else iteration from the "
                    "root servers", list, resolv_conf_file());
    }
  }
  if (st != MIMI_OK) {
    ubb_stop(b);
    return st;
  }
  if (b->state == UB_READY)
    mimi__ta_clear(&b->tas);
  *be = b;
  return MIMI_OK;
}

static void ubb_stop(void *be) {
  ubb_t *b = be;
  for (size_t i = 0; i < b->nub; i++)
    ub_ctx_delete(b->ubs[i]); /* no callback fires after this */
  if (b->probe)
    ub_ctx_delete(b->probe);
  while (b->pending) {
    ubq_t *q = b->pending;
    unlink_q(q);
    free(q);
  }
  while (b->queued) {
    ubq_t *q = b->queued;
    unlink_q(q);
    free(q->name);
    free(q);
  }
  mimi__ta_clear(&b->tas);
  for (size_t i = 0; i < b->nanchors; i++)
    free(b->anchors[i]);
  free(b->anchors);
  for (size_t w = 0; w < MIMI_MAX_WORKERS; w++)
    free(b->asked[w]);
  for (size_t i = 0; i < b->nsys; i++)
    free(b->sys[i]);
  free(b->path);
  free(b->server_store);
  free(b);
}

static const char *ubb_path(void *be) {
  return ((ubb_t *)be)->path;
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
    mimi__answer_failed(q->fn, q->arg, MIMI_FAIL_NETWORK, ub_strerror(err), a.server);
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
 *
 * Order: top down, and at each name the DS before the DNSKEY, i.e. the
 * order in which the validator uses them (RFC 4035 section 5: a DNSKEY
 * RRset is authenticated by the DS above it). Each prefetched answer is
 * validated when it is processed; if what its validation needs has not
 * been processed yet, the validator asks for it again itself, with the CD
 * bit (not the same query, so it waits for a new round trip). With the
 * DNSKEY before the DS, that happened at every level (measured: the DS of
 * every zone on the chain asked twice, +1 round trip).
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
    if (j != a && /* the anchor's DS is the anchor */
        ub_resolve_async(b->ubs[w], up[j], MIMI_RR_DS, 1, NULL,
                         prefetch_done, NULL) == 0 && b->cfg->sent_along)
      b->cfg->sent_along(b->cfg->sent_along_arg, up[j], MIMI_RR_DS);
    if (ub_resolve_async(b->ubs[w], up[j], MIMI_RR_DNSKEY, 1, NULL,
                         prefetch_done, NULL) == 0 && b->cfg->sent_along)
      b->cfg->sent_along(b->cfg->sent_along_arg, up[j], MIMI_RR_DNSKEY);
  }
}

static void push_q(ubq_t **head, ubq_t *q) {
  q->prev = NULL;
  q->next = *head;
  if (*head)
    (*head)->prev = q;
  *head = q;
}

/* Hand a query to its worker: from ubb_query(), or after the check. */
static int resolve_q(ubb_t *b, ubq_t *q, const char *name, uint16_t qtype) {
  /* A hash of the name picks the worker (its cache then serves it). */
  size_t w = name_hash(name) % b->nub;
  q->ub = b->ubs[w];
  if (b->validating)
    prefetch_keys(b, w, name);
  return ub_resolve_async(q->ub, name, qtype, 1 /* IN */, q, ub_done, &q->async_id);
}

static void send_q(ubb_t *b, ubq_t *q) {
  int rc = resolve_q(b, q, q->name, q->qtype);
  free(q->name);
  q->name = NULL;
  if (rc != 0) {
    mimi__answer_failed(q->fn, q->arg, MIMI_FAIL_INTERNAL, ub_strerror(rc), NULL);
    free(q);
    return;
  }
  push_q(&b->pending, q);
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
  if (b->state != UB_READY) {
    /* Waits for the check of the system's resolvers (sent now, once). */
    if (!(q->name = mimi__strdup(name))) {
      free(q);
      return MIMI_ENOMEM;
    }
    q->qtype = qtype;
    q->queued = 1;
    push_q(&b->queued, q);
    if (b->state == UB_CHECK_DUE)
      check_send(b);
    *qid = q;
    return MIMI_OK;
  }
  if ((rc = resolve_q(b, q, name, qtype)) != 0) {
    free(q);
    return rc == UB_NOMEM ? MIMI_ENOMEM : MIMI_ECONFIG;
  }
  push_q(&b->pending, q);
  *qid = q;
  return MIMI_OK;
}

static void ubb_cancel(void *be, void *qid) {
  ubb_t *b = be;
  ubq_t *q = qid;
  /* UB_NOERROR: the callback will not fire, free now. Otherwise the answer
   * is already on its way: let ub_done() drop it and free. */
  (void)b;
  if (q->queued) {
    unlink_q(q);
    free(q->name);
    free(q);
  } else if (ub_cancel(q->ub, q->async_id) == 0) {
    unlink_q(q);
    free(q);
  } else {
    q->cancelled = 1;
  }
}

static size_t ubb_pollfds(void *be, struct pollfd *fds, size_t n) {
  ubb_t *b = be;
  if (b->state == UB_CHECKING) {
    if (n && b->probe) {
      fds[0].fd = ub_fd(b->probe);
      fds[0].events = POLLIN;
      fds[0].revents = 0;
    }
    return b->probe ? 1 : 0;
  }
  for (size_t i = 0; i < b->nub && i < n; i++) {
    fds[i].fd = ub_fd(b->ubs[i]);
    fds[i].events = POLLIN;
    fds[i].revents = 0;
  }
  return b->nub;
}

static int ubb_timeout(void *be) {
  ubb_t *b = be;
  if (b->state == UB_CHECKING) {
    int64_t left = b->probe_end - mimi__now_ms();
    if (b->pr.done || !b->probe || ub_poll(b->probe) || left <= 0)
      return 0;
    return left > 60000 ? 60000 : (int)left;
  }
  for (size_t i = 0; i < b->nub; i++)
    if (ub_poll(b->ubs[i]))
      return 0;
  return -1;
}

static void ubb_process(void *be) {
  ubb_t *b = be;
  if (b->state == UB_CHECKING) {
    if (b->probe && ub_poll(b->probe))
      (void)ub_process(b->probe);
    if (b->pr.done || mimi__now_ms() >= b->probe_end)
      check_done(b);
    return;
  }
  for (size_t i = 0; i < b->nub; i++)
    if (ub_poll(b->ubs[i]))
      (void)ub_process(b->ubs[i]);
}

const mimi__backend_t mimi__backend_unbound = {
    "unbound", ubb_start, ubb_stop, ubb_query, ubb_cancel,
    ubb_pollfds, ubb_timeout, ubb_process, ubb_path,
};
