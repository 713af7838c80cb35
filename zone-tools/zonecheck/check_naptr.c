/* SPDX-License-Identifier: MIT */
/*
 * ENUM NAPTR (MIMI-DNS/1 §4), processed by the codec one RR at a time, so
 * that each warning (bad regexp, result not a mimi URI, bad flags, ...) is
 * reported at the RR's line. Other enumservices share ENUM names (RFC 6116
 * §3.4) and are left alone.
 */
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

#define AUS_MAX 32 /* "+" and up to 15 digits (E.164), with room to spare */

/* A character-string field as a C string; NULL (and *nul set) if it holds
 * a NUL octet, NULL on OOM. */
static char *field(const ldns_rdf *f, int *nul) {
  size_t n = ldns_rdf_size(f) > 0 ? ldns_rdf_size(f) - 1 : 0;
  const uint8_t *d = ldns_rdf_data(f);
  char *s;
  if (n > d[0])
    n = d[0];
  if (memchr(d + 1, '\0', n)) {
    *nul = 1;
    return NULL;
  }
  if (!(s = malloc(n + 1)))
    return NULL;
  memcpy(s, d + 1, n);
  s[n] = '\0';
  return s;
}

/* Is this an E2U+mimi rule? Asked of the codec with a probe rule that
 * would yield a mapping if (and only if) the services field is ours. */
static int is_mimi(const mimi_naptr_rr_t *rr, const char *aus, int *oom) {
  mimi_naptr_rr_t probe = *rr;
  mimi_mapset_t *set = NULL;
  int yes = 0;
  probe.flags = "u";
  probe.regexp = "!^.*$!mimi://probe.invalid/u/x!";
  probe.replacement = ".";
  if (mimi_mapset_new(&set) != MIMI_OK ||
      mimi_naptr_process(&probe, 1, aus, set, NULL) != MIMI_OK)
    *oom = 1;
  else
    yes = mimi_mapset_count(set) > 0;
  mimi_mapset_free(set);
  return yes;
}

static void check_one(zc_zone_t *z, const zc_rr_t *r) {
  const ldns_rr *rr = r->rr;
  mimi_naptr_rr_t n;
  mimi_mapset_t *set = NULL;
  char *flags = NULL, *services = NULL, *regexp = NULL, *repl = NULL, *next = NULL;
  char aus[AUS_MAX], err[MIMI_ERRLEN] = "";
  mimi_id_t *id = NULL;
  int nul = 0, oom = 0;

  if (ldns_rr_rd_count(rr) != 6)
    return; /* ldns parsed it; cannot happen */
  flags = field(ldns_rr_rdf(rr, 2), &nul);
  services = field(ldns_rr_rdf(rr, 3), &nul);
  regexp = field(ldns_rr_rdf(rr, 4), &nul);
  if (nul) {
    zc_rr_finding(z, r, ZC_ERROR, "naptr-invalid",
                  "a character-string holds a NUL octet (RFC 3403 §4.1)");
    goto done;
  }
  repl = ldns_rdf2str(ldns_rr_rdf(rr, 5));
  if (!flags || !services || !regexp || !repl)
    goto oom;
  n.order = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
  n.preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
  n.flags = flags;
  n.services = services;
  n.regexp = regexp;
  n.replacement = repl;
  /* The probe needs a syntactically valid AUS; any number will do. */
  if (!is_mimi(&n, "+15550000000", &oom))
    goto done; /* another application's rule */
  if (oom)
    goto oom;
  z->mimi_records++;
  /* §2, RFC 6116 §2.4: the owner must be the ENUM name of a number. */
  if (zc_shape(ldns_rr_owner(rr)) != ZC_NAME_ENUM ||
      zc_enum_aus(ldns_rr_owner(rr), aus, sizeof aus) != 0) {
    zc_rr_finding(z, r, ZC_WARNING, "naptr-owner",
                  "E2U+mimi NAPTR at a name that is not an ENUM name (one digit per "
                  "label, RFC 6116 §2.4): no lookup queries it");
    goto done;
  }
  if (mimi_id_parse(aus, &id, err, sizeof err) != MIMI_OK) {
    zc_rr_finding(z, r, ZC_WARNING, "naptr-owner",
                  "the ENUM name spells %s, which is not an E.164 number (%s): no "
                  "lookup queries it", aus, err);
    goto done;
  }
  if (mimi_mapset_new(&set) != MIMI_OK || mimi_naptr_process(&n, 1, aus, set, &next) != MIMI_OK)
    goto oom;
  for (size_t i = 0; i < mimi_mapset_warning_count(set); i++)
    zc_rr_finding(z, r, ZC_ERROR, "naptr-invalid", "%s (resolvers skip it)",
                  mimi_mapset_warning(set, i));
  if (mimi_mapset_warning_count(set) == 0 && mimi_mapset_count(set) == 0 && !next)
    zc_rr_finding(z, r, ZC_WARNING, "naptr-nomatch",
                  "the regexp does not match %s, the number of this name: the rule "
                  "yields nothing (MIMI-DNS/1 §4)", aus);
  mimi_mapset_finish(set);
  for (size_t i = 0; i < mimi_mapset_count(set); i++)
    if (mimi_record_provider(mimi_mapset_get(set, i)))
      zc_note_provider(z, r, mimi_record_provider(mimi_mapset_get(set, i)));
  goto done;
oom:
  z->rep->oom = 1;
done:
  mimi_free(next);
  mimi_id_free(id);
  mimi_mapset_free(set);
  free(flags);
  free(services);
  free(regexp);
  free(repl);
}

void zc_check_naptr(zc_zone_t *z) {
  for (size_t i = 0; i < z->n; i++)
    if (ldns_rr_get_type(z->rrs[i].rr) == LDNS_RR_TYPE_NAPTR)
      check_one(z, &z->rrs[i]);
}
