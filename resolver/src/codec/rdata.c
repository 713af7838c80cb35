/* SPDX-License-Identifier: MIT */
/*
 * RDATA of the types the engine reads besides TXT and SVCB: NAPTR (decoded
 * with ldns, RFC 3403 §4.1), TLSA (RFC 6698 §2.1) and A/AAAA.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "codec/codec.h"

void mimi__naptr_clear(mimi__naptr_t *n) {
  free(n->flags);
  free(n->services);
  free(n->regexp);
  free(n->replacement);
  memset(n, 0, sizeof *n);
}

/* A <character-string> rdf as a C string; one with a NUL is malformed. */
static mimi_status_t cs_take(const ldns_rdf *f, const char *what, char **out,
                             char *err, size_t errlen) {
  const uint8_t *d = ldns_rdf_data(f);
  size_t n = ldns_rdf_size(f);
  if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_STR || n < 1 || d[0] != n - 1) {
    mimi__seterr(err, errlen, "NAPTR %s is malformed", what);
    return MIMI_EBADRECORD;
  }
  if (memchr(d + 1, 0, n - 1)) {
    mimi__seterr(err, errlen, "NAPTR %s contains a NUL octet", what);
    return MIMI_EBADRECORD;
  }
  *out = mimi__strndup((const char *)d + 1, n - 1);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}

mimi_status_t mimi__naptr_decode(const uint8_t *rd, size_t len,
                                 mimi__naptr_t *out, char *err, size_t errlen) {
  ldns_rr *rr = NULL;
  uint8_t *wire = NULL;
  size_t pos = 0;
  mimi_status_t st = MIMI_EBADRECORD;
  char *repl = NULL;

  memset(out, 0, sizeof *out);
  if (len > 65535)
    goto bad;
  /* ldns_wire2rdf() reads RDLENGTH first: give it one. */
  /* ldns_rr_new(), not ldns_rr_new_frm_type(): the latter pre-allocates
   * empty fields that a short RDATA leaves NULL (found by fuzz_rdata). */
  if (!(wire = malloc(len + 2)) || !(rr = ldns_rr_new())) {
    st = MIMI_ENOMEM;
    goto done;
  }
  ldns_rr_set_type(rr, LDNS_RR_TYPE_NAPTR);
  wire[0] = (uint8_t)(len >> 8);
  wire[1] = (uint8_t)len;
  if (len)
    memcpy(wire + 2, rd, len);
  if (ldns_wire2rdf(rr, wire, len + 2, &pos) != LDNS_STATUS_OK ||
      ldns_rr_rd_count(rr) != 6 || pos != len + 2)
    goto bad;
  static const ldns_rdf_type want[6] = {
      LDNS_RDF_TYPE_INT16, LDNS_RDF_TYPE_INT16, LDNS_RDF_TYPE_STR,
      LDNS_RDF_TYPE_STR,   LDNS_RDF_TYPE_STR,   LDNS_RDF_TYPE_DNAME};
  for (size_t i = 0; i < 6; i++) {
    const ldns_rdf *f = ldns_rr_rdf(rr, i);
    if (!f || ldns_rdf_get_type(f) != want[i] ||
        (i < 2 && ldns_rdf_size(f) != 2))
      goto bad;
  }
  out->rr.order = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
  out->rr.preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
  if ((st = cs_take(ldns_rr_rdf(rr, 2), "flags", &out->flags, err, errlen)) ||
      (st = cs_take(ldns_rr_rdf(rr, 3), "services", &out->services, err, errlen)) ||
      (st = cs_take(ldns_rr_rdf(rr, 4), "regexp", &out->regexp, err, errlen)))
    goto done;
  if (!(repl = ldns_rdf2str(ldns_rr_rdf(rr, 5)))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  out->replacement = mimi__strdup(repl);
  if (!out->replacement) {
    st = MIMI_ENOMEM;
    goto done;
  }
  out->rr.flags = out->flags;
  out->rr.services = out->services;
  out->rr.regexp = out->regexp;
  out->rr.replacement = out->replacement;
  st = MIMI_OK;
  goto done;
bad:
  mimi__seterr(err, errlen, "NAPTR RDATA is malformed (%zu octets)", len);
  st = MIMI_EBADRECORD;
done:
  if (st != MIMI_OK)
    mimi__naptr_clear(out);
  free(repl);
  free(wire);
  ldns_rr_free(rr);
  return st;
}

mimi_status_t mimi__tlsa_text(const uint8_t *rd, size_t len, char **out) {
  static const char hex[] = "0123456789ABCDEF";
  mimi_buf_t b;
  *out = NULL;
  if (len < 4) /* usage, selector, matching type, at least one octet */
    return MIMI_EBADRECORD;
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%u %u %u ", rd[0], rd[1], rd[2]);
  for (size_t i = 3; i < len; i++) {
    mimi__buf_addc(&b, hex[rd[i] >> 4]);
    mimi__buf_addc(&b, hex[rd[i] & 15]);
  }
  *out = mimi__buf_take(&b);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}

mimi_status_t mimi__addr_text(const uint8_t *rd, size_t len, char **out) {
  char buf[INET6_ADDRSTRLEN];
  *out = NULL;
  if (len != 4 && len != 16)
    return MIMI_EBADRECORD;
  if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, rd, buf, sizeof buf))
    return MIMI_EBADRECORD;
  *out = mimi__strdup(buf);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}
