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

/* The engine computes a key's hash once per query; so do these. */
static const mimi__centry_t *get(mimi__cache_t *c, const char *name, uint16_t qtype,
                                 int64_t now) {
  return mimi__cache_get(c, name, qtype, mimi__cache_hash(name, qtype), now);
}

static void put(mimi__cache_t *c, const char *name, uint16_t qtype, const mimi__answer_t *a,
                int64_t now) {
  mimi__cache_put(c, name, qtype, mimi__cache_hash(name, qtype), a, now);
}

static void test_put_get(void **state) {
  (void)state;
  static const uint8_t r0[] = "\x07v=MIMI1", r1[] = "\x03" "abc";
  const uint8_t *rd[] = {r0, r1};
  const size_t len[] = {8, 4};
  mimi__cache_t *c = mimi__cache_new(1 << 20);
  mimi__answer_t a = answer(0, MIMI_DNSSEC_SECURE, 60, rd, len, 2), b;
  assert_non_null(c);
  assert_null(get(c, "a.example.", 16, 1000));
  put(c, "A.Example.", 16, &a, 1000);
  /* Names compare case-insensitively; types do not mix. */
  const mimi__centry_t *e = get(c, "a.EXAMPLE.", 16, 2000);
  assert_non_null(e);
  assert_null(get(c, "a.example.", 1, 2000));
  mimi__cache_answer(e, 31000, &b);
  assert_int_equal(b.rcode, 0);
  assert_int_equal(b.sec, MIMI_DNSSEC_SECURE);
  assert_int_equal(b.ttl, 30); /* the TTL left */
  assert_int_equal(b.n, 2);
  assert_memory_equal(b.rdata[0], r0, 8);
  assert_int_equal(b.rdlen[1], 4);
  assert_memory_equal(b.rdata[1], r1, 4);
  /* Expired after its TTL. */
  assert_null(get(c, "a.example.", 16, 61000));
  mimi__cache_free(c);
}

/* The key ignores ASCII case, and only ASCII case, at every length and
 * position (the hash folds eight octets at a time). */
static void test_hash_case(void **state) {
  (void)state;
  char a[40], b[40];
  for (size_t n = 1; n < sizeof a; n++) {
    for (size_t i = 0; i < n; i++) {
      a[i] = (char)('a' + (i * 7) % 26);
      b[i] = (char)(i % 3 ? a[i] - 'a' + 'A' : a[i]);
    }
    a[n] = b[n] = '\0';
    assert_true(mimi__cache_hash(a, 16) == mimi__cache_hash(b, 16));
    assert_true(mimi__cache_hash(a, 16) != mimi__cache_hash(a, 1));
    /* One octet changed, anywhere: another key. */
    for (size_t i = 0; i < n; i++) {
      b[i] = '0';
      assert_true(mimi__cache_hash(a, 16) != mimi__cache_hash(b, 16));
      b[i] = a[i];
    }
  }
  /* Octets next to the letters, and letters with the high bit set, are not
   * folded: '@' is not '`', '[' is not '{', 0xC1 is not 0xE1. */
  assert_true(mimi__cache_hash("x@y", 16) != mimi__cache_hash("x`y", 16));
  assert_true(mimi__cache_hash("x[y", 16) != mimi__cache_hash("x{y", 16));
  assert_true(mimi__cache_hash("x\xc1y", 16) != mimi__cache_hash("x\xe1y", 16));
  /* A key that differs only in case finds the entry, one that differs by
   * 0x20 elsewhere does not. */
  static const uint8_t r0[] = "\x07v=MIMI1";
  const uint8_t *rd[] = {r0};
  const size_t len[] = {8};
  mimi__cache_t *c = mimi__cache_new(1 << 20);
  mimi__answer_t x = answer(0, MIMI_DNSSEC_SECURE, 60, rd, len, 1);
  put(c, "ab@cdefghijklmnopqrstuvwxyz.example.", 16, &x, 0);
  assert_non_null(get(c, "AB@CDEFGHIJKLMNOPQRSTUVWXYZ.EXAMPLE.", 16, 1));
  assert_null(get(c, "ab`cdefghijklmnopqrstuvwxyz.example.", 16, 1));
  mimi__cache_free(c);
}

/* The entries' memory: blocks reused by size class, aligned, apart; the
 * large ones and those past the cap from the heap (released to it). */
static void test_arena(void **state) {
  (void)state;
  enum { N = 2320 };
  static uint8_t *p[N];
  /* Room for the first chunk (256 KiB) and one more (2 MiB). */
  mimi__arena_t *a = mimi__arena_new(((size_t)256 << 10) + ((size_t)2 << 20));
  assert_non_null(a);
  uint8_t *x = mimi__arena_alloc(a, 100);
  assert_true(mimi__arena_owns(a, x));
  mimi__arena_release(a, x, 100);
  assert_ptr_equal(mimi__arena_alloc(a, 97), x);  /* the same class: reused */
  uint8_t *y = mimi__arena_alloc(a, 200);         /* another class: not */
  assert_true(y != x && mimi__arena_owns(a, y));
  mimi__arena_release(a, x, 97);
  mimi__arena_release(a, y, 200);
  uint8_t *big = mimi__arena_alloc(a, MIMI__ARENA_MAX_BLOCK + 1);
  assert_non_null(big);
  assert_false(mimi__arena_owns(a, big));
  mimi__arena_release(a, big, MIMI__ARENA_MAX_BLOCK + 1);
  /* Fill both chunks with the largest blocks, then some: those come from
   * the heap. Each block keeps what was written to it. */
  size_t owned = 0;
  for (size_t i = 0; i < N; i++) {
    assert_non_null(p[i] = mimi__arena_alloc(a, MIMI__ARENA_MAX_BLOCK));
    assert_int_equal((uintptr_t)p[i] % 16, 0);
    memset(p[i], (int)(i & 0xff), MIMI__ARENA_MAX_BLOCK);
    owned += (size_t)mimi__arena_owns(a, p[i]);
  }
  /* The two blocks freed above are of other classes: the first chunk holds
   * 255 more (112 + 208 octets are taken), the second 2048. */
  assert_int_equal(owned, 255 + 2048);
  assert_true(mimi__arena_owns(a, p[254]) && mimi__arena_owns(a, p[255]));
  assert_int_equal((uintptr_t)p[255] % ((size_t)2 << 20), 0); /* aligned */
  assert_false(mimi__arena_owns(a, p[N - 1]));
  for (size_t i = 0; i < N; i++) {
    for (size_t k = 0; k < MIMI__ARENA_MAX_BLOCK; k += 97)
      assert_int_equal(p[i][k], (uint8_t)(i & 0xff));
    mimi__arena_release(a, p[i], MIMI__ARENA_MAX_BLOCK);
  }
  mimi__arena_free(a);
}

static void test_not_cached(void **state) {
  (void)state;
  mimi__cache_t *c = mimi__cache_new(1 << 20);
  mimi__answer_t a = answer(0, MIMI_DNSSEC_BOGUS, 60, NULL, NULL, 0);
  put(c, "bogus.example.", 16, &a, 0);
  assert_null(get(c, "bogus.example.", 16, 1));
  a = answer(2, MIMI_DNSSEC_SECURE, 60, NULL, NULL, 0); /* SERVFAIL */
  put(c, "sf.example.", 16, &a, 0);
  assert_null(get(c, "sf.example.", 16, 1));
  a = answer(-1, MIMI_DNSSEC_UNCHECKED, 60, NULL, NULL, 0);
  a.fail = MIMI_FAIL_TIMEOUT;
  put(c, "to.example.", 16, &a, 0);
  assert_null(get(c, "to.example.", 16, 1));
  a = answer(0, MIMI_DNSSEC_SECURE, 0, NULL, NULL, 0); /* TTL 0 */
  put(c, "zero.example.", 16, &a, 0);
  assert_null(get(c, "zero.example.", 16, 0));
  /* NXDOMAIN (RFC 2308) is kept, with its status. */
  a = answer(3, MIMI_DNSSEC_INSECURE, 300, NULL, NULL, 0);
  put(c, "nx.example.", 16, &a, 0);
  const mimi__centry_t *e = get(c, "nx.example.", 16, 1);
  assert_non_null(e);
  mimi__answer_t b;
  mimi__cache_answer(e, 1, &b);
  assert_int_equal(b.rcode, 3);
  assert_int_equal(b.sec, MIMI_DNSSEC_INSECURE);
  /* A huge TTL is capped at a day. */
  a = answer(0, MIMI_DNSSEC_SECURE, 4000000000u, NULL, NULL, 0);
  put(c, "long.example.", 16, &a, 0);
  assert_non_null(get(c, "long.example.", 16, 86399000));
  assert_null(get(c, "long.example.", 16, 86400000));
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
    put(c, name, 16, &a, 0);
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
  assert_non_null(get(c, "n19999.example.", 16, 1));
  assert_null(get(c, "n0.example.", 16, 1));
  int kept = 0;
  for (int i = 0; i < 20000; i++) {
    snprintf(name, sizeof name, "n%d.example.", i);
    kept += get(c, name, 16, 1) != NULL;
  }
  assert_true(kept > 1000 && kept < 20000);
  mimi__cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_put_get),
      cmocka_unit_test(test_hash_case),
      cmocka_unit_test(test_arena),
      cmocka_unit_test(test_not_cached),
      cmocka_unit_test(test_eviction),
  };
  return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
