/* SPDX-License-Identifier: MIT */
/*
 * Uncompressed wire-format domain names (RFC 1035 §3.1): a sequence of
 * length-prefixed labels ending in the root's zero octet.
 */
#ifndef MIMI_WIRE_NAME_H
#define MIMI_WIRE_NAME_H

#include <stddef.h>
#include <stdint.h>

/* The number of labels of the name in w[0..len), the root not counted
 * ("." has 0, "example.com." 2). Stops at len on a truncated name. */
int wire_name_labels(const uint8_t *w, size_t len);

#endif
