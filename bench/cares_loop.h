/*
 * The event loop of the raw c-ares programs (base_cares, floor_cares): the
 * way c-ares 1.18's documentation drives a channel, with poll().
 */
#ifndef BENCH_CARES_LOOP_H
#define BENCH_CARES_LOOP_H

#include <ares.h>
#include <poll.h>

/* Wait for the channel's sockets (or its next timeout), then process. */
static inline void cares_step(ares_channel ch) {
  ares_socket_t socks[ARES_GETSOCK_MAXNUM];
  struct pollfd p[ARES_GETSOCK_MAXNUM];
  struct timeval tv, *t;
  int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM), np = 0, ms;
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
