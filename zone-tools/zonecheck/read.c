/* SPDX-License-Identifier: MIT */
/*
 * Reading a zone file with ldns, one RR at a time (ldns_rr_new_frm_fp_l), so
 * that every RR keeps its line and a syntax error is reported at its line
 * without losing the rest of the file. $ORIGIN and $TTL are handled by
 * ldns; $INCLUDE is not implemented by ldns and is reported. The SvcParams
 * of SVCB and HTTPS records are read again from the file's text
 * (svcb_text.c says why).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

int zc_dnssec_type(uint16_t type) {
  switch (type) {
  case LDNS_RR_TYPE_RRSIG:
  case LDNS_RR_TYPE_NSEC:
  case LDNS_RR_TYPE_NSEC3:
  case LDNS_RR_TYPE_NSEC3PARAM:
  case LDNS_RR_TYPE_DNSKEY:
  case LDNS_RR_TYPE_DS:
  case LDNS_RR_TYPE_CDS:
  case LDNS_RR_TYPE_CDNSKEY:
    return 1;
  default:
    return 0;
  }
}

static int add_rr(zc_zone_t *z, ldns_rr *rr, long line) {
  if (z->n == z->cap) {
    size_t cap = z->cap ? z->cap * 2 : 64;
    zc_rr_t *v = realloc(z->rrs, cap * sizeof *v);
    if (!v)
      return -1;
    z->rrs = v;
    z->cap = cap;
  }
  z->rrs[z->n].rr = rr;
  z->rrs[z->n].line = line;
  z->rrs[z->n].kind = 0;
  z->rrs[z->n].svcb_bad = NULL;
  z->n++;
  return 0;
}

/* Consume the blank and comment-only lines at the current position (a
 * record line may start with a blank: it is left for ldns). OK, MEM_ERR, or
 * ERR on a read or seek error. */
static ldns_status skip_blank(FILE *f, int *line) {
  char *buf = NULL;
  size_t cap = 0;
  ldns_status s = LDNS_STATUS_OK;
  for (;;) {
    long pos = ftell(f);
    ssize_t n;
    size_t i = 0;
    if (pos < 0) {
      s = LDNS_STATUS_ERR;
      break;
    }
    errno = 0;
    if ((n = getline(&buf, &cap, f)) < 0) {
      if (errno == ENOMEM)
        s = LDNS_STATUS_MEM_ERR;
      else if (ferror(f))
        s = LDNS_STATUS_ERR; /* e.g. EISDIR: errno tells */
      break; /* or the end of the file */
    }
    while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
      i++;
    if (i < (size_t)n && buf[i] != '\n' && buf[i] != ';') {
      if (fseek(f, pos, SEEK_SET) != 0)
        s = LDNS_STATUS_ERR;
      break;
    }
    (*line)++;
  }
  free(buf);
  return s;
}

/* The longest record text read again for its SvcParams; ldns reads lines
 * of at most 10230 octets (LDNS_MAX_LINELEN), comments and parentheses
 * aside. */
#define SVCB_TEXT_MAX (256 * 1024)

/* Put the SvcParams read from the text into rr, in place of ldns's. */
static int set_params(ldns_rr *rr, uint8_t *p, size_t n) {
  ldns_rdf *d;
  while (ldns_rr_rd_count(rr) > 2)
    ldns_rdf_deep_free(ldns_rr_pop_rdf(rr));
  if (n == 0)
    return 0;
  if (!(d = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_SVCPARAMS, n, p)))
    return -1;
  if (!ldns_rr_push_rdf(rr, d)) {
    ldns_rdf_deep_free(d);
    return -1;
  }
  return 0;
}

/* An SVCB or HTTPS record (or a record ldns refused) spans [from, here) of
 * f: read its SvcParams again from the text (svcb_text.c). On ldns's
 * success, its params are replaced; on its failure, the record without
 * params is read by ldns and gets them, so that both versions of ldns give
 * the same record. *bad receives what the text says that no RDATA can.
 * 0, or -1 on OOM or a read error. */
static int svcb_again(FILE *f, long from, ldns_rr **rr, ldns_status *s, uint32_t ttl,
                      const ldns_rdf *origin, ldns_rdf **prev, char **bad) {
  long to = ftell(f);
  char *text = NULL, *head = NULL, err[MIMI_ERRLEN] = "";
  uint8_t *params = NULL;
  size_t plen = 0, n;
  zc_svcb_text_t t;
  int rc = -1;

  if (to < 0)
    return -1;
  if (to <= from || to - from > SVCB_TEXT_MAX)
    return 0;
  n = (size_t)(to - from);
  if (!(text = malloc(n)))
    return -1;
  if (fseek(f, from, SEEK_SET) != 0 || fread(text, 1, n, f) != n ||
      fseek(f, to, SEEK_SET) != 0)
    goto done;
  t = zc_svcb_text(text, n, &head, &params, &plen, err, sizeof err);
  if (t == ZC_SVCB_OOM)
    goto done;
  rc = 0;
  if (t == ZC_SVCB_NOT)
    goto done;
  if (*s != LDNS_STATUS_OK) {
    ldns_rr *again = NULL;
    if (ldns_rr_new_frm_str(&again, head, ttl, origin, prev) != LDNS_STATUS_OK)
      goto done; /* not the params: ldns's error stands */
    *rr = again;
    *s = LDNS_STATUS_OK;
  }
  if (ldns_rr_rd_count(*rr) < 2)
    goto done; /* ldns read no target: cannot happen */
  if (t == ZC_SVCB_OK)
    rc = set_params(*rr, params, plen);
  else if (!(*bad = strdup(err)))
    rc = -1;
done:
  free(text);
  free(head);
  free(params);
  return rc;
}

/* Canonical order of names (RFC 4034 §6.1), then type. */
static int by_name(const void *a, const void *b) {
  const zc_rr_t *x = *(const zc_rr_t *const *)a, *y = *(const zc_rr_t *const *)b;
  int c = ldns_dname_compare(ldns_rr_owner(x->rr), ldns_rr_owner(y->rr));
  if (c)
    return c;
  return (ldns_rr_get_type(x->rr) > ldns_rr_get_type(y->rr)) -
         (ldns_rr_get_type(x->rr) < ldns_rr_get_type(y->rr));
}

int zc_read(zc_zone_t *z, const char *file, const ldns_rdf *given) {
  FILE *f = fopen(file, "r");
  ldns_rdf *origin = NULL, *prev = NULL, *first_origin = NULL;
  uint32_t ttl = 3600; /* until $TTL or the SOA says otherwise */
  int line = 0, rc = -1;

  z->file = file;
  if (!f) {
    fprintf(stderr, "mimi-zonecheck: %s: %s\n", file, strerror(errno));
    return -1;
  }
  if (given && !(origin = ldns_rdf_clone(given)))
    goto oom;
  while (!feof(f)) {
    ldns_rr *rr = NULL;
    char *bad = NULL;
    long pos;
    int before, start;
    ldns_status s;
    /* ldns skips blank and comment lines itself but reports only the line
     * where a record ends; skip them here so that the record (or error)
     * is reported at its first line. */
    if ((s = skip_blank(f, &line)) != LDNS_STATUS_OK) {
      if (s == LDNS_STATUS_MEM_ERR)
        goto oom;
      /* A read error, or a file that cannot seek (a pipe): reading by
       * line needs one. */
      fprintf(stderr, "mimi-zonecheck: %s: %s\n", file, strerror(errno));
      goto done;
    }
    if (feof(f))
      break;
    before = line;
    start = line + 1;
    if ((pos = ftell(f)) < 0) {
      fprintf(stderr, "mimi-zonecheck: %s: %s\n", file, strerror(errno));
      goto done;
    }
    s = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, &line);
    if (ferror(f)) {
      ldns_rr_free(rr);
      break; /* reported below */
    }
    if (s == LDNS_STATUS_OK ? ldns_rr_get_type(rr) == LDNS_RR_TYPE_SVCB ||
                                  ldns_rr_get_type(rr) == LDNS_RR_TYPE_HTTPS
                            : s != LDNS_STATUS_MEM_ERR && s != LDNS_STATUS_SYNTAX_EMPTY &&
                                  s != LDNS_STATUS_SYNTAX_TTL &&
                                  s != LDNS_STATUS_SYNTAX_ORIGIN &&
                                  s != LDNS_STATUS_SYNTAX_INCLUDE) {
      if (svcb_again(f, pos, &rr, &s, ttl, origin, &prev, &bad) != 0) {
        ldns_rr_free(rr);
        if (ferror(f))
          break; /* reported below */
        goto oom;
      }
    }
    switch (s) {
    case LDNS_STATUS_OK:
      if (add_rr(z, rr, start) != 0) {
        ldns_rr_free(rr);
        free(bad);
        goto oom;
      }
      z->rrs[z->n - 1].svcb_bad = bad;
      break;
    case LDNS_STATUS_SYNTAX_EMPTY:
    case LDNS_STATUS_SYNTAX_TTL:
      break;
    case LDNS_STATUS_SYNTAX_ORIGIN:
      if (!first_origin && origin && !(first_origin = ldns_rdf_clone(origin)))
        goto oom;
      break;
    case LDNS_STATUS_SYNTAX_INCLUDE:
      zc_finding(z->rep, file, start, ZC_ERROR, NULL, 0, "include",
                 "$INCLUDE is not supported (ldns does not implement it); "
                 "check the included file on its own");
      break;
    case LDNS_STATUS_MEM_ERR:
      goto oom;
    default:
      if (feof(f) && line == before)
        break; /* end of input, nothing read */
      zc_finding(z->rep, file, start, ZC_ERROR, NULL, 0, "syntax", "zone file: %s",
                 ldns_get_errorstr_by_id(s));
      break;
    }
  }
  if (ferror(f)) {
    fprintf(stderr, "mimi-zonecheck: %s: %s\n", file, strerror(errno));
    goto done;
  }
  /* The zone: --origin, else the SOA's owner, else the first $ORIGIN. */
  if (given) {
    z->origin = origin;
    origin = NULL;
  } else {
    for (size_t i = 0; i < z->n && !z->origin; i++)
      if (ldns_rr_get_type(z->rrs[i].rr) == LDNS_RR_TYPE_SOA &&
          !(z->origin = ldns_rdf_clone(ldns_rr_owner(z->rrs[i].rr))))
        goto oom;
    if (!z->origin) {
      z->origin = first_origin;
      first_origin = NULL;
    }
  }
  if (z->n && !(z->byname = malloc(z->n * sizeof *z->byname)))
    goto oom;
  for (size_t i = 0; i < z->n; i++)
    z->byname[i] = &z->rrs[i];
  if (z->n > 1)
    qsort(z->byname, z->n, sizeof *z->byname, by_name);
  rc = 0;
  goto done;
oom:
  fprintf(stderr, "mimi-zonecheck: %s: out of memory\n", file);
done:
  ldns_rdf_deep_free(origin);
  ldns_rdf_deep_free(prev);
  ldns_rdf_deep_free(first_origin);
  fclose(f);
  return rc;
}

void zc_zone_free(zc_zone_t *z) {
  for (size_t i = 0; i < z->n; i++) {
    ldns_rr_free(z->rrs[i].rr);
    free(z->rrs[i].svcb_bad);
  }
  free(z->rrs);
  free(z->byname);
  ldns_rdf_deep_free(z->origin);
  memset(z, 0, sizeof *z);
}

const zc_rr_t *zc_find(const zc_zone_t *z, const ldns_rdf *name, uint16_t type) {
  size_t i;
  return zc_find_index(z, name, type, &i) ? z->byname[i] : NULL;
}

int zc_find_index(const zc_zone_t *z, const ldns_rdf *name, uint16_t type,
                  size_t *index) {
  size_t lo = 0, hi = z->n;
  /* Lower bound of (name, type); type 0 sorts before every type. */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const ldns_rr *rr = z->byname[mid]->rr;
    int c = ldns_dname_compare(ldns_rr_owner(rr), name);
    if (c < 0 || (c == 0 && ldns_rr_get_type(rr) < type))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < z->n) {
    const ldns_rr *rr = z->byname[lo]->rr;
    if (ldns_dname_compare(ldns_rr_owner(rr), name) == 0 &&
        (type == 0 || ldns_rr_get_type(rr) == type)) {
      *index = lo;
      return 1;
    }
  }
  return 0;
}

int zc_authoritative(const zc_zone_t *z, const ldns_rdf *name) {
  ldns_rdf *cur;
  int ok = 1;
  if (!z->origin)
    return 0;
  if (ldns_dname_compare(name, z->origin) == 0)
    return 1;
  if (!ldns_dname_is_subdomain(name, z->origin))
    return 0;
  /* RFC 1034 §4.2.1: below an NS RRset other than the apex's, the data is
   * another zone's (or glue). */
  if (!(cur = ldns_rdf_clone(name)))
    return 0;
  while (ok && ldns_dname_compare(cur, z->origin) != 0) {
    ldns_rdf *up;
    if (zc_find(z, cur, LDNS_RR_TYPE_NS))
      ok = 0;
    if (!(up = ldns_dname_left_chop(cur)))
      ok = 0;
    ldns_rdf_deep_free(cur);
    cur = up;
    if (!cur)
      break;
  }
  ldns_rdf_deep_free(cur);
  return ok;
}

ldns_buffer *zc_rdata(zc_zone_t *z, const ldns_rr *rr) {
  ldns_buffer *b = ldns_buffer_new(256);
  if (!b || ldns_rr_rdata2buffer_wire(b, rr) != LDNS_STATUS_OK) {
    ldns_buffer_free(b);
    z->rep->oom = 1;
    return NULL;
  }
  return b;
}
