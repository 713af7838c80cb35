/* SPDX-License-Identifier: MIT */
/*
 * The SvcParams of an SVCB or HTTPS record, read from the record's text in
 * the zone file (RFC 9460 §2.1 and Appendix A), because ldns 1.8.3 reads a
 * different record from the one a name server loads: it drops a repeated
 * key, in the params and in "mandatory", without a word, and splits
 * value-lists before undoing the character-string escapes, so that
 * alpn="h2,http\\,1.1" becomes three ids instead of "h2" and "http,1.1"
 * (Appendix A.1; D.2 Figure 10). Here the text is split into fields, each
 * SvcParam is decoded in the two steps of Appendix A.1, repeated keys are
 * refused (§2.2, §8), and the params are written in wire form, keys
 * ascending, for the codec to judge as a client would. One pass over the
 * text; the caller bounds its length.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "zonecheck.h"

#define BAD(...) (snprintf(err, errlen, __VA_ARGS__), -1)

/* A growing byte buffer; oom set once an allocation failed. */
typedef struct {
  uint8_t *d;
  size_t n, cap;
  int oom;
} buf_t;

static void put(buf_t *b, const void *p, size_t n) {
  if (b->oom)
    return;
  if (b->cap - b->n < n) {
    size_t cap = b->cap ? b->cap : 256;
    uint8_t *d;
    while (cap - b->n < n)
      cap *= 2;
    if (!(d = realloc(b->d, cap))) {
      b->oom = 1;
      return;
    }
    b->d = d;
    b->cap = cap;
  }
  if (n)
    memcpy(b->d + b->n, p, n);
  b->n += n;
}

static void put16(buf_t *b, unsigned v) {
  uint8_t w[2] = {(uint8_t)(v >> 8), (uint8_t)v};
  put(b, w, 2);
}

static int blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next field of the record: text between blanks, parentheses and
 * comments outside quotes (RFC 1035 §5.1). 1 with [*f, *f + *n), 0 at the
 * end, -1 on an unterminated quote. */
static int field(const char *s, size_t len, size_t *pos, const char **f, size_t *n) {
  size_t i = *pos;
  int quoted = 0;
  for (;;) {
    while (i < len && (blank(s[i]) || s[i] == '(' || s[i] == ')'))
      i++;
    if (i < len && s[i] == ';') {
      while (i < len && s[i] != '\n')
        i++;
      continue;
    }
    break;
  }
  if (i >= len) {
    *pos = i;
    return 0;
  }
  *f = s + i;
  for (; i < len; i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < len)
      i++; /* the escaped character is part of the field */
    else if (c == '"')
      quoted = !quoted;
    else if (!quoted && (blank(c) || c == '(' || c == ')' || c == ';'))
      break;
  }
  *n = (size_t)(s + i - *f);
  *pos = i;
  return quoted ? -1 : 1;
}

static int is_class(const char *f, size_t n) {
  static const char *const names[] = {"IN", "CH", "HS", "CS", "NONE", "ANY"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == n && strncasecmp(f, names[i], n) == 0)
      return 1;
  return n > 5 && strncasecmp(f, "CLASS", 5) == 0 && f[5] >= '0' && f[5] <= '9';
}

static int is_svcb_type(const char *f, size_t n) {
  static const char *const names[] = {"SVCB", "HTTPS", "TYPE64", "TYPE65"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == n && strncasecmp(f, names[i], n) == 0)
      return 1;
  return 0;
}

/* How messages name a key: "alpn", or "key123" (§2.1). */
static const char *key_str(char *dst, size_t n, uint16_t key) {
  const char *name = mimi_svcb_key_name(key);
  if (name)
    snprintf(dst, n, "%s", name);
  else
    snprintf(dst, n, "key%u", (unsigned)key);
  return dst;
}

/* A SvcParamKey in presentation form (§2.1): a registered name, or
 * "key" and the number without leading zeros. 0, or -1 (err). */
static int key_of(const char *k, size_t n, uint16_t *key, char *err, size_t errlen) {
  unsigned long v = 0;
  for (uint16_t i = 0; i < 64; i++) {
    const char *name = mimi_svcb_key_name(i);
    if (name && strlen(name) == n && memcmp(name, k, n) == 0) {
      *key = i;
      return 0;
    }
  }
  if (n > 3 && n <= 8 && memcmp(k, "key", 3) == 0 && (k[3] != '0' || n == 4)) {
    size_t i = 3;
    for (; i < n && k[i] >= '0' && k[i] <= '9'; i++)
      v = v * 10 + (unsigned long)(k[i] - '0');
    if (i == n && v <= 65535) {
      *key = (uint16_t)v;
      return 0;
    }
  }
  return BAD("'%.*s' is not a SvcParamKey (RFC 9460 §2.1: a registered name or "
             "keyNNNNN)", (int)(n > 40 ? 40 : n), k);
}

/* Undo the character-string escapes of a value (RFC 9460 Appendix A,
 * RFC 1035 §5.1): quoted or contiguous; \DDD is the octet DDD, \X is X.
 * out has room for n octets. 0, or -1 (err). */
static int charstring(const char *v, size_t n, uint8_t *out, size_t *outn,
                      const char *key, char *err, size_t errlen) {
  size_t o = 0;
  if (n > 0 && v[0] == '"') {
    /* An escaped closing quote leaves a lone '\\' at the end: refused below. */
    if (n < 2 || v[n - 1] != '"')
      return BAD("%s: the value's quotes are not closed (RFC 9460 Appendix A)", key);
    v++;
    n -= 2;
  }
  for (size_t i = 0; i < n; i++) {
    char c = v[i];
    if (c == '\\') {
      if (i + 1 >= n)
        return BAD("%s: the value ends in a lone '\\' (RFC 1035 §5.1)", key);
      if (v[i + 1] >= '0' && v[i + 1] <= '9') {
        unsigned d = 0;
        for (size_t j = 1; j <= 3; j++) {
          if (i + j >= n || v[i + j] < '0' || v[i + j] > '9')
            return BAD("%s: '\\' and a digit must be \\DDD, three digits (RFC 1035 "
                       "§5.1)", key);
          d = d * 10 + (unsigned)(v[i + j] - '0');
        }
        if (d > 255)
          return BAD("%s: \\%.3s is not an octet (RFC 1035 §5.1)", key, v + i + 1);
        out[o++] = (uint8_t)d;
        i += 3;
      } else {
        out[o++] = (uint8_t)v[++i];
      }
    } else if (c == '"') {
      return BAD("%s: a '\"' inside the value (RFC 9460 Appendix A)", key);
    } else {
      out[o++] = (uint8_t)c;
    }
  }
  *outn = o;
  return 0;
}

/* The next item of a decoded value-list (RFC 9460 Appendix A.1): up to an
 * unescaped ",", with "\," for a comma and "\\" for a backslash. Another
 * '\' is kept as it is, as Knot DNS reads it. item has room for the rest of
 * the value. 1 with the item, 0 at the end, -1 (err) on an empty item. */
static int item(const uint8_t *v, size_t n, size_t *pos, uint8_t *it, size_t *itn,
                const char *key, char *err, size_t errlen) {
  size_t i = *pos, o = 0;
  if (i > n)
    return 0;
  for (; i < n && v[i] != ','; i++) {
    if (v[i] == '\\' && i + 1 < n && (v[i + 1] == ',' || v[i + 1] == '\\'))
      i++;
    it[o++] = v[i];
  }
  *pos = i + 1; /* past the comma, or past the end */
  *itn = o;
  if (o == 0)
    return BAD("%s: an empty item in the list (RFC 9460 Appendix A.1)", key);
  return 1;
}

/* Base64 with padding (RFC 4648 §4), the "ech" value's presentation form
 * (RFC 9460 §9). out has room for n octets. 0, or -1 when it is not. */
static int base64(const uint8_t *v, size_t n, uint8_t *out, size_t *outn) {
  static const char abc[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  if (n == 0 || n % 4 != 0)
    return -1;
  for (size_t i = 0; i < n; i += 4) {
    uint32_t q = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; j++) {
      const char *c = v[i + j] ? strchr(abc, v[i + j]) : NULL;
      if (v[i + j] == '=' && i + 4 == n && j >= 2 && (j == 3 || v[i + 3] == '='))
        pad++;
      else if (!c || pad)
        return -1;
      q = q << 6 | (uint32_t)(c ? c - abc : 0);
    }
    out[o++] = (uint8_t)(q >> 16);
    if (pad < 2)
      out[o++] = (uint8_t)(q >> 8);
    if (pad < 1)
      out[o++] = (uint8_t)q;
  }
  *outn = o;
  return 0;
}

/* One SvcParam's value into w, in wire form (RFC 9460 §7, §8; unknown
 * keys: the octets, §2.1). v is the decoded value (NULL: none given). */
static int value(uint16_t key, const char *name, const uint8_t *v, size_t n,
                 uint8_t *it, buf_t *w, char *err, size_t errlen) {
  size_t pos = 0, itn;
  int r;
  char ks[16];
  if (!v && key != MIMI_SVCB_KEY_NO_DEFAULT_ALPN && key <= MIMI_SVCB_KEY_IPV6HINT)
    return BAD("%s needs a value (RFC 9460 §7, §8)", name);
  switch (key) {
  case MIMI_SVCB_KEY_MANDATORY: {
    size_t first = w->n;
    while ((r = item(v, n, &pos, it, &itn, name, err, errlen)) == 1) {
      uint16_t k;
      if (key_of((const char *)it, itn, &k, err, errlen) != 0)
        return -1;
      /* Ascending, as the wire form requires (§8); a key twice is an error. */
      size_t at = first;
      for (; at < w->n && ((unsigned)w->d[at] << 8 | w->d[at + 1]) < k; at += 2)
        ;
      if (at < w->n && ((unsigned)w->d[at] << 8 | w->d[at + 1]) == k)
        return BAD("mandatory lists %s twice (RFC 9460 §8)", key_str(ks, sizeof ks, k));
      put16(w, k);
      if (!w->oom) {
        memmove(w->d + at + 2, w->d + at, w->n - 2 - at);
        w->d[at] = (uint8_t)(k >> 8);
        w->d[at + 1] = (uint8_t)k;
      }
    }
    return r;
  }
  case MIMI_SVCB_KEY_ALPN:
    while ((r = item(v, n, &pos, it, &itn, name, err, errlen)) == 1) {
      uint8_t l = (uint8_t)itn;
      if (itn > 255)
        return BAD("alpn: an id of %zu octets, above 255 (RFC 9460 §7.1.1)", itn);
      put(w, &l, 1);
      put(w, it, itn);
    }
    return r;
  case MIMI_SVCB_KEY_NO_DEFAULT_ALPN:
    if (v && n)
      return BAD("no-default-alpn takes no value (RFC 9460 §7.1.1)");
    return 0;
  case MIMI_SVCB_KEY_PORT: {
    unsigned long p = 0;
    if (n == 0 || n > 5)
      return BAD("port: '%.*s' is not a number 0-65535 (RFC 9460 §7.2)",
                 (int)(n > 20 ? 20 : n), (const char *)v);
    for (size_t i = 0; i < n; i++) {
      if (v[i] < '0' || v[i] > '9')
        return BAD("port: '%.*s' is not a number 0-65535 (RFC 9460 §7.2)", (int)n,
                   (const char *)v);
      p = p * 10 + (unsigned long)(v[i] - '0');
    }
    if (p > 65535)
      return BAD("port: %lu is above 65535 (RFC 9460 §7.2)", p);
    put16(w, (unsigned)p);
    return 0;
  }
  case MIMI_SVCB_KEY_IPV4HINT:
  case MIMI_SVCB_KEY_IPV6HINT: {
    int v6 = key == MIMI_SVCB_KEY_IPV6HINT;
    while ((r = item(v, n, &pos, it, &itn, name, err, errlen)) == 1) {
      uint8_t a[16];
      char s[64];
      if (itn >= sizeof s)
        itn = sizeof s - 1; /* too long for an address: refused below */
      memcpy(s, it, itn);
      s[itn] = '\0';
      if (strlen(s) != itn || inet_pton(v6 ? AF_INET6 : AF_INET, s, a) != 1)
        return BAD("%s: '%s' is not an IPv%d address (RFC 9460 §7.3)", name, s,
                   v6 ? 6 : 4);
      put(w, a, v6 ? 16 : 4);
    }
    return r;
  }
  case MIMI_SVCB_KEY_ECH: {
    size_t got;
    if (base64(v, n, it, &got) != 0)
      return BAD("ech: the value is not base64 (RFC 4648 §4)");
    put(w, it, got);
    return 0;
  }
  default:
    if (v)
      put(w, v, n);
    return 0;
  }
}

typedef struct {
  uint16_t key;
  size_t off, len; /* of the value in the values buffer */
} param_t;

static int by_key(const void *a, const void *b) {
  const param_t *x = a, *y = b;
  return (x->key > y->key) - (x->key < y->key);
}

zc_svcb_text_t zc_svcb_text(const char *text, size_t len, char **head,
                            uint8_t **params, size_t *plen, char *err, size_t errlen) {
  buf_t h = {0}, vals = {0}, out = {0};
  param_t *ps = NULL;
  size_t nps = 0, capps = 0, pos = 0, n;
  uint8_t *dec = NULL, *it = NULL;
  const char *f;
  zc_svcb_text_t rc = ZC_SVCB_NOT;
  int r, fields = 0;

  *head = NULL;
  *params = NULL;
  *plen = 0;
  if (len == 0)
    return ZC_SVCB_NOT;
  /* The head: owner (when the text does not start with a blank), at most
   * a TTL and a class, the type, the priority and the target. */
  if (blank(text[0]))
    put(&h, " ", 1);
  else if ((r = field(text, len, &pos, &f, &n)) == 1)
    put(&h, f, n);
  else
    goto done;
  for (;;) {
    if ((r = field(text, len, &pos, &f, &n)) != 1)
      goto done;
    put(&h, " ", 1);
    put(&h, f, n);
    if (is_svcb_type(f, n))
      break;
    if (++fields > 2 || !((f[0] >= '0' && f[0] <= '9') || is_class(f, n)))
      goto done; /* another type */
  }
  for (int i = 0; i < 2; i++) {
    if ((r = field(text, len, &pos, &f, &n)) != 1 || (i == 0 && n == 2 && memcmp(f, "\\#", 2) == 0))
      goto done; /* RFC 3597 form, or no target: ldns's to judge */
    put(&h, " ", 1);
    put(&h, f, n);
  }
  put(&h, "", 1);
  if (!(dec = malloc(len)) || !(it = malloc(len)))
    goto oom;
  rc = ZC_SVCB_BAD;
  while ((r = field(text, len, &pos, &f, &n)) == 1) {
    const char *eq = memchr(f, '=', n);
    size_t kn = eq ? (size_t)(eq - f) : n, dn = 0;
    char name[16];
    uint16_t key;
    if (key_of(f, kn, &key, err, errlen) != 0 ||
        (eq && charstring(eq + 1, n - kn - 1, dec, &dn, key_str(name, sizeof name, key),
                          err, errlen) != 0))
      goto done;
    key_str(name, sizeof name, key);
    if (nps == capps) {
      size_t cap = capps ? capps * 2 : 8;
      param_t *np = realloc(ps, cap * sizeof *ps);
      if (!np)
        goto oom;
      ps = np;
      capps = cap;
    }
    ps[nps].key = key;
    ps[nps].off = vals.n;
    if (value(key, name, eq ? dec : NULL, dn, it, &vals, err, errlen) != 0)
      goto done;
    ps[nps].len = vals.n - ps[nps].off;
    nps++;
    if (vals.oom)
      goto oom;
  }
  if (r < 0) {
    snprintf(err, errlen, "a quoted value is not closed (RFC 9460 Appendix A)");
    goto done;
  }
  if (nps > 1)
    qsort(ps, nps, sizeof *ps, by_key);
  for (size_t i = 0; i < nps; i++) {
    char name[16];
    if (i > 0 && ps[i].key == ps[i - 1].key) {
      snprintf(err, errlen, "SvcParamKey %s appears more than once; each key at most "
               "once (RFC 9460 §2.2)", key_str(name, sizeof name, ps[i].key));
      goto done;
    }
    if (ps[i].len > 65535) {
      snprintf(err, errlen, "the value of %s is longer than 65535 octets (RFC 9460 "
               "§2.2)", key_str(name, sizeof name, ps[i].key));
      goto done;
    }
    put16(&out, ps[i].key);
    put16(&out, (unsigned)ps[i].len);
    put(&out, vals.d + ps[i].off, ps[i].len);
  }
  if (out.oom)
    goto oom;
  if (out.n > 65535) {
    snprintf(err, errlen, "the SvcParams are longer than 65535 octets (RFC 9460 §2.2)");
    goto done;
  }
  *params = out.d;
  *plen = out.n;
  out.d = NULL;
  rc = ZC_SVCB_OK;
  goto done;
oom:
  rc = ZC_SVCB_OOM;
done:
  if (h.oom)
    rc = ZC_SVCB_OOM;
  if (rc == ZC_SVCB_OK || rc == ZC_SVCB_BAD) {
    *head = (char *)h.d;
    h.d = NULL;
  }
  free(h.d);
  free(vals.d);
  free(out.d);
  free(ps);
  free(dec);
  free(it);
  return rc;
}
