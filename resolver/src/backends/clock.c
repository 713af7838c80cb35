/* SPDX-License-Identifier: MIT */
/* The monotonic clock deadlines and traces are measured with. */
#include <time.h>

#include "backends/backend.h"

int64_t mimi__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
