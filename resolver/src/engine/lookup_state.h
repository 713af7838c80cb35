/* SPDX-License-Identifier: MIT */
/* The lookup engine's state: a lookup, its sub-queries, its phases. */
#ifndef MIMI_LOOKUP_STATE_H
#define MIMI_LOOKUP_STATE_H

#include "engine/engine.h"

typedef struct mimi__sub mimi__sub_t;
typedef void (*mimi__sub_fn)(mimi_query_t *q, mimi__sub_t *s,
                             const mimi__answer_t *a);

/* A plan being walked (plan_walk.c): the identifier's (prov -1) or one
 * provider's endpoint plan. The phase that owns it says what handles the
 * answers of each kind of step, and may act before a step is sent. */
/* Where a step of a walk stands. In sequential mode a step is IDLE until
 * its turn comes (TURN). Sent ahead (ctx->ahead), it goes out at once and
 * its answer waits (HELD) until the step it depends on has ended the way
 * its condition asks: the answers are used in the plan's order, as if the
 * queries had gone out one after the other, so precedence (§2, §4, §5),
 * the policy gate and the "weakest on the way" status are those of the
 * sequential plan; only the waiting is gone. A step whose turn never
 * comes is DROPPED: its query cancelled, its answer never read. */
typedef enum {
  MIMI__SLOT_IDLE,
  MIMI__SLOT_AHEAD,   /* sent before its turn; in flight */
  MIMI__SLOT_HELD,    /* answered before its turn */
  MIMI__SLOT_TURN,    /* its turn came: sent, or released */
  MIMI__SLOT_DROPPED  /* its turn will not come */
} mimi__slot_state_t;

typedef struct mimi__held mimi__held_t;

typedef struct {
  mimi__slot_state_t state;
  mimi__sub_t *sub;        /* AHEAD: the query in flight */
  mimi__held_t *held;      /* HELD: the query and its answer (owned) */
  int cached;              /* sent at the start, answered from the cache */
} mimi__slot_t;

typedef struct {
  mimi_plan_t *plan;
  mimi__slot_t *slot;                 /* plan->n, or NULL before start */
  long prov;                          /* provider index, or -1 */
  const mimi__sub_fn *on;             /* by mimi_step_t */
  void (*sending)(mimi_query_t *q, long prov, size_t step, const char *name,
                  int hops);          /* or NULL */
} mimi__walk_t;

/* How an answer ended for the steps that wait for it. */
typedef enum {
  MIMI__OUT_DATA,     /* usable data, or an end: nothing waits for more */
  MIMI__OUT_NONE,     /* nothing usable (NODATA, or records not usable) */
  MIMI__OUT_NXDOMAIN  /* the name does not exist (RFC 8020) */
} mimi__out_t;

/* One DNS query in flight for a lookup. */
struct mimi__sub {
  mimi_query_t *q;
  mimi__sub_t *prev, *next;
  void *qid;          /* the backend's handle */
  char *name;         /* points after the struct, in its block */
  uint16_t qtype;
  uint64_t chash;     /* mimi__cache_hash(name, qtype), with a cache */
  mimi__sub_fn fn;
  long prov;          /* whose plan: provider index, or -1 (identifier) */
  size_t step;        /* the plan step it serves */
  int steps;          /* NAPTR or alias steps taken to get here (hops) */
  int64_t t0;
  int cached;         /* answered from the cache: on ctx->deferred */
  long trace_i;       /* its entry in the trace, or -1 */
  int ahead;          /* sent before its turn */
  int unused;         /* its turn will not come */
  mimi__sub_t *dprev, *dnext;
};

/* Per provider: the alias chain followed so far. */
typedef struct mimi__prov_state {
  mimi__walk_t walk;  /* the provider's endpoint plan */
  char *visited[MIMI_MAX_ALIAS_STEPS + 2];
  size_t nvisited;
  /* The weakest status of the answers that led here: every SVCB/HTTPS
   * answer of the chain (aliases followed, denials that caused a fallback).
   * An endpoint is no more trustworthy than the way to it: an unsigned
   * alias into a signed zone gives unsigned endpoints. */
  mimi_dnssec_t path;
} mimi__prov_state_t;

struct mimi_query {
  mimi_ctx_t *ctx;
  mimi_query_t *cprev, *cnext; /* the context's list */
  mimi_callback_t cb;
  void *arg;
  mimi_result_t *res;
  int64_t deadline;
  int64_t t0;         /* when it started (monotonic ms) */
  mimi__sub_t *subs;
  size_t nsubs;
  int refs;           /* engine frames using q; freed when 0 and done */
  int done;
  int ready;          /* complete, callback not yet fired */
  int in_endpoints;
  /* mapping phase */
  mimi__walk_t walk;  /* the identifier's plan */
  char *visited[MIMI_MAX_NAPTR_STEPS + 1];
  size_t nvisited;
  uint16_t uri_port;
  /* endpoint phase */
  mimi__prov_state_t *ps;
  size_t nps;
};

/* Send (or take from the cache) one query, serving step `step` of the plan
 * walked for prov; fn handles its answer. */
mimi_status_t mimi__lookup_send(mimi_query_t *q, const char *name,
                                uint16_t qtype, mimi__sub_fn fn, long prov,
                                size_t step, int steps, mimi__sub_t **out);
/* Its turn will not come: cancel it, marked so in the trace. */
void mimi__sub_drop(mimi_query_t *q, mimi__sub_t *s);
/* The walk of prov (-1: the identifier's). */
mimi__walk_t *mimi__walk_of(mimi_query_t *q, long prov);

/* trace_entry.c: the plan step a query served, for the trace; and the
 * hook a backend tells of the key queries it sends along (arg: ctx). */
mimi__trace_step_t mimi__sub_label(const mimi_query_t *q, const mimi__sub_t *s);
void mimi__trace_sent_along(void *arg, const char *name, uint16_t qtype);

/* held_answer.c: an answer kept for its turn, with its query, one block
 * (free() it). */
struct mimi__held {
  mimi__sub_t sub;   /* name points into the block; not on any list */
  mimi__answer_t a;
};
mimi__held_t *mimi__held_new(const mimi__sub_t *s, const mimi__answer_t *a);
/* Free a walk's plan and what it holds. */
void mimi__walk_free(mimi__walk_t *w);

/* plan_walk.c: the engine walks the plan and nothing else. */
/* Send the steps that go out when the walk starts; on an error (nothing
 * of the walk's is delivered then) the caller decides what fails. */
mimi_status_t mimi__walk_start(mimi_query_t *q, long prov);
/* The answer to step i ended with o: send the steps waiting for that. */
void mimi__walk_advance(mimi_query_t *q, long prov, size_t i, mimi__out_t o);
/* Send step i again at a name an answer gave (alias target, NAPTR
 * replacement, endpoint target), hops along its chain. */
void mimi__walk_send(mimi_query_t *q, long prov, size_t i, const char *name,
                     int hops);
/* The first step of a kind, or MIMI_PLAN_START if there is none. */
size_t mimi__walk_find(const mimi__walk_t *w, mimi_step_t kind);
void mimi__lookup_complete(mimi_query_t *q, mimi_status_t st);
void mimi__lookup_fail(mimi_query_t *q, mimi_failure_t f, int ede,
                       const char *fmt, ...) MIMI_PRINTF(4, 5);
/* The §6 gate: MIMI_FAIL_NONE if the answer may be used, else why not. */
mimi_failure_t mimi__answer_verdict(const mimi_ctx_t *ctx, const char *name,
                                    uint16_t qtype, const mimi__answer_t *a,
                                    char *why, size_t whylen, int *ede);

/* sub_query.c: the end of a lookup's life, and answers coming in. */
void mimi__sub_on_answer(void *arg, const mimi__answer_t *a);
void mimi__deferred_unlink(mimi_ctx_t *ctx, mimi__sub_t *s);
/* Cancel what is in flight; with trace on (record), list it unanswered. */
void mimi__lookup_cancel_subs(mimi_query_t *q, int record);
/* Take q off its context's list of lookups. */
void mimi__lookup_unlink(mimi_query_t *q);
void mimi__lookup_release(mimi_query_t *q);

/* mapping_phase.c: the first queries of a lookup (or a URI's mapping). */
mimi_status_t mimi__mapping_start(mimi_query_t *q);

/* endpoint_phase.c */
void mimi__endpoints_start(mimi_query_t *q);
void mimi__endpoints_timeout(mimi_query_t *q);

#endif /* MIMI_LOOKUP_STATE_H */
