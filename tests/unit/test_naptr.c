/* ENUM NAPTR processing (MIMI-DNS/1 §4; RFC 3402 §3.2, RFC 3403, RFC 6116). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void apply_ok(const char *re, const char *subject, const char *want) {
  char *out = NULL, err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_naptr_regexp_apply(re, subject, &out, err, sizeof err);
  if (st != MIMI_OK)
    fail_msg("'%s' on '%s': %s (%s)", re, subject, mimi_strerror(st), err);
  assert_string_equal(out, want);
  mimi_free(out);
}

static void apply_bad(const char *re, const char *subject, mimi_status_t want,
                      const char *msg) {
  char *out = (char *)1, err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_naptr_regexp_apply(re, subject, &out, err, sizeof err);
  if (st != want)
    fail_msg("'%s': got %s want %s (%s)", re, mimi_strerror(st), mimi_strerror(want), err);
  assert_null(out);
  if (msg && !strstr(err, msg))
    fail_msg("'%s': message '%s' lacks '%s'", re, err, msg);
}

static void test_regexp_rfc_examples(void **state) {
  (void)state;
  /* RFC 3403 §6.2 / RFC 6116 §3.2.1-style rules. */
  apply_ok("!^.*$!sip:info@example.com!", "+441632960083", "sip:info@example.com");
  apply_ok("!^\\+44(.*)$!mailto:\\1@example.com!", "+441632960083",
           "mailto:1632960083@example.com");
  apply_ok("!^\\+(.*)$!mimi://chat.example.net/u/%2B\\1!", "+442079460148",
           "mimi://chat.example.net/u/%2B442079460148");
  /* Several groups, out of order; \9 is the highest. */
  apply_ok("/^\\+(4)(4)(2)(0)(7)(9)(4)(6)(0)148$/\\9\\8\\7\\6\\5\\4\\3\\2\\1/",
           "+442079460148", "064970244");
  /* sed semantics (§3.2): only the matched part is replaced. */
  apply_ok("!44!XX!", "+442079460148", "+XX2079460148");
  /* An optional group that did not take part substitutes nothing. */
  apply_ok("!^\\+(1)?(.*)$!<\\1|\\2>!", "+442079", "<|442079>");
}

static void test_regexp_delimiters_and_escapes(void **state) {
  (void)state;
  apply_ok("#^\\+(.*)$#tel:\\1#", "+15551234567", "tel:15551234567");
  /* Escaped delimiters in the expression and in the replacement. */
  apply_ok("/^\\+1(555)(.*)$/a\\/b\\2/", "+15551234567", "a/b1234567");
  apply_ok("|^\\+(1\\|2)(.*)$|x\\2|", "+1|2345", "x345");
  /* A literal backslash in the replacement. */
  apply_ok("!^.*$!a\\\\b!", "+1", "a\\b");
  /* The 'i' flag: case-insensitive matching. */
  apply_ok("!^\\+1(.*)$!\\1!i", "+1ABC", "ABC");
  apply_ok("!abc!x!i", "+ABC", "+x");
  apply_bad("!abc!x!", "+ABC", MIMI_ENOTMIMI, "does not match");
}

static void test_regexp_errors(void **state) {
  (void)state;
  apply_bad("!^(.*)$!\\2!", "+1", MIMI_EBADRECORD,
            "back-reference \\2 but the expression has 1 group");
  apply_bad("!^.*$!\\1!", "+1", MIMI_EBADRECORD,
            "back-reference \\1 but the expression has 0 groups");
  apply_bad("!^.*$!x", "+1", MIMI_EBADRECORD, "lacks a closing delimiter '!'");
  apply_bad("!^.*$", "+1", MIMI_EBADRECORD, "lacks a closing delimiter");
  apply_bad("!^.*$!x!g", "+1", MIMI_EBADRECORD, "unknown flags 'g'");
  apply_bad("!^.*$!x!ii", "+1", MIMI_EBADRECORD, "unknown flags 'ii'");
  apply_bad("1^.*$1x1", "+1", MIMI_EBADRECORD, "'1' cannot be the delimiter");
  apply_bad("i^.*$ixi", "+1", MIMI_EBADRECORD, "'i' cannot be the delimiter");
  apply_bad("!!x!", "+1", MIMI_EBADRECORD, "the expression is empty");
  apply_bad("!", "+1", MIMI_EBADRECORD, "too short");
  apply_bad("!^(.*$!x!", "+1", MIMI_EBADRECORD, "regexp '^(.*$': ");
  apply_bad("!^(a)\\1$!x!", "+aa", MIMI_EBADRECORD,
            "back-reference \\1 inside the expression is not ERE");
}

static void test_regexp_hostile(void **state) {
  (void)state;
  char big[300];
  /* Longer than one character-string. */
  memset(big, 'a', sizeof big - 1);
  big[0] = '!';
  big[sizeof big - 1] = '\0';
  apply_bad(big, "+1", MIMI_EBADRECORD, "at most 255");
  /* Repetition counts: bounded, few, small product. */
  apply_bad("!^(a{1000})$!x!", "+1", MIMI_EBADRECORD, "repetition count above 32");
  apply_bad("!^((((a{32}){32}){32}){32})$!x!", "+1", MIMI_EBADRECORD,
            "too many or too large");
  apply_bad("!a{2}b{2}c{2}d{2}e{2}!x!", "+1", MIMI_EBADRECORD, "too many");
  apply_ok("!^\\+([0-9]{1,15})$!\\1!", "+15551234567", "15551234567");
  apply_ok("!^[{]$!x!", "{", "x"); /* a brace in a bracket is no interval */
  /* Stacked quantifiers make glibc's matcher explode (found by fuzz_naptr). */
  apply_bad("!^\\?????????????????????$!x!", "+1", MIMI_EBADRECORD,
            "a quantifier follows a quantifier ('?' at offset 4)");
  apply_bad("!^a*+$!x!", "+1", MIMI_EBADRECORD, "a quantifier follows a quantifier");
  apply_bad("!^a{2}*$!x!", "+1", MIMI_EBADRECORD, "a quantifier follows a quantifier");
  apply_bad("!^((((((((((a))))))))))$!x!", "+1", MIMI_EBADRECORD,
            "groups nested deeper than 8");
  /* The result is bounded: 9 back-references to a long group. */
  char re[64], subj[200];
  snprintf(re, sizeof re, "!^(.*)$!\\1\\1\\1\\1\\1\\1\\1\\1\\1!");
  memset(subj, '7', sizeof subj - 1);
  subj[sizeof subj - 1] = '\0';
  apply_bad(re, subj, MIMI_EBADRECORD, "exceeds 1024 octets");
}

/* ---- mimi_naptr_process ------------------------------------------------ */

static mimi_mapset_t *process(const mimi_naptr_rr_t *rrs, size_t n,
                              const char *aus, char **next) {
  mimi_mapset_t *set = NULL;
  assert_int_equal(mimi_mapset_new(&set), MIMI_OK);
  assert_int_equal(mimi_naptr_process(rrs, n, aus, set, next), MIMI_OK);
  mimi_mapset_finish(set);
  return set;
}

static void expect_map(const mimi_mapset_t *set, size_t i, const char *uri,
                       unsigned pref) {
  const mimi_record_t *r = mimi_mapset_get(set, i);
  assert_non_null(r);
  assert_string_equal(mimi_record_uri(r), uri);
  assert_int_equal(mimi_record_preference(r), pref);
}

#define AUS "+442079460148"

static void test_process_selects_and_orders(void **state) {
  (void)state;
  const mimi_naptr_rr_t rrs[] = {
      {10, 20, "u", "E2U+mimi", "!^.*$!mimi://b.example/u/bob!", "."},
      {10, 10, "U", "e2u+MIMI", "!^\\+(.*)$!mimi://a.example/u/%2B\\1!", "."},
      {10, 5, "u", "E2U+sip", "!^.*$!sip:x@example.com!", "."},     /* not ours */
      {10, 1, "u", "E2U+sip+mimi", "!^.*$!mimi://c.example/u/c!", "."}, /* ours too */
      {20, 1, "u", "E2U+mimi", "!^.*$!mimi://late.example/u/x!", "."}, /* higher order */
      {10, 7, "u", "E2U+mimi:sub", "!^.*$!mimi://d.example/u/d!", "."}, /* subtype */
  };
  char *next = (char *)1;
  mimi_mapset_t *set = process(rrs, sizeof rrs / sizeof *rrs, AUS, &next);
  assert_null(next);
  assert_int_equal(mimi_mapset_count(set), 3);
  expect_map(set, 0, "mimi://c.example/u/c", 1);
  expect_map(set, 1, "mimi://a.example/u/%2B442079460148", 10);
  assert_string_equal(mimi_record_account(mimi_mapset_get(set, 1)), "+442079460148");
  expect_map(set, 2, "mimi://b.example/u/bob", 20);
  assert_int_equal(mimi_mapset_warning_count(set), 0);
  mimi_mapset_free(set);
}

static void test_process_order_groups(void **state) {
  (void)state;
  /* The first group yields nothing (no match): the next group counts. */
  const mimi_naptr_rr_t rrs[] = {
      {100, 10, "u", "E2U+mimi", "!^\\+1(.*)$!mimi://us.example/u/\\1!", "."},
      {200, 10, "u", "E2U+mimi", "!^\\+44(.*)$!mimi://uk.example/u/\\1!", "."},
      {300, 10, "u", "E2U+mimi", "!^.*$!mimi://any.example/u/x!", "."},
  };
  mimi_mapset_t *set = process(rrs, 3, AUS, NULL);
  assert_int_equal(mimi_mapset_count(set), 1);
  expect_map(set, 0, "mimi://uk.example/u/2079460148", 10);
  mimi_mapset_free(set);
}

static void test_process_nonterminal(void **state) {
  (void)state;
  const mimi_naptr_rr_t rrs[] = {
      {10, 10, "", "E2U+mimi", "", "Next.ENUM.example.org."},
      {20, 10, "u", "E2U+mimi", "!^.*$!mimi://later.example/u/x!", "."},
  };
  char *next = NULL;
  mimi_mapset_t *set = process(rrs, 2, AUS, &next);
  assert_int_equal(mimi_mapset_count(set), 0);
  assert_string_equal(next, "next.enum.example.org.");
  mimi_free(next);
  mimi_mapset_free(set);
  /* A non-terminal rule whose regexp gives the next name. */
  const mimi_naptr_rr_t rx[] = {
      {10, 10, "", "E2U+mimi", "!^\\+44(.*)$!\\1.uk.example!", "."},
  };
  set = process(rx, 1, AUS, &next);
  assert_string_equal(next, "2079460148.uk.example.");
  mimi_free(next);
  mimi_mapset_free(set);
  /* A terminal that yields in the same group wins over the non-terminal. */
  const mimi_naptr_rr_t both[] = {
      {10, 20, "", "E2U+mimi", "", "next.example."},
      {10, 10, "u", "E2U+mimi", "!^.*$!mimi://here.example/u/x!", "."},
  };
  set = process(both, 2, AUS, &next);
  assert_null(next);
  assert_int_equal(mimi_mapset_count(set), 1);
  mimi_mapset_free(set);
}

static void test_process_malformed(void **state) {
  (void)state;
  const mimi_naptr_rr_t rrs[] = {
      {10, 1, "s", "E2U+mimi", "", "_mimi._tcp.example."},
      {10, 2, "u", "E2U+mimi", "!^(.*)$!mimi://x.example/u/\\2!", "."},
      {10, 3, "u", "E2U+mimi", "!^.*$!sip:alice@example.com!", "."},
      {10, 4, "u", "E2U+mimi", "!^.*$!mimi://x.example:8443/u/a!", "."},
      {10, 5, "u", "E2U+mimi", "!^.*$!mimi://x.example/u/a!", "x.example."},
      {10, 6, "", "E2U+mimi", "", "bad..name."},
      {10, 9, "u", "E2U+mimi", "!^.*$!mimi://ok.example/u/fine!", "."},
  };
  char *next = NULL;
  mimi_mapset_t *set = process(rrs, sizeof rrs / sizeof *rrs, AUS, &next);
  assert_null(next);
  assert_int_equal(mimi_mapset_count(set), 1);
  expect_map(set, 0, "mimi://ok.example/u/fine", 9);
  assert_int_equal(mimi_mapset_warning_count(set), 6);
  const char *want[] = {
      "NAPTR order 10 pref 1: flags 's' are not supported (\"u\" or empty)",
      "NAPTR order 10 pref 2: regexp: back-reference \\2 but the expression has 1 group",
      "NAPTR order 10 pref 3: result 'sip:alice@example.com' is not a mimi URI: ",
      "NAPTR order 10 pref 4: result 'mimi://x.example:8443/u/a' has a port",
      "NAPTR order 10 pref 5: replacement 'x.example.' on a terminal rule",
      "NAPTR order 10 pref 6: non-terminal rule: ",
  };
  for (size_t i = 0; i < 6; i++) {
    const char *w = mimi_mapset_warning(set, i);
    if (strncmp(w, want[i], strlen(want[i])) != 0)
      fail_msg("warning %zu: '%s' does not start with '%s'", i, w, want[i]);
  }
  mimi_mapset_free(set);
}

/* Untrusted REPLACEMENT text reaches warnings only through mimi__show. */
static void test_process_untrusted_text(void **state) {
  (void)state;
  const mimi_naptr_rr_t rrs[] = {
      {10, 1, "u", "E2U+mimi", "!^.*$!mimi://x.example/u/a!", "ev\nil.\x1b[2J."},
      {10, 2, "", "E2U+mimi", "!^.*$!x.example!", "a\tb."},
  };
  char *next = (char *)1;
  mimi_mapset_t *set = process(rrs, 2, AUS, &next);
  assert_null(next);
  assert_int_equal(mimi_mapset_count(set), 0);
  assert_int_equal(mimi_mapset_warning_count(set), 2);
  assert_string_equal(mimi_mapset_warning(set, 0),
                      "NAPTR order 10 pref 1: replacement 'ev\\x0ail.\\x1b[2J.' on a "
                      "terminal rule (flag \"u\" uses regexp only)");
  assert_string_equal(mimi_mapset_warning(set, 1),
                      "NAPTR order 10 pref 2: both regexp and replacement "
                      "'a\\x09b.' are set");
  mimi_mapset_free(set);
}

static void test_process_args(void **state) {
  (void)state;
  mimi_mapset_t *set = NULL;
  char *next = (char *)1;
  assert_int_equal(mimi_mapset_new(&set), MIMI_OK);
  assert_int_equal(mimi_naptr_process(NULL, 0, AUS, set, &next), MIMI_OK);
  assert_null(next);
  assert_int_equal(mimi_naptr_process(NULL, 1, AUS, set, NULL), MIMI_EINVAL);
  assert_int_equal(mimi_naptr_process(NULL, 0, NULL, set, NULL), MIMI_EINVAL);
  const mimi_naptr_rr_t holey = {1, 1, NULL, "E2U+mimi", "", "."};
  assert_int_equal(mimi_naptr_process(&holey, 1, AUS, set, NULL), MIMI_EINVAL);
  mimi_mapset_free(set);
}

static void test_format(void **state) {
  (void)state;
  mimi_record_t *r = NULL;
  char *t = NULL;
  assert_int_equal(mimi_record_new(&r), MIMI_OK);
  assert_int_equal(mimi_naptr_format(r, &t), MIMI_EINVAL);
  assert_int_equal(mimi_record_set_provider(r, "WA.example", NULL, 0), MIMI_OK);
  assert_int_equal(mimi_record_set_account(r, "+15551234567", NULL, 0), MIMI_OK);
  assert_int_equal(mimi_record_set_preference(r, 20), MIMI_OK);
  assert_int_equal(mimi_naptr_format(r, &t), MIMI_OK);
  assert_string_equal(t, "100 20 \"u\" \"E2U+mimi\" \"!^.*$!mimi://wa.example/u/%2B15551234567!\" .");
  /* What a generator emits, a resolver reads back to the same mapping. */
  mimi_naptr_rr_t rr = {100, 20, "u", "E2U+mimi",
                        "!^.*$!mimi://wa.example/u/%2B15551234567!", "."};
  mimi_mapset_t *set = process(&rr, 1, "+15551234567", NULL);
  assert_int_equal(mimi_mapset_count(set), 1);
  assert_int_equal(mimi_record_cmp(mimi_mapset_get(set, 0), r), 0);
  mimi_mapset_free(set);
  mimi_free(t);
  /* '!', '"' and '\\' in an account are percent-encoded: the "!" delimiter
   * and the presentation quoting stay intact. */
  assert_int_equal(mimi_record_set_account(r, "a!b\"c\\d", NULL, 0), MIMI_OK);
  assert_int_equal(mimi_naptr_format(r, &t), MIMI_OK);
  assert_string_equal(t, "100 20 \"u\" \"E2U+mimi\" "
                         "\"!^.*$!mimi://wa.example/u/a%21b%22c%5Cd!\" .");
  mimi_free(t);
  mimi_record_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_regexp_rfc_examples),
      cmocka_unit_test(test_regexp_delimiters_and_escapes),
      cmocka_unit_test(test_regexp_errors),
      cmocka_unit_test(test_regexp_hostile),
      cmocka_unit_test(test_process_selects_and_orders),
      cmocka_unit_test(test_process_order_groups),
      cmocka_unit_test(test_process_nonterminal),
      cmocka_unit_test(test_process_malformed),
      cmocka_unit_test(test_process_untrusted_text),
      cmocka_unit_test(test_process_args),
      cmocka_unit_test(test_format),
  };
  return cmocka_run_group_tests_name("naptr", tests, NULL, NULL);
}
