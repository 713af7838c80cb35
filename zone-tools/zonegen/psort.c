/* SPDX-License-Identifier: MIT */
/*
 * Sorting on several threads: equal parts sorted in parallel (qsort),
 * then merged pairwise. Used for the record table and the NSEC3 hashes,
 * which a large zone's signing would otherwise sort on one CPU while the
 * others wait. Needs a second array as large as the first; without the
 * memory it sorts on one thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "zonegen.h"

#define MAX_PARTS 64
#define MIN_PARALLEL 4096 /* below, threads cost more than they save */

typedef struct {
  char *base;
  size_t n, size;
  int (*cmp)(const void *, const void *);
} part_t;

static void *sort_part(void *arg) {
  part_t *p = arg;
  qsort(p->base, p->n, p->size, p->cmp);
  return NULL;
}

/* Merge the sorted runs a (na) and b (nb) into out. */
static void merge(char *out, const char *a, size_t na, const char *b, size_t nb, size_t size,
                  int (*cmp)(const void *, const void *)) {
  while (na && nb) {
    if (cmp(a, b) <= 0) {
      memcpy(out, a, size);
      a += size;
      na--;
    } else {
      memcpy(out, b, size);
      b += size;
      nb--;
    }
    out += size;
  }
  memcpy(out, na ? a : b, (na ? na : nb) * size);
}

void zg_psort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
              unsigned threads) {
  part_t parts[MAX_PARTS];
  pthread_t tid[MAX_PARTS];
  int started[MAX_PARTS];
  size_t bound[MAX_PARTS + 1], k = threads < MAX_PARTS ? threads : MAX_PARTS;
  char *tmp, *src = base, *dst;
  if (k < 2 || n < MIN_PARALLEL || !(tmp = zg_big_alloc(n * size))) {
    if (n > 1)
      qsort(base, n, size, cmp);
    return;
  }
  for (size_t i = 0; i <= k; i++)
    bound[i] = n * i / k;
  for (size_t i = 0; i < k; i++) {
    parts[i] = (part_t){src + bound[i] * size, bound[i + 1] - bound[i], size, cmp};
    /* Part 0 here; a part whose thread does not start, here too. */
    started[i] = i > 0 && pthread_create(&tid[i], NULL, sort_part, &parts[i]) == 0;
  }
  for (size_t i = 0; i < k; i++)
    if (!started[i])
      sort_part(&parts[i]);
  for (size_t i = 0; i < k; i++)
    if (started[i])
      pthread_join(tid[i], NULL);
  /* log2(k) passes, each merging neighbouring runs into the other array. */
  dst = tmp;
  for (size_t runs = k; runs > 1;) {
    size_t out = 0;
    for (size_t r = 0; r < runs; r += 2) {
      size_t a = bound[r], m = bound[r + 1], e = r + 2 <= runs ? bound[r + 2] : m;
      merge(dst + a * size, src + a * size, m - a, src + m * size, e - m, size, cmp);
      bound[out++] = a;
    }
    bound[out] = n;
    runs = out;
    char *x = src;
    src = dst;
    dst = x;
  }
  if (src != base)
    memcpy(base, src, n * size);
  free(tmp);
}
