/* SPDX-License-Identifier: MIT */
/*
 * Owner names under "_mimi" (MIMI-DNS/1 §2, §5). The shapes a lookup
 * queries are:
 *   <H>._mimi.<domain>      H = 56 lower-case hex digits (RFC 7929 §3 hash)
 *   _mimi.<domain>          domain handle TXT, provider endpoint SVCB
 *   _<port>._mimi.<domain>  provider endpoint on a port other than 443
 * plus ENUM names (RFC 6116 §2.4: one digit per label). Any other name with
 * a "_mimi" label is never queried, so whatever it holds is unreachable.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

#define HASH_LABEL_LEN 56 /* 28 octets of SHA-256, hex (§2) */
#define MAX_LABELS 128    /* 255 octets of wire name hold at most 127 */

typedef struct {
  const uint8_t *p; /* label octets */
  size_t len;
} label_t;

/* Split a wire name into its labels (not the root). -1 if malformed. */
static int split(const ldns_rdf *name, label_t *l, size_t *n) {
  const uint8_t *d = ldns_rdf_data(name);
  size_t size = ldns_rdf_size(name), i = 0;
  *n = 0;
  while (i < size && d[i] != 0) {
    size_t len = d[i];
    if (len > 63 || i + 1 + len > size || *n == MAX_LABELS)
      return -1;
    l[*n].p = d + i + 1;
    l[*n].len = len;
    (*n)++;
    i += 1 + len;
  }
  return 0;
}

static int label_is(const label_t *l, const char *s) {
  size_t n = strlen(s);
  if (l->len != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (tolower(l->p[i]) != s[i])
      return 0;
  return 1;
}

static int find_mimi(const label_t *l, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (label_is(&l[i], "_mimi"))
      return (int)i;
  return -1;
}

static int is_hash(const label_t *l) {
  if (l->len != HASH_LABEL_LEN)
    return 0;
  for (size_t i = 0; i < l->len; i++)
    if (!isxdigit(l->p[i]))
      return 0;
  return 1;
}

/* "_" and a port 1-65535 without leading zeros (RFC 9460 §2.3). */
static long port_label(const label_t *l) {
  long v = 0;
  if (l->len < 2 || l->len > 6 || l->p[0] != '_' || l->p[1] == '0')
    return -1;
  for (size_t i = 1; i < l->len; i++) {
    if (!isdigit(l->p[i]))
      return -1;
    v = v * 10 + (l->p[i] - '0');
  }
  return v <= 65535 ? v : -1;
}

static size_t enum_digits(const label_t *l, size_t n) {
  size_t k = 0;
  while (k < n && l[k].len == 1 && isdigit(l[k].p[0]))
    k++;
  return k;
}

zc_shape_t zc_shape(const ldns_rdf *name) {
  label_t l[MAX_LABELS];
  size_t n;
  int m;
  if (split(name, l, &n) != 0)
    return ZC_NAME_OTHER;
  if ((m = find_mimi(l, n)) < 0)
    return enum_digits(l, n) ? ZC_NAME_ENUM : ZC_NAME_OTHER;
  if ((size_t)m + 1 == n)
    return ZC_NAME_BAD; /* "_mimi." alone names no domain */
  if (m == 0)
    return ZC_NAME_DOMAIN;
  if (m == 1 && is_hash(&l[0]))
    return ZC_NAME_HASH;
  if (m == 1 && port_label(&l[0]) > 0)
    return ZC_NAME_PORT;
  return ZC_NAME_BAD;
}

int zc_enum_aus(const ldns_rdf *name, char *out, size_t outlen) {
  label_t l[MAX_LABELS];
  size_t n, k;
  if (split(name, l, &n) != 0 || (k = enum_digits(l, n)) == 0 || k + 2 > outlen)
    return -1;
  /* RFC 6116 §2.4: the labels are the digits, least significant first. */
  out[0] = '+';
  for (size_t i = 0; i < k; i++)
    out[1 + i] = (char)l[k - 1 - i].p[0];
  out[1 + k] = '\0';
  return 0;
}

/* The domain below "_mimi" must be a host name the codec accepts. */
static void check_domain(zc_zone_t *z, const zc_rr_t *r, const ldns_rdf *name,
                         int m) {
  ldns_rdf *d = ldns_rdf_clone(name), *up;
  char *s = NULL, *owner = NULL;
  for (int i = 0; d && i <= m; i++) {
    up = ldns_dname_left_chop(d);
    ldns_rdf_deep_free(d);
    d = up;
  }
  if (!d || !(s = ldns_rdf2str(d))) {
    z->rep->oom = 1;
    goto done;
  }
  size_t len = strlen(s);
  if (len > 1 && s[len - 1] == '.')
    s[len - 1] = '\0';
  mimi_status_t st = mimi_name_domain(s, &owner);
  if (st == MIMI_ENOMEM) {
    z->rep->oom = 1;
  } else if (st != MIMI_OK) {
    mimi_id_t *id = NULL;
    char err[MIMI_ERRLEN] = "";
    /* The identifier parser says what is wrong with it in words. */
    if (mimi_id_parse(s, &id, err, sizeof err) == MIMI_OK || !err[0])
      snprintf(err, sizeof err, "%s", mimi_strerror(st));
    mimi_id_free(id);
    zc_rr_finding(z, r, ZC_ERROR, "label-shape",
                  "'%s' below _mimi is not a domain name MIMI-DNS/1 §2 uses: %s", s, err);
  }
done:
  mimi_free(owner);
  free(s);
  ldns_rdf_deep_free(d);
}

static void check_name(zc_zone_t *z, const zc_rr_t *r) {
  const ldns_rdf *name = ldns_rr_owner(r->rr);
  label_t l[MAX_LABELS];
  size_t n;
  int m;
  if (split(name, l, &n) != 0 || (m = find_mimi(l, n)) < 0)
    return;
  if (memcmp(l[m].p, "_mimi", 5) != 0)
    zc_rr_finding(z, r, ZC_WARNING, "label-case",
                  "label '%.5s' is not lower-case; MIMI-DNS/1 §2 names use \"_mimi\" "
                  "(lookups still match: DNS names compare case-insensitively)",
                  (const char *)l[m].p);
  if ((size_t)m + 1 == n) {
    zc_rr_finding(z, r, ZC_ERROR, "label-shape",
                  "no domain below _mimi; MIMI-DNS/1 §2 names are _mimi.<domain>");
    return;
  }
  if (m >= 2) {
    zc_rr_finding(z, r, ZC_ERROR, "label-shape",
                  "%d labels before _mimi; MIMI-DNS/1 §2 names have at most one "
                  "(a 56-hex-digit hash or _<port>), so no lookup reaches this name", m);
    return;
  }
  if (m == 1) {
    const label_t *h = &l[0];
    if (h->len > 0 && h->p[0] == '_') {
      long port = port_label(h);
      if (port < 0) {
        zc_rr_finding(z, r, ZC_ERROR, "label-shape",
                      "'%.*s' before _mimi is not _<port> with a port 1-65535 "
                      "(RFC 9460 §2.3; MIMI-DNS/1 §5)", (int)h->len, (const char *)h->p);
        return;
      }
      if (port == 443)
        zc_rr_finding(z, r, ZC_WARNING, "label-shape",
                      "port 443 is the default: lookups query _mimi.<provider>, "
                      "never _443._mimi (MIMI-DNS/1 §5)");
    } else if (h->len == 1 && h->p[0] == '*') {
      zc_rr_finding(z, r, ZC_WARNING, "label-shape",
                    "wildcard below _mimi: it answers for every handle of the domain");
      return;
    } else if (!is_hash(h)) {
      size_t bad = 0;
      while (bad < h->len && isxdigit(h->p[bad]))
        bad++;
      if (bad < h->len)
        zc_rr_finding(z, r, ZC_ERROR, "label-shape",
                      "hash label has '%c' at offset %zu; MIMI-DNS/1 §2 hashes are 56 hex "
                      "digits (SHA-256 cut to 28 octets, RFC 7929 §3)",
                      isprint(h->p[bad]) ? h->p[bad] : '?', bad);
      else
        zc_rr_finding(z, r, ZC_ERROR, "label-shape",
                      "hash label has %zu hex digits; MIMI-DNS/1 §2 hashes have 56 "
                      "(SHA-256 cut to 28 octets, RFC 7929 §3)", h->len);
      return;
    } else {
      for (size_t i = 0; i < h->len; i++)
        if (isupper(h->p[i])) {
          zc_rr_finding(z, r, ZC_WARNING, "label-case",
                        "hash label has upper-case hex digits; MIMI-DNS/1 §2 publishes "
                        "lower-case (lookups still match: DNS names compare "
                        "case-insensitively)");
          break;
        }
    }
  }
  check_domain(z, r, name, m);
}

void zc_check_labels(zc_zone_t *z) {
  /* One report per name, at its first line that is not DNSSEC data. */
  for (size_t i = 0; i < z->n;) {
    const zc_rr_t *first = NULL;
    size_t j = i;
    for (; j < z->n && ldns_dname_compare(ldns_rr_owner(z->byname[j]->rr),
                                          ldns_rr_owner(z->byname[i]->rr)) == 0; j++) {
      const zc_rr_t *r = z->byname[j];
      if (!zc_dnssec_type((uint16_t)ldns_rr_get_type(r->rr)) &&
          (!first || r->line < first->line))
        first = r;
    }
    if (first)
      check_name(z, first);
    i = j;
  }
}
