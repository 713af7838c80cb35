/* SPDX-License-Identifier: MIT */
/* mimi-zonecheck internals: the zone as read, the findings, the checks. */
#ifndef MIMI_ZC_H
#define MIMI_ZC_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>
#include <mimi.h>

#include "json_writer.h"

/* Resolvers follow AliasMode at most this many steps (MIMI-DNS/1 §5):
 * libmimi's own limit. */
#define ZC_MAX_ALIAS_STEPS MIMI_SVCB_MAX_ALIAS_STEPS

typedef enum { ZC_WARNING = 0, ZC_ERROR = 1 } zc_severity_t;

/* How findings are written, and how many there were. */
struct zc_found;
typedef struct {
  int json, quiet;
  json_t j;
  unsigned long errors, warnings;
  int oom; /* a check ran out of memory: a local error, exit 5 */
  struct zc_found *found; /* the current file's, until zc_flush() */
  size_t nfound, capfound;
} zc_report_t;

/* One RR of the zone, with the line it starts on. */
typedef struct {
  ldns_rr *rr;
  long line;
  int kind; /* scratch for a check (check_txt.c: what the TXT record is) */
  char *svcb_bad; /* SVCB/HTTPS whose text says what no RDATA can (svcb_text.c) */
} zc_rr_t;

struct zc_provider;

/* The zone of one file. byname: pointers into rrs, sorted by owner (DNSSEC
 * canonical order, RFC 4034 §6.1) then type, for lookups by name. */
typedef struct {
  const char *file;
  ldns_rdf *origin;   /* NULL when neither --origin, SOA nor $ORIGIN gave one */
  zc_rr_t *rrs;
  size_t n, cap;
  zc_rr_t **byname;
  zc_report_t *rep;
  size_t mimi_records; /* MIMI TXT, E2U+mimi NAPTR, SVCB at _mimi names */
  struct zc_provider *providers; /* named by mappings (check_providers.c) */
  size_t nprov, capprov;
} zc_zone_t;

/* report.c. owner may be NULL (a finding about the file), type 0 for none. */
void zc_finding(zc_report_t *r, const char *file, long line, zc_severity_t sev,
                const ldns_rdf *owner, uint16_t type, const char *code,
                const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* The same, about one RR of the zone. */
void zc_rr_finding(zc_zone_t *z, const zc_rr_t *r, zc_severity_t sev,
                   const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Write the current file's findings in line order, and forget them. */
void zc_flush(zc_report_t *r, const char *file);
void zc_report_free(zc_report_t *r);
/* The summary: files given, how many could not be read, the counts. */
void zc_summary(zc_report_t *r, size_t files, size_t unreadable);

/* read.c: read one zone file. 0; -1 when the file cannot be read (message
 * printed). Syntax errors are findings; the rest of the file is read. */
int zc_read(zc_zone_t *z, const char *file, const ldns_rdf *origin);
/* Free what zc_read() built (the providers: zc_providers_free()). */
void zc_zone_free(zc_zone_t *z);
/* First RR of type at name (via byname), or NULL. type 0: any type. */
const zc_rr_t *zc_find(const zc_zone_t *z, const ldns_rdf *name, uint16_t type);
/* The same, as the position in byname (the RRset follows it): 1, or 0. */
int zc_find_index(const zc_zone_t *z, const ldns_rdf *name, uint16_t type,
                  size_t *index);
/* Nonzero if name is the origin or below it and not at or below a zone cut
 * (an NS RRset at a name other than the origin). */
int zc_authoritative(const zc_zone_t *z, const ldns_rdf *name);
/* Wire RDATA of an RR into a new buffer; NULL on OOM (rep->oom set). */
ldns_buffer *zc_rdata(zc_zone_t *z, const ldns_rr *rr);

/* svcb_text.c: the SvcParams of an SVCB or HTTPS record from its text in
 * the zone file (owner, TTL, class, type, RDATA, with any parentheses and
 * comments), where ldns loses what the file says. ZC_SVCB_NOT: not an
 * SVCB/HTTPS record in presentation form (another type, or the RFC 3597
 * "\#" form). Otherwise *head receives the record without its SvcParams
 * ("owner ttl class type priority target", the fields as written; no owner
 * but a leading blank when the text has none), and *params the SvcParams
 * in wire form, keys ascending (ZC_SVCB_OK; NULL when there are none), or
 * err the problem (ZC_SVCB_BAD). Both released with free(). */
typedef enum { ZC_SVCB_NOT, ZC_SVCB_OK, ZC_SVCB_BAD, ZC_SVCB_OOM } zc_svcb_text_t;
zc_svcb_text_t zc_svcb_text(const char *text, size_t len, char **head,
                            uint8_t **params, size_t *plen, char *err, size_t errlen);

/* check.c: read one zone file and run every check on it, findings to r.
 * 0, or -1 when the file cannot be read (message printed). origin may be
 * NULL (then the SOA's owner or the first $ORIGIN). */
int zc_check_file(zc_report_t *r, const char *file, const ldns_rdf *origin);

/* The checks, each over the whole zone. */
void zc_check_labels(zc_zone_t *z);   /* label-shape, label-case */
void zc_check_txt(zc_zone_t *z);      /* txt-*, provider-*, name-too-long */
void zc_check_naptr(zc_zone_t *z);    /* naptr-* */
void zc_check_svcb(zc_zone_t *z);     /* svcb-* */
void zc_check_ns(zc_zone_t *z);       /* ns-glue */

/* check_providers.c: note a provider named by a mapping of RR r (the TXT and
 * NAPTR checks do); zc_check_providers() then checks each provider once, at
 * the first RR that names it: the endpoint name a lookup builds must fit
 * (name-too-long) and, inside the zone, must have an endpoint
 * (provider-no-endpoint). */
void zc_note_provider(zc_zone_t *z, const zc_rr_t *r, const char *provider);
void zc_check_providers(zc_zone_t *z);
void zc_providers_free(zc_zone_t *z);

/* Shapes of owner names (MIMI-DNS/1 §2), from check_labels.c. */
typedef enum {
  ZC_NAME_OTHER = 0, /* no _mimi label, not ENUM */
  ZC_NAME_HASH,      /* <56 hex>._mimi.<domain> */
  ZC_NAME_DOMAIN,    /* _mimi.<domain> (domain handle TXT, provider SVCB) */
  ZC_NAME_PORT,      /* _<port>._mimi.<provider> */
  ZC_NAME_ENUM,      /* digits labels: an ENUM name */
  ZC_NAME_BAD        /* has a _mimi label, but no shape §2 defines */
} zc_shape_t;
zc_shape_t zc_shape(const ldns_rdf *name);
/* The AUS ("+" and the digits) of an ENUM name, into out; 0 or -1. */
int zc_enum_aus(const ldns_rdf *name, char *out, size_t outlen);
/* Nonzero if type is a DNSSEC type (ignored). */
int zc_dnssec_type(uint16_t type);

#endif
