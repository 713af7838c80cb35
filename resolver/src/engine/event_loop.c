/* SPDX-License-Identifier: MIT */
/*
 * The event loop: what a caller's loop asks of a context (descriptors,
 * timeout, process), its release, and the synchronous lookup, which runs
 * the same loop until its answer is in. The top of the engine: it drives
 * the lookups (lookup_api.c) and the backend.
 */
#include <stdlib.h>

#include "engine/lookup_state.h"

MIMI_EXPORT void mimi_ctx_free(mimi_ctx_t *ctx) {
  if (!ctx || ctx->dying)
    return;
  ctx->dying = 1;
  ctx->depth++;
  mimi__lookups_cancel_all(ctx);
  /* Released now, or by mimi__ctx_leave() when the outermost call that is
   * running a callback returns. */
  mimi__ctx_leave(ctx);
}

MIMI_EXPORT size_t mimi_ctx_pollfds(mimi_ctx_t *ctx, struct pollfd *fds,
                                    size_t n) {
  if (!ctx || !ctx->be || ctx->dying)
    return 0;
  return ctx->be_ops->pollfds(ctx->be, fds, n);
}

MIMI_EXPORT int mimi_ctx_timeout(mimi_ctx_t *ctx) {
  int64_t dl, now;
  int t = -1;
  if (!ctx || !ctx->be || ctx->dying || !ctx->queries)
    return -1;
  now = mimi__now_ms();
  dl = mimi__lookups_deadline(ctx);
  if (dl >= 0)
    t = dl <= now ? 0 : (int)(dl - now > 600000 ? 600000 : dl - now);
  int bt = ctx->be_ops->timeout(ctx->be);
  if (bt >= 0 && (t < 0 || bt < t))
    t = bt;
  return t;
}

MIMI_EXPORT mimi_status_t mimi_ctx_process(mimi_ctx_t *ctx) {
  if (!ctx || ctx->dying)
    return MIMI_EINVAL;
  if (!ctx->be)
    return MIMI_OK;
  ctx->depth++;
  mimi__lookups_deliver_deferred(ctx);
  if (!ctx->dying)
    ctx->be_ops->process(ctx->be);
  if (!ctx->dying)
    mimi__lookups_expire(ctx, mimi__now_ms());
  mimi__ctx_leave(ctx);
  return MIMI_OK;
}

MIMI_EXPORT size_t mimi_ctx_pending(const mimi_ctx_t *ctx) {
  return ctx ? ctx->nqueries : 0;
}

typedef struct {
  int done;
  mimi_status_t st;
  mimi_result_t *res;
} sync_t;

static void sync_cb(void *arg, mimi_status_t st, mimi_result_t *res) {
  sync_t *s = arg;
  s->done = 1;
  s->st = st;
  s->res = res;
}

MIMI_EXPORT mimi_status_t mimi_lookup(mimi_ctx_t *ctx, const char *identifier,
                                      mimi_result_t **result, char *err,
                                      size_t errlen) {
  sync_t s = {0, MIMI_OK, NULL};
  struct pollfd fds[8];
  mimi_status_t st;

  if (result)
    *result = NULL;
  if (!result)
    return MIMI_EINVAL;
  st = mimi_lookup_async(ctx, identifier, sync_cb, &s, NULL, err, errlen);
  if (st != MIMI_OK)
    return st;
  ctx->depth++;
  while (!s.done && !ctx->dying) {
    size_t n = mimi_ctx_pollfds(ctx, fds, sizeof fds / sizeof *fds);
    int t = mimi_ctx_timeout(ctx);
    if (n > sizeof fds / sizeof *fds)
      n = sizeof fds / sizeof *fds;
    (void)poll(fds, (nfds_t)n, t);
    (void)mimi_ctx_process(ctx);
  }
  mimi__ctx_leave(ctx);
  if (!s.done)
    return MIMI_ECANCELLED;
  *result = s.res;
  if (s.st != MIMI_OK)
    mimi__seterr(err, errlen, "%s", mimi_strerror(s.st));
  return s.st;
}
