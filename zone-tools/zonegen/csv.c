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

int csv_next(csv_t *c, char *err, size_t errlen) {
  for (;;) {
    ssize_t len = getline(&c->buf, &c->cap, c->f);
    if (len < 0) {
      if (ferror(c->f)) {
        snprintf(err, errlen, "read error: %s", strerror(errno));
        return -1;
      }
      return 0;
    }
    c->line++;
    while (len > 0 && (c->buf[len - 1] == '\n' || c->buf[len - 1] == '\r'))
      c->buf[--len] = '\0';
    if (memchr(c->buf, '\0', (size_t)len)) {
      snprintf(err, errlen, "the line contains a NUL octet");
      return -1;
    }
    if (len == 0 || c->buf[0] == '#')
      continue;
    if ((size_t)len + 1 > c->fcap) {
      char *nb = realloc(c->fbuf, (size_t)len + 1);
      if (!nb) {
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      c->fbuf = nb;
      c->fcap = (size_t)len + 1;
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
      if (!push_field(c, start)) {
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      if (*p == '\0')
        break;
      p++; /* ',' */
    }
    return 1;
  }
}
