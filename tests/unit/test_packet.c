/* SPDX-License-Identifier: MIT */
/* DNS responses as the c-ares backend walks them (packet.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/backend.h"

/* A response under construction. */
typedef struct {
  uint8_t b[4096];
  size_t n;
} msg_t;

static void u8(msg_t *m, unsigned v) {
  assert_true(m->n < sizeof m->b);
  m->b[m->n++] = (uint8_t)v;
}
static void u16(msg_t *m, unsigned v) {
  u8(m, v >> 8);
  u8(m, v & 0xff);
}
static void u32(msg_t *m, uint32_t v) {
  u16(m, v >> 16);
  u16(m, v & 0xffff);
}
static void bytes(msg_t *m, const void *p, size_t n) {
  assert_true(m->n + n <= sizeof m->b);
  memcpy(m->b + m->n, p, n);
  m->n += n;
}
/* "a.example" as labels; with end, the terminating root label. */
static void labels(msg_t *m, const char *name, int end) {
  while (*name) {
    const char *dot = strchr(name, '.');
    size_t l = dot ? (size_t)(dot - name) : strlen(name);
    u8(m, (unsigned)l);
    bytes(m, name, l);
    name += l + (dot ? 1 : 0);
  }
  if (end)
    u8(m, 0);
}
static void ptr(msg_t *m, size_t off) { u16(m, 0xC000 | (unsigned)off); }

/* Header (QR, RD, RA, rcode) and the question name/TXT; returns the
 * question name's offset (12). */
static void header(msg_t *m, unsigned rcode, unsigned an, unsigned ns, unsigned ar,
                   const char *qname, unsigned qtype) {
  m->n = 0;
  u16(m, 0x1234);
  u16(m, 0x8180 | rcode);
  u16(m, 1);
  u16(m, an);
  u16(m, ns);
  u16(m, ar);
  labels(m, qname, 1);
  u16(m, qtype);
  u16(m, 1);
}
/* Type, class IN, TTL, RDLENGTH, after an owner written by the caller. */
static void rrhead(msg_t *m, unsigned type, uint32_t ttl, size_t rdlen) {
  u16(m, type);
  u16(m, 1);
  u32(m, ttl);
  u16(m, (unsigned)rdlen);
}
/* owner CNAME <label>.example. (a pointer to the question's "example"):
 * the owner at offset owner; returns the offset of the target name. */
static size_t cname_rr(msg_t *m, size_t owner, const char *label) {
  size_t at;
  ptr(m, owner);
  rrhead(m, MIMI_RR_CNAME, 300, 1 + strlen(label) + 2);
  at = m->n;
  labels(m, label, 0);
  ptr(m, 14); /* "example" of the question */
  return at;
}

static void txt_rr(msg_t *m, uint32_t ttl, const char *text) {
  size_t l = strlen(text);
  ptr(m, 12);
  rrhead(m, MIMI_RR_TXT, ttl, l + 1);
  u8(m, (unsigned)l);
  bytes(m, text, l);
}

/* The parser gets an exact-size heap copy, so that reading one octet past
 * the message fails under ASan (not only past the test's 4 KiB buffer).
 * The copy stays alive until the next parse: the RDATA points into it. */
static mimi_status_t parse_len(const msg_t *m, size_t len, const char *qname,
                               uint16_t qtype, mimi__packet_t *p) {
  static uint8_t *copy;
  uint8_t w[MIMI_MAX_NAME_WIRE];
  size_t wl;
  assert_int_equal(mimi__name_to_wire(qname, w, sizeof w, &wl), 0);
  free(copy);
  copy = malloc(len ? len : 1);
  assert_non_null(copy);
  memcpy(copy, m->b, len);
  return mimi__packet_parse(copy, len, w, wl, qtype, p);
}
static mimi_status_t parse(const msg_t *m, const char *qname, uint16_t qtype,
                           mimi__packet_t *p) {
  return parse_len(m, m->n, qname, qtype, p);
}

static void test_txt_answer(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 2, 0, 0, "a.example", MIMI_RR_TXT);
  txt_rr(&m, 300, "v=MIMI1; e=x.example");
  txt_rr(&m, 200, "v=MIMI1; e=y.example");
  assert_int_equal(parse(&m, "A.Example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.rcode, 0);
  assert_int_equal(p.n, 2);
  assert_int_equal(p.ttl, 200); /* the smallest */
  assert_int_equal(p.rdlen[0], 21);
  assert_memory_equal(p.rdata[0], "\x14v=MIMI1; e=x.example", 21);
  assert_memory_equal(p.rdata[1], "\x14v=MIMI1; e=y.example", 21);
  /* Zero copies: the RDATA is in the response (the parser's copy of it). */
  assert_memory_equal(p.rdata[0] - 1, "\x15\x14", 2); /* RDLENGTH's low octet, then the string's */
  mimi__packet_clear(&p);
}

static void test_many_rrs(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 20, 0, 0, "a.example", MIMI_RR_TXT);
  for (int i = 0; i < 20; i++)
    txt_rr(&m, 100 + (uint32_t)i, i % 2 ? "odd" : "even");
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.n, 20);
  assert_int_equal(p.ttl, 100);
  assert_memory_equal(p.rdata[19], "\x03odd", 4);
  mimi__packet_clear(&p);
}

/* a CNAME b (RDATA compressed), b CNAME c, c TXT: the TXT, from the owner
 * reached by the chain only. */
static void test_cname_chain(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 4, 0, 0, "a.example", MIMI_RR_TXT);
  size_t b_at = cname_rr(&m, 12, "b");
  txt_rr(&m, 50, "at a: not the chain's end");
  size_t c_at = cname_rr(&m, b_at, "c");
  ptr(&m, c_at);
  rrhead(&m, MIMI_RR_TXT, 100, 4);
  bytes(&m, "\x03" "end", 4);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.n, 1);
  assert_int_equal(p.ttl, 100);
  assert_memory_equal(p.rdata[0], "\x03" "end", 4);
  mimi__packet_clear(&p);

  /* Asked for the CNAME itself: the target, uncompressed. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_CNAME);
  (void)cname_rr(&m, 12, "b");
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_CNAME, &p), MIMI_OK);
  assert_int_equal(p.n, 1);
  assert_int_equal(p.rdlen[0], 11);
  assert_memory_equal(p.rdata[0], "\x01" "b\x07" "example", 11);
  mimi__packet_clear(&p);
}

/* A CNAME in the answer whose RDATA is not one name: the answer is
 * malformed (not read as if the CNAME were absent). */
static void test_cname_bad_rdata(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 2, 0, 0, "a.example", MIMI_RR_TXT);
  ptr(&m, 12);
  rrhead(&m, MIMI_RR_CNAME, 300, 4);
  size_t rd = m.n;
  labels(&m, "b", 0);
  ptr(&m, rd + 3); /* forwards, into itself */
  txt_rr(&m, 1, "x");
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* A name, then an octet more than the name. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  ptr(&m, 12);
  rrhead(&m, MIMI_RR_CNAME, 300, 3);
  ptr(&m, 14);
  u8(&m, 0);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
}

/* a CNAME b, b CNAME a: the walk stops; no data, not an error. */
static void test_cname_loop(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 2, 0, 0, "a.example", MIMI_RR_TXT);
  size_t b_at = cname_rr(&m, 12, "b");
  ptr(&m, b_at);
  rrhead(&m, MIMI_RR_CNAME, 300, 2);
  ptr(&m, 12);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.n, 0);
  mimi__packet_clear(&p);
}

static void test_nxdomain(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 3, 0, 1, 0, "a.example", MIMI_RR_TXT);
  ptr(&m, 14);
  rrhead(&m, 6 /* SOA */, 3600, 22);
  u8(&m, 0);
  u8(&m, 0);
  for (int i = 0; i < 5; i++)
    u32(&m, 1);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.rcode, 3);
  assert_int_equal(p.n, 0);
  mimi__packet_clear(&p);
}

/* RFC 2181 §8: a TTL with the top bit set counts as zero. */
static void test_ttl_top_bit(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  txt_rr(&m, 0x80000001u, "x");
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.ttl, 0);
  mimi__packet_clear(&p);
}

/* Not the question asked, or not a response: rejected. */
static void test_wrong_question(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 1, 0, 0, "b.example", MIMI_RR_TXT);
  txt_rr(&m, 1, "x");
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  assert_int_equal(p.n, 0);
  assert_null(p.rdata);
  assert_int_equal(parse(&m, "b.example.", MIMI_RR_SVCB, &p), MIMI_EBADRECORD);
  m.b[12 + 11 + 3] = 3; /* question class CH */
  assert_int_equal(parse(&m, "b.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  m.b[12 + 11 + 3] = 1;
  m.b[2] &= 0x7f; /* QR off: a query */
  assert_int_equal(parse(&m, "b.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  m.b[2] |= 0x80;
  assert_int_equal(parse(&m, "b.example.", MIMI_RR_TXT, &p), MIMI_OK);
  mimi__packet_clear(&p);
  assert_int_equal(parse_len(&m, 11, "b.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
}

/* Every length is checked against the message, in every section. */
static void test_truncated(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  header(&m, 0, 1, 0, 1, "a.example", MIMI_RR_TXT);
  txt_rr(&m, 1, "x");
  size_t whole = m.n;
  u8(&m, 0); /* OPT, cut inside its RDLENGTH */
  rrhead(&m, 41, 0, 0);
  m.n -= 1;
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  m.n = whole;
  for (size_t cut = 12; cut < whole; cut++)
    assert_int_equal(parse_len(&m, cut, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* RDLENGTH past the end. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  ptr(&m, 12);
  rrhead(&m, MIMI_RR_TXT, 1, 10);
  bytes(&m, "\x03" "abc", 4);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
}

/* Compression pointers go back to a prior occurrence, and names stay within
 * 255 octets of labels of at most 63: anything else is an error. */
static void test_bad_names(void **state) {
  (void)state;
  msg_t m;
  mimi__packet_t p;
  /* A pointer to itself. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  size_t self = m.n;
  ptr(&m, self);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* A pointer forwards (to the RDATA). */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  ptr(&m, m.n + 12);
  rrhead(&m, MIMI_RR_TXT, 1, 11);
  labels(&m, "a.example", 1);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* Labels then a pointer back into the same labels. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  size_t start = m.n;
  labels(&m, "x", 0);
  ptr(&m, start);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* 0x40 followed by 64 octets: an extended label type, not a label of 64. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  u8(&m, 0x40);
  for (int j = 0; j < 64; j++)
    u8(&m, 'x');
  u8(&m, 0);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* An extended label type (01xxxxxx). */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  u8(&m, 0x41);
  u8(&m, 0);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* 255 octets (4 labels of 50, one of 49, the root): the most there is. */
  header(&m, 0, 1, 0, 0, "a.example", MIMI_RR_TXT);
  for (int i = 0; i < 5; i++) {
    u8(&m, i < 4 ? 50 : 49);
    for (int j = 0; j < (i < 4 ? 50 : 49); j++)
      u8(&m, 'x');
  }
  size_t root = m.n;
  u8(&m, 0);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_OK);
  assert_int_equal(p.n, 0); /* another owner */
  mimi__packet_clear(&p);
  /* 256 octets (the last label one longer): one too many. */
  m.n = root - 50;
  u8(&m, 50);
  for (int j = 0; j < 50; j++)
    u8(&m, 'x');
  u8(&m, 0);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
  /* One more label: 257. */
  m.n = root;
  u8(&m, 1);
  u8(&m, 'y');
  u8(&m, 0);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  assert_int_equal(parse(&m, "a.example.", MIMI_RR_TXT, &p), MIMI_EBADRECORD);
}

/* A TXT whose owner is reached through hops compression pointers: the
 * first in the owner, the rest a chain inside a NULL RR's RDATA ending at
 * the question's name. */
static mimi_status_t ptr_chain(unsigned hops, mimi__packet_t *p) {
  static msg_t m;
  size_t k = hops - 2, first;
  header(&m, 0, 2, 0, 0, "a.example", MIMI_RR_TXT);
  ptr(&m, 12);
  rrhead(&m, 10 /* NULL */, 1, 2 * (k + 1));
  first = m.n;
  ptr(&m, 12);
  for (size_t i = 1; i <= k; i++)
    ptr(&m, first + 2 * (i - 1));
  ptr(&m, first + 2 * k);
  rrhead(&m, MIMI_RR_TXT, 1, 2);
  bytes(&m, "\x01x", 2);
  return parse(&m, "a.example.", MIMI_RR_TXT, p);
}

static void test_pointer_hops(void **state) {
  (void)state;
  mimi__packet_t p;
  /* at the cap: the TXT is found at the question's name */
  assert_int_equal(ptr_chain(MIMI__MAX_PTR_HOPS, &p), MIMI_OK);
  assert_int_equal(p.n, 1);
  assert_memory_equal(p.rdata[0], "\x01x", 2);
  mimi__packet_clear(&p);
  /* one past it: refused, not walked */
  assert_int_equal(ptr_chain(MIMI__MAX_PTR_HOPS + 1, &p), MIMI_EBADRECORD);
  /* a short chain, as a compressor could write: accepted */
  assert_int_equal(ptr_chain(3, &p), MIMI_OK);
  assert_int_equal(p.n, 1);
  mimi__packet_clear(&p);
}

static void test_name_to_wire(void **state) {
  (void)state;
  uint8_t w[MIMI_MAX_NAME_WIRE];
  size_t n;
  assert_int_equal(mimi__name_to_wire("a.Example.", w, sizeof w, &n), 0);
  assert_int_equal(n, 11);
  assert_memory_equal(w, "\x01" "a\x07" "Example", 11);
  assert_int_equal(mimi__name_to_wire("a\\.b.c", w, sizeof w, &n), 0);
  assert_memory_equal(w, "\x03" "a.b\x01" "c", 7);
  assert_int_equal(mimi__name_to_wire("\\065.", w, sizeof w, &n), 0);
  assert_memory_equal(w, "\x01" "A", 3);
  assert_int_equal(mimi__name_to_wire(".", w, sizeof w, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(mimi__name_to_wire("a..b", w, sizeof w, &n), -1);
  assert_int_equal(mimi__name_to_wire("", w, sizeof w, &n), -1);
  assert_int_equal(mimi__name_to_wire("a\\", w, sizeof w, &n), -1); /* a lone escape */
  assert_int_equal(mimi__name_to_wire("\\256.", w, sizeof w, &n), -1);
  char big[300];
  memset(big, 'x', 64);
  big[64] = 0;
  assert_int_equal(mimi__name_to_wire(big, w, sizeof w, &n), -1); /* label of 64 */
  strcpy(big + 64, ".");
  assert_int_equal(mimi__name_to_wire(big, w, sizeof w, &n), -1); /* the same, with a dot */
  for (int i = 0; i < 128; i++)
    memcpy(big + 2 * i, "x.", 2);
  big[256] = 0;
  assert_int_equal(mimi__name_to_wire(big, w, sizeof w, &n), -1); /* 257 octets */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_txt_answer),   cmocka_unit_test(test_many_rrs),
      cmocka_unit_test(test_cname_chain),  cmocka_unit_test(test_cname_loop),
      cmocka_unit_test(test_cname_bad_rdata),
      cmocka_unit_test(test_nxdomain),     cmocka_unit_test(test_ttl_top_bit),
      cmocka_unit_test(test_wrong_question), cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_bad_names),    cmocka_unit_test(test_name_to_wire),
      cmocka_unit_test(test_pointer_hops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
