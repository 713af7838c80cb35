/* SPDX-License-Identifier: MIT */
/*
 * The lookup engine, endpoint phase (MIMI-DNS/1 §5): for each distinct
 * provider, in parallel, SVCB at _mimi.<p> (AliasMode followed at most 8
 * steps), else HTTPS at <p>, else A/AAAA of <p> on port 443; TLSA at
 * _<port>._tcp.<target> reported when present. A provider whose answers
 * fail the policy gate gets a failure and no endpoints; the mappings stand.
 * A ServiceMode endpoint's addresses are its target's A/AAAA (RFC 9460
 * §7.3: the hints are only hints), asked with its TLSA; a hint stays where
 * the target's own answer is missing or may not be used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/lookup_state.h"


#define DEFAULT_ALPN "http/1.1" /* MIMI-DNS/1 §5 */

static mimi__provider_t *prov(mimi_query_t *q, mimi__sub_t *s) {
  return &q->res->provs[s->prov];
}

static void pfail(mimi_query_t *q, long i, mimi_failure_t f, const char *why) {
  mimi__provider_t *p = &q->res->provs[i];
  if (p->fail != MIMI_FAIL_NONE)
    return;
  p->fail = f;
  free(p->reason);
  p->reason = mimi__strdup(why);
  mimi__provider_clear(p); /* never data from a failed provider */
}

static int pcheck(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  char why[512];
  int ede;
  mimi__provider_t *p = prov(q, s);
  if (p->fail != MIMI_FAIL_NONE)
    return 0;
  mimi_failure_t f = mimi__answer_verdict(q->ctx, s->name, s->qtype, a, why,
                                          sizeof why, &ede);
  p->sec = mimi__weaker(p->sec, a->sec);
  if (f != MIMI_FAIL_NONE) {
    pfail(q, s->prov, f, why);
    return 0;
  }
  return 1;
}

/* Append an ALPN id (any octets, len of them) to an endpoint. */
static mimi_status_t add_alpn(mimi_endpoint_t *e, const char *s, size_t len) {
  char **na = realloc(e->alpn, (e->nalpn + 1) * sizeof *na);
  if (!na)
    return MIMI_ENOMEM;
  e->alpn = na;
  size_t *nl = realloc(e->alpn_len, (e->nalpn + 1) * sizeof *nl);
  if (!nl)
    return MIMI_ENOMEM;
  e->alpn_len = nl;
  nl[e->nalpn] = len;
  if (!(na[e->nalpn] = mimi__strndup(s, len)))
    return MIMI_ENOMEM;
  e->nalpn++;
  return MIMI_OK;
}

static void tlsa_name(const mimi_endpoint_t *e, char *buf, size_t len) {
  snprintf(buf, len, "_%u._tcp.%s", (unsigned)e->port, e->target);
}

static int is_v6(const mimi__addr_t *a) { return strchr(a->text, ':') != NULL; }

/* Insert an address (text owned by the endpoint on success) after the
 * last one of its family: IPv4 before IPv6, each in the order given. */
static mimi_status_t add_addr(mimi_endpoint_t *e, char *text, uint16_t src,
                              mimi_dnssec_t sec) {
  mimi__addr_t *na = realloc(e->addrs, (e->naddrs + 1) * sizeof *na), a = {text, src, sec};
  size_t at = e->naddrs;
  if (!na)
    return MIMI_ENOMEM;
  e->addrs = na;
  if (!is_v6(&a))
    for (at = 0; at < e->naddrs && !is_v6(&na[at]); at++)
      ;
  memmove(&na[at + 1], &na[at], (e->naddrs - at) * sizeof *na);
  na[at] = a;
  e->naddrs++;
  return MIMI_OK;
}

static void on_tlsa(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  mimi__provider_t *p = prov(q, s);
  char want[MIMI_MAX_NAME_WIRE + 32];
  if (!pcheck(q, s, a))
    return;
  for (size_t j = 0; j < p->neps; j++) {
    mimi_endpoint_t *e = p->eps[j];
    tlsa_name(e, want, sizeof want);
    if (strcasecmp(want, s->name) != 0)
      continue;
    e->sec = mimi__weaker(e->sec, a->sec);
    for (size_t i = 0; i < a->n; i++) {
      char *t = NULL;
      if (mimi__tlsa_text(a->rdata[i], a->rdlen[i], &t) != MIMI_OK)
        continue; /* a malformed TLSA is no TLSA */
      char **nt = realloc(e->tlsa, (e->ntlsa + 1) * sizeof *nt);
      if (!nt) {
        free(t);
        pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
        return;
      }
      e->tlsa = nt;
      e->tlsa[e->ntlsa++] = t;
    }
  }
}

/* Ask for the TLSA of an endpoint unless an earlier one shares its name. */
static void want_tlsa(mimi_query_t *q, long i, size_t j) {
  mimi__provider_t *p = &q->res->provs[i];
  char name[MIMI_MAX_NAME_WIRE + 32], other[sizeof name];
  tlsa_name(p->eps[j], name, sizeof name);
  for (size_t k = 0; k < j; k++) {
    tlsa_name(p->eps[k], other, sizeof other);
    if (strcasecmp(name, other) == 0)
      return;
  }
  size_t step = mimi__walk_find(&q->ps[i].walk, MIMI_STEP_TLSA);
  if (step != MIMI_PLAN_START && mimi__name_check(name, NULL, 0) == MIMI_OK)
    mimi__walk_send(q, i, step, name,
                    strcasecmp(name, q->ps[i].walk.plan->v[step].name) != 0);
}

/* The addresses of an answer onto endpoint e, replacing its hints of
 * that family when there is at least one. */
static mimi_status_t take_addrs(mimi_endpoint_t *e, const mimi__answer_t *a,
                                uint16_t qtype) {
  int v6 = qtype == MIMI_RR_AAAA, first = 1;
  for (size_t i = 0; i < a->n; i++) {
    char *t = NULL;
    if (mimi__addr_text(a->rdata[i], a->rdlen[i], &t) != MIMI_OK)
      continue; /* not an address of this type: no address */
    if (first && e->source != MIMI_RR_A) {
      size_t o = 0; /* the hints of this family give way */
      for (size_t j = 0; j < e->naddrs; j++) {
        if (e->addrs[j].src == 0 && is_v6(&e->addrs[j]) == v6)
          free(e->addrs[j].text);
        else
          e->addrs[o++] = e->addrs[j];
      }
      e->naddrs = o;
    }
    first = 0;
    if (add_addr(e, t, qtype, a->sec) != MIMI_OK) {
      free(t);
      return MIMI_ENOMEM;
    }
  }
  if (!first)
    e->sec = mimi__weaker(e->sec, a->sec);
  return MIMI_OK;
}

static void on_addr(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  mimi__provider_t *p = prov(q, s);
  int fallback = 0;
  for (size_t j = 0; j < p->neps; j++)
    fallback |= p->eps[j]->source == MIMI_RR_A;
  if (fallback) {
    /* The provider's own A/AAAA, its only endpoint: the gate decides. */
    if (!pcheck(q, s, a))
      return;
  } else {
    /* A ServiceMode target's: an answer the gate refuses is not used, and
     * the hints stand (a bogus answer is never data; the endpoint itself
     * came from an answer that passed). */
    char why[512];
    int ede;
    if (p->fail != MIMI_FAIL_NONE)
      return;
    if (mimi__answer_verdict(q->ctx, s->name, s->qtype, a, why, sizeof why,
                             &ede) != MIMI_FAIL_NONE) {
      (void)mimi__result_add_warning(q->res, "%s %s: not used (%s); the "
                                     "endpoint keeps its hints", s->name,
                                     mimi_rrtype_name(s->qtype), why);
      return;
    }
    if (a->n)
      p->sec = mimi__weaker(p->sec, a->sec);
  }
  for (size_t j = 0; j < p->neps; j++) {
    mimi_endpoint_t *e = p->eps[j];
    if (e->source == MIMI_RR_A ? !fallback : !mimi__name_eq(e->target, s->name))
      continue;
    if (take_addrs(e, a, s->qtype) != MIMI_OK) {
      pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
      return;
    }
  }
}

/* Ask for the A and AAAA of an endpoint's target unless an earlier one
 * shares it (RFC 9460 §7.3); with its TLSA, one round trip. */
static void want_addrs(mimi_query_t *q, long i, size_t j) {
  mimi__provider_t *p = &q->res->provs[i];
  const mimi__walk_t *w = &q->ps[i].walk;
  const char *target = p->eps[j]->target;
  for (size_t k = 0; k < j; k++)
    if (mimi__name_eq(p->eps[k]->target, target))
      return;
  if (mimi__name_check(target, NULL, 0) != MIMI_OK)
    return;
  for (size_t st = 0; st < w->plan->n && !q->done; st++)
    if (w->plan->v[st].step == MIMI_STEP_ADDR)
      mimi__walk_send(q, i, st, target, 1);
}

/* No SVCB and no HTTPS: the provider's A/AAAA on the default port (or the
 * URI's), as one endpoint, made before they go out (its TLSA goes with
 * them: the plan's TLSA step). */
static void start_addr(mimi_query_t *q, long i) {
  mimi__provider_t *p = &q->res->provs[i];
  mimi_endpoint_t *e = calloc(1, sizeof *e);
  mimi_buf_t b;
  if (!e) {
    pfail(q, i, MIMI_FAIL_INTERNAL, "out of memory");
    return;
  }
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%s.", p->name);
  e->target = mimi__buf_take(&b);
  e->source = MIMI_RR_A;
  e->port = p->port ? p->port : 443;
  e->sec = q->ps[i].path; /* the SVCB and HTTPS denials that led here */
  if (!e->target ||
      add_alpn(e, DEFAULT_ALPN, strlen(DEFAULT_ALPN)) != MIMI_OK ||
      mimi__provider_add_endpoint(p, e) != MIMI_OK) {
    if (p->neps == 0 || p->eps[p->neps - 1] != e)
      mimi__endpoint_free(e);
    pfail(q, i, MIMI_FAIL_INTERNAL, "out of memory");
    return;
  }
}

static int svcb_order(const void *a, const void *b) {
  const mimi_svcb_t *x = *(const mimi_svcb_t *const *)a;
  const mimi_svcb_t *y = *(const mimi_svcb_t *const *)b;
  if (mimi_svcb_priority(x) != mimi_svcb_priority(y))
    return mimi_svcb_priority(x) < mimi_svcb_priority(y) ? -1 : 1;
  return strcmp(mimi_svcb_target(x), mimi_svcb_target(y));
}

static mimi_status_t make_endpoint(mimi_query_t *q, mimi__sub_t *s,
                                   const mimi_svcb_t *r, mimi_dnssec_t sec,
                                   mimi_endpoint_t **out) {
  mimi_endpoint_t *e = calloc(1, sizeof *e);
  mimi__provider_t *p = prov(q, s);
  int has_default = 0;
  *out = NULL;
  if (!e)
    return MIMI_ENOMEM;
  e->source = s->qtype;
  e->priority = mimi_svcb_priority(r);
  e->sec = sec;
  /* RFC 9460 §2.5: "." in ServiceMode is the owner name (after aliases). */
  e->target = mimi__strdup(strcmp(mimi_svcb_target(r), ".") == 0
                               ? s->name : mimi_svcb_target(r));
  e->port = mimi_svcb_port(r);
  if (!mimi_svcb_has_key(r, MIMI_SVCB_KEY_PORT))
    e->port = p->port ? p->port : 443;
  e->ech = mimi_svcb_ech(r, NULL) != NULL;
  if (!e->target)
    goto nomem;
  for (size_t i = 0; i < mimi_svcb_alpn_count(r); i++) {
    size_t len = 0;
    const char *id = mimi_svcb_alpn(r, i, &len);
    has_default |= len == strlen(DEFAULT_ALPN) && memcmp(id, DEFAULT_ALPN, len) == 0;
    if (add_alpn(e, id, len) != MIMI_OK)
      goto nomem;
  }
  /* RFC 9460 §7.1.1: the default ALPN applies unless no-default-alpn. */
  if (!mimi_svcb_no_default_alpn(r) && !has_default &&
      add_alpn(e, DEFAULT_ALPN, strlen(DEFAULT_ALPN)) != MIMI_OK)
    goto nomem;
  for (size_t i = 0; i < mimi_svcb_ipv4hint_count(r); i++) {
    char *t = NULL;
    if (mimi__addr_text(mimi_svcb_ipv4hint(r, i), 4, &t) != MIMI_OK ||
        add_addr(e, t, 0, sec) != MIMI_OK) {
      free(t);
      goto nomem;
    }
  }
  for (size_t i = 0; i < mimi_svcb_ipv6hint_count(r); i++) {
    char *t = NULL;
    if (mimi__addr_text(mimi_svcb_ipv6hint(r, i), 16, &t) != MIMI_OK ||
        add_addr(e, t, 0, sec) != MIMI_OK) {
      free(t);
      goto nomem;
    }
  }
  *out = e;
  return MIMI_OK;
nomem:
  mimi__endpoint_free(e);
  return MIMI_ENOMEM;
}

static void on_svcb(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a);

static void follow_alias(mimi_query_t *q, mimi__sub_t *s, const char *target) {
  mimi__prov_state_t *st = &q->ps[s->prov];
  char why[600];
  /* RFC 9460 §2.5.1: AliasMode to "." means the service does not exist. */
  if (strcmp(target, ".") == 0)
    return;
  /* The chain's first name counts as visited: a loop back to it is a loop. */
  if (st->nvisited == 0) {
    if (!(st->visited[0] = mimi__strdup(s->name))) {
      pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
      return;
    }
    st->nvisited = 1;
  }
  for (size_t i = 0; i < st->nvisited; i++) {
    if (strcasecmp(st->visited[i], target) == 0) {
      snprintf(why, sizeof why, "%s %s: alias loop back to %s", s->name,
               mimi_rrtype_name(s->qtype), target);
      pfail(q, s->prov, MIMI_FAIL_LOOP, why);
      return;
    }
  }
  if (s->steps + 1 > MIMI_MAX_ALIAS_STEPS ||
      st->nvisited >= sizeof st->visited / sizeof *st->visited) {
    snprintf(why, sizeof why, "%s %s: alias chain longer than %d steps",
             s->name, mimi_rrtype_name(s->qtype), MIMI_MAX_ALIAS_STEPS);
    pfail(q, s->prov, MIMI_FAIL_LOOP, why);
    return;
  }
  if (!(st->visited[st->nvisited] = mimi__strdup(target))) {
    pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
    return;
  }
  st->nvisited++;
  mimi__walk_send(q, s->prov, s->step, target, s->steps + 1);
}

static void on_svcb(mimi_query_t *q, mimi__sub_t *s, const mimi__answer_t *a) {
  mimi__provider_t *p = prov(q, s);
  mimi_svcb_t **recs = NULL;
  size_t n = 0, nservice = 0;
  const mimi_svcb_t *alias = NULL;
  const char *t = mimi_rrtype_name(s->qtype);
  char err[MIMI_ERRLEN];

  if (!pcheck(q, s, a))
    return;
  mimi__prov_state_t *ps = &q->ps[s->prov];
  ps->path = mimi__weaker(ps->path, a->sec);
  if (a->n && !(recs = calloc(a->n, sizeof *recs))) {
    pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
    return;
  }
  for (size_t i = 0; i < a->n; i++) {
    mimi_svcb_t *r = NULL;
    mimi_status_t st = mimi_svcb_decode(a->rdata[i], a->rdlen[i], &r, err,
                                        sizeof err);
    if (st == MIMI_ENOMEM) {
      pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
      goto done;
    }
    if (st != MIMI_OK) {
      (void)mimi__result_add_warning(q->res, "%s %s: skipped: %s", s->name, t, err);
      continue;
    }
    if (mimi_svcb_is_alias(r)) {
      /* Deterministic choice if a zone has several (it SHOULD NOT). */
      if (!alias || strcmp(mimi_svcb_target(r), mimi_svcb_target(alias)) < 0)
        alias = r;
    } else if (!mimi_svcb_usable(r)) {
      (void)mimi__result_add_warning(q->res, "%s %s priority %u: skipped: "
                                     "it lists a mandatory key this client "
                                     "does not support", s->name, t,
                                     (unsigned)mimi_svcb_priority(r));
      mimi_svcb_free(r);
      continue;
    } else {
      nservice++;
    }
    recs[n++] = r;
  }

  if (alias) {
    /* RFC 9460 §2.4.2: with AliasMode present, ServiceMode is ignored. */
    follow_alias(q, s, mimi_svcb_target(alias));
  } else if (nservice) {
    size_t first = p->neps, used = 0;
    qsort(recs, n, sizeof *recs, svcb_order);
    for (size_t i = 0; i < n; i++) {
      mimi_endpoint_t *e = NULL;
      if (used == MIMI_MAX_TARGETS) { /* bounded work; priority order */
        (void)mimi__result_add_warning(q->res, "%s %s: %zu ServiceMode records; "
                                       "only the first %d by priority are used",
                                       s->name, t, nservice, MIMI_MAX_TARGETS);
        break;
      }
      used++;
      if (make_endpoint(q, s, recs[i], ps->path, &e) != MIMI_OK ||
          mimi__provider_add_endpoint(p, e) != MIMI_OK) {
        pfail(q, s->prov, MIMI_FAIL_INTERNAL, "out of memory");
        goto done;
      }
    }
    for (size_t j = first; j < p->neps && !q->done; j++) {
      want_tlsa(q, s->prov, j);
      want_addrs(q, s->prov, j);
    }
  } else if (a->n == 0 && s->steps == 0) {
    /* None at the first name: the plan's fallback (HTTPS, then A/AAAA). */
    mimi__walk_advance(q, s->prov, s->step, MIMI__OUT_NONE);
  } else {
    (void)mimi__result_add_warning(q->res, "%s %s: no usable record", s->name, t);
  }
done:
  for (size_t i = 0; i < n; i++)
    mimi_svcb_free(recs[i]);
  free(recs);
}

/* Answers by the kind of step they serve. */
static const mimi__sub_fn on_step[] = {
    [MIMI_STEP_SVCB] = on_svcb,
    [MIMI_STEP_HTTPS] = on_svcb,
    [MIMI_STEP_ADDR] = on_addr,
    [MIMI_STEP_TLSA] = on_tlsa,
};

static void sending(mimi_query_t *q, long prov, size_t step, const char *name,
                    int hops) {
  const mimi__plan_step_t *st = &q->ps[prov].walk.plan->v[step];
  (void)name;
  /* The fallback's own turn; a target's addresses are hops 1. */
  if (st->step == MIMI_STEP_ADDR && st->qtype == MIMI_RR_A && hops == 0)
    start_addr(q, prov);
}

void mimi__endpoints_start(mimi_query_t *q) {
  mimi_result_t *r = q->res;
  if (!q->ctx->endpoints)
    return;
  size_t skipped = 0;
  q->in_endpoints = 1;
  for (size_t i = 0; i < r->nmaps; i++) {
    const char *pname = mimi_record_provider(r->maps[i].rec);
    long idx;
    if (!pname)
      continue;
    if (r->nprovs >= MIMI_MAX_PROVIDERS &&
        mimi__result_provider_find(r, pname, q->uri_port) < 0) {
      skipped++; /* bounded work: an answer chooses these names */
      continue;
    }
    idx = mimi__result_provider(r, pname, q->uri_port);
    if (idx < 0) {
      mimi__lookup_fail(q, MIMI_FAIL_INTERNAL, -1, "out of memory");
      return;
    }
    if ((size_t)idx < q->nps)
      continue; /* already asked */
    mimi__prov_state_t *ps = realloc(q->ps, (q->nps + 1) * sizeof *ps);
    if (!ps) {
      mimi__lookup_fail(q, MIMI_FAIL_INTERNAL, -1, "out of memory");
      return;
    }
    q->ps = ps;
    ps = &q->ps[q->nps++];
    memset(ps, 0, sizeof *ps);
    ps->path = MIMI_DNSSEC_SECURE; /* until an answer says less */
    ps->walk.prov = idx;
    ps->walk.on = on_step;
    ps->walk.sending = sending;
    if (mimi__plan_endpoints(pname, q->uri_port, &ps->walk.plan) != MIMI_OK ||
        mimi__walk_start(q, idx) != MIMI_OK)
      pfail(q, idx, MIMI_FAIL_INTERNAL, "out of memory");
  }
  if (skipped)
    (void)mimi__result_add_warning(r, "endpoints not looked up for %zu "
                                   "mappings: at most %d providers a lookup",
                                   skipped, MIMI_MAX_PROVIDERS);
}

void mimi__endpoints_timeout(mimi_query_t *q) {
  char why[128];
  snprintf(why, sizeof why, "endpoints: no answer within %u ms",
           q->ctx->timeout_ms);
  for (mimi__sub_t *s = q->subs; s; s = s->next) {
    if (s->prov >= 0) {
      pfail(q, s->prov, MIMI_FAIL_TIMEOUT, why);
      q->res->provs[s->prov].sec =
          mimi__weaker(q->res->provs[s->prov].sec, MIMI_DNSSEC_UNCHECKED);
    }
  }
}
