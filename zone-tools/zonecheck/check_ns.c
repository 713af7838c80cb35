/* SPDX-License-Identifier: MIT */
/*
 * Name servers (RFC 1034 §4.2.1): an NS whose target is inside this zone
 * can be reached only through an address record in this zone (glue, or the
 * authoritative A/AAAA at the apex side). Without one the delegation
 * cannot be followed, and knotd's kzonecheck refuses the zone ("missing
 * glue"); mimi-zonegen used to write such zones without a word.
 */
#include <stdlib.h>

#include "zonecheck.h"

static int inside(const zc_zone_t *z, const ldns_rdf *name) {
  return ldns_dname_compare(name, z->origin) == 0 || ldns_dname_is_subdomain(name, z->origin);
}

void zc_check_ns(zc_zone_t *z) {
  if (!z->origin)
    return;
  for (size_t i = 0; i < z->n; i++) {
    const zc_rr_t *r = &z->rrs[i];
    if (ldns_rr_get_type(r->rr) != LDNS_RR_TYPE_NS || ldns_rr_rd_count(r->rr) < 1)
      continue;
    const ldns_rdf *target = ldns_rr_rdf(r->rr, 0);
    if (!inside(z, target) || zc_find(z, target, LDNS_RR_TYPE_A) ||
        zc_find(z, target, LDNS_RR_TYPE_AAAA))
      continue;
    char *t = ldns_rdf2str(target);
    zc_rr_finding(z, r, ZC_ERROR, "ns-glue",
                  "name server %s is inside the zone and has no A or AAAA record: "
                  "resolvers cannot reach it (add its address as glue)",
                  t ? t : "(target)");
    free(t);
  }
}
