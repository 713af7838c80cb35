/* SPDX-License-Identifier: MIT */
/*
 * The engine walks the codec's plan (codec/query_plan.c) and nothing else:
 * a step gets its turn when the lookup starts, or when the answer it waits
 * for ended the way its condition asks. A step skipped because the name it
 * depended on does not exist passes that on (RFC 8020: nothing exists
 * below an NXDOMAIN), so whatever waited for "nothing found" still goes.
 * A failure stops a walk where it is (the phases decide what fails).
 *
 * With ctx->parallel every step of the plan goes out when the walk starts
 * (its name is known in advance; names taken from answers cannot be), and
 * an answer that comes before its turn is held until then (lookup_state.h,
 * mimi__slot_t). The phases' handlers see the answers in the sequential
 * order, so both modes give the same results; the round trips of a chain
 * of "if nothing was found" steps become one.
 */
#include <stdlib.h>
#include <string.h>

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

/* The walk's answer handler for every query it sends: an answer that
 * came before its turn is held; else the phase's handler for its kind of
 * step has it, and then what still waits for the step may be settled. */
static void settle(mimi_query_t *q, mimi__walk_t *w, size_t i);

/* Hand a held answer to its handler now that its turn came. */
static void deliver(mimi_query_t *q, mimi__walk_t *w, size_t i) {
  mimi__slot_t *sl = &w->slot[i];
  mimi__held_t *h = sl->held;
  sl->held = NULL;
  sl->state = MIMI__SLOT_TURN;
  w->on[w->plan->v[i].step](q, &h->sub, &h->a);
  free(h);
  if (!q->done)
    settle(q, w, i);
}

/* Step i's turn will not come: its query cancelled, its answer unread.
 * 0 if it had its turn, or was forgotten already. */
static int forget(mimi_query_t *q, mimi__walk_t *w, size_t i) {
  mimi__slot_t *sl = &w->slot[i];
  if (sl->state == MIMI__SLOT_AHEAD) {
    mimi__sub_drop(q, sl->sub);
  } else if (sl->state == MIMI__SLOT_HELD) {
    mimi__result_trace_unused(q->res, sl->held->sub.trace_i);
    free(sl->held);
  } else if (sl->state != MIMI__SLOT_IDLE) {
    return 0;
  }
  sl->sub = NULL;
  sl->held = NULL;
  sl->state = MIMI__SLOT_DROPPED;
  return 1;
}

/* ... nor that of what waits for it. */
static void drop(mimi_query_t *q, mimi__walk_t *w, size_t i) {
  if (!forget(q, w, i))
    return;
  for (size_t j = i + 1; j < w->plan->n; j++)
    if (w->plan->v[j].after == i)
      drop(q, w, j);
}

/* The handler of an answer to step i returned: if nothing of step i is in
 * flight any more (no later hop), the steps still waiting for it did not
 * get their turn, and will not. */
static void settle(mimi_query_t *q, mimi__walk_t *w, size_t i) {
  for (const mimi__sub_t *s = q->subs; s; s = s->next)
    if (s->prov == w->prov && s->step == i)
      return;
  for (size_t j = i + 1; j < w->plan->n && !q->done; j++)
    if (w->plan->v[j].after == i)
      drop(q, w, j);
}

static void on_answer(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  mimi__walk_t *w = mimi__walk_of(q, s->prov);
  mimi__slot_t *sl = &w->slot[s->step];
  if (sl->state == MIMI__SLOT_AHEAD && sl->sub == s) {
    sl->sub = NULL;
    if ((sl->held = mimi__held_new(s, a)) != NULL) {
      sl->state = MIMI__SLOT_HELD;
      return;
    }
    /* Out of memory: handled now, out of turn; the lookup fails with it. */
    sl->state = MIMI__SLOT_TURN;
    mimi__lookup_fail(q, MIMI_FAIL_INTERNAL, -1, "out of memory");
    return;
  }
  w->on[w->plan->v[s->step].step](q, s, a);
  if (!q->done)
    settle(q, w, s->step);
}

void mimi__walk_send(mimi_query_t *q, long prov, size_t i, const char *name,
                     int hops) {
  mimi__walk_t *w = mimi__walk_of(q, prov);
  const mimi__plan_step_t *st = &w->plan->v[i];
  mimi__slot_t *sl = &w->slot[i];
  if (!name)
    name = st->name;
  if (w->sending)
    w->sending(q, prov, i, name, hops);
  if (q->done)
    return;
  /* Its own name, sent ahead: the query out already is the one (also
   * for a name an answer gave: an endpoint's target that is the
   * provider's own name). */
  if (mimi__name_eq(name, st->name) &&
      (sl->state == MIMI__SLOT_AHEAD || sl->state == MIMI__SLOT_HELD)) {
    if (sl->state == MIMI__SLOT_AHEAD) {
      sl->state = MIMI__SLOT_TURN; /* handled when it comes */
      sl->sub = NULL;
    } else {
      deliver(q, w, i);
    }
    return;
  }
  if (hops == 0 && sl->state == MIMI__SLOT_IDLE)
    sl->state = MIMI__SLOT_TURN;
  if (mimi__lookup_send(q, name, st->qtype, on_answer, prov, i, hops, NULL) != MIMI_OK) {
    /* The phase's handler hears of it as an answer that never came. */
    mimi__answer_t a = {.rcode = -1, .fail = MIMI_FAIL_INTERNAL,
                        .sec = MIMI_DNSSEC_UNCHECKED, .why = "out of memory"};
    mimi__sub_t s = {.q = q, .name = (char *)name, .qtype = st->qtype,
                     .prov = prov, .step = i, .steps = hops};
    w->on[st->step](q, &s, &a);
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
    if (fires(st->cond, o)) {
      mimi__walk_send(q, prov, j, NULL, 0);
    } else if (o == MIMI__OUT_NXDOMAIN) {
      /* Skipped: its answer (if sent ahead) is not read, but what waits
       * for it goes on as if it had found nothing. */
      (void)forget(q, w, j);
      mimi__walk_advance(q, prov, j, MIMI__OUT_NXDOMAIN);
    } else {
      drop(q, w, j);
    }
  }
}

mimi_status_t mimi__walk_start(mimi_query_t *q, long prov) {
  mimi__walk_t *w = mimi__walk_of(q, prov);
  mimi_status_t st = MIMI_OK;
  if (!(w->slot = calloc(w->plan->n ? w->plan->n : 1, sizeof *w->slot)))
    return MIMI_ENOMEM;
  for (size_t i = 0; i < w->plan->n && st == MIMI_OK; i++) {
    const mimi__plan_step_t *ps = &w->plan->v[i];
    mimi__slot_t *sl = &w->slot[i];
    mimi__sub_t *sub = NULL;
    int turn = ps->after == MIMI_PLAN_START;
    /* A step whose answer comes from the answer cache is delivered before
     * anything could come back from the network: nothing waits for it, so
     * what depends on it is not sent ahead (a warm lookup sends nothing
     * it does not need). */
    if (!turn && (!q->ctx->parallel || w->slot[ps->after].cached ||
                  w->slot[ps->after].state == MIMI__SLOT_IDLE))
      continue; /* waits for its turn */
    if (turn && w->sending)
      w->sending(q, prov, i, ps->name, 0);
    st = mimi__lookup_send(q, ps->name, ps->qtype, on_answer, prov, i, 0, &sub);
    if (st != MIMI_OK)
      break;
    sl->cached = sub->cached;
    sl->state = turn ? MIMI__SLOT_TURN : MIMI__SLOT_AHEAD;
    sl->sub = turn ? NULL : sub;
    sub->ahead = !turn;
  }
  return st;
}
