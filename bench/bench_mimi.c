/* SPDX-License-Identifier: MIT */
/*
 * libmimi under load: N handle lookups, INFLIGHT at a time, through one
 * context; first cold (a fresh context), then warm (the same context again).
 * Endpoints are off: the raw baselines ask only the TXT query, so libmimi
 * asks exactly the same one per handle.
 *
 *   bench_mimi unbound|cares SERVER TA_FILE IDS_FILE N INFLIGHT
 *
 * unbound: policy require (every answer must validate from the trust
 * anchor); cares: policy off (c-ares does not validate).
 */
#include <poll.h>
#include <unistd.h>

#include <mimi.h>

#include "common.h"

typedef struct bench bench_t;

typedef struct {
  bench_t *b;
  size_t i;
} job_t;

struct bench {
  mimi_ctx_t *ctx;
  names_t ids;
  job_t *jobs;
  uint64_t *start, *lat;
  size_t next, done, ok, failed_shown;
  int validating;
  int error;
};

static void start_next(bench_t *b);

static void on_done(void *arg, mimi_status_t status, mimi_result_t *r) {
  job_t *j = arg;
  bench_t *b = j->b;
  b->lat[j->i] = now_ns() - b->start[j->i];
  b->done++;
  if (status == MIMI_OK && mimi_result_outcome(r) == MIMI_OUTCOME_FOUND &&
      mimi_result_mapping_count(r) == 1 &&
      (!b->validating || mimi_result_dnssec(r) == MIMI_DNSSEC_SECURE)) {
    b->ok++;
  } else if (b->failed_shown++ < 3) {
    fprintf(stderr, "bench_mimi: %s: %s %s %s\n", b->ids.names[j->i],
            mimi_strerror(status), r ? mimi_outcome_name(mimi_result_outcome(r)) : "",
            r && mimi_result_reason(r) ? mimi_result_reason(r) : "");
  }
  mimi_result_free(r);
  start_next(b); /* keep INFLIGHT lookups going */
}

static void start_next(bench_t *b) {
  char err[256];
  size_t i;
  if (b->next >= b->ids.n || b->error)
    return;
  i = b->next++;
  b->jobs[i].b = b;
  b->jobs[i].i = i;
  b->start[i] = now_ns();
  if (mimi_lookup_async(b->ctx, b->ids.names[i], on_done, &b->jobs[i], NULL,
                        err, sizeof err) != MIMI_OK) {
    fprintf(stderr, "bench_mimi: %s: %s\n", b->ids.names[i], err);
    b->error = 1;
  }
}

static int run(bench_t *b, const char *impl, const char *phase, size_t inflight) {
  uint64_t t0 = now_ns(), c0 = cpu_us();
  b->next = b->done = b->ok = b->failed_shown = 0;
  for (size_t k = 0; k < inflight; k++)
    start_next(b);
  while (b->done < b->ids.n && !b->error) {
    struct pollfd fds[16];
    size_t nf = mimi_ctx_pollfds(b->ctx, fds, 16);
    (void)poll(fds, nf > 16 ? 16 : (nfds_t)nf, mimi_ctx_timeout(b->ctx));
    (void)mimi_ctx_process(b->ctx);
  }
  if (b->error)
    return 0;
  report(impl, phase, b->ids.n, b->ok, now_ns() - t0, b->lat, c0);
  return 1;
}

int main(int argc, char **argv) {
  bench_t b;
  char err[512];
  size_t n, inflight;
  int cares, rc = 1;
  if (argc != 7) {
    fprintf(stderr, "usage: bench_mimi unbound|cares SERVER TA_FILE IDS_FILE N INFLIGHT\n");
    return 2;
  }
  memset(&b, 0, sizeof b);
  cares = strcmp(argv[1], "cares") == 0;
  b.validating = !cares;
  n = (size_t)strtoul(argv[5], NULL, 10);
  inflight = (size_t)strtoul(argv[6], NULL, 10);
  if (!n || !inflight || !names_load(&b.ids, argv[4], n))
    return 2;
  b.jobs = calloc(n, sizeof *b.jobs);
  b.start = calloc(n, sizeof *b.start);
  b.lat = calloc(n, sizeof *b.lat);
  if (!b.jobs || !b.start || !b.lat)
    goto done;
  printf("# libmimi %s backend: policy %s, endpoints off (the baseline asks only TXT), "
         "%zu lookups, %zu in flight\n", argv[1], cares ? "off" : "require", n, inflight);
  if (mimi_ctx_new(&b.ctx) != MIMI_OK ||
      mimi_ctx_set_backend(b.ctx, cares ? MIMI_BACKEND_CARES : MIMI_BACKEND_UNBOUND) != MIMI_OK ||
      mimi_ctx_add_server(b.ctx, argv[2], err, sizeof err) != MIMI_OK ||
      mimi_ctx_set_policy(b.ctx, cares ? MIMI_POLICY_OFF : MIMI_POLICY_REQUIRE) != MIMI_OK ||
      mimi_ctx_set_endpoints(b.ctx, 0) != MIMI_OK ||
      mimi_ctx_set_timeout(b.ctx, 10000) != MIMI_OK ||
      /* One libunbound worker per CPU (BENCH_WORKERS overrides). */
      mimi_ctx_set_workers(b.ctx, getenv("BENCH_WORKERS")
                                      ? (unsigned)strtoul(getenv("BENCH_WORKERS"), NULL, 10)
                                      : (unsigned)sysconf(_SC_NPROCESSORS_ONLN)) != MIMI_OK ||
      (!cares && mimi_ctx_add_trust_anchor_file(b.ctx, argv[3]) != MIMI_OK)) {
    fprintf(stderr, "bench_mimi: context set-up failed\n");
    goto done;
  }
  if (mimi_ctx_start(b.ctx, err, sizeof err) != MIMI_OK) {
    fprintf(stderr, "bench_mimi: %s\n", err);
    goto done;
  }
  if (!run(&b, cares ? "mimi-cares" : "mimi-unbound", "cold", inflight) ||
      !run(&b, cares ? "mimi-cares" : "mimi-unbound", "warm", inflight))
    goto done;
  rc = 0;
done:
  mimi_ctx_free(b.ctx);
  names_free(&b.ids);
  free(b.jobs);
  free(b.start);
  free(b.lat);
  return rc;
}
