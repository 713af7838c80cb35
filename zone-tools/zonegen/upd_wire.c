/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --send-update: owner names as DNS wire names and text, and
 * DNS messages over TCP (RFC 1035 §4.2.2), shared by the sender, the
 * conflict report and --diff.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "publish.h"

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

int zg_tcp_send(int fd, const uint8_t *wire, size_t len) {
  uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
  if (len > 65535)
    return -1;
  return write_all(fd, hdr, 2) == 0 && write_all(fd, wire, len) == 0 ? 0 : -1;
}
