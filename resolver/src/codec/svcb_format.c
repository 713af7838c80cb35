/* SPDX-License-Identifier: MIT */
/*
 * SVCB/HTTPS presentation form (RFC 9460 §2.1, §7, Appendix A), for display
 * and traces. Built only from the public accessors of svcb.c, on a growable
 * buffer: the output has no fixed size limit and needs no bounds guessing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

/* Octets that need quoting or escaping in a character-string
 * (RFC 1035 §5.1): space and controls, non-ASCII, and the zone-file
 * specials. */
static int cs_special(uint8_t c) {
  return c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == ';' ||
         c == '(' || c == ')';
}

/*
 * Append v[0..n) as a char-string (RFC 9460 Appendix A): bare when every
 * octet is plain, else quoted, with "\"" and "\\" backslash-escaped and
 * octets outside printable ASCII as \DDD.
 */
static void add_charstring(mimi_buf_t *b, const uint8_t *v, size_t n) {
  int plain = n > 0;
  for (size_t i = 0; i < n && plain; i++)
    if (cs_special(v[i]))
      plain = 0;
  if (plain) {
    mimi__buf_add(b, (const char *)v, n);
    return;
  }
  mimi__buf_addc(b, '"');
  for (size_t i = 0; i < n; i++) {
    uint8_t c = v[i];
    if (c == '"' || c == '\\') {
      mimi__buf_addc(b, '\\');
      mimi__buf_addc(b, (char)c);
    } else if (c >= 0x20 && c < 0x7f) {
      mimi__buf_addc(b, (char)c);
    } else {
      mimi__buf_addf(b, "\\%03u", (unsigned)c);
    }
  }
  mimi__buf_addc(b, '"');
}

static void add_key(mimi_buf_t *b, uint16_t key) {
  const char *name = mimi_svcb_key_name(key);
  if (name)
    mimi__buf_adds(b, name);
  else
    mimi__buf_addf(b, "key%u", (unsigned)key); /* RFC 9460 §2.1 "keyNNNNN" */
}

/* Standard base64 (RFC 4648 §4), written by hand: the "ech" value's
 * presentation form (RFC 9460 §14.3.2 registers "ech"; its value is shown
 * base64-encoded as for the ECH binding). */
static void add_base64(mimi_buf_t *b, const uint8_t *v, size_t n) {
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; n - i >= 3; i += 3) {
    unsigned w = (unsigned)v[i] << 16 | (unsigned)v[i + 1] << 8 | v[i + 2];
    char q[4] = {tab[w >> 18], tab[(w >> 12) & 63], tab[(w >> 6) & 63],
                 tab[w & 63]};
    mimi__buf_add(b, q, 4);
  }
  if (n - i == 1) {
    unsigned w = (unsigned)v[i] << 16;
    char q[4] = {tab[w >> 18], tab[(w >> 12) & 63], '=', '='};
    mimi__buf_add(b, q, 4);
  } else if (n - i == 2) {
    unsigned w = (unsigned)v[i] << 16 | (unsigned)v[i + 1] << 8;
    char q[4] = {tab[w >> 18], tab[(w >> 12) & 63], tab[(w >> 6) & 63], '='};
    mimi__buf_add(b, q, 4);
  }
}

/*
 * "alpn": a comma-separated value-list (RFC 9460 Appendix A.1). Two layers
 * of escaping: within an item "," and "\" get a backslash; the whole list
 * is then a char-string, which escapes those backslashes again — e.g. the
 * ids "f\oo,bar" and "h2" give "f\\\\oo\\,bar,h2" (Figure 10).
 */
static void add_alpn(mimi_buf_t *b, const mimi_svcb_t *s) {
  mimi_buf_t list;
  mimi__buf_init(&list);
  for (size_t i = 0; i < mimi_svcb_alpn_count(s); i++) {
    size_t len;
    const char *id = mimi_svcb_alpn(s, i, &len);
    if (i)
      mimi__buf_addc(&list, ',');
    for (size_t k = 0; k < len; k++) {
      if (id[k] == ',' || id[k] == '\\')
        mimi__buf_addc(&list, '\\');
      mimi__buf_addc(&list, id[k]);
    }
  }
  if (list.oom)
    b->oom = 1;
  else
    add_charstring(b, (const uint8_t *)list.p, list.len);
  mimi__buf_free(&list);
}

MIMI_EXPORT mimi_status_t mimi_svcb_format(const mimi_svcb_t *svcb,
                                           char **text) {
  mimi_buf_t b;
  if (!text)
    return MIMI_EINVAL;
  *text = NULL;
  if (!svcb)
    return MIMI_EINVAL;
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%u %s", (unsigned)mimi_svcb_priority(svcb),
                 mimi_svcb_target(svcb));
  /* In AliasMode there are no params (RFC 9460 §2.4.2): "0 target". */
  for (size_t i = 0; i < mimi_svcb_param_count(svcb); i++) {
    uint16_t key = mimi_svcb_param_key(svcb, i);
    size_t len;
    const uint8_t *v = mimi_svcb_param_value(svcb, i, &len);
    mimi__buf_addc(&b, ' ');
    add_key(&b, key);
    switch (key) {
    case MIMI_SVCB_KEY_MANDATORY: /* RFC 9460 §8: key names */
      mimi__buf_addc(&b, '=');
      for (size_t j = 0; j < mimi_svcb_mandatory_count(svcb); j++) {
        if (j)
          mimi__buf_addc(&b, ',');
        add_key(&b, mimi_svcb_mandatory(svcb, j));
      }
      break;
    case MIMI_SVCB_KEY_ALPN:
      mimi__buf_addc(&b, '=');
      add_alpn(&b, svcb);
      break;
    case MIMI_SVCB_KEY_NO_DEFAULT_ALPN:
      break; /* RFC 9460 §7.1.1: no value */
    case MIMI_SVCB_KEY_PORT:
      mimi__buf_addf(&b, "=%u", (unsigned)mimi_svcb_port(svcb));
      break;
    case MIMI_SVCB_KEY_IPV4HINT: /* RFC 9460 §7.3: dotted quads */
      mimi__buf_addc(&b, '=');
      for (size_t j = 0; j < mimi_svcb_ipv4hint_count(svcb); j++) {
        const uint8_t *a = mimi_svcb_ipv4hint(svcb, j);
        mimi__buf_addf(&b, "%s%u.%u.%u.%u", j ? "," : "", a[0], a[1], a[2],
                       a[3]);
      }
      break;
    case MIMI_SVCB_KEY_IPV6HINT: /* RFC 9460 §7.3: RFC 5952 text */
      mimi__buf_addc(&b, '=');
      for (size_t j = 0; j < mimi_svcb_ipv6hint_count(svcb); j++) {
        char a6[INET6_ADDRSTRLEN];
        if (!inet_ntop(AF_INET6, mimi_svcb_ipv6hint(svcb, j), a6, sizeof a6)) {
          b.oom = 1; /* cannot happen with a 16-octet address */
          break;
        }
        if (j)
          mimi__buf_addc(&b, ',');
        mimi__buf_adds(&b, a6);
      }
      break;
    case MIMI_SVCB_KEY_ECH:
      mimi__buf_addc(&b, '=');
      add_base64(&b, v, len);
      break;
    default: /* RFC 9460 §2.1: unknown keys as keyNNNNN with the raw value */
      if (len) {
        mimi__buf_addc(&b, '=');
        add_charstring(&b, v, len);
      }
      break;
    }
  }
  if (!(*text = mimi__buf_take(&b)))
    return MIMI_ENOMEM;
  return MIMI_OK;
}
