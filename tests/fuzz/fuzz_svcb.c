/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: SVCB/HTTPS RDATA decoding and presentation (RFC 9460;
 * MIMI-DNS/1 §5). The input is the RDATA. Properties checked, beyond memory
 * safety (abort() on a violation):
 *  - on failure: no object, and a NUL-terminated, non-empty message;
 *  - param keys strictly ascending, never 65535; has_key agrees with them;
 *    out-of-range accessors give 65535 / NULL;
 *  - the typed views agree with the raw params: alpn_count > 0 iff "alpn",
 *    the ids re-encode to the raw value; port, hints, ech, mandatory match
 *    their raw values; every mandatory key is present and not 0;
 *  - AliasMode exposes no params; usable() follows the mandatory list;
 *  - the target is absolute ("." or ends with an unescaped "."), printable;
 *  - the presentation form starts with "<prio> <target>" and is printable
 *    ASCII without control characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

#define CHECK(c) \
  do {           \
    if (!(c))    \
      abort();   \
  } while (0)

static const uint8_t *raw(const mimi_svcb_t *s, uint16_t key, size_t *len) {
  for (size_t i = 0; i < mimi_svcb_param_count(s); i++)
    if (mimi_svcb_param_key(s, i) == key)
      return mimi_svcb_param_value(s, i, len);
  *len = 0;
  return NULL;
}

static void check_alpn(const mimi_svcb_t *s) {
  size_t rlen, at = 0;
  const uint8_t *r = raw(s, MIMI_SVCB_KEY_ALPN, &rlen);
  size_t n = mimi_svcb_alpn_count(s);
  CHECK((n > 0) == (mimi_svcb_has_key(s, MIMI_SVCB_KEY_ALPN) != 0));
  CHECK((r != NULL) == (n > 0));
  for (size_t i = 0; i < n; i++) {
    size_t len = 0;
    const char *id = mimi_svcb_alpn(s, i, &len);
    CHECK(id && len > 0 && id[len] == '\0');
    CHECK(at < rlen && r[at] == len && rlen - at - 1 >= len);
    CHECK(memcmp(r + at + 1, id, len) == 0);
    at += 1 + len;
  }
  CHECK(at == rlen);
  CHECK(mimi_svcb_alpn(s, n, NULL) == NULL);
  if (mimi_svcb_no_default_alpn(s))
    CHECK(n > 0 && raw(s, MIMI_SVCB_KEY_NO_DEFAULT_ALPN, &rlen) && rlen == 0);
}

static void check_views(const mimi_svcb_t *s) {
  size_t rlen, n;
  const uint8_t *r;

  r = raw(s, MIMI_SVCB_KEY_PORT, &rlen);
  if (r)
    CHECK(rlen == 2 && mimi_svcb_port(s) == (uint16_t)(r[0] << 8 | r[1]));
  else
    CHECK(mimi_svcb_port(s) == 0);

  r = raw(s, MIMI_SVCB_KEY_IPV4HINT, &rlen);
  n = mimi_svcb_ipv4hint_count(s);
  CHECK(r ? (rlen > 0 && rlen == 4 * n) : n == 0);
  for (size_t i = 0; i < n; i++)
    CHECK(memcmp(mimi_svcb_ipv4hint(s, i), r + 4 * i, 4) == 0);
  CHECK(mimi_svcb_ipv4hint(s, n) == NULL);

  r = raw(s, MIMI_SVCB_KEY_IPV6HINT, &rlen);
  n = mimi_svcb_ipv6hint_count(s);
  CHECK(r ? (rlen > 0 && rlen == 16 * n) : n == 0);
  for (size_t i = 0; i < n; i++)
    CHECK(memcmp(mimi_svcb_ipv6hint(s, i), r + 16 * i, 16) == 0);
  CHECK(mimi_svcb_ipv6hint(s, n) == NULL);

  {
    size_t elen = 1;
    const uint8_t *e = mimi_svcb_ech(s, &elen);
    r = raw(s, MIMI_SVCB_KEY_ECH, &rlen);
    CHECK(r ? (e && elen == rlen && rlen > 0 && memcmp(e, r, rlen) == 0)
            : (!e && elen == 0));
  }

  r = raw(s, MIMI_SVCB_KEY_MANDATORY, &rlen);
  n = mimi_svcb_mandatory_count(s);
  CHECK(r ? (rlen > 0 && rlen == 2 * n) : n == 0);
  {
    int usable = 1;
    for (size_t i = 0; i < n; i++) {
      uint16_t k = mimi_svcb_mandatory(s, i);
      CHECK(k == (uint16_t)(r[2 * i] << 8 | r[2 * i + 1]));
      CHECK(k != MIMI_SVCB_KEY_MANDATORY && mimi_svcb_has_key(s, k));
      CHECK(i == 0 || k > mimi_svcb_mandatory(s, i - 1));
      if (k > MIMI_SVCB_KEY_IPV6HINT)
        usable = 0;
    }
    CHECK(mimi_svcb_mandatory(s, n) == 65535);
    CHECK(mimi_svcb_usable(s) == usable);
  }
}

static void check_target(const char *t) {
  size_t len = strlen(t), bs = 0;
  CHECK(len > 0 && t[len - 1] == '.');
  for (size_t i = 0; i < len; i++)
    CHECK(t[i] > 0x20 && t[i] < 0x7f);
  /* The final dot must not be escaped: an even run of backslashes before. */
  for (size_t i = len - 1; i > 0 && t[i - 1] == '\\'; i--)
    bs++;
  CHECK(bs % 2 == 0);
  CHECK(len == 1 || t[0] != '.');
}

static void check_format(const mimi_svcb_t *s) {
  char *text = NULL, head[1200]; /* "65535 " + a 255-octet name, all \DDD */
  int n;
  if (mimi_svcb_format(s, &text) != MIMI_OK)
    return; /* ENOMEM only */
  n = snprintf(head, sizeof head, "%u %s", (unsigned)mimi_svcb_priority(s),
               mimi_svcb_target(s));
  CHECK(n > 0);
  CHECK(strncmp(text, head, strlen(head)) == 0);
  for (const char *p = text; *p; p++)
    CHECK(*p >= 0x20 && *p < 0x7f);
  if (mimi_svcb_param_count(s) == 0)
    CHECK((size_t)n == strlen(text));
  mimi_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mimi_svcb_t *s = NULL;
  char err[MIMI_ERRLEN];
  mimi_status_t st;

  err[0] = 'x';
  st = mimi_svcb_decode(data, size, &s, err, sizeof err);
  if (st != MIMI_OK) {
    CHECK(s == NULL);
    CHECK(st == MIMI_EBADRECORD || st == MIMI_ENOMEM);
    CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
    return 0;
  }
  CHECK(s != NULL);
  CHECK(size >= 3);
  CHECK(mimi_svcb_priority(s) == (uint16_t)(data[0] << 8 | data[1]));
  CHECK(mimi_svcb_is_alias(s) == (mimi_svcb_priority(s) == 0));
  check_target(mimi_svcb_target(s));
  if (mimi_svcb_is_alias(s)) {
    CHECK(mimi_svcb_param_count(s) == 0);
    CHECK(mimi_svcb_usable(s) == 1);
  }
  {
    size_t n = mimi_svcb_param_count(s), total = 0, len;
    for (size_t i = 0; i < n; i++) {
      uint16_t k = mimi_svcb_param_key(s, i);
      CHECK(k != 65535);
      CHECK(i == 0 || k > mimi_svcb_param_key(s, i - 1));
      CHECK(mimi_svcb_has_key(s, k));
      CHECK(mimi_svcb_param_value(s, i, &len) != NULL);
      total += 4 + len;
    }
    CHECK(total < size);
    CHECK(mimi_svcb_param_key(s, n) == 65535);
    CHECK(mimi_svcb_param_value(s, n, &len) == NULL && len == 0);
    if (n == 0)
      CHECK(!mimi_svcb_has_key(s, MIMI_SVCB_KEY_ALPN));
  }
  check_alpn(s);
  check_views(s);
  check_format(s);
  mimi_svcb_free(s);
  return 0;
}
