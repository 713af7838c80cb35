/* SPDX-License-Identifier: MIT */
/* Base 32 with the extended hex alphabet; see base32hex.h. */
#include "base32hex.h"

size_t base32hex_encode(const uint8_t *in, size_t n, char *out) {
  static const char d[] = "0123456789abcdefghijklmnopqrstuv";
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    acc = (acc << 8 | in[i]) & 0xfff; /* at most 12 bits are pending */
    bits += 8;
    while (bits >= 5) {
      out[o++] = d[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0)
    out[o++] = d[(acc << (5 - bits)) & 31];
  return o;
}
