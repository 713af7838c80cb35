/* SPDX-License-Identifier: MIT */
/*
 * Answers kept for their turn (plan_walk.c): a copy of the query and of
 * its answer in one block, and the freeing of a walk's state. Separate
 * from plan_walk.c so that the end of a lookup (sub_query.c) can free a
 * walk without calling back into the code that sends queries.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/lookup_state.h"

static size_t align(size_t n) {
  return (n + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
}

mimi__held_t *mimi__held_new(const mimi__sub_t *s, const mimi__answer_t *a) {
  size_t name = strlen(s->name) + 1, why = a->why ? strlen(a->why) + 1 : 0,
         srv = a->server ? strlen(a->server) + 1 : 0;
  size_t bytes = align(sizeof(mimi__held_t)) + mimi__rdata_bytes(a) + name + why + srv;
  mimi__held_t *h = malloc(bytes);
  size_t *len;
  uint8_t **rd;
  if (!h)
    return NULL;
  h->sub = *s;
  h->sub.prev = h->sub.next = h->sub.dprev = h->sub.dnext = NULL;
  h->a = *a;
  char *o = mimi__rdata_copy(a, (char *)h + align(sizeof(mimi__held_t)), &len, &rd);
  h->a.rdlen = len;
  h->a.rdata = (const uint8_t *const *)rd;
  h->sub.name = memcpy(o, s->name, name);
  o += name;
  if (why) {
    h->a.why = memcpy(o, a->why, why);
    o += why;
  }
  if (srv)
    h->a.server = memcpy(o, a->server, srv);
  return h;
}

void mimi__walk_free(mimi__walk_t *w) {
  for (size_t i = 0; w->slot && w->plan && i < w->plan->n; i++)
    free(w->slot[i].held);
  free(w->slot);
  w->slot = NULL;
  mimi_plan_free(w->plan);
  w->plan = NULL;
}
