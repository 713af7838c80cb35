/* SPDX-License-Identifier: MIT */
/*
 * CSV rows (MIMI-DNS/1 §7) → MIMI TXT RRs (§3) at the owner names of §2,
 * and with --naptr the ENUM NAPTR of §4. Everything about the records goes
 * through libmimi: identifiers, owner names, record text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "wire_endian.h"
#include "zonegen.h"

const char *const zg_csv_header[F_COUNT] = {"identifier", "provider", "account",
                                            "preference", "tags", "service"};

typedef struct {
  const zg_opts_t *o;
  zg_table_t *t;
  const char *file;
  long line;
  char err[ZG_ERRLEN];
} row_ctx_t;

/* Is name (absolute) at or below the origin (absolute)? */
static int in_zone(const char *name, const char *origin) {
  size_t n = strlen(name), z = strlen(origin);
  if (strcmp(origin, ".") == 0)
    return 1;
  if (n < z || strcasecmp(name + n - z, origin) != 0)
    return 0;
  return n == z || name[n - z - 1] == '.';
}

static int add_rr(row_ctx_t *r, const char *owner, uint16_t type,
                  const uint8_t *rd, size_t rdlen, const char *rdtext) {
  uint8_t w[256];
  size_t wl;
  char line[2048];
  if (zg_name_wire(owner, w, &wl) != 0) {
    snprintf(r->err, sizeof r->err, "owner name %s is not a valid DNS name", owner);
    return -1;
  }
  /* The database stores wire data only, and the signer writes its lines
   * from the wire (rrtext.c): no presentation line needed. */
  line[0] = '\0';
  if (!r->o->lmdb && !r->o->sign)
    snprintf(line, sizeof line, "%s\t%u\tIN\t%s\t%s", owner, (unsigned)r->o->ttl,
             mimi_rrtype_name(type), rdtext);
  if (zg_add(r->t, w, wl, type, r->o->ttl, rd, rdlen, line) != 0) {
    snprintf(r->err, sizeof r->err, "out of memory");
    return -1;
  }
  return 0;
}

/* The TXT RR of a record at one owner name. */
static int add_txt(row_ctx_t *r, const char *owner, const char *text) {
  uint8_t rd[256];
  char q[1100];
  size_t len = strlen(text);
  if (len > 255) {
    snprintf(r->err, sizeof r->err, "the TXT record would exceed 255 octets");
    return -1;
  }
  rd[0] = (uint8_t)len;
  memcpy(rd + 1, text, len);
  q[0] = '\0';
  if (!r->o->lmdb && !r->o->sign)
    zg_quote(q, sizeof q, text);
  return add_rr(r, owner, MIMI_RR_TXT, rd, len + 1, q);
}

/* Wire form of the NAPTR the codec formats (RFC 3403 §4.1), for ordering. */
static int naptr_wire(const mimi_record_t *rec, uint8_t *w, size_t cap, size_t *len) {
  char re[600];
  size_t o = 0;
  int n = snprintf(re, sizeof re, "!^.*$!mimi://%s/u/%s!", mimi_record_provider(rec),
                   mimi_record_account_encoded(rec));
  const char *strs[3] = {"u", "E2U+mimi", re};
  if (n < 0 || (size_t)n > 255 || cap < 4 + 3 * 256 + 1)
    return -1;
  w[o++] = 0;
  w[o++] = 100;
  wire_put16(w + o, mimi_record_preference(rec));
  o += 2;
  for (int i = 0; i < 3; i++) {
    size_t l = strlen(strs[i]);
    w[o++] = (uint8_t)l;
    memcpy(w + o, strs[i], l);
    o += l;
  }
  w[o++] = 0; /* replacement "." */
  *len = o;
  return 0;
}

/* One row: validate through the codec, then add its RRs. 0 or -1 (r->err). */
static int row(row_ctx_t *r, char **f) {
  char cerr[MIMI_ERRLEN] = "";
  mimi_id_t *id = NULL;
  mimi_record_t *rec = NULL;
  char *owner = NULL, *retry = NULL, *text = NULL, *naptr = NULL;
  int rc = -1;

  if (mimi_id_parse(f[F_ID], &id, cerr, sizeof cerr) != MIMI_OK) {
    snprintf(r->err, sizeof r->err, "identifier: %s", cerr);
    goto done;
  }
  switch (mimi_id_class(id)) {
  case MIMI_ID_HANDLE:
    if (mimi_name_handle(mimi_id_local(id), mimi_id_domain(id), &owner) != MIMI_OK ||
        (r->o->lowercase_variant &&
         mimi_name_handle_retry(mimi_id_local(id), mimi_id_domain(id), &retry) != MIMI_OK))
      goto nomem;
    break;
  case MIMI_ID_DOMAIN:
    if (mimi_name_domain(mimi_id_domain(id), &owner) != MIMI_OK)
      goto nomem;
    break;
  case MIMI_ID_PHONE:
    if (mimi_name_enum(mimi_id_number(id), r->o->enum_apex, &owner) != MIMI_OK) {
      snprintf(r->err, sizeof r->err, "the ENUM name under %s does not fit the DNS",
               r->o->enum_apex);
      goto done;
    }
    break;
  case MIMI_ID_URI:
    snprintf(r->err, sizeof r->err, "identifier: a mimi:// URI needs no record; "
             "give a handle, a domain handle or a phone number");
    goto done;
  }
  if (!in_zone(owner, r->o->origin)) {
    snprintf(r->err, sizeof r->err, "owner name %s is outside the zone %s", owner,
             r->o->origin);
    goto done;
  }

  if (mimi_record_new(&rec) != MIMI_OK)
    goto nomem;
  if (!f[F_PROVIDER][0]) {
    /* Opt-out: "known identity, no provider disclosed" (§3). */
    for (int i = F_ACCOUNT; i < F_COUNT; i++) {
      if (f[i][0]) {
        snprintf(r->err, sizeof r->err, "%s is set but provider is empty (an "
                 "opt-out row has only the identifier)", zg_csv_header[i]);
        goto done;
      }
    }
  } else {
    mimi_status_t st;
    if ((st = mimi_record_set_provider(rec, f[F_PROVIDER], cerr, sizeof cerr))) {
      snprintf(r->err, sizeof r->err, "provider: %s", cerr);
      goto done;
    }
    if (f[F_ACCOUNT][0] &&
        (st = mimi_record_set_account(rec, f[F_ACCOUNT], cerr, sizeof cerr))) {
      snprintf(r->err, sizeof r->err, "account: %s", cerr);
      goto done;
    }
    if (f[F_PREF][0]) {
      char *end;
      errno = 0;
      unsigned long p = strtoul(f[F_PREF], &end, 10);
      if (f[F_PREF][0] < '0' || f[F_PREF][0] > '9' || *end || errno || p > 65535) {
        snprintf(r->err, sizeof r->err, "preference '%s' is not 0-65535", f[F_PREF]);
        goto done;
      }
      (void)mimi_record_set_preference(rec, (uint32_t)p);
    }
    if (f[F_TAGS][0] && mimi_record_set_tags(rec, f[F_TAGS], cerr, sizeof cerr)) {
      snprintf(r->err, sizeof r->err, "tags: %s", cerr);
      goto done;
    }
    if (f[F_SERVICE][0] && mimi_record_set_service(rec, f[F_SERVICE], cerr, sizeof cerr)) {
      snprintf(r->err, sizeof r->err, "service: %s", cerr);
      goto done;
    }
  }
  switch (mimi_txt_format(rec, &text)) {
  case MIMI_OK:
    break;
  case MIMI_ETOOLONG:
    snprintf(r->err, sizeof r->err, "the MIMI TXT record would exceed 255 octets; "
             "shorten the account, tags or service");
    goto done;
  default:
    goto nomem;
  }
  if (add_txt(r, owner, text) != 0 || (retry && add_txt(r, retry, text) != 0))
    goto done;
  if (r->o->naptr && mimi_id_class(id) == MIMI_ID_PHONE && mimi_record_uri(rec)) {
    uint8_t w[1024];
    size_t wl;
    if (mimi_naptr_format(rec, &naptr) != MIMI_OK ||
        naptr_wire(rec, w, sizeof w, &wl) != 0) {
      snprintf(r->err, sizeof r->err, "the NAPTR regexp would exceed 255 octets");
      goto done;
    }
    if (add_rr(r, owner, MIMI_RR_NAPTR, w, wl, naptr) != 0)
      goto done;
  }
  rc = 0;
  goto done;
nomem:
  snprintf(r->err, sizeof r->err, "out of memory");
done:
  mimi_free(naptr);
  mimi_free(text);
  mimi_free(owner);
  mimi_free(retry);
  mimi_record_free(rec);
  mimi_id_free(id);
  return rc;
}

int zg_row(const zg_opts_t *o, zg_table_t *t, char **fields, char *err, size_t errlen) {
  row_ctx_t r = {o, t, NULL, 0, ""};
  int rc = row(&r, fields);
  if (rc != 0)
    snprintf(err, errlen, "%s", r.err);
  return rc;
}
