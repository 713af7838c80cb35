/* SPDX-License-Identifier: MIT */
/* The DNS wire helpers of common/: byte order, wire names, base32hex. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base32hex.h"
#include "wire_endian.h"
#include "wire_name.h"

static void test_endian(void **state) {
  const uint8_t in[8] = {0x01, 0x02, 0x03, 0x04, 0xf5, 0xf6, 0xf7, 0xf8};
  uint8_t out[4] = {0};
  (void)state;
  assert_int_equal(wire_get16(in), 0x0102);
  assert_int_equal(wire_get16(in + 4), 0xf5f6);
  assert_int_equal(wire_get32(in), 0x01020304u);
  assert_int_equal(wire_get32(in + 4), 0xf5f6f7f8u);
  assert_true(wire_get64(in) == 0x01020304f5f6f7f8ull);
  wire_put16(out, 0xabcd);
  assert_memory_equal(out, "\xab\xcd\x00\x00", 4);
  wire_put32(out, 0x8000ff01u);
  assert_memory_equal(out, "\x80\x00\xff\x01", 4);
  assert_int_equal(wire_get32(out), 0x8000ff01u);
}

static void test_name_labels(void **state) {
  (void)state;
  assert_int_equal(wire_name_labels((const uint8_t *)"", 1), 0);
  assert_int_equal(wire_name_labels((const uint8_t *)"\7example\3com", 13), 2);
  assert_int_equal(wire_name_labels((const uint8_t *)"\1*\7example\3com", 15), 3);
  /* Truncated: counts what is there, reads nothing past len. */
  assert_int_equal(wire_name_labels((const uint8_t *)"\7example\3com", 9), 2);
  assert_int_equal(wire_name_labels((const uint8_t *)"\7example", 0), 0);
}

static void b32(const char *in, const char *want) {
  char out[64];
  size_t n = base32hex_encode((const uint8_t *)in, strlen(in), out);
  assert_int_equal(n, BASE32HEX_LEN(strlen(in)));
  assert_int_equal(n, strlen(want));
  assert_memory_equal(out, want, n);
}

static void test_base32hex(void **state) {
  (void)state;
  /* RFC 4648 §10, lower case, without padding (RFC 5155 §3.3). */
  b32("", "");
  b32("f", "co");
  b32("fo", "cpng");
  b32("foo", "cpnmu");
  b32("foob", "cpnmuog");
  b32("fooba", "cpnmuoj1");
  b32("foobar", "cpnmuoj1e8");
  /* A SHA-1 hash is 32 digits; all ones is the last digit 32 times. */
  uint8_t h[20];
  char out[32];
  memset(h, 0xff, sizeof h);
  assert_int_equal(base32hex_encode(h, sizeof h, out), 32);
  for (int i = 0; i < 32; i++)
    assert_int_equal(out[i], 'v');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_endian),
      cmocka_unit_test(test_name_labels),
      cmocka_unit_test(test_base32hex),
  };
  return cmocka_run_group_tests_name("wire_helpers", tests, NULL, NULL);
}
