/* SPDX-License-Identifier: MIT */
/*
 * The provisioning CSV of MIMI-DNS/1 §7 (RFC 4180 fields): one record per
 * line, fields separated by ",", a field may be quoted with '"' (a '"'
 * inside doubled); "#" comment lines and blank lines (also of spaces and
 * tabs only) are skipped, and so is a UTF-8 byte-order mark at the start of
 * the file. A quoted field cannot span lines, so every error has one line
 * number: a quote left open is reported once, at the line it starts on,
 * and the lines that close it (if a few do) are taken as part of the error.
 */
#ifndef MIMI_ZG_CSV_H
#define MIMI_ZG_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
  FILE *f;
  int own;            /* close f at the end */
  long line;          /* line number of the current record */
  char *buf;          /* the current line */
  size_t cap;
  char **fields;      /* point into fbuf */
  size_t nfields, capf;
  char *fbuf;         /* unquoted field text */
  size_t fcap;
  /* Lines read ahead to find the end of an open quote, and given back
   * when none closes it (oldest first). */
  struct csv_ahead { char *text; size_t len; long line; } *ahead;
  size_t nahead, headpos;
  long phys;          /* physical lines read from f */
} csv_t;

/* Open a file, or standard input for "-". 0, or -1 with errno. */
int csv_open(csv_t *c, const char *path);
void csv_close(csv_t *c);
/* Next record: 1 (fields set), 0 at the end, -1 on a malformed line or a
 * read error (err says what; c->line is the line). */
int csv_next(csv_t *c, char *err, size_t errlen);

#endif
