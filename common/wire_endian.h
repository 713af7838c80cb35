/* SPDX-License-Identifier: MIT */
/*
 * Network byte order (RFC 1035 §2.3.2: most significant octet first) for
 * DNS wire fields, read from and written to unaligned octet buffers.
 */
#ifndef MIMI_WIRE_ENDIAN_H
#define MIMI_WIRE_ENDIAN_H

#include <stdint.h>

static inline uint16_t wire_get16(const uint8_t *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t wire_get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static inline uint64_t wire_get64(const uint8_t *p) {
  return (uint64_t)wire_get32(p) << 32 | wire_get32(p + 4);
}

static inline void wire_put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static inline void wire_put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

#endif
