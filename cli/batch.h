/* SPDX-License-Identifier: MIT */
/* mimi-lookup: reading identifiers from a --batch file. */
#ifndef MIMI_CLI_BATCH_H
#define MIMI_CLI_BATCH_H

typedef struct {
  char **ids;  /* owned */
  long *lines; /* the line of each, in the file */
  int n, cap;
} batch_t;

/* Append the identifiers of path ("-": standard input): one per line;
 * blank lines and "#" comments skipped, blanks around each trimmed, a UTF-8
 * byte-order mark at the start ignored. 0 after printing why on stderr. */
int batch_read(batch_t *b, const char *path);
/* Append one identifier (line 0: from the command line); 0 when out of memory. */
int batch_add(batch_t *b, const char *id, long line);
void batch_free(batch_t *b);

#endif
