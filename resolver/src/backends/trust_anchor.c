/* SPDX-License-Identifier: MIT */
/*
 * Trust anchors (RFC 4033 §3.1; DNSKEY RFC 4034 §2, DS RFC 4034 §5), read
 * and checked here before libunbound sees any of them.
 *
 * Why: libunbound loads anchors only when its context is finalised, and
 * since 1.22 an anchor it cannot load ends the process there (the validator
 * module fails to initialise, and the next initialisation calls fatal_exit:
 * "unexpected already initialised modules"). A library must never let a
 * dependency end its host. So libunbound receives only anchors that ldns
 * parsed, that passed the checks below, re-written by ldns in canonical
 * presentation form without comments; it never reads a file itself.
 *
 * The checks also refuse anchors that would load but could never make an
 * answer secure (a digest of the wrong length, an algorithm no validator
 * here implements, a key without the Zone Key flag): such an anchor would
 * quietly turn "require" into a timeout or an insecure answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "backends/backend.h"

/* DNSSEC algorithms libunbound validates (RFC 8624 §3.1, with the RSA/SHA-1
 * ones still in use), and their fixed public key sizes (0: variable). */
static int key_size(uint8_t alg, size_t *size) {
  switch (alg) {
  case 5: case 7: case 8: case 10: *size = 0; return 1; /* RSA, RFC 3110/5702 */
  case 13: *size = 64; return 1; /* ECDSA P-256, RFC 6605 §4 */
  case 14: *size = 96; return 1; /* ECDSA P-384 */
  case 15: *size = 32; return 1; /* Ed25519, RFC 8080 §3 */
  case 16: *size = 57; return 1; /* Ed448 */
  default: return 0;
  }
}

/* DS digest types and their digest sizes (RFC 4509, RFC 6605 §2). */
static size_t digest_size(uint8_t type) {
  switch (type) {
  case 1: return 20; /* SHA-1 */
  case 2: return 32; /* SHA-256 */
  case 4: return 48; /* SHA-384 */
  default: return 0;
  }
}

static uint8_t rdf_u8(const ldns_rdf *f) {
  return f && ldns_rdf_size(f) == 1 ? ldns_rdf2native_int8(f) : 0;
}

/* Why rr cannot be a trust anchor, or NULL. */
static const char *rr_problem(const ldns_rr *rr, char *buf, size_t len) {
  ldns_rr_type t = ldns_rr_get_type(rr);
  size_t want;
  if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY)
    return "not a DS or DNSKEY record";
  if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
    return "class is not IN";
  if (ldns_rr_rd_count(rr) != 4)
    return "wrong number of fields";
  uint8_t alg = rdf_u8(ldns_rr_rdf(rr, t == LDNS_RR_TYPE_DS ? 1 : 2));
  if (!key_size(alg, &want)) {
    snprintf(buf, len, "DNSSEC algorithm %u is not one the validator implements "
             "(5, 7, 8, 10, 13, 14, 15, 16)", alg);
    return buf;
  }
  const ldns_rdf *data = ldns_rr_rdf(rr, 3);
  size_t have = data ? ldns_rdf_size(data) : 0;
  if (t == LDNS_RR_TYPE_DS) {
    uint8_t dt = rdf_u8(ldns_rr_rdf(rr, 2));
    if (!(want = digest_size(dt))) {
      snprintf(buf, len, "DS digest type %u is not one the validator implements "
               "(1, 2, 4)", dt);
      return buf;
    }
    if (have != want) {
      snprintf(buf, len, "DS digest of type %u must be %zu octets, not %zu", dt,
               want, have);
      return buf;
    }
    return NULL;
  }
  const ldns_rdf *fl = ldns_rr_rdf(rr, 0);
  uint16_t flags = fl && ldns_rdf_size(fl) == 2 ? ldns_rdf2native_int16(fl) : 0;
  if (!(flags & LDNS_KEY_ZONE_KEY))
    return "DNSKEY without the Zone Key flag (256) cannot validate a zone";
  if (rdf_u8(ldns_rr_rdf(rr, 1)) != 3)
    return "DNSKEY protocol must be 3";
  if (want ? have != want : have < 3) {
    snprintf(buf, len, "DNSKEY public key of algorithm %u must be %zu octets, "
             "not %zu", alg, want ? want : (size_t)3, have);
    return buf;
  }
  return NULL;
}

/* Append rr, checked and in canonical text, to t. */
static mimi_status_t take(mimi__tas_t *t, const ldns_rr *rr, const char *where,
                          char *err, size_t errlen) {
  char buf[160];
  const char *why = rr_problem(rr, buf, sizeof buf);
  if (why) {
    mimi__seterr(err, errlen, "%s: %s", where, why);
    return MIMI_ECONFIG;
  }
  if (t->n >= MIMI_MAX_TRUST_ANCHORS) {
    mimi__seterr(err, errlen, "%s: more than %d trust anchors", where,
                 MIMI_MAX_TRUST_ANCHORS);
    return MIMI_ECONFIG;
  }
  char *s = ldns_rr2str_fmt(ldns_output_format_nocomments, rr);
  if (!s)
    return MIMI_ENOMEM;
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 4;
    char **nr = realloc(t->rr, cap * sizeof *nr);
    if (!nr) {
      free(s); /* ldns allocates with malloc */
      return MIMI_ENOMEM;
    }
    t->rr = nr;
    t->cap = cap;
  }
  t->rr[t->n++] = s;
  return MIMI_OK;
}

mimi_status_t mimi__ta_add(mimi__tas_t *t, const char *text, size_t idx,
                           char *err, size_t errlen) {
  char show[MIMI_SHOWLEN], where[MIMI_SHOWLEN + 32];
  ldns_rr *rr = NULL;
  mimi__show(show, sizeof show, text, strlen(text));
  snprintf(where, sizeof where, "trust anchor %zu ('%s')", idx + 1, show);
  ldns_status s = ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL);
  if (s != LDNS_STATUS_OK) {
    mimi__seterr(err, errlen, "%s is not a DS or DNSKEY record: %s", where,
                 ldns_get_errorstr_by_id(s));
    return MIMI_ECONFIG;
  }
  mimi_status_t st = take(t, rr, where, err, errlen);
  ldns_rr_free(rr);
  return st;
}

/* Skip white space and comments; 1 at the end of the file. ldns reports the
 * end of a file as a syntax error, so it is never asked to read there. */
static int at_end(FILE *f) {
  int c;
  while ((c = getc(f)) != EOF) {
    if (c == ';') {
      while ((c = getc(f)) != EOF && c != '\n')
        ;
    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      ungetc(c, f);
      return 0;
    }
  }
  return 1;
}

/* The whole file, at most MAX_FILE octets (an anchor file is small; this
 * bounds what a wrong path, say a device, can cost). */
#define MAX_FILE (1024 * 1024)
static mimi_status_t slurp(const char *path, char **buf, size_t *len,
                           char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  size_t cap = 4096, n = 0, r;
  char *b = NULL;
  if (!f) {
    mimi__seterr(err, errlen, "trust anchor file %s: %s", path, strerror(errno));
    return MIMI_ECONFIG;
  }
  for (;;) {
    char *nb = realloc(b, cap + 1);
    if (!nb) {
      free(b);
      fclose(f);
      return MIMI_ENOMEM;
    }
    b = nb;
    r = fread(b + n, 1, cap - n, f);
    n += r;
    if (n < cap)
      break;
    if (cap >= MAX_FILE) {
      mimi__seterr(err, errlen, "trust anchor file %s: larger than %d octets",
                   path, MAX_FILE);
      free(b);
      fclose(f);
      return MIMI_ECONFIG;
    }
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    mimi__seterr(err, errlen, "trust anchor file %s: read error", path);
    free(b);
    return MIMI_ECONFIG;
  }
  b[n] = '\0';
  *buf = b;
  *len = n;
  return MIMI_OK;
}

mimi_status_t mimi__ta_add_file(mimi__tas_t *t, const char *path, char *err,
                                size_t errlen) {
  char where[512];
  char *buf = NULL;
  size_t len = 0;
  ldns_rdf *origin = NULL, *prev = NULL;
  uint32_t ttl = 3600;
  int found = 0;
  mimi_status_t st = slurp(path, &buf, &len, err, errlen);
  if (st != MIMI_OK)
    return st;
  /* Read from memory: the line of each record is counted here (ldns does
   * not count the lines of comments). */
  FILE *f = len ? fmemopen(buf, len, "r") : NULL;
  if (len && !f) {
    free(buf);
    return MIMI_ENOMEM;
  }
  while (f && st == MIMI_OK && !at_end(f)) {
    ldns_rr *rr = NULL;
    long pos = ftell(f);
    int at = 1, dummy = 0;
    for (long i = 0; i < pos && (size_t)i < len; i++)
      at += buf[i] == '\n';
    ldns_status s = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, &dummy);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
        s == LDNS_STATUS_SYNTAX_ORIGIN)
      continue;
    snprintf(where, sizeof where, "trust anchor file %s:%d", path, at);
    if (s == LDNS_STATUS_SYNTAX_INCLUDE) {
      mimi__seterr(err, errlen, "%s: $INCLUDE is not supported", where);
      st = MIMI_ECONFIG;
    } else if (s != LDNS_STATUS_OK) {
      mimi__seterr(err, errlen, "%s: not a DS or DNSKEY record: %s", where,
                   ldns_get_errorstr_by_id(s));
      st = MIMI_ECONFIG;
    } else {
      st = take(t, rr, where, err, errlen);
      found++;
    }
    ldns_rr_free(rr);
  }
  if (st == MIMI_OK && !found) {
    mimi__seterr(err, errlen, "trust anchor file %s: no DS or DNSKEY record",
                 path);
    st = MIMI_ECONFIG;
  }
  ldns_rdf_deep_free(origin);
  ldns_rdf_deep_free(prev);
  if (f)
    fclose(f);
  free(buf);
  return st;
}

void mimi__ta_clear(mimi__tas_t *t) {
  for (size_t i = 0; i < t->n; i++)
    free(t->rr[i]);
  free(t->rr);
  memset(t, 0, sizeof *t);
}
