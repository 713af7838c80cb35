/* SPDX-License-Identifier: MIT */
/*
 * Presentation of RRs from their wire form, for the signer: it keeps only
 * the wire data of the rows in memory (the sort key) and makes each line
 * when it writes it. RFC 1035 §5.1 escapes; RFC 4034 §2.2, §3.2, §4.2 and
 * RFC 5155 §3.3, §4.3 for the DNSSEC types; RFC 3597 §5 for the others.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "base32hex.h"
#include "sign.h"
#include "wire_endian.h"

int zg_buf_reserve(zg_buf_t *b, size_t more) {
  if (b->oom)
    return -1;
  if (b->n + more <= b->cap)
    return 0;
  size_t nc = b->cap ? b->cap : 4096;
  while (nc < b->n + more)
    nc *= 2;
  char *np = realloc(b->p, nc);
  if (!np) {
    b->oom = 1;
    return -1;
  }
  b->p = np;
  b->cap = nc;
  return 0;
}

void zg_buf_put(zg_buf_t *b, const void *p, size_t n) {
  if (zg_buf_reserve(b, n) != 0)
    return;
  memcpy(b->p + b->n, p, n);
  b->n += n;
}

void zg_buf_puts(zg_buf_t *b, const char *s) { zg_buf_put(b, s, strlen(s)); }

void zg_buf_printf(zg_buf_t *b, const char *fmt, ...) {
  va_list ap;
  int n;
  if (zg_buf_reserve(b, 64) != 0)
    return;
  va_start(ap, fmt);
  n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if ((size_t)n >= b->cap - b->n) {
    if (zg_buf_reserve(b, (size_t)n + 1) != 0)
      return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
  }
  b->n += (size_t)n;
}

void zg_buf_u32(zg_buf_t *b, uint32_t v) {
  /* printf's generality costs more than the rest of a line. */
  char d[10];
  int n = 0;
  do {
    d[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (zg_buf_reserve(b, (size_t)n) != 0)
    return;
  while (n)
    b->p[b->n++] = d[--n];
}

/* One label octet in a name (RFC 1035 §5.1: special characters quoted),
 * into space the caller reserved (4 octets). */
static void name_octet(zg_buf_t *b, uint8_t c) {
  if (c < 0x21 || c > 0x7e) {
    b->p[b->n++] = '\\';
    b->p[b->n++] = (char)('0' + c / 100);
    b->p[b->n++] = (char)('0' + c / 10 % 10);
    b->p[b->n++] = (char)('0' + c % 10);
    return;
  }
  switch (c) {
  case '.': case '\\': case '"': case '(': case ')': case '@': case ';': case '$':
    b->p[b->n++] = '\\';
    break;
  default:
    break;
  }
  b->p[b->n++] = (char)c;
}

void zg_txt_name(zg_buf_t *b, const uint8_t *w, size_t len, size_t *used) {
  size_t i = 0;
  if (len == 0 || w[0] == 0) {
    zg_buf_put(b, ".", 1);
    *used = len ? 1 : 0;
    return;
  }
  while (i < len && w[i] != 0) {
    size_t l = w[i];
    if (l > 63 || i + 1 + l >= len) { /* malformed: stop at what is there */
      *used = len;
      return;
    }
    if (zg_buf_reserve(b, 4 * l + 1) != 0)
      return;
    for (size_t j = 0; j < l; j++)
      name_octet(b, w[i + 1 + j]);
    b->p[b->n++] = '.';
    i += 1 + l;
  }
  *used = i + 1;
}

void zg_txt_owner_key(zg_buf_t *b, const uint8_t *key, size_t klen) {
  uint8_t w[256];
  size_t n = zg_key_to_wire(key, klen, w), used;
  zg_txt_name(b, w, n, &used);
}

size_t zg_key_to_wire(const uint8_t *key, size_t klen, uint8_t *out) {
  /* The key lists labels root-first, each ended by 0x00; the wire form
   * lists them leaf-first, each preceded by its length. */
  size_t o = 0, end = klen;
  if (klen == 0 || klen > 255) {
    out[0] = 0;
    return klen == 0 ? 1 : 0;
  }
  while (end > 0) {
    size_t start = end - 1; /* end - 1 is the 0x00 after the label */
    while (start > 0 && key[start - 1] != 0)
      start--;
    size_t l = end - 1 - start;
    if (o + 1 + l + 1 > 255)
      return 0;
    out[o++] = (uint8_t)l;
    memcpy(out + o, key + start, l);
    o += l;
    end = start;
  }
  out[o++] = 0;
  return o;
}

static const struct {
  uint16_t t;
  const char *name;
} types[] = {
    {1, "A"},      {2, "NS"},       {5, "CNAME"}, {6, "SOA"},     {12, "PTR"},
    {15, "MX"},    {16, "TXT"},     {28, "AAAA"}, {33, "SRV"},    {35, "NAPTR"},
    {39, "DNAME"}, {43, "DS"},      {46, "RRSIG"}, {47, "NSEC"},  {48, "DNSKEY"},
    {50, "NSEC3"}, {51, "NSEC3PARAM"}, {52, "TLSA"}, {59, "CDS"}, {60, "CDNSKEY"},
    {64, "SVCB"},  {65, "HTTPS"},   {99, "SPF"},  {257, "CAA"},
};

void zg_txt_type(zg_buf_t *b, uint16_t t) {
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if (types[i].t == t) {
      zg_buf_puts(b, types[i].name);
      return;
    }
  }
  zg_buf_printf(b, "TYPE%u", t); /* RFC 3597 §5 */
}

void zg_txt_base64(zg_buf_t *b, const uint8_t *p, size_t n) {
  size_t out = 4 * ((n + 2) / 3);
  if (n > 0x3fffffff || zg_buf_reserve(b, out + 1) != 0)
    return;
  EVP_EncodeBlock((unsigned char *)b->p + b->n, p, (int)n);
  b->n += out;
}

static void hex(zg_buf_t *b, const uint8_t *p, size_t n) {
  static const char d[] = "0123456789ABCDEF";
  if (zg_buf_reserve(b, 2 * n) != 0)
    return;
  for (size_t i = 0; i < n; i++) {
    b->p[b->n++] = d[p[i] >> 4];
    b->p[b->n++] = d[p[i] & 15];
  }
}

/* A character-string (RFC 1035 §3.3) at rd[*i], quoted; -1 if truncated. */
static int cstring(zg_buf_t *b, const uint8_t *rd, size_t len, size_t *i) {
  size_t l;
  if (*i >= len || *i + 1 + (l = rd[*i]) > len)
    return -1;
  if (zg_buf_reserve(b, 4 * l + 2) != 0)
    return 0; /* the caller sees b->oom */
  b->p[b->n++] = '"';
  for (size_t j = 0; j < l; j++) {
    uint8_t c = rd[*i + 1 + j];
    if (c == '"' || c == '\\') {
      b->p[b->n++] = '\\';
      b->p[b->n++] = (char)c;
    } else if (c < 0x20 || c > 0x7e) {
      b->p[b->n++] = '\\';
      b->p[b->n++] = (char)('0' + c / 100);
      b->p[b->n++] = (char)('0' + c / 10 % 10);
      b->p[b->n++] = (char)('0' + c % 10);
    } else {
      b->p[b->n++] = (char)c;
    }
  }
  b->p[b->n++] = '"';
  *i += 1 + l;
  return 0;
}

static void b32hex(zg_buf_t *b, const uint8_t *p, size_t n) {
  char d[BASE32HEX_LEN(255)]; /* n is an 8-bit length (RFC 5155 §3.2) */
  if (n > 255)
    n = 255;
  zg_buf_put(b, d, base32hex_encode(p, n, d));
}

/* Type bit maps (RFC 4034 §4.1.2) as a list of type names. */
static int bitmap(zg_buf_t *b, const uint8_t *p, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (i + 2 > len || p[i + 1] == 0 || p[i + 1] > 32 || i + 2 + p[i + 1] > len)
      return -1;
    unsigned win = p[i], n = p[i + 1];
    for (unsigned j = 0; j < n; j++)
      for (unsigned k = 0; k < 8; k++)
        if (p[i + 2 + j] & (0x80 >> k)) {
          zg_buf_put(b, " ", 1);
          zg_txt_type(b, (uint16_t)(win * 256 + j * 8 + k));
        }
    i += 2 + n;
  }
  return 0;
}


void zg_txt_stamp(zg_buf_t *b, uint32_t t) {
  /* RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC. */
  struct tm tm;
  time_t tt = (time_t)t;
  if (!gmtime_r(&tt, &tm)) {
    zg_buf_printf(b, "%u", t);
    return;
  }
  zg_buf_printf(b, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int rdata(zg_buf_t *b, uint16_t type, const uint8_t *rd, size_t len) {
  size_t i = 0, used;
  switch (type) {
  case ZG_T_TXT:
    if (len == 0)
      return -1;
    while (i < len) {
      if (i && zg_buf_reserve(b, 1) == 0)
        b->p[b->n++] = ' ';
      if (cstring(b, rd, len, &i) != 0)
        return -1;
    }
    return 0;
  case ZG_T_NAPTR: /* RFC 3403 §4.1 */
    if (len < 4)
      return -1;
    zg_buf_printf(b, "%u %u ", wire_get16(rd), wire_get16(rd + 2));
    i = 4;
    for (int s = 0; s < 3; s++) {
      if (cstring(b, rd, len, &i) != 0)
        return -1;
      zg_buf_put(b, " ", 1);
    }
    zg_txt_name(b, rd + i, len - i, &used);
    return i + used == len ? 0 : -1;
  case ZG_T_DNSKEY:
    if (len < 5)
      return -1;
    zg_buf_printf(b, "%u %u %u ", wire_get16(rd), rd[2], rd[3]);
    zg_txt_base64(b, rd + 4, len - 4);
    return 0;
  case ZG_T_NSEC3PARAM: /* RFC 5155 §4.3 */
    if (len < 5 || (size_t)5 + rd[4] != len)
      return -1;
    zg_buf_printf(b, "%u %u %u ", rd[0], rd[1], wire_get16(rd + 2));
    if (rd[4] == 0)
      zg_buf_put(b, "-", 1);
    hex(b, rd + 5, rd[4]);
    return 0;
  case ZG_T_NSEC3: { /* RFC 5155 §3.3 */
    size_t sl, hl;
    if (len < 5 || len < 6 + (sl = rd[4]) || len < 6 + sl + (hl = rd[5 + sl]))
      return -1;
    zg_buf_printf(b, "%u %u %u ", rd[0], rd[1], wire_get16(rd + 2));
    if (sl == 0)
      zg_buf_put(b, "-", 1);
    hex(b, rd + 5, sl);
    zg_buf_put(b, " ", 1);
    b32hex(b, rd + 6 + sl, hl);
    return bitmap(b, rd + 6 + sl + hl, len - 6 - sl - hl);
  }
  case ZG_T_NSEC:
    zg_txt_name(b, rd, len, &used);
    return bitmap(b, rd + used, len - used);
  case ZG_T_RRSIG:
    if (len < 19)
      return -1;
    zg_txt_type(b, wire_get16(rd));
    zg_buf_printf(b, " %u %u %u ", rd[2], rd[3], wire_get32(rd + 4));
    zg_txt_stamp(b, wire_get32(rd + 8));
    zg_buf_put(b, " ", 1);
    zg_txt_stamp(b, wire_get32(rd + 12));
    zg_buf_printf(b, " %u ", wire_get16(rd + 16));
    zg_txt_name(b, rd + 18, len - 18, &used);
    zg_buf_put(b, " ", 1);
    zg_txt_base64(b, rd + 18 + used, len - 18 - used);
    return 0;
  default:
    return -1;
  }
}

void zg_txt_rdata(zg_buf_t *b, uint16_t type, const uint8_t *rd, size_t len) {
  size_t mark = b->n;
  if (rdata(b, type, rd, len) == 0)
    return;
  /* Unknown or malformed: the generic form (RFC 3597 §5). */
  b->n = mark;
  zg_buf_printf(b, "\\# %zu ", len);
  hex(b, rd, len);
}
