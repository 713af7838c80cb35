/*
 * The provisioning CSV of MIMI-DNS/1 §7 (RFC 4180 fields): one record per
 * line, fields separated by ",", a field may be quoted with '"' (a '"'
 * inside doubled); "#" comment lines and blank lines are skipped. A quoted
 * field cannot span lines, so every error has one line number.
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
} csv_t;

/* Open a file, or standard input for "-". 0, or -1 with errno. */
int csv_open(csv_t *c, const char *path);
void csv_close(csv_t *c);
/* Next record: 1 (fields set), 0 at the end, -1 on a malformed line or a
 * read error (err says what; c->line is the line). */
int csv_next(csv_t *c, char *err, size_t errlen);

#endif
