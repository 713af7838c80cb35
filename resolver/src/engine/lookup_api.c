/* SPDX-License-Identifier: MIT */
/*
 * The lookup engine's public entry points and the context's view of its
 * lookups: start (mimi_lookup_async), cancel, deadlines, cache hits to
 * deliver. The event loop that drives them is in event_loop.c.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/lookup_state.h"


MIMI_EXPORT mimi_status_t mimi_lookup_async(mimi_ctx_t *ctx,
                                            const char *identifier,
                                            mimi_callback_t cb, void *arg,
                                            mimi_query_t **qp, char *err,
                                            size_t errlen) {
  mimi_query_t *q = NULL;
  mimi_id_t *id = NULL;
  mimi_status_t st;

  if (qp)
    *qp = NULL;
  if (!ctx || ctx->dying || !identifier || !cb)
    return MIMI_EINVAL;
  if ((st = mimi_id_parse(identifier, &id, err, errlen)) != MIMI_OK)
    return st;
  if (!ctx->started && (st = mimi_ctx_start(ctx, err, errlen)) != MIMI_OK)
    goto fail;
  if (!ctx->be) {
    st = MIMI_ECONFIG;
    goto fail;
  }
  if (!(q = calloc(1, sizeof *q))) {
    st = MIMI_ENOMEM;
    goto fail;
  }
  if ((st = mimi__result_new(identifier, &q->res)) != MIMI_OK) {
    free(q);
    goto fail;
  }
  q->res->id = id;
  id = NULL;
  q->ctx = ctx;
  q->cb = cb;
  q->arg = arg;
  q->t0 = mimi__now_ms();
  q->deadline = q->t0 + ctx->timeout_ms;
  /* Link first: start() may already complete a lookup (a MIMI URI with
   * endpoints off), which unlinks it. */
  q->cnext = ctx->queries;
  if (ctx->queries)
    ctx->queries->cprev = q;
  ctx->queries = q;
  ctx->nqueries++;
  if ((st = mimi__mapping_start(q)) != MIMI_OK) {
    mimi__lookup_cancel_subs(q, 0);
    mimi__lookup_unlink(q);
    mimi__lookup_release(q);
    return st;
  }
  if (q->nsubs == 0) {
    /* Nothing to ask (a MIMI URI without endpoints): the answer is ready,
     * but callbacks fire from mimi_ctx_process() only. */
    q->ready = 1;
  }
  if (qp)
    *qp = q;
  return MIMI_OK;
fail:
  mimi_id_free(id);
  return st;
}

MIMI_EXPORT void mimi_cancel(mimi_query_t *q) {
  if (!q || q->done)
    return;
  mimi_ctx_t *ctx = q->ctx;
  ctx->depth++;
  mimi__lookup_complete(q, MIMI_ECANCELLED);
  mimi__ctx_leave(ctx);
}

void mimi__lookups_cancel_all(mimi_ctx_t *ctx) {
  while (ctx->queries)
    mimi__lookup_complete(ctx->queries, MIMI_ECANCELLED);
}

void mimi__lookups_deliver_deferred(mimi_ctx_t *ctx) {
  /* Callbacks may add hits (taken in this loop too) or free the context. */
  while (ctx->deferred && !ctx->dying) {
    mimi__sub_t *s = ctx->deferred;
    int64_t now = mimi__now_ms();
    const mimi__centry_t *e;
    mimi__answer_t a;
    mimi__deferred_unlink(ctx, s);
    if ((e = mimi__cache_get(ctx->cache, s->name, s->qtype, s->chash, now))) {
      mimi__cache_answer(e, now, &a);
      mimi__sub_on_answer(s, &a);
      continue;
    }
    /* Expired or evicted since: ask the backend after all. */
    s->cached = 0;
    if (ctx->be_ops->query(ctx->be, s->name, s->qtype, mimi__sub_on_answer, s, &s->qid) !=
        MIMI_OK) {
      s->cached = 1; /* nothing to cache */
      mimi__answer_failed(mimi__sub_on_answer, s, MIMI_FAIL_INTERNAL, "out of memory",
                          NULL);
    }
  }
}

int64_t mimi__lookups_deadline(const mimi_ctx_t *ctx) {
  int64_t dl = ctx->deferred ? 0 : -1;
  for (const mimi_query_t *q = ctx->queries; q; q = q->cnext) {
    int64_t d = q->ready ? 0 : q->deadline;
    if (dl < 0 || d < dl)
      dl = d;
  }
  return dl;
}

void mimi__lookups_expire(mimi_ctx_t *ctx, int64_t now) {
  /* Each completion runs a callback that may change the list: rescan. */
  for (;;) {
    mimi_query_t *q = NULL;
    /* Earliest deadline first, so lookups expire in the order they were due. */
    for (mimi_query_t *c = ctx->queries; c; c = c->cnext)
      if ((c->ready || c->deadline <= now) &&
          (!q || (c->ready ? 0 : c->deadline) < (q->ready ? 0 : q->deadline)))
        q = c;
    if (!q || ctx->dying)
      return;
    if (q->ready) {
      mimi__lookup_complete(q, MIMI_OK);
    } else if (q->res->outcome == MIMI_OUTCOME_FOUND && q->in_endpoints) {
      /* Mappings are known; only endpoint lookups ran out of time. */
      mimi__endpoints_timeout(q);
      mimi__lookup_complete(q, MIMI_OK);
    } else {
      q->res->sec = mimi__weaker(q->res->sec, MIMI_DNSSEC_UNCHECKED);
      /* Without servers given, say which way was tried (resolv.conf or
       * the root): that is what the user must check. */
      const char *path = mimi__ctx_own_path(ctx);
      mimi__lookup_fail(q, MIMI_FAIL_TIMEOUT, -1, "no answer within %u ms%s%.600s%s",
                        ctx->timeout_ms, path ? " (via " : "", path ? path : "",
                        path ? ")" : "");
    }
  }
}
