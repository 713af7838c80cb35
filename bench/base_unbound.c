/* SPDX-License-Identifier: MIT */
/*
 * Baseline: raw libunbound with its DEFAULT settings, except what it needs
 * to work here at all: the forwarder (ub_ctx_set_fwd), the trust anchor,
 * thread mode (ub_ctx_async(ctx, 1), as libmimi) and
 * "do-not-query-localhost: no" (the server is on 127.0.0.1). The same
 * hashed TXT names libmimi asks, INFLIGHT at a time with
 * ub_resolve_async(), cold (fresh context) then warm (same context).
 * A lookup counts as OK only with data, rcode NOERROR and "secure".
 *
 *   base_unbound SERVER TA_FILE QNAMES_FILE N INFLIGHT
 */
#include <poll.h>
#include <unbound.h>

#include "common.h"

typedef struct bench bench_t;

typedef struct {
  bench_t *b;
  size_t i;
} job_t;

struct bench {
  struct ub_ctx *ub;
  names_t q;
  job_t *jobs;
  uint64_t *start, *lat;
  size_t next, done, ok, failed_shown;
  int error;
};

static void start_next(bench_t *b);

static void on_done(void *arg, int err, struct ub_result *r) {
  job_t *j = arg;
  bench_t *b = j->b;
  b->lat[j->i] = now_ns() - b->start[j->i];
  b->done++;
  if (err == 0 && r && r->havedata && r->rcode == 0 && r->secure && !r->bogus)
    b->ok++;
  else if (b->failed_shown++ < 3)
    fprintf(stderr, "base_unbound: %s: %s rcode %d secure %d bogus %d %s\n",
            b->q.names[j->i], ub_strerror(err), r ? r->rcode : -1,
            r ? r->secure : -1, r ? r->bogus : -1,
            r && r->why_bogus ? r->why_bogus : "");
  if (r)
    ub_resolve_free(r);
  start_next(b);
}

static void start_next(bench_t *b) {
  size_t i;
  int rc;
  if (b->next >= b->q.n || b->error)
    return;
  i = b->next++;
  b->jobs[i].b = b;
  b->jobs[i].i = i;
  b->start[i] = now_ns();
  /* TXT (16), class IN (1) */
  if ((rc = ub_resolve_async(b->ub, b->q.names[i], 16, 1, &b->jobs[i], on_done,
                             NULL)) != 0) {
    fprintf(stderr, "base_unbound: %s: %s\n", b->q.names[i], ub_strerror(rc));
    b->error = 1;
  }
}

static int run(bench_t *b, const char *phase, size_t inflight) {
  uint64_t t0 = now_ns(), c0 = cpu_us();
  b->next = b->done = b->ok = b->failed_shown = 0;
  for (size_t k = 0; k < inflight; k++)
    start_next(b);
  while (b->done < b->q.n && !b->error) {
    struct pollfd p = {.fd = ub_fd(b->ub), .events = POLLIN};
    (void)poll(&p, 1, 1000);
    if (ub_process(b->ub) != 0) {
      fprintf(stderr, "base_unbound: ub_process failed\n");
      return 0;
    }
  }
  if (b->error)
    return 0;
  report("raw-unbound", phase, b->q.n, b->ok, now_ns() - t0, b->lat, c0);
  return 1;
}

int main(int argc, char **argv) {
  bench_t b;
  size_t n, inflight;
  int rc = 1, e;
  if (argc != 6) {
    fprintf(stderr, "usage: base_unbound SERVER TA_FILE QNAMES_FILE N INFLIGHT\n");
    return 2;
  }
  memset(&b, 0, sizeof b);
  n = (size_t)strtoul(argv[4], NULL, 10);
  inflight = (size_t)strtoul(argv[5], NULL, 10);
  if (!n || !inflight || !names_load(&b.q, argv[3], n))
    return 2;
  b.jobs = calloc(n, sizeof *b.jobs);
  b.start = calloc(n, sizeof *b.start);
  b.lat = calloc(n, sizeof *b.lat);
  if (!b.jobs || !b.start || !b.lat || !(b.ub = ub_ctx_create()))
    goto done;
  printf("# raw libunbound: default settings + forwarder, trust anchor, "
         "thread mode, do-not-query-localhost: no\n");
  if ((e = ub_ctx_set_fwd(b.ub, argv[1])) != 0 ||
      (e = ub_ctx_add_ta_file(b.ub, argv[2])) != 0 ||
      (e = ub_ctx_set_option(b.ub, "do-not-query-localhost:", "no")) != 0 ||
      (e = ub_ctx_async(b.ub, 1)) != 0) {
    fprintf(stderr, "base_unbound: set-up: %s\n", ub_strerror(e));
    goto done;
  }
  if (!run(&b, "cold", inflight) || !run(&b, "warm", inflight))
    goto done;
  rc = 0;
done:
  if (b.ub)
    ub_ctx_delete(b.ub);
  names_free(&b.q);
  free(b.jobs);
  free(b.start);
  free(b.lat);
  return rc;
}
