/* SPDX-License-Identifier: MIT */
/*
 * The lookup engine through the public API, against the scripted backend
 * (tests/lib/mock_backend.c): the plan walked (SVCB, HTTPS and A/AAAA
 * fallbacks, case retry, ENUM TXT → NAPTR → next apex), the policy gate
 * (MIMI-DNS/1 §6), timeouts, cancellation, a context freed from a
 * callback, loops, and every cap at its limit and one past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <poll.h>

#include <cmocka.h>

#include "../lib/mock_backend.h"
#include <mimi_resolver.h>

/* MIMI-DNS/1 §2 test vectors. */
#define ALICE_LOWER "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com."
#define ALICE_UPPER "3bc51062973c458d5a6f2d8d64a023246354ad7e064b1e4e009ec8a0._mimi.example.com."
#define DOMAIN_ID "alice.example.org"
#define DOMAIN_TXT "_mimi.alice.example.org."
#define PHONE "+15551234567"
#define ENUM1 "7.6.5.4.3.2.1.5.5.5.1.e164.arpa."
#define ENUM2 "7.6.5.4.3.2.1.5.5.5.1.e164.example."
#define PROV "chat.example.net"
#define PROV_SVCB "_mimi.chat.example.net."

/* The whole list runs twice: with the plan's steps sent one after the
 * other (the order and count of queries asserted exactly), and sent ahead
 * (mimi_ctx_set_parallel), where every result must be the same. */
static int g_parallel;
#define SEQUENTIAL (!g_parallel)

/* What a lookup's callback saw. */
typedef struct {
  int calls;
  mimi_status_t st;
  mimi_result_t *res;
  mimi_ctx_t *free_ctx; /* freed from inside the callback when set */
  mimi_query_t *cancel; /* cancelled from inside the callback when set */
  size_t sent_at_end;   /* queries the backend had seen when it fired */
  mock_t *m;
} seen_t;

static void on_done(void *arg, mimi_status_t st, mimi_result_t *res) {
  seen_t *s = arg;
  s->calls++;
  s->st = st;
  s->res = res;
  s->sent_at_end = s->m ? s->m->nlog : 0;
  if (s->cancel)
    mimi_cancel(s->cancel);
  if (s->free_ctx)
    mimi_ctx_free(s->free_ctx);
}

static mimi_ctx_t *ctx_new(mock_t *m, mimi_policy_t policy) {
  mimi_ctx_t *ctx = NULL;
  assert_int_equal(mimi_ctx_new(&ctx), MIMI_OK);
  assert_int_equal(mimi_ctx_set_policy(ctx, policy), MIMI_OK);
  assert_int_equal(mimi_ctx_set_trace(ctx, 1), MIMI_OK);
  assert_int_equal(mimi_ctx_set_timeout(ctx, 2000), MIMI_OK);
  assert_int_equal(mimi_ctx_set_parallel(ctx, g_parallel), MIMI_OK);
  mock_use(m, ctx);
  return ctx;
}

/* Run the loop until the callback fired (or give up after 3 s), then a few
 * rounds more: the callback fires once, nothing is sent after the end. */
static void loop_until(mimi_ctx_t *ctx, seen_t *s) {
  int64_t end = mimi__now_ms() + 3000;
  while (!s->calls && mimi__now_ms() < end) {
    int t = mimi_ctx_timeout(ctx);
    (void)poll(NULL, 0, t < 0 || t > 50 ? 50 : t);
    assert_int_equal(mimi_ctx_process(ctx), MIMI_OK);
  }
  assert_int_equal(s->calls, 1);
  if (s->free_ctx)
    return;
  for (int i = 0; i < 3; i++)
    assert_int_equal(mimi_ctx_process(ctx), MIMI_OK);
  assert_int_equal(s->calls, 1);
  assert_int_equal(s->m->bad_cancels, 0);
  if (mimi_ctx_pending(ctx))
    return; /* other lookups go on */
  assert_int_equal(s->m->nlog, s->sent_at_end);
  assert_int_equal(mock_in_flight(s->m), 0);
}

/* One asynchronous lookup, to its end; the result (status MIMI_OK). */
static mimi_result_t *lookup(mimi_ctx_t *ctx, mock_t *m, const char *id) {
  seen_t s = {.m = m};
  char err[256] = "";
  assert_int_equal(mimi_lookup_async(ctx, id, on_done, &s, NULL, err, sizeof err),
                   MIMI_OK);
  /* Nothing fires from inside the call that asked. */
  assert_int_equal(s.calls, 0);
  loop_until(ctx, &s);
  assert_int_equal(s.st, MIMI_OK);
  assert_non_null(s.res);
  return s.res;
}

static void done(mimi_ctx_t *ctx, mock_t *m, mimi_result_t *r) {
  mimi_result_free(r);
  mimi_ctx_free(ctx);
  assert_int_equal(m->stopped, 1);
  assert_int_equal(mock_after_stop(m), 0);
  mock_free(m);
}

static int has_warning(const mimi_result_t *r, const char *frag) {
  for (size_t i = 0; i < mimi_result_warning_count(r); i++)
    if (strstr(mimi_result_warning(r, i), frag))
      return 1;
  return 0;
}

/* Index in the trace of the first query for name/type, or -1. */
static long trace_find(const mimi_result_t *r, const char *name, uint16_t qtype) {
  for (size_t i = 0; i < mimi_result_trace_count(r); i++) {
    const char *n = NULL;
    uint16_t t = 0;
    assert_int_equal(mimi_result_trace(r, i, &n, &t, NULL, NULL, NULL), MIMI_OK);
    if (t == qtype && strcasecmp(n, name) == 0)
      return (long)i;
  }
  return -1;
}

static void assert_label(const mimi_result_t *r, const char *name, uint16_t qtype,
                         mimi_step_t step, size_t index, const char *prov,
                         unsigned hops) {
  long i = trace_find(r, name, qtype);
  mimi_step_t st = 0;
  size_t idx = 99;
  const char *p = "unset";
  unsigned h = 99;
  if (i < 0)
    fail_msg("no trace entry for %s type %u", name, (unsigned)qtype);
  assert_int_equal(mimi_result_trace_step(r, (size_t)i, &st, &idx, &p, &h), MIMI_OK);
  assert_int_equal(st, step);
  assert_int_equal(idx, index);
  if (prov)
    assert_string_equal(p, prov);
  else
    assert_null(p);
  assert_int_equal(h, hops);
}

static void txt(mock_t *m, const char *owner, const char *mapping) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s 300 IN TXT \"%s\"", owner, mapping);
  mock_rr(m, buf);
}

static void rr(mock_t *m, const char *fmt, ...) MIMI_PRINTF(2, 3);
static void rr(mock_t *m, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  mock_rr(m, buf);
}

/* ---- the plan walked ---------------------------------------------------- */

static void test_svcb_endpoints(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  m->strict = SEQUENTIAL; /* every query is one the script expects */
  txt(m, ALICE_LOWER, "v=MIMI1; e=" PROV "; a=alice; p=10");
  rr(m, PROV_SVCB " 300 IN SVCB 2 srv2.example.net. alpn=h2 port=8443");
  rr(m, PROV_SVCB " 300 IN SVCB 1 . alpn=h2 ipv4hint=192.0.2.1");
  rr(m, "_443._tcp." PROV_SVCB " 300 IN TLSA 3 1 1 "
        "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  mock_on(m, "_8443._tcp.srv2.example.net.", MIMI_RR_TLSA);
  /* The targets publish no addresses of their own: the hints stand. */
  mock_on(m, PROV_SVCB, MIMI_RR_A);
  mock_on(m, PROV_SVCB, MIMI_RR_AAAA);
  mock_on(m, "srv2.example.net.", MIMI_RR_A);
  mock_on(m, "srv2.example.net.", MIMI_RR_AAAA);
  mimi_result_t *r = lookup(ctx, m, "alice@example.com");

  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_SECURE);
  assert_int_equal(mimi_result_mapping_count(r), 1);
  assert_string_equal(mimi_record_provider(mimi_result_mapping(r, 0)), PROV);
  assert_string_equal(mimi_record_account(mimi_result_mapping(r, 0)), "alice");
  assert_int_equal(mimi_result_provider_count(r), 1);
  assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_NONE);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 2);
  const mimi_endpoint_t *e0 = mimi_result_endpoint(r, 0, 0);
  const mimi_endpoint_t *e1 = mimi_result_endpoint(r, 0, 1);
  /* Priority order; "." is the owner name; the default port and ALPN. */
  assert_int_equal(mimi_endpoint_source(e0), MIMI_RR_SVCB);
  assert_int_equal(mimi_endpoint_priority(e0), 1);
  assert_string_equal(mimi_endpoint_target(e0), PROV_SVCB);
  assert_int_equal(mimi_endpoint_port(e0), 443);
  assert_int_equal(mimi_endpoint_address_count(e0), 1);
  assert_string_equal(mimi_endpoint_address(e0, 0), "192.0.2.1");
  assert_int_equal(mimi_endpoint_address_source(e0, 0), 0); /* a hint */
  assert_int_equal(mimi_endpoint_tlsa_count(e0), 1);
  assert_string_equal(mimi_endpoint_tls_name(e0), PROV);
  assert_int_equal(mimi_endpoint_priority(e1), 2);
  assert_string_equal(mimi_endpoint_target(e1), "srv2.example.net.");
  assert_int_equal(mimi_endpoint_port(e1), 8443);
  assert_int_equal(mimi_endpoint_tlsa_count(e1), 0);

  /* What was sent, in order: the mapping, the SVCB, a TLSA, A and AAAA
   * per endpoint; the mapping found, no retry; SVCB found, no fallback.
   * Sent ahead, the fallbacks went out with the SVCB (their answers
   * unused): 3 round trips either way. */
  assert_int_equal(mock_round_trips(m), 3);
  assert_int_equal(mock_index(m, ALICE_LOWER, MIMI_RR_TXT), 0);
  assert_int_equal(mock_index(m, PROV_SVCB, MIMI_RR_SVCB), 1);
  assert_int_equal(mock_count(m, "_443._tcp." PROV_SVCB, MIMI_RR_TLSA), 1);
  assert_int_equal(mock_count(m, "_8443._tcp.srv2.example.net.", MIMI_RR_TLSA), 1);
  if (SEQUENTIAL) {
    assert_int_equal(m->nlog, 8);
    assert_int_equal(mock_count_type(m, MIMI_RR_HTTPS), 0);
    assert_int_equal(mock_count_type(m, MIMI_RR_A), 2); /* the targets' */
    assert_int_equal(mimi_result_trace_count(r), 8);
  } else {
    assert_int_equal(mock_round(m, PROV ".", MIMI_RR_HTTPS), 1);
    assert_int_equal(mock_round(m, PROV ".", MIMI_RR_A), 1);
    assert_int_equal(mock_round(m, PROV ".", MIMI_RR_AAAA), 1);
    assert_int_equal(mock_round(m, "_443._tcp." PROV ".", MIMI_RR_TLSA), 1);
    assert_int_equal(m->nlog, 12);
    /* The trace says which went out ahead and which were not needed. */
    long h = trace_find(r, PROV ".", MIMI_RR_HTTPS), v = trace_find(r, PROV_SVCB, MIMI_RR_SVCB);
    unsigned start_h = 99, start_v = 99;
    int ahead = -1, used = -1;
    assert_true(h >= 0 && v >= 0);
    assert_int_equal(mimi_result_trace_timing(r, (size_t)h, &start_h, &ahead, &used), MIMI_OK);
    assert_int_equal(ahead, 1);
    assert_int_equal(used, 0);
    assert_int_equal(mimi_result_trace_timing(r, (size_t)v, &start_v, &ahead, &used), MIMI_OK);
    assert_int_equal(ahead, 0);
    assert_int_equal(used, 1);
    assert_true(start_h >= start_v && start_h < 2000); /* with it (rounds above) */
    assert_int_equal(mimi_result_trace_timing(r, 999, NULL, NULL, NULL), MIMI_EINVAL);
  }
  /* The trace labels each query with its plan step. */
  assert_label(r, ALICE_LOWER, MIMI_RR_TXT, MIMI_STEP_MAPPING, 0, NULL, 0);
  assert_label(r, PROV_SVCB, MIMI_RR_SVCB, MIMI_STEP_SVCB, 0, PROV, 0);
  assert_label(r, "_8443._tcp.srv2.example.net.", MIMI_RR_TLSA, MIMI_STEP_TLSA,
               4, PROV, 1);
  done(ctx, m, r);
}

static void test_https_fallback(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV "; a=alice");
  mock_on(m, PROV_SVCB, MIMI_RR_SVCB); /* NODATA */
  rr(m, PROV ". 300 IN HTTPS 1 . alpn=h3");
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);

  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 1);
  const mimi_endpoint_t *e = mimi_result_endpoint(r, 0, 0);
  assert_int_equal(mimi_endpoint_source(e), MIMI_RR_HTTPS);
  assert_string_equal(mimi_endpoint_target(e), PROV ".");
  assert_int_equal(mimi_endpoint_alpn_count(e), 2); /* h3 and the default */
  assert_true(mock_index(m, PROV_SVCB, MIMI_RR_SVCB) <
              mock_index(m, PROV ".", MIMI_RR_HTTPS));
  assert_int_equal(mock_count(m, "_443._tcp." PROV ".", MIMI_RR_TLSA), 1);
  /* Once: the target's addresses (ahead: the fallback's query, adopted). */
  assert_int_equal(mock_count_type(m, MIMI_RR_A), 1);
  assert_int_equal(mock_count_type(m, MIMI_RR_AAAA), 1);
  /* TXT, SVCB, HTTPS, TLSA; or TXT, then all of them at once (the TLSA
   * sent ahead is the one the HTTPS endpoint needs). */
  assert_int_equal(mock_round_trips(m), SEQUENTIAL ? 4 : 2);
  assert_label(r, PROV ".", MIMI_RR_HTTPS, MIMI_STEP_HTTPS, 1, PROV, 0);
  /* The TLSA of the HTTPS endpoint is at the plan's own name: 0 hops. */
  assert_label(r, "_443._tcp." PROV ".", MIMI_RR_TLSA, MIMI_STEP_TLSA, 4, PROV, 0);
  done(ctx, m, r);
}

/* RFC 9460 §7.3: a ServiceMode target's own A/AAAA, with their status;
 * a hint only where the real answer is missing or may not be used. */
static void test_target_addresses(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  rr(m, PROV_SVCB " 300 IN SVCB 1 t1.example. alpn=h2 ipv4hint=192.0.2.1 "
        "ipv6hint=2001:db8::1");
  rr(m, PROV_SVCB " 300 IN SVCB 2 t2.example. alpn=h2 ipv4hint=192.0.2.2");
  rr(m, PROV_SVCB " 300 IN SVCB 3 t3.example. alpn=h2");
  /* t1: an A that differs from its hint; no AAAA (the v6 hint stands). */
  rr(m, "t1.example. 300 IN A 192.0.2.51");
  rr(m, "t1.example. 300 IN A 192.0.2.50");
  mock_on(m, "t1.example.", MIMI_RR_AAAA);
  /* t2: a bogus A is never data: the hint stands, with a warning. */
  mock_rule_t *bad = mock_rr(m, "t2.example. 300 IN A 198.51.100.66");
  bad->sec = MIMI_DNSSEC_BOGUS;
  bad->why = "signature expired";
  /* t3: IPv6 only, no hints at all. */
  mock_on(m, "t3.example.", MIMI_RR_A);
  rr(m, "t3.example. 300 IN AAAA 2001:db8::3");
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);

  assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_NONE);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 3);
  const mimi_endpoint_t *e1 = mimi_result_endpoint(r, 0, 0);
  const mimi_endpoint_t *e2 = mimi_result_endpoint(r, 0, 1);
  const mimi_endpoint_t *e3 = mimi_result_endpoint(r, 0, 2);
  assert_int_equal(mimi_endpoint_address_count(e1), 3);
  assert_string_equal(mimi_endpoint_address(e1, 0), "192.0.2.51");
  assert_string_equal(mimi_endpoint_address(e1, 1), "192.0.2.50");
  assert_int_equal(mimi_endpoint_address_source(e1, 0), MIMI_RR_A);
  assert_int_equal(mimi_endpoint_address_dnssec(e1, 0), MIMI_DNSSEC_SECURE);
  assert_string_equal(mimi_endpoint_address(e1, 2), "2001:db8::1");
  assert_int_equal(mimi_endpoint_address_source(e1, 2), 0);
  assert_int_equal(mimi_endpoint_address_count(e2), 1);
  assert_string_equal(mimi_endpoint_address(e2, 0), "192.0.2.2");
  assert_int_equal(mimi_endpoint_address_source(e2, 0), 0);
  assert_true(has_warning(r, "t2.example. A: not used"));
  assert_int_equal(mimi_endpoint_address_count(e3), 1);
  assert_string_equal(mimi_endpoint_address(e3, 0), "2001:db8::3");
  assert_int_equal(mimi_endpoint_address_source(e3, 0), MIMI_RR_AAAA);
  assert_null(mimi_endpoint_address(e3, 1));
  assert_int_equal(mimi_endpoint_address_source(e3, 1), 0);
  /* With the TLSA, in the round trip after the SVCB. */
  assert_int_equal(mock_round(m, "t3.example.", MIMI_RR_AAAA),
                   mock_round(m, "_443._tcp.t3.example.", MIMI_RR_TLSA));
  assert_int_equal(mock_round_trips(m), 3);
  done(ctx, m, r);

  /* An insecure A where secure is required: not used either. */
  m = mock_new();
  ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  rr(m, PROV_SVCB " 300 IN SVCB 1 t1.example. alpn=h2 ipv4hint=192.0.2.1");
  mock_rr(m, "t1.example. 300 IN A 203.0.113.9")->sec = MIMI_DNSSEC_INSECURE;
  r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_NONE);
  assert_string_equal(mimi_endpoint_address(mimi_result_endpoint(r, 0, 0), 0),
                      "192.0.2.1");
  assert_int_equal(mimi_endpoint_dnssec(mimi_result_endpoint(r, 0, 0)),
                   MIMI_DNSSEC_SECURE);
  assert_true(has_warning(r, "t1.example. A: not used"));
  mimi_result_free(r);

  /* ... but used, and said so, where insecure answers are accepted. */
  mock_t *m2 = mock_new();
  mimi_ctx_t *ctx2 = ctx_new(m2, MIMI_POLICY_PREFER);
  txt(m2, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  rr(m2, PROV_SVCB " 300 IN SVCB 1 t1.example. alpn=h2 ipv4hint=192.0.2.1");
  mock_rr(m2, "t1.example. 300 IN A 203.0.113.9")->sec = MIMI_DNSSEC_INSECURE;
  r = lookup(ctx2, m2, DOMAIN_ID);
  const mimi_endpoint_t *e = mimi_result_endpoint(r, 0, 0);
  assert_string_equal(mimi_endpoint_address(e, 0), "203.0.113.9");
  assert_int_equal(mimi_endpoint_address_dnssec(e, 0), MIMI_DNSSEC_INSECURE);
  assert_int_equal(mimi_endpoint_dnssec(e), MIMI_DNSSEC_INSECURE);
  assert_int_equal(mimi_result_provider_dnssec(r, 0), MIMI_DNSSEC_INSECURE);
  done(ctx2, m2, r);
  done(ctx, m, NULL);
}

static void test_address_fallback(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV "; a=alice");
  /* No SVCB (NXDOMAIN: not in the script), no HTTPS (NODATA). */
  mock_on(m, PROV ".", MIMI_RR_HTTPS);
  rr(m, PROV ". 300 IN A 192.0.2.7");
  rr(m, PROV ". 300 IN AAAA 2001:db8::7");
  rr(m, "_443._tcp." PROV ". 300 IN TLSA 3 1 1 "
        "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);

  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 1);
  const mimi_endpoint_t *e = mimi_result_endpoint(r, 0, 0);
  assert_int_equal(mimi_endpoint_source(e), MIMI_RR_A);
  assert_int_equal(mimi_endpoint_port(e), 443);
  assert_int_equal(mimi_endpoint_address_count(e), 2);
  assert_string_equal(mimi_endpoint_address(e, 0), "192.0.2.7");
  assert_string_equal(mimi_endpoint_address(e, 1), "2001:db8::7");
  assert_int_equal(mimi_endpoint_tlsa_count(e), 1);
  assert_int_equal(mimi_endpoint_dnssec(e), MIMI_DNSSEC_SECURE);
  long https = mock_index(m, PROV ".", MIMI_RR_HTTPS);
  assert_true(mock_index(m, PROV_SVCB, MIMI_RR_SVCB) < https);
  assert_true(https < mock_index(m, PROV ".", MIMI_RR_A));
  assert_true(https < mock_index(m, PROV ".", MIMI_RR_AAAA));
  assert_int_equal(mock_count(m, "_443._tcp." PROV ".", MIMI_RR_TLSA), 1);
  assert_label(r, PROV ".", MIMI_RR_A, MIMI_STEP_ADDR, 2, PROV, 0);
  assert_label(r, PROV ".", MIMI_RR_AAAA, MIMI_STEP_ADDR, 3, PROV, 0);
  done(ctx, m, r);
}

static void test_case_retry(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  mimi_ctx_set_endpoints(ctx, 0);
  mock_on(m, ALICE_UPPER, MIMI_RR_TXT); /* NODATA */
  txt(m, ALICE_LOWER, "v=MIMI1; e=" PROV "; a=alice");
  mimi_result_t *r = lookup(ctx, m, "Alice@example.com");
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_string_equal(mimi_result_mapping_source(r, 0), ALICE_LOWER);
  assert_int_equal(m->nlog, 2);
  assert_int_equal(mock_index(m, ALICE_UPPER, MIMI_RR_TXT), 0);
  assert_int_equal(mock_index(m, ALICE_LOWER, MIMI_RR_TXT), 1);
  assert_label(r, ALICE_LOWER, MIMI_RR_TXT, MIMI_STEP_RETRY, 1, NULL, 0);
  assert_int_equal(mimi_result_mapping_dnssec(r, 0), MIMI_DNSSEC_SECURE);
  done(ctx, m, r);

  /* Off: the as-given name only. */
  m = mock_new();
  ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  mimi_ctx_set_endpoints(ctx, 0);
  assert_int_equal(mimi_ctx_set_case_retry(ctx, 0), MIMI_OK);
  mock_on(m, ALICE_UPPER, MIMI_RR_TXT);
  txt(m, ALICE_LOWER, "v=MIMI1; e=" PROV "; a=alice");
  r = lookup(ctx, m, "Alice@example.com");
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_NOTFOUND);
  assert_int_equal(m->nlog, 1);
  assert_int_equal(mock_count(m, ALICE_LOWER, MIMI_RR_TXT), 0);
  done(ctx, m, r);
}

static mimi_ctx_t *enum_ctx(mock_t *m) {
  static const char *const apexes[] = {"e164.arpa", "e164.example"};
  char err[128];
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  assert_int_equal(mimi_ctx_set_enum_apexes(ctx, apexes, 2, err, sizeof err), MIMI_OK);
  mimi_ctx_set_endpoints(ctx, 0);
  /* The first ENUM name exists (NODATA for TXT): its NAPTR is asked. */
  mock_on(m, ENUM1, MIMI_RR_TXT);
  return ctx;
}

static void test_enum_walk(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = enum_ctx(m);
  m->strict = SEQUENTIAL;
  /* TXT: nothing; NAPTR: a non-terminal rule to a name with nothing of
   * ours; then the next apex. */
  rr(m, ENUM1 " 300 IN NAPTR 100 10 \"\" \"E2U+mimi\" \"\" next.example.");
  mock_on(m, "next.example.", MIMI_RR_NAPTR);
  txt(m, ENUM2, "v=MIMI1; e=" PROV "; a=%2B15551234567");
  mimi_result_t *r = lookup(ctx, m, PHONE);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_string_equal(mimi_record_account(mimi_result_mapping(r, 0)), PHONE);
  if (SEQUENTIAL) {
    assert_int_equal(m->nlog, 4);
    assert_int_equal(mock_index(m, ENUM1, MIMI_RR_TXT), 0);
    assert_int_equal(mock_index(m, ENUM1, MIMI_RR_NAPTR), 1);
    assert_int_equal(mock_index(m, "next.example.", MIMI_RR_NAPTR), 2);
    assert_int_equal(mock_index(m, ENUM2, MIMI_RR_TXT), 3);
    assert_int_equal(mock_round_trips(m), 4);
  } else {
    /* Both apexes' TXT and NAPTR at once; the redirect when it came. */
    assert_int_equal(m->nlog, 5);
    assert_int_equal(mock_round(m, ENUM2, MIMI_RR_TXT), 0);
    assert_int_equal(mock_round(m, ENUM2, MIMI_RR_NAPTR), 0);
    assert_int_equal(mock_round(m, "next.example.", MIMI_RR_NAPTR), 1);
    assert_int_equal(mock_round_trips(m), 2);
  }
  assert_label(r, "next.example.", MIMI_RR_NAPTR, MIMI_STEP_NAPTR, 1, NULL, 1);
  assert_label(r, ENUM2, MIMI_RR_TXT, MIMI_STEP_MAPPING, 2, NULL, 0);
  done(ctx, m, r);
}

static void test_enum_naptr_terminal(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = enum_ctx(m);
  rr(m, ENUM1 " 300 IN NAPTR 100 10 \"u\" \"E2U+mimi\" "
        "\"!^.*$!mimi://" PROV "/u/%%2B15551234567!\" .");
  mimi_result_t *r = lookup(ctx, m, PHONE);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_string_equal(mimi_record_provider(mimi_result_mapping(r, 0)), PROV);
  if (SEQUENTIAL) /* found: no next apex */
    assert_int_equal(mock_count(m, ENUM2, MIMI_RR_TXT), 0);
  /* TXT, then NAPTR; or both (and the next apex's) at once. */
  assert_int_equal(mock_round_trips(m), SEQUENTIAL ? 2 : 1);
  done(ctx, m, r);
}

static void test_enum_nxdomain_skips_naptr(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = enum_ctx(m);
  mock_nxdomain(m, ENUM1, MIMI_RR_TXT);
  txt(m, ENUM2, "v=MIMI1; e=" PROV);
  mimi_result_t *r = lookup(ctx, m, PHONE);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  /* RFC 8020: nothing below an NXDOMAIN, so no NAPTR there (sent ahead,
   * its answer is not read). */
  if (SEQUENTIAL) {
    assert_int_equal(mock_count(m, ENUM1, MIMI_RR_NAPTR), 0);
    assert_int_equal(mock_index(m, ENUM2, MIMI_RR_TXT), 1);
  }
  mimi_result_free(r);

  /* Nothing anywhere: not found (not a failure), every apex asked. */
  mock_t *m2 = mock_new();
  mimi_ctx_t *ctx2 = enum_ctx(m2);
  mock_nxdomain(m2, ENUM1, MIMI_RR_TXT);
  r = lookup(ctx2, m2, PHONE);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_NOTFOUND);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_NONE);
  assert_int_equal(m2->nlog, SEQUENTIAL ? 2 : 4);
  assert_int_equal(mock_round_trips(m2), SEQUENTIAL ? 2 : 1);
  done(ctx2, m2, NULL);
  done(ctx, m, r);
}

/* A MIMI URI: no mapping query (§1); its port selects the endpoint names. */
static void test_uri_port(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  m->strict = 1;
  mock_on(m, "_8443._mimi." PROV ".", MIMI_RR_SVCB);
  mock_on(m, "_8443._https." PROV ".", MIMI_RR_HTTPS);
  rr(m, PROV ". 300 IN A 192.0.2.8");
  mock_on(m, PROV ".", MIMI_RR_AAAA);
  mock_on(m, "_8443._tcp." PROV ".", MIMI_RR_TLSA);
  mimi_result_t *r = lookup(ctx, m, "mimi://" PROV ":8443/u/alice");
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_string_equal(mimi_result_mapping_source(r, 0), MIMI_SOURCE_INPUT);
  assert_int_equal(mimi_result_mapping_dnssec(r, 0), MIMI_DNSSEC_UNCHECKED);
  assert_int_equal(mock_count_type(m, MIMI_RR_TXT), 0);
  assert_int_equal(mock_index(m, "_8443._mimi." PROV ".", MIMI_RR_SVCB), 0);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 1);
  const mimi_endpoint_t *e = mimi_result_endpoint(r, 0, 0);
  assert_int_equal(mimi_endpoint_port(e), 8443);
  assert_string_equal(mimi_endpoint_address(e, 0), "192.0.2.8");
  assert_int_equal(m->nlog, 5);
  assert_label(r, "_8443._https." PROV ".", MIMI_RR_HTTPS, MIMI_STEP_HTTPS, 1, PROV, 0);
  done(ctx, m, r);

  /* Without endpoints nothing is asked; the callback still fires from
   * mimi_ctx_process() only (lookup() checks it did not fire before). */
  m = mock_new();
  ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  mimi_ctx_set_endpoints(ctx, 0);
  r = lookup(ctx, m, "mimi://" PROV "/u/alice");
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_string_equal(mimi_record_account(mimi_result_mapping(r, 0)), "alice");
  assert_int_equal(m->nlog, 0);
  done(ctx, m, r);
}

/* The context's answer cache: a lookup again asks nothing, and its answers
 * still come from mimi_ctx_process(). */
static void test_cached_again(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  rr(m, PROV_SVCB " 300 IN SVCB 1 . alpn=h2");
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  size_t sent = m->nlog;
  /* TXT, SVCB, the target's TLSA, A, AAAA (and the SVCB's fallbacks,
   * sent ahead) */
  assert_int_equal(sent, SEQUENTIAL ? 5 : 9);
  assert_int_equal(mimi_result_trace_count(r), sent);
  for (size_t i = 0; i < sent; i++)
    assert_int_equal(mimi_result_trace_kind(r, i), MIMI_TRACE_SENT);
  mimi_result_free(r);
  r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(m->nlog, sent);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 1);
  /* The trace lists the queries of the plan, each marked as answered
   * from the cache: nothing went on the wire. */
  assert_int_equal(mimi_result_trace_count(r), 5);
  for (size_t i = 0; i < mimi_result_trace_count(r); i++)
    assert_int_equal(mimi_result_trace_kind(r, i), MIMI_TRACE_CACHED);
  assert_int_equal(mimi_result_trace_kind(r, 99), MIMI_TRACE_SENT);
  done(ctx, m, r);
}

/* ---- the policy gate (§6) ----------------------------------------------- */

static void test_bogus_is_never_data(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_OFF);
  mock_rule_t *t = mock_on(m, DOMAIN_TXT, MIMI_RR_TXT);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV "; a=alice");
  t->sec = MIMI_DNSSEC_BOGUS;
  t->why = "signature expired";
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_BOGUS);
  assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_BOGUS);
  assert_int_equal(mimi_result_mapping_count(r), 0);
  assert_non_null(strstr(mimi_result_reason(r), "signature expired"));
  assert_int_equal(mock_count_type(m, MIMI_RR_SVCB), 0); /* nothing used */
  done(ctx, m, r);
}

static void test_servfail(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_PREFER);
  mock_on(m, ALICE_UPPER, MIMI_RR_TXT)->rcode = 2;
  txt(m, ALICE_LOWER, "v=MIMI1; e=" PROV);
  mimi_result_t *r = lookup(ctx, m, "Alice@example.com");
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_SERVFAIL);
  assert_non_null(strstr(mimi_result_reason(r), "SERVFAIL"));
  /* A failure is not "no mapping": no case retry after it (sent ahead,
   * its mapping is not used: the outcome above). */
  if (SEQUENTIAL)
    assert_int_equal(mock_count(m, ALICE_LOWER, MIMI_RR_TXT), 0);
  done(ctx, m, r);
}

static void test_insecure_required(void **state) {
  (void)state;
  for (int prefer = 0; prefer <= 1; prefer++) {
    mock_t *m = mock_new();
    mimi_ctx_t *ctx = ctx_new(m, prefer ? MIMI_POLICY_PREFER : MIMI_POLICY_REQUIRE);
    mimi_ctx_set_endpoints(ctx, 0);
    m->default_sec = MIMI_DNSSEC_INSECURE;
    txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
    mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
    assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_INSECURE);
    if (prefer) {
      assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
      assert_int_equal(mimi_result_mapping_count(r), 1);
      assert_int_equal(mimi_result_mapping_dnssec(r, 0), MIMI_DNSSEC_INSECURE);
    } else {
      assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
      assert_int_equal(mimi_result_failure(r), MIMI_FAIL_INSECURE);
      assert_int_equal(mimi_result_mapping_count(r), 0);
    }
    done(ctx, m, r);
  }
}

static void test_endpoint_failure_one_provider(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=bad.example; p=1");
  txt(m, DOMAIN_TXT, "v=MIMI1; e=good.example; p=2");
  mock_rule_t *b = mock_rr(m, "_mimi.bad.example. 300 IN SVCB 1 . alpn=h2");
  b->sec = MIMI_DNSSEC_BOGUS;
  b->why = "no signature";
  rr(m, "_mimi.good.example. 300 IN SVCB 1 . alpn=h2");
  /* An endpoint found, then its TLSA fails: the provider has none. */
  txt(m, DOMAIN_TXT, "v=MIMI1; e=half.example; p=3");
  rr(m, "_mimi.half.example. 300 IN SVCB 1 . alpn=h2 ipv4hint=192.0.2.3");
  mock_on(m, "_443._tcp._mimi.half.example.", MIMI_RR_TLSA)->rcode = 2;
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_mapping_count(r), 3);
  assert_int_equal(mimi_result_provider_count(r), 3);
  assert_string_equal(mimi_result_provider(r, 2), "half.example");
  assert_int_equal(mimi_result_provider_failure(r, 2), MIMI_FAIL_SERVFAIL);
  assert_int_equal(mimi_result_endpoint_count(r, 2), 0);
  assert_int_equal(mock_count(m, "_443._tcp._mimi.half.example.", MIMI_RR_TLSA), 1);
  assert_string_equal(mimi_result_provider(r, 0), "bad.example");
  assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_BOGUS);
  assert_int_equal(mimi_result_endpoint_count(r, 0), 0);
  assert_non_null(strstr(mimi_result_provider_reason(r, 0), "no signature"));
  assert_string_equal(mimi_result_provider(r, 1), "good.example");
  assert_int_equal(mimi_result_provider_failure(r, 1), MIMI_FAIL_NONE);
  assert_int_equal(mimi_result_endpoint_count(r, 1), 1);
  /* The bogus SVCB is not followed: no fallback, no TLSA for it. */
  if (SEQUENTIAL)
    assert_int_equal(mock_count(m, "bad.example.", MIMI_RR_HTTPS), 0);
  assert_int_equal(mock_count(m, "_443._tcp._mimi.bad.example.", MIMI_RR_TLSA), 0);
  done(ctx, m, r);
}

/* Records that come with NXDOMAIN are not data (RFC 1035 §4.1.1, RFC 8020). */
static void test_rcode_decides(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  mock_nxdomain(m, DOMAIN_TXT, MIMI_RR_TXT);
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_NOTFOUND);
  assert_int_equal(mimi_result_mapping_count(r), 0);
  long i = trace_find(r, DOMAIN_TXT, MIMI_RR_TXT);
  size_t records = 99;
  int rcode = 0;
  assert_true(i >= 0);
  assert_int_equal(mimi_result_trace(r, (size_t)i, NULL, NULL, &rcode, NULL, NULL), MIMI_OK);
  assert_int_equal(mimi_result_trace_answer(r, (size_t)i, NULL, &records), MIMI_OK);
  assert_int_equal(rcode, 3);
  assert_int_equal(records, 0);
  done(ctx, m, r);
}

/* §6: the weakest status on the way decides. A mapping reached through a
 * denial (the case retry) or a NAPTR redirect is no stronger than the
 * answers that led to it: a forged insecure denial or redirect chooses
 * which signed mapping is used. */
static void test_mapping_status_on_the_way(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_PREFER);
  mimi_ctx_set_endpoints(ctx, 0);
  mock_on(m, ALICE_UPPER, MIMI_RR_TXT)->sec = MIMI_DNSSEC_INSECURE; /* NODATA */
  txt(m, ALICE_LOWER, "v=MIMI1; e=" PROV "; a=alice");
  mimi_result_t *r = lookup(ctx, m, "Alice@example.com");
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_INSECURE);
  assert_int_equal(mimi_result_mapping_dnssec(r, 0), MIMI_DNSSEC_INSECURE);
  done(ctx, m, r);

  m = mock_new();
  ctx = enum_ctx(m);
  assert_int_equal(mimi_ctx_set_policy(ctx, MIMI_POLICY_PREFER), MIMI_OK);
  mock_rr(m, ENUM1 " 300 IN NAPTR 100 10 \"\" \"E2U+mimi\" \"\" next.example.")
      ->sec = MIMI_DNSSEC_INSECURE;
  rr(m, "next.example. 300 IN NAPTR 100 10 \"u\" \"E2U+mimi\" \"!^.*$!mimi://" PROV
        "/u/x!\" .");
  r = lookup(ctx, m, PHONE);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_string_equal(mimi_result_mapping_source(r, 0), "next.example.");
  assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_INSECURE);
  assert_int_equal(mimi_result_mapping_dnssec(r, 0), MIMI_DNSSEC_INSECURE);
  done(ctx, m, r);
}

/* ---- timeouts ------------------------------------------------------------ */

static void test_timeout_mapping_phase(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  assert_int_equal(mimi_ctx_set_timeout(ctx, 200), MIMI_OK);
  mock_drop(m, DOMAIN_TXT, MIMI_RR_TXT);
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_TIMEOUT);
  assert_int_equal(mimi_result_dnssec(r), MIMI_DNSSEC_UNCHECKED);
  assert_int_equal(m->ncancels, 1); /* the dropped query */
  assert_int_equal(m->log[0]->cancelled, 1);
  done(ctx, m, r);

  /* A backend's own timeout (an answer that never came) fails it too. */
  m = mock_new();
  ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  mock_rule_t *t = mock_on(m, DOMAIN_TXT, MIMI_RR_TXT);
  t->kind = MOCK_FAIL;
  t->fail = MIMI_FAIL_NETWORK;
  t->why = "connection refused";
  r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_NETWORK);
  assert_non_null(strstr(mimi_result_reason(r), "connection refused"));
  done(ctx, m, r);
}

static void test_timeout_endpoint_phase(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  assert_int_equal(mimi_ctx_set_timeout(ctx, 200), MIMI_OK);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=slow.example; p=1");
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV "; p=2");
  mock_drop(m, "_mimi.slow.example.", MIMI_RR_SVCB);
  rr(m, PROV_SVCB " 300 IN SVCB 1 . alpn=h2");
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_mapping_count(r), 2);
  assert_string_equal(mimi_result_provider(r, 0), "slow.example");
  assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_TIMEOUT);
  assert_int_equal(mimi_result_provider_failure(r, 1), MIMI_FAIL_NONE);
  assert_int_equal(mimi_result_endpoint_count(r, 1), 1);
  assert_int_equal(m->log[mock_index(m, "_mimi.slow.example.", MIMI_RR_SVCB)]->cancelled, 1);
  done(ctx, m, r);
}

/* ---- delays, the synchronous call ----------------------------------------- */

static void test_delay_order(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  seen_t slow = {.m = m}, fast = {.m = m};
  mimi_ctx_set_endpoints(ctx, 0);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  txt(m, "_mimi.bob.example.org.", "v=MIMI1; e=" PROV "; a=bob");
  mock_on(m, DOMAIN_TXT, MIMI_RR_TXT)->delay_ms = 40;
  assert_int_equal(mimi_lookup_async(ctx, DOMAIN_ID, on_done, &slow, NULL, NULL, 0),
                   MIMI_OK);
  assert_int_equal(mimi_lookup_async(ctx, "bob.example.org", on_done, &fast, NULL,
                                     NULL, 0), MIMI_OK);
  /* The loop's timeout is the backend's next answer, not the deadline. */
  int t = mimi_ctx_timeout(ctx);
  assert_in_range(t, 0, 40);
  loop_until(ctx, &fast);
  assert_int_equal(slow.calls, 0); /* the delayed answer is not due yet */
  assert_true(mimi_ctx_timeout(ctx) <= 40);
  loop_until(ctx, &slow);
  assert_int_equal(mimi_result_outcome(slow.res), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_outcome(fast.res), MIMI_OUTCOME_FOUND);
  mimi_result_free(fast.res);
  mimi_result_free(slow.res);

  /* mimi_lookup() runs the same loop: no descriptors, the backend's timer. */
  mimi_result_t *r = NULL;
  char err[128] = "";
  assert_int_equal(mimi_lookup(ctx, DOMAIN_ID, &r, err, sizeof err), MIMI_OK);
  assert_non_null(r);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  done(ctx, m, r);
}

/* ---- cancellation, freeing from a callback ------------------------------- */

static void test_cancel(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  seen_t s = {.m = m};
  mimi_query_t *q = NULL;
  txt(m, DOMAIN_TXT, "v=MIMI1; e=a.example; p=1");
  txt(m, DOMAIN_TXT, "v=MIMI1; e=b.example; p=2");
  mock_drop(m, "_mimi.a.example.", MIMI_RR_SVCB);
  mock_drop(m, "_mimi.b.example.", MIMI_RR_SVCB);
  assert_int_equal(mimi_lookup_async(ctx, DOMAIN_ID, on_done, &s, &q, NULL, 0), MIMI_OK);
  assert_non_null(q);
  /* Two SVCB in flight (their fallbacks with them when sent ahead). */
  size_t out = SEQUENTIAL ? 2 : 10;
  for (int i = 0; i < 50 && mock_in_flight(m) < out; i++)
    assert_int_equal(mimi_ctx_process(ctx), MIMI_OK);
  assert_int_equal(m->nlog, 1 + out);
  assert_int_equal(mock_in_flight(m), out);
  assert_int_equal(mimi_ctx_pending(ctx), 1);
  mimi_cancel(q);
  assert_int_equal(s.calls, 1);
  assert_int_equal(s.st, MIMI_ECANCELLED);
  assert_null(s.res);
  assert_int_equal(m->ncancels, out); /* each query in flight */
  assert_int_equal(mock_in_flight(m), 0);
  assert_int_equal(mimi_ctx_pending(ctx), 0);
  for (int i = 0; i < 3; i++)
    assert_int_equal(mimi_ctx_process(ctx), MIMI_OK);
  assert_int_equal(s.calls, 1);
  assert_int_equal(m->nlog, 1 + out); /* nothing sent afterwards */
  assert_int_equal(m->bad_cancels, 0);
  done(ctx, m, NULL);
}

static void test_cancel_from_callback(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  seen_t s1 = {.m = m}, s2 = {.m = m};
  mimi_query_t *q2 = NULL;
  mimi_ctx_set_endpoints(ctx, 0);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  mock_drop(m, "_mimi.bob.example.org.", MIMI_RR_TXT);
  assert_int_equal(mimi_lookup_async(ctx, DOMAIN_ID, on_done, &s1, NULL, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_lookup_async(ctx, "bob.example.org", on_done, &s2, &q2, NULL, 0),
                   MIMI_OK);
  s1.cancel = q2;
  loop_until(ctx, &s1);
  assert_int_equal(s2.calls, 1);
  assert_int_equal(s2.st, MIMI_ECANCELLED);
  assert_int_equal(m->ncancels, 1);
  assert_int_equal(m->log[mock_index(m, "_mimi.bob.example.org.", MIMI_RR_TXT)]->cancelled, 1);
  assert_int_equal(mimi_ctx_pending(ctx), 0);
  done(ctx, m, s1.res);
}

static void test_free_ctx_in_callback(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  seen_t s1 = {.m = m}, s2 = {.m = m};
  mimi_ctx_set_endpoints(ctx, 0);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  mock_on(m, "_mimi.bob.example.org.", MIMI_RR_TXT)->delay_ms = 5000;
  s1.free_ctx = ctx;
  assert_int_equal(mimi_lookup_async(ctx, DOMAIN_ID, on_done, &s1, NULL, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_lookup_async(ctx, "bob.example.org", on_done, &s2, NULL, NULL, 0),
                   MIMI_OK);
  loop_until(ctx, &s1); /* the context is gone after this */
  assert_int_equal(s1.st, MIMI_OK);
  assert_int_equal(mimi_result_outcome(s1.res), MIMI_OUTCOME_FOUND);
  /* The other lookup ended cancelled, its query cancelled, backend stopped. */
  assert_int_equal(s2.calls, 1);
  assert_int_equal(s2.st, MIMI_ECANCELLED);
  assert_int_equal(m->ncancels, 1);
  assert_int_equal(m->stopped, 1);
  assert_int_equal(mock_after_stop(m), 0);
  assert_int_equal(m->bad_cancels, 0);
  mimi_result_free(s1.res);
  mock_free(m);
}

/* ---- loops ----------------------------------------------------------------- */

static void test_alias_loop(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  /* TTL 0: not cached, so every name the engine asks again is seen here. */
  rr(m, PROV_SVCB " 0 IN SVCB 0 a1.example.");
  rr(m, "a1.example. 0 IN SVCB 0 " PROV_SVCB);
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_LOOP);
  /* Caught at the first name again (the chain's start counts as visited). */
  assert_non_null(strstr(mimi_result_provider_reason(r, 0),
                         "alias loop back to " PROV_SVCB));
  assert_int_equal(mock_count(m, PROV_SVCB, MIMI_RR_SVCB), 1);
  assert_int_equal(mock_count(m, "a1.example.", MIMI_RR_SVCB), 1);
  done(ctx, m, r);
}

static void test_naptr_loop(void **state) {
  (void)state;
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = enum_ctx(m);
  rr(m, ENUM1 " 0 IN NAPTR 100 10 \"\" \"E2U+mimi\" \"\" n1.example.");
  rr(m, "n1.example. 0 IN NAPTR 100 10 \"\" \"E2U+mimi\" \"\" " ENUM1);
  txt(m, ENUM2, "v=MIMI1; e=" PROV);
  mimi_result_t *r = lookup(ctx, m, PHONE);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
  assert_int_equal(mimi_result_failure(r), MIMI_FAIL_LOOP);
  assert_non_null(strstr(mimi_result_reason(r), "loop"));
  assert_int_equal(mock_count(m, ENUM1, MIMI_RR_NAPTR), 1);
  if (SEQUENTIAL) /* failed: no next apex */
    assert_int_equal(mock_count(m, ENUM2, MIMI_RR_TXT), 0);
  done(ctx, m, r);
}

/* ---- caps: accepted at the limit, refused one past it --------------------- */

/* An alias chain of `steps` AliasMode steps to a ServiceMode record. */
static void alias_chain(unsigned steps, int ok) {
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  char prev[64], next[64];
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  snprintf(prev, sizeof prev, "%s", PROV_SVCB);
  for (unsigned i = 1; i <= steps; i++) {
    snprintf(next, sizeof next, "a%u.example.", i);
    rr(m, "%s 300 IN SVCB 0 %s", prev, next);
    snprintf(prev, sizeof prev, "%s", next);
  }
  rr(m, "%s 300 IN SVCB 1 . alpn=h2", prev);
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  if (ok) {
    assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_NONE);
    assert_int_equal(mimi_result_endpoint_count(r, 0), 1);
    assert_string_equal(mimi_endpoint_target(mimi_result_endpoint(r, 0, 0)), prev);
    assert_int_equal(mock_count(m, prev, MIMI_RR_SVCB), 1);
    assert_label(r, prev, MIMI_RR_SVCB, MIMI_STEP_SVCB, 0, PROV, steps);
  } else {
    assert_int_equal(mimi_result_provider_failure(r, 0), MIMI_FAIL_LOOP);
    assert_non_null(strstr(mimi_result_provider_reason(r, 0), "longer than 8"));
    assert_int_equal(mimi_result_endpoint_count(r, 0), 0);
    assert_int_equal(mock_count(m, prev, MIMI_RR_SVCB), 0); /* never asked */
  }
  assert_int_equal(mock_count_type(m, MIMI_RR_SVCB), ok ? steps + 1 : steps);
  done(ctx, m, r);
}

static void test_cap_alias_steps(void **state) {
  (void)state;
  alias_chain(8, 1);
  alias_chain(9, 0);
}

/* `steps` non-terminal NAPTR rules, then a terminal one. */
static void naptr_chain(unsigned steps, int ok) {
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = enum_ctx(m);
  char prev[64], next[64];
  snprintf(prev, sizeof prev, "%s", ENUM1);
  for (unsigned i = 1; i <= steps; i++) {
    snprintf(next, sizeof next, "n%u.example.", i);
    rr(m, "%s 300 IN NAPTR 100 10 \"\" \"E2U+mimi\" \"\" %s", prev, next);
    snprintf(prev, sizeof prev, "%s", next);
  }
  rr(m, "%s 300 IN NAPTR 100 10 \"u\" \"E2U+mimi\" \"!^.*$!mimi://" PROV
        "/u/x!\" .", prev);
  mimi_result_t *r = lookup(ctx, m, PHONE);
  if (ok) {
    assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
    assert_string_equal(mimi_result_mapping_source(r, 0), prev);
    assert_label(r, prev, MIMI_RR_NAPTR, MIMI_STEP_NAPTR, 1, NULL, steps);
  } else {
    assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FAILED);
    assert_int_equal(mimi_result_failure(r), MIMI_FAIL_LOOP);
    assert_non_null(strstr(mimi_result_reason(r), "more than 5"));
    assert_int_equal(mock_count(m, prev, MIMI_RR_NAPTR), 0);
  }
  /* (the next apex's NAPTR sent ahead, unused) */
  assert_int_equal(mock_count_type(m, MIMI_RR_NAPTR), (ok ? steps + 1 : steps) + g_parallel);
  done(ctx, m, r);
}

static void test_cap_naptr_steps(void **state) {
  (void)state;
  naptr_chain(5, 1);
  naptr_chain(6, 0);
}

static void providers(unsigned n) {
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  char buf[128];
  for (unsigned i = 0; i < n; i++) {
    snprintf(buf, sizeof buf, "v=MIMI1; e=p%02u.example; p=%u", i, i);
    txt(m, DOMAIN_TXT, buf);
    rr(m, "_mimi.p%02u.example. 300 IN SVCB 1 . alpn=h2", i);
  }
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  unsigned asked = n < 16 ? n : 16;
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_mapping_count(r), n);
  assert_int_equal(mimi_result_provider_count(r), asked);
  assert_int_equal(mock_count_type(m, MIMI_RR_SVCB), asked);
  /* The first by preference are the ones looked up. */
  assert_string_equal(mimi_result_provider(r, 15), "p15.example");
  assert_int_equal(mimi_result_endpoint_count(r, 15), 1);
  assert_int_equal(mock_count(m, "_mimi.p16.example.", MIMI_RR_SVCB), 0);
  assert_int_equal(has_warning(r, "at most 16 providers"), n > 16);
  done(ctx, m, r);
}

static void test_cap_providers(void **state) {
  (void)state;
  providers(16);
  providers(17);
}

static void targets(unsigned n) {
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  txt(m, DOMAIN_TXT, "v=MIMI1; e=" PROV);
  for (unsigned i = 1; i <= n; i++)
    rr(m, PROV_SVCB " 300 IN SVCB %u t%02u.example. alpn=h2", i, i);
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  unsigned used = n < 16 ? n : 16;
  assert_int_equal(mimi_result_endpoint_count(r, 0), used);
  assert_string_equal(mimi_endpoint_target(mimi_result_endpoint(r, 0, used - 1)),
                      "t16.example.");
  assert_int_equal(mimi_endpoint_priority(mimi_result_endpoint(r, 0, used - 1)), 16);
  /* A TLSA for each endpoint used, none for the one dropped. */
  assert_int_equal(mock_count_type(m, MIMI_RR_TLSA), used + g_parallel); /* + ahead */
  assert_int_equal(mock_count(m, "_443._tcp.t16.example.", MIMI_RR_TLSA), 1);
  assert_int_equal(mock_count(m, "_443._tcp.t17.example.", MIMI_RR_TLSA), 0);
  assert_int_equal(has_warning(r, "only the first 16 by priority"), n > 16);
  done(ctx, m, r);
}

static void test_cap_targets(void **state) {
  (void)state;
  targets(16);
  targets(17);
}

static void mappings(unsigned n) {
  mock_t *m = mock_new();
  mimi_ctx_t *ctx = ctx_new(m, MIMI_POLICY_REQUIRE);
  char buf[128];
  mimi_ctx_set_endpoints(ctx, 0);
  for (unsigned i = 0; i < n; i++) {
    snprintf(buf, sizeof buf, "v=MIMI1; e=" PROV "; a=u%02u; p=%u", i, i);
    txt(m, DOMAIN_TXT, buf);
  }
  mimi_result_t *r = lookup(ctx, m, DOMAIN_ID);
  unsigned kept = n < 64 ? n : 64;
  assert_int_equal(mimi_result_outcome(r), MIMI_OUTCOME_FOUND);
  assert_int_equal(mimi_result_mapping_count(r), kept);
  /* The best by preference are kept. */
  assert_string_equal(mimi_record_account(mimi_result_mapping(r, kept - 1)), "u63");
  assert_int_equal(has_warning(r, "only the first 64 by preference"), n > 64);
  done(ctx, m, r);
}

static void test_cap_mappings(void **state) {
  (void)state;
  mappings(64);
  mappings(65);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_svcb_endpoints),
      cmocka_unit_test(test_https_fallback),
      cmocka_unit_test(test_target_addresses),
      cmocka_unit_test(test_address_fallback),
      cmocka_unit_test(test_case_retry),
      cmocka_unit_test(test_enum_walk),
      cmocka_unit_test(test_enum_naptr_terminal),
      cmocka_unit_test(test_enum_nxdomain_skips_naptr),
      cmocka_unit_test(test_uri_port),
      cmocka_unit_test(test_cached_again),
      cmocka_unit_test(test_bogus_is_never_data),
      cmocka_unit_test(test_servfail),
      cmocka_unit_test(test_insecure_required),
      cmocka_unit_test(test_endpoint_failure_one_provider),
      cmocka_unit_test(test_rcode_decides),
      cmocka_unit_test(test_mapping_status_on_the_way),
      cmocka_unit_test(test_timeout_mapping_phase),
      cmocka_unit_test(test_timeout_endpoint_phase),
      cmocka_unit_test(test_delay_order),
      cmocka_unit_test(test_cancel),
      cmocka_unit_test(test_cancel_from_callback),
      cmocka_unit_test(test_free_ctx_in_callback),
      cmocka_unit_test(test_alias_loop),
      cmocka_unit_test(test_naptr_loop),
      cmocka_unit_test(test_cap_alias_steps),
      cmocka_unit_test(test_cap_naptr_steps),
      cmocka_unit_test(test_cap_providers),
      cmocka_unit_test(test_cap_targets),
      cmocka_unit_test(test_cap_mappings),
  };
  int failed = cmocka_run_group_tests_name("sequential", tests, NULL, NULL);
  g_parallel = 1;
  return failed + cmocka_run_group_tests_name("parallel", tests, NULL, NULL);
}
