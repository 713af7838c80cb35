/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --send-update: the change set as DNS UPDATE messages
 * (RFC 2136) over one TCP connection to the primary, each signed with TSIG
 * (RFC 8945) and each an atomic transaction of at most UPD_NAMES owner
 * names and UPD_OCTETS octets (RFC 2136 §3.7: the server applies an update
 * whole or not at all). Replication to the secondaries is the servers'
 * business (NOTIFY, IXFR). The messages are made and read by ldns.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "publish.h"

/* A transaction: at most this many owner names and octets of updates (a
 * TCP message holds 65,535; the rest is for the header, zone and TSIG). */
#define UPD_NAMES 1000
#define UPD_OCTETS 60000
#define UPD_TIMEOUT_S 120 /* a signing primary answers after signing */
#define TSIG_FUDGE 300    /* RFC 8945 §10: 300 s recommended */

int zg_key_wire(const uint8_t *key, size_t klen, uint8_t *out, size_t *len) {
  /* key: labels right to left, each followed by 0x00. */
  size_t starts[128], n = 0, o = 0, i = 0;
  while (i < klen) {
    const uint8_t *z = memchr(key + i, 0, klen - i);
    if (!z || z == key + i || (size_t)(z - key - i) > 63 || n == 128)
      return -1;
    starts[n++] = i;
    i = (size_t)(z - key) + 1;
  }
  while (n--) {
    const uint8_t *l = key + starts[n];
    size_t ll = strlen((const char *)l);
    if (o + 1 + ll + 1 > 255)
      return -1;
    out[o++] = (uint8_t)ll;
    memcpy(out + o, l, ll);
    o += ll;
  }
  out[o++] = 0;
  *len = o;
  return 0;
}

int zg_key_name(const uint8_t *key, size_t klen, char *out, size_t outlen) {
  uint8_t w[256];
  size_t wl, o = 0;
  if (zg_key_wire(key, klen, w, &wl) != 0 || outlen < 2)
    return -1;
  if (wl == 1) {
    snprintf(out, outlen, ".");
    return 0;
  }
  for (size_t i = 0; w[i]; i += 1 + w[i]) {
    for (size_t j = 1; j <= w[i]; j++) {
      unsigned char c = w[i + j];
      int safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (o + 5 >= outlen)
        return -1;
      o += (size_t)(safe ? snprintf(out + o, outlen - o, "%c", c)
                         : snprintf(out + o, outlen - o, "\\%03u", c));
    }
    out[o++] = '.';
  }
  out[o] = '\0';
  return 0;
}

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

/* --- sending ------------------------------------------------------------ */

typedef struct {
  const zg_opts_t *o;
  const char *server;
  const zg_tsig_t *key;
  int fd;
  ldns_rr_list *up;   /* the transaction being built */
  size_t octets, names, first_name;
  size_t sent_txn, sent_names, total_names, deleted, replaced, rrs, txn_rrs, txn_del,
      txn_rep;
  int progress;
} sender_t;

static int connect_server(sender_t *s) {
  char host[256], *at;
  const char *port = "53";
  struct addrinfo hints, *ai = NULL;
  struct timeval tv = {10, 0};
  int e;
  snprintf(host, sizeof host, "%s", s->server);
  if ((at = strrchr(host, '@'))) {
    *at = '\0';
    port = at + 1;
  }
  if (host[0] == '[' && host[strlen(host) - 1] == ']') {
    memmove(host, host + 1, strlen(host));
    host[strlen(host) - 1] = '\0';
  }
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
    fprintf(stderr, "mimi-zonegen: --send-update %s: %s\n", s->server, gai_strerror(e));
    return -1;
  }
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
  s->fd = ldns_tcp_connect2(&ss, ai->ai_addrlen, tv);
  freeaddrinfo(ai);
  if (s->fd < 0) {
    fprintf(stderr, "mimi-zonegen: --send-update %s: cannot connect over TCP\n", s->server);
    return -1;
  }
  tv.tv_sec = UPD_TIMEOUT_S;
  (void)setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return 0;
}

/* MSG_NOSIGNAL: a server that closed the connection is an error to
 * report, not a SIGPIPE that ends the run without a word. */
static int write_all(int fd, const uint8_t *b, size_t n) {
  while (n) {
    ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Send the transaction built and read its answer. 0, -1 refused or no
 * answer (printed), -2 local error (printed). */
static int flush(sender_t *s) {
  ldns_pkt *p = NULL;
  ldns_rdf *zone = NULL;
  uint8_t *wire = NULL, *ans = NULL;
  size_t wl = 0, al = 0;
  char err[400];
  int rc = -2;
  struct timeval tv = {UPD_TIMEOUT_S, 0};

  if (ldns_rr_list_rr_count(s->up) == 0)
    return 0;
  if (!(zone = ldns_dname_new_frm_str(s->o->origin)) ||
      !(p = ldns_update_pkt_new(zone, LDNS_RR_CLASS_IN, NULL, s->up, NULL))) {
    ldns_rdf_deep_free(zone);
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    goto done;
  }
  ldns_pkt_set_rd(p, false); /* RFC 2136 §2.2: Z, zero */
  ldns_pkt_set_random_id(p);
  if (s->key) {
    ldns_status st = ldns_pkt_tsig_sign(p, s->key->name, s->key->secret, TSIG_FUDGE,
                                        s->key->alg, NULL);
    if (st != LDNS_STATUS_OK) {
      fprintf(stderr, "mimi-zonegen: TSIG signing with %s (%s): %s\n", s->key->name,
              s->key->alg, ldns_get_errorstr_by_id(st));
      goto done;
    }
  }
  if (ldns_pkt2wire(&wire, p, &wl) != LDNS_STATUS_OK || wl > 65535) {
    fprintf(stderr, "mimi-zonegen: cannot make the update message (%zu octets)\n", wl);
    goto done;
  }
  uint8_t hdr[2] = {(uint8_t)(wl >> 8), (uint8_t)wl};
  if (write_all(s->fd, hdr, 2) != 0 || write_all(s->fd, wire, wl) != 0) {
    snprintf(err, sizeof err, "sending failed: %s", strerror(errno));
    rc = -1;
  } else if (!(ans = ldns_tcp_read_wire_timeout(s->fd, &al, tv))) {
    /* A server busy with a large zone may close the connection before it
     * answers (Knot: tcp-idle-timeout); the update may still be applied. */
    snprintf(err, sizeof err, "no answer: the connection was closed or %d s passed (the "
             "update may or may not be applied: compare the zone's SOA serial; a "
             "server that takes long may need a longer TCP idle timeout)", UPD_TIMEOUT_S);
    rc = -1;
  } else if (zg_upd_check(ans, al, ldns_pkt_id(p), s->key,
                          s->key && ldns_pkt_tsig(p) ? ldns_rr_rdf(ldns_pkt_tsig(p), 3) : NULL,
                          err, sizeof err) != 0) {
    rc = -1;
  } else {
    rc = 0;
  }
  if (rc == -1) {
    if (s->progress)
      fputc('\n', stderr);
    fprintf(stderr, "mimi-zonegen: %s: transaction %zu (%zu names) failed: %s\n"
            "mimi-zonegen: %zu transaction%s (%zu names) applied before it; nothing "
            "after it was sent\n", s->server, s->sent_txn + 1, s->names, err, s->sent_txn,
            s->sent_txn == 1 ? "" : "s", s->sent_names);
    goto done;
  }
  s->sent_txn++;
  s->sent_names += s->names;
  s->deleted += s->txn_del;
  s->replaced += s->txn_rep;
  s->rrs += s->txn_rrs;
  if (s->progress)
    fprintf(stderr, "\rmimi-zonegen: %zu of %zu names applied (%zu transactions)",
            s->sent_names, s->total_names, s->sent_txn);
done:
  ldns_rr_list_deep_free(s->up);
  s->up = ldns_rr_list_new();
  if (!s->up && rc == 0) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    rc = -2;
  }
  s->octets = s->names = s->txn_rrs = s->txn_del = s->txn_rep = 0;
  free(wire);
  free(ans);
  ldns_pkt_free(p);
  return rc;
}

/* Append one RR, from its parts, to the transaction. */
static int add_rr(sender_t *s, const uint8_t *owner, size_t ol, uint16_t type,
                  uint16_t cls, uint32_t ttl, const uint8_t *rd, size_t rdlen) {
  uint8_t w[256 + 10 + 65535];
  size_t pos = 0;
  ldns_rr *rr = NULL;
  memcpy(w, owner, ol);
  w[ol] = (uint8_t)(type >> 8);
  w[ol + 1] = (uint8_t)type;
  w[ol + 2] = (uint8_t)(cls >> 8);
  w[ol + 3] = (uint8_t)cls;
  w[ol + 4] = (uint8_t)(ttl >> 24);
  w[ol + 5] = (uint8_t)(ttl >> 16);
  w[ol + 6] = (uint8_t)(ttl >> 8);
  w[ol + 7] = (uint8_t)ttl;
  w[ol + 8] = (uint8_t)(rdlen >> 8);
  w[ol + 9] = (uint8_t)rdlen;
  if (rdlen)
    memcpy(w + ol + 10, rd, rdlen);
  if (ldns_wire2rr(&rr, w, ol + 10 + rdlen, &pos, LDNS_SECTION_AUTHORITY) != LDNS_STATUS_OK ||
      !ldns_rr_list_push_rr(s->up, rr)) {
    ldns_rr_free(rr);
    fprintf(stderr, "mimi-zonegen: cannot make an update record (out of memory?)\n");
    return -2;
  }
  s->octets += ol + 10 + rdlen;
  return 0;
}

/* Room for one more owner name of about need octets; sends the
 * transaction when it is full. 0, -1, -2 as flush. */
static int room(sender_t *s, size_t need) {
  if (s->names > 0 && (s->names >= UPD_NAMES || s->octets + need > UPD_OCTETS))
    return flush(s);
  return 0;
}

/* RFC 2136 §2.5.2: "delete an RRset": class ANY, TTL 0, no RDATA. */
static int delete_rrsets(sender_t *s, const uint8_t *w, size_t wl, int naptr) {
  int rc = add_rr(s, w, wl, MIMI_RR_TXT, LDNS_RR_CLASS_ANY, 0, NULL, 0);
  if (rc == 0 && naptr)
    rc = add_rr(s, w, wl, MIMI_RR_NAPTR, LDNS_RR_CLASS_ANY, 0, NULL, 0);
  return rc;
}

int zg_send_updates(const zg_opts_t *o, const char *server, const zg_tsig_t *key,
                    const zg_table_t *t, const zg_dels_t *dels, const char *changeset) {
  sender_t s;
  uint8_t w[256];
  size_t wl;
  int rc = -2;

  memset(&s, 0, sizeof s);
  s.o = o;
  s.server = server;
  s.key = key;
  s.fd = -1;
  s.progress = !o->quiet && isatty(2);
  for (size_t i = 0; dels && i < dels->n; i++)
    s.total_names += dels->v[i].nkeys;
  for (size_t i = 0; i < t->n; i++)
    s.total_names += i == 0 || t->v[i].ownerlen != t->v[i - 1].ownerlen ||
                     memcmp(t->v[i].key, t->v[i - 1].key, t->v[i].ownerlen) != 0;
  if (!(s.up = ldns_rr_list_new())) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    return -2;
  }
  if (connect_server(&s) != 0) {
    rc = -1;
    goto done;
  }
  /* Deletions: TXT and NAPTR, whatever --naptr says (a removed user keeps
   * nothing). */
  for (size_t i = 0; dels && i < dels->n; i++)
    for (unsigned k = 0; k < dels->v[i].nkeys; k++) {
      if (zg_key_wire(dels->v[i].key[k], dels->v[i].klen[k], w, &wl) != 0) {
        fprintf(stderr, "mimi-zonegen: internal error: bad owner key\n");
        goto done;
      }
      if ((rc = room(&s, 2 * (wl + 10))) != 0 || (rc = delete_rrsets(&s, w, wl, 1)) != 0)
        goto done;
      s.names++;
      s.txn_del++;
      rc = -2;
    }
  /* Replacements: each owner name's RRsets deleted, then its RRs added
   * (RFC 2136 §3.4.2 applies them in order, in one transaction). */
  for (size_t i = 0; i < t->n;) {
    const zg_rr_t *a = &t->v[i];
    size_t j = i, need = 2 * (a->ownerlen + 11);
    while (j < t->n && t->v[j].ownerlen == a->ownerlen &&
           memcmp(t->v[j].key, a->key, a->ownerlen) == 0)
      need += t->v[j++].keylen + 11;
    if (zg_key_wire(a->key, a->ownerlen, w, &wl) != 0) {
      fprintf(stderr, "mimi-zonegen: internal error: bad owner key\n");
      goto done;
    }
    if ((rc = room(&s, need)) != 0 || (rc = delete_rrsets(&s, w, wl, o->naptr)) != 0)
      goto done;
    for (size_t k = i; k < j; k++) {
      const zg_rr_t *r = &t->v[k];
      const uint8_t *tp = r->key + r->ownerlen;
      if ((rc = add_rr(&s, w, wl, (uint16_t)(tp[0] << 8 | tp[1]), LDNS_RR_CLASS_IN, r->ttl,
                       tp + 2, r->keylen - r->ownerlen - 2u)) != 0)
        goto done;
      s.txn_rrs++;
    }
    s.names++;
    s.txn_rep++;
    rc = -2;
    i = j;
  }
  if ((rc = flush(&s)) != 0)
    goto done;
  if (s.progress)
    fputc('\n', stderr);
  if (!o->quiet)
    fprintf(stderr, "mimi-zonegen: %s applied %zu transaction%s: %zu name%s replaced "
            "(%zu records), %zu deleted; change set %.16s\n", server, s.sent_txn,
            s.sent_txn == 1 ? "" : "s", s.replaced, s.replaced == 1 ? "" : "s", s.rrs,
            s.deleted, changeset);
  rc = 0;
done:
  ldns_rr_list_deep_free(s.up);
  if (s.fd >= 0)
    close(s.fd);
  return rc;
}
