/* SPDX-License-Identifier: MIT */
/*
 * The lookup engine, mapping phase (MIMI-DNS/1 §1-§4, §6): identifier →
 * owner names → TXT (case retry) / ENUM TXT then NAPTR → mappings. The
 * endpoint phase is in endpoint_phase.c. Every answer passes the policy
 * gate (policy_gate.c) before anything in it is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lookup_state.h"

/* Gate for the mapping phase: a failure here fails the whole lookup. */
static int check(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  char why[512];
  int ede;
  mimi_failure_t f = mimi__answer_verdict(q->ctx, s->name, s->qtype, a, why,
                                          sizeof why, &ede);
  /* The status of every answer used or refused (unchecked when none came). */
  q->res->sec = mimi__weaker(q->res->sec, a->sec);
  if (f != MIMI_FAIL_NONE) {
    mimi__lookup_fail(q, f, ede, "%s", why);
    return 0;
  }
  return 1;
}

static void oom(mimi_query_t *q) {
  mimi__lookup_fail(q, MIMI_FAIL_INTERNAL, -1, "out of memory");
}

/* Mappings found (or an opt-out): record them, go on to the endpoints.
 * Their status is the weakest on the way (MIMI-DNS/1 §6), not only their
 * own answer's: the mapping phase is one chain (each query goes out
 * because of the answer before it), so every answer so far, already in
 * q->res->sec, led here; an unsigned denial that caused the case retry
 * or the next apex, or an unsigned NAPTR redirect, chose this RRset. */
static void accept_set(mimi_query_t *q, mimi_mapset_t *set, const char *src,
                       mimi_dnssec_t sec) {
  int optout = mimi_mapset_opted_out(set); /* before the records move */
  sec = mimi__weaker(sec, q->res->sec);
  if (mimi__result_add_mapset(q->res, set, src, sec) != MIMI_OK) {
    oom(q);
    return;
  }
  q->res->outcome = optout ? MIMI_OUTCOME_OPTEDOUT : MIMI_OUTCOME_FOUND;
  if (q->res->outcome == MIMI_OUTCOME_FOUND)
    mimi__endpoints_start(q);
}

static void keep_warnings(mimi_query_t *q, const mimi_mapset_t *set,
                          const char *src) {
  for (size_t i = 0; i < mimi_mapset_warning_count(set); i++)
    (void)mimi__result_add_warning(q->res, "%s: %s", src,
                                   mimi_mapset_warning(set, i));
}


static mimi_mapset_t *collect_txt(mimi_query_t *q, const mimi__answer_t *a) {
  mimi_mapset_t *set = NULL;
  if (mimi_mapset_new(&set) != MIMI_OK)
    return NULL;
  for (size_t i = 0; i < a->n; i++) {
    if (mimi_mapset_add_txt_rdata(set, a->rdata[i], a->rdlen[i]) != MIMI_OK) {
      mimi_mapset_free(set);
      return NULL;
    }
  }
  mimi_mapset_finish(set);
  for (size_t i = 0; i < mimi_mapset_count(set); i++)
    mimi_record_set_ttl((mimi_record_t *)mimi_mapset_get(set, i), a->ttl);
  (void)q;
  return set;
}

/* NAPTR at an ENUM name (RFC 6116 §3, RFC 3402): mappings, or a next name. */
static void on_naptr(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  mimi_mapset_t *set = NULL;
  mimi__naptr_t *dec = NULL;
  mimi_naptr_rr_t *rrs = NULL;
  char *next = NULL, err[MIMI_ERRLEN];
  size_t n = 0;

  if (!check(q, s, a))
    return;
  if (mimi_mapset_new(&set) != MIMI_OK ||
      !(dec = calloc(a->n ? a->n : 1, sizeof *dec)) ||
      !(rrs = calloc(a->n ? a->n : 1, sizeof *rrs)))
    goto nomem;
  for (size_t i = 0; i < a->n; i++) {
    mimi_status_t st = mimi__naptr_decode(a->rdata[i], a->rdlen[i], &dec[n],
                                          err, sizeof err);
    if (st == MIMI_ENOMEM)
      goto nomem;
    if (st != MIMI_OK) {
      (void)mimi__result_add_warning(q->res, "%s: %s", s->name, err);
      continue;
    }
    rrs[n] = dec[n].rr;
    n++;
  }
  if (mimi_naptr_process(rrs, n, mimi_id_number(q->res->id), set, &next) ==
      MIMI_ENOMEM)
    goto nomem;
  mimi_mapset_finish(set);
  for (size_t i = 0; i < mimi_mapset_count(set); i++)
    mimi_record_set_ttl((mimi_record_t *)mimi_mapset_get(set, i), a->ttl);
  if (mimi_mapset_count(set)) {
    accept_set(q, set, s->name, a->sec);
  } else {
    keep_warnings(q, set, s->name);
    if (next) {
      /* A non-terminal rule: follow it, at most MIMI_MAX_NAPTR_STEPS (§4). */
      int seen = 0;
      for (size_t i = 0; i < q->nvisited; i++)
        seen |= strcmp(q->visited[i], next) == 0;
      if (seen || s->steps >= MIMI_MAX_NAPTR_STEPS)
        mimi__lookup_fail(q, MIMI_FAIL_LOOP, -1,
                          "%s NAPTR: non-terminal rules %s (at %s)", s->name,
                          seen ? "loop" : "go on for more than 5 steps", next);
      else if (q->nvisited < MIMI_MAX_NAPTR_STEPS + 1 &&
               (q->visited[q->nvisited] = mimi__strdup(next)) != NULL) {
        q->nvisited++;
        mimi__walk_send(q, -1, s->step, next, s->steps + 1);
      } else {
        oom(q);
      }
    } else {
      mimi__walk_advance(q, -1, s->step, MIMI__OUT_NONE);
    }
  }
  goto done;
nomem:
  oom(q);
done:
  for (size_t i = 0; dec && i < a->n; i++)
    mimi__naptr_clear(&dec[i]);
  free(dec);
  free(rrs);
  free(next);
  mimi_mapset_free(set);
}

/* A MIMI TXT RRset (§3) at a handle's, domain handle's or ENUM name. */
static void on_txt(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  mimi_mapset_t *set;
  if (!check(q, s, a))
    return;
  if (!(set = collect_txt(q, a))) {
    oom(q);
    return;
  }
  if (mimi_mapset_count(set)) {
    accept_set(q, set, s->name, a->sec);
  } else {
    /* The plan says what follows: the case retry (§2), the NAPTR at an
     * ENUM name unless it does not exist, the next ENUM apex (§4). */
    keep_warnings(q, set, s->name);
    mimi__walk_advance(q, -1, s->step,
                       a->rcode == 3 ? MIMI__OUT_NXDOMAIN : MIMI__OUT_NONE);
  }
  mimi_mapset_free(set);
}

/* A MIMI URI needs no mapping lookup (§1). */
static mimi_status_t start_uri(mimi_query_t *q) {
  const mimi_id_t *id = q->res->id;
  mimi_record_t *rec = NULL;
  mimi_status_t st;
  if ((st = mimi_record_new(&rec)) != MIMI_OK ||
      (st = mimi_record_set_provider(rec, mimi_id_domain(id), NULL, 0)) ||
      (st = mimi_record_set_account(rec, mimi_id_account(id), NULL, 0)) ||
      (st = mimi__record_set_port(rec, mimi_id_port(id))) ||
      (st = mimi__result_add_mapping(q->res, rec, MIMI_SOURCE_INPUT,
                                     MIMI_DNSSEC_UNCHECKED))) {
    if (st != MIMI_ENOMEM)
      mimi_record_free(rec);
    return st == MIMI_ENOMEM ? st : MIMI_EBADID;
  }
  q->res->outcome = MIMI_OUTCOME_FOUND;
  q->res->sec = MIMI_DNSSEC_UNCHECKED; /* from the input, not the DNS (§6) */
  q->uri_port = mimi_id_port(id);
  return MIMI_OK;
}

/* Answers by the kind of step they serve. */
static const mimi__sub_fn on_step[] = {
    [MIMI_STEP_MAPPING] = on_txt,
    [MIMI_STEP_RETRY] = on_txt,
    [MIMI_STEP_NAPTR] = on_naptr,
};

/* A NAPTR chain starts afresh at each ENUM name (§4: at most 5 steps). */
static void sending(mimi_query_t *q, long prov, size_t step, const char *name,
                    int hops) {
  (void)prov;
  if (q->walk.plan->v[step].step != MIMI_STEP_NAPTR || hops != 0)
    return;
  for (size_t i = 0; i < q->nvisited; i++)
    free(q->visited[i]);
  q->nvisited = 0;
  if ((q->visited[0] = mimi__strdup(name)) != NULL)
    q->nvisited = 1;
}

/* Start a lookup: its first queries (the identifier's plan), or (a MIMI
 * URI) its mapping and its endpoints. */
mimi_status_t mimi__mapping_start(mimi_query_t *q) {
  const mimi_id_t *id = q->res->id;
  mimi_plan_opts_t o = {(const char *const *)q->ctx->apexes, q->ctx->napexes,
                        !q->ctx->case_retry};
  mimi_status_t st;

  if (mimi_id_class(id) == MIMI_ID_URI) {
    if ((st = start_uri(q)) == MIMI_OK)
      mimi__endpoints_start(q);
    return st;
  }
  if (mimi_id_class(id) == MIMI_ID_HANDLE && !q->ctx->sha)
    q->ctx->sha = mimi__sha_new(); /* else (OOM) one-shot digests */
  if ((st = mimi__plan_identifier(id, &o, q->ctx->sha, &q->walk.plan)) != MIMI_OK)
    return st;
  q->walk.prov = -1;
  q->walk.on = on_step;
  q->walk.sending = sending;
  q->res->outcome = MIMI_OUTCOME_NOTFOUND; /* until a mapping is found */
  return mimi__walk_start(q, -1);
}
