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

/* Remember p; 1 if it was new, 0 if already checked, -1 on OOM. */
static int first_time(zc_zone_t *z, const char *p) {
  for (size_t i = 0; i < z->nprov; i++)
    if (strcmp(z->providers[i], p) == 0)
      return 0;
  if (z->nprov == z->capprov) {
    size_t cap = z->capprov ? z->capprov * 2 : 16;
    char **v = realloc(z->providers, cap * sizeof *v);
    if (!v)
      return -1;
    z->providers = v;
    z->capprov = cap;
  }
  if (!(z->providers[z->nprov] = strdup(p)))
    return -1;
  z->nprov++;
  return 1;
}

void zc_check_provider(zc_zone_t *z, const zc_rr_t *r, const char *provider) {
  char *svcb = NULL, *host = NULL;
  ldns_rdf *sname = NULL, *hname = NULL;
  size_t len = strlen(provider);
  int fresh = first_time(z, provider);
  mimi_status_t st;

  if (fresh <= 0) {
    if (fresh < 0)
      z->rep->oom = 1;
    return;
  }
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
