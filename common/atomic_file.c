/* SPDX-License-Identifier: MIT */
/* Atomic file output: temporary file + fsync + rename (see atomic_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

static char *dir_of(const char *path) {
  char *copy = strdup(path), *d, *out;
  if (!copy)
    return NULL;
  d = dirname(copy);
  out = strdup(d);
  free(copy);
  return out;
}

int atomic_open(atomic_file_t *a, const char *path) {
  return atomic_open_mode(a, path, 0644);
}

int atomic_open_mode(atomic_file_t *a, const char *path, mode_t mode) {
  char *dir = dir_of(path);
  size_t n;
  int fd;
  memset(a, 0, sizeof *a);
  if (!dir)
    return -1;
  n = strlen(dir) + 32;
  a->path = strdup(path);
  a->tmp = malloc(n);
  if (!a->path || !a->tmp) {
    free(dir);
    atomic_abort(a);
    errno = ENOMEM;
    return -1;
  }
  snprintf(a->tmp, n, "%s/.mimi-tmp-XXXXXX", dir);
  free(dir);
  if ((fd = mkstemp(a->tmp)) < 0) {
    free(a->tmp);
    a->tmp = NULL;
    atomic_abort(a);
    return -1;
  }
  /* mkstemp made it 0600: a secret is never readable by others, even
   * before the rename. */
  if (mode != 0600 && fchmod(fd, mode) != 0) {
    int e = errno;
    close(fd);
    atomic_abort(a);
    errno = e;
    return -1;
  }
  if (!(a->f = fdopen(fd, "w"))) {
    int e = errno;
    close(fd);
    atomic_abort(a);
    errno = e;
    return -1;
  }
  return 0;
}

int atomic_commit(atomic_file_t *a) {
  char *dir;
  int fd, rc = -1;
  if (!a->f)
    return -1;
  if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0) {
    int e = errno;
    atomic_abort(a);
    errno = e;
    return -1;
  }
  if (fclose(a->f) != 0) {
    a->f = NULL;
    int e = errno;
    atomic_abort(a);
    errno = e;
    return -1;
  }
  a->f = NULL;
  if (rename(a->tmp, a->path) != 0) {
    int e = errno;
    atomic_abort(a);
    errno = e;
    return -1;
  }
  free(a->tmp);
  a->tmp = NULL;
  /* Make the rename durable. */
  if ((dir = dir_of(a->path)) && (fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  free(dir);
  rc = 0;
  free(a->path);
  a->path = NULL;
  return rc;
}

void atomic_abort(atomic_file_t *a) {
  if (a->f) {
    fclose(a->f);
    a->f = NULL;
  }
  if (a->tmp) {
    unlink(a->tmp);
    free(a->tmp);
    a->tmp = NULL;
  }
  free(a->path);
  a->path = NULL;
}
