/* SPDX-License-Identifier: MIT */
/*
 * The resolver's API contract against a real server (knotd serving the
 * signed fixtures, see tests/sh/resolver.sh): synchronous and asynchronous
 * lookups, callbacks that fire exactly once, cancel and free from inside
 * callbacks, timeouts, configuration errors.
 *
 * Environment: MIMI_TEST_SERVER (ADDR@PORT of knotd), MIMI_TEST_TA (trust
 * anchor file), MIMI_TEST_DEAD (ADDR@PORT where nothing answers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mimi.h>

static const char *server, *ta, *dead;

static mimi_ctx_t *ctx_for(const char *srv, unsigned timeout_ms) {
  mimi_ctx_t *ctx = NULL;
  char err[MIMI_ERRLEN] = "";
  assert_int_equal(mimi_ctx_new(&ctx), MIMI_OK);
  assert_int_equal(mimi_ctx_add_server(ctx, srv, err, sizeof err), MIMI_OK);
  assert_int_equal(mimi_ctx_add_trust_anchor_file(ctx, ta), MIMI_OK);
  assert_int_equal(mimi_ctx_set_timeout(ctx, timeout_ms), MIMI_OK);
  if (mimi_ctx_start(ctx, err, sizeof err) != MIMI_OK)
    fail_msg("start: %s", err);
  return ctx;
}

/* Run the event loop until pending() is 0 or *stop is set. */
static void run(mimi_ctx_t *ctx, const int *stop) {
  for (int guard = 0; guard < 10000 && !(stop && *stop); guard++) {
    struct pollfd fds[8];
    if (mimi_ctx_pending(ctx) == 0)
      return;
    size_t n = mimi_ctx_pollfds(ctx, fds, 8);
    assert_true(n >= 1 && n <= 8);
    int t = mimi_ctx_timeout(ctx);
    assert_true(t >= -1 && t <= 10000);
    (void)poll(fds, (nfds_t)n, t < 0 ? 1000 : t);
    assert_int_equal(mimi_ctx_process(ctx), MIMI_OK);
  }
}

static void test_sync_found(void **state) {
  (void)state;
  mimi_ctx_t *ctx = ctx_for(server, 5000);
  mimi_result_t *r = NULL;
  char err[MIMI_ERRLEN];
  assert_int_equal(mimi_lookup(ctx, "alice@example.com", &r, err, sizeof err), MIMI_OK);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_SECURE);
  assert_int_equal(mimi_result_mapping_count(r), 2);
  assert_string_equal(mimi_record_uri(mimi_result_mapping(r, 0)),
                      "mimi://chat.example.net/u/alice");
  assert_int_equal(mimi_record_preference(mimi_result_mapping(r, 0)), 10);
  assert_string_equal(mimi_record_uri(mimi_result_mapping(r, 1)),
                      "mimi://talk.example.org/u/alice.w");
  assert_int_equal(mimi_result_mapping_dnssec(r, 0), MIMI_DNSSEC_SECURE);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_NONE);
  mimi_result_free(r);
  /* Options are fixed once started. */
  assert_int_equal(mimi_ctx_set_timeout(ctx, 100), MIMI_EBUSY);
  assert_int_equal(mimi_ctx_add_server(ctx, "127.0.0.1", NULL, 0), MIMI_EBUSY);
  /* A bad identifier is an API error, with no result. */
  r = (mimi_result_t *)1;
  assert_int_equal(mimi_lookup(ctx, "+1", &r, err, sizeof err), MIMI_EBADID);
  assert_null(r);
  assert_non_null(strstr(err, "needs at least 2"));
  mimi_ctx_free(ctx);
}

typedef struct {
  int calls;
  mimi_status_t st;
  mimi_outcome_t outcome;
  mimi_failure_t failure;
  /* actions from inside the callback */
  mimi_query_t *cancel_other;
  mimi_ctx_t *free_ctx;
  int *order;
  int id;
  int *next_slot;
} cbdata_t;

static void cb(void *arg, mimi_status_t st, mimi_result_t *r) {
  cbdata_t *d = arg;
  d->calls++;
  d->st = st;
  if (d->order)
    d->order[(*d->next_slot)++] = d->id;
  if (r) {
    d->outcome = mimi_result_outcome(r);
    d->failure = mimi_result_failure(r);
  } else {
    assert_int_not_equal(st, MIMI_OK);
  }
  mimi_result_free(r);
  if (d->cancel_other)
    mimi_cancel(d->cancel_other);
  if (d->free_ctx)
    mimi_ctx_free(d->free_ctx);
}

static void test_async_many(void **state) {
  (void)state;
  enum { N = 60 };
  const char *ids[] = {"alice@example.com", "nobody@example.com",
                       "Alice@example.com", "carol@example.com"};
  const mimi_outcome_t want[] = {MIMI_OUTCOME_FOUND, MIMI_OUTCOME_NOTFOUND,
                                 MIMI_OUTCOME_FOUND, MIMI_OUTCOME_OPTEDOUT};
  cbdata_t d[N];
  mimi_ctx_t *ctx = ctx_for(server, 5000);
  memset(d, 0, sizeof d);
  assert_int_equal(mimi_ctx_timeout(ctx), -1); /* nothing pending */
  for (int i = 0; i < N; i++)
    assert_int_equal(mimi_lookup_async(ctx, ids[i % 4], cb, &d[i], NULL, NULL, 0),
                     MIMI_OK);
  assert_int_equal(mimi_ctx_pending(ctx), N);
  run(ctx, NULL);
  assert_int_equal(mimi_ctx_pending(ctx), 0);
  for (int i = 0; i < N; i++) {
    assert_int_equal(d[i].calls, 1);
    assert_int_equal(d[i].st, MIMI_OK);
    assert_int_equal(d[i].outcome, want[i % 4]);
  }
  mimi_ctx_free(ctx);
}

static void test_cancel(void **state) {
  (void)state;
  cbdata_t a = {0}, b = {0}, c = {0};
  mimi_query_t *qa = NULL, *qb = NULL, *qc = NULL;
  int order[3], slot = 0;
  mimi_ctx_t *ctx = ctx_for(dead, 400);

  a.order = b.order = c.order = order;
  a.next_slot = b.next_slot = c.next_slot = &slot;
  a.id = 1, b.id = 2, c.id = 3;
  assert_int_equal(mimi_lookup_async(ctx, "alice@example.com", cb, &a, &qa, NULL, 0), MIMI_OK);
  (void)poll(NULL, 0, 50); /* a is due 50 ms before b */
  assert_int_equal(mimi_lookup_async(ctx, "bob.example.com", cb, &b, &qb, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_lookup_async(ctx, "+15551234567", cb, &c, &qc, NULL, 0), MIMI_OK);
  /* Cancel from outside: the callback fires before mimi_cancel returns. */
  mimi_cancel(qc);
  assert_int_equal(c.calls, 1);
  assert_int_equal(c.st, MIMI_ECANCELLED);
  /* The first to time out cancels the other from inside its callback. */
  a.cancel_other = qb;
  run(ctx, NULL);
  assert_int_equal(a.calls, 1);
  assert_int_equal(a.st, MIMI_OK);
  assert_int_equal(a.outcome, MIMI_OUTCOME_FAILED);
  assert_int_equal(a.failure, MIMI_FAIL_TIMEOUT);
  assert_int_equal(b.calls, 1);
  assert_int_equal(b.st, MIMI_ECANCELLED);
  assert_int_equal(slot, 3);
  assert_int_equal(order[0], 3);
  assert_int_equal(order[1], 1);
  assert_int_equal(order[2], 2);
  mimi_ctx_free(ctx);
}

static void test_free_inside_callback(void **state) {
  (void)state;
  cbdata_t d[3];
  memset(d, 0, sizeof d);
  mimi_ctx_t *ctx = ctx_for(dead, 300);
  for (int i = 0; i < 3; i++)
    assert_int_equal(mimi_lookup_async(ctx, "alice@example.com", cb, &d[i], NULL, NULL, 0),
                     MIMI_OK);
  /* Whichever times out first frees the context; the others are cancelled.
   * The loop must not touch ctx after it was freed: stop on the flag. */
  int freed = 0;
  for (int i = 0; i < 3; i++)
    d[i].free_ctx = ctx;
  while (!freed) {
    struct pollfd fds[8];
    size_t n = mimi_ctx_pollfds(ctx, fds, 8);
    (void)poll(fds, (nfds_t)n, mimi_ctx_timeout(ctx));
    (void)mimi_ctx_process(ctx);
    freed = d[0].calls + d[1].calls + d[2].calls > 0;
  }
  int ok = 0, cancelled = 0;
  for (int i = 0; i < 3; i++) {
    assert_int_equal(d[i].calls, 1);
    ok += d[i].st == MIMI_OK;
    cancelled += d[i].st == MIMI_ECANCELLED;
  }
  assert_int_equal(ok, 1);
  assert_int_equal(cancelled, 2);
}

static void test_free_with_pending(void **state) {
  (void)state;
  cbdata_t d[2];
  memset(d, 0, sizeof d);
  mimi_ctx_t *ctx = ctx_for(server, 5000);
  assert_int_equal(mimi_lookup_async(ctx, "alice@example.com", cb, &d[0], NULL, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_lookup_async(ctx, "+442079460148", cb, &d[1], NULL, NULL, 0), MIMI_OK);
  mimi_ctx_free(ctx);
  assert_int_equal(d[0].calls, 1);
  assert_int_equal(d[0].st, MIMI_ECANCELLED);
  assert_int_equal(d[1].calls, 1);
  assert_int_equal(d[1].st, MIMI_ECANCELLED);
}

static void test_timeout_outcome(void **state) {
  (void)state;
  mimi_ctx_t *ctx = ctx_for(dead, 250);
  mimi_result_t *r = NULL;
  assert_int_equal(mimi_lookup(ctx, "alice@example.com", &r, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_TIMEOUT);
  assert_string_equal(mimi_result_reason(r), "no answer within 250 ms");
  assert_int_equal(mimi_result_mapping_count(r), 0);
  mimi_result_free(r);
  mimi_ctx_free(ctx);
}

static void test_config_errors(void **state) {
  (void)state;
  mimi_ctx_t *ctx = NULL;
  char err[MIMI_ERRLEN] = "";
  assert_int_equal(mimi_ctx_new(&ctx), MIMI_OK);
  assert_int_equal(mimi_ctx_add_server(ctx, server, err, sizeof err), MIMI_OK);
  assert_int_equal(mimi_ctx_add_trust_anchor(ctx, "example.com. IN DS 1 13 2 zz"), MIMI_OK);
  assert_int_equal(mimi_ctx_start(ctx, err, sizeof err), MIMI_ECONFIG);
  assert_non_null(strstr(err, "trust anchor 1"));
  /* A context that failed to start refuses lookups the same way. */
  assert_int_equal(mimi_lookup_async(ctx, "alice@example.com", cb, NULL, NULL, err,
                                     sizeof err), MIMI_ECONFIG);
  mimi_ctx_free(ctx);

  assert_int_equal(mimi_ctx_new(&ctx), MIMI_OK);
  assert_int_equal(mimi_ctx_add_server(ctx, "192.0.2.1@0", err, sizeof err), MIMI_EINVAL);
  assert_int_equal(mimi_ctx_add_stub(ctx, "exa mple", "127.0.0.1", err, sizeof err),
                   MIMI_EINVAL);
  assert_int_equal(mimi_ctx_set_timeout(ctx, 0), MIMI_EINVAL);
  assert_int_equal(mimi_ctx_set_policy(ctx, (mimi_policy_t)7), MIMI_EINVAL);
  assert_int_equal(mimi_ctx_set_cache_size(ctx, 1000), MIMI_EINVAL);
  assert_int_equal(mimi_ctx_set_enum_apexes(ctx, NULL, 0, err, sizeof err), MIMI_EINVAL);
  mimi_ctx_free(ctx);
  mimi_ctx_free(NULL);
}

int main(void) {
  server = getenv("MIMI_TEST_SERVER");
  ta = getenv("MIMI_TEST_TA");
  dead = getenv("MIMI_TEST_DEAD");
  if (!server || !ta || !dead) {
    fprintf(stderr, "itest_async: set MIMI_TEST_SERVER, MIMI_TEST_TA, MIMI_TEST_DEAD "
                    "(tests/sh/resolver.sh does)\n");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sync_found),
      cmocka_unit_test(test_async_many),
      cmocka_unit_test(test_cancel),
      cmocka_unit_test(test_free_inside_callback),
      cmocka_unit_test(test_free_with_pending),
      cmocka_unit_test(test_timeout_outcome),
      cmocka_unit_test(test_config_errors),
  };
  return cmocka_run_group_tests_name("async", tests, NULL, NULL);
}
