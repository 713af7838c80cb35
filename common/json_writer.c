/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer; see json_writer.h. */
#include <string.h>

#include "json_writer.h"

void json_init(json_t *j, FILE *out) {
  memset(j, 0, sizeof(*j));
  j->out = out;
}

/* Comma before a value or key, unless it directly follows its key. */
static void sep(json_t *j) {
  if (j->after_key) {
    j->after_key = 0;
    return;
  }
  if (j->depth > 0 && j->need_comma[j->depth - 1])
    fputc(',', j->out);
  if (j->depth > 0)
    j->need_comma[j->depth - 1] = 1;
}

static void open(json_t *j, char c) {
  sep(j);
  fputc(c, j->out);
  if (j->depth < JSON_MAX_DEPTH)
    j->need_comma[j->depth] = 0;
  j->depth++;
}

static void close_(json_t *j, char c) {
  if (j->depth > 0)
    j->depth--;
  fputc(c, j->out);
}

void json_begin_object(json_t *j) { open(j, '{'); }
void json_end_object(json_t *j) { close_(j, '}'); }
void json_begin_array(json_t *j) { open(j, '['); }
void json_end_array(json_t *j) { close_(j, ']'); }

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s) {
  unsigned char c = s[0];
  size_t n;
  uint32_t cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0; /* also stops at the terminating NUL */
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

static void write_string(json_t *j, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', j->out);
  while (*p) {
    size_t n;
    if (*p == '"' || *p == '\\') {
      fputc('\\', j->out);
      fputc(*p++, j->out);
    } else if (*p < 0x20 || *p == 0x7f) {
      fprintf(j->out, "\\u%04x", *p++);
    } else if ((n = utf8_len(p)) == 0) {
      fputs("\\ufffd", j->out);
      p++;
    } else {
      fwrite(p, 1, n, j->out);
      p += n;
    }
  }
  fputc('"', j->out);
}

void json_key(json_t *j, const char *key) {
  sep(j);
  write_string(j, key);
  fputc(':', j->out);
  j->after_key = 1;
}

void json_string(json_t *j, const char *s) {
  sep(j);
  if (s)
    write_string(j, s);
  else
    fputs("null", j->out);
}

void json_int(json_t *j, long long v) {
  sep(j);
  fprintf(j->out, "%lld", v);
}

void json_bool(json_t *j, int v) {
  sep(j);
  fputs(v ? "true" : "false", j->out);
}

void json_null(json_t *j) {
  sep(j);
  fputs("null", j->out);
}

void json_kv_string(json_t *j, const char *key, const char *s) {
  json_key(j, key);
  json_string(j, s);
}

void json_kv_int(json_t *j, const char *key, long long v) {
  json_key(j, key);
  json_int(j, v);
}

void json_end_text(json_t *j) {
  fputc('\n', j->out);
  fflush(j->out);
}
