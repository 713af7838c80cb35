/* SPDX-License-Identifier: MIT */
/* Memory for the large tables of zonegen (rows, sort buffers, arenas). */
#include <stdlib.h>
#include <sys/mman.h>

#include "zonegen.h"

#define HUGE_PAGE (2 * 1024 * 1024)

/* Large arrays and arena chunks on transparent huge pages where the kernel
 * offers them (madvise mode): in a VM a page fault costs microseconds, and a
 * million-user table touches ~80,000 4 KiB pages. Free with free(). */
void *zg_big_alloc(size_t len) {
  void *p;
  if (len < HUGE_PAGE)
    return malloc(len);
  if (posix_memalign(&p, HUGE_PAGE, (len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE) != 0)
    return NULL;
  (void)madvise(p, len, MADV_HUGEPAGE); /* advice: failure changes nothing */
  return p;
}
