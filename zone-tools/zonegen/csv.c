/* SPDX-License-Identifier: MIT */
/* The provisioning CSV reader (see csv.h). Written by hand: the format is
 * a small subset of RFC 4180 and no Debian CSV library is a dependency. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "csv.h"

int csv_open(csv_t *c, const char *path) {
  memset(c, 0, sizeof *c);
  if (strcmp(path, "-") == 0) {
    c->f = stdin;
    return 0;
  }
  if (!(c->f = fopen(path, "r")))
    return -1;
  c->own = 1;
  return 0;
}

void csv_close(csv_t *c) {
  if (c->own && c->f)
    fclose(c->f);
  free(c->buf);
  free(c->fields);
  free(c->fbuf);
  for (size_t i = c->headpos; i < c->nahead; i++)
    free(c->ahead[i].text);
  free(c->ahead);
  memset(c, 0, sizeof *c);
}

static int push_field(csv_t *c, char *start) {
  if (c->nfields == c->capf) {
    size_t nc = c->capf ? c->capf * 2 : 8;
    char **nf = realloc(c->fields, nc * sizeof *nf);
    if (!nf)
      return 0;
    c->fields = nf;
    c->capf = nc;
  }
  c->fields[c->nfields++] = start;
  return 1;
}

/* Lines read ahead for an open quote: a field meant to span lines rarely
 * spans more, and the bound keeps a stray quote from swallowing the file. */
#define CSV_AHEAD_MAX 16

/* One physical line of the file into c->buf, without its line end, and
 * without a UTF-8 byte-order mark on the first (editors on Windows write
 * one). Its length; -1 at the end; -2 on a read error (err set). */
static ssize_t read_phys(csv_t *c, char *err, size_t errlen) {
  ssize_t len = getline(&c->buf, &c->cap, c->f);
  if (len < 0) {
    if (ferror(c->f)) {
      snprintf(err, errlen, "read error: %s", strerror(errno));
      return -2;
    }
    return -1;
  }
  c->phys++;
  while (len > 0 && (c->buf[len - 1] == '\n' || c->buf[len - 1] == '\r'))
    c->buf[--len] = '\0';
  if (c->phys == 1 && len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0) {
    memmove(c->buf, c->buf + 3, (size_t)len - 2);
    len -= 3;
  }
  return len;
}

/* The next line into c->buf and c->line: the oldest read ahead, else the
 * file's next. As read_phys. */
static ssize_t next_line(csv_t *c, char *err, size_t errlen) {
  if (c->headpos == c->nahead) {
    ssize_t len = read_phys(c, err, errlen);
    if (len >= 0)
      c->line = c->phys;
    return len;
  }
  struct csv_ahead a = c->ahead[c->headpos++];
  if (c->headpos == c->nahead)
    c->headpos = c->nahead = 0;
  if (a.len + 1 > c->cap) {
    char *nb = realloc(c->buf, a.len + 1);
    if (!nb) {
      free(a.text);
      snprintf(err, errlen, "out of memory");
      return -2;
    }
    c->buf = nb;
    c->cap = a.len + 1;
  }
  memcpy(c->buf, a.text, a.len + 1);
  free(a.text);
  c->line = a.line;
  return (ssize_t)a.len;
}

/* Read one more line ahead (the queue starts at 0). 0, or -1 at the end
 * or on an error (which the normal reading then meets again). */
static int ahead_push(csv_t *c) {
  char scratch[128];
  if (!c->ahead && !(c->ahead = calloc(CSV_AHEAD_MAX, sizeof *c->ahead)))
    return -1;
  ssize_t len = read_phys(c, scratch, sizeof scratch);
  if (len < 0)
    return -1;
  char *t = malloc((size_t)len + 1);
  if (!t)
    return -1;
  memcpy(t, c->buf, (size_t)len + 1);
  c->ahead[c->nahead].text = t;
  c->ahead[c->nahead].len = (size_t)len;
  c->ahead[c->nahead].line = c->phys;
  c->nahead++;
  return 0;
}

/* A quoted field of the current line is open at its end. If one of the
 * next few lines closes it, the field was meant to span lines: those lines
 * are this record's, not records of their own (each would be a second,
 * misleading error), so they are dropped; the last one's number is
 * returned. Else 0, and the lines read ahead are read again as records.
 * c->buf is clobbered (the caller is done with it). */
static long close_quote(csv_t *c) {
  int open = 1;
  if (c->headpos > 0) {
    memmove(c->ahead, c->ahead + c->headpos, (c->nahead - c->headpos) * sizeof *c->ahead);
    c->nahead -= c->headpos;
    c->headpos = 0;
  }
  for (size_t k = 0; k < CSV_AHEAD_MAX; k++) {
    if (k == c->nahead && ahead_push(c) != 0)
      return 0;
    for (size_t i = 0; i < c->ahead[k].len; i++)
      if (c->ahead[k].text[i] == '"')
        open = !open; /* a doubled quote flips twice */
    if (!open) {
      long end = c->ahead[k].line;
      for (size_t i = 0; i <= k; i++)
        free(c->ahead[i].text);
      c->headpos = k + 1;
      if (c->headpos == c->nahead)
        c->headpos = c->nahead = 0;
      return end;
    }
  }
  return 0;
}

static int oom(char *err, size_t errlen) {
  snprintf(err, errlen, "out of memory");
  return -1;
}

/* Split the line in c->buf (len octets) into fields. 1, or -1 (err). */
static int split(csv_t *c, size_t len, char *err, size_t errlen) {
  if (len + 1 > c->fcap) {
    char *nb = realloc(c->fbuf, len + 1);
    if (!nb)
      return oom(err, errlen);
    c->fbuf = nb;
    c->fcap = len + 1;
  }
  c->nfields = 0;
  const char *p = c->buf;
  char *o = c->fbuf;
  for (;;) {
    char *start = o;
    if (*p == '"') {
      p++;
      for (;;) {
        if (*p == '\0') {
          long end = close_quote(c);
          if (end > 0)
            snprintf(err, errlen, "a quoted field is not closed on its line: it spans "
                     "lines %ld-%ld, and a field cannot span lines", c->line, end);
          else
            snprintf(err, errlen, "a quoted field is not closed (quotes cannot span lines)");
          return -1;
        }
        if (*p == '"') {
          if (p[1] == '"') {
            *o++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        *o++ = *p++;
      }
      if (*p != ',' && *p != '\0') {
        snprintf(err, errlen, "unexpected '%c' after a quoted field", *p);
        return -1;
      }
    } else {
      while (*p != ',' && *p != '\0') {
        if (*p == '"') {
          snprintf(err, errlen, "a '\"' inside an unquoted field; quote the field "
                   "and double the quote");
          return -1;
        }
        *o++ = *p++;
      }
    }
    *o++ = '\0';
    if (!push_field(c, start))
      return oom(err, errlen);
    if (*p == '\0')
      return 1;
    p++; /* ',' */
  }
}

int csv_next(csv_t *c, char *err, size_t errlen) {
  for (;;) {
    ssize_t len = next_line(c, err, errlen);
    if (len == -1)
      return 0;
    if (len < 0)
      return -1;
    if (memchr(c->buf, '\0', (size_t)len)) {
      snprintf(err, errlen, "the line contains a NUL octet");
      return -1;
    }
    /* Blank: nothing, or spaces and tabs only (invisible in an editor). */
    if (strspn(c->buf, " \t") == (size_t)len || c->buf[0] == '#')
      continue;
    return split(c, (size_t)len, err, errlen);
  }
}
