/* SPDX-License-Identifier: MIT */
/* Small string and buffer helpers used across the codec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "codec/codec.h"

void mimi__seterr(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (!err || errlen == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap); /* bounded; truncation is acceptable */
  va_end(ap);
}

char *mimi__strndup(const char *s, size_t len) {
  char *p = malloc(len + 1);
  if (!p)
    return NULL;
  if (len)
    memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *mimi__strdup(const char *s) { return mimi__strndup(s, strlen(s)); }

int mimi__strncaseeq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (mimi__ascii_lower((unsigned char)a[i]) !=
        mimi__ascii_lower((unsigned char)b[i]))
      return 0;
    if (a[i] == '\0')
      return 1;
  }
  return 1;
}

int mimi__has_prefix_ci(const char *s, const char *prefix) {
  size_t n = strlen(prefix);
  return strlen(s) >= n && mimi__strncaseeq(s, prefix, n);
}

void mimi__buf_init(mimi_buf_t *b) { memset(b, 0, sizeof(*b)); }

void mimi__buf_free(mimi_buf_t *b) {
  free(b->p);
  mimi__buf_init(b);
}

static int buf_reserve(mimi_buf_t *b, size_t extra) {
  size_t need, cap;
  if (b->oom)
    return 0;
  if (extra > SIZE_MAX - b->len - 1)
    goto oom;
  need = b->len + extra + 1;
  if (need <= b->cap)
    return 1;
  cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = realloc(b->p, cap);
  if (!p)
    goto oom;
  b->p = p;
  b->cap = cap;
  return 1;
oom:
  b->oom = 1;
  return 0;
}

void mimi__buf_add(mimi_buf_t *b, const char *s, size_t len) {
  if (!buf_reserve(b, len))
    return;
  if (len)
    memcpy(b->p + b->len, s, len);
  b->len += len;
  b->p[b->len] = '\0';
}

void mimi__buf_adds(mimi_buf_t *b, const char *s) { mimi__buf_add(b, s, strlen(s)); }

void mimi__buf_addc(mimi_buf_t *b, char c) { mimi__buf_add(b, &c, 1); }

void mimi__buf_addf(mimi_buf_t *b, const char *fmt, ...) {
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if (!buf_reserve(b, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *mimi__buf_take(mimi_buf_t *b) {
  char *p;
  if (b->oom) {
    mimi__buf_free(b);
    return NULL;
  }
  if (!b->p)
    mimi__buf_add(b, "", 0);
  if (b->oom) {
    mimi__buf_free(b);
    return NULL;
  }
  p = b->p;
  mimi__buf_init(b);
  return p;
}

int mimi__utf8_valid(const char *s, size_t len) {
  /* libunistring: u8_check returns NULL when the whole string is valid. */
  return u8_check((const uint8_t *)s, len) == NULL;
}

/* Shown escaped: controls, and what is invisible or reorders text. */
static int show_escaped(ucs4_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x00AD ||
         (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
}

const char *mimi__show(char *dst, size_t dstlen, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const uint8_t *u = (const uint8_t *)s;
  size_t o = 0;
  if (!dst || dstlen < 8)
    return "";
  for (size_t i = 0; i < len;) {
    ucs4_t c;
    int n = u8_mbtouc(&c, u + i, len - i);
    int bad = c == 0xFFFD && !(n == 3 && u[i] == 0xEF && u[i + 1] == 0xBF && u[i + 2] == 0xBD);
    /* Valid printable UTF-8 as it is; escapes: \xNN for a byte that is
     * not UTF-8, \u{XXXX} for a control or invisible code point. */
    char esc[16];
    size_t need;
    if (bad || c < 0x20 || c == 0x7F) { /* a byte: \\xNN */
      esc[0] = '\\', esc[1] = 'x', esc[2] = hex[u[i] >> 4], esc[3] = hex[u[i] & 15];
      need = 4, n = 1, bad = 1;
    } else if (show_escaped(c)) {
      need = (size_t)snprintf(esc, sizeof esc, "\\u{%04X}", (unsigned)c);
    } else {
      need = (size_t)n;
    }
    if (o + need + 4 > dstlen) { /* keep room for "..." and NUL */
      memcpy(dst + o, "...", 3);
      o += 3;
      break;
    }
    memcpy(dst + o, bad || show_escaped(c) ? esc : (const char *)u + i, need);
    o += need;
    i += (size_t)n;
  }
  dst[o] = '\0';
  return dst;
}

MIMI_EXPORT const char *mimi_printable(char *dst, size_t dstlen, const char *s) {
  return mimi__show(dst, dstlen, s ? s : "", s ? strlen(s) : 0);
}
