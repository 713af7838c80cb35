/* SPDX-License-Identifier: MIT */
/*
 * Base 32 with the extended hex alphabet (RFC 4648 §7), lower case and
 * without padding, as NSEC3 owner names and the Next Hashed Owner Name
 * field's presentation use it (RFC 5155 §3.3).
 */
#ifndef MIMI_BASE32HEX_H
#define MIMI_BASE32HEX_H

#include <stddef.h>
#include <stdint.h>

/* Digits needed for n octets: a 20-octet SHA-1 hash takes 32. */
#define BASE32HEX_LEN(n) ((8 * (n) + 4) / 5)

/* Writes BASE32HEX_LEN(n) digits to out (no terminating NUL); returns
 * their number. */
size_t base32hex_encode(const uint8_t *in, size_t n, char *out);

#endif
