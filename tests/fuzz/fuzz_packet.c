/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: DNS responses as the c-ares backend walks them (packet.c).
 * The first octet picks the question type; the rest is the response.
 *
 * Properties: kept RRs are of the asked type with bounded RDATA inside the
 * input (or the parser's own name copies); a failed parse leaves nothing
 * allocated. And, differentially, against ldns (which the backend used
 * before the hand-written walk): when both accept a response,
 * they agree on the rcode, the number of RRs kept and the TTL, and on the
 * RDATA octets for the types whose RDATA holds no compressible name. (For
 * NAPTR, SVCB and HTTPS ldns would also decompress a name in the RDATA,
 * which RFC 3597 §4 does not ask of a receiver; the walk passes it on as it
 * came and the record parsers reject it.) They may differ on accepting:
 * ldns also checks the RDATA of every RR it parses, and accepts pointers
 * that point forwards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "backends/backend.h"

#define ORACLE_CHAIN 32 /* as packet.c */
#define ORACLE_MAX 256

typedef struct {
  int rcode;
  uint32_t ttl;
  size_t n;
  uint8_t *rd[ORACLE_MAX];
  size_t len[ORACLE_MAX];
} oracle_t;

static void oracle_free(oracle_t *o) {
  for (size_t i = 0; i < o->n; i++)
    free(o->rd[i]);
}

/*
 * The answer RRs, parsed one by one with ldns. ldns_wire2rr() reads the
 * fields a type's descriptor lists, which need not end where RDLENGTH says
 * (an A record with RDLENGTH 11 is read as 4 octets, and the next RR starts
 * 7 octets early); such a response is framed differently by ldns and by
 * RFC 1035 §4.1.3, so there is nothing to compare: -1.
 */
static int ldns_answers(const uint8_t *buf, size_t len, ldns_rr_list *ans,
                        ldns_rdf **qowner, uint16_t *qtype) {
  size_t pos = LDNS_HEADER_SIZE;
  ldns_rr *rr = NULL;
  if (len < LDNS_HEADER_SIZE || LDNS_QDCOUNT(buf) != 1 ||
      ldns_wire2rr(&rr, buf, len, &pos, LDNS_SECTION_QUESTION) != LDNS_STATUS_OK)
    return -1; /* (ldns has freed the RR it was building) */
  *qowner = ldns_rdf_clone(ldns_rr_owner(rr));
  *qtype = ldns_rr_get_type(rr);
  ldns_rr_free(rr);
  size_t an = LDNS_ANCOUNT(buf), all = an + LDNS_NSCOUNT(buf) + LDNS_ARCOUNT(buf);
  for (size_t i = 0; i < all; i++) {
    ldns_rdf *owner = NULL;
    size_t p = pos, end;
    if (ldns_wire2dname(&owner, buf, len, &p) != LDNS_STATUS_OK || p + 10 > len) {
      ldns_rdf_deep_free(owner);
      return -1;
    }
    ldns_rdf_deep_free(owner);
    end = p + 10 + ldns_read_uint16(buf + p + 8);
    /* (On failure ldns has freed the RR it was building.) */
    if (ldns_wire2rr(&rr, buf, len, &pos,
                     i < an ? LDNS_SECTION_ANSWER : LDNS_SECTION_ADDITIONAL) !=
        LDNS_STATUS_OK)
      return -1;
    if (pos != end) {
      ldns_rr_free(rr);
      return -1;
    }
    if (i < an)
      ldns_rr_list_push_rr(ans, rr);
    else
      ldns_rr_free(rr);
    rr = NULL;
  }
  return 0;
}

/* The same reduction with ldns objects: 0 if ldns accepts the response. */
static int oracle(const uint8_t *buf, size_t len, const char *qname,
                  uint16_t qtype, oracle_t *o) {
  ldns_rr_list *ans = ldns_rr_list_new();
  ldns_rdf *q0 = NULL, *cur = NULL, *qowner = NULL;
  ldns_buffer *wb = NULL;
  uint16_t qt = 0;
  int rc = -1;
  memset(o, 0, sizeof *o);
  if (!ans || ldns_answers(buf, len, ans, &qowner, &qt) != 0 ||
      ldns_str2rdf_dname(&q0, qname) != LDNS_STATUS_OK || !LDNS_QR_WIRE(buf) ||
      qt != qtype || ldns_dname_compare(qowner, q0) != 0)
    goto done;
  o->rcode = LDNS_RCODE_WIRE(buf);
  size_t nrr = ldns_rr_list_rr_count(ans);
  cur = ldns_rdf_clone(q0);
  for (size_t hop = 0; hop < ORACLE_CHAIN && qtype != MIMI_RR_CNAME; hop++) {
    const ldns_rdf *next = NULL;
    for (size_t i = 0; i < nrr && !next; i++) {
      const ldns_rr *rr = ldns_rr_list_rr(ans, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
          ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN && ldns_rr_rd_count(rr) == 1 &&
          ldns_dname_compare(ldns_rr_owner(rr), cur) == 0)
        next = ldns_rr_rdf(rr, 0);
    }
    if (!next)
      break;
    ldns_rdf_deep_free(cur);
    cur = ldns_rdf_clone(next);
  }
  wb = ldns_buffer_new(512);
  for (size_t i = 0; i < nrr && o->n < ORACLE_MAX; i++) {
    const ldns_rr *rr = ldns_rr_list_rr(ans, i);
    if (ldns_rr_get_type(rr) != qtype || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
        ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
      continue;
    ldns_buffer_clear(wb);
    if (ldns_rr_rdata2buffer_wire(wb, rr) != LDNS_STATUS_OK)
      abort();
    size_t n = ldns_buffer_position(wb);
    uint32_t ttl = ldns_rr_ttl(rr) & 0x80000000u ? 0 : ldns_rr_ttl(rr);
    o->rd[o->n] = malloc(n ? n : 1);
    if (!o->rd[o->n])
      abort();
    memcpy(o->rd[o->n], ldns_buffer_begin(wb), n);
    o->len[o->n] = n;
    if (o->n == 0 || ttl < o->ttl)
      o->ttl = ttl;
    o->n++;
  }
  rc = 0;
done:
  ldns_buffer_free(wb);
  ldns_rdf_deep_free(cur);
  ldns_rdf_deep_free(q0);
  ldns_rdf_deep_free(qowner);
  ldns_rr_list_deep_free(ans);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const uint16_t types[] = {MIMI_RR_TXT, MIMI_RR_NAPTR, MIMI_RR_SVCB,
                                   MIMI_RR_HTTPS, MIMI_RR_A, MIMI_RR_AAAA,
                                   MIMI_RR_TLSA, MIMI_RR_CNAME};
  mimi__packet_t p;
  oracle_t o;
  if (size < 1)
    return 0;
  uint16_t qt = types[data[0] % (sizeof types / sizeof *types)];
  const uint8_t *m = data + 1;
  size_t len = size - 1;
  static const uint8_t qname[] = "\001a\007example"; /* and the root's 0 */
  if (mimi__packet_parse(m, len, qname, sizeof qname, qt, &p) != MIMI_OK) {
    if (p.n || p.rdata || p.rdlen || p.names)
      abort();
    return 0;
  }
  for (size_t i = 0; i < p.n; i++) {
    const uint8_t *r = p.rdata[i];
    int inside = r >= m && r + p.rdlen[i] <= m + len;
    int own = p.names && r >= p.names &&
              r + p.rdlen[i] <= p.names + p.n * MIMI_MAX_NAME_WIRE;
    if (!r || p.rdlen[i] > 65535 || !(inside || own))
      abort();
  }
  if (oracle(m, len, "a.example.", qt, &o) == 0 && o.n < ORACLE_MAX) {
    int exact = qt != MIMI_RR_NAPTR && qt != MIMI_RR_SVCB && qt != MIMI_RR_HTTPS;
    if (o.rcode != p.rcode || o.n != p.n || (o.n && o.ttl != p.ttl))
      abort();
    for (size_t i = 0; exact && i < o.n; i++)
      if (o.len[i] != p.rdlen[i] || memcmp(o.rd[i], p.rdata[i], o.len[i]) != 0)
        abort();
  }
  oracle_free(&o);
  mimi__packet_clear(&p);
  return 0;
}
