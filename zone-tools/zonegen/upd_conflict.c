/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --send-update: which name made a transaction fail its
 * prerequisites (RFC 2136 §2.4; --diff, or the marker of --pipeline). The
 * server says only NXRRSET or YXRRSET (§3.2.5); to name the cause, each
 * RRset the prerequisites name is asked for on the same TCP connection and
 * compared with what they expect. What the server answers here is not
 * signed: it explains a refusal, it decides nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "publish.h"

#define CONFLICT_TIMEOUT_S 10
#define CONFLICT_SHOWN 5 /* differing RRsets printed at most */

ldns_rr_list *zg_conflict_rrset(const uint8_t *wire, size_t len, uint16_t id,
                                const ldns_rdf *owner, ldns_rr_type type) {
  ldns_pkt *a = NULL;
  ldns_rr_list *got = NULL;
  if (ldns_wire2pkt(&a, wire, len) != LDNS_STATUS_OK || ldns_pkt_id(a) != id ||
      !ldns_pkt_qr(a) || !(got = ldns_rr_list_new()))
    goto done;
  for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(a)); i++) {
    ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(a), i);
    ldns_rr *c;
    if (ldns_rr_get_type(rr) != type || ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
      continue;
    if (!(c = ldns_rr_clone(rr)) || !ldns_rr_list_push_rr(got, c)) {
      ldns_rr_free(c);
      ldns_rr_list_deep_free(got);
      got = NULL;
      goto done;
    }
  }
done:
  ldns_pkt_free(a);
  return got;
}

/* The server's RRset (owner, type) as a list, or NULL when it could not
 * be asked. */
static ldns_rr_list *ask(int fd, const ldns_rdf *owner, ldns_rr_type type) {
  ldns_pkt *q = NULL;
  uint8_t *w = NULL, *ans = NULL;
  size_t wl = 0, al = 0;
  ldns_rr_list *got = NULL;
  struct timeval tv = {CONFLICT_TIMEOUT_S, 0};
  ldns_rdf *qn = ldns_rdf_clone(owner);

  if (!qn || !(q = ldns_pkt_query_new(qn, type, LDNS_RR_CLASS_IN, 0))) {
    ldns_rdf_deep_free(qn);
    goto done;
  }
  ldns_pkt_set_random_id(q);
  if (ldns_pkt2wire(&w, q, &wl) == LDNS_STATUS_OK && zg_tcp_send(fd, w, wl) == 0 &&
      (ans = ldns_tcp_read_wire_timeout(fd, &al, tv)))
    got = zg_conflict_rrset(ans, al, ldns_pkt_id(q), owner, type);
done:
  ldns_pkt_free(q);
  free(w);
  free(ans);
  return got;
}

/* 1 if every RR of a has the RDATA of an RR of b. */
static int rdata_within(const ldns_rr_list *a, const ldns_rr_list *b) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(a); i++) {
    ldns_rr *x = ldns_rr_list_rr(a, i);
    size_t j = 0;
    for (; j < ldns_rr_list_rr_count(b); j++) {
      ldns_rr *y = ldns_rr_list_rr(b, j);
      if (ldns_rr_rd_count(x) == ldns_rr_rd_count(y) && ldns_rr_compare_no_rdata(x, y) == 0) {
        size_t k = 0;
        while (k < ldns_rr_rd_count(x) &&
               ldns_rdf_compare(ldns_rr_rdf(x, k), ldns_rr_rdf(y, k)) == 0)
          k++;
        if (k == ldns_rr_rd_count(x))
          break;
      }
    }
    if (j == ldns_rr_list_rr_count(b))
      return 0;
  }
  return 1;
}

static void show(const ldns_rdf *owner, ldns_rr_type type, const char *what,
                 const ldns_rr_list *got) {
  char *name = ldns_rdf2str(owner), *t = ldns_rr_type2str(type);
  char *first = ldns_rr_list_rr_count(got) ? ldns_rr2str(ldns_rr_list_rr(got, 0)) : NULL;
  size_t n = first ? strlen(first) : 0;
  if (n && first[n - 1] == '\n')
    first[n - 1] = '\0';
  fprintf(stderr, "mimi-zonegen: conflict: %s %s: %s%s%s\n", name ? name : "?", t ? t : "?",
          what, first ? "; the server has: " : "", first ? first : "");
  free(name);
  free(t);
  free(first);
}

int zg_upd_conflict(int fd, const ldns_rr_list *pre, size_t max_names) {
  size_t n = ldns_rr_list_rr_count(pre), names = 0;
  int shown = 0;
  for (size_t i = 0; i < n && names < max_names && shown < CONFLICT_SHOWN;) {
    ldns_rr *r = ldns_rr_list_rr(pre, i);
    ldns_rr_type type = ldns_rr_get_type(r);
    ldns_rr_class cls = ldns_rr_get_class(r);
    ldns_rr_list *want = ldns_rr_list_new(), *got;
    size_t j = i;
    /* The prerequisite RRs of one RRset are adjacent (as sent). */
    while (j < n && ldns_rr_get_type(ldns_rr_list_rr(pre, j)) == type &&
           ldns_rr_get_class(ldns_rr_list_rr(pre, j)) == cls &&
           ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(pre, j)), ldns_rr_owner(r)) == 0) {
      if (want && cls == LDNS_RR_CLASS_IN && !ldns_rr_list_push_rr(want, ldns_rr_list_rr(pre, j)))
        break;
      j++;
    }
    if (!want || j == i || !(got = ask(fd, ldns_rr_owner(r), type))) {
      ldns_rr_list_free(want);
      return shown ? shown : -1;
    }
    names++;
    if (cls == LDNS_RR_CLASS_NONE && ldns_rr_list_rr_count(got) > 0) {
      show(ldns_rr_owner(r), type, "exists on the server, the prerequisite says it must not "
           "(added by someone else since the old list?)", got);
      shown++;
    } else if (cls == LDNS_RR_CLASS_IN &&
               (ldns_rr_list_rr_count(got) != ldns_rr_list_rr_count(want) ||
                !rdata_within(want, got) || !rdata_within(got, want))) {
      show(ldns_rr_owner(r), type, ldns_rr_list_rr_count(got)
           ? "differs on the server from what the prerequisite expects (changed by someone "
             "else since the old list?)"
           : "is missing on the server, the prerequisite expects it (deleted by someone "
             "else since the old list?)", got);
      shown++;
    }
    ldns_rr_list_free(want); /* the RRs belong to pre */
    ldns_rr_list_deep_free(got);
    i = j;
  }
  return shown;
}
