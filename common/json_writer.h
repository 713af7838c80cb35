/* SPDX-License-Identifier: MIT */
/*
 * A minimal streaming JSON writer for the tools' --json output (RFC 8259).
 * Written by hand: the output is small and flat, and no Debian JSON library
 * is among the project's dependencies. Strings are escaped per RFC 8259 §7;
 * invalid UTF-8 is replaced by U+FFFD so the output is always valid JSON.
 */
#ifndef MIMI_JSON_WRITER_H
#define MIMI_JSON_WRITER_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

typedef struct {
  FILE *out;
  int depth;
  int need_comma[JSON_MAX_DEPTH];
  int after_key;
} json_t;

void json_init(json_t *j, FILE *out);
void json_begin_object(json_t *j);
void json_end_object(json_t *j);
void json_begin_array(json_t *j);
void json_end_array(json_t *j);
/* Object member name; the next value call writes its value. */
void json_key(json_t *j, const char *key);
void json_string(json_t *j, const char *s); /* NULL writes null */
void json_int(json_t *j, long long v);
void json_bool(json_t *j, int v);
void json_null(json_t *j);
/* Convenience: key + value. */
void json_kv_string(json_t *j, const char *key, const char *s);
void json_kv_int(json_t *j, const char *key, long long v);
/* End of one JSON text: newline and flush. */
void json_end_text(json_t *j);

#endif
