/* SPDX-License-Identifier: MIT */
/*
 * The lookup engine, sub-queries: each DNS query a lookup has in flight,
 * sent to the backend or answered from the answer cache (delivered later,
 * from mimi_ctx_process(), never from inside the call that asked), and the
 * end of a lookup: completion, failure, release.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lookup_state.h"


static void sub_unlink(mimi_query_t *q, mimi__sub_t *s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    q->subs = s->next;
  if (s->next)
    s->next->prev = s->prev;
  q->nsubs--;
}

static void sub_free(mimi__sub_t *s) {
  free(s);
}

/* The trace lists every query of the plan: sent, or answered from the
 * context's cache (marked so: nothing went on the wire for it). */
static void trace(mimi_query_t *q, mimi__sub_t *s, int rcode, mimi_dnssec_t sec,
                  const char *server, size_t n) {
  int64_t now = mimi__now_ms();
  if (!q->ctx->trace ||
      mimi__result_add_trace(q->res, s->name, s->qtype, rcode, sec,
                             (unsigned)(now - s->t0), server, n,
                             mimi__sub_label(q, s)) != MIMI_OK)
    return;
  s->trace_i = (long)q->res->ntrace - 1;
  mimi__trace_t *t = &q->res->trace[s->trace_i];
  t->start = (unsigned)(s->t0 > q->t0 ? s->t0 - q->t0 : 0);
  t->ahead = s->ahead;
  t->unused = s->unused;
  t->kind = s->cached ? MIMI_TRACE_CACHED : MIMI_TRACE_SENT;
}

void mimi__lookup_release(mimi_query_t *q) {
  mimi_result_free(q->res);
  for (size_t i = 0; i < q->nvisited; i++)
    free(q->visited[i]);
  mimi__walk_free(&q->walk);
  for (size_t i = 0; i < q->nps; i++) {
    for (size_t j = 0; j < q->ps[i].nvisited; j++)
      free(q->ps[i].visited[j]);
    mimi__walk_free(&q->ps[i].walk);
  }
  free(q->ps);
  free(q);
}

void mimi__deferred_unlink(mimi_ctx_t *ctx, mimi__sub_t *s) {
  if (s->dprev)
    s->dprev->dnext = s->dnext;
  else
    ctx->deferred = s->dnext;
  if (s->dnext)
    s->dnext->dprev = s->dprev;
  s->dprev = s->dnext = NULL;
}

void mimi__sub_on_answer(void *arg, const mimi__answer_t *a) {
  mimi__sub_t *s = arg;
  mimi_query_t *q = s->q;
  mimi__answer_t nodata;
  /* The rcode decides (RFC 1035 §4.1.1): records of the type asked that
   * come with NXDOMAIN or an error rcode are not data (RFC 8020: nothing
   * exists below an NXDOMAIN). A stub backend hands over what it got. */
  if (a->rcode > 0 && a->n) {
    nodata = *a;
    nodata.n = 0;
    nodata.rdata = NULL;
    nodata.rdlen = NULL;
    a = &nodata;
  }
  if (!s->cached && q->ctx->cache)
    mimi__cache_put(q->ctx->cache, s->name, s->qtype, s->chash, a, mimi__now_ms());
  sub_unlink(q, s);
  trace(q, s, a->rcode, a->sec, a->server, a->n);
  q->refs++;
  s->fn(q, s, a);
  sub_free(s);
  if (!q->done && q->nsubs == 0)
    mimi__lookup_complete(q, MIMI_OK);
  if (--q->refs == 0 && q->done)
    mimi__lookup_release(q);
}

mimi_status_t mimi__lookup_send(mimi_query_t *q, const char *name,
                                uint16_t qtype, mimi__sub_fn fn, long prov,
                                size_t step, int steps, mimi__sub_t **out) {
  mimi_ctx_t *ctx = q->ctx;
  size_t nl = strlen(name) + 1;
  /* The name right after the query, in the same block. */
  mimi__sub_t *s = calloc(1, sizeof *s + nl);
  mimi_status_t st;
  if (!s)
    return MIMI_ENOMEM;
  s->name = memcpy(s + 1, name, nl);
  s->q = q;
  s->qtype = qtype;
  s->fn = fn;
  s->prov = prov;
  s->step = step;
  s->steps = steps;
  s->t0 = mimi__now_ms();
  s->trace_i = -1;
  if (ctx->cache)
    s->chash = mimi__cache_hash(name, qtype);
  if (ctx->cache && mimi__cache_get(ctx->cache, name, qtype, s->chash, s->t0)) {
    /* Delivered from mimi_ctx_process(), never from inside this call. */
    s->cached = 1;
    s->dnext = ctx->deferred;
    if (ctx->deferred)
      ctx->deferred->dprev = s;
    ctx->deferred = s;
  } else {
    ctx->sending = s; /* for what the backend sends along (ctx.c) */
    st = ctx->be_ops->query(ctx->be, name, qtype, mimi__sub_on_answer, s, &s->qid);
    ctx->sending = NULL;
    if (st != MIMI_OK) {
      sub_free(s);
      return st;
    }
  }
  s->next = q->subs;
  if (q->subs)
    q->subs->prev = s;
  q->subs = s;
  q->nsubs++;
  if (out)
    *out = s;
  return MIMI_OK;
}

static void cancel(mimi_query_t *q, mimi__sub_t *s, int record) {
  sub_unlink(q, s);
  if (s->cached)
    mimi__deferred_unlink(q->ctx, s);
  else
    q->ctx->be_ops->cancel(q->ctx->be, s->qid);
  if (record && !s->cached)
    trace(q, s, -1, MIMI_DNSSEC_UNCHECKED, NULL, 0);
  sub_free(s);
}

void mimi__sub_drop(mimi_query_t *q, mimi__sub_t *s) {
  s->unused = 1;
  cancel(q, s, 1);
}

/* Cancel what is in flight; with trace on, record it as unanswered. */
void mimi__lookup_cancel_subs(mimi_query_t *q, int record) {
  while (q->subs)
    cancel(q, q->subs, record);
}

void mimi__lookup_unlink(mimi_query_t *q) {
  mimi_ctx_t *ctx = q->ctx;
  if (q->cprev)
    q->cprev->cnext = q->cnext;
  else
    ctx->queries = q->cnext;
  if (q->cnext)
    q->cnext->cprev = q->cprev;
  ctx->nqueries--;
}

void mimi__lookup_complete(mimi_query_t *q, mimi_status_t st) {
  mimi_result_t *res = NULL;
  if (q->done)
    return;
  q->done = 1;
  mimi__lookup_unlink(q);
  mimi__lookup_cancel_subs(q, st == MIMI_OK);
  if (st == MIMI_OK) {
    mimi__result_finish_endpoints(q->res);
    if (q->ctx->trace && mimi_ctx_path(q->ctx))
      q->res->path = mimi__strdup(mimi_ctx_path(q->ctx)); /* NULL (OOM): none */
    res = q->res;
    q->res = NULL;
  }
  q->refs++;
  q->cb(q->arg, st, res);
  if (--q->refs == 0)
    mimi__lookup_release(q);
}

void mimi__lookup_fail(mimi_query_t *q, mimi_failure_t f, int ede,
                       const char *fmt, ...) {
  char buf[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  q->res->outcome = MIMI_OUTCOME_FAILED;
  q->res->fail = f;
  q->res->ede = ede;
  free(q->res->reason);
  q->res->reason = mimi__strdup(buf);
  /* Nothing of a failed lookup is data: drop what the phase collected. */
  mimi__result_drop_mappings(q->res);
  mimi__lookup_complete(q, MIMI_OK);
}
