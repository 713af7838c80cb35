/* SPDX-License-Identifier: MIT */
/*
 * Query plans (MIMI-DNS/1 §2, §4, §5): the DNS queries a lookup sends, as a
 * dependency graph. Each step names the step whose answer it waits for
 * (or none: it goes out when the lookup starts) and on which outcome of
 * that answer it is sent. The lookup engine walks this graph and nothing
 * else (engine/plan_walk.c); `mimi-lookup --explain` prints it; `--trace`
 * labels every query with the step it served. One description, so the
 * three cannot disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

static const char *const DEFAULT_APEX[] = {"e164.arpa"};

MIMI_EXPORT void mimi_plan_free(mimi_plan_t *plan) {
  if (!plan)
    return;
  for (size_t i = 0; i < plan->n; i++)
    free(plan->v[i].name);
  free(plan->v);
  free(plan);
}

/* Append a step; takes ownership of name (also on failure). Steps only
 * depend on steps before them (the graph is acyclic by construction). */
static mimi_status_t add(mimi_plan_t *p, char *name, uint16_t qtype,
                         mimi_step_t step, size_t after, mimi__when_t cond,
                         unsigned hops, const char *when) {
  if (!name)
    return MIMI_ENOMEM;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 8;
    mimi__plan_step_t *v = realloc(p->v, cap * sizeof(*v));
    if (!v) {
      free(name);
      return MIMI_ENOMEM;
    }
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = (mimi__plan_step_t){name, qtype, step, after, cond, hops, when};
  return MIMI_OK;
}

/* The endpoint steps of one provider (§5), the first of them at index
 * base; with (port 0 or 443) or without the URI's port. */
static mimi_status_t add_endpoints(mimi_plan_t *p, const char *provider,
                                   uint16_t port) {
  char *svcb = NULL, *host, *tlsa;
  mimi_status_t st;
  size_t n, i_svcb = p->n, i_https = p->n + 1, i_a = p->n + 2;
  mimi_buf_t b;

  if ((st = mimi_name_svcb(provider, port, &svcb)) != MIMI_OK)
    return st;
  if ((st = add(p, svcb, MIMI_RR_SVCB, MIMI_STEP_SVCB, MIMI_PLAN_START,
                MIMI__WHEN_START, MIMI_SVCB_MAX_ALIAS_STEPS,
                "always (AliasMode followed, at most 8 steps)")) != MIMI_OK)
    return st;
  /* The provider's own name: the SVCB name without its "_mimi." prefix. */
  svcb = p->v[i_svcb].name;
  host = strstr(svcb, "_mimi.") + strlen("_mimi.");
  n = strlen(host);
  /* With a port other than 443, HTTPS is asked at _<port>._https.<p>
   * (RFC 9460 §9.1), and the addresses are used on that port. */
  /* (Plan steps keep a pointer to their text: static strings only.) */
  const char *when = port && port != 443
                         ? "if there is neither SVCB nor HTTPS (the URI's port)"
                         : "if there is neither SVCB nor HTTPS (port 443)";
  if ((st = add(p, mimi__name_https(host, n, port), MIMI_RR_HTTPS, MIMI_STEP_HTTPS,
                i_svcb, MIMI__WHEN_NONE, MIMI_SVCB_MAX_ALIAS_STEPS,
                "if there is no SVCB")) != MIMI_OK)
    return st;
  if ((st = add(p, mimi__strndup(host, n), MIMI_RR_A, MIMI_STEP_ADDR, i_https,
                MIMI__WHEN_NONE, 0, when)) != MIMI_OK)
    return st;
  if ((st = add(p, mimi__strndup(host, n), MIMI_RR_AAAA, MIMI_STEP_ADDR,
                i_https, MIMI__WHEN_NONE, 0, when)) != MIMI_OK)
    return st;
  /* TLSA (RFC 6698 §3) of every endpoint the steps above yield, at
   * _<port>._tcp.<target>: for the A/AAAA endpoint this name, with them;
   * for SVCB/HTTPS ones the targets and ports their answers give. */
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "_%u._tcp.%s", port ? (unsigned)port : 443u, p->v[i_a].name);
  if (!(tlsa = mimi__buf_take(&b)))
    return MIMI_ENOMEM;
  return add(p, tlsa, MIMI_RR_TLSA, MIMI_STEP_TLSA, i_https, MIMI__WHEN_NONE, 0,
             "with A/AAAA here; for each SVCB/HTTPS endpoint at its "
             "_<port>._tcp.<target> (reported when present)");
}

static mimi_plan_t *plan_new(void) {
  return calloc(1, sizeof(mimi_plan_t));
}

mimi_status_t mimi__plan_endpoints(const char *provider, uint16_t port,
                                   mimi_plan_t **plan) {
  mimi_plan_t *p;
  mimi_status_t st;
  *plan = NULL;
  if (!(p = plan_new()))
    return MIMI_ENOMEM;
  if ((st = add_endpoints(p, provider, port)) != MIMI_OK) {
    mimi_plan_free(p);
    return st;
  }
  *plan = p;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_plan_endpoints(const char *provider,
                                              uint16_t port,
                                              mimi_plan_t **plan,
                                              char *err, size_t errlen) {
  mimi_status_t st;

  if (plan)
    *plan = NULL;
  if (!provider || !plan)
    return MIMI_EINVAL;
  st = mimi__plan_endpoints(provider, port, plan);
  if (st == MIMI_EBADID || st == MIMI_ETOOLONG)
    mimi__seterr(err, errlen, "provider '%.80s' has no valid endpoint name: %s",
                 provider, mimi_strerror(st));
  return st;
}

static mimi_status_t plan_id(mimi_plan_t *p, const mimi_id_t *id,
                             const mimi_plan_opts_t *o,
                             struct evp_md_ctx_st *sha) {
  char *name = NULL;
  mimi_status_t st;

  switch (mimi_id_class(id)) {
  case MIMI_ID_HANDLE:
    /* mimi_id_domain() is canonical already. */
    if ((st = mimi__name_handle_canon(mimi_id_local(id), mimi_id_domain(id), sha,
                                      &name)))
      return st;
    if ((st = add(p, name, MIMI_RR_TXT, MIMI_STEP_MAPPING, MIMI_PLAN_START,
                  MIMI__WHEN_START, 0, "always")))
      return st;
    if (o->no_case_retry)
      return MIMI_OK;
    if ((st = mimi_name_handle_retry(mimi_id_local(id), mimi_id_domain(id), &name)))
      return st;
    if (!name)
      return MIMI_OK;
    return add(p, name, MIMI_RR_TXT, MIMI_STEP_RETRY, 0, MIMI__WHEN_NONE, 0,
               "if no mapping was found (local part lower-cased)");
  case MIMI_ID_DOMAIN:
    if ((st = mimi_name_domain(mimi_id_domain(id), &name)))
      return st;
    return add(p, name, MIMI_RR_TXT, MIMI_STEP_MAPPING, MIMI_PLAN_START,
               MIMI__WHEN_START, 0, "always");
  case MIMI_ID_PHONE: {
    /* Per apex in order (§4): TXT, then NAPTR at the same name unless the
     * TXT answer was NXDOMAIN (RFC 8020), then the next apex. */
    const char *const *apex = o->enum_apexes ? o->enum_apexes : DEFAULT_APEX;
    size_t napex = o->enum_apexes ? o->n_enum_apexes : 1;
    for (size_t i = 0; i < napex; i++) {
      char *naptr;
      size_t txt = p->n;
      if ((st = mimi_name_enum(mimi_id_number(id), apex[i], &name)))
        return st;
      naptr = mimi__strdup(name);
      if ((st = add(p, name, MIMI_RR_TXT, MIMI_STEP_MAPPING,
                    i == 0 ? MIMI_PLAN_START : txt - 1,
                    i == 0 ? MIMI__WHEN_START : MIMI__WHEN_NONE, 0,
                    i == 0 ? "always" : "if no mapping under the previous apex"))) {
        free(naptr);
        return st;
      }
      if ((st = add(p, naptr, MIMI_RR_NAPTR, MIMI_STEP_NAPTR, txt,
                    MIMI__WHEN_NODATA, MIMI__NAPTR_MAX_STEPS,
                    "if no valid MIMI TXT at this name (non-terminal rules "
                    "followed, at most 5 steps)")))
        return st;
    }
    return MIMI_OK;
  }
  case MIMI_ID_URI:
    return add_endpoints(p, mimi_id_domain(id), mimi_id_port(id));
  }
  return MIMI_EINVAL;
}

mimi_status_t mimi__plan_identifier(const mimi_id_t *id,
                                    const mimi_plan_opts_t *opts,
                                    struct evp_md_ctx_st *sha,
                                    mimi_plan_t **plan) {
  static const mimi_plan_opts_t defaults;
  mimi_plan_t *p;
  mimi_status_t st;

  *plan = NULL;
  if (!(p = plan_new()))
    return MIMI_ENOMEM;
  if ((st = plan_id(p, id, opts ? opts : &defaults, sha)) != MIMI_OK) {
    mimi_plan_free(p);
    return st;
  }
  *plan = p;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_plan_identifier(const mimi_id_t *id,
                                               const mimi_plan_opts_t *opts,
                                               mimi_plan_t **plan,
                                               char *err, size_t errlen) {
  mimi_status_t st;

  if (plan)
    *plan = NULL;
  if (!id || !plan || (opts && opts->enum_apexes == NULL && opts->n_enum_apexes))
    return MIMI_EINVAL;
  st = mimi__plan_identifier(id, opts, NULL, plan);
  if (st == MIMI_EBADID)
    mimi__seterr(err, errlen, "an ENUM apex is not a valid domain name");
  else if (st == MIMI_ETOOLONG)
    mimi__seterr(err, errlen, "an owner name would exceed the DNS limits "
                 "(255 octets, labels of 63)");
  return st;
}

MIMI_EXPORT size_t mimi_plan_count(const mimi_plan_t *plan) {
  return plan ? plan->n : 0;
}
MIMI_EXPORT const char *mimi_plan_name(const mimi_plan_t *plan, size_t i) {
  return plan && i < plan->n ? plan->v[i].name : NULL;
}
MIMI_EXPORT uint16_t mimi_plan_qtype(const mimi_plan_t *plan, size_t i) {
  return plan && i < plan->n ? plan->v[i].qtype : 0;
}
MIMI_EXPORT mimi_step_t mimi_plan_step(const mimi_plan_t *plan, size_t i) {
  return plan && i < plan->n ? plan->v[i].step : (mimi_step_t)0;
}
MIMI_EXPORT const char *mimi_plan_when(const mimi_plan_t *plan, size_t i) {
  return plan && i < plan->n ? plan->v[i].when : NULL;
}
MIMI_EXPORT size_t mimi_plan_after(const mimi_plan_t *plan, size_t i) {
  return plan && i < plan->n ? plan->v[i].after : MIMI_PLAN_START;
}
