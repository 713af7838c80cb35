/* SPDX-License-Identifier: MIT */
/*
 * Atomic file output (the zone tools): write to a temporary file in the
 * target's directory, fsync, then rename over the target. A reader sees the
 * old file or the new one, never a part; a failure leaves the old file.
 */
#ifndef MIMI_ATOMIC_FILE_H
#define MIMI_ATOMIC_FILE_H

#include <stdio.h>
#include <sys/types.h>

typedef struct {
  char *path; /* target */
  char *tmp;  /* temporary, same directory */
  FILE *f;
} atomic_file_t;

/* Open a temporary file next to path (mode 0644). Returns 0, or -1 with
 * errno set. */
int atomic_open(atomic_file_t *a, const char *path);
/* The same with another mode (0600 for private keys). */
int atomic_open_mode(atomic_file_t *a, const char *path, mode_t mode);
/* Flush, fsync, rename over the target, fsync the directory. 0 or -1. */
int atomic_commit(atomic_file_t *a);
/* Remove the temporary file (safe after commit, and more than once). */
void atomic_abort(atomic_file_t *a);

#endif
