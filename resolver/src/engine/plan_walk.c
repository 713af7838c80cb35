/* SPDX-License-Identifier: MIT */
/*
 * The engine walks the codec's plan (codec/query_plan.c) and nothing else:
 * a step goes out when the lookup starts, or when the answer it waits for
 * ended the way its condition asks. A step skipped because the name it
 * depended on does not exist passes that on (RFC 8020: nothing exists
 * below an NXDOMAIN), so whatever waited for "nothing found" still goes.
 * A failure stops a walk where it is (the phases decide what fails).
 */
#include "engine/lookup_state.h"

mimi__walk_t *mimi__walk_of(mimi_query_t *q, long prov) {
  return prov < 0 ? &q->walk : &q->ps[prov].walk;
}

size_t mimi__walk_find(const mimi__walk_t *w, mimi_step_t kind) {
  for (size_t i = 0; w->plan && i < w->plan->n; i++)
    if (w->plan->v[i].step == kind)
      return i;
  return MIMI_PLAN_START;
}

void mimi__walk_send(mimi_query_t *q, long prov, size_t i, const char *name,
                     int hops) {
  mimi__walk_t *w = mimi__walk_of(q, prov);
  const mimi__plan_step_t *st = &w->plan->v[i];
  mimi__sub_fn fn = w->on[st->step];
  if (!name)
    name = st->name;
  if (w->sending)
    w->sending(q, prov, i, name, hops);
  if (q->done)
    return;
  if (mimi__lookup_send(q, name, st->qtype, fn, prov, i, hops) != MIMI_OK) {
    /* The phase's handler hears of it as an answer that never came. */
    mimi__answer_t a = {.rcode = -1, .fail = MIMI_FAIL_INTERNAL,
                        .sec = MIMI_DNSSEC_UNCHECKED, .why = "out of memory"};
    mimi__sub_t s = {.q = q, .name = (char *)name, .qtype = st->qtype,
                     .prov = prov, .step = i, .steps = hops};
    fn(q, &s, &a);
  }
}

static int fires(mimi__when_t cond, mimi__out_t o) {
  switch (cond) {
  case MIMI__WHEN_NONE:
    return o != MIMI__OUT_DATA;
  case MIMI__WHEN_NODATA:
    return o == MIMI__OUT_NONE;
  default:
    return 0;
  }
}

void mimi__walk_advance(mimi_query_t *q, long prov, size_t i, mimi__out_t o) {
  mimi__walk_t *w = mimi__walk_of(q, prov);
  /* Later steps only: the plan is acyclic and ordered, so this ends. */
  for (size_t j = i + 1; j < w->plan->n && !q->done; j++) {
    const mimi__plan_step_t *st = &w->plan->v[j];
    if (st->after != i)
      continue;
    if (fires(st->cond, o))
      mimi__walk_send(q, prov, j, NULL, 0);
    else if (o == MIMI__OUT_NXDOMAIN)
      mimi__walk_advance(q, prov, j, MIMI__OUT_NXDOMAIN); /* skipped */
  }
}

mimi_status_t mimi__walk_start(mimi_query_t *q, long prov) {
  mimi__walk_t *w = mimi__walk_of(q, prov);
  mimi_status_t st = MIMI_OK;
  for (size_t i = 0; i < w->plan->n && st == MIMI_OK; i++) {
    const mimi__plan_step_t *ps = &w->plan->v[i];
    if (ps->after != MIMI_PLAN_START)
      continue;
    if (w->sending)
      w->sending(q, prov, i, ps->name, 0);
    st = mimi__lookup_send(q, ps->name, ps->qtype, w->on[ps->step], prov, i, 0);
  }
  return st;
}
