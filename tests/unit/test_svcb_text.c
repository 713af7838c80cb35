/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonecheck's reading of SVCB/HTTPS presentation text
 * (zone-tools/zonecheck/svcb_text.c) against RFC 9460 Appendix D: the
 * SvcParams of the D.2 vectors in exact wire form (Figure 10's escaped
 * commas among them), the D.3 failures and the repeats of §2.2 and §8 with
 * the message naming the problem, and the records it leaves to ldns.
 * Inputs are exact-size heap copies, so a read past the text fails under
 * ASan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zonecheck.h"

static zc_svcb_text_t run(const char *text, char **head, uint8_t **p, size_t *n,
                          char *err, size_t errlen) {
  size_t len = strlen(text);
  char *copy = malloc(len ? len : 1);
  zc_svcb_text_t t;
  assert_non_null(copy);
  memcpy(copy, text, len);
  t = zc_svcb_text(copy, len, head, p, n, err, errlen);
  free(copy);
  return t;
}

/* text reads as OK with SvcParams wire (hex) and head. */
static void ok(const char *text, const char *want_head, const char *want_hex) {
  char *head = NULL, err[MIMI_ERRLEN] = "", hex[2048] = "";
  uint8_t *p = NULL;
  size_t n = 0;
  zc_svcb_text_t t = run(text, &head, &p, &n, err, sizeof err);
  if (t != ZC_SVCB_OK)
    fail_msg("'%s': %d (%s)", text, (int)t, err);
  for (size_t i = 0; i < n && 2 * i + 2 < sizeof hex; i++)
    snprintf(hex + 2 * i, 3, "%02x", p[i]);
  assert_string_equal(hex, want_hex);
  assert_string_equal(head, want_head);
  free(head);
  free(p);
}

/* text is refused with a message holding want. */
static void bad(const char *text, const char *want) {
  char *head = NULL, err[MIMI_ERRLEN] = "";
  uint8_t *p = NULL;
  size_t n = 0;
  zc_svcb_text_t t = run(text, &head, &p, &n, err, sizeof err);
  if (t != ZC_SVCB_BAD)
    fail_msg("'%s': %d, not refused", text, (int)t);
  assert_null(p);
  assert_non_null(head);
  if (!strstr(err, want))
    fail_msg("'%s': message '%s' lacks '%s'", text, err, want);
  free(head);
}

static void not_svcb(const char *text) {
  char *head = NULL, err[MIMI_ERRLEN] = "";
  uint8_t *p = NULL;
  size_t n = 0;
  assert_int_equal(run(text, &head, &p, &n, err, sizeof err), ZC_SVCB_NOT);
  assert_null(head);
  assert_null(p);
}

#define O "example.com. SVCB 16 foo.example.org."

static void test_rfc9460_d2(void **state) {
  (void)state;
  /* Figure 2, 3: AliasMode, no params. */
  ok("example.com.   HTTPS   0 foo.example.com.\n", "example.com. HTTPS 0 foo.example.com.", "");
  ok("example.com.   SVCB   1 .", "example.com. SVCB 1 .", "");
  /* Figure 5, 6: a port; an unknown key. */
  ok("example.com.   SVCB   16 foo.example.com. port=53", "example.com. SVCB 16 foo.example.com.",
     "00030002" "0035");
  ok("example.com.   SVCB   1 foo.example.com. key667=hello",
     "example.com. SVCB 1 foo.example.com.", "029b0005" "68656c6c6f");
  /* Figure 7: a quoted value with a decimal escape. */
  ok("example.com.   SVCB   1 foo.example.com. key667=\"hello\\210qoo\"",
     "example.com. SVCB 1 foo.example.com.", "029b0009" "68656c6c6fd2716f6f");
  /* Figure 8: two IPv6 hints; one with an embedded IPv4 address. */
  ok("example.com.   SVCB   1 foo.example.com. ( ipv6hint=\"2001:db8::1,2001:db8::53:1\" )",
     "example.com. SVCB 1 foo.example.com.",
     "00060020" "20010db8000000000000000000000001" "20010db8000000000000000000530001");
  ok("example.com.   SVCB   1 example.com. ( ipv6hint=\"2001:db8:122:344::192.0.2.33\" )",
     "example.com. SVCB 1 example.com.", "00060010" "20010db80122034400000000c0000221");
  /* Figure 9: keys out of order, mandatory out of order: wire ascending. */
  ok(O " ( alpn=h2,h3-19 mandatory=ipv4hint,alpn\n      ipv4hint=192.0.2.1 )", O,
     "00000004" "00010004" "00010009" "026832" "0568332d3139" "00040004" "c0000201");
  /* Figure 10: escaped commas in alpn, in both spellings (Appendix A.1). */
  ok(O " alpn=\"f\\\\\\\\oo\\\\,bar,h2\"", O, "0001000c" "08665c6f6f2c626172" "026832");
  ok(O " alpn=f\\\\\\092oo\\092,bar,h2", O, "0001000c" "08665c6f6f2c626172" "026832");
}

static void test_value_lists(void **state) {
  (void)state;
  /* Appendix A.1: "\," unquoted is a plain comma after the first step. */
  ok(O " alpn=h2,part\\,two", O, "0001000c" "026832" "0470617274" "0374776f");
  ok(O " alpn=\"h2,http\\\\,1.1\"", O, "0001000c" "026832" "08687474702c312e31");
  ok(O " alpn=\"h2,http\\\\,\"", O, "00010009" "026832" "05687474702c");
  ok(O " no-default-alpn alpn=h2", O, "00010003" "026832" "00020000");
  ok(O " ech=AEP+DQA/", O, "00050006" "0043fe0d003f");
  ok(O " key65535=\"\"", O, "ffff0000"); /* reserved: the codec refuses it */
  ok(O " key7", O, "00070000");
  bad(O " alpn=h2,part\\,,two", "alpn: an empty item in the list (RFC 9460 Appendix A.1)");
  bad(O " alpn=h2,", "alpn: an empty item");
  bad(O " alpn=", "alpn: an empty item");
  bad(O " ipv4hint=192.0.2.1,2001:db8::1", "ipv4hint: '2001:db8::1' is not an IPv4 address");
  bad(O " port=65536", "port: 65536 is above 65535");
  bad(O " port=44x", "port: '44x' is not a number");
  bad(O " ech=AEP", "ech: the value is not base64");
  bad(O " ech=AE=P", "ech: the value is not base64");
  bad(O " alpn=\"h2", "a quoted value is not closed");
  bad(O " key667=\\25", "\\DDD, three digits");
  bad(O " key667=\\256", "\\256 is not an octet");
  bad(O " ALPN=h2", "'ALPN' is not a SvcParamKey");
  bad(O " key07=x", "'key07' is not a SvcParamKey");
  bad(O " key65536=x", "'key65536' is not a SvcParamKey");
}

static void test_rfc9460_d3_and_repeats(void **state) {
  (void)state;
  /* D.3 Figure 11: a repeated key; §2.2. */
  bad("example.com. SVCB 1 foo.example.com. ( key123=abc key123=def )",
      "SvcParamKey key123 appears more than once; each key at most once (RFC 9460 §2.2)");
  bad(O " alpn=h2 port=1 alpn=h3", "SvcParamKey alpn appears more than once");
  bad(O " port=443 port=443", "SvcParamKey port appears more than once");
  bad(O " key1=h2 alpn=h3", "SvcParamKey alpn appears more than once");
  /* Figure 12: keys without their mandatory values. */
  bad("example.com. SVCB 1 foo.example.com. mandatory", "mandatory needs a value");
  bad("example.com. SVCB 1 foo.example.com. alpn", "alpn needs a value");
  bad("example.com. SVCB 1 foo.example.com. port", "port needs a value");
  bad("example.com. SVCB 1 foo.example.com. ipv4hint", "ipv4hint needs a value");
  bad("example.com. SVCB 1 foo.example.com. ipv6hint", "ipv6hint needs a value");
  /* Figure 13: a value where none is allowed. */
  bad("example.com. SVCB 1 foo.example.com. no-default-alpn=abc",
      "no-default-alpn takes no value");
  /* Figure 16: a key twice in mandatory; §8. */
  bad("example.com. SVCB 1 foo.example.com. ( mandatory=key123,key123 key123=abc )",
      "mandatory lists key123 twice (RFC 9460 §8)");
  bad(O " mandatory=alpn,port,alpn alpn=h2 port=1", "mandatory lists alpn twice");
  /* Figures 14, 15: for the codec (read as written). */
  ok("example.com. SVCB 1 foo.example.com. mandatory=key123", "example.com. SVCB 1 foo.example.com.",
     "00000002" "007b");
  ok("example.com. SVCB 1 foo.example.com. mandatory=mandatory",
     "example.com. SVCB 1 foo.example.com.", "00000002" "0000");
}

static void test_record_shapes(void **state) {
  (void)state;
  /* No owner (a leading blank), TTL and class in either order, comments. */
  ok("  3600 IN SVCB 1 . port=1", "  3600 IN SVCB 1 .", "00030002" "0001");
  ok("_mimi IN 60 svcb 1 . ; alpn=h2 alpn=h2\n", "_mimi IN 60 svcb 1 .", "");
  ok("_mimi TYPE64 1 . port=\"8443\" ; \"", "_mimi TYPE64 1 .", "00030002" "20fb");
  ok("svcb HTTPS 1 . ( ; (\n alpn=h3 )", "svcb HTTPS 1 .", "00010003" "026833");
  /* Left to ldns: other types, the RFC 3597 form, no target. */
  not_svcb("example.com. A 192.0.2.1");
  not_svcb("example.com. 3600 IN TXT \"SVCB\"");
  not_svcb("example.com. 1 2 3 SVCB 1 .");
  not_svcb("example.com. SVCB \\# 3 000000");
  not_svcb("example.com. SVCB 1");
  not_svcb("");
  not_svcb("\"example.com. SVCB 1 .");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc9460_d2),
      cmocka_unit_test(test_value_lists),
      cmocka_unit_test(test_rfc9460_d3_and_repeats),
      cmocka_unit_test(test_record_shapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
