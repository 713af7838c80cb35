/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --send-update: the change set as DNS UPDATE messages
 * (RFC 2136) over one TCP connection to the primary, each signed with TSIG
 * (RFC 8945) and each an atomic transaction (RFC 2136 §3.7: the server
 * applies an update whole or not at all) of at most --update-batch owner
 * names and one TCP message (65,535 octets, RFC 1035 §4.2.2), sized with
 * the name compression ldns applies (RFC 1035 §4.1.4). With --pipeline N,
 * up to N transactions are in flight; each then requires (RFC 2136 §2.4.2)
 * the marker the one before it wrote, so that nothing after a failed
 * transaction is applied, as when they are sent one by one. Replication to
 * the secondaries is the servers' business (NOTIFY, IXFR). The messages
 * are made and read by ldns.
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

/* A TCP message holds 65,535 octets; a transaction's message without its
 * TSIG RR is measured as ldns encodes it (names compressed), and keeps
 * room for the TSIG RR (key and algorithm names of at most 255 octets,
 * 10 + 16 + a MAC of at most 64 + 6: under 700) and for the marker of
 * --pipeline (its name, and three RRs of at most 80 octets each). */
#define UPD_MSG_MAX 65535
#define UPD_TSIG_ROOM 700
#define UPD_MARKER_ROOM 300
#define UPD_WINDOW_MAX 64
#define UPD_CONFLICT_NAMES 2000 /* names asked about after a conflict */
#define UPD_TIMEOUT_S 120 /* a signing primary answers after signing */
#define TSIG_FUDGE 300    /* RFC 8945 §10: 300 s recommended */

/* --- sending ------------------------------------------------------------ */

/* A transaction sent and not yet answered. */
typedef struct {
  uint16_t id;
  int state;          /* 0 waiting, 1 applied, -1 refused (err) */
  unsigned rcode;     /* of the answer, as read */
  ldns_rdf *mac;      /* the request's TSIG MAC (NULL: unsigned) */
  ldns_rr_list *pre;  /* its prerequisites, to name a conflict */
  size_t txn, names, del, rep, rrs;
  char err[400];
} txn_t;

typedef struct {
  const zg_opts_t *o;
  const char *server;
  const zg_tsig_t *key;
  const zg_table_t *old; /* --diff: OLD's RRs of the names that changed */
  const char *changeset;
  int fd;
  ldns_rdf *zone;
  ldns_rr_list *pre, *up; /* the transaction being built */
  size_t measured, added; /* octets: as last encoded, and added since */
  size_t names, txn_rrs, txn_del, txn_rep;
  size_t sent_txn, window;
  txn_t fly[UPD_WINDOW_MAX];
  size_t nfly;
  size_t applied_txn, applied_names, deleted, replaced, rrs, total_names, late;
  int failed;     /* a transaction failed, or an answer is missing */
  int fail_state; /* -1 refused, -2 unanswered */
  ldns_rr_list *fail_pre; /* the prerequisites the server refused */
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

/* The transaction being built as a message: 0, or -1 out of memory. */
static int make_msg(sender_t *s, ldns_pkt **out) {
  ldns_rdf *zone = ldns_rdf_clone(s->zone);
  *out = zone ? ldns_update_pkt_new(zone, LDNS_RR_CLASS_IN,
                                    ldns_rr_list_rr_count(s->pre) ? s->pre : NULL, s->up,
                                    NULL)
              : NULL;
  if (!*out) {
    ldns_rdf_deep_free(zone);
    return -1;
  }
  ldns_pkt_set_rd(*out, false); /* RFC 2136 §2.2: Z, zero */
  return 0;
}

/* Octets of the transaction as encoded (compressed), without TSIG; 0 when
 * out of memory. */
static size_t measure(sender_t *s) {
  ldns_pkt *p = NULL;
  uint8_t *w = NULL;
  size_t wl = 0;
  if (make_msg(s, &p) != 0 || ldns_pkt2wire(&w, p, &wl) != LDNS_STATUS_OK)
    wl = 0;
  free(w);
  ldns_pkt_free(p);
  return wl;
}

/* Append one RR, from its parts, to a section (pre or up). */
static int add_rr(sender_t *s, ldns_rr_list *to, const uint8_t *owner, size_t ol,
                  uint16_t type, uint16_t cls, uint32_t ttl, const uint8_t *rd, size_t rdlen) {
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
      !ldns_rr_list_push_rr(to, rr)) {
    ldns_rr_free(rr);
    fprintf(stderr, "mimi-zonegen: cannot make an update record (out of memory?)\n");
    return -2;
  }
  s->added += ol + 10 + rdlen;
  return 0;
}

/* --pipeline: the marker at _mimi-update.ZONE. Transaction k replaces it
 * with "... transaction k" and, from k = 2 on, requires it to be "...
 * transaction k-1" (RFC 2136 §2.4.2, value-dependent): a transaction after
 * one that was not applied fails its prerequisite, whatever the server
 * batches together. */
static int add_marker(sender_t *s) {
  uint8_t w[256], rd[256];
  size_t zl = ldns_rdf_size(s->zone), rl;
  static const char lab[] = "\014_mimi-update";
  int n;
  if (zl + sizeof lab - 1 > 255)
    return 0; /* refused by zg_send_updates before */
  memcpy(w, lab, sizeof lab - 1);
  memcpy(w + sizeof lab - 1, ldns_rdf_data(s->zone), zl);
  zl += sizeof lab - 1;
  if (s->sent_txn > 0) {
    n = snprintf((char *)rd + 1, sizeof rd - 1, "mimi-zonegen change set %.16s transaction %zu",
                 s->changeset, s->sent_txn);
    rd[0] = (uint8_t)n;
    rl = (size_t)n + 1;
    if (add_rr(s, s->pre, w, zl, MIMI_RR_TXT, LDNS_RR_CLASS_IN, 0, rd, rl) != 0)
      return -2;
  }
  n = snprintf((char *)rd + 1, sizeof rd - 1, "mimi-zonegen change set %.16s transaction %zu",
               s->changeset, s->sent_txn + 1);
  rd[0] = (uint8_t)n;
  rl = (size_t)n + 1;
  if (add_rr(s, s->up, w, zl, MIMI_RR_TXT, LDNS_RR_CLASS_ANY, 0, NULL, 0) != 0 ||
      add_rr(s, s->up, w, zl, MIMI_RR_TXT, LDNS_RR_CLASS_IN, s->o->ttl, rd, rl) != 0)
    return -2;
  return 0;
}

static void txn_clear(txn_t *t) {
  ldns_rdf_deep_free(t->mac);
  ldns_rr_list_deep_free(t->pre);
  t->mac = NULL;
  t->pre = NULL;
}

/* Report the first refused transaction; keep its prerequisites to name
 * the conflict once no answer is outstanding (conflict()). */
static void report_failure(sender_t *s, txn_t *t) {
  if (s->progress)
    fputc('\n', stderr);
  fprintf(stderr, "mimi-zonegen: %s: transaction %zu (%zu names) failed: %s\n", s->server,
          t->txn, t->names, t->err);
  if (t->state == -1 && (t->rcode == 7 || t->rcode == 8) && t->pre &&
      ldns_rr_list_rr_count(t->pre) > 0) {
    s->fail_pre = t->pre;
    t->pre = NULL;
  }
}

/* A prerequisite failed (--diff, or the marker): which name, and why. */
static void conflict(sender_t *s) {
  int n = zg_upd_conflict(s->fd, s->fail_pre, UPD_CONFLICT_NAMES);
  if (n == 0)
    fputs("mimi-zonegen: the server now holds what the prerequisites expect: the names "
          "changed while the update was on its way\n", stderr);
  else if (n < 0)
    fputs("mimi-zonegen: could not ask the server which name differs\n", stderr);
}

/* Take the answered transactions at the front of the window, in order. */
static void settle(sender_t *s) {
  while (s->nfly > 0 && s->fly[0].state != 0) {
    txn_t *t = &s->fly[0];
    if (t->state == 1) {
      s->applied_txn++;
      s->applied_names += t->names;
      s->deleted += t->del;
      s->replaced += t->rep;
      s->rrs += t->rrs;
      if (s->failed) {
        fprintf(stderr, "mimi-zonegen: %s: transaction %zu (%zu names) was applied after "
                "the failed one\n", s->server, t->txn, t->names);
        s->late++;
      } else if (s->progress) {
        fprintf(stderr, "\rmimi-zonegen: %zu of %zu names applied (%zu transactions)",
                s->applied_names, s->total_names, s->applied_txn);
      }
    } else if (!s->failed) {
      s->failed = 1;
      s->fail_state = t->state;
      report_failure(s, t);
    }
    txn_clear(t);
    memmove(&s->fly[0], &s->fly[1], (s->nfly - 1) * sizeof s->fly[0]);
    s->nfly--;
  }
}

/* Read one answer and mark its transaction. -1 when none came: every
 * transaction in flight is then marked unanswered. */
static int collect(sender_t *s) {
  struct timeval tv = {UPD_TIMEOUT_S, 0};
  size_t al = 0, i;
  uint8_t *ans = ldns_tcp_read_wire_timeout(s->fd, &al, tv);
  if (!ans) {
    /* A server busy with a large zone may close the connection before it
     * answers (Knot: tcp-idle-timeout); the update may still be applied. */
    for (i = 0; i < s->nfly; i++)
      if (s->fly[i].state == 0) {
        s->fly[i].state = -2;
        snprintf(s->fly[i].err, sizeof s->fly[i].err, "no answer: the connection was closed "
                 "or %d s passed (the update may or may not be applied: compare the zone's "
                 "SOA serial; a server that takes long may need a longer TCP idle timeout)",
                 UPD_TIMEOUT_S);
      }
    return -1;
  }
  uint16_t id = al >= 2 ? (uint16_t)(ans[0] << 8 | ans[1]) : 0;
  for (i = 0; i < s->nfly && !(s->fly[i].state == 0 && s->fly[i].id == id); i++)
    ;
  if (i == s->nfly) {
    /* Not an answer to a transaction in flight: the connection cannot be
     * trusted any more. */
    free(ans);
    for (i = 0; i < s->nfly; i++)
      if (s->fly[i].state == 0) {
        s->fly[i].state = -2;
        snprintf(s->fly[i].err, sizeof s->fly[i].err, "an answer with an ID of no "
                 "transaction in flight came; whether this one was applied is unknown");
      }
    return -1;
  }
  txn_t *t = &s->fly[i];
  t->rcode = al >= 4 ? ans[3] & 0x0F : 0;
  t->state = zg_upd_check(ans, al, id, s->key, t->mac, t->err, sizeof t->err) == 0 ? 1 : -1;
  free(ans);
  return 0;
}

/* Wait for every transaction in flight; then settle them. */
static void drain(sender_t *s) {
  for (;;) {
    size_t i;
    for (i = 0; i < s->nfly && s->fly[i].state != 0; i++)
      ;
    if (i == s->nfly || collect(s) != 0)
      break;
  }
  settle(s);
}

/* Send the transaction built; when the window is full, wait for the
 * oldest answer. 0, -1 refused or unanswered (printed), -2 local error. */
static int flush(sender_t *s) {
  ldns_pkt *p = NULL;
  uint8_t *wire = NULL;
  size_t wl = 0;
  int rc = -2;
  txn_t *t;

  if (ldns_rr_list_rr_count(s->up) == 0)
    return 0;
  if (s->window > 1 && add_marker(s) != 0)
    goto done;
  if (make_msg(s, &p) != 0) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    goto done;
  }
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
  if (ldns_pkt2wire(&wire, p, &wl) != LDNS_STATUS_OK || wl > UPD_MSG_MAX) {
    fprintf(stderr, "mimi-zonegen: cannot make the update message (%zu octets; the "
            "records of one name must fit in %d)\n", wl, UPD_MSG_MAX);
    goto done;
  }
  t = &s->fly[s->nfly];
  memset(t, 0, sizeof *t);
  t->id = ldns_pkt_id(p);
  t->txn = ++s->sent_txn;
  t->names = s->names;
  t->del = s->txn_del;
  t->rep = s->txn_rep;
  t->rrs = s->txn_rrs;
  t->pre = s->pre;
  s->pre = NULL;
  if (s->key && ldns_pkt_tsig(p) && !(t->mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3)))) {
    txn_clear(t);
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    goto done;
  }
  if (zg_tcp_send(s->fd, wire, wl) != 0) {
    /* Never sent whole: not waited for; the ones before it first. */
    txn_t lost = *t;
    lost.state = -2;
    snprintf(lost.err, sizeof lost.err, "sending failed: %s", strerror(errno));
    drain(s);
    if (!s->failed) {
      s->failed = 1;
      s->fail_state = -2;
      report_failure(s, &lost);
    }
    txn_clear(&lost);
    rc = -1;
    goto done;
  }
  s->nfly++;
  while (s->nfly >= s->window && !s->failed) {
    if (collect(s) != 0) {
      settle(s);
      break;
    }
    settle(s);
  }
  rc = s->failed ? -1 : 0;
done:
  if (rc == -1 && s->nfly > 0)
    drain(s);
  ldns_rr_list_deep_free(s->up);
  ldns_rr_list_deep_free(s->pre);
  s->up = ldns_rr_list_new();
  s->pre = ldns_rr_list_new();
  if ((!s->up || !s->pre) && rc == 0) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    rc = -2;
  }
  s->measured = s->added = s->names = s->txn_rrs = s->txn_del = s->txn_rep = 0;
  free(wire);
  ldns_pkt_free(p);
  return rc;
}

/* Room for one more owner name whose RRs (prerequisites and updates) take
 * at most need octets uncompressed; sends the transaction when it is full
 * (--update-batch names, or a message that would pass UPD_MSG_MAX as
 * encoded). 0, -1, -2 as flush. */
static int room(sender_t *s, size_t need) {
  size_t limit = UPD_MSG_MAX - UPD_TSIG_ROOM - (s->window > 1 ? UPD_MARKER_ROOM : 0);
  if (s->names == 0)
    return 0;
  if (s->names >= s->o->update_batch)
    return flush(s);
  if (s->measured + s->added + need <= limit)
    return 0;
  /* The bound is reached: measure what compression made of it. */
  if (!(s->measured = measure(s))) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    return -2;
  }
  s->added = 0;
  return s->measured + need <= limit ? 0 : flush(s);
}

/* --diff: the prerequisites of an owner name (RFC 2136 §2.4): each RRset
 * the change touches holds what OLD.csv has (value-dependent, §2.4.2), or
 * does not exist where OLD.csv had none (§2.4.3). Appended, or (with
 * w NULL) only counted in *need. */
static int prereqs(sender_t *s, const uint8_t *key, size_t klen, const uint8_t *w, size_t wl,
                   size_t *need) {
  size_t lo = 0, hi = 0;
  uint16_t types[2] = {MIMI_RR_TXT, MIMI_RR_NAPTR};
  if (!s->old)
    return 0;
  zg_old_find(s->old, key, klen, &lo, &hi);
  for (int ti = 0; ti < (s->o->naptr ? 2 : 1); ti++) {
    int any = 0;
    for (size_t k = lo; k < hi; k++) {
      const zg_rr_t *r = &s->old->v[k];
      const uint8_t *tp = r->key + r->ownerlen;
      if ((uint16_t)(tp[0] << 8 | tp[1]) != types[ti])
        continue;
      any = 1;
      *need += wl + 10 + r->keylen - r->ownerlen - 2u;
      if (w && add_rr(s, s->pre, w, wl, types[ti], LDNS_RR_CLASS_IN, 0, tp + 2,
                      r->keylen - r->ownerlen - 2u) != 0)
        return -2;
    }
    if (!any) {
      *need += wl + 10;
      if (w && add_rr(s, s->pre, w, wl, types[ti], LDNS_RR_CLASS_NONE, 0, NULL, 0) != 0)
        return -2;
    }
  }
  return 0;
}

/* RFC 2136 §2.5.2: "delete an RRset": class ANY, TTL 0, no RDATA. */
static int delete_rrsets(sender_t *s, const uint8_t *w, size_t wl, int naptr) {
  int rc = add_rr(s, s->up, w, wl, MIMI_RR_TXT, LDNS_RR_CLASS_ANY, 0, NULL, 0);
  if (rc == 0 && naptr)
    rc = add_rr(s, s->up, w, wl, MIMI_RR_NAPTR, LDNS_RR_CLASS_ANY, 0, NULL, 0);
  return rc;
}

int zg_send_updates(const zg_opts_t *o, const char *server, const zg_tsig_t *key,
                    const zg_table_t *t, const zg_dels_t *dels, const zg_table_t *old,
                    const char *changeset) {
  sender_t s;
  uint8_t w[256];
  size_t wl;
  int rc = -2;

  memset(&s, 0, sizeof s);
  s.o = o;
  s.server = server;
  s.key = key;
  s.old = old;
  s.changeset = changeset;
  s.fd = -1;
  s.window = o->pipeline > 1 ? o->pipeline : 1;
  if (s.window > UPD_WINDOW_MAX)
    s.window = UPD_WINDOW_MAX;
  s.progress = !o->quiet && isatty(2);
  for (size_t i = 0; dels && i < dels->n; i++)
    s.total_names += dels->v[i].nkeys;
  for (size_t i = 0; i < t->n; i++)
    s.total_names += i == 0 || t->v[i].ownerlen != t->v[i - 1].ownerlen ||
                     memcmp(t->v[i].key, t->v[i - 1].key, t->v[i].ownerlen) != 0;
  if (!(s.up = ldns_rr_list_new()) || !(s.pre = ldns_rr_list_new()) ||
      !(s.zone = ldns_dname_new_frm_str(o->origin))) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    goto done;
  }
  if (connect_server(&s) != 0) {
    rc = -1;
    goto done;
  }
  /* Deletions: TXT and NAPTR, whatever --naptr says (a removed user keeps
   * nothing). */
  for (size_t i = 0; dels && i < dels->n; i++)
    for (unsigned k = 0; k < dels->v[i].nkeys; k++) {
      size_t need;
      if (zg_key_wire(dels->v[i].key[k], dels->v[i].klen[k], w, &wl) != 0) {
        fprintf(stderr, "mimi-zonegen: internal error: bad owner key\n");
        goto done;
      }
      need = 2 * (wl + 10);
      if ((rc = prereqs(&s, dels->v[i].key[k], dels->v[i].klen[k], NULL, wl, &need)) != 0 ||
          (rc = room(&s, need)) != 0 ||
          (rc = prereqs(&s, dels->v[i].key[k], dels->v[i].klen[k], w, wl, &need)) != 0 ||
          (rc = delete_rrsets(&s, w, wl, 1)) != 0)
        goto done;
      s.names++;
      s.txn_del++;
      rc = -2;
    }
  /* Replacements: each owner name's RRsets deleted, then its RRs added
   * (RFC 2136 §3.4.2 applies them in order, in one transaction). */
  for (size_t i = 0; i < t->n;) {
    const zg_rr_t *a = &t->v[i];
    size_t j = i;
    if (zg_key_wire(a->key, a->ownerlen, w, &wl) != 0) {
      fprintf(stderr, "mimi-zonegen: internal error: bad owner key\n");
      goto done;
    }
    size_t need = 2 * (wl + 10);
    while (j < t->n && t->v[j].ownerlen == a->ownerlen &&
           memcmp(t->v[j].key, a->key, a->ownerlen) == 0)
      need += wl + 10 + t->v[j++].keylen - a->ownerlen - 2u;
    if ((rc = prereqs(&s, a->key, a->ownerlen, NULL, wl, &need)) != 0 ||
        (rc = room(&s, need)) != 0 || (rc = prereqs(&s, a->key, a->ownerlen, w, wl, &need)) != 0 ||
        (rc = delete_rrsets(&s, w, wl, o->naptr)) != 0)
      goto done;
    for (size_t k = i; k < j; k++) {
      const zg_rr_t *r = &t->v[k];
      const uint8_t *tp = r->key + r->ownerlen;
      if ((rc = add_rr(&s, s.up, w, wl, (uint16_t)(tp[0] << 8 | tp[1]), LDNS_RR_CLASS_IN,
                       r->ttl, tp + 2, r->keylen - r->ownerlen - 2u)) != 0)
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
  drain(&s);
  if (s.failed) {
    rc = -1;
    goto done;
  }
  if (s.progress)
    fputc('\n', stderr);
  if (!o->quiet)
    fprintf(stderr, "mimi-zonegen: %s applied %zu transaction%s: %zu name%s replaced "
            "(%zu records), %zu deleted; change set %.16s\n", server, s.applied_txn,
            s.applied_txn == 1 ? "" : "s", s.replaced, s.replaced == 1 ? "" : "s", s.rrs,
            s.deleted, changeset);
  rc = 0;
done:
  if (rc == -1 && s.failed && s.fail_pre && s.nfly == 0)
    conflict(&s);
  if (rc == -1 && s.failed) {
    size_t after = s.sent_txn - s.applied_txn - 1;
    fprintf(stderr, "mimi-zonegen: %zu transaction%s (%zu names) applied", s.applied_txn,
            s.applied_txn == 1 ? "" : "s", s.applied_names);
    if (s.late)
      fprintf(stderr, ", %zu of them after the failed one (the server did not keep "
              "the order)\n", s.late);
    else if (s.window > 1)
      fprintf(stderr, " before it; nothing after it was applied (%zu sent after it were "
              "refused: each requires the one before it)\n", after);
    else
      fputs(" before it; nothing after it was sent\n", stderr);
  }
  for (size_t i = 0; i < s.nfly; i++)
    txn_clear(&s.fly[i]);
  ldns_rr_list_deep_free(s.up);
  ldns_rr_list_deep_free(s.pre);
  ldns_rr_list_deep_free(s.fail_pre);
  ldns_rdf_deep_free(s.zone);
  if (s.fd >= 0)
    close(s.fd);
  return rc;
}
