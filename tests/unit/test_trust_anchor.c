/* SPDX-License-Identifier: MIT */
/* Trust anchors checked before libunbound sees them (trust_anchor.c): every
 * refusal names the problem, accepted anchors come out in canonical text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/backend.h"

/* A P-256 key (64 octets) and a SHA-256 digest (32 octets), base64 / hex. */
#define KEY64 "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
#define HEX32 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void ok_str(const char *rr, const char *want_prefix) {
  mimi__tas_t t = {0};
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi__ta_add(&t, rr, 0, err, sizeof err);
  if (st != MIMI_OK)
    fail_msg("'%s': %s", rr, err);
  assert_int_equal(t.n, 1);
  if (strncmp(t.rr[0], want_prefix, strlen(want_prefix)) != 0)
    fail_msg("'%s' became '%s'", rr, t.rr[0]);
  assert_null(strchr(t.rr[0], ';')); /* no ldns comments for libunbound */
  assert_null(strchr(t.rr[0], '\n'));
  mimi__ta_clear(&t);
}

static void bad_str(const char *rr, const char *msg_part) {
  mimi__tas_t t = {0};
  char err[MIMI_ERRLEN] = "";
  assert_int_equal(mimi__ta_add(&t, rr, 2, err, sizeof err), MIMI_ECONFIG);
  assert_int_equal(t.n, 0);
  if (!strstr(err, msg_part) || !strstr(err, "trust anchor 3"))
    fail_msg("'%s': message '%s' lacks '%s' or the anchor's number", rr, err,
             msg_part);
  mimi__ta_clear(&t);
}

static void test_strings(void **state) {
  (void)state;
  ok_str("example.com. IN DS 1 13 2 " HEX32, "example.com.\t3600\tIN\tDS\t1 13 2 0123");
  ok_str("Example.COM. 60 IN DNSKEY 257 3 13 " KEY64, "Example.COM.\t60\tIN\tDNSKEY\t257 3 13");
  ok_str("example.com. IN DNSKEY 256 3 13 " KEY64, "example.com."); /* ZSK flag 256 */
  bad_str("example.com. IN DS 1 13 2 zz", "is not a DS or DNSKEY record");
  bad_str("example.com. IN A 192.0.2.1", "not a DS or DNSKEY record");
  bad_str("example.com. CH DS 1 13 2 " HEX32, "class is not IN");
  /* digest sizes: at the size, one short, one long */
  ok_str("example.com. IN DS 1 13 1 0123456789abcdef0123456789abcdef01234567", "example.com.");
  bad_str("example.com. IN DS 1 13 1 0123456789abcdef0123456789abcdef012345", "must be 20 octets, not 19");
  bad_str("example.com. IN DS 1 13 2 " HEX32 "00", "must be 32 octets, not 33");
  /* SHA-384 (RFC 6605 §2): 48 octets, and only 48. */
  ok_str("example.com. IN DS 1 14 4 " HEX32 "0123456789abcdef0123456789abcdef", "example.com.");
  bad_str("example.com. IN DS 1 14 4 " HEX32, "must be 48 octets, not 32");
  bad_str("example.com. IN DS 1 13 3 " HEX32, "DS digest type 3 is not one");
  bad_str("example.com. IN DS 1 12 2 " HEX32, "DNSSEC algorithm 12 is not one");
  bad_str("example.com. IN DS 1 99 2 " HEX32, "DNSSEC algorithm 99 is not one");
  /* keys */
  bad_str("example.com. IN DNSKEY 1 3 13 " KEY64, "without the Zone Key flag");
  bad_str("example.com. IN DNSKEY 257 2 13 " KEY64, "protocol must be 3");
  bad_str("example.com. IN DNSKEY 257 3 13 AAAA", "must be 64 octets, not 3");
  bad_str("example.com. IN DNSKEY 257 3 15 " KEY64, "algorithm 15 must be 32 octets, not 64");
  /* RSA: variable size, at least an exponent length, an exponent and a
   * modulus octet; AAAA is 3 octets (accepted), AA== is 1 (refused) */
  ok_str("example.com. IN DNSKEY 257 3 8 AAAA", "example.com.");
  bad_str("example.com. IN DNSKEY 257 3 8 AA==", "must be 3 octets, not 1");
}

static char *write_tmp(const char *text) {
  static char path[64];
  strcpy(path, "/tmp/mimi-ta-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

static void file_case(const char *text, size_t want_n, const char *msg_part) {
  mimi__tas_t t = {0};
  char err[MIMI_ERRLEN] = "";
  char *p = write_tmp(text);
  mimi_status_t st = mimi__ta_add_file(&t, p, err, sizeof err);
  unlink(p);
  if (msg_part) {
    assert_int_equal(st, MIMI_ECONFIG);
    if (!strstr(err, msg_part))
      fail_msg("message '%s' lacks '%s'", err, msg_part);
  } else {
    if (st != MIMI_OK)
      fail_msg("%s", err);
    assert_int_equal(t.n, want_n);
  }
  mimi__ta_clear(&t);
}

static void test_files(void **state) {
  (void)state;
  /* comments, $TTL, $ORIGIN with a relative owner, parentheses over lines,
   * no newline at the end */
  file_case("; anchors\n\n$TTL 300\n$ORIGIN example.com.\n@ IN DS 1 13 2 " HEX32 "\n"
            "sub IN DNSKEY 257 3 13 (\n  " KEY64 " )\n"
            "example.net. IN DS 2 13 2 " HEX32, 3, NULL);
  file_case("example.com. IN DS 1 13 2 " HEX32 "\n\n   \n; trailing comment\n", 1, NULL);
  file_case("", 0, "no DS or DNSKEY record");
  file_case("; only a comment\n", 0, "no DS or DNSKEY record");
  /* the line of the bad record is named, even after good ones */
  file_case("example.com. IN DS 1 13 2 " HEX32 "\n; x\nexample.com. IN DS 1 13 2 zz\n", 0, ":3: not a DS or DNSKEY record");
  file_case("example.com. IN DS 1 13 2 zz", 0, ":1: not a DS or DNSKEY record");
  file_case("$INCLUDE /etc/hostname\n", 0, "$INCLUDE is not supported");
  /* the cap: MIMI_MAX_TRUST_ANCHORS accepted, one more refused */
  size_t one = strlen("example.com. IN DS 1 13 2 " HEX32 "\n");
  char *big = malloc(one * (MIMI_MAX_TRUST_ANCHORS + 1) + 1);
  assert_non_null(big);
  big[0] = '\0';
  for (int i = 0; i < MIMI_MAX_TRUST_ANCHORS; i++)
    strcat(big, "example.com. IN DS 1 13 2 " HEX32 "\n");
  file_case(big, MIMI_MAX_TRUST_ANCHORS, NULL);
  strcat(big, "example.com. IN DS 1 13 2 " HEX32 "\n");
  file_case(big, 0, "more than 256 trust anchors");
  free(big);
  mimi__tas_t t = {0};
  char err[MIMI_ERRLEN] = "";
  assert_int_equal(mimi__ta_add_file(&t, "/nonexistent/ta", err, sizeof err), MIMI_ECONFIG);
  assert_non_null(strstr(err, "/nonexistent/ta: No such file"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
