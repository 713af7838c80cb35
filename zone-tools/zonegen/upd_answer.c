/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --send-update: reading the primary's answer to one UPDATE
 * (RFC 2136 §3.8) and its TSIG (RFC 8945 §5.3): applied, or the cause of
 * the refusal in words.
 */
#include <stdio.h>
#include <string.h>

#include "publish.h"

static const char *rcode_text(unsigned rc) {
  switch (rc) {
  case 1: return "FORMERR (the server could not read the update)";
  case 2: return "SERVFAIL (the server failed to apply it)";
  case 3: return "NXDOMAIN (prerequisite failed: a name that should exist does not)";
  case 4: return "NOTIMP (the server does not support DNS UPDATE)";
  case 5: return "REFUSED (the server's policy refuses this update: check its ACL)";
  case 6: return "YXDOMAIN (prerequisite failed: a name that should not exist does)";
  case 7: return "YXRRSET (prerequisite failed: an RRset that should not exist does)";
  case 8: return "NXRRSET (prerequisite failed: an RRset differs or is missing)";
  case 9: return "NOTAUTH (the server is not authoritative for the zone, or does not "
                 "accept the key)";
  case 10: return "NOTZONE (a name is outside the zone)";
  default: return "an unknown RCODE";
  }
}

static const char *tsig_error_text(unsigned e) {
  switch (e) {
  case 16: return "BADSIG (the signature does not verify: wrong secret or algorithm)";
  case 17: return "BADKEY (the server does not know this key name and algorithm)";
  case 18: return "BADTIME (the clocks differ by more than the fudge)";
  case 22: return "BADTRUNC";
  default: return "an unknown TSIG error";
  }
}

/* RFC 8945 §5.2: at most one TSIG RR, the last of the message. A walk over
 * the RRs (each at least 11 octets: bounded by len) before ldns reads the
 * message: ldns keeps only the last of several TSIG RRs (and leaks the
 * others). 1 if the message is well-formed so far and the rule holds. */
static int tsig_placement_ok(const uint8_t *w, size_t len) {
  size_t pos = 12, n = 0, tsigs = 0, total;
  if (len < 12)
    return 0;
  total = (size_t)(w[6] << 8 | w[7]) + (size_t)(w[8] << 8 | w[9]) + (size_t)(w[10] << 8 | w[11]);
  for (size_t i = 0; i < (size_t)(w[4] << 8 | w[5]) + total; i++) {
    while (pos < len && w[pos] != 0 && (w[pos] & 0xC0) == 0)
      pos += 1u + w[pos];
    if (pos >= len || (w[pos] & 0xC0) == 0x40 || (w[pos] & 0xC0) == 0x80)
      return 0;
    pos += w[pos] ? 2 : 1;
    if (i < (size_t)(w[4] << 8 | w[5])) {
      pos += 4;
      continue;
    }
    if (pos + 10 > len)
      return 0;
    if (w[pos] == 0 && w[pos + 1] == 250) {
      if (++tsigs > 1 || n + 1 != total)
        return 0;
    }
    pos += 10u + (size_t)(w[pos + 8] << 8 | w[pos + 9]);
    n++;
  }
  return pos <= len;
}

int zg_upd_check(const uint8_t *wire, size_t len, uint16_t id, const zg_tsig_t *key,
                 const ldns_rdf *mac, char *err, size_t errlen) {
  ldns_pkt *p = NULL;
  int rc = -1;
  if (!tsig_placement_ok(wire, len)) {
    snprintf(err, errlen, "the answer is not a well-formed DNS message (RFC 8945 §5.2: "
             "one TSIG record, last)");
    return -1;
  }
  if (ldns_wire2pkt(&p, wire, len) != LDNS_STATUS_OK) {
    snprintf(err, errlen, "the answer is not a DNS message");
    return -1;
  }
  if (!ldns_pkt_qr(p) || ldns_pkt_get_opcode(p) != LDNS_PACKET_UPDATE || ldns_pkt_id(p) != id) {
    snprintf(err, errlen, "the answer is not the answer to the update (QR, opcode or ID)");
    goto done;
  }
  unsigned rcode = ldns_pkt_get_rcode(p);
  ldns_rr *tsig = ldns_pkt_tsig(p);
  if (key) {
    unsigned terr = 0;
    if (tsig && ldns_rr_rd_count(tsig) >= 6 && ldns_rr_rdf(tsig, 5) &&
        ldns_rdf_size(ldns_rr_rdf(tsig, 5)) == 2)
      terr = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
    if (!tsig) {
      if (rcode)
        snprintf(err, errlen, "refused: %s; the answer is not signed", rcode_text(rcode));
      else
        snprintf(err, errlen, "the answer is not signed (TSIG): whether the update was "
                 "applied cannot be trusted");
      goto done;
    }
    if (terr) {
      /* RFC 8945 §5.3.2: such an answer is unsigned; it can only mean
       * "not applied", which is what is reported. */
      snprintf(err, errlen, "refused: %s; TSIG error %s", rcode ? rcode_text(rcode)
               : "NOERROR", tsig_error_text(terr));
      goto done;
    }
    ldns_rdf *alg = ldns_rr_rd_count(tsig) >= 1 ? ldns_rr_rdf(tsig, 0) : NULL;
    ldns_rdf *want = ldns_dname_new_frm_str(key->alg);
    int same_alg = alg && want && ldns_dname_compare(alg, want) == 0;
    ldns_rdf_deep_free(want);
    if (!same_alg) {
      snprintf(err, errlen, "the answer is signed with another TSIG algorithm than %s",
               key->alg);
      goto done;
    }
    /* ldns takes the TSIG RR out of the packet while it verifies, and does
     * not put it back when the MAC cannot be computed: free it then. */
    ldns_rr *orig = ldns_pkt_tsig(p);
    int good = ldns_pkt_tsig_verify(p, wire, len, key->name, key->secret, mac);
    if (!ldns_pkt_tsig(p))
      ldns_rr_free(orig);
    if (!good) {
      snprintf(err, errlen, "the answer's TSIG signature does not verify with the key %s "
               "(altered answer, or another key)", key->name);
      goto done;
    }
  }
  if (rcode) {
    snprintf(err, errlen, "refused: %s", rcode_text(rcode));
    goto done;
  }
  rc = 0;
done:
  ldns_pkt_free(p);
  return rc;
}
