/* SPDX-License-Identifier: MIT */
/*
 * The memory of the answer cache's entries: 2 MiB chunks, carved by size
 * class, freed blocks kept on a list per class.
 *
 * Why not malloc: a cache that fills writes to memory nothing has used
 * before, and every first write to a 4 KiB page is a page fault. In a
 * virtual machine one costs ~15 us (measured here: a cold lookup through
 * the c-ares backend costs ~13 us of CPU, of which ~1.2 us were the faults
 * of its cache entry). Chunks aligned to 2 MiB and advised MADV_HUGEPAGE
 * take one fault per chunk where transparent huge pages are on (the
 * "madvise" setting too); elsewhere they behave like malloc'd memory. The
 * first chunk is small (FIRST) and not advised, so a context that caches a
 * few answers does not have 2 MiB zeroed for them.
 *
 * Bounds: at most cap octets of chunks (the cache's budget and one chunk;
 * blocks on a free list count), then malloc; blocks larger than
 * MIMI__ARENA_MAX_BLOCK always come from malloc. A block's origin is found
 * from its address, so callers keep no flag. Under
 * AddressSanitizer free blocks and the unused rest of a chunk are poisoned:
 * a read of a freed entry is still reported.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine/engine.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK ((size_t)2 << 20) /* a huge page on x86-64 and arm64 (4 KiB base) */
#define FIRST ((size_t)256 << 10)
#define GRAIN 16
#define CLASSES (MIMI__ARENA_MAX_BLOCK / GRAIN)

typedef struct block {
  struct block *next;
} block_t;

typedef struct {
  uint8_t *base;
  size_t size;                /* FIRST for the first, then CHUNK (aligned) */
} chunk_t;

struct mimi__arena {
  size_t cap, mapped;         /* octets of chunks: at most, and now */
  size_t nchunks, maxchunks;
  chunk_t *chunk;
  size_t used;                /* of the last chunk */
  block_t *free[CLASSES];     /* by size class: (bytes + GRAIN - 1) / GRAIN - 1 */
};

mimi__arena_t *mimi__arena_new(size_t cap) {
  mimi__arena_t *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->cap = cap;
  a->maxchunks = cap / CHUNK + 1;
  if (!(a->chunk = calloc(a->maxchunks, sizeof *a->chunk))) {
    free(a);
    return NULL;
  }
  return a;
}

void mimi__arena_free(mimi__arena_t *a) {
  if (!a)
    return;
  for (size_t i = 0; i < a->nchunks; i++) {
    UNPOISON(a->chunk[i].base, a->chunk[i].size);
    munmap(a->chunk[i].base, a->chunk[i].size);
  }
  free(a->chunk);
  free(a);
}

/* The first chunk, small; then CHUNK-aligned ones, advised to be huge
 * pages (map twice the size, unmap the slack). */
static int chunk_new(mimi__arena_t *a) {
  size_t size = a->nchunks ? CHUNK : FIRST;
  if (a->nchunks == a->maxchunks || a->mapped + size > a->cap)
    return 0;
  uint8_t *m = mmap(NULL, a->nchunks ? 2 * CHUNK : FIRST, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return 0;
  if (a->nchunks) {
    uintptr_t base = ((uintptr_t)m + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
    size_t head = base - (uintptr_t)m;
    if (head)
      munmap(m, head);
    munmap((uint8_t *)base + CHUNK, CHUNK - head);
    m = (uint8_t *)base;
#ifdef MADV_HUGEPAGE
    (void)madvise(m, CHUNK, MADV_HUGEPAGE); /* a hint: may fail, harmless */
#endif
  }
  POISON(m, size);
  a->chunk[a->nchunks].base = m;
  a->chunk[a->nchunks].size = size;
  a->nchunks++;
  a->mapped += size;
  a->used = 0;
  return 1;
}

int mimi__arena_owns(const mimi__arena_t *a, const void *p) {
  for (size_t i = 0; i < a->nchunks; i++)
    if ((const uint8_t *)p >= a->chunk[i].base &&
        (const uint8_t *)p < a->chunk[i].base + a->chunk[i].size)
      return 1;
  return 0;
}

void *mimi__arena_alloc(mimi__arena_t *a, size_t bytes) {
  size_t cls, size;
  void *p;
  if (!bytes || bytes > MIMI__ARENA_MAX_BLOCK)
    return malloc(bytes ? bytes : 1);
  cls = (bytes + GRAIN - 1) / GRAIN - 1;
  size = (cls + 1) * GRAIN;
  if (a->free[cls]) {
    block_t *b = a->free[cls];
    UNPOISON(b, size);
    a->free[cls] = b->next;
    return b;
  }
  if ((!a->nchunks || a->used + size > a->chunk[a->nchunks - 1].size) && !chunk_new(a))
    return malloc(bytes); /* the cap reached: the heap after all */
  p = a->chunk[a->nchunks - 1].base + a->used;
  a->used += size;
  UNPOISON(p, size);
  return p;
}

void mimi__arena_release(mimi__arena_t *a, void *p, size_t bytes) {
  size_t cls;
  if (!p)
    return;
  if (!bytes || bytes > MIMI__ARENA_MAX_BLOCK || !mimi__arena_owns(a, p)) {
    free(p);
    return;
  }
  cls = (bytes + GRAIN - 1) / GRAIN - 1;
  block_t *b = p;
  b->next = a->free[cls];
  a->free[cls] = b;
  POISON(b, (cls + 1) * GRAIN); /* alloc unpoisons it before reading next */
}
