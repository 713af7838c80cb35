/* SPDX-License-Identifier: MIT */
/*
 * SVCB and HTTPS records (RFC 9460; MIMI-DNS/1 §5), decoded by the codec:
 * invalid SvcParams, mandatory keys MIMI clients do not support (such a
 * record is skipped, RFC 9460 §8), and AliasMode chains inside the zone that
 * loop or exceed the resolvers' limit of ZC_MAX_ALIAS_STEPS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

/* Decode one RR with the codec; NULL if invalid (err set) or OOM. */
static mimi_svcb_t *decode(zc_zone_t *z, const zc_rr_t *r, char *err, size_t errlen) {
  ldns_buffer *b;
  mimi_svcb_t *s = NULL;
  if (r->svcb_bad) {
    snprintf(err, errlen, "%s; name servers do not load it", r->svcb_bad);
    return NULL;
  }
  if (!(b = zc_rdata(z, r->rr)))
    return NULL;
  if (mimi_svcb_decode(ldns_buffer_begin(b), ldns_buffer_position(b), &s, err,
                       errlen) == MIMI_ENOMEM)
    z->rep->oom = 1;
  ldns_buffer_free(b);
  return s;
}

/* Nonzero if another record of r's RRset (same owner and type) is an
 * AliasMode record (alias), or a usable ServiceMode record (!alias). */
static int has_sibling(zc_zone_t *z, const zc_rr_t *r, int alias) {
  const ldns_rdf *owner = ldns_rr_owner(r->rr);
  uint16_t type = (uint16_t)ldns_rr_get_type(r->rr);
  size_t i;
  int yes = 0;
  /* byname is sorted: the RRset is contiguous from its first RR. */
  if (!zc_find_index(z, owner, type, &i))
    return 0;
  for (; !yes && i < z->n && ldns_rr_get_type(z->byname[i]->rr) == type &&
         ldns_dname_compare(ldns_rr_owner(z->byname[i]->rr), owner) == 0; i++) {
    char err[MIMI_ERRLEN];
    mimi_svcb_t *s;
    if (z->byname[i] == r || !(s = decode(z, z->byname[i], err, sizeof err)))
      continue;
    yes = alias ? mimi_svcb_is_alias(s) : !mimi_svcb_is_alias(s) && mimi_svcb_usable(s);
    mimi_svcb_free(s);
  }
  return yes;
}

/* The AliasMode target of the RRset at name, as a new rdf, or NULL when
 * the RRset is absent, ServiceMode, or its alias target is "." (RFC 9460
 * §2.5.1: the service does not exist). With AliasMode present, ServiceMode
 * records are ignored (§2.4.2): any alias of the RRset counts. */
static ldns_rdf *alias_at(zc_zone_t *z, const ldns_rdf *name, uint16_t type) {
  ldns_rdf *t = NULL;
  size_t i;
  int found = 0;
  if (!zc_find_index(z, name, type, &i))
    return NULL;
  for (; !found && i < z->n && ldns_rr_get_type(z->byname[i]->rr) == type &&
         ldns_dname_compare(ldns_rr_owner(z->byname[i]->rr), name) == 0; i++) {
    char err[MIMI_ERRLEN];
    mimi_svcb_t *s = decode(z, z->byname[i], err, sizeof err);
    if (!s)
      continue;
    if ((found = mimi_svcb_is_alias(s)) && strcmp(mimi_svcb_target(s), ".") != 0 &&
        ldns_str2rdf_dname(&t, mimi_svcb_target(s)) != LDNS_STATUS_OK)
      t = NULL;
    mimi_svcb_free(s);
  }
  return t;
}

/* Follow the chain from an AliasMode record as resolvers do (§5). */
static void follow(zc_zone_t *z, const zc_rr_t *r, const mimi_svcb_t *s) {
  uint16_t type = (uint16_t)ldns_rr_get_type(r->rr);
  ldns_rdf *seen[ZC_MAX_ALIAS_STEPS + 2];
  size_t nseen = 0;
  ldns_rdf *cur = NULL;
  int steps = 1;

  if (strcmp(mimi_svcb_target(s), ".") == 0)
    return;
  if (!(seen[nseen++] = ldns_rdf_clone(ldns_rr_owner(r->rr))) ||
      ldns_str2rdf_dname(&cur, mimi_svcb_target(s)) != LDNS_STATUS_OK) {
    z->rep->oom = 1;
    goto done;
  }
  while (cur && zc_authoritative(z, cur)) {
    if (!zc_find(z, cur, type)) {
      /* MIMI resolvers fall back to HTTPS and addresses only at the first
       * name (§5); after an alias, no record means no endpoint. Web
       * clients use an HTTPS alias target's addresses, so for HTTPS with
       * addresses this is only a warning. */
      char *c = ldns_rdf2str(cur);
      int https = type == LDNS_RR_TYPE_HTTPS;
      int addr = zc_find(z, cur, LDNS_RR_TYPE_A) || zc_find(z, cur, LDNS_RR_TYPE_AAAA);
      zc_rr_finding(z, r, https && addr ? ZC_WARNING : ZC_ERROR, "svcb-alias-target",
                    "AliasMode target %s has no %s record in this zone: MIMI clients "
                    "find no endpoint%s (MIMI-DNS/1 §5)", c ? c : "?",
                    https ? "HTTPS" : "SVCB",
                    addr ? ", they do not use its addresses after an alias" : "");
      free(c);
      goto done;
    }
    for (size_t i = 0; i < nseen; i++)
      if (ldns_dname_compare(seen[i], cur) == 0) {
        char *c = ldns_rdf2str(cur);
        zc_rr_finding(z, r, ZC_ERROR, "svcb-alias-loop",
                      "AliasMode loop: after %d step%s the chain is back at %s "
                      "(MIMI-DNS/1 §5)", steps, steps == 1 ? "" : "s", c ? c : "?");
        free(c);
        goto done;
      }
    if (steps >= ZC_MAX_ALIAS_STEPS) {
      /* The next record would be alias step ZC_MAX_ALIAS_STEPS + 1. */
      ldns_rdf *next = alias_at(z, cur, type);
      if (next) {
        zc_rr_finding(z, r, ZC_ERROR, "svcb-alias-chain",
                      "AliasMode chain longer than %d steps; resolvers give up "
                      "(MIMI-DNS/1 §5)", ZC_MAX_ALIAS_STEPS);
        ldns_rdf_deep_free(next);
      }
      goto done;
    }
    seen[nseen++] = cur;
    cur = alias_at(z, cur, type);
    steps++;
  }
done:
  ldns_rdf_deep_free(cur);
  for (size_t i = 0; i < nseen; i++)
    ldns_rdf_deep_free(seen[i]);
}

static void check_one(zc_zone_t *z, const zc_rr_t *r) {
  char err[MIMI_ERRLEN] = "";
  zc_shape_t shape = zc_shape(ldns_rr_owner(r->rr));
  int ours = shape == ZC_NAME_DOMAIN || shape == ZC_NAME_PORT;
  int https = ldns_rr_get_type(r->rr) == LDNS_RR_TYPE_HTTPS;
  mimi_svcb_t *s;

  if (ours && !https)
    z->mimi_records++;
  if (!(s = decode(z, r, err, sizeof err))) {
    if (r->svcb_bad)
      zc_rr_finding(z, r, ZC_ERROR, "svcb-invalid", "%s", err);
    else if (!z->rep->oom)
      zc_rr_finding(z, r, ZC_ERROR, "svcb-invalid", "%s; clients skip the record", err);
    return;
  }
  if (!mimi_svcb_is_alias(s) && !mimi_svcb_usable(s)) {
    uint16_t key = 65535;
    char name[16];
    for (size_t i = 0; i < mimi_svcb_mandatory_count(s); i++)
      if (mimi_svcb_mandatory(s, i) > MIMI_SVCB_KEY_IPV6HINT) {
        key = mimi_svcb_mandatory(s, i);
        break;
      }
    snprintf(name, sizeof name, "key%u", (unsigned)key);
    /* RFC 9460 §8: a client skips it. Only an error when it was the last
     * usable endpoint of a MIMI name. */
    zc_rr_finding(z, r, ours && !https && !has_sibling(z, r, 0) ? ZC_ERROR : ZC_WARNING,
                  "svcb-mandatory",
                  "mandatory lists %s, which MIMI clients do not support: they skip "
                  "this record (RFC 9460 §8; MIMI-DNS/1 §5)",
                  mimi_svcb_key_name(key) ? mimi_svcb_key_name(key) : name);
  }
  if (mimi_svcb_is_alias(s))
    follow(z, r, s);
  else if (has_sibling(z, r, 1))
    zc_rr_finding(z, r, ZC_WARNING, "svcb-mixed",
                  "ServiceMode record beside an AliasMode record: clients ignore it "
                  "and follow the alias (RFC 9460 §2.4.2)");
  mimi_svcb_free(s);
}

void zc_check_svcb(zc_zone_t *z) {
  for (size_t i = 0; i < z->n; i++) {
    uint16_t t = (uint16_t)ldns_rr_get_type(z->rrs[i].rr);
    if (t == LDNS_RR_TYPE_SVCB || t == LDNS_RR_TYPE_HTTPS)
      check_one(z, &z->rrs[i]);
  }
}
