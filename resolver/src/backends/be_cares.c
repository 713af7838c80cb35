/* SPDX-License-Identifier: MIT */
/*
 * The c-ares backend: a fast, non-validating stub. Queries (RD and the DO
 * bit, EDNS0 1232 octets, RFC 6891 / RFC 3225) are built here; c-ares gives
 * each a random ID and retries over TCP on TC; answers are walked by
 * packet.c. Nothing is validated, so every answer is "unchecked"; the
 * policy "require" is refused at start.
 *
 * Two c-ares APIs, chosen at compile time (CARES_DNSREC):
 *  - c-ares >= 1.34 (Debian 13): ares_send_dnsrec() and ares_process_fds();
 *    the query is handed over as a parsed record and the answer comes back
 *    as one, written back to wire form for packet.c (c-ares 1.34 parses
 *    every answer itself, whichever call sent the query). ares_send() and
 *    ares_getsock() are deprecated there.
 *  - older c-ares (1.18, Debian 12): ares_send() with the wire form and
 *    ares_process_fd().
 * Both learn the sockets to poll from ARES_OPT_SOCK_STATE_CB (every
 * version has it) and keep them in a table, so pollfds() costs no call
 * into c-ares.
 *
 * c-ares 1.18 has one server list per channel: each stub zone gets its own
 * channel, and a query goes to the channel of the longest matching zone.
 * c-ares cannot cancel one query, so a cancelled query is only marked and
 * its answer dropped.
 */
#include <ares.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if ARES_VERSION >= 0x012200 /* 1.34.0 */
#define CARES_DNSREC 1
#else
#define CARES_DNSREC 0
#endif

#include "backends/backend.h"

#define EDNS_SIZE 1232 /* DNS flag day 2020 */
#define MAX_CHANNELS (MIMI_MAX_STUBS + 1)

typedef struct caq caq_t;
typedef struct cab cab_t;

/* A socket c-ares wants polled (ARES_OPT_SOCK_STATE_CB). */
typedef struct {
  ares_socket_t fd;
  unsigned ch; /* index of its channel */
  short events;
} casock_t;

/* The sock-state callback's data: which backend, which channel. */
typedef struct {
  cab_t *b;
  unsigned ch;
} caslot_t;

struct cab {
  ares_channel ch[MAX_CHANNELS];
  char *zone[MAX_CHANNELS]; /* NULL for the default channel */
  char *label[MAX_CHANNELS];
  caslot_t slot[MAX_CHANNELS];
  size_t nch;
  caq_t *pending;
  int sending; /* inside the send call: callbacks are deferred */
  /* Sockets to poll, and scratch of the same capacity for process(): the
   * table changes under c-ares calls, so process() works on a copy. */
  casock_t *socks;
  struct pollfd *ready;
  unsigned *ready_ch;
#if CARES_DNSREC
  ares_fd_events_t *events;
#endif
  size_t nsocks, capsocks, capready;
  int socks_oom; /* a socket could not be recorded: fail what is pending */
  char *path;    /* which way queries go, in words */
};

struct caq {
  cab_t *b;
  caq_t *prev, *next;
  int cancelled;
  mimi__answer_fn fn;
  void *arg;
  uint16_t qtype;
  const char *server;
  int deferred;        /* answered inside the send call; delivered by process */
  int deferred_status;
  uint8_t *deferred_buf; /* its answer (owned), if it had one */
  size_t deferred_len;
  size_t qlen;
  uint8_t qname[MIMI_MAX_NAME_WIRE]; /* wire form, as asked */
};

static void unlink_q(caq_t *q) {
  if (q->prev)
    q->prev->next = q->next;
  else
    q->b->pending = q->next;
  if (q->next)
    q->next->prev = q->prev;
}

/* "ADDR@PORT" → c-ares CSV form "ADDR:PORT" / "[ADDR]:PORT". */
static void csv_add(mimi_buf_t *b, const char *s) {
  const char *at = strrchr(s, '@');
  size_t alen = at ? (size_t)(at - s) : strlen(s);
  int v6 = memchr(s, ':', alen) != NULL;
  if (b->len)
    mimi__buf_addc(b, ',');
  if (v6)
    mimi__buf_addc(b, '[');
  mimi__buf_add(b, s, alen);
  if (v6)
    mimi__buf_addc(b, ']');
  if (at)
    mimi__buf_addf(b, ":%s", at + 1);
}

static int socks_grow(cab_t *b) {
  size_t cap = b->capsocks ? b->capsocks * 2 : 8;
  casock_t *t = realloc(b->socks, cap * sizeof *t);
  if (!t)
    return -1;
  b->socks = t;
  b->capsocks = cap;
  return 0;
}

/* process()'s scratch for n sockets. Grown only there, before c-ares is
 * called: c-ares reads the event array while it may open sockets. */
static int ready_reserve(cab_t *b, size_t n) {
  if (n <= b->capready)
    return 0;
  struct pollfd *r = realloc(b->ready, n * sizeof *r);
  if (!r)
    return -1;
  b->ready = r;
  unsigned *rc = realloc(b->ready_ch, n * sizeof *rc);
  if (!rc)
    return -1;
  b->ready_ch = rc;
#if CARES_DNSREC
  ares_fd_events_t *e = realloc(b->events, n * sizeof *e);
  if (!e)
    return -1;
  b->events = e;
#endif
  b->capready = n;
  return 0;
}

/* ARES_OPT_SOCK_STATE_CB: c-ares opens, changes or closes a socket. */
static void sock_state(void *data, ares_socket_t fd, int readable,
                       int writable) {
  caslot_t *sl = data;
  cab_t *b = sl->b;
  short ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
  size_t i = 0;
  while (i < b->nsocks && b->socks[i].fd != fd)
    i++;
  if (!ev) {
    if (i < b->nsocks)
      b->socks[i] = b->socks[--b->nsocks];
    return;
  }
  if (i == b->nsocks) {
    if (b->nsocks == b->capsocks && socks_grow(b) != 0) {
      b->socks_oom = 1;
      return;
    }
    b->nsocks++;
  }
  b->socks[i].fd = fd;
  b->socks[i].ch = sl->ch;
  b->socks[i].events = ev;
}

/* The resolv.conf(5) to read instead of /etc/resolv.conf, or NULL. */
static const char *resolv_conf(void) {
  const char *f = getenv("MIMI_RESOLV_CONF");
  return f && *f ? f : NULL;
}

static mimi_status_t channel(cab_t *b, const mimi__be_config_t *cfg, const char *zone,
                             const char *const *servers, size_t n, char *err,
                             size_t errlen) {
  struct ares_options o;
  int rc, mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
                 ARES_OPT_SOCK_STATE_CB;
  ares_channel ch;
  memset(&o, 0, sizeof o);
  /* Return SERVFAIL/REFUSED answers so the rcode can be reported. */
  o.flags = ARES_FLAG_NOCHECKRESP;
  if (cfg->transport & MIMI_TRANSPORT_TCP)
    o.flags |= ARES_FLAG_USEVC;
  o.timeout = (int)(cfg->timeout_ms / 3 > 0 ? cfg->timeout_ms / 3 : 1);
  o.tries = 3;
  b->slot[b->nch].b = b;
  b->slot[b->nch].ch = (unsigned)b->nch;
  o.sock_state_cb = sock_state;
  o.sock_state_cb_data = &b->slot[b->nch];
  /* MIMI_RESOLV_CONF: another resolv.conf(5), as for the unbound backend. */
  if (resolv_conf()) {
    mask |= ARES_OPT_RESOLVCONF;
    o.resolvconf_path = (char *)resolv_conf();
  }
#ifdef ARES_OPT_QUERY_CACHE
  /* c-ares >= 1.23 caches answers itself; libmimi has its own cache (and
   * its "cold" must mean the server was asked). qcache_max_ttl 0: off. */
  mask |= ARES_OPT_QUERY_CACHE;
  o.qcache_max_ttl = 0;
#endif
  if ((rc = ares_init_options(&ch, &o, mask)) != ARES_SUCCESS) {
    mimi__seterr(err, errlen, "c-ares: %s", ares_strerror(rc));
    return rc == ARES_ENOMEM ? MIMI_ENOMEM : MIMI_ECONFIG;
  }
  b->ch[b->nch] = ch;
  if (n) {
    mimi_buf_t csv;
    mimi__buf_init(&csv);
    for (size_t i = 0; i < n; i++)
      csv_add(&csv, servers[i]);
    char *s = mimi__buf_take(&csv);
    if (!s)
      return MIMI_ENOMEM;
    rc = ares_set_servers_ports_csv(ch, s);
    b->label[b->nch] = mimi__strdup(servers[0]);
    free(s);
    if (rc != ARES_SUCCESS) {
      mimi__seterr(err, errlen, "c-ares servers: %s", ares_strerror(rc));
      ares_destroy(ch);
      return MIMI_ECONFIG;
    }
  }
  if (zone && !(b->zone[b->nch] = mimi__strdup(zone))) {
    ares_destroy(ch);
    return MIMI_ENOMEM;
  }
  b->nch++;
  return MIMI_OK;
}

static void cab_stop(void *be);

static mimi_status_t cab_start(const mimi__be_config_t *cfg, void **be, char *err,
                               size_t errlen) {
  cab_t *b;
  mimi_status_t st;
  int rc;
  *be = NULL;
  if (cfg->policy == MIMI_POLICY_REQUIRE) {
    mimi__seterr(err, errlen, "the c-ares backend does not validate DNSSEC: "
                 "its answers are unchecked, so the policy \"require\" cannot "
                 "be met; use the unbound backend, or the policy prefer or off");
    return MIMI_ECONFIG;
  }
  if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
    mimi__seterr(err, errlen, "c-ares: %s", ares_strerror(rc));
    return MIMI_ECONFIG;
  }
  if (!(b = calloc(1, sizeof *b)))
    return MIMI_ENOMEM;
  st = channel(b, cfg, NULL, (const char *const *)cfg->servers, cfg->nservers,
               err, errlen);
  for (size_t i = 0; st == MIMI_OK && i < cfg->nstubs; i++) {
    const char *one[1] = {cfg->stubs[i].server};
    st = channel(b, cfg, cfg->stubs[i].zone, one, 1, err, errlen);
  }
  if (st == MIMI_OK) {
    mimi_buf_t p;
    mimi__buf_init(&p);
    if (cfg->nservers)
      mimi__buf_addf(&p, "the servers given (%s%s), answers not validated",
                     cfg->servers[0], cfg->nservers > 1 ? ", ..." : "");
    else
      mimi__buf_addf(&p, "the system's resolvers (%s), answers not validated",
                     resolv_conf() ? resolv_conf() : "/etc/resolv.conf");
    if (!(b->path = mimi__buf_take(&p)))
      st = MIMI_ENOMEM;
  }
  if (st != MIMI_OK) {
    cab_stop(b);
    return st;
  }
  *be = b;
  return MIMI_OK;
}

static void cab_stop(void *be) {
  cab_t *b = be;
  /* ares_destroy() runs pending callbacks (ARES_EDESTRUCTION): mark all. */
  for (caq_t *q = b->pending; q; q = q->next)
    q->cancelled = 1;
  for (size_t i = 0; i < b->nch; i++) {
    ares_destroy(b->ch[i]);
    free(b->zone[i]);
    free(b->label[i]);
  }
  while (b->pending) {
    caq_t *q = b->pending;
    unlink_q(q);
    free(q->deferred_buf);
    free(q);
  }
  free(b->socks);
  free(b->ready);
  free(b->ready_ch);
#if CARES_DNSREC
  free(b->events);
#endif
  free(b->path);
  free(b);
  ares_library_cleanup();
}

static const char *cab_path(void *be) {
  return ((cab_t *)be)->path;
}

/* Longest stub zone that name is at or under; else the default channel. */
static size_t pick(const cab_t *b, const char *name) {
  size_t best = 0, bestlen = 0, n = strlen(name);
  for (size_t i = 0; i < b->nch; i++) {
    const char *z = b->zone[i];
    size_t zl;
    if (!z)
      continue;
    zl = strlen(z);
    if (strcmp(z, ".") == 0 ||
        (n >= zl && strcasecmp(name + n - zl, z) == 0 &&
         (n == zl || name[n - zl - 1] == '.'))) {
      if (zl >= bestlen) {
        best = i;
        bestlen = zl;
      }
    }
  }
  return best;
}

static int status_fail(int status) {
  switch (status) {
  case ARES_ETIMEOUT: return MIMI_FAIL_TIMEOUT;
  case ARES_ENOMEM: return MIMI_FAIL_INTERNAL;
  default: return MIMI_FAIL_NETWORK;
  }
}

/* Tell the engine that q got no usable answer. */
static void no_answer(caq_t *q, mimi_failure_t fail, const char *why) {
  mimi__answer_failed(q->fn, q->arg, fail, why, q->server);
}

/* Parse the answer and hand the engine the RRs of the queried type. */
static void deliver(caq_t *q, const uint8_t *abuf, size_t alen) {
  mimi__packet_t p;
  mimi__answer_t a;
  mimi_status_t st =
      mimi__packet_parse(abuf, alen, q->qname, q->qlen, q->qtype, &p);
  if (st != MIMI_OK) {
    no_answer(q, st == MIMI_ENOMEM ? MIMI_FAIL_INTERNAL : MIMI_FAIL_NETWORK,
              st == MIMI_ENOMEM ? "out of memory" : "malformed DNS response");
    return;
  }
  memset(&a, 0, sizeof a);
  a.server = q->server;
  a.rcode = p.rcode;
  a.sec = MIMI_DNSSEC_UNCHECKED;
  a.ttl = p.ttl;
  a.n = p.n;
  a.rdata = (const uint8_t *const *)p.rdata;
  a.rdlen = p.rdlen;
  q->fn(q->arg, &a);
  mimi__packet_clear(&p);
}

/* The end of one query, from either API: status and, on success, the
 * answer in wire form (borrowed for the call). */
static void answered(caq_t *q, int status, const uint8_t *abuf, size_t alen) {
  if (q->b->sending) {
    /* Answered inside the send call (no socket, ...): the engine must not be
     * re-entered from inside its own query call; deliver from process(). */
    q->deferred = 1;
    q->deferred_status = status;
    if (status == ARES_SUCCESS) {
      if (!abuf || !alen || !(q->deferred_buf = malloc(alen)))
        q->deferred_status = abuf && alen ? ARES_ENOMEM : ARES_EBADRESP;
      else
        memcpy(q->deferred_buf, abuf, q->deferred_len = alen);
    }
    return;
  }
  unlink_q(q);
  if (!q->cancelled) {
    if (status == ARES_SUCCESS && abuf && alen > 0) {
      deliver(q, abuf, alen);
    } else {
      int why = status == ARES_SUCCESS ? ARES_EBADRESP : status; /* no octets */
      no_answer(q, (mimi_failure_t)status_fail(why), ares_strerror(why));
    }
  }
  free(q->deferred_buf);
  free(q);
}

#if CARES_DNSREC
static void ares_done(void *arg, ares_status_t status, size_t timeouts,
                      const ares_dns_record_t *rec) {
  unsigned char *buf = NULL;
  size_t len = 0;
  (void)timeouts;
  if (status == ARES_SUCCESS) {
    if (!rec)
      status = ARES_EBADRESP;
    else if ((status = ares_dns_write(rec, &buf, &len)) != ARES_SUCCESS)
      buf = NULL;
  }
  answered(arg, (int)status, buf, len);
  ares_free_string(buf);
}
#else
static void ares_done(void *arg, int status, int timeouts, unsigned char *abuf,
                      int alen) {
  (void)timeouts;
  answered(arg, status, abuf, alen > 0 ? (size_t)alen : 0);
}
#endif

/*
 * The query (RFC 1035 §4.1): header with RD, one question, and an OPT RR
 * (RFC 6891 §6.1) advertising EDNS_SIZE with the DO bit (RFC 3225 §3).
 * Written by hand: it is a fixed layout, and ldns costs more than the rest
 * of a lookup here.
 */
static int build_query(const uint8_t *name, size_t nl, uint16_t qtype, uint8_t *q,
                       size_t cap, size_t *len) {
  size_t o = 12;
  if (cap < 12 + nl + 4 + 11)
    return -1;
  memcpy(q + 12, name, nl);
  memset(q, 0, 12);
  q[2] = 0x01; /* RD */
  q[5] = 1;    /* QDCOUNT */
  q[11] = 1;   /* ARCOUNT: the OPT RR */
  o += nl;
  q[o++] = (uint8_t)(qtype >> 8);
  q[o++] = (uint8_t)qtype;
  q[o++] = 0;
  q[o++] = 1; /* IN */
  static const uint8_t opt[11] = {0, 0, 41, EDNS_SIZE >> 8, EDNS_SIZE & 0xff,
                                  0, 0, 0x80, 0, 0, 0}; /* root, OPT, DO */
  memcpy(q + o, opt, sizeof opt);
  *len = o + sizeof opt;
  return 0;
}

static mimi_status_t cab_query(void *be, const char *name, uint16_t qtype,
                               mimi__answer_fn fn, void *arg, void **qid) {
  cab_t *b = be;
  uint8_t wire[12 + MIMI_MAX_NAME_WIRE + 4 + 11];
  size_t wlen = 0;
  caq_t *q;

  if (!(q = calloc(1, sizeof *q)))
    return MIMI_ENOMEM;
  if (mimi__name_to_wire(name, q->qname, sizeof q->qname, &q->qlen) != 0 ||
      build_query(q->qname, q->qlen, qtype, wire, sizeof wire, &wlen) != 0) {
    free(q);
    return MIMI_EINVAL;
  }
  size_t c = pick(b, name);
  q->b = b;
  q->fn = fn;
  q->arg = arg;
  q->qtype = qtype;
  q->server = b->label[c];
  q->next = b->pending;
  if (b->pending)
    b->pending->prev = q;
  b->pending = q;
  *qid = q;
  /* The ID in wire is replaced by a random one (by c-ares). */
#if CARES_DNSREC
  ares_dns_record_t *rec = NULL;
  ares_status_t rc = ares_dns_parse(wire, wlen, 0, &rec);
  if (rc != ARES_SUCCESS) {
    unlink_q(q);
    free(q);
    return rc == ARES_ENOMEM ? MIMI_ENOMEM : MIMI_EINVAL;
  }
  b->sending = 1;
  rc = ares_send_dnsrec(b->ch[c], rec, ares_done, q, NULL);
  b->sending = 0;
  ares_dns_record_destroy(rec);
  if (rc != ARES_SUCCESS && !q->deferred) { /* failed without its callback */
    q->deferred = 1;
    q->deferred_status = rc;
  }
#else
  b->sending = 1;
  ares_send(b->ch[c], wire, (int)wlen, ares_done, q);
  b->sending = 0;
#endif
  return MIMI_OK;
}

static void cab_cancel(void *be, void *qid) {
  (void)be;
  ((caq_t *)qid)->cancelled = 1;
}

static size_t cab_pollfds(void *be, struct pollfd *fds, size_t n) {
  cab_t *b = be;
  for (size_t i = 0; i < b->nsocks && i < n; i++) {
    fds[i].fd = b->socks[i].fd;
    fds[i].events = b->socks[i].events;
    fds[i].revents = 0;
  }
  return b->nsocks;
}

static int cab_timeout(void *be) {
  cab_t *b = be;
  int best = -1;
  if (b->socks_oom)
    return 0;
  for (caq_t *q = b->pending; q; q = q->next)
    if (q->deferred)
      return 0;
  for (size_t c = 0; c < b->nch; c++) {
    struct timeval tv, *t = ares_timeout(b->ch[c], NULL, &tv);
    if (t) {
      long ms = t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
      if (best < 0 || ms < best)
        best = (int)(ms > 600000 ? 600000 : ms);
    }
  }
  return best;
}

static void cab_process(void *be) {
  cab_t *b = be;
  size_t n;
  /* Answers from inside the send call first; a callback may add queries. */
  for (;;) {
    caq_t *q = b->pending;
    while (q && !q->deferred)
      q = q->next;
    if (!q)
      break;
    q->deferred = 0;
    answered(q, q->deferred_status, q->deferred_buf, q->deferred_len);
  }
  if (b->socks_oom) {
    /* A socket c-ares opened is not polled: its queries would only time
     * out. Fail what is pending now (out of memory), drop late answers. */
    b->socks_oom = 0;
    for (caq_t *q = b->pending; q; q = q->next) {
      if (q->cancelled)
        continue;
      q->cancelled = 1;
      no_answer(q, MIMI_FAIL_INTERNAL, "out of memory");
    }
  }
  /* Which sockets are ready: a copy, since c-ares changes the table. */
  n = b->nsocks;
  if (ready_reserve(b, n) != 0) {
    b->socks_oom = 1; /* failed at the next call */
    return;
  }
  for (size_t i = 0; i < n; i++) {
    b->ready[i].fd = b->socks[i].fd;
    b->ready[i].events = b->socks[i].events;
    b->ready[i].revents = 0;
    b->ready_ch[i] = b->socks[i].ch;
  }
  if (n && poll(b->ready, (nfds_t)n, 0) <= 0)
    n = 0;
  for (size_t c = 0; c < b->nch; c++) {
#if CARES_DNSREC
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
      short r = b->ready[i].revents;
      if (b->ready_ch[i] != c || !r)
        continue;
      b->events[k].fd = b->ready[i].fd;
      b->events[k].events =
          (r & (POLLIN | POLLERR | POLLHUP) ? ARES_FD_EVENT_READ : 0) |
          (r & POLLOUT ? ARES_FD_EVENT_WRITE : 0);
      k++;
    }
    /* Also the timeouts and retries. */
    ares_process_fds(b->ch[c], k ? b->events : NULL, k, ARES_PROCESS_FLAG_NONE);
#else
    for (size_t i = 0; i < n; i++) {
      short r = b->ready[i].revents;
      if (b->ready_ch[i] != c || !r)
        continue;
      ares_process_fd(b->ch[c],
                      r & (POLLIN | POLLERR | POLLHUP) ? b->ready[i].fd
                                                       : ARES_SOCKET_BAD,
                      r & POLLOUT ? b->ready[i].fd : ARES_SOCKET_BAD);
    }
    /* Timeouts and retries. */
    ares_process_fd(b->ch[c], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
#endif
  }
}

const mimi__backend_t mimi__backend_cares = {
    "c-ares", cab_start, cab_stop, cab_query, cab_cancel,
    cab_pollfds, cab_timeout, cab_process, cab_path,
};
