/* SPDX-License-Identifier: MIT */
/*
 * Baseline: raw c-ares (its defaults, plus the server), a TXT query for the
 * same hashed names libmimi asks, INFLIGHT at a time, run twice ("warm" is
 * a second pass on the same channel: c-ares 1.18 has no cache, 1.34 answers
 * it from its query cache, on by default). A lookup counts as OK with a
 * parsed TXT answer starting "v=MIMI1". Each c-ares API as documented:
 * ares_query_dnsrec() and parsed answers from 1.34 on, ares_query() and
 * ares_parse_txt_reply_ext() before (cares_loop.h drives the channel).
 *
 * Built with -DBENCH_FLOOR it is floor_cares (a reference, not a baseline:
 * the raw baseline binary stays free of libmimi): the identifiers, and
 * only the work MIMI-DNS/1 itself asks of each handle lookup, as directly
 * as the public codec allows: the owner name (mimi_name_handle: SHA-256 of
 * the local part, PROFILE §2), the query with the DO bit (sent as a record
 * of its own, as a c-ares backend must), the answer's MIMI record (mimi_txt_parse). No
 * engine: no answer cache, no CNAME chain, no result object, no warnings.
 * It shows how close any c-ares backend doing the protocol's work could
 * get to raw c-ares. One pass: with nothing cached a second is the same.
 *
 *   base_cares ADDR:PORT QNAMES_FILE N INFLIGHT
 *   floor_cares ADDR:PORT IDS_FILE N INFLIGHT
 */
#include <ares.h>
#include <arpa/nameser.h>

#ifdef BENCH_FLOOR
#include <mimi.h>
#define FLOOR 1
#define NAME "floor_cares"
#else
#define FLOOR 0
#define NAME "base_cares"
#endif

#include "cares_loop.h"
#include "common.h"

typedef struct bench bench_t;

typedef struct {
  bench_t *b;
  size_t i;
} job_t;

struct bench {
  ares_channel ch;
  cares_socks_t socks;
  names_t q;
  job_t *jobs;
  uint64_t *start, *lat;
  size_t next, done, ok, failed_shown;
};

static void start_next(bench_t *b);

/* One lookup ended: counted OK if text (the TXT answer's strings) is. */
static void finish(job_t *j, int status, const char *text, size_t len);

#if CARES_DNSREC
/* The first TXT RR of the answer, its strings concatenated (c-ares 1.34
 * combines them for ares_dns_rr_get_bin). */
static void on_done(void *arg, ares_status_t status, size_t timeouts,
                    const ares_dns_record_t *rec) {
  const unsigned char *t = NULL;
  size_t len = 0;
  (void)timeouts;
  if (status == ARES_SUCCESS && rec) {
    for (size_t i = 0; i < ares_dns_record_rr_cnt(rec, ARES_SECTION_ANSWER); i++) {
      const ares_dns_rr_t *rr = ares_dns_record_rr_get_const(rec, ARES_SECTION_ANSWER, i);
      if (ares_dns_rr_get_type(rr) == ARES_REC_TYPE_TXT) {
        t = ares_dns_rr_get_bin(rr, ARES_RR_TXT_DATA, &len);
        break;
      }
    }
  }
  finish(arg, (int)status, (const char *)t, t ? len : 0);
}
#else
static void on_done(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen) {
  struct ares_txt_ext *txt = NULL;
  char text[4096];
  size_t n = 0;
  (void)timeouts;
  if (status == ARES_SUCCESS &&
      ares_parse_txt_reply_ext(abuf, alen, &txt) == ARES_SUCCESS) {
    for (const struct ares_txt_ext *p = txt; p; p = p->next) {
      if (p != txt && p->record_start)
        break;
      if (n + p->length > sizeof text)
        break;
      memcpy(text + n, p->txt, p->length);
      n += p->length;
    }
  }
  if (txt)
    ares_free_data(txt);
  finish(arg, status, txt ? text : NULL, n);
}
#endif

#ifdef BENCH_FLOOR
static int txt_ok(const char *text, size_t n) {
  mimi_record_t *rec = NULL;
  if (mimi_txt_parse(text, n, &rec, NULL, 0) != MIMI_OK)
    return 0;
  mimi_record_free(rec);
  return 1;
}

/* The owner name's query, with DO. */
static void send_floor(bench_t *b, size_t i) {
  char *name = NULL, *at = strrchr(b->q.names[i], '@');
  if (at)
    *at = '\0'; /* the local part, then the domain; restored below */
  if (!at || mimi_name_handle(b->q.names[i], at + 1, &name) != MIMI_OK) {
    fprintf(stderr, NAME ": %s: not a handle\n", b->q.names[i]);
    exit(1);
  }
  *at = '@';
#if CARES_DNSREC
  ares_dns_record_t *rec = NULL;
  ares_dns_rr_t *opt = NULL;
  if (ares_dns_record_create(&rec, 0, ARES_FLAG_RD, ARES_OPCODE_QUERY,
                             ARES_RCODE_NOERROR) != ARES_SUCCESS ||
      ares_dns_record_query_add(rec, name, ARES_REC_TYPE_TXT, ARES_CLASS_IN) != ARES_SUCCESS ||
      ares_dns_record_rr_add(&opt, rec, ARES_SECTION_ADDITIONAL, "", ARES_REC_TYPE_OPT,
                             ARES_CLASS_IN, 0) != ARES_SUCCESS ||
      ares_dns_rr_set_u16(opt, ARES_RR_OPT_UDP_SIZE, 1232) != ARES_SUCCESS ||
      ares_dns_rr_set_u8(opt, ARES_RR_OPT_VERSION, 0) != ARES_SUCCESS ||
      ares_dns_rr_set_u16(opt, ARES_RR_OPT_FLAGS, 0x8000) != ARES_SUCCESS) { /* DO */
    fprintf(stderr, NAME ": cannot build the query\n");
    exit(1);
  }
  ares_send_dnsrec(b->ch, rec, on_done, &b->jobs[i], NULL);
  ares_dns_record_destroy(rec);
#else
  unsigned char *qb = NULL;
  int ql;
  if (ares_create_query(name, C_IN, T_TXT, 0, 1, &qb, &ql, 1232) != ARES_SUCCESS) {
    fprintf(stderr, NAME ": cannot build the query\n");
    exit(1);
  }
  qb[ql - 6] |= 0x80; /* the OPT RR's TTL field: DO (RFC 3225 §3) */
  ares_send(b->ch, qb, ql, on_done, &b->jobs[i]);
  ares_free_string(qb);
#endif
  mimi_free(name);
}
#else
static int txt_ok(const char *text, size_t n) {
  return n >= 7 && memcmp(text, "v=MIMI1", 7) == 0;
}
#endif

static void finish(job_t *j, int status, const char *text, size_t len) {
  bench_t *b = j->b;
  b->lat[j->i] = now_ns() - b->start[j->i];
  b->done++;
  if (status == ARES_SUCCESS && text && txt_ok(text, len))
    b->ok++;
  else if (b->failed_shown++ < 3)
    fprintf(stderr, NAME ": %s: %s\n", b->q.names[j->i], ares_strerror(status));
  if (status != ARES_EDESTRUCTION)
    start_next(b);
}

static void start_next(bench_t *b) {
  size_t i;
  if (b->next >= b->q.n)
    return;
  i = b->next++;
  b->jobs[i].b = b;
  b->jobs[i].i = i;
  b->start[i] = now_ns();
#ifdef BENCH_FLOOR
  send_floor(b, i);
#else
#if CARES_DNSREC
  ares_query_dnsrec(b->ch, b->q.names[i], ARES_CLASS_IN, ARES_REC_TYPE_TXT, on_done,
                    &b->jobs[i], NULL);
#else
  ares_query(b->ch, b->q.names[i], C_IN, T_TXT, on_done, &b->jobs[i]);
#endif
#endif
}

static void run(bench_t *b, const char *phase, size_t inflight) {
  uint64_t t0 = now_ns(), c0 = cpu_us();
  b->next = b->done = b->ok = b->failed_shown = 0;
  for (size_t k = 0; k < inflight; k++)
    start_next(b);
  while (b->done < b->q.n)
    cares_step(b->ch, &b->socks);
  report(FLOOR ? "floor-cares" : "raw-cares", phase, b->q.n, b->ok, now_ns() - t0, b->lat, c0);
}

int main(int argc, char **argv) {
  bench_t b;
  size_t n, inflight;
  int rc = 1, e;
  if (argc != 5) {
    fprintf(stderr, "usage: " NAME " ADDR:PORT %s N INFLIGHT\n",
            FLOOR ? "IDS_FILE" : "QNAMES_FILE");
    return 2;
  }
  memset(&b, 0, sizeof b);
  n = (size_t)strtoul(argv[3], NULL, 10);
  inflight = (size_t)strtoul(argv[4], NULL, 10);
  if (!n || !inflight || !names_load(&b.q, argv[2], n))
    return 2;
  b.jobs = calloc(n, sizeof *b.jobs);
  b.start = calloc(n, sizeof *b.start);
  b.lat = calloc(n, sizeof *b.lat);
  if (!b.jobs || !b.start || !b.lat)
    goto done;
  if ((e = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS ||
#if CARES_DNSREC
      (e = ares_init_options(&b.ch, &(struct ares_options){.sock_state_cb = cares_sock_state,
                                                           .sock_state_cb_data = &b.socks},
                             ARES_OPT_SOCK_STATE_CB)) != ARES_SUCCESS ||
#else
      (e = ares_init(&b.ch)) != ARES_SUCCESS ||
#endif
      (e = ares_set_servers_ports_csv(b.ch, argv[1])) != ARES_SUCCESS) {
    fprintf(stderr, NAME ": set-up: %s\n", ares_strerror(e));
    goto done;
  }
  if (FLOOR) {
    printf("# raw c-ares %s + only the protocol's own work (owner-name hash, DO, "
           "MIMI record parse), no engine\n", ares_version(NULL));
    run(&b, "cold", inflight);
  } else {
    printf("# raw c-ares %s: defaults + server %s\n", ares_version(NULL), argv[1]);
    run(&b, "cold", inflight);
    run(&b, "warm", inflight);
  }
  rc = 0;
done:
  if (b.ch)
    ares_destroy(b.ch);
  ares_library_cleanup();
  names_free(&b.q);
  free(b.jobs);
  free(b.start);
  free(b.lat);
  return rc;
}
