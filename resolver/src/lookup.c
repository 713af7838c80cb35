/*
 * The lookup engine, mapping phase (MIMI-DNS/1 §1-§4, §6): identifier →
 * owner names → TXT (case retry) / ENUM TXT then NAPTR → mappings. The
 * endpoint phase is in endpoints.c. Every answer passes one policy gate
 * (mimi__lookup_check) before anything in it is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup.h"

/* ---- Queries in flight -------------------------------------------------- */

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
  free(s->name);
  free(s);
}

static void query_release(mimi_query_t *q) {
  mimi_result_free(q->res);
  for (size_t i = 0; i < q->nvisited; i++)
    free(q->visited[i]);
  free(q->retry_name);
  mimi__endpoints_release(q);
  free(q);
}

static void deferred_unlink(mimi_ctx_t *ctx, mimi__sub_t *s) {
  if (s->dprev)
    s->dprev->dnext = s->dnext;
  else
    ctx->deferred = s->dnext;
  if (s->dnext)
    s->dnext->dprev = s->dprev;
  s->dprev = s->dnext = NULL;
}

static void on_answer(void *arg, const mimi__answer_t *a) {
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
    mimi__cache_put(q->ctx->cache, s->name, s->qtype, a, mimi__now_ms());
  sub_unlink(q, s);
  /* The trace lists what was sent: answers from the cache are not. */
  if (q->ctx->trace && !s->cached)
    (void)mimi__result_add_trace(q->res, s->name, s->qtype, a->rcode, a->sec,
                                 (unsigned)(mimi__now_ms() - s->t0), a->server, a->n);
  q->refs++;
  s->fn(q, s, a);
  sub_free(s);
  if (!q->done && q->nsubs == 0)
    mimi__lookup_complete(q, MIMI_OK);
  if (--q->refs == 0 && q->done)
    query_release(q);
}

mimi_status_t mimi__lookup_send(mimi_query_t *q, const char *name,
                                uint16_t qtype, mimi__sub_fn fn, long prov,
                                int steps) {
  mimi_ctx_t *ctx = q->ctx;
  mimi__sub_t *s = calloc(1, sizeof *s);
  mimi_status_t st;
  if (!s || !(s->name = mimi__strdup(name))) {
    free(s);
    return MIMI_ENOMEM;
  }
  s->q = q;
  s->qtype = qtype;
  s->fn = fn;
  s->prov = prov;
  s->steps = steps;
  s->t0 = mimi__now_ms();
  if (ctx->cache && mimi__cache_get(ctx->cache, name, qtype, s->t0)) {
    /* Delivered from mimi_ctx_process(), never from inside this call. */
    s->cached = 1;
    s->dnext = ctx->deferred;
    if (ctx->deferred)
      ctx->deferred->dprev = s;
    ctx->deferred = s;
  } else if ((st = ctx->be_ops->query(ctx->be, name, qtype, on_answer, s,
                                      &s->qid)) != MIMI_OK) {
    sub_free(s);
    return st;
  }
  s->next = q->subs;
  if (q->subs)
    q->subs->prev = s;
  q->subs = s;
  q->nsubs++;
  return MIMI_OK;
}

/* Cancel what is in flight; with trace on, record it as unanswered. */
static void cancel_subs(mimi_query_t *q, int record) {
  while (q->subs) {
    mimi__sub_t *s = q->subs;
    sub_unlink(q, s);
    if (s->cached)
      deferred_unlink(q->ctx, s);
    else
      q->ctx->be_ops->cancel(q->ctx->be, s->qid);
    if (record && q->ctx->trace)
      (void)mimi__result_add_trace(q->res, s->name, s->qtype, -1,
                                   MIMI_DNSSEC_UNCHECKED,
                                   (unsigned)(mimi__now_ms() - s->t0), NULL, 0);
    sub_free(s);
  }
}

static void ctx_unlink(mimi_query_t *q) {
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
  ctx_unlink(q);
  cancel_subs(q, st == MIMI_OK);
  if (st == MIMI_OK) {
    mimi__endpoints_finish(q);
    res = q->res;
    q->res = NULL;
  }
  q->refs++;
  q->cb(q->arg, st, res);
  if (--q->refs == 0)
    query_release(q);
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

/* ---- The policy gate (MIMI-DNS/1 §6) ----------------------------------- */

mimi_failure_t mimi__answer_verdict(const mimi_ctx_t *ctx, const char *name,
                                    uint16_t qtype, const mimi__answer_t *a,
                                    char *why, size_t whylen, int *ede) {
  const char *t = mimi_rrtype_name(qtype);
  *ede = -1;
  if (a->fail != MIMI_FAIL_NONE) {
    mimi__seterr(why, whylen, "%s %s: %s", name, t,
                 a->fail == MIMI_FAIL_TIMEOUT ? "no answer in time"
                 : a->why                      ? a->why
                                               : "no answer");
    return a->fail;
  }
  if (a->sec == MIMI_DNSSEC_BOGUS) {
    const char *w = a->why ? a->why : "validation failed";
    /* libunbound repeats the question: "validation failure <q>: reason". */
    const char *gt = strncmp(w, "validation failure <", 20) == 0 ? strstr(w, ">: ") : NULL;
    *ede = mimi__ede_for(a->why);
    mimi__seterr(why, whylen, "%s %s: %s", name, t, gt ? gt + 3 : w);
    return MIMI_FAIL_BOGUS;
  }
  if (a->rcode != 0 && a->rcode != 3) {
    static const char *const rc[] = {"NOERROR", "FORMERR", "SERVFAIL",
                                     "NXDOMAIN", "NOTIMP", "REFUSED"};
    if (a->rcode > 0 && a->rcode < 6)
      mimi__seterr(why, whylen, "%s %s: the server answered %s", name, t,
                   rc[a->rcode]);
    else
      mimi__seterr(why, whylen, "%s %s: the server answered rcode %d", name, t,
                   a->rcode);
    return MIMI_FAIL_SERVFAIL;
  }
  if (a->sec != MIMI_DNSSEC_SECURE && ctx->policy == MIMI_POLICY_REQUIRE) {
    mimi__seterr(why, whylen, "%s %s: the answer is %s, and the DNSSEC policy "
                 "requires secure", name, t, mimi_dnssec_name(a->sec));
    return MIMI_FAIL_INSECURE;
  }
  return MIMI_FAIL_NONE;
}

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

static void send_or_fail(mimi_query_t *q, const char *name, uint16_t qtype,
                         mimi__sub_fn fn, int steps) {
  if (mimi__lookup_send(q, name, qtype, fn, -1, steps) != MIMI_OK)
    oom(q);
}

/* Mappings found (or an opt-out): record them, go on to the endpoints. */
static void accept_set(mimi_query_t *q, mimi_mapset_t *set, const char *src,
                       mimi_dnssec_t sec) {
  int optout = mimi_mapset_opted_out(set); /* before the records move */
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

static void enum_next_apex(mimi_query_t *q);
static void on_txt(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a);

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
        send_or_fail(q, next, MIMI_RR_NAPTR, on_naptr, s->steps + 1);
      } else {
        oom(q);
      }
    } else {
      q->apex++;
      enum_next_apex(q);
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

/* Phone numbers (§4): per apex in order, TXT, then NAPTR. */
static void enum_next_apex(mimi_query_t *q) {
  char *name = NULL;
  if (q->apex >= q->ctx->napexes) {
    q->res->outcome = MIMI_OUTCOME_NOTFOUND;
    return; /* completes when nothing is in flight */
  }
  if (mimi_name_enum(mimi_id_number(q->res->id), q->ctx->apexes[q->apex],
                     &name) != MIMI_OK) {
    oom(q);
    return;
  }
  for (size_t i = 0; i < q->nvisited; i++)
    free(q->visited[i]);
  q->nvisited = 0;
  send_or_fail(q, name, MIMI_RR_TXT, on_txt, 0);
  mimi_free(name);
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
    keep_warnings(q, set, s->name);
    if (mimi_id_class(q->res->id) == MIMI_ID_PHONE) {
      /* NXDOMAIN at the ENUM name: there is no NAPTR there either. */
      if (a->rcode == 3) {
        q->apex++;
        enum_next_apex(q);
      } else {
        q->nvisited = 0;
        if ((q->visited[0] = mimi__strdup(s->name)) != NULL)
          q->nvisited = 1;
        send_or_fail(q, s->name, MIMI_RR_NAPTR, on_naptr, 0);
      }
    } else if (q->retry_name) {
      /* §2: retry once with the ASCII-lower-cased local part. */
      char *r = q->retry_name;
      q->retry_name = NULL;
      send_or_fail(q, r, MIMI_RR_TXT, on_txt, 0);
      free(r);
    } else {
      q->res->outcome = MIMI_OUTCOME_NOTFOUND;
    }
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

static mimi_status_t start(mimi_query_t *q) {
  const mimi_id_t *id = q->res->id;
  char *name = NULL;
  mimi_status_t st = MIMI_OK;

  switch (mimi_id_class(id)) {
  case MIMI_ID_HANDLE:
    if (!q->ctx->sha)
      q->ctx->sha = mimi__sha_new(); /* else (OOM) one-shot digests */
    if ((st = mimi__name_handle_canon(mimi_id_local(id), mimi_id_domain(id),
                                      q->ctx->sha, &name)))
      break;
    if (q->ctx->case_retry &&
        (st = mimi_name_handle_retry(mimi_id_local(id), mimi_id_domain(id),
                                     &q->retry_name)))
      break;
    st = mimi__lookup_send(q, name, MIMI_RR_TXT, on_txt, -1, 0);
    break;
  case MIMI_ID_DOMAIN:
    if ((st = mimi_name_domain(mimi_id_domain(id), &name)) == MIMI_OK)
      st = mimi__lookup_send(q, name, MIMI_RR_TXT, on_txt, -1, 0);
    break;
  case MIMI_ID_PHONE:
    if ((st = mimi_name_enum(mimi_id_number(id), q->ctx->apexes[0], &name)))
      break;
    st = mimi__lookup_send(q, name, MIMI_RR_TXT, on_txt, -1, 0);
    break;
  case MIMI_ID_URI:
    if ((st = start_uri(q)) == MIMI_OK)
      mimi__endpoints_start(q);
    break;
  }
  mimi_free(name);
  return st;
}

/* ---- Public entry points ------------------------------------------------ */

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
  q->deadline = mimi__now_ms() + ctx->timeout_ms;
  /* Link first: start() may already complete a lookup (a MIMI URI with
   * endpoints off), which unlinks it. */
  q->cnext = ctx->queries;
  if (ctx->queries)
    ctx->queries->cprev = q;
  ctx->queries = q;
  ctx->nqueries++;
  if ((st = start(q)) != MIMI_OK) {
    cancel_subs(q, 0);
    ctx_unlink(q);
    query_release(q);
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
    deferred_unlink(ctx, s);
    if ((e = mimi__cache_get(ctx->cache, s->name, s->qtype, now))) {
      mimi__cache_answer(e, now, &a);
      on_answer(s, &a);
      continue;
    }
    /* Expired or evicted since: ask the backend after all. */
    s->cached = 0;
    if (ctx->be_ops->query(ctx->be, s->name, s->qtype, on_answer, s, &s->qid) !=
        MIMI_OK) {
      memset(&a, 0, sizeof a);
      a.rcode = -1;
      a.fail = MIMI_FAIL_INTERNAL;
      a.why = "out of memory";
      s->cached = 1; /* nothing to cache */
      on_answer(s, &a);
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
      mimi__lookup_fail(q, MIMI_FAIL_TIMEOUT, -1,
                        "no answer within %u ms", ctx->timeout_ms);
    }
  }
}

/* ---- Synchronous lookups ------------------------------------------------ */

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
