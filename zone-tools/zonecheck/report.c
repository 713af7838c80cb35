/* SPDX-License-Identifier: MIT */
/*
 * Findings: "FILE:LINE: severity: OWNER TYPE: message [code]" on standard
 * output, or with --json one JSON object per line (and a summary object
 * last). The checks run one after the other; the findings of a file are
 * kept and written in line order when the file is done.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonecheck.h"

struct zc_found {
  long line;
  size_t seq; /* order of discovery: keeps the sort stable */
  zc_severity_t sev;
  char *owner, *code, *msg;
  char type[16];
};

static const char *type_name(uint16_t type, char *buf, size_t len) {
  const ldns_rr_descriptor *d = ldns_rr_descript(type);
  if (d && d->_name)
    snprintf(buf, len, "%s", d->_name);
  else
    snprintf(buf, len, "TYPE%u", (unsigned)type); /* RFC 3597 §5 */
  return buf;
}

static void found_free(struct zc_found *f) {
  free(f->owner);
  free(f->code);
  free(f->msg);
}

static void vfinding(zc_report_t *r, long line, zc_severity_t sev,
                     const ldns_rdf *owner, uint16_t type, const char *code,
                     const char *fmt, va_list ap) {
  char msg[1024];
  struct zc_found f;

  /* Long messages (codec text quoting record content) are cut, not lost. */
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (sev == ZC_ERROR)
    r->errors++;
  else
    r->warnings++;
  memset(&f, 0, sizeof f);
  f.line = line;
  f.seq = r->nfound;
  f.sev = sev;
  if (type)
    type_name(type, f.type, sizeof f.type);
  f.code = strdup(code);
  f.msg = strdup(msg);
  if ((owner && !(f.owner = ldns_rdf2str(owner))) || !f.code || !f.msg)
    goto oom;
  if (r->nfound == r->capfound) {
    size_t cap = r->capfound ? r->capfound * 2 : 32;
    struct zc_found *v = realloc(r->found, cap * sizeof *v);
    if (!v)
      goto oom;
    r->found = v;
    r->capfound = cap;
  }
  r->found[r->nfound++] = f;
  return;
oom:
  found_free(&f);
  r->oom = 1;
}

void zc_finding(zc_report_t *r, const char *file, long line, zc_severity_t sev,
                const ldns_rdf *owner, uint16_t type, const char *code,
                const char *fmt, ...) {
  va_list ap;
  (void)file; /* findings belong to the file being checked */
  va_start(ap, fmt);
  vfinding(r, line, sev, owner, type, code, fmt, ap);
  va_end(ap);
}

void zc_rr_finding(zc_zone_t *z, const zc_rr_t *r, zc_severity_t sev,
                   const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfinding(z->rep, r->line, sev, ldns_rr_owner(r->rr),
           (uint16_t)ldns_rr_get_type(r->rr), code, fmt, ap);
  va_end(ap);
}

static int by_line(const void *a, const void *b) {
  const struct zc_found *x = a, *y = b;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

void zc_flush(zc_report_t *r, const char *file) {
  if (r->nfound > 1)
    qsort(r->found, r->nfound, sizeof *r->found, by_line);
  for (size_t i = 0; i < r->nfound; i++) {
    const struct zc_found *f = &r->found[i];
    const char *sev = f->sev == ZC_ERROR ? "error" : "warning";
    if (f->sev == ZC_WARNING && r->quiet)
      continue;
    if (r->json) {
      json_begin_object(&r->j);
      json_kv_string(&r->j, "file", file);
      json_kv_int(&r->j, "line", f->line);
      json_kv_string(&r->j, "severity", sev);
      json_kv_string(&r->j, "owner", f->owner);
      json_kv_string(&r->j, "type", f->type[0] ? f->type : NULL);
      json_kv_string(&r->j, "code", f->code);
      json_kv_string(&r->j, "message", f->msg);
      json_end_object(&r->j);
      json_end_text(&r->j);
    } else {
      printf("%s:%ld: %s: ", file, f->line, sev);
      if (f->owner)
        printf("%s%s%s: ", f->owner, f->type[0] ? " " : "", f->type);
      printf("%s [%s]\n", f->msg, f->code);
    }
  }
  for (size_t i = 0; i < r->nfound; i++)
    found_free(&r->found[i]);
  r->nfound = 0;
}

void zc_report_free(zc_report_t *r) {
  for (size_t i = 0; i < r->nfound; i++)
    found_free(&r->found[i]);
  free(r->found);
  r->found = NULL;
  r->nfound = r->capfound = 0;
}

void zc_summary(zc_report_t *r, size_t files, size_t unreadable) {
  if (r->json) {
    json_begin_object(&r->j);
    json_key(&r->j, "summary");
    json_begin_object(&r->j);
    json_kv_int(&r->j, "files", (long long)files);
    json_kv_int(&r->j, "unreadable", (long long)unreadable);
    json_kv_int(&r->j, "errors", (long long)r->errors);
    json_kv_int(&r->j, "warnings", (long long)r->warnings);
    json_end_object(&r->j);
    json_end_object(&r->j);
    json_end_text(&r->j);
  } else if (!r->quiet) {
    char unread[64] = "";
    if (unreadable)
      snprintf(unread, sizeof unread, " (%zu not read)", unreadable);
    fprintf(stderr, "mimi-zonecheck: %zu file%s%s, %lu error%s, %lu warning%s\n", files,
            files == 1 ? "" : "s", unread, r->errors, r->errors == 1 ? "" : "s",
            r->warnings, r->warnings == 1 ? "" : "s");
  }
}
