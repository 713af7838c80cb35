/* SPDX-License-Identifier: MIT */
/* SVCB/HTTPS RDATA decoding and presentation (RFC 9460; MIMI-DNS/1 §5). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

/* Wire names used by the RFC 9460 Appendix D vectors. */
#define FOO_EXAMPLE_COM \
  3, 'f', 'o', 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0
#define FOO_EXAMPLE_ORG \
  3, 'f', 'o', 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0
#define EXAMPLE_COM 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0

/* ---- RFC 9460 Appendix D.1 and D.2, wire forms from the RFC ---------------- */

/* Figure 2: example.com. HTTPS 0 foo.example.com. */
static const uint8_t fig2[] = {0x00, 0x00, FOO_EXAMPLE_COM};
/* Figure 3: example.com. SVCB 1 . */
static const uint8_t fig3[] = {0x00, 0x01, 0x00};
/* Figure 4: example.com. SVCB 16 foo.example.com. port=53 */
static const uint8_t fig4[] = {0x00, 0x10, FOO_EXAMPLE_COM, 0x00, 0x03,
                               0x00, 0x02, 0x00, 0x35};
/* Figure 5: example.com. SVCB 1 foo.example.com. key667=hello */
static const uint8_t fig5[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0x02, 0x9b, 0x00,
                               0x05, 'h',  'e',  'l',  'l',  'o'};
/* Figure 6: example.com. SVCB 1 foo.example.com. key667="hello\210qoo" */
static const uint8_t fig6[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0x02, 0x9b, 0x00,
                               0x09, 'h',  'e',  'l',  'l',  'o',  0xd2, 'q',
                               'o',  'o'};
/* Figure 7: example.com. SVCB 1 foo.example.com.
 *           ipv6hint="2001:db8::1,2001:db8::53:1" */
static const uint8_t fig7[] = {
    0x00, 0x01, FOO_EXAMPLE_COM, 0x00, 0x06, 0x00, 0x20,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x53, 0x00, 0x01};
/* Figure 8: example.com. SVCB 1 example.com.
 *           ipv6hint="2001:db8:122:344::192.0.2.33" */
static const uint8_t fig8[] = {0x00, 0x01, EXAMPLE_COM, 0x00, 0x06, 0x00, 0x10,
                               0x20, 0x01, 0x0d, 0xb8, 0x01, 0x22, 0x03, 0x44,
                               0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x21};
/* Figure 9: example.com. SVCB 16 foo.example.org. (alpn=h2,h3-19
 *           mandatory=ipv4hint,alpn ipv4hint=192.0.2.1) */
static const uint8_t fig9[] = {
    0x00, 0x10, FOO_EXAMPLE_ORG,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x04,              /* mandatory */
    0x00, 0x01, 0x00, 0x09, 2, 'h', '2', 5, 'h', '3', '-', '1', '9', /* alpn */
    0x00, 0x04, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x01};             /* ipv4hint */
/* Figure 10: example.com. SVCB 16 foo.example.org. alpn="f\\\\oo\\,bar,h2"
 *        and example.com. SVCB 16 foo.example.org. alpn=f\\\092oo\092,bar,h2 */
static const uint8_t fig10[] = {0x00, 0x10, FOO_EXAMPLE_ORG, 0x00, 0x01, 0x00,
                                0x0c, 8,    'f',  '\\', 'o',  'o',  ',',  'b',
                                'a',  'r',  2,    'h',  '2'};

/* ---- helpers ---------------------------------------------------------------- */

static mimi_svcb_t *decode_ok(const uint8_t *w, size_t len) {
  mimi_svcb_t *s = NULL;
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_svcb_decode(w, len, &s, err, sizeof err);
  if (st != MIMI_OK)
    fail_msg("decode failed (%d): %s", (int)st, err);
  assert_non_null(s);
  return s;
}

/* The exact message is part of the contract: people read it. */
static void decode_bad(const uint8_t *w, size_t len, const char *msg) {
  mimi_svcb_t *s = (mimi_svcb_t *)1;
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_svcb_decode(w, len, &s, err, sizeof err);
  if (st != MIMI_EBADRECORD)
    fail_msg("expected EBADRECORD ('%s'), got %d", msg, (int)st);
  assert_null(s);
  if (strcmp(err, msg) != 0)
    fail_msg("message\n  '%s'\nexpected\n  '%s'", err, msg);
}

static void format_is(const mimi_svcb_t *s, const char *want) {
  char *text = NULL;
  assert_int_equal(mimi_svcb_format(s, &text), MIMI_OK);
  assert_string_equal(text, want);
  mimi_free(text);
}

/* ---- D.1 / D.2 ---------------------------------------------------------------- */

static void test_d1_alias(void **state) {
  mimi_svcb_t *s = decode_ok(fig2, sizeof fig2);
  (void)state;
  assert_int_equal(mimi_svcb_priority(s), 0);
  assert_true(mimi_svcb_is_alias(s));
  assert_string_equal(mimi_svcb_target(s), "foo.example.com.");
  assert_int_equal(mimi_svcb_param_count(s), 0);
  assert_int_equal(mimi_svcb_usable(s), 1);
  format_is(s, "0 foo.example.com.");
  mimi_svcb_free(s);
}

static void test_d2_root_target(void **state) {
  mimi_svcb_t *s = decode_ok(fig3, sizeof fig3);
  (void)state;
  assert_int_equal(mimi_svcb_priority(s), 1);
  assert_false(mimi_svcb_is_alias(s));
  assert_string_equal(mimi_svcb_target(s), ".");
  assert_int_equal(mimi_svcb_param_count(s), 0);
  assert_int_equal(mimi_svcb_alpn_count(s), 0);
  assert_int_equal(mimi_svcb_port(s), 0);
  assert_int_equal(mimi_svcb_usable(s), 1);
  format_is(s, "1 .");
  mimi_svcb_free(s);
}

static void test_d2_port(void **state) {
  mimi_svcb_t *s = decode_ok(fig4, sizeof fig4);
  size_t len = 99;
  const uint8_t *v;
  (void)state;
  assert_int_equal(mimi_svcb_priority(s), 16);
  assert_string_equal(mimi_svcb_target(s), "foo.example.com.");
  assert_int_equal(mimi_svcb_param_count(s), 1);
  assert_int_equal(mimi_svcb_param_key(s, 0), MIMI_SVCB_KEY_PORT);
  v = mimi_svcb_param_value(s, 0, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(v, "\x00\x35", 2);
  assert_true(mimi_svcb_has_key(s, MIMI_SVCB_KEY_PORT));
  assert_false(mimi_svcb_has_key(s, MIMI_SVCB_KEY_ALPN));
  assert_int_equal(mimi_svcb_port(s), 53);
  format_is(s, "16 foo.example.com. port=53");
  mimi_svcb_free(s);
}

static void test_d2_unknown_key(void **state) {
  mimi_svcb_t *s = decode_ok(fig5, sizeof fig5);
  size_t len = 0;
  (void)state;
  assert_int_equal(mimi_svcb_param_count(s), 1);
  assert_int_equal(mimi_svcb_param_key(s, 0), 667);
  assert_memory_equal(mimi_svcb_param_value(s, 0, &len), "hello", 5);
  assert_int_equal(len, 5);
  assert_true(mimi_svcb_has_key(s, 667));
  assert_null(mimi_svcb_key_name(667));
  format_is(s, "1 foo.example.com. key667=hello");
  mimi_svcb_free(s);

  s = decode_ok(fig6, sizeof fig6);
  assert_memory_equal(mimi_svcb_param_value(s, 0, &len), "hello\xd2qoo", 9);
  assert_int_equal(len, 9);
  format_is(s, "1 foo.example.com. key667=\"hello\\210qoo\"");
  mimi_svcb_free(s);
}

static void test_d2_ipv6hints(void **state) {
  static const uint8_t a1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0, 0, 0, 1};
  static const uint8_t a2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0,    0, 0,
                                 0,    0,    0,    0,    0, 0x53, 0, 1};
  mimi_svcb_t *s = decode_ok(fig7, sizeof fig7);
  (void)state;
  assert_int_equal(mimi_svcb_ipv6hint_count(s), 2);
  assert_memory_equal(mimi_svcb_ipv6hint(s, 0), a1, 16);
  assert_memory_equal(mimi_svcb_ipv6hint(s, 1), a2, 16);
  assert_null(mimi_svcb_ipv6hint(s, 2));
  assert_int_equal(mimi_svcb_ipv4hint_count(s), 0);
  assert_null(mimi_svcb_ipv4hint(s, 0));
  format_is(s, "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1");
  mimi_svcb_free(s);

  /* Figure 8's embedded-IPv4 text is one of several forms of the address;
   * inet_ntop gives the RFC 5952 one. */
  s = decode_ok(fig8, sizeof fig8);
  assert_string_equal(mimi_svcb_target(s), "example.com.");
  assert_int_equal(mimi_svcb_ipv6hint_count(s), 1);
  format_is(s, "1 example.com. ipv6hint=2001:db8:122:344::c000:221");
  mimi_svcb_free(s);
}

static void test_d2_sorted_mandatory(void **state) {
  static const uint8_t v4[4] = {192, 0, 2, 1};
  mimi_svcb_t *s = decode_ok(fig9, sizeof fig9);
  size_t len = 0;
  (void)state;
  assert_int_equal(mimi_svcb_priority(s), 16);
  assert_string_equal(mimi_svcb_target(s), "foo.example.org.");
  assert_int_equal(mimi_svcb_param_count(s), 3);
  assert_int_equal(mimi_svcb_param_key(s, 0), MIMI_SVCB_KEY_MANDATORY);
  assert_int_equal(mimi_svcb_param_key(s, 1), MIMI_SVCB_KEY_ALPN);
  assert_int_equal(mimi_svcb_param_key(s, 2), MIMI_SVCB_KEY_IPV4HINT);
  assert_int_equal(mimi_svcb_param_key(s, 3), 65535);
  assert_int_equal(mimi_svcb_mandatory_count(s), 2);
  assert_int_equal(mimi_svcb_mandatory(s, 0), MIMI_SVCB_KEY_ALPN);
  assert_int_equal(mimi_svcb_mandatory(s, 1), MIMI_SVCB_KEY_IPV4HINT);
  assert_int_equal(mimi_svcb_mandatory(s, 2), 65535);
  assert_int_equal(mimi_svcb_alpn_count(s), 2);
  assert_string_equal(mimi_svcb_alpn(s, 0, &len), "h2");
  assert_int_equal(len, 2);
  assert_string_equal(mimi_svcb_alpn(s, 1, &len), "h3-19");
  assert_int_equal(len, 5);
  assert_null(mimi_svcb_alpn(s, 2, &len));
  assert_false(mimi_svcb_no_default_alpn(s));
  assert_int_equal(mimi_svcb_ipv4hint_count(s), 1);
  assert_memory_equal(mimi_svcb_ipv4hint(s, 0), v4, 4);
  assert_int_equal(mimi_svcb_usable(s), 1);
  format_is(s, "16 foo.example.org. mandatory=alpn,ipv4hint alpn=h2,h3-19 "
               "ipv4hint=192.0.2.1");
  mimi_svcb_free(s);
}

static void test_d2_escaped_alpn(void **state) {
  mimi_svcb_t *s = decode_ok(fig10, sizeof fig10);
  size_t len = 0;
  (void)state;
  assert_int_equal(mimi_svcb_alpn_count(s), 2);
  assert_string_equal(mimi_svcb_alpn(s, 0, &len), "f\\oo,bar");
  assert_int_equal(len, 8);
  assert_string_equal(mimi_svcb_alpn(s, 1, &len), "h2");
  /* The first of the RFC's two presentation forms, exactly. */
  format_is(s, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"");
  mimi_svcb_free(s);
}

/* ---- D.3 failure cases, in wire form ---------------------------------------- */

static void test_d3_failures(void **state) {
  /* key123=abc key123=def: a repeated key */
  static const uint8_t dup[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0x00, 0x7b, 0x00, 0x03,
                                'a',  'b',  'c',  0x00, 0x7b, 0x00, 0x03,
                                'd',  'e',  'f'};
  /* mandatory, alpn, port, ipv4hint, ipv6hint without a value */
  static const uint8_t no_mand[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 0, 0, 0};
  static const uint8_t no_alpn[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 1, 0, 0};
  static const uint8_t no_port[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 3, 0, 0};
  static const uint8_t no_v4[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 4, 0, 0};
  static const uint8_t no_v6[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 6, 0, 0};
  /* no-default-alpn=abc (with an alpn, so that only the value is wrong) */
  static const uint8_t nda_val[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 1, 0, 3, 2,
                                    'h',  '2',  0,  2,  0,  3,  'a', 'b', 'c'};
  /* mandatory=key123 without key123 */
  static const uint8_t mand_absent[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 0, 0, 2,
                                        0x00, 0x7b};
  /* mandatory=mandatory */
  static const uint8_t mand_self[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 0, 0, 2,
                                      0x00, 0x00};
  /* mandatory=key123,key123 key123=abc */
  static const uint8_t mand_dup[] = {0x00, 0x01, FOO_EXAMPLE_COM, 0, 0, 0, 4,
                                     0x00, 0x7b, 0x00, 0x7b, 0x00, 0x7b, 0, 3,
                                     'a',  'b',  'c'};
  (void)state;
  decode_bad(dup, sizeof dup,
             "svcparam key 123 follows key 123; keys must be strictly "
             "ascending, without repeats (RFC 9460 §2.2)");
  decode_bad(no_mand, sizeof no_mand,
             "mandatory: value has 0 octets; it must be a non-empty list of "
             "2-octet keys (RFC 9460 §8)");
  decode_bad(no_alpn, sizeof no_alpn,
             "alpn: value is empty; it must list at least one alpn-id "
             "(RFC 9460 §7.1.1)");
  decode_bad(no_port, sizeof no_port,
             "port: value has 0 octets; it must be exactly 2 (RFC 9460 §7.2)");
  decode_bad(no_v4, sizeof no_v4,
             "ipv4hint: value has 0 octets; it must be a non-zero multiple of "
             "4 (RFC 9460 §7.3)");
  decode_bad(no_v6, sizeof no_v6,
             "ipv6hint: value has 0 octets; it must be a non-zero multiple of "
             "16 (RFC 9460 §7.3)");
  decode_bad(nda_val, sizeof nda_val,
             "no-default-alpn: value has 3 octets; it must be empty "
             "(RFC 9460 §7.1.1)");
  decode_bad(mand_absent, sizeof mand_absent,
             "mandatory lists key 123, which the record does not have "
             "(RFC 9460 §8)");
  decode_bad(mand_self, sizeof mand_self,
             "mandatory lists key 0 (mandatory) itself (RFC 9460 §8)");
  decode_bad(mand_dup, sizeof mand_dup,
             "mandatory lists key 123 after key 123; the list must be strictly "
             "ascending, without repeats (RFC 9460 §8)");
  /* "ech=abc,def" and "mandatory=bogus" are presentation-only failures
   * (bad base64, unknown key name): they have no wire form. */
}

/* ---- truncation ------------------------------------------------------------ */

/*
 * Every prefix of a valid record must fail cleanly, except those that end
 * exactly at a field boundary and so are complete records themselves
 * (listed in ok[]); those must decode to the params fully contained.
 */
static void prefixes(const uint8_t *w, size_t len, const size_t *ok, size_t nok,
                     const size_t *ok_params) {
  for (size_t n = 0; n < len; n++) {
    mimi_svcb_t *s = NULL;
    char err[MIMI_ERRLEN] = "";
    uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    size_t k;
    mimi_status_t st;
    assert_non_null(copy);
    memcpy(copy, w, n);
    st = mimi_svcb_decode(copy, n, &s, err, sizeof err);
    for (k = 0; k < nok && ok[k] != n; k++)
      ;
    if (k < nok) {
      if (st != MIMI_OK)
        fail_msg("prefix %zu: %s", n, err);
      assert_int_equal(mimi_svcb_param_count(s), ok_params[k]);
    } else {
      if (st != MIMI_EBADRECORD)
        fail_msg("prefix %zu of %zu decoded (%d)", n, len, (int)st);
      assert_null(s);
      assert_true(err[0] != '\0');
    }
    mimi_svcb_free(s);
    free(copy);
  }
}

static void test_truncation(void **state) {
  /* Figure 9: only "16 foo.example.org." (19 octets) is complete: the other
   * boundaries leave a mandatory key missing. */
  static const size_t ok9[] = {19}, p9[] = {0};
  static const size_t ok7[] = {19}, p7[] = {0};
  static const size_t ok10[] = {19}, p10[] = {0};
  static const uint8_t two[] = {0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x02, 0x01,
                                0xbb, 0x00, 0x05, 0x00, 0x02, 0xab, 0xcd};
  static const size_t oktwo[] = {3, 9}, ptwo[] = {0, 1};
  (void)state;
  prefixes(fig9, sizeof fig9, ok9, 1, p9);
  prefixes(fig7, sizeof fig7, ok7, 1, p7);
  prefixes(fig10, sizeof fig10, ok10, 1, p10);
  prefixes(two, sizeof two, oktwo, 2, ptwo);
  prefixes(fig2, sizeof fig2, NULL, 0, NULL); /* AliasMode: target cut */
}

static void test_truncation_messages(void **state) {
  static const uint8_t port_short[] = {0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x02, 0x01};
  static const uint8_t len_short[] = {0x00, 0x01, 0x00, 0x00, 0x03, 0x00};
  static const uint8_t key_short[] = {0x00, 0x01, 0x00, 0x00};
  static const uint8_t label_short[] = {0x00, 0x01, 0x03, 'f', 'o'};
  static const uint8_t no_root[] = {0x00, 0x01, 0x03, 'f', 'o', 'o'};
  static const uint8_t one[] = {0x00};
  (void)state;
  decode_bad(port_short, sizeof port_short,
             "svcparam key 3 (port) claims 2 octets but 1 remain");
  decode_bad(len_short, sizeof len_short,
             "svcparam key 3 (port) is truncated: its length needs 2 octets "
             "but 1 remain");
  decode_bad(key_short, sizeof key_short,
             "svcparam at offset 3 is truncated: its key needs 2 octets but 1 "
             "remains");
  decode_bad(label_short, sizeof label_short,
             "TargetName label at offset 2 claims 3 octets but 2 remain");
  decode_bad(no_root, sizeof no_root,
             "TargetName is truncated: the RDATA ends at offset 6 before the "
             "root label");
  decode_bad(one, sizeof one,
             "SVCB RDATA is truncated: 1 octet(s), SvcPriority needs 2");
  decode_bad(one, 0, "SVCB RDATA is truncated: 0 octet(s), SvcPriority needs 2");
}

/* ---- keys and values ------------------------------------------------------- */

static void test_key_order(void **state) {
  static const uint8_t order[] = {0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x02, 0x01,
                                  0xbb, 0x00, 0x01, 0x00, 0x03, 0x02, 'h', '2'};
  static const uint8_t dup[] = {0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x02, 0x01,
                                0xbb, 0x00, 0x03, 0x00, 0x02, 0x01, 0xbb};
  static const uint8_t invalid[] = {0x00, 0x01, 0x00, 0xff, 0xff, 0x00, 0x00};
  (void)state;
  decode_bad(order, sizeof order,
             "svcparam key 1 (alpn) follows key 3 (port); keys must be strictly "
             "ascending, without repeats (RFC 9460 §2.2)");
  decode_bad(dup, sizeof dup,
             "svcparam key 3 (port) follows key 3 (port); keys must be strictly "
             "ascending, without repeats (RFC 9460 §2.2)");
  decode_bad(invalid, sizeof invalid,
             "svcparam key 65535 is the reserved \"invalid key\" "
             "(RFC 9460 §14.3.2)");
}

static void test_mandatory_rules(void **state) {
  /* mandatory=ipv4hint,alpn in that (wrong) wire order */
  static const uint8_t unsorted[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04,
                                     0x00, 0x04, 0x00, 0x01, 0x00, 0x01, 0x00,
                                     0x03, 0x02, 'h',  '2',  0x00, 0x04, 0x00,
                                     0x04, 192,  0,    2,    1};
  static const uint8_t odd[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03,
                                0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x02,
                                0x01, 0xbb};
  /* mandatory=port, a second listed key absent */
  static const uint8_t absent2[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04,
                                    0x00, 0x03, 0x00, 0x04, 0x00, 0x03, 0x00,
                                    0x02, 0x01, 0xbb};
  (void)state;
  decode_bad(unsorted, sizeof unsorted,
             "mandatory lists key 1 (alpn) after key 4 (ipv4hint); the list "
             "must be strictly ascending, without repeats (RFC 9460 §8)");
  decode_bad(odd, sizeof odd,
             "mandatory: value has 3 octets; it must be a non-empty list of "
             "2-octet keys (RFC 9460 §8)");
  decode_bad(absent2, sizeof absent2,
             "mandatory lists key 4 (ipv4hint), which the record does not have "
             "(RFC 9460 §8)");
}

static void test_alpn_rules(void **state) {
  static const uint8_t nda_alone[] = {0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00};
  static const uint8_t nda_ok[] = {0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x03,
                                   0x02, 'h',  '3',  0x00, 0x02, 0x00, 0x00};
  static const uint8_t empty_id[] = {0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x04,
                                     0x02, 'h',  '2',  0x00};
  static const uint8_t first_empty[] = {0x00, 0x01, 0x00, 0x00, 0x01,
                                        0x00, 0x01, 0x00};
  static const uint8_t overrun[] = {0x00, 0x01, 0x00, 0x00, 0x01, 0x00,
                                    0x03, 0x03, 'h',  '2'};
  static const uint8_t binary[] = {0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x04,
                                   0x03, 'a',  0x00, ' '};
  mimi_svcb_t *s;
  size_t len = 0;
  (void)state;
  decode_bad(nda_alone, sizeof nda_alone,
             "no-default-alpn without alpn: the record offers no protocol "
             "(RFC 9460 §7.1.1)");
  decode_bad(empty_id, sizeof empty_id,
             "alpn: alpn-id 2 (at value offset 3) is empty (RFC 9460 §7.1.1)");
  decode_bad(first_empty, sizeof first_empty,
             "alpn: alpn-id 1 (at value offset 0) is empty (RFC 9460 §7.1.1)");
  decode_bad(overrun, sizeof overrun,
             "alpn: alpn-id 1 claims 3 octets but 2 remain");

  s = decode_ok(nda_ok, sizeof nda_ok);
  assert_true(mimi_svcb_no_default_alpn(s));
  assert_int_equal(mimi_svcb_alpn_count(s), 1);
  assert_string_equal(mimi_svcb_alpn(s, 0, &len), "h3");
  format_is(s, "1 . alpn=h3 no-default-alpn");
  mimi_svcb_free(s);

  /* An id may hold any octet (RFC 9460 §7.1.1); the length tells. */
  s = decode_ok(binary, sizeof binary);
  assert_memory_equal(mimi_svcb_alpn(s, 0, &len), "a\0 ", 4);
  assert_int_equal(len, 3);
  format_is(s, "1 . alpn=\"a\\000 \"");
  mimi_svcb_free(s);
}

static void test_value_lengths(void **state) {
  static const uint8_t port1[] = {0, 1, 0, 0, 3, 0, 1, 0x50};
  static const uint8_t port3[] = {0, 1, 0, 0, 3, 0, 3, 0, 0x50, 0};
  static const uint8_t v4_5[] = {0, 1, 0, 0, 4, 0, 5, 1, 2, 3, 4, 5};
  static const uint8_t v6_15[] = {0, 1, 0, 0, 6, 0, 15, 1, 2, 3, 4, 5, 6, 7, 8,
                                  9, 10, 11, 12, 13, 14, 15};
  static const uint8_t v6_17[] = {0, 1, 0, 0, 6, 0, 17, 1, 2, 3, 4, 5, 6, 7, 8,
                                  9, 10, 11, 12, 13, 14, 15, 16, 17};
  static const uint8_t ech0[] = {0, 1, 0, 0, 5, 0, 0};
  static const uint8_t v4two[] = {0, 1, 0, 0, 4, 0, 8, 192, 0, 2, 1, 198, 51, 100, 7};
  mimi_svcb_t *s;
  (void)state;
  decode_bad(port1, sizeof port1,
             "port: value has 1 octets; it must be exactly 2 (RFC 9460 §7.2)");
  decode_bad(port3, sizeof port3,
             "port: value has 3 octets; it must be exactly 2 (RFC 9460 §7.2)");
  decode_bad(v4_5, sizeof v4_5,
             "ipv4hint: value has 5 octets; it must be a non-zero multiple of "
             "4 (RFC 9460 §7.3)");
  decode_bad(v6_15, sizeof v6_15,
             "ipv6hint: value has 15 octets; it must be a non-zero multiple of "
             "16 (RFC 9460 §7.3)");
  decode_bad(v6_17, sizeof v6_17,
             "ipv6hint: value has 17 octets; it must be a non-zero multiple of "
             "16 (RFC 9460 §7.3)");
  decode_bad(ech0, sizeof ech0, "ech: value is empty; it must be an ECHConfigList");
  s = decode_ok(v4two, sizeof v4two);
  assert_int_equal(mimi_svcb_ipv4hint_count(s), 2);
  format_is(s, "1 . ipv4hint=192.0.2.1,198.51.100.7");
  mimi_svcb_free(s);
}

static void test_ech(void **state) {
  static const uint8_t e3[] = {0, 1, 0, 0, 5, 0, 3, 0x00, 0xfe, 0x0d};
  static const uint8_t e4[] = {0, 1, 0, 0, 5, 0, 4, 1, 2, 3, 4};
  static const uint8_t e5[] = {0, 1, 0, 0, 5, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xfb};
  mimi_svcb_t *s;
  size_t len = 0;
  (void)state;
  s = decode_ok(e3, sizeof e3);
  assert_memory_equal(mimi_svcb_ech(s, &len), "\x00\xfe\x0d", 3);
  assert_int_equal(len, 3);
  format_is(s, "1 . ech=AP4N");
  mimi_svcb_free(s);
  s = decode_ok(e4, sizeof e4);
  format_is(s, "1 . ech=AQIDBA==");
  mimi_svcb_free(s);
  s = decode_ok(e5, sizeof e5);
  format_is(s, "1 . ech=//////s=");
  mimi_svcb_free(s);
  s = decode_ok(fig3, sizeof fig3);
  len = 7;
  assert_null(mimi_svcb_ech(s, &len));
  assert_int_equal(len, 0);
  mimi_svcb_free(s);
}

static void test_unknown_keys_raw(void **state) {
  /* key 7 with a binary value, key 65000 empty, key 65534 printable */
  static const uint8_t w[] = {0, 1, 0, 0, 7, 0, 4, 1, 2, 0, '"', 0xfd, 0xe8,
                              0, 0, 0xff, 0xfe, 0, 3, 'a', '\\', 'b'};
  mimi_svcb_t *s = decode_ok(w, sizeof w);
  size_t len = 99;
  const uint8_t *v;
  (void)state;
  assert_int_equal(mimi_svcb_param_count(s), 3);
  assert_int_equal(mimi_svcb_param_key(s, 0), 7);
  assert_int_equal(mimi_svcb_param_key(s, 1), 65000);
  assert_int_equal(mimi_svcb_param_key(s, 2), 65534);
  v = mimi_svcb_param_value(s, 0, &len);
  assert_int_equal(len, 4);
  assert_memory_equal(v, "\x01\x02\x00\"", 4);
  v = mimi_svcb_param_value(s, 1, &len);
  assert_non_null(v); /* present and empty: non-NULL */
  assert_int_equal(len, 0);
  assert_null(mimi_svcb_param_value(s, 3, &len));
  assert_int_equal(len, 0);
  assert_true(mimi_svcb_has_key(s, 7));
  assert_true(mimi_svcb_has_key(s, 65000));
  assert_true(mimi_svcb_has_key(s, 65534));
  assert_false(mimi_svcb_has_key(s, 8));
  assert_false(mimi_svcb_has_key(s, 0));
  assert_int_equal(mimi_svcb_usable(s), 1); /* not mandatory: ignored */
  format_is(s, "1 . key7=\"\\001\\002\\000\\\"\" key65000 key65534=\"a\\\\b\"");
  mimi_svcb_free(s);
}

static void test_usable(void **state) {
  /* mandatory=key7 with key7 present: well-formed, but not for us */
  static const uint8_t m7[] = {0, 1, 0, 0, 0, 0, 2, 0, 7, 0, 7, 0, 0};
  /* mandatory=port,key7 */
  static const uint8_t m37[] = {0, 1, 0, 0, 0, 0, 4, 0, 3, 0, 7,
                                0, 3, 0, 2, 0x01, 0xbb, 0, 7, 0, 0};
  /* mandatory=alpn,port,ipv6hint */
  static const uint8_t m136[] = {0, 1, 0, 0, 0, 0, 6, 0, 1, 0, 3, 0, 6,
                                 0, 1, 0, 3, 2, 'h', '2', 0, 3, 0, 2, 0x01, 0xbb,
                                 0, 6, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 1};
  mimi_svcb_t *s;
  (void)state;
  s = decode_ok(m7, sizeof m7);
  assert_int_equal(mimi_svcb_usable(s), 0);
  format_is(s, "1 . mandatory=key7 key7");
  mimi_svcb_free(s);
  s = decode_ok(m37, sizeof m37);
  assert_int_equal(mimi_svcb_usable(s), 0);
  assert_int_equal(mimi_svcb_port(s), 443);
  mimi_svcb_free(s);
  s = decode_ok(m136, sizeof m136);
  assert_int_equal(mimi_svcb_usable(s), 1);
  format_is(s, "1 . mandatory=alpn,port,ipv6hint alpn=h2 port=443 ipv6hint=2001:db8::1");
  mimi_svcb_free(s);
  assert_int_equal(mimi_svcb_usable(NULL), 0);
}

static void test_alias_ignores_params(void **state) {
  /* AliasMode with garbage after the target: a truncated param header, a
   * value overrun, unsorted keys: all ignored (RFC 9460 §2.4.2). */
  static const uint8_t g1[] = {0, 0, 3, 'a', 'b', 'c', 0, 0xff};
  static const uint8_t g2[] = {0, 0, 0, 0, 3, 0, 9, 1};
  static const uint8_t g3[] = {0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  mimi_svcb_t *s;
  (void)state;
  s = decode_ok(g1, sizeof g1);
  assert_true(mimi_svcb_is_alias(s));
  assert_string_equal(mimi_svcb_target(s), "abc.");
  assert_int_equal(mimi_svcb_param_count(s), 0);
  assert_false(mimi_svcb_has_key(s, 65535));
  assert_int_equal(mimi_svcb_usable(s), 1);
  format_is(s, "0 abc.");
  mimi_svcb_free(s);
  s = decode_ok(g2, sizeof g2);
  assert_false(mimi_svcb_has_key(s, MIMI_SVCB_KEY_PORT));
  assert_int_equal(mimi_svcb_port(s), 0);
  format_is(s, "0 .");
  mimi_svcb_free(s);
  s = decode_ok(g3, sizeof g3);
  assert_int_equal(mimi_svcb_param_count(s), 0);
  assert_int_equal(mimi_svcb_alpn_count(s), 0);
  assert_int_equal(mimi_svcb_mandatory_count(s), 0);
  mimi_svcb_free(s);
}

/* ---- TargetName --------------------------------------------------------------- */

static void test_target_forms(void **state) {
  static const uint8_t compressed[] = {0x00, 0x01, 0xc0, 0x0c};
  static const uint8_t after_label[] = {0x00, 0x01, 0x01, 'a', 0xc0, 0x0c};
  static const uint8_t type01[] = {0x00, 0x01, 0x41, 'a'};
  static const uint8_t type10[] = {0x00, 0x01, 0x80};
  /* labels "a.b", "x\y", " _A-9", "\xff" */
  static const uint8_t esc[] = {0x00, 0x01, 3, 'a', '.', 'b', 3, 'x', '\\', 'y',
                                5, ' ', '_', 'A', '-', '9', 1, 0xff, 0};
  mimi_svcb_t *s;
  (void)state;
  decode_bad(compressed, sizeof compressed,
             "TargetName has a compression pointer (0xc0 at offset 2); "
             "RFC 9460 §2.2 requires it uncompressed");
  decode_bad(after_label, sizeof after_label,
             "TargetName has a compression pointer (0xc0 at offset 4); "
             "RFC 9460 §2.2 requires it uncompressed");
  decode_bad(type01, sizeof type01,
             "TargetName has a label of reserved type 01 (0x41 at offset 2)");
  decode_bad(type10, sizeof type10,
             "TargetName has a label of reserved type 10 (0x80 at offset 2)");
  /* Compression is refused in AliasMode too: the target is not a param. */
  {
    uint8_t alias[sizeof compressed];
    memcpy(alias, compressed, sizeof alias);
    alias[1] = 0;
    decode_bad(alias, sizeof alias,
               "TargetName has a compression pointer (0xc0 at offset 2); "
               "RFC 9460 §2.2 requires it uncompressed");
  }
  s = decode_ok(esc, sizeof esc);
  assert_string_equal(mimi_svcb_target(s), "a\\.b.x\\\\y.\\032_A-9.\\255.");
  format_is(s, "1 a\\.b.x\\\\y.\\032_A-9.\\255.");
  mimi_svcb_free(s);
}

static void test_target_length(void **state) {
  uint8_t w[2 + 260 + 1];
  size_t n = 2;
  mimi_svcb_t *s;
  (void)state;
  /* 63+63+63+61 octet labels: 64*3 + 62 + 1 = 255 octets, the maximum. */
  w[0] = 0;
  w[1] = 1;
  for (int k = 0; k < 4; k++) {
    size_t l = k < 3 ? 63 : 61;
    w[n++] = (uint8_t)l;
    memset(w + n, 'a' + k, l);
    n += l;
  }
  w[n++] = 0;
  assert_int_equal(n, 2 + 255);
  s = decode_ok(w, n);
  assert_int_equal(strlen(mimi_svcb_target(s)), 253 + 1);
  mimi_svcb_free(s);
  /* One more octet in the last label: 256. */
  n = 2 + 3 * 64;
  w[n] = 62;
  memset(w + n + 1, 'd', 62);
  w[n + 63] = 0;
  decode_bad(w, n + 64,
             "TargetName is longer than 255 octets in wire form "
             "(RFC 1035 §2.3.4)");
}

/* ---- API edges --------------------------------------------------------------- */

static void test_api_edges(void **state) {
  mimi_svcb_t *s = (mimi_svcb_t *)1;
  char *text = (char *)1;
  char err[MIMI_ERRLEN] = "";
  size_t len = 5;
  (void)state;
  assert_int_equal(mimi_svcb_decode(NULL, 3, &s, err, sizeof err), MIMI_EINVAL);
  assert_null(s);
  assert_int_equal(mimi_svcb_decode(fig3, sizeof fig3, NULL, NULL, 0), MIMI_EINVAL);
  /* A NULL error buffer is allowed. */
  assert_int_equal(mimi_svcb_decode(fig3, 2, &s, NULL, 0), MIMI_EBADRECORD);
  /* A short error buffer gets a truncated, NUL-terminated message. */
  memset(err, 'x', sizeof err);
  assert_int_equal(mimi_svcb_decode(fig3, 2, &s, err, 8), MIMI_EBADRECORD);
  assert_string_equal(err, "TargetN");
  assert_int_equal(err[8], 'x');
  assert_int_equal(mimi_svcb_format(NULL, &text), MIMI_EINVAL);
  assert_null(text);
  s = decode_ok(fig4, sizeof fig4);
  assert_int_equal(mimi_svcb_format(s, NULL), MIMI_EINVAL);
  assert_null(mimi_svcb_alpn(s, 0, &len));
  assert_int_equal(len, 0);
  assert_int_equal(mimi_svcb_mandatory(s, 0), 65535);
  assert_int_equal(mimi_svcb_param_key(s, 1), 65535);
  mimi_svcb_free(s);
  mimi_svcb_free(NULL);
  assert_int_equal(mimi_svcb_priority(NULL), 0);
  assert_null(mimi_svcb_target(NULL));
  assert_int_equal(mimi_svcb_param_count(NULL), 0);
  assert_false(mimi_svcb_has_key(NULL, 1));
}

static void test_key_names(void **state) {
  static const char *const want[] = {"mandatory", "alpn",     "no-default-alpn",
                                     "port",      "ipv4hint", "ech",
                                     "ipv6hint"};
  (void)state;
  for (uint16_t k = 0; k < 7; k++)
    assert_string_equal(mimi_svcb_key_name(k), want[k]);
  assert_null(mimi_svcb_key_name(7));
  assert_null(mimi_svcb_key_name(65535));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_d1_alias),
      cmocka_unit_test(test_d2_root_target),
      cmocka_unit_test(test_d2_port),
      cmocka_unit_test(test_d2_unknown_key),
      cmocka_unit_test(test_d2_ipv6hints),
      cmocka_unit_test(test_d2_sorted_mandatory),
      cmocka_unit_test(test_d2_escaped_alpn),
      cmocka_unit_test(test_d3_failures),
      cmocka_unit_test(test_truncation),
      cmocka_unit_test(test_truncation_messages),
      cmocka_unit_test(test_key_order),
      cmocka_unit_test(test_mandatory_rules),
      cmocka_unit_test(test_alpn_rules),
      cmocka_unit_test(test_value_lengths),
      cmocka_unit_test(test_ech),
      cmocka_unit_test(test_unknown_keys_raw),
      cmocka_unit_test(test_usable),
      cmocka_unit_test(test_alias_ignores_params),
      cmocka_unit_test(test_target_forms),
      cmocka_unit_test(test_target_length),
      cmocka_unit_test(test_api_edges),
      cmocka_unit_test(test_key_names),
  };
  return cmocka_run_group_tests_name("svcb", tests, NULL, NULL);
}
