/* SPDX-License-Identifier: MIT */
/*
 * The mappings found at one name (MIMI-DNS/1 §3 "Processing"): invalid
 * records are skipped alone with a warning, opt-outs yield to mappings,
 * and the order is deterministic (preference, provider, account).
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

/*
 * A hostile RRset can hold thousands of invalid records; the warnings say
 * enough after this many, and the last one counts the rest.
 */
#define MAX_WARNINGS 32

struct mimi_mapset {
  mimi_record_t **recs;
  size_t n, cap;
  char **warns;
  size_t nwarn, capwarn;
  size_t suppressed; /* warnings beyond MAX_WARNINGS */
};

MIMI_EXPORT mimi_status_t mimi_mapset_new(mimi_mapset_t **set) {
  if (!set)
    return MIMI_EINVAL;
  *set = calloc(1, sizeof(**set));
  return *set ? MIMI_OK : MIMI_ENOMEM;
}

MIMI_EXPORT void mimi_mapset_free(mimi_mapset_t *set) {
  if (!set)
    return;
  for (size_t i = 0; i < set->n; i++)
    mimi_record_free(set->recs[i]);
  for (size_t i = 0; i < set->nwarn; i++)
    free(set->warns[i]);
  free(set->recs);
  free(set->warns);
  free(set);
}

/* Next capacity for a table of n pointers, or 0 on overflow. */
static size_t next_cap(size_t n, size_t cap, size_t elsize) {
  if (n < cap)
    return cap;
  if (cap > SIZE_MAX / 2 / elsize)
    return 0;
  return cap ? cap * 2 : 8;
}

static int grow_recs(mimi_mapset_t *set) {
  size_t nc = next_cap(set->n, set->cap, sizeof *set->recs);
  mimi_record_t **na;
  if (nc == set->cap)
    return 1;
  if (!nc || !(na = realloc(set->recs, nc * sizeof *na)))
    return 0;
  set->recs = na;
  set->cap = nc;
  return 1;
}

static int grow_warns(mimi_mapset_t *set) {
  size_t nc = next_cap(set->nwarn, set->capwarn, sizeof *set->warns);
  char **na;
  if (nc == set->capwarn)
    return 1;
  if (!nc || !(na = realloc(set->warns, nc * sizeof *na)))
    return 0;
  set->warns = na;
  set->capwarn = nc;
  return 1;
}

MIMI_EXPORT mimi_status_t mimi_mapset_add_record(mimi_mapset_t *set,
                                                 mimi_record_t *rec) {
  if (!set || !rec) {
    mimi_record_free(rec);
    return MIMI_EINVAL;
  }
  if (!grow_recs(set)) {
    mimi_record_free(rec);
    return MIMI_ENOMEM;
  }
  set->recs[set->n++] = rec;
  return MIMI_OK;
}

/* Replace the last warning by a count of what was left out. */
static mimi_status_t note_suppressed(mimi_mapset_t *set) {
  mimi_buf_t b;
  char *w;
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%zu more warnings not shown", set->suppressed + 2);
  if (!(w = mimi__buf_take(&b)))
    return MIMI_ENOMEM;
  free(set->warns[MAX_WARNINGS - 1]);
  set->warns[MAX_WARNINGS - 1] = w;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_mapset_add_warning(mimi_mapset_t *set,
                                                  const char *warning) {
  char *w;
  if (!set || !warning)
    return MIMI_EINVAL;
  if (set->nwarn == MAX_WARNINGS) {
    mimi_status_t st = note_suppressed(set);
    if (st == MIMI_OK)
      set->suppressed++;
    return st;
  }
  if (!grow_warns(set))
    return MIMI_ENOMEM;
  if (!(w = mimi__strdup(warning)))
    return MIMI_ENOMEM;
  set->warns[set->nwarn++] = w;
  return MIMI_OK;
}

static mimi_status_t add_parsed(mimi_mapset_t *set, mimi_status_t st,
                                mimi_record_t *rec, const char *text,
                                size_t len, const char *err) {
  char show[MIMI_SHOWLEN];
  mimi_buf_t b;
  char *w;

  if (st == MIMI_OK)
    return mimi_mapset_add_record(set, rec);
  if (st == MIMI_ENOTMIMI)
    return MIMI_OK; /* another application's TXT, or a future version */
  if (st != MIMI_EBADRECORD)
    return st;
  mimi__buf_init(&b);
  if (text)
    mimi__buf_addf(&b, "skipped invalid MIMI record \"%s\": %s",
                   mimi__show(show, sizeof show, text, len), err);
  else
    mimi__buf_addf(&b, "skipped invalid MIMI record: %s", err);
  if (!(w = mimi__buf_take(&b)))
    return MIMI_ENOMEM;
  st = mimi_mapset_add_warning(set, w);
  free(w);
  return st;
}

MIMI_EXPORT mimi_status_t mimi_mapset_add_txt(mimi_mapset_t *set,
                                              const char *text, size_t len) {
  char err[MIMI_ERRLEN] = "";
  mimi_record_t *rec = NULL;
  mimi_status_t st;
  if (!set || (!text && len))
    return MIMI_EINVAL;
  st = mimi_txt_parse(text, len, &rec, err, sizeof err);
  return add_parsed(set, st, rec, text, len, err);
}

MIMI_EXPORT mimi_status_t mimi_mapset_add_txt_rdata(mimi_mapset_t *set,
                                                    const uint8_t *rdata,
                                                    size_t len) {
  char err[MIMI_ERRLEN] = "";
  mimi_record_t *rec = NULL;
  mimi_status_t st;
  if (!set || (!rdata && len))
    return MIMI_EINVAL;
  st = mimi_txt_parse_rdata(rdata, len, &rec, err, sizeof err);
  return add_parsed(set, st, rec, NULL, 0, err);
}

static int cmp_opt(const char *a, const char *b) {
  if (!a || !b)
    return (a != NULL) - (b != NULL);
  return strcmp(a, b);
}

/* Total order: §3's order, then the remaining fields, so sorting is stable
 * across runs and equal neighbours are exact duplicates. */
static int full_cmp(const void *pa, const void *pb) {
  const mimi_record_t *a = *(const mimi_record_t *const *)pa;
  const mimi_record_t *b = *(const mimi_record_t *const *)pb;
  int c = mimi_record_cmp(a, b);
  if (c == 0)
    c = cmp_opt(a->tags, b->tags);
  if (c == 0)
    c = cmp_opt(a->service, b->service);
  return c;
}

MIMI_EXPORT void mimi_mapset_finish(mimi_mapset_t *set) {
  size_t o = 0, mappings = 0;
  if (!set)
    return;
  for (size_t i = 0; i < set->n; i++)
    mappings += !mimi_record_is_optout(set->recs[i]);
  /* §3: an opt-out record is ignored when mappings coexist. */
  for (size_t i = 0; i < set->n; i++) {
    if (mappings && mimi_record_is_optout(set->recs[i]))
      mimi_record_free(set->recs[i]);
    else
      set->recs[o++] = set->recs[i];
  }
  set->n = o;
  if (set->n > 1)
    qsort(set->recs, set->n, sizeof *set->recs, full_cmp);
  o = 0;
  for (size_t i = 0; i < set->n; i++) {
    if (o && full_cmp(&set->recs[o - 1], &set->recs[i]) == 0)
      mimi_record_free(set->recs[i]); /* exact duplicate */
    else
      set->recs[o++] = set->recs[i];
  }
  set->n = o;
}

MIMI_EXPORT size_t mimi_mapset_count(const mimi_mapset_t *set) {
  return set ? set->n : 0;
}

MIMI_EXPORT const mimi_record_t *mimi_mapset_get(const mimi_mapset_t *set,
                                                 size_t i) {
  return set && i < set->n ? set->recs[i] : NULL;
}

mimi_record_t *mimi__mapset_take(mimi_mapset_t *set, size_t i) {
  mimi_record_t *r = set && i < set->n ? set->recs[i] : NULL;
  if (r)
    set->recs[i] = NULL;
  return r;
}

MIMI_EXPORT int mimi_mapset_opted_out(const mimi_mapset_t *set) {
  if (!set || set->n == 0)
    return 0;
  for (size_t i = 0; i < set->n; i++)
    if (!mimi_record_is_optout(set->recs[i]))
      return 0;
  return 1;
}

MIMI_EXPORT size_t mimi_mapset_warning_count(const mimi_mapset_t *set) {
  return set ? set->nwarn : 0;
}

MIMI_EXPORT const char *mimi_mapset_warning(const mimi_mapset_t *set,
                                            size_t i) {
  return set && i < set->nwarn ? set->warns[i] : NULL;
}
