/* SPDX-License-Identifier: MIT */
/*
 * MIMI TXT records (MIMI-DNS/1 §3), parsed by the codec: invalid records
 * (which resolvers skip with a warning), near misses that resolvers ignore
 * silently, records over 255 octets, records at names no lookup queries;
 * and the provider each mapping names.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zonecheck.h"

#define MIMI_TXT_MAX 255 /* §3: one character-string */

/* The character-strings of a TXT RR, concatenated (§3). NULL on OOM. */
static char *concat(const ldns_rr *rr, size_t *len) {
  size_t total = 0, at = 0;
  char *s;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
    const ldns_rdf *f = ldns_rr_rdf(rr, i);
    if (ldns_rdf_size(f) > 0)
      total += ldns_rdf_size(f) - 1;
  }
  if (!(s = malloc(total + 1)))
    return NULL;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
    const ldns_rdf *f = ldns_rr_rdf(rr, i);
    size_t n = ldns_rdf_size(f) > 0 ? ldns_rdf_size(f) - 1 : 0;
    /* An STR rdf is its length octet then the octets (RFC 1035 §3.3). */
    if (n > ldns_rdf_data(f)[0])
      n = ldns_rdf_data(f)[0];
    memcpy(s + at, ldns_rdf_data(f) + 1, n);
    at += n;
  }
  s[at] = '\0';
  *len = at;
  return s;
}

/* Would a person have meant a MIMI record? Leading blanks, other case. */
static int lookalike(const char *t, size_t len) {
  size_t i = 0;
  while (i < len && (t[i] == ' ' || t[i] == '\t'))
    i++;
  return len - i >= 6 && strncasecmp(t + i, "v=mimi", 6) == 0 &&
         !(i == 0 && strncmp(t, "v=MIMI", 6) == 0);
}

/* What a TXT RR is, for the RRset-level check. */
enum { K_OTHER, K_MAPPING, K_OPTOUT };

static int check_one(zc_zone_t *z, const zc_rr_t *r) {
  char err[MIMI_ERRLEN] = "";
  mimi_record_t *rec = NULL;
  size_t len = 0;
  char *t = concat(r->rr, &len);
  zc_shape_t shape = zc_shape(ldns_rr_owner(r->rr));
  mimi_status_t st;
  int kind = K_OTHER;

  if (!t) {
    z->rep->oom = 1;
    return K_OTHER;
  }
  st = mimi_txt_parse(t, len, &rec, err, sizeof err);
  if (st == MIMI_ENOMEM) {
    z->rep->oom = 1;
    goto done;
  }
  if (st == MIMI_ENOTMIMI) {
    /* §3: not ours, or a future version: resolvers ignore it silently,
     * which is worth saying when it was probably meant as ours. */
    if (lookalike(t, len))
      zc_rr_finding(z, r, ZC_WARNING, "txt-lookalike",
                    "resolvers ignore this TXT: a MIMI record starts with exactly "
                    "\"v=MIMI1\" (case-sensitive, no leading blanks; MIMI-DNS/1 §3)");
    goto done;
  }
  z->mimi_records++;
  if (st == MIMI_EBADRECORD)
    zc_rr_finding(z, r, ZC_ERROR, "txt-invalid",
                  "invalid MIMI record (resolvers skip it): %s", err);
  if (len > MIMI_TXT_MAX)
    zc_rr_finding(z, r, ZC_ERROR, "txt-too-long",
                  "the MIMI record is %zu octets; MIMI-DNS/1 §3 keeps a record within "
                  "%d (one character-string)", len, MIMI_TXT_MAX);
  if (st != MIMI_OK)
    goto done;
  if (shape == ZC_NAME_OTHER || shape == ZC_NAME_PORT)
    zc_rr_finding(z, r, ZC_WARNING, "txt-owner",
                  "MIMI record at a name no lookup queries (MIMI-DNS/1 §2: "
                  "<hash>._mimi.<domain>, _mimi.<domain> or an ENUM name)");
  kind = mimi_record_is_optout(rec) ? K_OPTOUT : K_MAPPING;
  if (mimi_record_provider(rec))
    zc_note_provider(z, r, mimi_record_provider(rec));
done:
  mimi_record_free(rec);
  free(t);
  return kind;
}

void zc_check_txt(zc_zone_t *z) {
  /* By RRset: mappings are per name (§3 "Processing"). */
  for (size_t i = 0; i < z->n;) {
    const ldns_rdf *owner = ldns_rr_owner(z->byname[i]->rr);
    uint16_t type = (uint16_t)ldns_rr_get_type(z->byname[i]->rr);
    size_t j = i, mappings = 0;
    while (j < z->n && ldns_rr_get_type(z->byname[j]->rr) == type &&
           ldns_dname_compare(ldns_rr_owner(z->byname[j]->rr), owner) == 0)
      j++;
    if (type != LDNS_RR_TYPE_TXT) {
      i = j;
      continue;
    }
    for (size_t k = i; k < j; k++)
      z->byname[k]->kind = check_one(z, z->byname[k]);
    for (size_t k = i; k < j; k++)
      mappings += z->byname[k]->kind == K_MAPPING;
    for (size_t k = i; mappings && k < j; k++)
      if (z->byname[k]->kind == K_OPTOUT)
        zc_rr_finding(z, z->byname[k], ZC_WARNING, "txt-optout-ignored",
                      "opt-out record beside %zu mapping%s at this name: resolvers "
                      "ignore it (MIMI-DNS/1 §3)", mappings, mappings == 1 ? "" : "s");
    i = j;
  }
}
