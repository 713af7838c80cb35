/*
 * The c-ares backend: a fast, non-validating stub. Queries (RD and the DO
 * bit, EDNS0 1232 octets, RFC 6891 / RFC 3225) are built here and sent
 * with ares_send(), which gives each a random ID and retries over TCP on
 * TC; answers are walked by packet.c. Nothing is validated, so every answer
 * is "unchecked"; the policy "require" is refused at start.
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


#include "resolver.h"

#define EDNS_SIZE 1232 /* DNS flag day 2020 */
#define MAX_CHANNELS (MIMI_MAX_STUBS + 1)

typedef struct caq caq_t;

typedef struct {
  ares_channel ch[MAX_CHANNELS];
  char *zone[MAX_CHANNELS]; /* NULL for the default channel */
  char *label[MAX_CHANNELS];
  size_t nch;
  caq_t *pending;
  int sending; /* inside ares_send(): callbacks are deferred */
} cab_t;

struct caq {
  cab_t *b;
  caq_t *prev, *next;
  int cancelled;
  mimi__answer_fn fn;
  void *arg;
  uint16_t qtype;
  const char *server;
  int deferred;        /* failed inside ares_send(); delivered by process */
  int deferred_status;
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

static mimi_status_t channel(cab_t *b, mimi_ctx_t *ctx, const char *zone,
                             const char *const *servers, size_t n, char *err,
                             size_t errlen) {
  struct ares_options o;
  int rc, mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  ares_channel ch;
  memset(&o, 0, sizeof o);
  /* Return SERVFAIL/REFUSED answers so the rcode can be reported. */
  o.flags = ARES_FLAG_NOCHECKRESP;
  o.timeout = (int)(ctx->timeout_ms / 3 > 0 ? ctx->timeout_ms / 3 : 1);
  o.tries = 3;
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

static mimi_status_t cab_start(mimi_ctx_t *ctx, void **be, char *err,
                               size_t errlen) {
  cab_t *b;
  mimi_status_t st;
  int rc;
  *be = NULL;
  if (ctx->policy == MIMI_POLICY_REQUIRE) {
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
  st = channel(b, ctx, NULL, (const char *const *)ctx->servers, ctx->nservers,
               err, errlen);
  for (size_t i = 0; st == MIMI_OK && i < ctx->nstubs; i++) {
    const char *one[1] = {ctx->stubs[i].server};
    st = channel(b, ctx, ctx->stubs[i].zone, one, 1, err, errlen);
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
    free(q);
  }
  free(b);
  ares_library_cleanup();
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

/* Parse the answer and hand the engine the RRs of the queried type. */
static void deliver(caq_t *q, const uint8_t *abuf, int alen) {
  mimi__packet_t p;
  mimi__answer_t a;
  mimi_status_t st =
      mimi__packet_parse(abuf, (size_t)alen, q->qname, q->qlen, q->qtype, &p);
  memset(&a, 0, sizeof a);
  a.server = q->server;
  if (st != MIMI_OK) {
    a.rcode = -1;
    a.fail = st == MIMI_ENOMEM ? MIMI_FAIL_INTERNAL : MIMI_FAIL_NETWORK;
    a.why = st == MIMI_ENOMEM ? "out of memory" : "malformed DNS response";
    q->fn(q->arg, &a);
    return;
  }
  a.rcode = p.rcode;
  a.sec = MIMI_DNSSEC_UNCHECKED;
  a.ttl = p.ttl;
  a.n = p.n;
  a.rdata = (const uint8_t *const *)p.rdata;
  a.rdlen = p.rdlen;
  q->fn(q->arg, &a);
  mimi__packet_clear(&p);
}

static void ares_done(void *arg, int status, int timeouts, unsigned char *abuf,
                      int alen) {
  caq_t *q = arg;
  (void)timeouts;
  if (q->b->sending) {
    /* ares_send() failed at once (no socket, ...): the engine must not be
     * re-entered from inside its own query call; deliver from process(). */
    q->deferred = 1;
    q->deferred_status = status == ARES_SUCCESS ? ARES_ECONNREFUSED : status;
    return;
  }
  unlink_q(q);
  if (!q->cancelled) {
    if (status == ARES_SUCCESS && abuf && alen > 0) {
      deliver(q, abuf, alen);
    } else {
      mimi__answer_t a;
      memset(&a, 0, sizeof a);
      a.rcode = -1;
      a.fail = (mimi_failure_t)status_fail(status);
      a.why = ares_strerror(status);
      a.server = q->server;
      q->fn(q->arg, &a);
    }
  }
  free(q);
}

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
  /* The ID in wire is replaced by a random one (c-ares ares_send). */
  b->sending = 1;
  ares_send(b->ch[c], wire, (int)wlen, ares_done, q);
  b->sending = 0;
  return MIMI_OK;
}

static void cab_cancel(void *be, void *qid) {
  (void)be;
  ((caq_t *)qid)->cancelled = 1;
}

/* ares_getsock() bits, without ARES_GETSOCK_WRITABLE's signed 1 << 31. */
static short sock_events(int bits, int i) {
  unsigned u = (unsigned)bits;
  return (short)(((u >> i) & 1u ? POLLIN : 0) |
                 ((u >> (i + ARES_GETSOCK_MAXNUM)) & 1u ? POLLOUT : 0));
}

static size_t cab_pollfds(void *be, struct pollfd *fds, size_t n) {
  cab_t *b = be;
  size_t k = 0;
  for (size_t c = 0; c < b->nch; c++) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(b->ch[c], socks, ARES_GETSOCK_MAXNUM);
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
      short ev = sock_events(bits, i);
      if (!ev)
        continue;
      if (k < n) {
        fds[k].fd = socks[i];
        fds[k].events = ev;
        fds[k].revents = 0;
      }
      k++;
    }
  }
  return k;
}

static int cab_timeout(void *be) {
  cab_t *b = be;
  int best = -1;
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
  /* Failures from inside ares_send() first; a callback may add queries. */
  for (;;) {
    caq_t *q = b->pending;
    while (q && !q->deferred)
      q = q->next;
    if (!q)
      break;
    q->deferred = 0;
    ares_done(q, q->deferred_status, 0, NULL, 0);
  }
  for (size_t c = 0; c < b->nch; c++) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    struct pollfd fds[ARES_GETSOCK_MAXNUM];
    nfds_t k = 0;
    int bits = ares_getsock(b->ch[c], socks, ARES_GETSOCK_MAXNUM);
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
      short ev = sock_events(bits, i);
      if (ev) {
        fds[k].fd = socks[i];
        fds[k].events = ev;
        fds[k].revents = 0;
        k++;
      }
    }
    if (k && poll(fds, k, 0) > 0) {
      for (nfds_t i = 0; i < k; i++) {
        if (!fds[i].revents)
          continue;
        ares_process_fd(b->ch[c],
                        fds[i].revents & (POLLIN | POLLERR | POLLHUP) ? fds[i].fd
                                                                      : ARES_SOCKET_BAD,
                        fds[i].revents & POLLOUT ? fds[i].fd : ARES_SOCKET_BAD);
      }
    }
    /* Timeouts and retries. */
    ares_process_fd(b->ch[c], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  }
}

const mimi__backend_t mimi__backend_cares = {
    "c-ares", cab_start, cab_stop, cab_query, cab_cancel,
    cab_pollfds, cab_timeout, cab_process,
};
