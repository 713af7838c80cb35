/* SPDX-License-Identifier: MIT */
/* Identifiers (MIMI-DNS/1 §1), owner names (§2) and query plans. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

static mimi_id_t *parse_ok(const char *in, mimi_id_class_t cls, const char *canonical) {
  mimi_id_t *id = NULL;
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_id_parse(in, &id, err, sizeof err);
  if (st != MIMI_OK)
    fail_msg("'%s': %s (%s)", in, mimi_strerror(st), err);
  assert_int_equal(mimi_id_class(id), cls);
  assert_string_equal(mimi_id_canonical(id), canonical);
  return id;
}

static void parse_bad(const char *in, mimi_status_t want, const char *msg_part) {
  mimi_id_t *id = (mimi_id_t *)1;
  char err[MIMI_ERRLEN] = "";
  mimi_status_t st = mimi_id_parse(in, &id, err, sizeof err);
  if (st != want)
    fail_msg("'%s': got %s, want %s (%s)", in, mimi_strerror(st), mimi_strerror(want), err);
  assert_null(id);
  if (!strstr(err, msg_part))
    fail_msg("'%s': message '%s' lacks '%s'", in, err, msg_part);
}

static void test_phone(void **state) {
  (void)state;
  mimi_id_t *id = parse_ok("+44 20 7946 0148", MIMI_ID_PHONE, "+442079460148");
  assert_string_equal(mimi_id_number(id), "+442079460148");
  assert_null(mimi_id_local(id));
  assert_null(mimi_id_domain(id));
  mimi_id_free(id);
  mimi_id_free(parse_ok("tel:+1-555-123-4567", MIMI_ID_PHONE, "+15551234567"));
  mimi_id_free(parse_ok("TEL:+1 (555) 123.4567", MIMI_ID_PHONE, "+15551234567"));
  mimi_id_free(parse_ok("  +15551234567\t", MIMI_ID_PHONE, "+15551234567"));
  mimi_id_free(parse_ok("+12", MIMI_ID_PHONE, "+12"));
  mimi_id_free(parse_ok("+123456789012345", MIMI_ID_PHONE, "+123456789012345"));
  parse_bad("+1234567890123456", MIMI_EBADID, "has 16 digits; E.164 allows at most 15");
  parse_bad("+1", MIMI_EBADID, "needs at least 2");
  parse_bad("+0441234", MIMI_EBADID, "starts with 0");
  parse_bad("020 7946 0148", MIMI_EBADID, "no leading '+'");
  parse_bad("tel:5551234", MIMI_EBADID, "no leading '+'");
  parse_bad("+44 20 7946 0148x", MIMI_EBADID, "contains 'x'");
  parse_bad("tel:+15551234567;ext=12", MIMI_EBADID, "parameters");
  parse_bad("+", MIMI_EBADID, "no digits");
  parse_bad("+1+2", MIMI_EBADID, "contains '+'");
}

static void test_handle(void **state) {
  (void)state;
  mimi_id_t *id = parse_ok("alice@Example.COM", MIMI_ID_HANDLE, "alice@example.com");
  assert_string_equal(mimi_id_local(id), "alice");
  assert_string_equal(mimi_id_domain(id), "example.com");
  mimi_id_free(id);
  /* No case folding of the local part (§1). */
  mimi_id_free(parse_ok("Alice@example.com", MIMI_ID_HANDLE, "Alice@example.com"));
  mimi_id_free(parse_ok("@alice@example.com", MIMI_ID_HANDLE, "alice@example.com"));
  mimi_id_free(parse_ok("im:alice@example.com", MIMI_ID_HANDLE, "alice@example.com"));
  mimi_id_free(parse_ok("IM:alice@example.com", MIMI_ID_HANDLE, "alice@example.com"));
  /* A user named "mimi" is a user, not the start of a mimi: URI. */
  mimi_id_free(parse_ok("mimi@example.com", MIMI_ID_HANDLE, "mimi@example.com"));
  mimi_id_free(parse_ok("mailto:alice@example.com?subject=hi", MIMI_ID_HANDLE,
                        "alice@example.com"));
  mimi_id_free(parse_ok("mailto:al%69ce@example.com", MIMI_ID_HANDLE, "alice@example.com"));
  mimi_id_free(parse_ok("jörg@bücher.example", MIMI_ID_HANDLE,
                        "jörg@xn--bcher-kva.example"));
  /* NFC: "e" + U+0301 COMBINING ACUTE becomes U+00E9. */
  id = parse_ok("re\xcc\x81mi@example.com", MIMI_ID_HANDLE, "r\xc3\xa9mi@example.com");
  assert_string_equal(mimi_id_local(id), "r\xc3\xa9mi");
  mimi_id_free(id);
  /* The last '@' separates the domain (an '@' before it only quoted). */
  id = parse_ok("\"a@b\"@example.com", MIMI_ID_HANDLE, "\"a@b\"@example.com");
  assert_string_equal(mimi_id_local(id), "\"a@b\"");
  mimi_id_free(id);
  /* An '@' makes it a handle even when the local part starts with '+'. */
  mimi_id_free(parse_ok("+tag@example.com", MIMI_ID_HANDLE, "+tag@example.com"));
  /* Canonical forms must read back as themselves: no prefix-like local parts
   * (found by fuzz_id: "@@alice@pele" normalised to "@alice@pele"). */
  parse_bad("@@alice@example.com", MIMI_EBADID, "handle has 2 '@'");
  parse_bad("im:im:alice@example.com", MIMI_EBADID, "starts with 'im:'");
  parse_bad("mailto:MAILTO:alice@example.com", MIMI_EBADID, "starts with 'mailto:'");
  parse_bad("im:tel:alice@example.com", MIMI_EBADID, "starts with 'tel:'");
  parse_bad("@example.com@", MIMI_EBADID, "empty domain");
  parse_bad("alice@", MIMI_EBADID, "empty domain");
  parse_bad("@@example.com", MIMI_EBADID, "empty local part");
  parse_bad("im:@example.com", MIMI_EBADID, "local@domain");
  parse_bad("mailto:al%0Ace@example.com", MIMI_EBADID, "control character");
  parse_bad("al ice@example.com", MIMI_EBADID, "space");
  parse_bad("alice@exa_mple.com", MIMI_EBADID, "'_'");
  parse_bad("alice@-example.com", MIMI_EBADID, "'-'");
  parse_bad("im:alice", MIMI_EBADID, "local@domain");
  parse_bad("mailto:al%zzice@example.com", MIMI_EBADID, "percent-escape");
  parse_bad("alice@\xff.example", MIMI_EBADID, "UTF-8");
  parse_bad("ali\x01" "ce@example.com", MIMI_EBADID, "control character");
  parse_bad("ali\x7f" "ce@example.com", MIMI_EBADID, "control character"); /* DEL */
}

static void test_handle_too_long(void **state) {
  char in[400];
  (void)state;
  /* 4 labels of 50 = 203 octets of domain: <56>._mimi.<203>. is 268 wire octets. */
  strcpy(in, "alice@");
  for (int i = 0; i < 4; i++) {
    size_t n = strlen(in);
    memset(in + n, 'a' + i, 50);
    strcpy(in + n + 50, i < 3 ? "." : ".example");
  }
  parse_bad(in, MIMI_ETOOLONG, "255 octets");
  /* The limit itself: a domain of 192 wire octets makes an owner of exactly
   * 255 (57 + 6 + 192), accepted; one octet more is refused. */
  strcpy(in, "alice@");
  for (int i = 0; i < 4; i++) {
    size_t n = strlen(in);
    memset(in + n, 'a' + i, i < 3 ? 50 : 37);
    strcpy(in + n + (i < 3 ? 50 : 37), i < 3 ? "." : "");
  }
  mimi_id_t *id = NULL;
  assert_int_equal(mimi_id_parse(in, &id, NULL, 0), MIMI_OK);
  mimi_id_free(id);
  strcat(in, "x");
  parse_bad(in, MIMI_ETOOLONG, "255 octets");
}

static void test_domain_handle(void **state) {
  (void)state;
  mimi_id_t *id = parse_ok("Alice.Example.ORG", MIMI_ID_DOMAIN, "alice.example.org");
  assert_string_equal(mimi_id_domain(id), "alice.example.org");
  mimi_id_free(id);
  mimi_id_free(parse_ok("@alice.example.org", MIMI_ID_DOMAIN, "alice.example.org"));
  mimi_id_free(parse_ok("alice.example.org.", MIMI_ID_DOMAIN, "alice.example.org"));
  parse_bad("alice", MIMI_EBADID, "not a recognised identifier");
  parse_bad("https://alice.example.org", MIMI_EBADID, "'https:' URIs are not MIMI identifiers");
  parse_bad("", MIMI_EBADID, "empty");
  parse_bad("   ", MIMI_EBADID, "empty");
  parse_bad("a..example.org", MIMI_EBADID, "empty label");
}

static void test_uri(void **state) {
  (void)state;
  mimi_id_t *id = parse_ok("mimi://Chat.Example.net/u/%2b1555", MIMI_ID_URI,
                           "mimi://chat.example.net/u/%2B1555");
  assert_string_equal(mimi_id_domain(id), "chat.example.net");
  assert_string_equal(mimi_id_account(id), "+1555");
  assert_int_equal(mimi_id_port(id), 0);
  mimi_id_free(id);
  id = parse_ok("mimi://chat.example.net:8443/u/alice", MIMI_ID_URI,
                "mimi://chat.example.net:8443/u/alice");
  assert_int_equal(mimi_id_port(id), 8443);
  mimi_id_free(id);
  parse_bad("mimi://chat.example.net/alice", MIMI_EBADID, "/u/");
  parse_bad("mimi:alice", MIMI_EBADID, "mimi://");
}

static void test_null_args(void **state) {
  mimi_id_t *id;
  (void)state;
  assert_int_equal(mimi_id_parse(NULL, &id, NULL, 0), MIMI_EINVAL);
  assert_int_equal(mimi_id_parse("a@b.c", NULL, NULL, 0), MIMI_EINVAL);
  assert_int_equal(mimi_id_class(NULL), 0);
  assert_null(mimi_id_canonical(NULL));
  mimi_id_free(NULL);
}

/* MIMI-DNS/1 §2 test vectors, and RFC 7929 §3's example hash. */
static void name_is(const char *input, const char *want) {
  mimi_id_t *id = NULL;
  mimi_plan_t *plan = NULL;
  assert_int_equal(mimi_id_parse(input, &id, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_identifier(id, NULL, &plan, NULL, 0), MIMI_OK);
  assert_string_equal(mimi_plan_name(plan, 0), want);
  mimi_plan_free(plan);
  mimi_id_free(id);
}

static void test_profile_vectors(void **state) {
  (void)state;
  name_is("hugh@example.com",
          "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._mimi.example.com.");
  name_is("alice@example.com",
          "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._mimi.example.com.");
  name_is("Alice@example.com",
          "3bc51062973c458d5a6f2d8d64a023246354ad7e064b1e4e009ec8a0._mimi.example.com.");
  name_is("+44 20 7946 0148", "8.4.1.0.6.4.9.7.0.2.4.4.e164.arpa.");
  name_is("alice.example.org", "_mimi.alice.example.org.");
}

static void test_name_functions(void **state) {
  char *n = NULL;
  (void)state;
  assert_int_equal(mimi_name_handle_retry("Alice", "example.com", &n), MIMI_OK);
  assert_string_equal(n, "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db"
                         "._mimi.example.com.");
  mimi_free(n);
  assert_int_equal(mimi_name_handle_retry("alice", "example.com", &n), MIMI_OK);
  assert_null(n);
  /* Every upper-case ASCII letter calls for the retry, 'Z' as much as 'A'. */
  assert_int_equal(mimi_name_handle_retry("aliZ", "example.com", &n), MIMI_OK);
  assert_non_null(n);
  mimi_free(n);
  /* Non-ASCII is not folded: "Jörg" → "jörg", "JÖRG" keeps Ö. */
  assert_int_equal(mimi_name_handle_retry("\xc3\x96", "example.com", &n), MIMI_OK);
  assert_null(n);
  assert_int_equal(mimi_name_enum("+15551234567", "e164.arpa.", &n), MIMI_OK);
  assert_string_equal(n, "7.6.5.4.3.2.1.5.5.5.1.e164.arpa.");
  mimi_free(n);
  assert_int_equal(mimi_name_enum("15551234567", "e164.arpa", &n), MIMI_EBADID);
  assert_null(n);
  assert_int_equal(mimi_name_enum("+1555123456789012", "e164.arpa", &n), MIMI_EBADID);
  assert_int_equal(mimi_name_enum("+15551234567", "bad..apex", &n), MIMI_EBADID);
  assert_int_equal(mimi_name_svcb("Chat.Example.NET", 0, &n), MIMI_OK);
  assert_string_equal(n, "_mimi.chat.example.net.");
  mimi_free(n);
  assert_int_equal(mimi_name_svcb("chat.example.net", 443, &n), MIMI_OK);
  assert_string_equal(n, "_mimi.chat.example.net.");
  mimi_free(n);
  assert_int_equal(mimi_name_svcb("chat.example.net", 8443, &n), MIMI_OK);
  assert_string_equal(n, "_8443._mimi.chat.example.net.");
  mimi_free(n);
  assert_int_equal(mimi_name_domain("example", &n), MIMI_EBADID);
  assert_int_equal(mimi_name_handle("", "example.com", &n), MIMI_EBADID);
  assert_int_equal(mimi_name_handle(NULL, "example.com", &n), MIMI_EINVAL);
  assert_int_equal(mimi_name_handle("a", NULL, &n), MIMI_EINVAL);
}

static void test_name_limits(void **state) {
  char apex[300], *n = (char *)1;
  (void)state;
  /* apex of 4 x 56-octet labels (228 wire octets): 15 digit labels (30 more)
   * push the name past 255 octets; 2 digits do not. */
  apex[0] = '\0';
  for (int i = 0; i < 4; i++) {
    size_t l = strlen(apex);
    memset(apex + l, 'a', 56);
    strcpy(apex + l + 56, i < 3 ? "." : "");
  }
  assert_int_equal(mimi_name_enum("+123456789012345", apex, &n), MIMI_ETOOLONG);
  assert_null(n);
  assert_int_equal(mimi_name_enum("+12", apex, &n), MIMI_OK);
  assert_int_equal(mimi__name_wire_len(n), 2 * 2 + 4 * 57 + 1);
  mimi_free(n);
}

static void test_plan_handle(void **state) {
  mimi_id_t *id = NULL;
  mimi_plan_t *p = NULL;
  mimi_plan_opts_t o = {0};
  (void)state;
  assert_int_equal(mimi_id_parse("Alice@example.com", &id, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_identifier(id, NULL, &p, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_count(p), 2);
  assert_int_equal(mimi_plan_step(p, 0), MIMI_STEP_MAPPING);
  assert_int_equal(mimi_plan_qtype(p, 0), MIMI_RR_TXT);
  assert_int_equal(mimi_plan_step(p, 1), MIMI_STEP_RETRY);
  assert_true(mimi_plan_after(p, 0) == MIMI_PLAN_START);
  assert_int_equal(mimi_plan_after(p, 1), 0);
  assert_string_equal(mimi_plan_name(p, 1),
                      "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db"
                      "._mimi.example.com.");
  assert_null(mimi_plan_name(p, 2));
  assert_int_equal(mimi_plan_qtype(p, 2), 0);
  assert_null(mimi_plan_when(p, 2));
  mimi_plan_free(p);
  o.no_case_retry = 1;
  assert_int_equal(mimi_plan_identifier(id, &o, &p, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_count(p), 1);
  mimi_plan_free(p);
  mimi_id_free(id);
}

static void test_plan_phone_apexes(void **state) {
  const char *apexes[] = {"e164.example", "e164.arpa"};
  mimi_plan_opts_t o = {apexes, 2, 0};
  mimi_id_t *id = NULL;
  mimi_plan_t *p = NULL;
  char err[MIMI_ERRLEN];
  (void)state;
  assert_int_equal(mimi_id_parse("+15551234567", &id, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_identifier(id, &o, &p, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_count(p), 4);
  assert_string_equal(mimi_plan_name(p, 0), "7.6.5.4.3.2.1.5.5.5.1.e164.example.");
  assert_int_equal(mimi_plan_qtype(p, 0), MIMI_RR_TXT);
  assert_string_equal(mimi_plan_name(p, 1), "7.6.5.4.3.2.1.5.5.5.1.e164.example.");
  assert_int_equal(mimi_plan_qtype(p, 1), MIMI_RR_NAPTR);
  assert_string_equal(mimi_plan_name(p, 2), "7.6.5.4.3.2.1.5.5.5.1.e164.arpa.");
  assert_int_equal(mimi_plan_qtype(p, 3), MIMI_RR_NAPTR);
  /* §4: TXT, NAPTR at the same name, then the next apex's TXT. */
  assert_true(mimi_plan_after(p, 0) == MIMI_PLAN_START);
  assert_int_equal(mimi_plan_after(p, 1), 0);
  assert_int_equal(mimi_plan_after(p, 2), 1);
  assert_int_equal(mimi_plan_after(p, 3), 2);
  mimi_plan_free(p);
  apexes[1] = "bad apex";
  assert_int_equal(mimi_plan_identifier(id, &o, &p, err, sizeof err), MIMI_EBADID);
  assert_null(p);
  assert_non_null(strstr(err, "apex"));
  mimi_id_free(id);
}

static void test_plan_uri_and_endpoints(void **state) {
  mimi_id_t *id = NULL;
  mimi_plan_t *p = NULL;
  (void)state;
  assert_int_equal(mimi_id_parse("mimi://chat.example.net:8443/u/bob", &id, NULL, 0),
                   MIMI_OK);
  assert_int_equal(mimi_plan_identifier(id, NULL, &p, NULL, 0), MIMI_OK);
  assert_int_equal(mimi_plan_count(p), 5);
  assert_string_equal(mimi_plan_name(p, 0), "_8443._mimi.chat.example.net.");
  assert_int_equal(mimi_plan_qtype(p, 0), MIMI_RR_SVCB);
  /* A port other than 443: HTTPS at _<port>._https (RFC 9460 §9.1), as the
   * engine asks it. */
  assert_string_equal(mimi_plan_name(p, 1), "_8443._https.chat.example.net.");
  assert_int_equal(mimi_plan_qtype(p, 1), MIMI_RR_HTTPS);
  assert_string_equal(mimi_plan_name(p, 2), "chat.example.net.");
  assert_int_equal(mimi_plan_qtype(p, 2), MIMI_RR_A);
  assert_int_equal(mimi_plan_qtype(p, 3), MIMI_RR_AAAA);
  assert_int_equal(mimi_plan_step(p, 3), MIMI_STEP_ADDR);
  /* TLSA on the URI's port, of the A/AAAA endpoint (and of every other). */
  assert_string_equal(mimi_plan_name(p, 4), "_8443._tcp.chat.example.net.");
  assert_int_equal(mimi_plan_step(p, 4), MIMI_STEP_TLSA);
  /* The graph (§5): SVCB first; HTTPS if no SVCB; A, AAAA and the TLSA of
   * their endpoint if no HTTPS either. */
  assert_true(mimi_plan_after(p, 0) == MIMI_PLAN_START);
  assert_int_equal(mimi_plan_after(p, 1), 0);
  assert_int_equal(mimi_plan_after(p, 2), 1);
  assert_int_equal(mimi_plan_after(p, 3), 1);
  assert_int_equal(mimi_plan_after(p, 4), 1);
  assert_true(mimi_plan_after(p, 5) == MIMI_PLAN_START);
  mimi_plan_free(p);
  mimi_id_free(id);
  assert_int_equal(mimi_plan_endpoints("wa.example", 0, &p, NULL, 0), MIMI_OK);
  assert_string_equal(mimi_plan_name(p, 0), "_mimi.wa.example.");
  assert_string_equal(mimi_plan_name(p, 1), "wa.example.");
  mimi_plan_free(p);
  assert_int_equal(mimi_plan_endpoints("not a host", 0, &p, NULL, 0), MIMI_EBADID);
  assert_null(p);
}

/* Input that would look up a name nobody meant: understood, or refused
 * with a message naming the problem (never a lookup of something else). */
static void test_odd_input(void **state) {
  (void)state;
  char local[80];
  /* the national trunk prefix in brackets (E.123) */
  mimi_id_free(parse_ok("+44 (0)20 7946 0148", MIMI_ID_PHONE, "+442079460148"));
  mimi_id_free(parse_ok("+44(0)2079460148", MIMI_ID_PHONE, "+442079460148"));
  /* ... only after the country code; elsewhere "(0)" is a digit */
  mimi_id_free(parse_ok("+44 20 (0)7946 0148", MIMI_ID_PHONE, "+442079460148"));
  mimi_id_free(parse_ok("+1 (055) 5123", MIMI_ID_PHONE, "+10555123"));
  parse_bad("+(0)44 20 7946 0148", MIMI_EBADID, "starts with 0");
  /* other URI schemes */
  parse_bad("sip:alice@example.com", MIMI_EBADID, "'sip:' URIs are not MIMI identifiers");
  parse_bad("XMPP:alice@example.com", MIMI_EBADID, "'XMPP:' URIs are not MIMI identifiers");
  parse_bad("https://example.com/", MIMI_EBADID, "'https:' URIs");
  mimi_id_free(parse_ok("MAILTO:alice@example.com", MIMI_ID_HANDLE, "alice@example.com"));
  /* one '@', unless quoted */
  parse_bad("alice@@example.com", MIMI_EBADID, "handle has 2 '@'");
  parse_bad("a@b@example.com", MIMI_EBADID, "handle has 2 '@'");
  mimi_id_free(parse_ok("\"a@b\"@example.com", MIMI_ID_HANDLE, "\"a@b\"@example.com"));
  mimi_id_free(parse_ok("@alice@example.com", MIMI_ID_HANDLE, "alice@example.com"));
  /* the local part: 64 octets at most (RFC 5321), counted in octets */
  memset(local, 'a', 64);
  strcpy(local + 64, "@example.com");
  mimi_id_t *id = parse_ok(local, MIMI_ID_HANDLE, local);
  assert_int_equal(strlen(mimi_id_local(id)), 64);
  mimi_id_free(id);
  memset(local, 'a', 65);
  strcpy(local + 65, "@example.com");
  parse_bad(local, MIMI_EBADID, "local part has 65 octets; at most 64");
  memset(local, 'a', 62);
  strcpy(local + 62, "\xc3\xb1@example.com"); /* 62 + a 2-octet n-tilde */
  mimi_id_free(parse_ok(local, MIMI_ID_HANDLE, local));
  memset(local, 'a', 63);
  strcpy(local + 63, "\xc3\xb1@example.com"); /* 65 octets */
  parse_bad(local, MIMI_EBADID, "local part has 65 octets");
  /* invisible characters, anywhere; the full-width '@' */
  parse_bad("al\xe2\x80\x8bice@example.com", MIMI_EBADID, "a zero-width space (U+200B) at octet 3");
  parse_bad("\xef\xbb\xbf+15551234567", MIMI_EBADID, "a byte-order mark (U+FEFF) at octet 1");
  parse_bad("alice@exa\xc2\xad" "mple.com", MIMI_EBADID, "a soft hyphen (U+00AD)");
  parse_bad("alice@\xe2\x80\xae" "example.com", MIMI_EBADID, "a bidirectional control");
  parse_bad("alice\xef\xbc\xa0" "example.com", MIMI_EBADID, "a full-width '@' (U+FF20");
  /* what it is not: not phone numbers */
  parse_bad("@", MIMI_EBADID, "'@' alone is not an identifier");
  parse_bad("-", MIMI_EBADID, "'-' is not a recognised identifier");
  parse_bad("@127.0.0.1", MIMI_EBADID, "domain handle '127.0.0.1'");
  parse_bad("127.0.0.1", MIMI_EBADID, "has no leading '+'");
}

static void test_printable(void **state) {
  (void)state;
  char b[32], tiny[8];
  assert_string_equal(mimi_printable(b, sizeof b, "se\xc3\xb1or"), "se\xc3\xb1or");
  assert_string_equal(mimi_printable(b, sizeof b, "a\xe2\x80\x8b" "b"), "a\\u{200B}b");
  assert_string_equal(mimi_printable(b, sizeof b, "x\xff\x01"), "x\\xff\\x01");
  assert_string_equal(mimi_printable(b, sizeof b, "\xc2\x85"), "\\u{0085}"); /* C1 control */
  assert_string_equal(mimi_printable(b, sizeof b, "\xef\xbf\xbd"), "\xef\xbf\xbd"); /* U+FFFD itself */
  assert_string_equal(mimi_printable(b, sizeof b, NULL), "");
  /* cut to fit: 31 octets and the NUL */
  const char *cut = mimi_printable(b, sizeof b, "0123456789012345678901234567890123456789");
  assert_true(strlen(cut) < sizeof b);
  assert_memory_equal(cut + strlen(cut) - 3, "...", 3);
  assert_string_equal(mimi_printable(tiny, 7, "x"), "");
  assert_string_equal(mimi_printable(tiny, sizeof tiny, "xyz"), "xyz");
}

static void test_misc_api(void **state) {
  int num = 0;
  (void)state;
  assert_string_equal(mimi_version(&num), MIMI_VERSION_STR);
  assert_int_equal(num, MIMI_VERSION_NUM);
  assert_string_equal(mimi_strerror(MIMI_EBADID), "invalid identifier");
  assert_string_equal(mimi_strerror((mimi_status_t)999), "unknown status");
  assert_string_equal(mimi_rrtype_name(MIMI_RR_SVCB), "SVCB");
  assert_null(mimi_rrtype_name(999));
  assert_string_equal(mimi_id_class_name(MIMI_ID_DOMAIN), "domain");
  assert_null(mimi_id_class_name((mimi_id_class_t)0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_phone),           cmocka_unit_test(test_handle),
      cmocka_unit_test(test_handle_too_long), cmocka_unit_test(test_domain_handle),
      cmocka_unit_test(test_uri),             cmocka_unit_test(test_null_args),
      cmocka_unit_test(test_profile_vectors), cmocka_unit_test(test_name_functions),
      cmocka_unit_test(test_name_limits),     cmocka_unit_test(test_plan_handle),
      cmocka_unit_test(test_plan_phone_apexes),
      cmocka_unit_test(test_plan_uri_and_endpoints),
      cmocka_unit_test(test_odd_input),       cmocka_unit_test(test_printable),
      cmocka_unit_test(test_misc_api),
  };
  return cmocka_run_group_tests_name("id", tests, NULL, NULL);
}
