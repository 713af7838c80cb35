/* SPDX-License-Identifier: MIT */
/*
 * The event loop of the raw c-ares programs (base_cares, floor_cares), the
 * way each c-ares API documents driving a channel with poll():
 *  - c-ares >= 1.34 (CARES_DNSREC): the sockets reported by
 *    ARES_OPT_SOCK_STATE_CB, ares_process_fds() (ares_getsock() is
 *    deprecated there);
 *  - older (1.18): ares_getsock() and ares_process_fd().
 */
#ifndef BENCH_CARES_LOOP_H
#define BENCH_CARES_LOOP_H

#include <ares.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if ARES_VERSION >= 0x012200 /* 1.34.0 */
#define CARES_DNSREC 1

#define LOOP_MAX_SOCKS 64
typedef struct {
  struct pollfd fd[LOOP_MAX_SOCKS];
  size_t n;
} cares_socks_t;

/* ARES_OPT_SOCK_STATE_CB: data is a cares_socks_t. */
static inline void cares_sock_state(void *data, ares_socket_t fd, int r, int w) {
  cares_socks_t *s = data;
  size_t i = 0;
  while (i < s->n && s->fd[i].fd != fd)
    i++;
  if (!r && !w) {
    if (i < s->n)
      s->fd[i] = s->fd[--s->n];
    return;
  }
  if (i == s->n) {
    if (s->n == LOOP_MAX_SOCKS) {
      fprintf(stderr, "cares_loop: more than %d sockets\n", LOOP_MAX_SOCKS);
      exit(1);
    }
    s->n++;
  }
  s->fd[i].fd = fd;
  s->fd[i].events = (short)((r ? POLLIN : 0) | (w ? POLLOUT : 0));
}

/* Wait for the channel's sockets (or its next timeout), then process. */
static inline void cares_step(ares_channel_t *ch, cares_socks_t *s) {
  struct pollfd p[LOOP_MAX_SOCKS];
  ares_fd_events_t ev[LOOP_MAX_SOCKS];
  struct timeval tv, *t = ares_timeout(ch, NULL, &tv);
  size_t n = s->n, k = 0;
  int ms = t ? (int)(t->tv_sec * 1000 + t->tv_usec / 1000) : 1000;
  memcpy(p, s->fd, n * sizeof *p);
  (void)poll(p, (nfds_t)n, ms);
  for (size_t i = 0; i < n; i++) {
    if (!p[i].revents)
      continue;
    ev[k].fd = p[i].fd;
    ev[k].events = (p[i].revents & (POLLIN | POLLERR | POLLHUP) ? ARES_FD_EVENT_READ : 0) |
                   (p[i].revents & POLLOUT ? ARES_FD_EVENT_WRITE : 0);
    k++;
  }
  ares_process_fds(ch, k ? ev : NULL, k, ARES_PROCESS_FLAG_NONE);
}

#else
#define CARES_DNSREC 0

typedef struct {
  int unused;
} cares_socks_t;

/* Wait for the channel's sockets (or its next timeout), then process. */
static inline void cares_step(ares_channel ch, cares_socks_t *s) {
  ares_socket_t socks[ARES_GETSOCK_MAXNUM];
  struct pollfd p[ARES_GETSOCK_MAXNUM];
  struct timeval tv, *t;
  int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM), np = 0, ms;
  (void)s;
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
  t = ares_timeout(ch, NULL, &tv);
  ms = t ? (int)(t->tv_sec * 1000 + t->tv_usec / 1000) : 1000;
  (void)poll(p, (nfds_t)np, ms);
  if (np == 0) {
    ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    return;
  }
  for (int k = 0; k < np; k++)
    ares_process_fd(ch, p[k].revents & (POLLIN | POLLERR | POLLHUP) ? p[k].fd : ARES_SOCKET_BAD,
                    p[k].revents & POLLOUT ? p[k].fd : ARES_SOCKET_BAD);
}
#endif

#endif
