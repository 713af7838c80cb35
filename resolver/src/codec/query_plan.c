/*
 * Query plans: the DNS queries a lookup sends, in order (MIMI-DNS/1 §2, §4,
 * §5). Used by `mimi-lookup --explain` ("what will be sent?") and by the
 * resolver, so the two can never disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

struct step {
  char *name;
  uint16_t qtype;
  mimi_step_t step;
  const char *when;
};

struct mimi_plan {
  struct step *v;
  size_t n, cap;
};

static const char *const DEFAULT_APEX[] = {"e164.arpa"};

MIMI_EXPORT void mimi_plan_free(mimi_plan_t *plan) {
  if (!plan)
    return;
  for (size_t i = 0; i < plan->n; i++)
    free(plan->v[i].name);
  free(plan->v);
  free(plan);
}

/* Append a step; takes ownership of name (also on failure). */
static mimi_status_t add(mimi_plan_t *p, char *name, uint16_t qtype,
                         mimi_step_t step, const char *when) {
  if (!name)
    return MIMI_ENOMEM;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 8;
    struct step *v = realloc(p->v, cap * sizeof(*v));
    if (!v) {
      free(name);
      return MIMI_ENOMEM;
    }
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = (struct step){name, qtype, step, when};
  return MIMI_OK;
}

static mimi_status_t add_endpoints(mimi_plan_t *p, const char *provider,
                                   uint16_t port) {
  char *svcb = NULL, *host;
  mimi_status_t st;
  size_t n;

  if ((st = mimi_name_svcb(provider, port, &svcb)) != MIMI_OK)
    return st;
  if ((st = add(p, svcb, MIMI_RR_SVCB, MIMI_STEP_SVCB,
                "always (AliasMode followed, at most 8 steps)")) != MIMI_OK)
    return st;
  /* The provider's own name: the SVCB name without its "_mimi." prefix. */
  svcb = p->v[p->n - 1].name;
  host = strstr(svcb, "_mimi.") + strlen("_mimi.");
  n = strlen(host);
  /* With a port other than 443, HTTPS is asked at _<port>._https.<p>
   * (RFC 9460 §9.1), and the addresses are used on that port. */
  /* (Plan steps keep a pointer to their text: static strings only.) */
  const char *when = port && port != 443
                         ? "if there is neither SVCB nor HTTPS (the URI's port)"
                         : "if there is neither SVCB nor HTTPS (port 443)";
  if ((st = add(p, mimi__name_https(host, n, port), MIMI_RR_HTTPS, MIMI_STEP_HTTPS,
                "if there is no SVCB")) != MIMI_OK)
    return st;
  if ((st = add(p, mimi__strndup(host, n), MIMI_RR_A, MIMI_STEP_ADDR, when)) != MIMI_OK)
    return st;
  return add(p, mimi__strndup(host, n), MIMI_RR_AAAA, MIMI_STEP_ADDR, when);
}

MIMI_EXPORT mimi_status_t mimi_plan_endpoints(const char *provider,
                                              uint16_t port,
                                              mimi_plan_t **plan,
                                              char *err, size_t errlen) {
  mimi_plan_t *p;
  mimi_status_t st;

  if (plan)
    *plan = NULL;
  if (!provider || !plan)
    return MIMI_EINVAL;
  if (!(p = calloc(1, sizeof(*p))))
    return MIMI_ENOMEM;
  st = add_endpoints(p, provider, port);
  if (st != MIMI_OK) {
    if (st == MIMI_EBADID || st == MIMI_ETOOLONG)
      mimi__seterr(err, errlen, "provider '%.80s' has no valid endpoint name: %s",
                   provider, mimi_strerror(st));
    mimi_plan_free(p);
    return st;
  }
  *plan = p;
  return MIMI_OK;
}

static mimi_status_t plan_id(mimi_plan_t *p, const mimi_id_t *id,
                             const mimi_plan_opts_t *o) {
  char *name = NULL;
  mimi_status_t st;

  switch (mimi_id_class(id)) {
  case MIMI_ID_HANDLE:
    if ((st = mimi_name_handle(mimi_id_local(id), mimi_id_domain(id), &name)))
      return st;
    if ((st = add(p, name, MIMI_RR_TXT, MIMI_STEP_MAPPING, "always")))
      return st;
    if (o->no_case_retry)
      return MIMI_OK;
    if ((st = mimi_name_handle_retry(mimi_id_local(id), mimi_id_domain(id), &name)))
      return st;
    if (!name)
      return MIMI_OK;
    return add(p, name, MIMI_RR_TXT, MIMI_STEP_RETRY,
               "if no mapping was found (local part lower-cased)");
  case MIMI_ID_DOMAIN:
    if ((st = mimi_name_domain(mimi_id_domain(id), &name)))
      return st;
    return add(p, name, MIMI_RR_TXT, MIMI_STEP_MAPPING, "always");
  case MIMI_ID_PHONE: {
    const char *const *apex = o->enum_apexes ? o->enum_apexes : DEFAULT_APEX;
    size_t napex = o->enum_apexes ? o->n_enum_apexes : 1;
    for (size_t i = 0; i < napex; i++) {
      char *naptr;
      if ((st = mimi_name_enum(mimi_id_number(id), apex[i], &name)))
        return st;
      naptr = mimi__strdup(name);
      if ((st = add(p, name, MIMI_RR_TXT, MIMI_STEP_MAPPING,
                    i == 0 ? "always" : "if no mapping under the previous apex"))) {
        free(naptr);
        return st;
      }
      if ((st = add(p, naptr, MIMI_RR_NAPTR, MIMI_STEP_NAPTR,
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

MIMI_EXPORT mimi_status_t mimi_plan_identifier(const mimi_id_t *id,
                                               const mimi_plan_opts_t *opts,
                                               mimi_plan_t **plan,
                                               char *err, size_t errlen) {
  static const mimi_plan_opts_t defaults;
  mimi_plan_t *p;
  mimi_status_t st;

  if (plan)
    *plan = NULL;
  if (!id || !plan || (opts && opts->enum_apexes == NULL && opts->n_enum_apexes))
    return MIMI_EINVAL;
  if (!(p = calloc(1, sizeof(*p))))
    return MIMI_ENOMEM;
  st = plan_id(p, id, opts ? opts : &defaults);
  if (st != MIMI_OK) {
    if (st == MIMI_EBADID)
      mimi__seterr(err, errlen, "an ENUM apex is not a valid domain name");
    else if (st == MIMI_ETOOLONG)
      mimi__seterr(err, errlen, "an owner name would exceed the DNS limits "
                   "(255 octets, labels of 63)");
    mimi_plan_free(p);
    return st;
  }
  *plan = p;
  return MIMI_OK;
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
