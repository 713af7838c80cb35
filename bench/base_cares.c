/*
 * Baseline: raw c-ares (its defaults, plus the server), ares_query() TXT for
 * the same hashed names libmimi asks, INFLIGHT at a time, run twice (c-ares
 * 1.18 has no cache: "warm" is a second pass on the same channel). A lookup
 * counts as OK with a parsed TXT answer starting "v=MIMI1".
 *
 * Built with -DBENCH_FLOOR it is floor_cares (a reference, not a baseline:
 * the raw baseline binary stays free of libmimi): the identifiers, and
 * only the work MIMI-DNS/1 itself asks of each handle lookup, as directly
 * as the public codec allows: the owner name (mimi_name_handle: SHA-256 of
 * the local part, PROFILE §2), the query with the DO bit (ares_send, as a
 * c-ares backend must), the answer's MIMI record (mimi_txt_parse). No
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
  names_t q;
  job_t *jobs;
  uint64_t *start, *lat;
  size_t next, done, ok, failed_shown;
};

static void start_next(bench_t *b);

static void on_done(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen);

#ifdef BENCH_FLOOR
/* The first TXT record's strings, concatenated, as a MIMI record. */
static int txt_ok(const struct ares_txt_ext *t) {
  char text[4096];
  size_t n = 0;
  mimi_record_t *rec = NULL;
  for (const struct ares_txt_ext *p = t; p; p = p->next) {
    if (p != t && p->record_start)
      break;
    if (n + p->length > sizeof text)
      return 0;
    memcpy(text + n, p->txt, p->length);
    n += p->length;
  }
  if (mimi_txt_parse(text, n, &rec, NULL, 0) != MIMI_OK)
    return 0;
  mimi_record_free(rec);
  return 1;
}

/* The owner name's query, with DO. */
static void send_floor(bench_t *b, size_t i) {
  unsigned char *qb = NULL;
  char *name = NULL, *at = strrchr(b->q.names[i], '@');
  int ql;
  if (at)
    *at = '\0'; /* the local part, then the domain; restored below */
  if (!at || mimi_name_handle(b->q.names[i], at + 1, &name) != MIMI_OK ||
      ares_create_query(name, C_IN, T_TXT, 0, 1, &qb, &ql, 1232) != ARES_SUCCESS) {
    fprintf(stderr, NAME ": %s: not a handle\n", b->q.names[i]);
    exit(1);
  }
  *at = '@';
  qb[ql - 6] |= 0x80; /* the OPT RR's TTL field: DO (RFC 3225 §3) */
  ares_send(b->ch, qb, ql, on_done, &b->jobs[i]);
  ares_free_string(qb);
  mimi_free(name);
}
#else
static int txt_ok(const struct ares_txt_ext *t) {
  return t->length >= 7 && memcmp(t->txt, "v=MIMI1", 7) == 0;
}
#endif

static void on_done(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen) {
  job_t *j = arg;
  bench_t *b = j->b;
  struct ares_txt_ext *txt = NULL;
  (void)timeouts;
  b->lat[j->i] = now_ns() - b->start[j->i];
  b->done++;
  if (status == ARES_SUCCESS &&
      ares_parse_txt_reply_ext(abuf, alen, &txt) == ARES_SUCCESS && txt &&
      txt_ok(txt))
    b->ok++;
  else if (b->failed_shown++ < 3)
    fprintf(stderr, NAME ": %s: %s\n", b->q.names[j->i], ares_strerror(status));
  if (txt)
    ares_free_data(txt);
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
  ares_query(b->ch, b->q.names[i], C_IN, T_TXT, on_done, &b->jobs[i]);
#endif
}

static void run(bench_t *b, const char *phase, size_t inflight) {
  uint64_t t0 = now_ns(), c0 = cpu_us();
  b->next = b->done = b->ok = b->failed_shown = 0;
  for (size_t k = 0; k < inflight; k++)
    start_next(b);
  while (b->done < b->q.n)
    cares_step(b->ch);
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
      (e = ares_init(&b.ch)) != ARES_SUCCESS ||
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
