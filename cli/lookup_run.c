/* SPDX-License-Identifier: MIT */
/*
 * mimi-lookup: resolving identifiers with the asynchronous API, many in
 * flight at once, printing results in input order as they complete.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "exit_codes.h"
#include "lookup_run.h"
#include "output.h"

typedef struct {
  char *input;
  long line;           /* batch file line, or 0 */
  int started, done;
  mimi_result_t *res;
  char err[MIMI_ERRLEN];
  int code;
} item_t;

typedef struct {
  item_t *items;
  size_t n, cap;
  size_t inflight;
} run_t;

static int add_item(run_t *r, const char *s, long line) {
  if (r->n == r->cap) {
    size_t nc = r->cap ? r->cap * 2 : 64;
    item_t *ni = realloc(r->items, nc * sizeof *ni);
    if (!ni)
      return 0;
    r->items = ni;
    r->cap = nc;
  }
  item_t *it = &r->items[r->n];
  memset(it, 0, sizeof *it);
  if (!(it->input = strdup(s)))
    return 0;
  it->line = line;
  r->n++;
  return 1;
}

static void on_result(void *arg, mimi_status_t st, mimi_result_t *res) {
  item_t *it = arg;
  it->done = 1;
  it->res = res;
  if (st != MIMI_OK) {
    snprintf(it->err, sizeof it->err, "%s", mimi_strerror(st));
    it->code = EXIT_LOCAL;
  } else {
    it->code = output_exit_code(res);
  }
}

static void print_item(const item_t *it, const run_opts_t *o, const char *src) {
  if (!it->res) {
    char show[96]; /* the input may be long, or hide characters */
    mimi_printable(show, sizeof show, it->input);
    if (it->line)
      fprintf(stderr, "%s:%ld: %s: %s\n", src, it->line, show, it->err);
    else
      fprintf(stderr, "mimi-lookup: %s: %s\n", show, it->err);
    if (o->json)
      output_json_error(stdout, it->input, it->err);
    return;
  }
  if (o->hint_ta && mimi_result_failure(it->res) == MIMI_FAIL_BOGUS) {
    /* The usual cause with a local test server: its zones are not signed
     * from the root, whose anchor is the default. Said once. */
    static int said;
    if (!said++)
      fputs("mimi-lookup: hint: the server is on this machine and no --trust-anchor was "
            "given; a zone it serves validates only from its own DS or DNSKEY: give it "
            "with --trust-anchor FILE\n", stderr);
  }
  if (o->json) {
    output_json(stdout, it->res, o->trace);
  } else {
    output_text(stdout, it->res, o->short_mode && o->several ? 2 : o->short_mode);
    if (o->trace)
      output_trace(stdout, it->res);
  }
}

static long long ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (long long)(t1.tv_sec - t0->tv_sec) * 1000 +
         (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int lookup_run(mimi_ctx_t *ctx, char **ids, int n, const run_opts_t *o) {
  run_t r = {NULL, 0, 0, 0};
  size_t next_start = 0, next_print = 0;
  size_t counts[5] = {0}, queries = 0;
  int code = EXIT_FOUND, fatal = 0;
  struct timespec t0;
  const char *src = o->batch && strcmp(o->batch, "-") != 0 ? o->batch : "stdin";

  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n; i++)
    if (!add_item(&r, ids[i], 0)) {
      fputs("mimi-lookup: out of memory\n", stderr);
      return EXIT_LOCAL;
    }
  batch_t bf = {0};
  int read_ok = !o->batch || batch_read(&bf, o->batch);
  for (int i = 0; read_ok && i < bf.n; i++)
    if (!add_item(&r, bf.ids[i], bf.lines[i])) {
      fputs("mimi-lookup: out of memory\n", stderr);
      read_ok = 0;
    }
  batch_free(&bf);
  if (!read_ok) {
    code = EXIT_LOCAL;
    goto done;
  }
  run_opts_t local = *o;
  local.several = r.n > 1;
  o = &local;

  while (next_print < r.n) {
    while (next_start < r.n && r.inflight < o->in_flight) {
      item_t *it = &r.items[next_start++];
      mimi_status_t st = mimi_lookup_async(ctx, it->input, on_result, it, NULL,
                                           it->err, sizeof it->err);
      it->started = 1;
      if (st == MIMI_OK) {
        r.inflight++;
        continue;
      }
      it->done = 1;
      /* Not a valid identifier (ETOOLONG: its names would not fit the
       * DNS): a usage error, as --explain and the JSON "exit" say. */
      it->code = st == MIMI_EBADID || st == MIMI_ETOOLONG ? EXIT_USAGE : EXIT_LOCAL;
      if (st == MIMI_ECONFIG) {
        fprintf(stderr, "mimi-lookup: configuration: %s\n", it->err);
        fatal = 1;
        code = EXIT_LOCAL;
        goto done;
      }
    }
    /* Print the completed prefix, in input order. */
    while (next_print < r.n && r.items[next_print].done) {
      item_t *it = &r.items[next_print++];
      print_item(it, o, src);
      if (it->res) {
        r.inflight--;
        counts[mimi_result_outcome(it->res)]++;
        /* The plan's queries sent: not what the answer cache gave, nor
         * the keys the validator was given ahead. */
        for (size_t k = 0; k < mimi_result_trace_count(it->res); k++)
          queries += mimi_result_trace_kind(it->res, k) == MIMI_TRACE_SENT;
      } else {
        counts[4]++;
      }
      code = (r.n == 1) ? it->code : output_worse(code, it->code);
      mimi_result_free(it->res);
      it->res = NULL;
    }
    if (next_print >= r.n)
      break;
    if (r.inflight) {
      struct pollfd fds[8];
      size_t nf = mimi_ctx_pollfds(ctx, fds, 8);
      (void)poll(fds, nf > 8 ? 8 : (nfds_t)nf, mimi_ctx_timeout(ctx));
      (void)mimi_ctx_process(ctx);
    }
  }
  fflush(stdout);
  if (o->stats)
    fprintf(stderr,
            ";; %zu lookups: %zu found, %zu not found, %zu opted out, "
            "%zu failed, %zu invalid; %zu queries; %lld ms\n",
            r.n, counts[MIMI_OUTCOME_FOUND], counts[MIMI_OUTCOME_NOTFOUND],
            counts[MIMI_OUTCOME_OPTEDOUT], counts[MIMI_OUTCOME_FAILED],
            counts[4], queries, ms_since(&t0));
done:
  (void)fatal;
  /* Before the items go: pending callbacks fire (cancelled) into them. */
  mimi_ctx_free(ctx);
  for (size_t i = 0; i < r.n; i++) {
    free(r.items[i].input);
    mimi_result_free(r.items[i].res);
  }
  free(r.items);
  /* Several lookups: not found is not an error (mimi-lookup(1)). */
  if (r.n > 1 && code == EXIT_NOTFOUND)
    code = EXIT_FOUND;
  return code;
}
