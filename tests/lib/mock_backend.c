/* SPDX-License-Identifier: MIT */
/* The scripted backend of the engine's unit tests (mock_backend.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "mock_backend.h"

/* The mock a context about to start will use: start() has no argument of
 * the caller's, and the tests run one context at a time. */
static mock_t *pending;

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n, size);
  assert_non_null(p);
  return p;
}

static char *absname(const char *name) {
  size_t len = strlen(name);
  char *s = xcalloc(1, len + 2);
  memcpy(s, name, len);
  if (len == 0 || name[len - 1] != '.')
    s[len] = '.';
  return s;
}

/* Names compare case-insensitively, with or without the final dot. */
static int same_name(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la && a[la - 1] == '.')
    la--;
  if (lb && b[lb - 1] == '.')
    lb--;
  return la == lb && strncasecmp(a, b, la) == 0;
}

mock_t *mock_new(void) {
  mock_t *m = xcalloc(1, sizeof *m);
  m->default_sec = MIMI_DNSSEC_SECURE;
  return m;
}

void mock_free(mock_t *m) {
  if (!m)
    return;
  while (m->rules) {
    mock_rule_t *r = m->rules;
    m->rules = r->next;
    for (size_t i = 0; i < r->n; i++)
      free(r->rdata[i]);
    free(r->rdata);
    free(r->rdlen);
    free(r->name);
    free(r);
  }
  for (size_t i = 0; i < m->nlog; i++) {
    free(m->log[i]->name);
    free(m->log[i]);
  }
  free(m->log);
  if (pending == m)
    pending = NULL;
  free(m);
}

static mock_rule_t *find_rule(const mock_t *m, const char *name, uint16_t qtype) {
  for (mock_rule_t *r = m->rules; r; r = r->next)
    if (r->qtype == qtype && same_name(r->name, name))
      return r;
  return NULL;
}

mock_rule_t *mock_on(mock_t *m, const char *name, uint16_t qtype) {
  mock_rule_t *r = find_rule(m, name, qtype), **end = &m->rules;
  if (r)
    return r;
  r = xcalloc(1, sizeof *r);
  r->name = absname(name);
  r->qtype = qtype;
  r->sec = m->default_sec;
  r->ttl = 300;
  /* In the order written: the script reads top-down. */
  while (*end)
    end = &(*end)->next;
  *end = r;
  return r;
}

mock_rule_t *mock_nxdomain(mock_t *m, const char *name, uint16_t qtype) {
  mock_rule_t *r = mock_on(m, name, qtype);
  r->rcode = 3;
  return r;
}

mock_rule_t *mock_drop(mock_t *m, const char *name, uint16_t qtype) {
  mock_rule_t *r = mock_on(m, name, qtype);
  r->kind = MOCK_DROP;
  return r;
}

mock_rule_t *mock_rr(mock_t *m, const char *text) {
  ldns_rr *rr = NULL;
  ldns_buffer *buf = ldns_buffer_new(512);
  ldns_status st = ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL);
  char *owner;
  mock_rule_t *r;

  assert_non_null(buf);
  if (st != LDNS_STATUS_OK)
    fail_msg("mock: ldns cannot read \"%s\": %s", text, ldns_get_errorstr_by_id(st));
  owner = ldns_rdf2str(ldns_rr_owner(rr));
  assert_non_null(owner);
  r = mock_on(m, owner, (uint16_t)ldns_rr_get_type(rr));
  free(owner);
  assert_int_equal(ldns_rr_rdata2buffer_wire(buf, rr), LDNS_STATUS_OK);
  r->rdata = realloc(r->rdata, (r->n + 1) * sizeof *r->rdata);
  r->rdlen = realloc(r->rdlen, (r->n + 1) * sizeof *r->rdlen);
  assert_non_null(r->rdata);
  assert_non_null(r->rdlen);
  r->rdlen[r->n] = ldns_buffer_position(buf);
  /* Exactly the RDATA's size: a parser reading one octet past it fails
   * under ASan. */
  r->rdata[r->n] = xcalloc(1, r->rdlen[r->n] ? r->rdlen[r->n] : 1);
  memcpy(r->rdata[r->n], ldns_buffer_begin(buf), r->rdlen[r->n]);
  /* An RRset's TTL is its smallest (RFC 2181 §5.2 wants them equal). */
  if (r->n == 0 || ldns_rr_ttl(rr) < r->ttl)
    r->ttl = ldns_rr_ttl(rr);
  r->n++;
  ldns_rr_free(rr);
  ldns_buffer_free(buf);
  return r;
}

/* ---- queries recorded ---------------------------------------------------- */

size_t mock_count(const mock_t *m, const char *name, uint16_t qtype) {
  size_t n = 0;
  for (size_t i = 0; i < m->nlog; i++)
    n += m->log[i]->qtype == qtype && same_name(m->log[i]->name, name);
  return n;
}

size_t mock_count_type(const mock_t *m, uint16_t qtype) {
  size_t n = 0;
  for (size_t i = 0; i < m->nlog; i++)
    n += m->log[i]->qtype == qtype;
  return n;
}

long mock_index(const mock_t *m, const char *name, uint16_t qtype) {
  for (size_t i = 0; i < m->nlog; i++)
    if (m->log[i]->qtype == qtype && same_name(m->log[i]->name, name))
      return (long)i;
  return -1;
}

size_t mock_in_flight(const mock_t *m) {
  size_t n = 0;
  for (size_t i = 0; i < m->nlog; i++)
    n += !m->log[i]->answered && !m->log[i]->cancelled;
  return n;
}

size_t mock_after_stop(const mock_t *m) {
  size_t n = 0;
  for (size_t i = 0; i < m->nlog; i++)
    n += m->log[i]->after_stop;
  return n;
}

/* ---- the backend --------------------------------------------------------- */

void mock_use(mock_t *m, mimi_ctx_t *ctx) {
  pending = m;
  mimi__ctx_use_backend(ctx, &mock_backend_ops);
}

static mimi_status_t mock_start(const mimi__be_config_t *cfg, void **be,
                                char *err, size_t errlen) {
  if (!pending) {
    snprintf(err, errlen, "mock: no script (mock_use() first)");
    return MIMI_ECONFIG;
  }
  pending->cfg = *cfg;
  pending->started = 1;
  *be = pending;
  pending = NULL;
  return MIMI_OK;
}

static void mock_stop(void *be) {
  mock_t *m = be;
  m->stopped = 1;
  /* Queries still in flight are dropped: no callback after stop(). */
  for (size_t i = 0; i < m->nlog; i++)
    m->log[i]->due = -1;
}

static mimi_status_t mock_query(void *be, const char *name, uint16_t qtype,
                                mimi__answer_fn fn, void *arg, void **qid) {
  mock_t *m = be;
  mock_query_t *q = xcalloc(1, sizeof *q);
  q->name = absname(name);
  q->qtype = qtype;
  q->fn = fn;
  q->arg = arg;
  q->seq = m->nlog;
  q->round = m->rounds;
  q->after_stop = m->stopped;
  q->rule = find_rule(m, name, qtype);
  if (!q->rule && m->strict)
    fail_msg("mock: query not in the script: %s type %u", name, (unsigned)qtype);
  if (q->rule && q->rule->kind == MOCK_DROP)
    q->due = -1;
  else
    q->due = mimi__now_ms() + (q->rule ? q->rule->delay_ms : 0);
  if (m->nlog == m->caplog) {
    m->caplog = m->caplog ? 2 * m->caplog : 32;
    m->log = realloc(m->log, m->caplog * sizeof *m->log);
    assert_non_null(m->log);
  }
  m->log[m->nlog++] = q;
  *qid = q;
  return MIMI_OK;
}

static void mock_cancel(void *be, void *qid) {
  mock_t *m = be;
  mock_query_t *q = qid;
  m->ncancels++;
  /* Cancelling what already answered (or twice) breaks the contract. */
  if (q->answered || q->cancelled)
    m->bad_cancels++;
  q->cancelled = 1;
  q->due = -1;
}

static size_t mock_pollfds(void *be, struct pollfd *fds, size_t n) {
  (void)be;
  (void)fds;
  (void)n;
  return 0;
}

static int mock_timeout(void *be) {
  mock_t *m = be;
  int64_t now = mimi__now_ms(), next = -1;
  for (size_t i = 0; i < m->nlog; i++) {
    const mock_query_t *q = m->log[i];
    if (q->due >= 0 && !q->answered && !q->cancelled && (next < 0 || q->due < next))
      next = q->due;
  }
  if (next < 0)
    return -1;
  return next <= now ? 0 : (int)(next - now);
}

static void deliver(mock_t *m, mock_query_t *q) {
  const mock_rule_t *r = q->rule;
  mimi__answer_t a;
  memset(&a, 0, sizeof a);
  q->answered = 1;
  q->due = -1;
  a.server = "mock";
  if (!r) {
    a.rcode = 3; /* not in the script: the name does not exist */
    a.sec = m->default_sec;
    a.ttl = 300;
  } else if (r->kind == MOCK_FAIL) {
    a.rcode = -1;
    a.fail = r->fail ? r->fail : MIMI_FAIL_TIMEOUT;
    a.sec = MIMI_DNSSEC_UNCHECKED;
    a.why = r->why;
    a.server = NULL;
  } else {
    a.rcode = r->rcode;
    a.sec = r->sec;
    a.why = r->why;
    a.ttl = r->ttl;
    a.n = r->n;
    a.rdata = (const uint8_t *const *)r->rdata;
    a.rdlen = r->rdlen;
  }
  q->fn(q->arg, &a);
}

/* Deliver what is due, earliest first (then in the order sent). Only the
 * queries sent before this call: an answer at delay 0 to a query sent from
 * a callback waits for the next process(), as from a real socket. A
 * callback may cancel others, or stop the backend (its context freed). */
static void mock_process(void *be) {
  mock_t *m = be;
  size_t limit = m->nlog;
  int64_t now = mimi__now_ms();
  int counted = 0;
  for (;;) {
    mock_query_t *best = NULL;
    for (size_t i = 0; i < limit; i++) {
      mock_query_t *q = m->log[i];
      if (q->due < 0 || q->due > now || q->answered || q->cancelled)
        continue;
      if (!best || q->due < best->due)
        best = q;
    }
    if (!best || m->stopped)
      return;
    if (!counted++)
      m->rounds++;
    deliver(m, best);
  }
}

const mimi__backend_t mock_backend_ops = {
    .name = "mock",
    .start = mock_start,
    .stop = mock_stop,
    .query = mock_query,
    .cancel = mock_cancel,
    .pollfds = mock_pollfds,
    .timeout = mock_timeout,
    .process = mock_process,
};

unsigned mock_round_trips(const mock_t *m) {
  unsigned r = 0;
  for (size_t i = 0; i < m->nlog; i++)
    if (m->log[i]->round + 1 > r)
      r = m->log[i]->round + 1;
  return r;
}

int mock_round(const mock_t *m, const char *name, uint16_t qtype) {
  long i = mock_index(m, name, qtype);
  return i < 0 ? -1 : (int)m->log[i]->round;
}
