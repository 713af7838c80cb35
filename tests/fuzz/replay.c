/* SPDX-License-Identifier: MIT */
/*
 * Corpus replay driver: runs a libFuzzer target's entry point once on every
 * file of the given directories (or files), so that `make test` replays the
 * committed corpora under the sanitizers without needing libFuzzer. Prints
 * one TAP line per corpus, and names each input as a TAP comment before
 * running it, so that a crash report ends with the input that caused it.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_run;

/* Run one input; returns 0, or 1 after printing a "not ok" line. */
static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long len;
  printf("# input %s\n", path);
  fflush(stdout);
  if (!f) {
    printf("not ok %d - %s: cannot open\n", ++n_run, path);
    return 1;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    printf("not ok %d - %s: cannot read\n", ++n_run, path);
    return 1;
  }
  /* Exact-size copy, so the sanitizers catch any read past the input. */
  buf = malloc(len > 0 ? (size_t)len : 1);
  if (!buf || (len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len)) {
    fclose(f);
    free(buf);
    printf("not ok %d - %s: cannot read\n", ++n_run, path);
    return 1;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, (size_t)len);
  free(buf);
  return 0;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path) {
  struct stat st;
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;
  int bad = 0;

  if (stat(path, &st) != 0) {
    printf("not ok %d - %s: no such corpus\n", ++n_run, path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (run_file(path))
      return 1;
    printf("ok %d - %s\n", ++n_run, path);
    return 0;
  }
  if (!(d = opendir(path)))
    return 1;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof(*names));
      if (!nn)
        abort();
      names = nn;
    }
    size_t l = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(l);
    if (!names[n])
      abort();
    snprintf(names[n], l, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof(*names), cmp); /* stable order across runs */
  if (n == 0) {
    printf("not ok %d - %s: empty corpus\n", ++n_run, path);
    bad = 1;
  }
  for (size_t i = 0; i < n; i++) {
    bad |= run_file(names[i]);
    free(names[i]);
  }
  free(names);
  if (!bad)
    printf("ok %d - corpus %s (%zu inputs)\n", ++n_run, path, n);
  return bad;
}

int main(int argc, char **argv) {
  int bad = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++)
    bad |= run_path(argv[i]);
  printf("1..%d\n", n_run);
  return bad;
}
