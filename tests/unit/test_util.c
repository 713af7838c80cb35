/* SPDX-License-Identifier: MIT */
/* Internals shared by the codec: host names, percent-encoding, mimi URIs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

static void host_ok(const char *in, int min, const char *want) {
  char *out = NULL, err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi__host_canon(in, strlen(in), min, "domain", &out, err, sizeof err);
  if (st != MIMI_OK)
    fail_msg("'%s': %s", in, err);
  assert_string_equal(out, want);
  free(out);
}

static void host_bad(const char *in, int min, const char *msg_part) {
  char *out = NULL, err[MIMI_ERRLEN] = "";
  assert_int_equal(mimi__host_canon(in, strlen(in), min, "domain", &out, err, sizeof err),
                   MIMI_EBADID);
  assert_null(out);
  if (!strstr(err, msg_part))
    fail_msg("'%s': message '%s' lacks '%s'", in, err, msg_part);
}

static void test_host_canon(void **state) {
  (void)state;
  host_ok("Example.COM", 2, "example.com");
  host_ok("example.com.", 2, "example.com");
  host_ok("bücher.example", 2, "xn--bcher-kva.example");
  host_ok("xn--bcher-kva.example", 2, "xn--bcher-kva.example");
  host_ok("faß.de", 2, "xn--fa-hia.de"); /* non-transitional: ß kept */
  host_ok("localhost", 1, "localhost");
  host_bad("localhost", 2, "at least 2 labels");
  host_bad("a..b", 1, "empty label");
  host_bad("", 1, "empty");
  host_bad("-a.example", 1, "'-'");
  host_bad("a_b.example", 1, "'_'");
  host_bad("1.2.3.4", 1, "all-numeric");
  host_bad("xn--zzzz-.example", 1, "is not a valid internationalised name: string contains invalid punycode data");
  host_bad("a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop", 1,
           "at most 63");
  host_bad("\xff\xfe.example", 1, "UTF-8");
}

static void test_pct(void **state) {
  char *out = NULL, err[MIMI_ERRLEN] = "";
  mimi_buf_t b;
  (void)state;
  assert_int_equal(mimi__pct_decode("%2B1555", 7, 0, &out, err, sizeof err), MIMI_OK);
  assert_string_equal(out, "+1555");
  free(out);
  assert_int_equal(mimi__pct_decode("+1555", 5, 0, &out, err, sizeof err), MIMI_OK);
  assert_string_equal(out, "+1555");
  free(out);
  assert_int_equal(mimi__pct_decode("a%2", 3, 0, &out, err, sizeof err), MIMI_EBADID);
  assert_non_null(strstr(err, "incomplete"));
  assert_int_equal(mimi__pct_decode("a%zz", 4, 0, &out, err, sizeof err), MIMI_EBADID);
  assert_int_equal(mimi__pct_decode("a%00", 4, 0, &out, err, sizeof err), MIMI_EBADID);
  assert_int_equal(mimi__pct_decode("a%ff", 4, 0, &out, err, sizeof err), MIMI_EBADID);
  assert_int_equal(mimi__pct_decode("a b", 3, 0, &out, err, sizeof err), MIMI_EBADID);
  mimi__buf_init(&b);
  mimi__pct_encode(&b, "+1 a/ü~");
  assert_string_equal(b.p, "%2B1%20a%2F%C3%BC~");
  mimi__buf_free(&b);
}

static void test_uri(void **state) {
  char *host = NULL, *acc = NULL, err[MIMI_ERRLEN] = "";
  uint16_t port = 1;
  const char *u = "MIMI://Chat.Example.NET:8443/u/%2B1555";
  (void)state;
  assert_int_equal(mimi__uri_parse(u, strlen(u), &host, &port, &acc, err, sizeof err), MIMI_OK);
  assert_string_equal(host, "chat.example.net");
  assert_string_equal(acc, "+1555");
  assert_int_equal(port, 8443);
  free(host);
  free(acc);
  static const char *bad[] = {"mimi://a.example/x/alice", "mimi://a.example/u/",
                              "mimi://a.example/u/a/b", "mimi://u@a.example/u/a",
                              "mimi://a.example:0/u/a", "mimi://a.example:99999/u/a",
                              "mimi://a.example:/u/a", "http://a.example/u/a",
                              "mimi://[::1]/u/a", "mimi://a.example/u/a?x=1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    err[0] = '\0';
    assert_int_equal(mimi__uri_parse(bad[i], strlen(bad[i]), &host, &port, &acc, err,
                                     sizeof err), MIMI_EBADID);
    assert_null(host);
    assert_null(acc);
    assert_true(err[0] != '\0');
  }
}

static void test_show_bounds(void **state) {
  char dst[16];
  char big[200];
  (void)state;
  memset(big, 'x', sizeof big);
  mimi__show(dst, sizeof dst, big, sizeof big);
  assert_true(strlen(dst) < sizeof dst);
  assert_non_null(strstr(dst, "..."));
  mimi__show(dst, sizeof dst, "\x01\n", 2);
  assert_string_equal(dst, "\\x01\\x0a");
}

static void test_seterr_truncates(void **state) {
  char err[8];
  (void)state;
  mimi__seterr(err, sizeof err, "%s", "a long message that does not fit");
  assert_int_equal(strlen(err), 7);
  mimi__seterr(NULL, 0, "ignored %d", 1); /* must not crash */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_host_canon),  cmocka_unit_test(test_pct),
      cmocka_unit_test(test_uri),         cmocka_unit_test(test_show_bounds),
      cmocka_unit_test(test_seterr_truncates),
  };
  return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
