/* SPDX-License-Identifier: MIT */
/*
 * Providers named by mappings (the "e" tag, MIMI-DNS/1 §3, or the host of
 * a NAPTR result, §4). A lookup resolves provider p through §5: SVCB at
 * _mimi.<p>, else HTTPS at p, else A/AAAA of p. When that name is in this
 * zone (and not delegated), the zone alone decides whether p has an
 * endpoint, so a provider with none of them is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

struct zc_provider {
  char *name;
  const zc_rr_t *rr; /* the RR that named it */
};

void zc_note_provider(zc_zone_t *z, const zc_rr_t *r, const char *provider) {
  if (z->nprov == z->capprov) {
    size_t cap = z->capprov ? z->capprov * 2 : 16;
    struct zc_provider *v = realloc(z->providers, cap * sizeof *v);
    if (!v) {
      z->rep->oom = 1;
      return;
    }
    z->providers = v;
    z->capprov = cap;
  }
  if (!(z->providers[z->nprov].name = strdup(provider))) {
    z->rep->oom = 1;
    return;
  }
  z->providers[z->nprov++].rr = r;
}

void zc_providers_free(zc_zone_t *z) {
  for (size_t i = 0; i < z->nprov; i++)
    free(z->providers[i].name);
  free(z->providers);
  z->providers = NULL;
  z->nprov = z->capprov = 0;
}

/* By name, then line: the first of each run is where it was first named. */
static int by_provider(const void *a, const void *b) {
  const struct zc_provider *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  return (x->rr->line > y->rr->line) - (x->rr->line < y->rr->line);
}

static void check_one(zc_zone_t *z, const zc_rr_t *r, const char *provider) {
  char *svcb = NULL, *host = NULL;
  ldns_rdf *sname = NULL, *hname = NULL;
  size_t len = strlen(provider);
  mimi_status_t st;

  st = mimi_name_svcb(provider, 0, &svcb);
  if (st == MIMI_ETOOLONG) {
    /* §2: the name a lookup would construct must fit the DNS. */
    zc_rr_finding(z, r, ZC_ERROR, "name-too-long",
                  "provider %s: the endpoint name _mimi.%s. a lookup queries would "
                  "exceed 255 octets (MIMI-DNS/1 §2, §5)", provider, provider);
    goto done;
  }
  if (st != MIMI_OK) {
    if (st == MIMI_ENOMEM)
      z->rep->oom = 1;
    goto done;
  }
  if (!(host = malloc(len + 2))) {
    z->rep->oom = 1;
    goto done;
  }
  memcpy(host, provider, len);
  memcpy(host + len, ".", 2);
  if (ldns_str2rdf_dname(&sname, svcb) != LDNS_STATUS_OK ||
      ldns_str2rdf_dname(&hname, host) != LDNS_STATUS_OK) {
    z->rep->oom = 1;
    goto done;
  }
  if (!zc_authoritative(z, sname))
    goto done; /* another zone's: this file cannot tell */
  if (!zc_find(z, sname, LDNS_RR_TYPE_SVCB) && !zc_find(z, hname, LDNS_RR_TYPE_HTTPS) &&
      !zc_find(z, hname, LDNS_RR_TYPE_A) && !zc_find(z, hname, LDNS_RR_TYPE_AAAA))
    zc_rr_finding(z, r, ZC_ERROR, "provider-no-endpoint",
                  "provider %s is in this zone but has no endpoint: no SVCB at %s, "
                  "no HTTPS, A or AAAA at %s (MIMI-DNS/1 §5)", provider, svcb, host);
done:
  ldns_rdf_deep_free(sname);
  ldns_rdf_deep_free(hname);
  free(host);
  mimi_free(svcb);
}

void zc_check_providers(zc_zone_t *z) {
  if (z->nprov > 1)
    qsort(z->providers, z->nprov, sizeof *z->providers, by_provider);
  for (size_t i = 0; i < z->nprov; i++)
    if (i == 0 || strcmp(z->providers[i].name, z->providers[i - 1].name) != 0)
      check_one(z, z->providers[i].rr, z->providers[i].name);
}
