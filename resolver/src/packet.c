/*
 * DNS responses of the c-ares backend, parsed with ldns (RFC 1035 §4):
 * the RRs of the queried type at the end of the CNAME chain (RFC 1034
 * §3.6.2), as uncompressed RDATA for the engine.
 */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "resolver.h"

void mimi__packet_clear(mimi__packet_t *p) {
  for (size_t i = 0; i < p->n; i++)
    free(p->rdata[i]);
  free(p->rdata);
  free(p->rdlen);
  memset(p, 0, sizeof *p);
}

/* The response must answer the question asked (RFC 5452 §4.1 spirit; c-ares
 * checks this too, but the parser must not rely on its caller). */
static int same_question(const ldns_pkt *pkt, const ldns_rdf *qname,
                         uint16_t qtype) {
  const ldns_rr_list *q = ldns_pkt_question(pkt);
  if (ldns_rr_list_rr_count(q) != 1)
    return 0;
  const ldns_rr *rr = ldns_rr_list_rr(q, 0);
  return ldns_rr_get_type(rr) == qtype &&
         ldns_dname_compare(ldns_rr_owner(rr), qname) == 0;
}

mimi_status_t mimi__packet_parse(const uint8_t *buf, size_t len,
                                 const char *qname, uint16_t qtype,
                                 mimi__packet_t *out) {
  ldns_pkt *pkt = NULL;
  ldns_rdf *cur = NULL, *q0 = NULL;
  ldns_buffer *wb = NULL;
  mimi_status_t st = MIMI_EBADRECORD;
  size_t nrr;

  memset(out, 0, sizeof *out);
  if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK ||
      ldns_str2rdf_dname(&q0, qname) != LDNS_STATUS_OK ||
      !same_question(pkt, q0, qtype) || !ldns_pkt_qr(pkt))
    goto done;
  out->rcode = ldns_pkt_get_rcode(pkt);
  const ldns_rr_list *ans = ldns_pkt_answer(pkt);
  nrr = ldns_rr_list_rr_count(ans);
  if (!(cur = ldns_rdf_clone(q0))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  /* Follow the chain; each hop consumes one CNAME, so nrr bounds it. */
  for (size_t hop = 0; hop < nrr && qtype != MIMI_RR_CNAME; hop++) {
    const ldns_rdf *next = NULL;
    for (size_t i = 0; i < nrr && !next; i++) {
      const ldns_rr *rr = ldns_rr_list_rr(ans, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1 &&
          ldns_rr_rdf(rr, 0) &&
          ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_DNAME &&
          ldns_dname_compare(ldns_rr_owner(rr), cur) == 0)
        next = ldns_rr_rdf(rr, 0);
    }
    if (!next)
      break;
    ldns_rdf_deep_free(cur);
    if (!(cur = ldns_rdf_clone(next))) {
      st = MIMI_ENOMEM;
      goto done;
    }
  }
  if (!(out->rdata = calloc(nrr ? nrr : 1, sizeof *out->rdata)) ||
      !(out->rdlen = calloc(nrr ? nrr : 1, sizeof *out->rdlen)) ||
      !(wb = ldns_buffer_new(512))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < nrr; i++) {
    const ldns_rr *rr = ldns_rr_list_rr(ans, i);
    if (ldns_rr_get_type(rr) != qtype || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
        ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
      continue;
    ldns_buffer_clear(wb);
    if (ldns_rr_rdata2buffer_wire(wb, rr) != LDNS_STATUS_OK) {
      st = MIMI_ENOMEM;
      goto done;
    }
    size_t n = ldns_buffer_position(wb);
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy) {
      st = MIMI_ENOMEM;
      goto done;
    }
    memcpy(copy, ldns_buffer_begin(wb), n);
    out->rdata[out->n] = copy;
    out->rdlen[out->n] = n;
    if (out->n == 0 || ldns_rr_ttl(rr) < out->ttl)
      out->ttl = ldns_rr_ttl(rr);
    out->n++;
  }
  st = MIMI_OK;
done:
  if (st != MIMI_OK)
    mimi__packet_clear(out);
  if (wb)
    ldns_buffer_free(wb);
  ldns_rdf_deep_free(cur);
  ldns_rdf_deep_free(q0);
  ldns_pkt_free(pkt);
  return st;
}
