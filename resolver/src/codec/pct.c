/* SPDX-License-Identifier: MIT */
/* Percent-encoding of URI path segments (RFC 3986 §2.1, §2.3). */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = mimi__ascii_lower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

mimi_status_t mimi__pct_decode(const char *s, size_t len, int allow_utf8,
                               char **out, char *err, size_t errlen) {
  char show[MIMI_SHOWLEN];
  char *d = malloc(len + 1);
  size_t o = 0;

  *out = NULL;
  if (!d)
    return MIMI_ENOMEM;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%') {
      if (i + 2 >= len) {
        mimi__seterr(err, errlen, "incomplete percent-escape at the end of '%s'",
                     mimi__show(show, sizeof show, s, len));
        goto bad;
      }
      int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
      if (h < 0 || l < 0) {
        mimi__seterr(err, errlen, "bad percent-escape '%s'",
                     mimi__show(show, sizeof show, s + i, 3));
        goto bad;
      }
      if (h == 0 && l == 0) {
        mimi__seterr(err, errlen, "percent-escape %%00 (NUL) is not allowed");
        goto bad;
      }
      d[o++] = (char)(h * 16 + l);
      i += 2;
    } else if (c >= 0x80 ? allow_utf8 : (c > 0x20 && c < 0x7f && c != '/')) {
      d[o++] = (char)c;
    } else {
      char one[8];
      mimi__seterr(err, errlen, "'%s' must be percent-encoded in '%s'",
                   mimi__show(one, sizeof one, s + i, 1),
                   mimi__show(show, sizeof show, s, len));
      goto bad;
    }
  }
  d[o] = '\0';
  if (!mimi__utf8_valid(d, o)) {
    mimi__seterr(err, errlen, "'%s' does not decode to valid UTF-8",
                 mimi__show(show, sizeof show, s, len));
    goto bad;
  }
  *out = d;
  return MIMI_OK;
bad:
  free(d);
  return MIMI_EBADID;
}

void mimi__pct_encode(mimi_buf_t *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (is_unreserved(c)) {
      mimi__buf_addc(b, (char)c);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      mimi__buf_add(b, e, 3);
    }
  }
}
