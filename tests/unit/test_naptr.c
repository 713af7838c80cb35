/* SPDX-License-Identifier: MIT */
/* ENUM NAPTR processing (MIMI-DNS/1 §4; RFC 3402 §3.2, RFC 3403, RFC 6116). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

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

/* ---- the ERE subset and its caps (naptr_ere.c) -------------------------- */

/* A regexp field "!<ere>!x!" built from n copies of unit between pre/post. */
static char *rep(const char *pre, const char *unit, int n, const char *post) {
  static char b[1024];
  int o = snprintf(b, sizeof b, "!%s", pre);
  for (int i = 0; i < n; i++)
    o += snprintf(b + o, sizeof b - (size_t)o, "%s", unit);
  snprintf(b + o, sizeof b - (size_t)o, "%s!x!", post);
  return b;
}

static void test_regexp_brackets(void **state) {
  (void)state;
  /* The adversarial review's pattern: '[' inside a bracket is literal
   * unless it opens "[:", so "[[:alpha:][]" is alpha or '[' and what
   * follows is counted: the nesting after it is refused at once. */
  apply_ok("!^[[:alpha:][]+$!x!", "ab[c", "x");
  apply_bad("!^[[:alpha:][]+$!x!", "ab]c", MIMI_ENOTMIMI, "does not match");
  apply_bad("![[:alpha:][]((((a{1,32}){1,32}){1,32}){1,32})!x!", "+1",
            MIMI_EBADRECORD, "too many or too large repetition counts");
  apply_bad("![[:alpha:][]a{33}!x!", "+1", MIMI_EBADRECORD,
            "repetition count above 32 (33 at offset 14)");
  /* A backslash is literal inside a bracket (XBD §9.3.5). */
  apply_ok("!^a[\\]b$!x!", "a\\b", "x");
  apply_bad("!^a[\\]b$!x!", "a]b", MIMI_ENOTMIMI, "does not match");
  apply_ok("!^[\\.]+$!x!", "\\.\\", "x");
  /* ']' first (also after '^') is literal. */
  apply_ok("!^[]a]+$!x!", "]a]", "x");
  apply_ok("!^[^]a]$!x!", "b", "x");
  apply_bad("!^[^]a]$!x!", "]", MIMI_ENOTMIMI, "does not match");
  /* '-' first or last is literal; ranges in octet order. */
  apply_ok("!^[-a]+[a-]+$!x!", "-a-", "x");
  apply_ok("!^[+0-9]+$!x!", "+4420", "x");
  apply_ok("!^[%--]+$!x!", "%,-", "x");
  apply_bad("![z-a]!x!", "+1", MIMI_EBADRECORD, "range at offset 1 is reversed");
  apply_bad("![a-c-e]!x!", "+1", MIMI_EBADRECORD,
            "'-' at offset 4 is not first, last or the end of a range");
  apply_bad("![a-[:digit:]]!x!", "+1", MIMI_EBADRECORD, "class as an end point");
  /* Classes, collating symbols and equivalence classes of one octet. */
  apply_ok("!^[[:digit:][:punct:]]+$!x!", "+4420", "x");
  apply_ok("!^[[.-.]a]+$!x!", "a-a", "x");
  apply_ok("!^[[=a=]]$!x!", "a", "x");
  apply_bad("![[.hyphen.]]!x!", "+1", MIMI_EBADRECORD, "more than one character");
  apply_bad("![[:word:]]!x!", "+1", MIMI_EBADRECORD, "unknown character class '[:word:]'");
  apply_bad("![[:alpha]!x!", "+1", MIMI_EBADRECORD, "is not closed by ':]'");
  apply_bad("!^[a!x!", "+1", MIMI_EBADRECORD, "bracket expression at offset 1 is not closed");
  apply_bad("!^[]!x!", "+1", MIMI_EBADRECORD, "is not closed");
  /* A brace in a bracket is no interval. */
  apply_ok("!^[{]$!x!", "{", "x");
}

static void test_regexp_subset(void **state) {
  (void)state;
  /* Escaped punctuation is literal; letters and digits are not ERE. */
  apply_ok("!^\\+\\.\\(\\{\\*$!x!", "+.({*", "x");
  apply_bad("!^\\w$!x!", "+1", MIMI_EBADRECORD, "escape '\\w' at offset 1 is not ERE");
  apply_bad("!^\\d$!x!", "+1", MIMI_EBADRECORD, "escape '\\d'");
  apply_bad("!^a\\!x!", "+1", MIMI_EBADRECORD, "lacks a closing delimiter");
  apply_bad("/^a\\\\\\/x/", "+1", MIMI_EBADRECORD, "lacks a closing delimiter");
  /* Nothing reaches PCRE2's own syntax. */
  apply_bad("!(?i)a!x!", "+1", MIMI_EBADRECORD, "'?' at offset 1 has nothing to repeat");
  apply_bad("!(*UTF)a!x!", "+1", MIMI_EBADRECORD, "'*' at offset 1 has nothing to repeat");
  apply_bad("!\\Qa!x!", "+1", MIMI_EBADRECORD, "escape '\\Q'");
  apply_bad("!\\C!x!", "+1", MIMI_EBADRECORD, "escape '\\C'");
  /* Structure: groups, alternatives, quantifiers, intervals. */
  apply_bad("!^*a!x!", "+1", MIMI_EBADRECORD, "'*' at offset 1 repeats an anchor");
  apply_bad("!a||b!x!", "+1", MIMI_EBADRECORD, "empty alternative before '|' at offset 2");
  apply_bad("!a|!x!", "+1", MIMI_EBADRECORD, "empty alternative at the end");
  apply_bad("!()!x!", "+1", MIMI_EBADRECORD, "empty group or alternative");
  apply_bad("!a)!x!", "+1", MIMI_EBADRECORD, "')' at offset 1 closes no group");
  apply_bad("!a{!x!", "+1", MIMI_EBADRECORD, "'{' at offset 1 does not start an interval");
  apply_bad("!a{,3}!x!", "+1", MIMI_EBADRECORD, "does not start an interval");
  apply_bad("!a{3,2}!x!", "+1", MIMI_EBADRECORD, "minimum 3 above its maximum 2");
  apply_bad("!a{99999999999999999999}!x!", "+1", MIMI_EBADRECORD,
            "repetition count above 32");
  apply_ok("!^\\+4{2}2{0,1}0{1,}7$!x!", "+44207", "x");
  apply_ok("!^a|b$!x!", "b", "x");
  apply_ok("!a}]!x!", "+a}]", "+x"); /* '}' and ']' alone are ordinary */
  /* ERE '$' is the end (no final newline); '.' matches any octet. */
  apply_bad("!^1$!x!", "1\n", MIMI_ENOTMIMI, "does not match");
  apply_ok("!^a.b$!x!", "a\nb", "x");
  /* Flag i, also on bracket expressions. */
  apply_ok("!^[a-c]+(D)$!\\1!i", "AbCd", "d");
  apply_bad("!^[a-c]+$!x!", "AbC", MIMI_ENOTMIMI, "does not match");
  /* \1..\9 with more groups than nine: \9 is the ninth. */
  apply_ok("!^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)$!\\9\\1\\5!", "abcdefghijk", "iae");
  /* Leftmost-first (PCRE2), not POSIX leftmost-longest: documented in
   * naptr_regexp.c and libmimi(3). POSIX would give "x". */
  apply_ok("!(a|ab)!x!", "ab", "xb");
}

/* Every cap: the value at the cap is accepted, the next one refused. */
static void test_regexp_caps(void **state) {
  (void)state;
  char field[300];
  /* The field: 255 octets (one character-string). */
  memset(field, 'a', 255);
  memcpy(field, "!^", 2);
  memcpy(field + 252, "!x!", 4);
  apply_bad(field, "+1", MIMI_ENOTMIMI, "does not match");
  memset(field, 'a', 256);
  memcpy(field, "!^", 2);
  memcpy(field + 253, "!x!", 4);
  apply_bad(field, "+1", MIMI_EBADRECORD, "256 octets; a NAPTR field holds at most 255");
  /* Interval bounds. */
  apply_bad("!^a{32}$!x!", "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad("!^a{33}$!x!", "+1", MIMI_EBADRECORD, "repetition count above 32 (33 at offset 3)");
  apply_bad("!^a{0,32}$!x!", "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad("!^a{0,33}$!x!", "+1", MIMI_EBADRECORD, "repetition count above 32 (33 at offset 5)");
  apply_bad("!^a{32,}$!x!", "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad("!^a{33,}$!x!", "+1", MIMI_EBADRECORD, "repetition count above 32");
  /* Interval count. */
  apply_bad("!a{2}b{2}c{2}d{2}!x!", "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad("!a{2}b{2}c{2}d{2}e{2}!x!", "+1", MIMI_EBADRECORD,
            "too many interval expressions (more than 4; '{' at offset 17)");
  /* Quantifiers. */
  apply_bad(rep("^", "a*", 32, "$"), "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad(rep("^", "a*", 33, "$"), "+1", MIMI_EBADRECORD, "more than 32 quantifiers");
  /* Nesting depth (also PCRE2's parenthesis limit). */
  apply_ok(rep("^", "(", 8, "\\+1))))))))$"), "+1", "x");
  apply_bad(rep("^", "(", 9, "\\+1)))))))))$"), "+1", MIMI_EBADRECORD,
            "groups nested deeper than 8 ('(' at offset 9)");
  /* Groups in all. */
  apply_bad(rep("^", "(a)", 32, "$"), "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad(rep("^", "(a)", 33, "$"), "+1", MIMI_EBADRECORD, "more than 32 groups");
  /* The product of nested repetition counts: 256 copies, then 288. */
  apply_bad("!^((a?){32}){8}$!x!", "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad("!^((a?){32}){9}$!x!", "+1", MIMI_EBADRECORD,
            "too many or too large repetition counts: nested, they make 288 copies, above 256");
  apply_bad("!^(a{16}){16}$!x!", "+1", MIMI_ENOTMIMI, "does not match");
  apply_bad("!^(a{10}){26}$!x!", "+1", MIMI_EBADRECORD, "make 260 copies, above 256");
  /* Sequential repetitions do not multiply. */
  apply_ok("!^\\+1([0-9]{3})([0-9]{3})([0-9]{4})$!\\1-\\2-\\3!", "+15551234567",
           "555-123-4567");
}

/* The review's records: refused by the caps or stopped by a match limit,
 * each with a message, never a long computation. */
static void test_regexp_limits(void **state) {
  (void)state;
  apply_bad("!^((a?){32}){32}$!x!", "+442079460148", MIMI_EBADRECORD,
            "make 1024 copies, above 256");
  apply_bad("!^((a?){32}){32}$!x!", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
            MIMI_EBADRECORD, "make 1024 copies, above 256");
  /* Within the caps, exponential backtracking hits the match limit. */
  apply_bad("!^((a?){16}){16}$!x!", "aaaaaaaaaaaaaaaaaaaaaaaaaaa!", MIMI_EBADRECORD,
            "matching needs more than 10000 steps (match limit)");
  apply_bad("!^(.|.|.)*[a-z]$!x!", "+442079460148", MIMI_EBADRECORD,
            "(match limit)");
  apply_ok("!^(.|.|.)*[a-z]$!x!", "+44a", "x"); /* the same rule, cheap input */
  /* Long subjects of the public API: depth and heap limits. */
  char *subj = malloc(3002);
  assert_non_null(subj);
  memset(subj, 'a', 3000);
  subj[3000] = '!';
  subj[3001] = '\0';
  apply_bad("!^(a)*$!x!", subj, MIMI_EBADRECORD, "(depth limit)");
  apply_bad(rep("^", "(a)", 31, "(a)*$"), subj, MIMI_EBADRECORD, "(heap limit)");
  subj[3000] = '\0';
  apply_bad("!^(a)*$!x!", subj, MIMI_EBADRECORD, "(depth limit)");
  apply_ok("!^a*$!x!", subj, "x"); /* a single-octet repeat needs no frames */
  free(subj);
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

/* 60 hostile rules in one RRset: only MIMI_NAPTR_MAX_RULES are applied
 * (each one warns), and one warning counts the rest. A set keeps 32
 * warnings, the last replaced by a count of those not shown: 1 + 32 warnings
 * make 31 shown and "2 more" (60 applied rules would make "29 more"). */
static void test_process_rule_cap(void **state) {
  (void)state;
  static const char *const hostile[] = {"!^((a?){32}){32}$!x!", "!^(.|.|.)*[a-z]$!x!"};
  for (size_t h = 0; h < 2; h++) {
    mimi_naptr_rr_t rrs[60];
    for (size_t i = 0; i < 60; i++)
      rrs[i] = (mimi_naptr_rr_t){10, (uint16_t)(60 - i), "u", "E2U+mimi", hostile[h], "."};
    mimi_mapset_t *set = process(rrs, 60, AUS, NULL);
    assert_int_equal(mimi_mapset_count(set), 0);
    assert_int_equal(mimi_mapset_warning_count(set), 32);
    /* The best 32 by preference (1..32) are applied; pref 33 is the first
     * one left out, with 27 more. */
    assert_string_equal(mimi_mapset_warning(set, 0),
                        "NAPTR order 10 pref 33: this and 27 more E2U+mimi rules are "
                        "not processed: at most 32 per RRset");
    for (size_t i = 1; i < 31; i++) {
      char want[64];
      snprintf(want, sizeof want, "NAPTR order 10 pref %zu: regexp '", i);
      const char *w = mimi_mapset_warning(set, i);
      if (strncmp(w, want, strlen(want)) != 0 ||
          !strstr(w, h == 0 ? "above 256" : "(match limit)"))
        fail_msg("warning %zu: '%s'", i, w);
    }
    assert_string_equal(mimi_mapset_warning(set, 31), "2 more warnings not shown");
    mimi_mapset_free(set);
  }
  /* Rules that yield: exactly 32 mappings, the best 32. */
  static char re[60][48];
  mimi_naptr_rr_t ok[60];
  for (size_t i = 0; i < 60; i++) {
    snprintf(re[i], sizeof re[i], "!^.*$!mimi://p%zu.example/u/a!", i + 1);
    ok[i] = (mimi_naptr_rr_t){10, (uint16_t)(i + 1), "u", "E2U+mimi", re[i], "."};
  }
  mimi_mapset_t *many = process(ok, 60, AUS, NULL);
  assert_int_equal(mimi_mapset_count(many), MIMI_NAPTR_MAX_RULES);
  expect_map(many, 0, "mimi://p1.example/u/a", 1);
  expect_map(many, MIMI_NAPTR_MAX_RULES - 1, "mimi://p32.example/u/a", 32);
  assert_int_equal(mimi_mapset_warning_count(many), 1);
  mimi_mapset_free(many);
  /* Exactly the cap: no cap warning. The kept rules are the best ones,
   * wherever they stand in the RRset; other services do not count. */
  mimi_naptr_rr_t rrs[40];
  for (size_t i = 0; i < 40; i++)
    rrs[i] = (mimi_naptr_rr_t){10, (uint16_t)(i + 1), "u", "E2U+mimi", "!^\\+1!x!", "."};
  mimi_mapset_t *set = process(rrs, MIMI_NAPTR_MAX_RULES, AUS, NULL);
  assert_int_equal(mimi_mapset_warning_count(set), 0);
  mimi_mapset_free(set);
  for (size_t i = MIMI_NAPTR_MAX_RULES; i < 39; i++)
    rrs[i].services = "E2U+sip"; /* 7 rules of another service */
  rrs[39] = (mimi_naptr_rr_t){10, 0, "u", "E2U+mimi", "!^.*$!mimi://best.example/u/a!", "."};
  rrs[0].regexp = "!^.*$!mimi://lost.example/u/a!"; /* pref 1: 33rd of 33 rules */
  rrs[0].preference = 99;
  set = process(rrs, 40, AUS, NULL);
  assert_int_equal(mimi_mapset_count(set), 1);
  expect_map(set, 0, "mimi://best.example/u/a", 0);
  assert_int_equal(mimi_mapset_warning_count(set), 1);
  assert_string_equal(mimi_mapset_warning(set, 0),
                      "NAPTR order 10 pref 99: this and 0 more E2U+mimi rules are "
                      "not processed: at most 32 per RRset");
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
      cmocka_unit_test(test_regexp_brackets),
      cmocka_unit_test(test_regexp_subset),
      cmocka_unit_test(test_regexp_caps),
      cmocka_unit_test(test_regexp_limits),
      cmocka_unit_test(test_process_selects_and_orders),
      cmocka_unit_test(test_process_order_groups),
      cmocka_unit_test(test_process_nonterminal),
      cmocka_unit_test(test_process_malformed),
      cmocka_unit_test(test_process_rule_cap),
      cmocka_unit_test(test_process_untrusted_text),
      cmocka_unit_test(test_process_args),
      cmocka_unit_test(test_format),
  };
  return cmocka_run_group_tests_name("naptr", tests, NULL, NULL);
}
