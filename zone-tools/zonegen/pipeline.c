/* SPDX-License-Identifier: MIT */
/*
 * The CSV rows on every core. The reader (this thread) parses the CSV into
 * batches of rows; worker threads turn each batch's rows into RRs in a table
 * of their own (the codec is thread-safe: no shared mutable state); the
 * tables are joined at the end, and zg_sort makes the order canonical, so
 * the output does not depend on which worker took which batch.
 *
 * Messages keep the input's order: each batch collects its own (the
 * reader's CSV syntax errors and the workers' row errors), and the reader
 * prints finished batches strictly in sequence. At most 2 batches per
 * worker are in flight, so memory for the CSV text stays bounded.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "zonegen.h"

#define BATCH_ROWS 1024

typedef struct {
  long line;
  char *msg;
  int warn; /* a warning: printed, not counted as a bad row */
} msg_t;

typedef struct batch {
  struct batch *next;      /* dispatch order */
  size_t nrows;
  long lines[BATCH_ROWS];
  size_t offs[BATCH_ROWS]; /* each row: F_COUNT NUL-terminated fields in text */
  char *text;
  size_t tlen, tcap;
  msg_t *msgs;
  size_t nmsgs, msgcap;
  long ok;
  int done, oom;
} batch_t;

typedef struct {
  const zg_opts_t *o;
  pthread_mutex_t mu;
  pthread_cond_t work, idle;  /* a batch to take; a batch finished */
  batch_t *head, *tail;       /* dispatched, not yet printed */
  batch_t *next_free;         /* first dispatched batch no worker took yet */
  size_t inflight;
  int closing;
} pipe_t;

typedef struct {
  pipe_t *p;
  zg_table_t t;
  pthread_t tid;
} worker_t;

static batch_t *batch_new(void) {
  batch_t *b = calloc(1, sizeof *b);
  return b;
}

static void batch_free(batch_t *b) {
  for (size_t i = 0; i < b->nmsgs; i++)
    free(b->msgs[i].msg);
  free(b->msgs);
  free(b->text);
  free(b);
}

/* Append a message (line order is restored when printing). 0 or -1. */
static int batch_msg(batch_t *b, long line, const char *msg, int warn) {
  if (b->nmsgs == b->msgcap) {
    size_t nc = b->msgcap ? b->msgcap * 2 : 8;
    msg_t *nm = realloc(b->msgs, nc * sizeof *nm);
    if (!nm)
      return -1;
    b->msgs = nm;
    b->msgcap = nc;
  }
  if (!(b->msgs[b->nmsgs].msg = strdup(msg)))
    return -1;
  b->msgs[b->nmsgs].warn = warn;
  b->msgs[b->nmsgs++].line = line;
  return 0;
}

/* Copy one row's fields into the batch. 0 or -1 (OOM). */
static int batch_row(batch_t *b, long line, char **fields) {
  size_t need = 0;
  for (int i = 0; i < F_COUNT; i++)
    need += strlen(fields[i]) + 1;
  if (b->tcap - b->tlen < need) {
    size_t nc = b->tcap ? b->tcap : 64 * 1024;
    while (nc - b->tlen < need)
      nc *= 2;
    char *nt = realloc(b->text, nc);
    if (!nt)
      return -1;
    b->text = nt;
    b->tcap = nc;
  }
  b->offs[b->nrows] = b->tlen;
  b->lines[b->nrows++] = line;
  for (int i = 0; i < F_COUNT; i++) {
    size_t l = strlen(fields[i]) + 1;
    memcpy(b->text + b->tlen, fields[i], l);
    b->tlen += l;
  }
  return 0;
}

/* Rows seen so far, by mapping (identifier, provider, account) and by the
 * whole row, to warn of duplicates: an exact duplicate is published once
 * (the sort drops the same record), and two rows of one mapping with
 * another preference, tags or service are both published, which is rarely
 * what the provider meant. Only 64-bit hashes are kept, not the text (24
 * octets a slot, at most half full: 50-100 MB for a million rows); two
 * different rows share both hashes with a chance of about n^2 / 2^65, and
 * then cost a wrong warning, no record. */
typedef struct {
  uint64_t key, row; /* key 0: empty slot */
  long line;
} seen_row_t;

typedef struct {
  seen_row_t *v;
  size_t n, cap; /* cap: a power of two */
} seen_t;

/* FNV-1a over fields first..last-1, each ended by its NUL. */
static uint64_t hash_fields(char **f, int first, int last, uint64_t h) {
  for (int i = first; i < last; i++)
    for (const unsigned char *p = (const unsigned char *)f[i];; p++) {
      h = (h ^ *p) * 0x100000001b3ULL;
      if (!*p)
        break;
    }
  return h;
}

static int seen_grow(seen_t *s) {
  size_t nc = s->cap ? s->cap * 2 : 1024;
  seen_row_t *nv = calloc(nc, sizeof *nv);
  if (!nv)
    return -1;
  for (size_t i = 0; i < s->cap; i++) {
    if (!s->v[i].key)
      continue;
    size_t j = (size_t)s->v[i].key & (nc - 1);
    while (nv[j].key)
      j = (j + 1) & (nc - 1);
    nv[j] = s->v[i];
  }
  free(s->v);
  s->v = nv;
  s->cap = nc;
  return 0;
}

/* Warn (in the batch) when this row repeats a mapping of an earlier row.
 * 0, or -1 (OOM). */
static int note_duplicate(seen_t *s, batch_t *b, long line, char **f) {
  uint64_t key = hash_fields(f, F_ID, F_ACCOUNT + 1, 0xcbf29ce484222325ULL);
  uint64_t row = hash_fields(f, F_PREF, F_COUNT, key);
  char m[160];
  key |= !key; /* 0 marks an empty slot */
  if (2 * (s->n + 1) > s->cap && seen_grow(s) != 0)
    return -1;
  size_t j = (size_t)key & (s->cap - 1);
  for (; s->v[j].key; j = (j + 1) & (s->cap - 1)) {
    if (s->v[j].key != key)
      continue;
    if (s->v[j].row == row)
      snprintf(m, sizeof m, "the same row as line %ld; it is published once", s->v[j].line);
    else
      snprintf(m, sizeof m, "the same identifier, provider and account as line %ld, with "
               "another preference, tags or service; both are published", s->v[j].line);
    return batch_msg(b, line, m, 1);
  }
  s->v[j].key = key;
  s->v[j].row = row;
  s->v[j].line = line;
  s->n++;
  return 0;
}

static void run_batch(const zg_opts_t *o, zg_table_t *t, batch_t *b) {
  char err[ZG_ERRLEN];
  for (size_t r = 0; r < b->nrows && !b->oom; r++) {
    char *f[F_COUNT], *p = b->text + b->offs[r];
    for (int i = 0; i < F_COUNT; i++) {
      f[i] = p;
      p += strlen(p) + 1;
    }
    if (zg_row(o, t, f, err, sizeof err) == 0)
      b->ok++;
    else if (t->oom || batch_msg(b, b->lines[r], err, 0) != 0)
      b->oom = 1;
  }
}

static void *worker(void *arg) {
  worker_t *w = arg;
  pipe_t *p = w->p;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->next_free && !p->closing)
      pthread_cond_wait(&p->work, &p->mu);
    batch_t *b = p->next_free;
    if (!b)
      break; /* closing and nothing left */
    p->next_free = b->next;
    pthread_mutex_unlock(&p->mu);
    run_batch(p->o, &w->t, b);
    pthread_mutex_lock(&p->mu);
    b->done = 1;
    pthread_cond_broadcast(&p->idle);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static int msg_cmp(const void *a, const void *b) {
  long la = ((const msg_t *)a)->line, lb = ((const msg_t *)b)->line;
  return (la > lb) - (la < lb);
}

/* Print and free finished batches from the head, in order; with wait, wait
 * until every dispatched batch has finished. Called with p->mu held. */
static void drain(pipe_t *p, const char *file, long *bad, long *ok, int *oom, int wait) {
  for (;;) {
    batch_t *b = p->head;
    if (!b)
      return;
    if (!b->done) {
      if (!wait)
        return;
      pthread_cond_wait(&p->idle, &p->mu);
      continue;
    }
    p->head = b->next;
    if (!p->head)
      p->tail = NULL;
    p->inflight--;
    if (b->nmsgs > 1)
      qsort(b->msgs, b->nmsgs, sizeof *b->msgs, msg_cmp);
    for (size_t i = 0; i < b->nmsgs; i++) {
      fprintf(stderr, "%s:%ld: %s%s\n", file, b->msgs[i].line,
              b->msgs[i].warn ? "warning: " : "", b->msgs[i].msg);
      *bad += !b->msgs[i].warn;
    }
    *ok += b->ok;
    *oom |= b->oom;
    batch_free(b);
  }
}

/* Queue a batch for the workers, waiting while 2 per worker are in flight
 * (and printing what has finished meanwhile). */
static void dispatch(pipe_t *p, batch_t *b, unsigned workers, const char *file, long *bad,
                     long *ok, int *oom) {
  pthread_mutex_lock(&p->mu);
  while (p->inflight >= 2 * (size_t)workers) {
    drain(p, file, bad, ok, oom, 0);
    if (p->inflight >= 2 * (size_t)workers)
      pthread_cond_wait(&p->idle, &p->mu);
  }
  if (p->tail)
    p->tail->next = b;
  else
    p->head = b;
  p->tail = b;
  if (!p->next_free)
    p->next_free = b;
  p->inflight++;
  pthread_cond_signal(&p->work);
  drain(p, file, bad, ok, oom, 0);
  pthread_mutex_unlock(&p->mu);
}

long zg_rows(const zg_opts_t *o, zg_table_t *t, long *rows_ok) {
  const char *file = strcmp(o->input, "-") ? o->input : "<stdin>";
  unsigned nw = o->threads ? o->threads : 1;
  worker_t *ws = NULL;
  unsigned started = 0;
  pipe_t p;
  csv_t c;
  batch_t *cur = NULL;
  char err[256];
  long bad = 0, ok = 0, rc = -1;
  int got, have_header = 0, oom = 0, fatal = 0;
  seen_t seen = {NULL, 0, 0};

  *rows_ok = 0;
  memset(&p, 0, sizeof p);
  p.o = o;
  if (csv_open(&c, o->input) != 0) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", o->input, strerror(errno));
    return -1;
  }
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.work, NULL);
  pthread_cond_init(&p.idle, NULL);
  if (!(ws = calloc(nw, sizeof *ws)))
    goto nomem;
  for (; started < nw; started++) {
    ws[started].p = &p;
    if (pthread_create(&ws[started].tid, NULL, worker, &ws[started]) != 0) {
      if (started == 0) {
        fprintf(stderr, "mimi-zonegen: cannot start a thread\n");
        goto done;
      }
      break; /* fewer workers: slower, not wrong */
    }
  }

  while ((got = csv_next(&c, err, sizeof err)) != 0) {
    if (got < 0 && (strncmp(err, "read error", 10) == 0 || strcmp(err, "out of memory") == 0)) {
      fatal = 1;
      break;
    }
    if (!have_header) {
      int okh = got > 0 && c.nfields == F_COUNT;
      for (size_t i = 0; okh && i < F_COUNT; i++)
        okh = strcasecmp(c.fields[i], zg_csv_header[i]) == 0;
      if (got < 0) {
        /* Nothing dispatched yet: print in place. */
        fprintf(stderr, "%s:%ld: %s\n", file, c.line, err);
        bad++;
        continue;
      }
      if (!okh) {
        fprintf(stderr, "%s:%ld: expected the header line "
                "\"identifier,provider,account,preference,tags,service\"\n", file, c.line);
        rc = -2;
        goto done;
      }
      have_header = 1;
      continue;
    }
    if (!cur && !(cur = batch_new()))
      goto nomem;
    if (got < 0) {
      if (batch_msg(cur, c.line, err, 0) != 0)
        goto nomem;
    } else if (c.nfields != F_COUNT) {
      char m[128];
      snprintf(m, sizeof m, "%zu fields; a row has %d "
               "(identifier,provider,account,preference,tags,service)", c.nfields, F_COUNT);
      if (batch_msg(cur, c.line, m, 0) != 0)
        goto nomem;
    } else if (note_duplicate(&seen, cur, c.line, c.fields) != 0 ||
               batch_row(cur, c.line, c.fields) != 0) {
      goto nomem;
    }
    if (cur->nrows == BATCH_ROWS || cur->nmsgs >= BATCH_ROWS) {
      dispatch(&p, cur, started, file, &bad, &ok, &oom);
      cur = NULL;
      if (oom)
        goto nomem;
    }
  }
  if (cur) {
    dispatch(&p, cur, started, file, &bad, &ok, &oom);
    cur = NULL;
  }
  rc = 0;
  goto done;
nomem:
  oom = 1;
done:
  pthread_mutex_lock(&p.mu);
  p.closing = 1;
  pthread_cond_broadcast(&p.work);
  drain(&p, file, &bad, &ok, &oom, 1);
  pthread_mutex_unlock(&p.mu);
  for (unsigned i = 0; i < started; i++) {
    pthread_join(ws[i].tid, NULL);
    if (zg_table_absorb(t, &ws[i].t) != 0)
      oom = 1;
    zg_table_free(&ws[i].t);
  }
  if (cur)
    batch_free(cur);
  free(seen.v);
  free(ws);
  pthread_cond_destroy(&p.idle);
  pthread_cond_destroy(&p.work);
  pthread_mutex_destroy(&p.mu);
  if (fatal) {
    fprintf(stderr, "%s:%ld: %s\n", file, c.line, err);
    rc = -1;
  }
  csv_close(&c);
  if (oom || t->oom) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    return -1;
  }
  if (rc != 0)
    return rc;
  if (!have_header) {
    fprintf(stderr, "%s: empty input: the header line is missing\n", file);
    return -2;
  }
  *rows_ok = ok;
  return bad;
}
