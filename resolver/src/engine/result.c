/* SPDX-License-Identifier: MIT */
/* Lookup results: construction by the engine, accessors for callers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

mimi_dnssec_t mimi__weaker(mimi_dnssec_t a, mimi_dnssec_t b) {
  static const int rank[] = {
      [MIMI_DNSSEC_BOGUS] = 0, [MIMI_DNSSEC_UNCHECKED] = 1,
      [MIMI_DNSSEC_INSECURE] = 2, [MIMI_DNSSEC_SECURE] = 3};
  return rank[a] <= rank[b] ? a : b;
}

mimi_status_t mimi__result_new(const char *input, mimi_result_t **r) {
  mimi_result_t *n = calloc(1, sizeof *n);
  *r = NULL;
  if (!n)
    return MIMI_ENOMEM;
  n->ede = -1;
  n->sec = MIMI_DNSSEC_SECURE; /* weakened by each answer used */
  if (!(n->input = mimi__strdup(input))) {
    free(n);
    return MIMI_ENOMEM;
  }
  *r = n;
  return MIMI_OK;
}

void mimi__endpoint_free(mimi_endpoint_t *e) {
  if (!e)
    return;
  free(e->target);
  for (size_t i = 0; i < e->nalpn; i++)
    free(e->alpn[i]);
  free(e->alpn);
  free(e->alpn_len);
  for (size_t i = 0; i < e->naddrs; i++)
    free(e->addrs[i].text);
  free(e->addrs);
  for (size_t i = 0; i < e->ntlsa; i++)
    free(e->tlsa[i]);
  free(e->tlsa);
  free(e);
}

void mimi__provider_clear(mimi__provider_t *p) {
  for (size_t i = 0; i < p->neps; i++)
    mimi__endpoint_free(p->eps[i]);
  free(p->eps);
  p->eps = NULL;
  p->neps = 0;
}

MIMI_EXPORT void mimi_result_free(mimi_result_t *r) {
  if (!r)
    return;
  free(r->input);
  mimi_id_free(r->id);
  free(r->reason);
  free(r->path);
  mimi__result_drop_mappings(r);
  free(r->maps);
  for (size_t i = 0; i < r->nwarns; i++)
    free(r->warns[i]);
  free(r->warns);
  for (size_t i = 0; i < r->nprovs; i++) {
    mimi__provider_clear(&r->provs[i]);
    free(r->provs[i].name);
    free(r->provs[i].reason);
  }
  free(r->provs);
  for (size_t i = 0; i < r->ntrace; i++) {
    free(r->trace[i].name);
    free(r->trace[i].server);
  }
  free(r->trace);
  free(r);
}

void mimi__result_drop_mappings(mimi_result_t *r) {
  for (size_t i = 0; i < r->nmaps; i++) {
    mimi_record_free(r->maps[i].rec);
    free(r->maps[i].src);
  }
  r->nmaps = 0;
}

mimi_status_t mimi__result_add_mapping(mimi_result_t *r, mimi_record_t *rec,
                                       const char *src, mimi_dnssec_t sec) {
  char *d = NULL;
  if (r->nmaps == r->capmaps) {
    size_t cap = r->capmaps ? 2 * r->capmaps : 4;
    mimi__mapping_t *m = cap < SIZE_MAX / sizeof *m ? realloc(r->maps, cap * sizeof *m)
                                                    : NULL;
    if (!m) {
      mimi_record_free(rec);
      return MIMI_ENOMEM;
    }
    r->maps = m;
    r->capmaps = cap;
  }
  if (src && !(d = mimi__strdup(src))) {
    mimi_record_free(rec);
    return MIMI_ENOMEM;
  }
  r->maps[r->nmaps].rec = rec;
  r->maps[r->nmaps].sec = sec;
  r->maps[r->nmaps].src = d;
  r->nmaps++;
  return MIMI_OK;
}

static mimi_status_t add_warning_str(mimi_result_t *r, const char *w) {
  char **n = realloc(r->warns, (r->nwarns + 1) * sizeof *n);
  char *d;
  if (!n)
    return MIMI_ENOMEM;
  r->warns = n;
  if (!(d = mimi__strdup(w)))
    return MIMI_ENOMEM;
  r->warns[r->nwarns++] = d;
  return MIMI_OK;
}

mimi_status_t mimi__result_add_warning(mimi_result_t *r, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return add_warning_str(r, buf);
}

mimi_status_t mimi__result_add_mapset(mimi_result_t *r, mimi_mapset_t *set,
                                      const char *src, mimi_dnssec_t sec) {
  mimi_status_t st;
  size_t n = mimi_mapset_count(set), use = n;
  if (use > MIMI_MAX_MAPPINGS)
    use = MIMI_MAX_MAPPINGS; /* the set is in preference order (§3) */
  for (size_t i = 0; i < use; i++)
    if ((st = mimi__result_add_mapping(r, mimi__mapset_take(set, i), src, sec)) !=
        MIMI_OK)
      return st;
  if (n > use &&
      (st = mimi__result_add_warning(r, "%s: %zu mappings; only the first %d "
                                     "by preference are used", src, n,
                                     MIMI_MAX_MAPPINGS)) != MIMI_OK)
    return st;
  for (size_t i = 0; i < mimi_mapset_warning_count(set); i++)
    if ((st = mimi__result_add_warning(r, "%s: %s", src,
                                       mimi_mapset_warning(set, i))) != MIMI_OK)
      return st;
  return MIMI_OK;
}

mimi_status_t mimi__result_add_trace(mimi_result_t *r, const char *name,
                                     uint16_t qtype, int rcode,
                                     mimi_dnssec_t sec, unsigned ms,
                                     const char *server, size_t records,
                                     mimi__trace_step_t label) {
  if (r->ntrace == r->captrace) {
    size_t nc = r->captrace ? r->captrace * 2 : 16;
    mimi__trace_t *t = realloc(r->trace, nc * sizeof *t);
    if (!t)
      return MIMI_ENOMEM;
    r->trace = t;
    r->captrace = nc;
  }
  mimi__trace_t *t = &r->trace[r->ntrace];
  if (!(t->name = mimi__strdup(name)))
    return MIMI_ENOMEM;
  t->server = NULL;
  if (server && !(t->server = mimi__strdup(server))) {
    free(t->name);
    return MIMI_ENOMEM;
  }
  t->records = records;
  t->label = label;
  t->qtype = qtype;
  t->rcode = rcode;
  t->sec = sec;
  t->ms = ms;
  t->start = 0;
  t->ahead = t->unused = 0;
  t->kind = MIMI_TRACE_SENT;
  r->ntrace++;
  return MIMI_OK;
}

long mimi__result_provider_find(const mimi_result_t *r, const char *name,
                                uint16_t port) {
  for (size_t i = 0; i < r->nprovs; i++)
    if (strcmp(r->provs[i].name, name) == 0 && r->provs[i].port == port)
      return (long)i;
  return -1;
}

long mimi__result_provider(mimi_result_t *r, const char *name, uint16_t port) {
  long found = mimi__result_provider_find(r, name, port);
  if (found >= 0)
    return found;
  mimi__provider_t *p = realloc(r->provs, (r->nprovs + 1) * sizeof *p);
  if (!p)
    return -1;
  r->provs = p;
  p = &r->provs[r->nprovs];
  memset(p, 0, sizeof *p);
  if (!(p->name = mimi__strdup(name)))
    return -1;
  p->port = port;
  p->sec = MIMI_DNSSEC_SECURE;
  return (long)r->nprovs++;
}

mimi_status_t mimi__provider_add_endpoint(mimi__provider_t *p,
                                          mimi_endpoint_t *e) {
  mimi_endpoint_t **n = realloc(p->eps, (p->neps + 1) * sizeof *n);
  if (!n) {
    mimi__endpoint_free(e);
    return MIMI_ENOMEM;
  }
  p->eps = n;
  e->tls_name = p->name;
  p->eps[p->neps++] = e;
  return MIMI_OK;
}

/*
 * RFC 8914 §4 codes for libunbound's reason texts. The texts are not an
 * interface; unmatched ones get 6 (DNSSEC Bogus), which is always true.
 */
int mimi__ede_for(const char *why) {
  static const struct {
    const char *needle;
    int code;
  } map[] = {
      {"expired", 7},              /* Signature Expired */
      {"before inception", 8},     /* Signature Not Yet Valid */
      {"not yet valid", 8},
      {"no DNSKEY", 9},            /* DNSKEY Missing */
      {"DS hash mismatches key", 9},
      {"no keys have a DS", 9},
      {"no signatures", 10},       /* RRSIGs Missing */
      {"no NSEC", 12},             /* NSEC Missing */
      {"algorithm", 1},            /* Unsupported DNSKEY Algorithm */
  };
  if (!why)
    return 6;
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strstr(why, map[i].needle))
      return map[i].code;
  return 6;
}

/* ---- Accessors --------------------------------------------------------- */

MIMI_EXPORT const char *mimi_result_input(const mimi_result_t *r) {
  return r ? r->input : NULL;
}
MIMI_EXPORT const mimi_id_t *mimi_result_identifier(const mimi_result_t *r) {
  return r ? r->id : NULL;
}
MIMI_EXPORT mimi_outcome_t mimi_result_outcome(const mimi_result_t *r) {
  return r ? r->outcome : MIMI_OUTCOME_FAILED;
}
MIMI_EXPORT mimi_failure_t mimi_result_failure(const mimi_result_t *r) {
  return r ? r->fail : MIMI_FAIL_INTERNAL;
}
MIMI_EXPORT const char *mimi_result_reason(const mimi_result_t *r) {
  return r ? r->reason : NULL;
}
MIMI_EXPORT int mimi_result_ede(const mimi_result_t *r) {
  return r ? r->ede : -1;
}
MIMI_EXPORT mimi_dnssec_t mimi_result_dnssec(const mimi_result_t *r) {
  return r ? r->sec : MIMI_DNSSEC_UNCHECKED;
}
MIMI_EXPORT size_t mimi_result_mapping_count(const mimi_result_t *r) {
  return r ? r->nmaps : 0;
}
MIMI_EXPORT const mimi_record_t *mimi_result_mapping(const mimi_result_t *r,
                                                     size_t i) {
  return r && i < r->nmaps ? r->maps[i].rec : NULL;
}
MIMI_EXPORT mimi_dnssec_t mimi_result_mapping_dnssec(const mimi_result_t *r,
                                                     size_t i) {
  return r && i < r->nmaps ? r->maps[i].sec : MIMI_DNSSEC_UNCHECKED;
}
MIMI_EXPORT const char *mimi_result_mapping_source(const mimi_result_t *r,
                                                   size_t i) {
  return r && i < r->nmaps ? r->maps[i].src : NULL;
}
MIMI_EXPORT size_t mimi_result_warning_count(const mimi_result_t *r) {
  return r ? r->nwarns : 0;
}
MIMI_EXPORT const char *mimi_result_warning(const mimi_result_t *r, size_t i) {
  return r && i < r->nwarns ? r->warns[i] : NULL;
}
MIMI_EXPORT size_t mimi_result_provider_count(const mimi_result_t *r) {
  return r ? r->nprovs : 0;
}
MIMI_EXPORT const char *mimi_result_provider(const mimi_result_t *r, size_t i) {
  return r && i < r->nprovs ? r->provs[i].name : NULL;
}
MIMI_EXPORT mimi_failure_t mimi_result_provider_failure(const mimi_result_t *r,
                                                        size_t i) {
  return r && i < r->nprovs ? r->provs[i].fail : MIMI_FAIL_INTERNAL;
}
MIMI_EXPORT const char *mimi_result_provider_reason(const mimi_result_t *r,
                                                    size_t i) {
  return r && i < r->nprovs ? r->provs[i].reason : NULL;
}
MIMI_EXPORT mimi_dnssec_t mimi_result_provider_dnssec(const mimi_result_t *r,
                                                      size_t i) {
  return r && i < r->nprovs ? r->provs[i].sec : MIMI_DNSSEC_UNCHECKED;
}
MIMI_EXPORT size_t mimi_result_endpoint_count(const mimi_result_t *r,
                                              size_t i) {
  return r && i < r->nprovs ? r->provs[i].neps : 0;
}
MIMI_EXPORT const mimi_endpoint_t *mimi_result_endpoint(const mimi_result_t *r,
                                                        size_t i, size_t j) {
  return r && i < r->nprovs && j < r->provs[i].neps ? r->provs[i].eps[j] : NULL;
}
MIMI_EXPORT uint16_t mimi_endpoint_source(const mimi_endpoint_t *e) {
  return e ? e->source : 0;
}
MIMI_EXPORT uint16_t mimi_endpoint_priority(const mimi_endpoint_t *e) {
  return e ? e->priority : 0;
}
MIMI_EXPORT const char *mimi_endpoint_target(const mimi_endpoint_t *e) {
  return e ? e->target : NULL;
}
MIMI_EXPORT uint16_t mimi_endpoint_port(const mimi_endpoint_t *e) {
  return e ? e->port : 0;
}
MIMI_EXPORT const char *mimi_endpoint_tls_name(const mimi_endpoint_t *e) {
  return e ? e->tls_name : NULL;
}
MIMI_EXPORT size_t mimi_endpoint_alpn_count(const mimi_endpoint_t *e) {
  return e ? e->nalpn : 0;
}
MIMI_EXPORT const char *mimi_endpoint_alpn(const mimi_endpoint_t *e, size_t i,
                                           size_t *len) {
  if (!e || i >= e->nalpn)
    return NULL;
  if (len)
    *len = e->alpn_len[i];
  return e->alpn[i];
}
MIMI_EXPORT size_t mimi_endpoint_address_count(const mimi_endpoint_t *e) {
  return e ? e->naddrs : 0;
}
MIMI_EXPORT const char *mimi_endpoint_address(const mimi_endpoint_t *e,
                                              size_t i) {
  return e && i < e->naddrs ? e->addrs[i].text : NULL;
}

MIMI_EXPORT uint16_t mimi_endpoint_address_source(const mimi_endpoint_t *e,
                                                  size_t i) {
  return e && i < e->naddrs ? e->addrs[i].src : 0;
}

MIMI_EXPORT mimi_dnssec_t mimi_endpoint_address_dnssec(const mimi_endpoint_t *e,
                                                       size_t i) {
  return e && i < e->naddrs ? e->addrs[i].sec : MIMI_DNSSEC_UNCHECKED;
}
MIMI_EXPORT int mimi_endpoint_has_ech(const mimi_endpoint_t *e) {
  return e ? e->ech : 0;
}
MIMI_EXPORT size_t mimi_endpoint_tlsa_count(const mimi_endpoint_t *e) {
  return e ? e->ntlsa : 0;
}
MIMI_EXPORT const char *mimi_endpoint_tlsa(const mimi_endpoint_t *e, size_t i) {
  return e && i < e->ntlsa ? e->tlsa[i] : NULL;
}
MIMI_EXPORT mimi_dnssec_t mimi_endpoint_dnssec(const mimi_endpoint_t *e) {
  return e ? e->sec : MIMI_DNSSEC_UNCHECKED;
}
MIMI_EXPORT size_t mimi_result_trace_count(const mimi_result_t *r) {
  return r ? r->ntrace : 0;
}
MIMI_EXPORT mimi_status_t mimi_result_trace_answer(const mimi_result_t *r,
                                                   size_t i, const char **server,
                                                   size_t *records) {
  if (!r || i >= r->ntrace)
    return MIMI_EINVAL;
  if (server)
    *server = r->trace[i].server;
  if (records)
    *records = r->trace[i].records;
  return MIMI_OK;
}

MIMI_EXPORT const char *mimi_result_path(const mimi_result_t *r) {
  return r ? r->path : NULL;
}

MIMI_EXPORT mimi_status_t mimi_result_trace_step(const mimi_result_t *r,
                                                 size_t i, mimi_step_t *step,
                                                 size_t *index,
                                                 const char **provider,
                                                 unsigned *hops) {
  if (!r || i >= r->ntrace)
    return MIMI_EINVAL;
  const mimi__trace_step_t *l = &r->trace[i].label;
  if (step)
    *step = l->step;
  if (index)
    *index = l->index;
  if (provider)
    *provider = l->prov >= 0 && (size_t)l->prov < r->nprovs ? r->provs[l->prov].name
                                                            : NULL;
  if (hops)
    *hops = l->hops;
  return MIMI_OK;
}

MIMI_EXPORT mimi_trace_kind_t mimi_result_trace_kind(const mimi_result_t *r,
                                                    size_t i) {
  return r && i < r->ntrace ? r->trace[i].kind : MIMI_TRACE_SENT;
}

void mimi__result_trace_unused(mimi_result_t *r, long i) {
  if (i >= 0 && (size_t)i < r->ntrace)
    r->trace[i].unused = 1;
}

MIMI_EXPORT mimi_status_t mimi_result_trace_timing(const mimi_result_t *r,
                                                   size_t i, unsigned *start,
                                                   int *ahead, int *used) {
  if (!r || i >= r->ntrace)
    return MIMI_EINVAL;
  if (start)
    *start = r->trace[i].start;
  if (ahead)
    *ahead = r->trace[i].ahead;
  if (used)
    *used = !r->trace[i].unused;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_result_trace(const mimi_result_t *r, size_t i,
                                            const char **name, uint16_t *qtype,
                                            int *rcode, mimi_dnssec_t *dnssec,
                                            unsigned *ms) {
  if (!r || i >= r->ntrace)
    return MIMI_EINVAL;
  if (name)
    *name = r->trace[i].name;
  if (qtype)
    *qtype = r->trace[i].qtype;
  if (rcode)
    *rcode = r->trace[i].rcode;
  if (dnssec)
    *dnssec = r->trace[i].sec;
  if (ms)
    *ms = r->trace[i].ms;
  return MIMI_OK;
}

static int addr_order(const void *a, const void *b) {
  const char *x = ((const mimi__addr_t *)a)->text, *y = ((const mimi__addr_t *)b)->text;
  int x6 = strchr(x, ':') != NULL, y6 = strchr(y, ':') != NULL;
  if (x6 != y6)
    return x6 - y6; /* IPv4 first */
  return strcmp(x, y);
}

void mimi__result_finish_endpoints(mimi_result_t *r) {
  for (size_t i = 0; i < r->nprovs; i++) {
    mimi__provider_t *p = &r->provs[i];
    size_t o = 0;
    for (size_t j = 0; j < p->neps; j++) {
      mimi_endpoint_t *e = p->eps[j];
      if (e->source == MIMI_RR_A) {
        if (e->naddrs == 0) { /* neither A nor AAAA: no endpoint */
          mimi__endpoint_free(e);
          continue;
        }
        qsort(e->addrs, e->naddrs, sizeof *e->addrs, addr_order);
      }
      p->eps[o++] = e;
    }
    p->neps = o;
  }
}
