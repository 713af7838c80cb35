/* SPDX-License-Identifier: MIT */
/* The answer cache of a context (cache.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <malloc.h>

#include <cmocka.h>

#include "engine/engine.h"

static mimi__answer_t answer(int rcode, mimi_dnssec_t sec, uint32_t ttl,
                             const uint8_t *const *rd, const size_t *len, size_t n) {
  mimi__answer_t a;
  memset(&a, 0, sizeof a);
  a.rcode = rcode;
  a.sec = sec;
  a.ttl = ttl;
  a.rdata = rd;
  a.rdlen = len;
  a.n = n;
  return a;
}

static void test_put_get(void **state) {
  (void)state;
  static const uint8_t r0[] = "\x07v=MIMI1", r1[] = "\x03" "abc";
  const uint8_t *rd[] = {r0, r1};
  const size_t len[] = {8, 4};
  mimi__cache_t *c = mimi__cache_new(1 << 20);
  mimi__answer_t a = answer(0, MIMI_DNSSEC_SECURE, 60, rd, len, 2), b;
  assert_non_null(c);
  assert_null(mimi__cache_get(c, "a.example.", 16, 1000));
  mimi__cache_put(c, "A.Example.", 16, &a, 1000);
  /* Names compare case-insensitively; types do not mix. */
  const mimi__centry_t *e = mimi__cache_get(c, "a.EXAMPLE.", 16, 2000);
  assert_non_null(e);
  assert_null(mimi__cache_get(c, "a.example.", 1, 2000));
  mimi__cache_answer(e, 31000, &b);
  assert_int_equal(b.rcode, 0);
  assert_int_equal(b.sec, MIMI_DNSSEC_SECURE);
  assert_int_equal(b.ttl, 30); /* the TTL left */
  assert_int_equal(b.n, 2);
  assert_memory_equal(b.rdata[0], r0, 8);
  assert_int_equal(b.rdlen[1], 4);
  assert_memory_equal(b.rdata[1], r1, 4);
  /* Expired after its TTL. */
  assert_null(mimi__cache_get(c, "a.example.", 16, 61000));
  mimi__cache_free(c);
}

static void test_not_cached(void **state) {
  (void)state;
  mimi__cache_t *c = mimi__cache_new(1 << 20);
  mimi__answer_t a = answer(0, MIMI_DNSSEC_BOGUS, 60, NULL, NULL, 0);
  mimi__cache_put(c, "bogus.example.", 16, &a, 0);
  assert_null(mimi__cache_get(c, "bogus.example.", 16, 1));
  a = answer(2, MIMI_DNSSEC_SECURE, 60, NULL, NULL, 0); /* SERVFAIL */
  mimi__cache_put(c, "sf.example.", 16, &a, 0);
  assert_null(mimi__cache_get(c, "sf.example.", 16, 1));
  a = answer(-1, MIMI_DNSSEC_UNCHECKED, 60, NULL, NULL, 0);
  a.fail = MIMI_FAIL_TIMEOUT;
  mimi__cache_put(c, "to.example.", 16, &a, 0);
  assert_null(mimi__cache_get(c, "to.example.", 16, 1));
  a = answer(0, MIMI_DNSSEC_SECURE, 0, NULL, NULL, 0); /* TTL 0 */
  mimi__cache_put(c, "zero.example.", 16, &a, 0);
  assert_null(mimi__cache_get(c, "zero.example.", 16, 0));
  /* NXDOMAIN (RFC 2308) is kept, with its status. */
  a = answer(3, MIMI_DNSSEC_INSECURE, 300, NULL, NULL, 0);
  mimi__cache_put(c, "nx.example.", 16, &a, 0);
  const mimi__centry_t *e = mimi__cache_get(c, "nx.example.", 16, 1);
  assert_non_null(e);
  mimi__answer_t b;
  mimi__cache_answer(e, 1, &b);
  assert_int_equal(b.rcode, 3);
  assert_int_equal(b.sec, MIMI_DNSSEC_INSECURE);
  /* A huge TTL is capped at a day. */
  a = answer(0, MIMI_DNSSEC_SECURE, 4000000000u, NULL, NULL, 0);
  mimi__cache_put(c, "long.example.", 16, &a, 0);
  assert_non_null(mimi__cache_get(c, "long.example.", 16, 86399000));
  assert_null(mimi__cache_get(c, "long.example.", 16, 86400000));
  mimi__cache_free(c);
}

static void test_eviction(void **state) {
  (void)state;
  /* 1 MiB budget: 20,000 entries of ~200 octets cannot all stay; the most
   * recently used do, and the budget holds. */
  static uint8_t big[100];
  const uint8_t *rd[] = {big};
  const size_t len[] = {sizeof big};
  struct mallinfo2 m0 = mallinfo2();
  mimi__cache_t *c = mimi__cache_new(1 << 20);
  mimi__answer_t a = answer(0, MIMI_DNSSEC_SECURE, 3600, rd, len, 1);
  char name[64];
  for (int i = 0; i < 20000; i++) {
    snprintf(name, sizeof name, "n%d.example.", i);
    mimi__cache_put(c, name, 16, &a, 0);
  }
  /* The budget holds, as counted (full to within one entry) and as the
   * heap sees it: entries, their allocation overhead and the buckets (one
   * per 512 octets). (Under ASan mallinfo2 reports nothing: skipped.) */
  assert_true(mimi__cache_used(c) <= 1 << 20);
  assert_true(mimi__cache_used(c) > (1 << 20) - 512);
  struct mallinfo2 m1 = mallinfo2();
  if (m0.uordblks && m1.uordblks > m0.uordblks) {
    size_t grown = m1.uordblks - m0.uordblks;
    if (grown > (1 << 20) + (1 << 20) / 4 + ((1 << 20) / 512) * sizeof(void *))
      fail_msg("the cache holds %zu heap octets for a budget of %d", grown, 1 << 20);
  }
  assert_non_null(mimi__cache_get(c, "n19999.example.", 16, 1));
  assert_null(mimi__cache_get(c, "n0.example.", 16, 1));
  int kept = 0;
  for (int i = 0; i < 20000; i++) {
    snprintf(name, sizeof name, "n%d.example.", i);
    kept += mimi__cache_get(c, name, 16, 1) != NULL;
  }
  assert_true(kept > 1000 && kept < 20000);
  mimi__cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_put_get),
      cmocka_unit_test(test_not_cached),
      cmocka_unit_test(test_eviction),
  };
  return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
