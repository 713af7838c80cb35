/* SPDX-License-Identifier: MIT */
/*
 * ENUM NAPTR (MIMI-DNS/1 §4), processed by the codec one RR at a time, so
 * that each warning (bad regexp, result not a mimi URI, bad flags, ...) is
 * reported at the RR's line. Other enumservices share ENUM names (RFC 6116
 * §3.4) and are left alone. A non-terminal rule (empty flags) sends the
 * lookup on to its replacement name with the same number (RFC 3402 §4;
 * MIMI-DNS/1 §4), at most ZC_MAX_NAPTR_STEPS times: the rules there are
 * checked with that number, whatever the name's shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

#define AUS_MAX 32 /* "+" and up to 15 digits (E.164), with room to spare */
/* MIMI-DNS/1 §4: lookups follow non-terminal rules at most 5 steps. */
#define ZC_MAX_NAPTR_STEPS 5

/* A name a lookup queries after a non-terminal rule, the number it looks
 * up, and after how many steps. */
typedef struct {
  ldns_rdf *name;
  char aus[AUS_MAX];
  int steps;
} hop_t;

typedef struct {
  hop_t *v;
  size_t n, cap;
} hops_t;

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

/* One NAPTR RR as the codec takes it; its strings are owned by it. */
typedef struct {
  mimi_naptr_rr_t n;
  char *flags, *services, *regexp, *repl;
} rule_t;

static void rule_free(rule_t *u) {
  free(u->flags);
  free(u->services);
  free(u->regexp);
  free(u->repl);
}

/* 0; 1 when a character-string holds a NUL octet; 2 when the RR is not
 * one (ldns parsed it: cannot happen); -1 on OOM. */
static int rule_read(const ldns_rr *rr, rule_t *u) {
  int nul = 0;
  memset(u, 0, sizeof *u);
  if (ldns_rr_rd_count(rr) != 6)
    return 2;
  u->flags = field(ldns_rr_rdf(rr, 2), &nul);
  u->services = field(ldns_rr_rdf(rr, 3), &nul);
  u->regexp = field(ldns_rr_rdf(rr, 4), &nul);
  if (nul)
    return 1;
  u->repl = ldns_rdf2str(ldns_rr_rdf(rr, 5));
  if (!u->flags || !u->services || !u->regexp || !u->repl)
    return -1;
  u->n.order = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
  u->n.preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
  u->n.flags = u->flags;
  u->n.services = u->services;
  u->n.regexp = u->regexp;
  u->n.replacement = u->repl;
  return 0;
}

/* The hop of name (steps 0: any), or NULL; hops sorted (sort_hops). */
static const hop_t *find_hop(const hops_t *h, const ldns_rdf *name) {
  size_t lo = 0, hi = h->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ldns_dname_compare(h->v[mid].name, name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < h->n && ldns_dname_compare(h->v[lo].name, name) == 0 ? &h->v[lo] : NULL;
}

/* By name, then fewest steps, then number: the first of a name is kept. */
static int by_hop(const void *a, const void *b) {
  const hop_t *x = a, *y = b;
  int c = ldns_dname_compare(x->name, y->name);
  if (c)
    return c;
  if (x->steps != y->steps)
    return x->steps < y->steps ? -1 : 1;
  return strcmp(x->aus, y->aus);
}

static void sort_hops(hops_t *h) {
  size_t k = 0;
  if (h->n > 1)
    qsort(h->v, h->n, sizeof *h->v, by_hop);
  for (size_t i = 0; i < h->n; i++) {
    if (k > 0 && ldns_dname_compare(h->v[k - 1].name, h->v[i].name) == 0)
      ldns_rdf_deep_free(h->v[i].name);
    else
      h->v[k++] = h->v[i];
  }
  h->n = k;
}

/* If rule u of RR r, applied to aus, is a non-terminal E2U+mimi rule, add
 * its target as a hop. -1 on OOM. */
static int add_hop(hops_t *h, const rule_t *u, const char *aus, int steps) {
  mimi_mapset_t *set = NULL;
  char *next = NULL;
  ldns_rdf *name = NULL;
  int rc = -1;
  if (mimi_mapset_new(&set) != MIMI_OK ||
      mimi_naptr_process(&u->n, 1, aus, set, &next) != MIMI_OK)
    goto done;
  rc = 0;
  if (!next || !(name = ldns_dname_new_frm_str(next)))
    goto done; /* terminal, or not a name: the codec's warning says so */
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 16;
    hop_t *v = realloc(h->v, cap * sizeof *v);
    if (!v) {
      rc = -1;
      goto done;
    }
    h->v = v;
    h->cap = cap;
  }
  h->v[h->n].name = name;
  snprintf(h->v[h->n].aus, sizeof h->v[h->n].aus, "%s", aus);
  h->v[h->n].steps = steps;
  h->n++;
  name = NULL;
done:
  ldns_rdf_deep_free(name);
  mimi_free(next);
  mimi_mapset_free(set);
  return rc;
}

/* Empty flags: a non-terminal rule (RFC 3403 §4.1), the only kind that
 * leads anywhere; checked on the wire before any parsing. */
static int nonterminal(const ldns_rr *rr) {
  const ldns_rdf *f = ldns_rr_rd_count(rr) == 6 ? ldns_rr_rdf(rr, 2) : NULL;
  return f && ldns_rdf_size(f) >= 1 && ldns_rdf_data(f)[0] == 0;
}

/* Every name the zone's non-terminal E2U+mimi rules lead lookups to, within
 * the steps lookups take: from the ENUM names, then a step at a time. Each
 * name once, so the work is bounded by the zone's NAPTR RRs per step. */
static int collect_hops(zc_zone_t *z, hops_t *h) {
  int oom = 0;
  for (size_t i = 0; i < z->n && !oom; i++) {
    const ldns_rr *rr = z->rrs[i].rr;
    char aus[AUS_MAX];
    rule_t u;
    mimi_id_t *id = NULL;
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NAPTR || !nonterminal(rr) ||
        zc_shape(ldns_rr_owner(rr)) != ZC_NAME_ENUM ||
        zc_enum_aus(ldns_rr_owner(rr), aus, sizeof aus) != 0)
      continue;
    if (mimi_id_parse(aus, &id, NULL, 0) == MIMI_OK) {
      int r = rule_read(rr, &u);
      if (r < 0 || (r == 0 && is_mimi(&u.n, aus, &oom) && add_hop(h, &u, aus, 1) != 0))
        oom = 1;
      rule_free(&u);
    }
    mimi_id_free(id);
  }
  for (int steps = 1; steps < ZC_MAX_NAPTR_STEPS && !oom; steps++) {
    size_t end;
    sort_hops(h);
    end = h->n;
    for (size_t k = 0; k < end && !oom; k++) {
      size_t i;
      if (h->v[k].steps != steps ||
          !zc_find_index(z, h->v[k].name, LDNS_RR_TYPE_NAPTR, &i))
        continue;
      for (; i < z->n && !oom && ldns_rr_get_type(z->byname[i]->rr) == LDNS_RR_TYPE_NAPTR &&
             ldns_dname_compare(ldns_rr_owner(z->byname[i]->rr), h->v[k].name) == 0; i++) {
        rule_t u;
        int r;
        if (!nonterminal(z->byname[i]->rr))
          continue;
        r = rule_read(z->byname[i]->rr, &u);
        /* A name already reached keeps its first number and step. */
        if (r < 0 || (r == 0 && is_mimi(&u.n, h->v[k].aus, &oom) &&
                      add_hop(h, &u, h->v[k].aus, steps + 1) != 0))
          oom = 1;
        rule_free(&u);
      }
    }
  }
  sort_hops(h);
  return oom ? -1 : 0;
}

static void check_one(zc_zone_t *z, const zc_rr_t *r, const hops_t *hops) {
  const ldns_rr *rr = r->rr;
  rule_t u;
  mimi_mapset_t *set = NULL;
  char *next = NULL;
  char aus[AUS_MAX], err[MIMI_ERRLEN] = "";
  const hop_t *hop;
  mimi_id_t *id = NULL;
  int oom = 0, rd = rule_read(rr, &u);

  if (rd == 2)
    goto done;
  if (rd == 1) {
    zc_rr_finding(z, r, ZC_ERROR, "naptr-invalid",
                  "a character-string holds a NUL octet (RFC 3403 §4.1)");
    goto done;
  }
  if (rd < 0)
    goto oom;
  /* The probe needs a syntactically valid AUS; any number will do. */
  if (!is_mimi(&u.n, "+15550000000", &oom))
    goto done; /* another application's rule */
  if (oom)
    goto oom;
  z->mimi_records++;
  /* §2, RFC 6116 §2.4: the owner must be the ENUM name of a number, or a
   * name a non-terminal rule leads to (RFC 3402 §4). */
  if (zc_shape(ldns_rr_owner(rr)) == ZC_NAME_ENUM &&
      zc_enum_aus(ldns_rr_owner(rr), aus, sizeof aus) == 0) {
    /* checked below */
  } else if ((hop = find_hop(hops, ldns_rr_owner(rr))) != NULL) {
    snprintf(aus, sizeof aus, "%s", hop->aus);
  } else {
    zc_rr_finding(z, r, ZC_WARNING, "naptr-owner",
                  "E2U+mimi NAPTR at a name that is not an ENUM name (one digit per "
                  "label, RFC 6116 §2.4) nor the target of a non-terminal rule of "
                  "this zone: no lookup queries it");
    goto done;
  }
  if (mimi_id_parse(aus, &id, err, sizeof err) != MIMI_OK) {
    zc_rr_finding(z, r, ZC_WARNING, "naptr-owner",
                  "the ENUM name spells %s, which is not an E.164 number (%s): no "
                  "lookup queries it", aus, err);
    goto done;
  }
  if (mimi_mapset_new(&set) != MIMI_OK ||
      mimi_naptr_process(&u.n, 1, aus, set, &next) != MIMI_OK)
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
  rule_free(&u);
}

void zc_check_naptr(zc_zone_t *z) {
  hops_t hops = {0};
  if (collect_hops(z, &hops) != 0)
    z->rep->oom = 1;
  else
    for (size_t i = 0; i < z->n; i++)
      if (ldns_rr_get_type(z->rrs[i].rr) == LDNS_RR_TYPE_NAPTR)
        check_one(z, &z->rrs[i], &hops);
  for (size_t i = 0; i < hops.n; i++)
    ldns_rdf_deep_free(hops.v[i].name);
  free(hops.v);
}
