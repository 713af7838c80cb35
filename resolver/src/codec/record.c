/* SPDX-License-Identifier: MIT */
/* Mappings (MIMI-DNS/1 §3): construction, validation, accessors, order. */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

MIMI_EXPORT mimi_status_t mimi_record_new(mimi_record_t **rec) {
  if (!rec)
    return MIMI_EINVAL;
  *rec = calloc(1, sizeof(**rec));
  return *rec ? MIMI_OK : MIMI_ENOMEM;
}

MIMI_EXPORT void mimi_record_free(mimi_record_t *rec) {
  if (!rec)
    return;
  free(rec->provider);
  free(rec->account);
  free(rec->account_encoded);
  free(rec->tags);
  free(rec->service);
  free(rec->uri);
  free(rec);
}

static int dup_opt(char **dst, const char *src) {
  *dst = NULL;
  if (!src)
    return 1;
  *dst = mimi__strdup(src);
  return *dst != NULL;
}

MIMI_EXPORT mimi_status_t mimi_record_dup(const mimi_record_t *rec,
                                          mimi_record_t **copy) {
  mimi_record_t *c;
  if (!rec || !copy)
    return MIMI_EINVAL;
  *copy = NULL;
  c = calloc(1, sizeof(*c));
  if (!c)
    return MIMI_ENOMEM;
  c->preference = rec->preference;
  c->ttl = rec->ttl;
  c->port = rec->port;
  if (!dup_opt(&c->provider, rec->provider) ||
      !dup_opt(&c->account, rec->account) ||
      !dup_opt(&c->account_encoded, rec->account_encoded) ||
      !dup_opt(&c->tags, rec->tags) || !dup_opt(&c->service, rec->service) ||
      !dup_opt(&c->uri, rec->uri)) {
    mimi_record_free(c);
    return MIMI_ENOMEM;
  }
  *copy = c;
  return MIMI_OK;
}

mimi_status_t mimi__record_set_port(mimi_record_t *rec, uint16_t port) {
  rec->port = port;
  return mimi__record_update_uri(rec);
}

mimi_status_t mimi__record_update_uri(mimi_record_t *rec) {
  mimi_buf_t b;
  free(rec->uri);
  rec->uri = NULL;
  if (!rec->provider || !rec->account_encoded)
    return MIMI_OK;
  mimi__buf_init(&b);
  mimi__buf_adds(&b, "mimi://");
  mimi__buf_adds(&b, rec->provider);
  if (rec->port && rec->port != 443) /* RFC 3986 §3.2.3: the default is left out */
    mimi__buf_addf(&b, ":%u", (unsigned)rec->port);
  mimi__buf_adds(&b, "/u/");
  mimi__buf_adds(&b, rec->account_encoded);
  rec->uri = mimi__buf_take(&b);
  return rec->uri ? MIMI_OK : MIMI_ENOMEM;
}

MIMI_EXPORT mimi_status_t mimi_record_set_provider(mimi_record_t *rec,
                                                   const char *provider,
                                                   char *err, size_t errlen) {
  char *host = NULL;
  mimi_status_t st;
  if (!rec)
    return MIMI_EINVAL;
  if (provider) {
    st = mimi__host_canon(provider, strlen(provider), 1, "provider", &host,
                          err, errlen);
    if (st != MIMI_OK)
      return st == MIMI_EBADID ? MIMI_EBADRECORD : st;
  }
  free(rec->provider);
  rec->provider = host;
  return mimi__record_update_uri(rec);
}

MIMI_EXPORT mimi_status_t mimi_record_set_account(mimi_record_t *rec,
                                                  const char *account,
                                                  char *err, size_t errlen) {
  char *acc = NULL, *enc = NULL;
  mimi_buf_t b;
  if (!rec)
    return MIMI_EINVAL;
  if (account) {
    size_t n = strlen(account);
    if (n == 0) {
      mimi__seterr(err, errlen, "account is empty");
      return MIMI_EBADRECORD;
    }
    if (!mimi__utf8_valid(account, n)) {
      mimi__seterr(err, errlen, "account is not valid UTF-8");
      return MIMI_EBADRECORD;
    }
    acc = mimi__strdup(account);
    mimi__buf_init(&b);
    mimi__pct_encode(&b, account);
    enc = mimi__buf_take(&b);
    if (!acc || !enc) {
      free(acc);
      free(enc);
      return MIMI_ENOMEM;
    }
  }
  free(rec->account);
  free(rec->account_encoded);
  rec->account = acc;
  rec->account_encoded = enc;
  return mimi__record_update_uri(rec);
}

MIMI_EXPORT mimi_status_t mimi_record_set_preference(mimi_record_t *rec,
                                                     uint32_t preference) {
  if (!rec || preference > 65535)
    return MIMI_EINVAL;
  rec->preference = (uint16_t)preference;
  return MIMI_OK;
}

/* Visible ASCII except ";" (MIMI-DNS/1 §3 "value"), and not "," in tokens. */
static int token_char(unsigned char c) {
  return c >= 0x21 && c <= 0x7e && c != ';' && c != ',';
}

mimi_status_t mimi__check_token(const char *s, size_t len, const char *what,
                                char *err, size_t errlen) {
  char one[8];
  if (len == 0) {
    mimi__seterr(err, errlen, "%s is empty", what);
    return MIMI_EBADRECORD;
  }
  for (size_t i = 0; i < len; i++) {
    if (!token_char((unsigned char)s[i])) {
      mimi__seterr(err, errlen, "%s contains '%s'; only visible ASCII other "
                   "than ';' and ',' is allowed", what,
                   mimi__show(one, sizeof one, s + i, 1));
      return MIMI_EBADRECORD;
    }
  }
  return MIMI_OK;
}

mimi_status_t mimi__check_tags(const char *s, size_t len, char *err,
                               size_t errlen) {
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == ',') {
      if (i == start) {
        mimi__seterr(err, errlen, "tags have an empty entry");
        return MIMI_EBADRECORD;
      }
      mimi_status_t st = mimi__check_token(s + start, i - start, "tag", err, errlen);
      if (st != MIMI_OK)
        return st;
      start = i + 1;
    }
  }
  return MIMI_OK;
}

static mimi_status_t set_checked(char **field, const char *val, int tags,
                                 char *err, size_t errlen) {
  char *v = NULL;
  if (val && *val) {
    mimi_status_t st = tags ? mimi__check_tags(val, strlen(val), err, errlen)
                            : mimi__check_token(val, strlen(val), "service",
                                                err, errlen);
    if (st != MIMI_OK)
      return st;
    if (!(v = mimi__strdup(val)))
      return MIMI_ENOMEM;
  }
  free(*field);
  *field = v;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_record_set_tags(mimi_record_t *rec,
                                               const char *tags, char *err,
                                               size_t errlen) {
  if (!rec)
    return MIMI_EINVAL;
  return set_checked(&rec->tags, tags, 1, err, errlen);
}

MIMI_EXPORT mimi_status_t mimi_record_set_service(mimi_record_t *rec,
                                                  const char *service,
                                                  char *err, size_t errlen) {
  if (!rec)
    return MIMI_EINVAL;
  return set_checked(&rec->service, service, 0, err, errlen);
}

MIMI_EXPORT const char *mimi_record_provider(const mimi_record_t *rec) {
  return rec ? rec->provider : NULL;
}
MIMI_EXPORT const char *mimi_record_account(const mimi_record_t *rec) {
  return rec ? rec->account : NULL;
}
MIMI_EXPORT const char *mimi_record_account_encoded(const mimi_record_t *rec) {
  return rec ? rec->account_encoded : NULL;
}
MIMI_EXPORT uint16_t mimi_record_preference(const mimi_record_t *rec) {
  return rec ? rec->preference : 0;
}
MIMI_EXPORT const char *mimi_record_tags(const mimi_record_t *rec) {
  return rec ? rec->tags : NULL;
}
MIMI_EXPORT const char *mimi_record_service(const mimi_record_t *rec) {
  return rec ? rec->service : NULL;
}
MIMI_EXPORT const char *mimi_record_uri(const mimi_record_t *rec) {
  return rec ? rec->uri : NULL;
}
MIMI_EXPORT int mimi_record_is_optout(const mimi_record_t *rec) {
  return rec && rec->provider == NULL;
}
MIMI_EXPORT uint32_t mimi_record_ttl(const mimi_record_t *rec) {
  return rec ? rec->ttl : 0;
}
MIMI_EXPORT void mimi_record_set_ttl(mimi_record_t *rec, uint32_t ttl) {
  if (rec)
    rec->ttl = ttl;
}

/* NULL sorts before any string; strings compare octet-wise. */
static int cmp_opt(const char *a, const char *b) {
  if (!a || !b)
    return (a != NULL) - (b != NULL);
  return strcmp(a, b);
}

MIMI_EXPORT int mimi_record_cmp(const mimi_record_t *a, const mimi_record_t *b) {
  int c;
  if (a->preference != b->preference)
    return a->preference < b->preference ? -1 : 1;
  if ((c = cmp_opt(a->provider, b->provider)) != 0)
    return c;
  return cmp_opt(a->account, b->account);
}
