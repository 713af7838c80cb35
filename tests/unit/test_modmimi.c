/* SPDX-License-Identifier: MIT */
/* mod-mimi's pure logic: the NSEC of a denial (next name, type bitmap,
 * RRSIG header), the cache of signed denials, and which read errors are
 * failures (plugin-knot/mimi_denial.h, plugin-knot/mimi_pure.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lmdb.h>

#include "../../plugin-knot/mimi_denial.h"
#include "../../plugin-knot/mimi_pure.h"

/* Canonical order of two lower-case wire names (RFC 4034 §6.1): <0, 0, >0. */
static int canon_cmp(const uint8_t *a, const uint8_t *b) {
  const uint8_t *la[128], *lb[128];
  int na = 0, nb = 0;
  for (const uint8_t *p = a; *p; p += 1 + *p)
    la[na++] = p;
  for (const uint8_t *p = b; *p; p += 1 + *p)
    lb[nb++] = p;
  while (na > 0 && nb > 0) {
    const uint8_t *x = la[--na], *y = lb[--nb];
    size_t n = x[0] < y[0] ? x[0] : y[0];
    int c = memcmp(x + 1, y + 1, n);
    if (c)
      return c;
    if (x[0] != y[0])
      return x[0] - y[0];
  }
  return na - nb;
}

/* A name of labels of the given lengths, filled with c, under "\3com". */
static size_t make_name(uint8_t *out, const size_t *lens, size_t n, uint8_t c) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    out[o++] = (uint8_t)lens[i];
    memset(out + o, c, lens[i]);
    o += lens[i];
  }
  memcpy(out + o, "\3com", 5);
  return o + 5;
}

static void next_is_child(void **state) {
  (void)state;
  const uint8_t owner[] = "\3abc\7example\3com";
  uint8_t out[MIMI_NAME_MAX];
  size_t n = mimi_nsec_next(owner, sizeof owner, out);
  assert_int_equal(n, sizeof owner + 2);
  assert_memory_equal(out, "\1\0\3abc\7example\3com", n);
  assert_true(canon_cmp(owner, out) < 0);
}

static void next_long_names(void **state) {
  (void)state;
  uint8_t owner[MIMI_NAME_MAX], out[MIMI_NAME_MAX];
  /* 254 octets: no child fits; the first label (62) is lengthened. */
  size_t lens1[] = {62, 63, 63, 57};
  size_t ol = make_name(owner, lens1, 4, 'a');
  assert_int_equal(ol, 254);
  size_t n = mimi_nsec_next(owner, ol, out);
  assert_int_equal(n, 255);
  assert_int_equal(out[0], 63);
  assert_int_equal(out[63], 0);
  assert_true(canon_cmp(owner, out) < 0);
  /* 255 octets with a first label of 63: its last octet raised. */
  size_t lens2[] = {63, 63, 63, 57};
  ol = make_name(owner, lens2, 4, 'b');
  assert_int_equal(ol, 255);
  n = mimi_nsec_next(owner, ol, out);
  assert_int_equal(n, 255);
  assert_int_equal(out[63], 'c');
  assert_true(canon_cmp(owner, out) < 0);
  /* Upper case is skipped: '@' + 1 would be 'A', which sorts as 'a'. */
  owner[63] = '@';
  n = mimi_nsec_next(owner, ol, out);
  assert_int_equal(out[63], '[');
  assert_true(canon_cmp(owner, out) < 0);
  /* Trailing 0xff octets are dropped, the one before raised. */
  owner[63] = 0xff;
  owner[62] = 'x';
  n = mimi_nsec_next(owner, ol, out);
  assert_int_equal(n, 254);
  assert_int_equal(out[0], 62);
  assert_int_equal(out[62], 'y');
  assert_true(canon_cmp(owner, out) < 0);
  /* A first label of only 0xff: the parent's first label lengthened. */
  size_t lens3[] = {63, 62, 63, 58};
  ol = make_name(owner, lens3, 4, 'd');
  memset(owner + 1, 0xff, 63);
  n = mimi_nsec_next(owner, ol, out);
  assert_int_equal(n, ol - 64 + 1);
  assert_int_equal(out[0], 63);
  assert_int_equal(out[63], 0);
  assert_true(canon_cmp(owner, out) < 0);
}

static void bitmap_windows(void **state) {
  (void)state;
  uint8_t out[MIMI_BITMAP_MAX];
  const uint16_t t1[] = {47, 16, 46, 16};
  assert_int_equal(mimi_nsec_bitmap(t1, 4, out, sizeof out), 8);
  assert_memory_equal(out, "\0\6\0\0\x80\0\0\3", 8);
  const uint16_t t2[] = {256, 35};
  assert_int_equal(mimi_nsec_bitmap(t2, 2, out, sizeof out), 2 + 5 + 3);
  assert_memory_equal(out, "\0\5\0\0\0\0\x10\1\1\x80", 10);
  const uint16_t t3[] = {255, 511, 1024};
  assert_int_equal(mimi_nsec_bitmap(t3, 3, out, sizeof out), 0);
  assert_int_equal(mimi_nsec_bitmap(t3, 2, out, sizeof out), MIMI_BITMAP_MAX);
  assert_int_equal(mimi_nsec_bitmap(t1, 0, out, sizeof out), 0);
}

static void name_helpers(void **state) {
  (void)state;
  uint8_t out[MIMI_NAME_MAX];
  assert_int_equal(mimi_name_lower((const uint8_t *)"\3AbC\7Example\3COM", out), 17);
  assert_memory_equal(out, "\3abc\7example\3com", 17);
  assert_int_equal(mimi_name_labels(out), 3);
  assert_int_equal(mimi_name_lower((const uint8_t *)"\100x", out), 0); /* label of 64 */
  uint8_t h[18 + 13];
  size_t n = mimi_rrsig_header(h, 47, 3, 300, 0x01020304, 0x05060708, 0xabcd,
                               (const uint8_t *)"\7example\3com", 13);
  assert_int_equal(n, 31);
  assert_memory_equal(h, "\0\x2f\x0d\3\0\0\1\x2c\1\2\3\4\5\6\7\x08\xab\xcd\7example\3com", 31);
}

static void sig_validity(void **state) {
  (void)state;
  assert_true(mimi_sig_fresh(100, 1000, 100, 450));
  assert_true(mimi_sig_fresh(100, 1000, 550, 450));
  assert_false(mimi_sig_fresh(100, 1000, 551, 450)); /* less than the margin left */
  assert_false(mimi_sig_fresh(100, 1000, 1000, 0));  /* expired */
  assert_false(mimi_sig_fresh(100, 1000, 99, 0));    /* not yet valid */
}

static void cache_hits_and_bounds(void **state) {
  (void)state;
  mimi_dcache_t c = {calloc(2 * MIMI_DCACHE_WAYS, sizeof(mimi_dentry_t)), 2, 7};
  const uint8_t o1[] = "\1a\3com", bm[] = "\0\6\0\0\x80\0\0\3", bm2[] = "\0\6\0\0\0\0\0\3";
  int hit = -1;
  mimi_dentry_t *e = mimi_dcache_get(&c, o1, sizeof o1, bm, 8, 1, 300, 1000, 50, &hit);
  assert_non_null(e);
  assert_false(hit);
  e->inception = 900, e->expiration = 1100;
  memset(e->sig, 0x5a, MIMI_SIG_LEN);
  assert_ptr_equal(mimi_dcache_get(&c, o1, sizeof o1, bm, 8, 1, 300, 1000, 50, &hit), e);
  assert_true(hit);
  /* Another bitmap, key tag or TTL is another entry. */
  assert_ptr_not_equal(mimi_dcache_get(&c, o1, sizeof o1, bm2, 8, 1, 300, 1000, 50, &hit), e);
  assert_false(hit);
  e->inception = 900, e->expiration = 1100; /* (the miss may have taken another way) */
  mimi_dentry_t *f = mimi_dcache_get(&c, o1, sizeof o1, bm, 8, 2, 300, 1000, 50, &hit);
  assert_false(hit);
  f->inception = 0, f->expiration = 0;
  /* Near its expiration: the same entry, to be signed again. */
  e = mimi_dcache_get(&c, o1, sizeof o1, bm, 8, 1, 300, 1000, 50, &hit);
  assert_true(hit);
  assert_ptr_equal(mimi_dcache_get(&c, o1, sizeof o1, bm, 8, 1, 300, 1051, 50, &hit), e);
  assert_false(hit);
  /* Bounded: many names fill at most the table; a full set loses the
   * entry that expires first. */
  for (unsigned i = 0; i < 100; i++) {
    uint8_t o[] = "\3xxx\3com";
    o[1] = (uint8_t)('a' + i % 26), o[2] = (uint8_t)('a' + i / 26);
    mimi_dentry_t *g = mimi_dcache_get(&c, o, sizeof o, bm, 8, 1, 300, 1000, 50, &hit);
    assert_non_null(g);
    assert_true(g >= c.e && g < c.e + 2 * MIMI_DCACHE_WAYS);
    g->inception = 900, g->expiration = 2000 + i;
  }
  size_t used = 0;
  for (size_t i = 0; i < 2 * MIMI_DCACHE_WAYS; i++)
    used += c.e[i].expiration >= 2000 + 100 - 2 * MIMI_DCACHE_WAYS - 20;
  assert_true(used >= MIMI_DCACHE_WAYS); /* the newest are kept */
  mimi_dcache_t none = {NULL, 0, 0};
  assert_null(mimi_dcache_get(&none, o1, sizeof o1, bm, 8, 1, 300, 1000, 50, &hit));
  free(c.e);
}

static void read_errors(void **state) {
  (void)state;
  assert_int_equal(mimi_read_rcode(0, MDB_NOTFOUND), 0);
  assert_int_equal(mimi_read_rcode(MDB_NOTFOUND, MDB_NOTFOUND), 0);
  assert_int_equal(mimi_read_rcode(MDB_CORRUPTED, MDB_NOTFOUND), 2);
  assert_int_equal(mimi_read_rcode(MDB_PAGE_NOTFOUND, MDB_NOTFOUND), 2);
  assert_int_equal(mimi_read_rcode(5 /* EIO */, MDB_NOTFOUND), 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(next_is_child),  cmocka_unit_test(next_long_names),
      cmocka_unit_test(bitmap_windows), cmocka_unit_test(name_helpers),
      cmocka_unit_test(sig_validity),   cmocka_unit_test(cache_hits_and_bounds),
      cmocka_unit_test(read_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
