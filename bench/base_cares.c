/*
 * Baseline: raw c-ares (its defaults, plus the server), ares_query() TXT for
 * the same hashed names libmimi asks, INFLIGHT at a time, run twice (c-ares
 * 1.18 has no cache: "warm" is a second pass on the same channel). A lookup
 * counts as OK with a parsed TXT answer starting "v=MIMI1".
 *
 *   base_cares ADDR:PORT QNAMES_FILE N INFLIGHT
 */
#include <ares.h>
#include <arpa/nameser.h>
#include <poll.h>

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
                    int alen) {
  job_t *j = arg;
  bench_t *b = j->b;
  struct ares_txt_reply *txt = NULL;
  (void)timeouts;
  b->lat[j->i] = now_ns() - b->start[j->i];
  b->done++;
  if (status == ARES_SUCCESS &&
      ares_parse_txt_reply(abuf, alen, &txt) == ARES_SUCCESS && txt &&
      txt->length >= 7 && memcmp(txt->txt, "v=MIMI1", 7) == 0)
    b->ok++;
  else if (b->failed_shown++ < 3)
    fprintf(stderr, "base_cares: %s: %s\n", b->q.names[j->i], ares_strerror(status));
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
  ares_query(b->ch, b->q.names[i], C_IN, T_TXT, on_done, &b->jobs[i]);
}

static void run(bench_t *b, const char *phase, size_t inflight) {
  uint64_t t0 = now_ns(), c0 = cpu_us();
  b->next = b->done = b->ok = b->failed_shown = 0;
  for (size_t k = 0; k < inflight; k++)
    start_next(b);
  while (b->done < b->q.n) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    struct pollfd p[ARES_GETSOCK_MAXNUM];
    struct timeval tv, *t;
    int bits = ares_getsock(b->ch, socks, ARES_GETSOCK_MAXNUM), np = 0, ms;
    for (int k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
      short ev = 0;
      if (bits & (1 << k))
        ev |= POLLIN;
      if ((unsigned)bits & (1u << (k + ARES_GETSOCK_MAXNUM)))
        ev |= POLLOUT;
      if (ev) {
        p[np].fd = socks[k];
        p[np].events = ev;
        p[np].revents = 0;
        np++;
      }
    }
    t = ares_timeout(b->ch, NULL, &tv);
    ms = t ? (int)(t->tv_sec * 1000 + t->tv_usec / 1000) : 1000;
    (void)poll(p, (nfds_t)np, ms);
    if (np == 0) {
      ares_process_fd(b->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      continue;
    }
    for (int k = 0; k < np; k++)
      ares_process_fd(b->ch,
                      p[k].revents & (POLLIN | POLLERR | POLLHUP) ? p[k].fd : ARES_SOCKET_BAD,
                      p[k].revents & POLLOUT ? p[k].fd : ARES_SOCKET_BAD);
  }
  report("raw-cares", phase, b->q.n, b->ok, now_ns() - t0, b->lat, c0);
}

int main(int argc, char **argv) {
  bench_t b;
  size_t n, inflight;
  int rc = 1, e;
  if (argc != 5) {
    fprintf(stderr, "usage: base_cares ADDR:PORT QNAMES_FILE N INFLIGHT\n");
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
    fprintf(stderr, "base_cares: set-up: %s\n", ares_strerror(e));
    goto done;
  }
  printf("# raw c-ares %s: defaults + server %s\n", ares_version(NULL), argv[1]);
  run(&b, "cold", inflight);
  run(&b, "warm", inflight);
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
