/* SPDX-License-Identifier: MIT */
/*
 * What the trace says of a query: the plan step it served, and the key
 * queries a backend sends along with it (be_unbound.c's prefetch). Apart
 * from sub_query.c so that the context can hand the backend this hook
 * without the two calling each other.
 */
#include "engine/lookup_state.h"

mimi__trace_step_t mimi__sub_label(const mimi_query_t *q, const mimi__sub_t *s) {
  const mimi_plan_t *p = s->prov < 0 ? q->walk.plan : q->ps[s->prov].walk.plan;
  return (mimi__trace_step_t){p->v[s->step].step, s->step, s->prov,
                              (unsigned)s->steps};
}

void mimi__trace_sent_along(void *arg, const char *name, uint16_t qtype) {
  mimi_ctx_t *ctx = arg;
  const mimi__sub_t *s = ctx->sending;
  if (!s || !ctx->trace)
    return;
  mimi_query_t *q = s->q;
  if (mimi__result_add_trace(q->res, name, qtype, -1, MIMI_DNSSEC_UNCHECKED, 0,
                             NULL, 0, mimi__sub_label(q, s)) != MIMI_OK)
    return;
  mimi__trace_t *t = &q->res->trace[q->res->ntrace - 1];
  t->kind = MIMI_TRACE_KEYS;
  t->start = (unsigned)(s->t0 > q->t0 ? s->t0 - q->t0 : 0);
  t->ahead = 1;
}
