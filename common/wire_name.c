/* SPDX-License-Identifier: MIT */
/* Wire-format domain names; see wire_name.h. */
#include "wire_name.h"

int wire_name_labels(const uint8_t *w, size_t len) {
  int n = 0;
  for (size_t i = 0; i < len && w[i]; i += 1 + (size_t)w[i])
    n++;
  return n;
}
