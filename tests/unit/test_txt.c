/* SPDX-License-Identifier: MIT */
/* The MIMI TXT record and mapping sets (MIMI-DNS/1 §3). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

static mimi_record_t *txt_ok(const char *text) {
  mimi_record_t *r = NULL;
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_txt_parse(text, strlen(text), &r, err, sizeof err);
  if (st != MIMI_OK)
    fail_msg("'%s': %s (%s)", text, mimi_strerror(st), err);
  return r;
}

static void txt_bad(const char *text, mimi_status_t want, const char *msg_part) {
  mimi_record_t *r = (mimi_record_t *)1;
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_txt_parse(text, strlen(text), &r, err, sizeof err);
  if (st != want)
    fail_msg("'%s': got %s, want %s (%s)", text, mimi_strerror(st),
             mimi_strerror(want), err);
  assert_null(r);
  if (msg_part && !strstr(err, msg_part))
    fail_msg("'%s': message '%s' lacks '%s'", text, err, msg_part);
}

static void expect(const mimi_record_t *r, const char *e, const char *a,
                   unsigned p, const char *t, const char *s) {
#define STR_EQ(got, want)                                                      \
  do {                                                                         \
    if ((want) == NULL)                                                        \
      assert_null(got);                                                        \
    else                                                                       \
      assert_string_equal(got, want);                                          \
  } while (0)
  STR_EQ(mimi_record_provider(r), e);
  STR_EQ(mimi_record_account(r), a);
  assert_int_equal(mimi_record_preference(r), p);
  STR_EQ(mimi_record_tags(r), t);
  STR_EQ(mimi_record_service(r), s);
}

static void test_parse_profile_example(void **state) {
  (void)state;
  mimi_record_t *r = txt_ok(
      "v=MIMI1; e=chat.example.net; a=alice; p=10; t=personal; s=examplechat");
  expect(r, "chat.example.net", "alice", 10, "personal", "examplechat");
  assert_string_equal(mimi_record_uri(r), "mimi://chat.example.net/u/alice");
  assert_false(mimi_record_is_optout(r));
  mimi_record_free(r);
}

static void test_parse_variants(void **state) {
  (void)state;
  mimi_record_t *r;
  /* Whitespace around separators and "=", a final separator. */
  r = txt_ok("v=MIMI1 ;\te = Chat.Example.NET ;a=  bob;");
  expect(r, "chat.example.net", "bob", 0, NULL, NULL);
  mimi_record_free(r);
  /* "%2B" and a literal "+" both decode to "+" (§3). */
  r = txt_ok("v=MIMI1; e=wa.example; a=%2B15551234567");
  expect(r, "wa.example", "+15551234567", 0, NULL, NULL);
  assert_string_equal(mimi_record_uri(r), "mimi://wa.example/u/%2B15551234567");
  mimi_record_free(r);
  r = txt_ok("v=MIMI1; e=wa.example; a=+15551234567");
  expect(r, "wa.example", "+15551234567", 0, NULL, NULL);
  mimi_record_free(r);
  /* UTF-8 accounts arrive percent-encoded. */
  r = txt_ok("v=MIMI1; e=x.example; a=j%C3%B6rg");
  expect(r, "x.example", "j\xc3\xb6rg", 0, NULL, NULL);
  mimi_record_free(r);
  /* Unknown tags are ignored, even odd-looking ones; order is free. */
  r = txt_ok("v=MIMI1; x-future=1,2=3; p=65535; e=x.example; z9_=");
  expect(r, "x.example", NULL, 65535, NULL, NULL);
  assert_null(mimi_record_uri(r)); /* no account, no URI */
  mimi_record_free(r);
  r = txt_ok("v=MIMI1; e=x.example; p=007; t=personal,business");
  expect(r, "x.example", NULL, 7, "personal,business", NULL);
  mimi_record_free(r);
  /* Opt-out: "known identity, no provider disclosed". */
  r = txt_ok("v=MIMI1");
  assert_true(mimi_record_is_optout(r));
  expect(r, NULL, NULL, 0, NULL, NULL);
  mimi_record_free(r);
  r = txt_ok("v=MIMI1;");
  assert_true(mimi_record_is_optout(r));
  mimi_record_free(r);
  r = txt_ok("v=MIMI1; note=unknown-tags-are-fine");
  assert_true(mimi_record_is_optout(r));
  mimi_record_free(r);
}

static void test_not_ours(void **state) {
  (void)state;
  txt_bad("", MIMI_ENOTMIMI, "not a MIMI-DNS/1 record");
  txt_bad("v=spf1 -all", MIMI_ENOTMIMI, NULL);
  txt_bad("site-verification=abc", MIMI_ENOTMIMI, NULL);
  txt_bad("v=MIMI", MIMI_ENOTMIMI, NULL);
  txt_bad("v=MIMI2; e=x.example", MIMI_ENOTMIMI, NULL);
  txt_bad("v=MIMI10; e=x.example", MIMI_ENOTMIMI, NULL);
  txt_bad("v=MIMI1x; e=x.example", MIMI_ENOTMIMI, NULL);
  /* The version is exact and case-sensitive (§3). */
  txt_bad("v=mimi1; e=x.example", MIMI_ENOTMIMI, NULL);
  txt_bad("V=MIMI1; e=x.example", MIMI_ENOTMIMI, NULL);
  txt_bad(" v=MIMI1; e=x.example", MIMI_ENOTMIMI, NULL);
}

static void test_invalid(void **state) {
  (void)state;
  txt_bad("v=MIMI1; e=x.example; p=70000", MIMI_EBADRECORD,
          "tag 'p' value '70000' is out of range 0-65535");
  txt_bad("v=MIMI1; e=x.example; p=99999999999999999999", MIMI_EBADRECORD,
          "out of range");
  txt_bad("v=MIMI1; e=x.example; p=-1", MIMI_EBADRECORD, "not a decimal number");
  txt_bad("v=MIMI1; e=x.example; p=", MIMI_EBADRECORD, "tag 'p' is empty");
  txt_bad("v=MIMI1; e=x.example; e=y.example", MIMI_EBADRECORD,
          "tag 'e' appears more than once");
  txt_bad("v=MIMI1; e=x.example; v=MIMI1", MIMI_EBADRECORD,
          "tag 'v' appears more than once");
  txt_bad("v=MIMI1; e=x.example; zz=1; zz=2", MIMI_EBADRECORD,
          "tag 'zz' appears more than once");
  txt_bad("v=MIMI1; e=exa_mple.com", MIMI_EBADRECORD, "tag 'e': ");
  txt_bad("v=MIMI1; e=-x.example", MIMI_EBADRECORD, "tag 'e': ");
  txt_bad("v=MIMI1; e=", MIMI_EBADRECORD, "tag 'e' is empty");
  txt_bad("v=MIMI1; e=x.example; a=", MIMI_EBADRECORD, "tag 'a' is empty");
  txt_bad("v=MIMI1; e=x.example; a=al%zzice", MIMI_EBADRECORD,
          "tag 'a': bad percent-escape");
  txt_bad("v=MIMI1; e=x.example; a=a/b", MIMI_EBADRECORD,
          "must be percent-encoded");
  txt_bad("v=MIMI1; e=x.example; a=%FF", MIMI_EBADRECORD, "UTF-8");
  txt_bad("v=MIMI1; e=x.example; a=%00", MIMI_EBADRECORD, "%00");
  txt_bad("v=MIMI1; e=x.example; t=a,,b", MIMI_EBADRECORD, "empty entry");
  txt_bad("v=MIMI1; e=x.example; t=", MIMI_EBADRECORD, "tag 't' is empty");
  txt_bad("v=MIMI1; e=x.example; s=a,b", MIMI_EBADRECORD, "tag 's': ");
  /* Grammar. */
  txt_bad("v=MIMI1 ", MIMI_EBADRECORD, "trailing whitespace");
  txt_bad("v=MIMI1 e=x.example", MIMI_EBADRECORD, "expected ';' between tags");
  txt_bad("v=MIMI1; e=x.example a=b", MIMI_EBADRECORD,
          "expected ';' between tags, found 'a'");
  txt_bad("v=MIMI1;; e=x.example", MIMI_EBADRECORD, "empty tag");
  txt_bad("v=MIMI1; E=x.example", MIMI_EBADRECORD, "lower-case letter");
  txt_bad("v=MIMI1; 1=x", MIMI_EBADRECORD, "lower-case letter");
  txt_bad("v=MIMI1; e", MIMI_EBADRECORD, "tag 'e': expected '=', but the record ends");
  txt_bad("v=MIMI1; e:x.example", MIMI_EBADRECORD, "tag 'e': expected '='");
  txt_bad("v=MIMI1; e=x.example; s=caf\xc3\xa9", MIMI_EBADRECORD,
          "outside visible ASCII, found '\\xc3' at offset 27");
  /* A NUL inside the text is not a terminator. */
  mimi_record_t *r = NULL;
  char err[MIMI_ERRLEN];
  assert_int_equal(mimi_txt_parse("v=MIMI1; e=x\0.example", 21, &r, err, sizeof err),
                   MIMI_EBADRECORD);
  assert_null(r);
  assert_non_null(strstr(err, "found '\\x00' at offset 12"));
  /* Account, preference or tags without a provider is not an opt-out. */
  txt_bad("v=MIMI1; a=alice", MIMI_EBADRECORD, "tag 'e' (provider) is missing");
  txt_bad("v=MIMI1; p=5", MIMI_EBADRECORD, "tag 'e' (provider) is missing");
  /* Arguments. */
  assert_int_equal(mimi_txt_parse(NULL, 3, &r, NULL, 0), MIMI_EINVAL);
  assert_int_equal(mimi_txt_parse("v=MIMI1", 7, NULL, NULL, 0), MIMI_EINVAL);
}

static void test_huge(void **state) {
  (void)state;
  /* A 64 KiB record of 16k unknown tags parses in linear-ish time; a 64 KiB
   * record of repeated tags is rejected, naming the tag. */
  size_t n = 65535;
  char *t = malloc(n + 1);
  mimi_record_t *r = NULL;
  char err[MIMI_ERRLEN];
  assert_non_null(t);
  memcpy(t, "v=MIMI1; e=x.example", 20);
  size_t o = 20;
  for (unsigned i = 0; o + 12 < n; i++)
    o += (size_t)snprintf(t + o, n - o, ";u%x=%x", i, i);
  assert_int_equal(mimi_txt_parse(t, o, &r, err, sizeof err), MIMI_OK);
  expect(r, "x.example", NULL, 0, NULL, NULL);
  mimi_record_free(r);
  r = NULL;
  o = 20;
  while (o + 4 < n) {
    memcpy(t + o, ";q=1", 4);
    o += 4;
  }
  assert_int_equal(mimi_txt_parse(t, o, &r, err, sizeof err), MIMI_EBADRECORD);
  assert_string_equal(err, "tag 'q' appears more than once");
  free(t);
}

static void test_rdata(void **state) {
  (void)state;
  mimi_record_t *r = NULL;
  char err[MIMI_ERRLEN];
  /* Two character-strings are concatenated without a separator (§3). */
  static const uint8_t two[] = "\x0fv=MIMI1; e=chat" "\x0d.example.net;";
  assert_int_equal(mimi_txt_parse_rdata(two, sizeof two - 1, &r, err, sizeof err),
                   MIMI_OK);
  expect(r, "chat.example.net", NULL, 0, NULL, NULL);
  mimi_record_free(r);
  static const uint8_t trunc[] = "\x10v=MIMI1; e=chat";
  assert_int_equal(mimi_txt_parse_rdata(trunc, sizeof trunc - 1, &r, err, sizeof err),
                   MIMI_EBADRECORD);
  assert_string_equal(err, "TXT RDATA: character-string at offset 0 claims 16 "
                           "octets but 15 remain");
  assert_int_equal(mimi_txt_parse_rdata(two, 0, &r, err, sizeof err),
                   MIMI_EBADRECORD);
  assert_string_equal(err, "TXT RDATA is empty");
  static const uint8_t other[] = "\x0bv=spf1 -all";
  assert_int_equal(mimi_txt_parse_rdata(other, sizeof other - 1, &r, err, sizeof err),
                   MIMI_ENOTMIMI);
  assert_null(r);
  /* Empty strings in between are fine. */
  static const uint8_t empties[] = "\x00\x07v=MIMI1\x00";
  assert_int_equal(mimi_txt_parse_rdata(empties, sizeof empties - 1, &r, err, sizeof err),
                   MIMI_OK);
  assert_true(mimi_record_is_optout(r));
  mimi_record_free(r);
}

static void format_is(const char *in, const char *want) {
  mimi_record_t *r = txt_ok(in);
  char *out = NULL;
  assert_int_equal(mimi_txt_format(r, &out), MIMI_OK);
  assert_string_equal(out, want);
  mimi_free(out);
  mimi_record_free(r);
}

static void test_format(void **state) {
  (void)state;
  format_is("v=MIMI1; s=examplechat; t=personal; p=10; a=alice; e=chat.example.net",
            "v=MIMI1; e=chat.example.net; a=alice; p=10; t=personal; s=examplechat");
  format_is("v=MIMI1;e=WA.example;a=+15551234567;p=0",
            "v=MIMI1; e=wa.example; a=%2B15551234567");
  format_is("v=MIMI1; x=1", "v=MIMI1");

  /* Built by hand, as mimi-zonegen does. */
  mimi_record_t *r = NULL;
  char *out = NULL;
  assert_int_equal(mimi_record_new(&r), MIMI_OK);
  assert_int_equal(mimi_record_set_provider(r, "bücher.example", NULL, 0), MIMI_OK);
  assert_int_equal(mimi_record_set_account(r, "jörg müller", NULL, 0), MIMI_OK);
  assert_int_equal(mimi_txt_format(r, &out), MIMI_OK);
  assert_string_equal(out, "v=MIMI1; e=xn--bcher-kva.example; a=j%C3%B6rg%20m%C3%BCller");
  mimi_free(out);
  /* Longer than one character-string: refused, not truncated. */
  char acc[250];
  memset(acc, 'x', sizeof acc - 1);
  acc[sizeof acc - 1] = '\0';
  assert_int_equal(mimi_record_set_account(r, acc, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_txt_format(r, &out), MIMI_ETOOLONG);
  assert_null(out);
  /* An opt-out cannot carry an account. */
  assert_int_equal(mimi_record_set_provider(r, NULL, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_txt_format(r, &out), MIMI_EINVAL);
  assert_int_equal(mimi_record_set_account(r, NULL, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_txt_format(r, &out), MIMI_OK);
  assert_string_equal(out, "v=MIMI1");
  mimi_free(out);
  mimi_record_free(r);
}

static void test_format_boundary(void **state) {
  (void)state;
  /* Exactly 255 octets is fine; 256 is not. "v=MIMI1; e=x.example; a=" is 24. */
  mimi_record_t *r = NULL;
  char acc[256], *out = NULL;
  assert_int_equal(mimi_record_new(&r), MIMI_OK);
  assert_int_equal(mimi_record_set_provider(r, "x.example", NULL, 0), MIMI_OK);
  memset(acc, 'a', 231);
  acc[231] = '\0';
  assert_int_equal(mimi_record_set_account(r, acc, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_txt_format(r, &out), MIMI_OK);
  assert_int_equal(strlen(out), 255);
  mimi_free(out);
  acc[231] = 'a';
  acc[232] = '\0';
  assert_int_equal(mimi_record_set_account(r, acc, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_txt_format(r, &out), MIMI_ETOOLONG);
  mimi_record_free(r);
}

static void test_mapset(void **state) {
  (void)state;
  mimi_mapset_t *set = NULL;
  const char *rrs[] = {
      "v=MIMI1; e=talk.example.org; a=alice.w; p=20",
      "site-verification=abc",
      "v=MIMI1; e=chat.example.net; a=alice; p=10",
      "v=MIMI2; e=x.example",
      "v=MIMI1; e=chat.example.net; p=70000",
      "v=MIMI1",
      "v=MIMI1; e=b.example; a=alice; p=10",
      "v=MIMI1; e=chat.example.net; a=alice; p=10", /* duplicate */
  };
  assert_int_equal(mimi_mapset_new(&set), MIMI_OK);
  for (size_t i = 0; i < sizeof rrs / sizeof *rrs; i++)
    assert_int_equal(mimi_mapset_add_txt(set, rrs[i], strlen(rrs[i])), MIMI_OK);
  mimi_mapset_finish(set);
  assert_int_equal(mimi_mapset_count(set), 3);
  assert_false(mimi_mapset_opted_out(set));
  /* By preference, then provider, then account; opt-out dropped; dupe gone. */
  expect(mimi_mapset_get(set, 0), "b.example", "alice", 10, NULL, NULL);
  expect(mimi_mapset_get(set, 1), "chat.example.net", "alice", 10, NULL, NULL);
  expect(mimi_mapset_get(set, 2), "talk.example.org", "alice.w", 20, NULL, NULL);
  assert_null(mimi_mapset_get(set, 3));
  assert_int_equal(mimi_mapset_warning_count(set), 1);
  assert_string_equal(mimi_mapset_warning(set, 0),
                      "skipped invalid MIMI record \"v=MIMI1; e=chat.example.net; "
                      "p=70000\": tag 'p' value '70000' is out of range 0-65535");
  assert_null(mimi_mapset_warning(set, 1));
  mimi_mapset_free(set);
}

static void test_mapset_optout_and_empty(void **state) {
  (void)state;
  mimi_mapset_t *set = NULL;
  assert_int_equal(mimi_mapset_new(&set), MIMI_OK);
  mimi_mapset_finish(set);
  assert_int_equal(mimi_mapset_count(set), 0);
  assert_false(mimi_mapset_opted_out(set));
  assert_int_equal(mimi_mapset_add_txt(set, "v=MIMI1", 7), MIMI_OK);
  assert_int_equal(mimi_mapset_add_txt(set, "v=MIMI1;", 8), MIMI_OK);
  mimi_mapset_finish(set);
  assert_int_equal(mimi_mapset_count(set), 1);
  assert_true(mimi_mapset_opted_out(set));
  /* Adding after finishing, then finishing again. */
  assert_int_equal(mimi_mapset_add_txt(set, "v=MIMI1; e=x.example", 20), MIMI_OK);
  mimi_mapset_finish(set);
  assert_int_equal(mimi_mapset_count(set), 1);
  assert_false(mimi_mapset_opted_out(set));
  assert_string_equal(mimi_record_provider(mimi_mapset_get(set, 0)), "x.example");
  /* Wire RDATA: malformed becomes a warning without the text. */
  static const uint8_t bad[] = "\x09v=MIMI1";
  assert_int_equal(mimi_mapset_add_txt_rdata(set, bad, sizeof bad - 1), MIMI_OK);
  assert_string_equal(mimi_mapset_warning(set, 0),
                      "skipped invalid MIMI record: TXT RDATA: character-string "
                      "at offset 0 claims 9 octets but 7 remain");
  assert_int_equal(mimi_mapset_add_record(set, NULL), MIMI_EINVAL);
  assert_int_equal(mimi_mapset_add_txt(NULL, "v", 1), MIMI_EINVAL);
  mimi_mapset_free(set);
  mimi_mapset_free(NULL);
}

static void test_mapset_warning_cap(void **state) {
  (void)state;
  mimi_mapset_t *set = NULL;
  char t[64];
  assert_int_equal(mimi_mapset_new(&set), MIMI_OK);
  for (int i = 0; i < 100; i++) {
    int n = snprintf(t, sizeof t, "v=MIMI1; e=x.example; p=%d", 70000 + i);
    assert_int_equal(mimi_mapset_add_txt(set, t, (size_t)n), MIMI_OK);
  }
  assert_int_equal(mimi_mapset_warning_count(set), 32);
  assert_non_null(strstr(mimi_mapset_warning(set, 30), "'70030'"));
  assert_string_equal(mimi_mapset_warning(set, 31), "69 more warnings not shown");
  mimi_mapset_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_profile_example),
      cmocka_unit_test(test_parse_variants),
      cmocka_unit_test(test_not_ours),
      cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_huge),
      cmocka_unit_test(test_rdata),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_format_boundary),
      cmocka_unit_test(test_mapset),
      cmocka_unit_test(test_mapset_optout_and_empty),
      cmocka_unit_test(test_mapset_warning_cap),
  };
  return cmocka_run_group_tests_name("txt", tests, NULL, NULL);
}
