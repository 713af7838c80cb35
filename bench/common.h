/* SPDX-License-Identifier: MIT */
/*
 * Shared by the benchmark programs: the names file, per-lookup latency
 * records, and the one result line bench/bench_resolver.sh reads:
 *
 *   RESULT IMPL PHASE N OK SECONDS LOOKUPS_PER_S P50_MS P99_MS MAXRSS_KB CPU_US
 *
 * OK counts lookups that gave the expected answer; a run with OK < N is
 * reported invalid by bench_resolver.sh. MAXRSS_KB is getrusage() ru_maxrss: the peak
 * of the whole process so far (so the warm phase's includes the cold one).
 * CPU_US is the process's user + system CPU time (all threads, libunbound's
 * worker included) spent in the phase, per lookup, in microseconds.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct {
  char **names;
  size_t n;
} names_t;

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One name a line; returns 0 on failure (message printed). */
static inline int names_load(names_t *nm, const char *path, size_t want) {
  FILE *f = fopen(path, "r");
  char line[1024];
  nm->n = 0;
  nm->names = calloc(want ? want : 1, sizeof *nm->names);
  if (!f || !nm->names) {
    fprintf(stderr, "cannot read %s\n", path);
    if (f)
      fclose(f);
    return 0;
  }
  while (nm->n < want && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0])
      continue;
    if (!(nm->names[nm->n] = strdup(line))) {
      fclose(f);
      fprintf(stderr, "out of memory\n");
      return 0;
    }
    nm->n++;
  }
  fclose(f);
  if (nm->n != want) {
    fprintf(stderr, "%s: %zu names, want %zu\n", path, nm->n, want);
    return 0;
  }
  return 1;
}

static inline void names_free(names_t *nm) {
  for (size_t i = 0; i < nm->n; i++)
    free(nm->names[i]);
  free(nm->names);
}

/* User + system CPU time of the whole process (all threads), in us. */
static inline uint64_t cpu_us(void) {
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  getrusage(RUSAGE_SELF, &ru);
  return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
         (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v (p in 0..100). */
static inline double pct_ms(const uint64_t *v, size_t n, double p) {
  size_t k;
  if (!n)
    return 0;
  k = (size_t)((p / 100.0) * (double)n + 0.999999);
  if (k < 1)
    k = 1;
  if (k > n)
    k = n;
  return (double)v[k - 1] / 1e6;
}

static inline void report(const char *impl, const char *phase, size_t n,
                          size_t ok, uint64_t elapsed_ns, uint64_t *lat,
                          uint64_t cpu0) {
  struct rusage ru;
  double s = (double)elapsed_ns / 1e9;
  memset(&ru, 0, sizeof ru);
  getrusage(RUSAGE_SELF, &ru);
  qsort(lat, n, sizeof *lat, cmp_u64);
  printf("RESULT %s %s %zu %zu %.3f %.0f %.3f %.3f %ld %.1f\n", impl, phase, n,
         ok, s, s > 0 ? (double)n / s : 0.0, pct_ms(lat, n, 50),
         pct_ms(lat, n, 99), ru.ru_maxrss,
         n ? (double)(cpu_us() - cpu0) / (double)n : 0.0);
  fflush(stdout);
}

#endif
