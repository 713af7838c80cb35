/* SPDX-License-Identifier: MIT */
/* mimi-zonegen internals: options, the record table, the steps. */
#ifndef MIMI_ZG_H
#define MIMI_ZG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mimi.h>

#define ZG_MAX_NS 16

typedef struct {
  const char *input;      /* CSV path or "-" */
  char *origin;           /* canonical, absolute ("example.com.") */
  const char *enum_apex;  /* ENUM apex for phone numbers */
  uint32_t ttl;
  int serial_auto;
  uint32_t serial;
  const char *template_path;
  const char *ns[ZG_MAX_NS];
  size_t nns;
  const char *contact;
  int naptr, lowercase_variant, skip_bad;
  int quiet;              /* --quiet: no summary (warnings and errors stay) */
  int lmdb, update;       /* --format lmdb, --update */
  const char *delete_path; /* --delete: identifiers to remove (with --update) */
  const char *output;     /* NULL: standard output */
  const char *changeset;  /* --update: the change set's identity (publish.h) */
  /* --sign (sign.c) */
  int sign, nsec3, resign; /* --resign: lmdb --update, every name again */
  const char *ksk, *zsk, *keydir;
  int64_t inception, expiration; /* -1: from --validity */
  uint32_t validity;      /* seconds */
  unsigned threads;       /* --threads, or the online CPUs */
  size_t update_batch;    /* --update-batch: names a transaction at most */
  unsigned pipeline;      /* --pipeline: transactions in flight at most */
} zg_opts_t;

/* One RR to write. key: canonical sort key (owner labels right to left,
 * each followed by 0x00, then the type and the RDATA in canonical wire
 * form), followed in the same allocation by its presentation line (NUL
 * terminated; "" when it is made from the key at write time: the signer's
 * rows, rrtext.c). pfx: 16 octets of the owner key after the zone's,
 * zero-padded, compared before the key itself: sorting a large table
 * then rarely follows the key pointers. */
typedef struct {
  uint8_t *key;     /* owner part, then type (2) and RDATA; then the line */
  uint64_t pfx[2];  /* set by zg_sort */
  uint32_t keylen;
  uint32_t ttl;
  uint16_t ownerlen;
  uint8_t soa;      /* written first (RFC 1035 §5.2 puts the SOA first) */
} zg_rr_t;

static inline const char *zg_rr_line(const zg_rr_t *r) {
  return (const char *)r->key + r->keylen;
}

/* Keys and lines live in an arena of large chunks (one malloc per 4 MiB
 * instead of one per RR: a million-user zone spent a quarter of its time in
 * malloc and page faults), freed together by zg_table_free. */
typedef struct zg_chunk zg_chunk_t;

typedef struct {
  zg_rr_t *v;
  size_t n, cap;
  int oom;
  zg_chunk_t *chunks; /* newest first */
} zg_table_t;

/* Add an RR (copies). owner: wire form; rdata: canonical wire form (for
 * ordering and duplicates); line: presentation. 0, or -1 on OOM or a
 * malformed owner. */
int zg_add(zg_table_t *t, const uint8_t *owner, size_t ownerlen, uint16_t type,
           uint32_t ttl, const uint8_t *rdata, size_t rdlen, const char *line);
/* The owner part of a sort key (at most 255 octets); 0 or -1. */
int zg_owner_key(const uint8_t *w, size_t wlen, uint8_t *key, size_t *klen);
/* Presentation name without escapes ("a.b.") to wire form; 0 or -1. */
int zg_name_wire(const char *name, uint8_t *out, size_t *len);
void zg_table_free(zg_table_t *t);
/* Sort canonically (RFC 4034 §6.1, §6.3) and drop exact duplicates;
 * threads for the comparison sort used when memory is short. */
void zg_sort(zg_table_t *t, unsigned threads);
/* psort.c: qsort on up to threads threads (one without the memory). */
void zg_psort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
              unsigned threads);

/* The CSV columns of MIMI-DNS/1 §7, in order. */
enum { F_ID, F_PROVIDER, F_ACCOUNT, F_PREF, F_TAGS, F_SERVICE, F_COUNT };
extern const char *const zg_csv_header[F_COUNT];
#define ZG_ERRLEN (MIMI_ERRLEN * 2)

/* rows.c: one CSV row (F_COUNT fields) → its MIMI TXT (and NAPTR) RRs in t.
 * 0, or -1 with err set (t->oom set when memory ran out). Thread-safe for
 * distinct tables. */
int zg_row(const zg_opts_t *o, zg_table_t *t, char **fields, char *err, size_t errlen);

/* pipeline.c: all CSV rows → RRs, on o->threads workers. Returns the number
 * of bad rows (reported on stderr as FILE:LINE: message, in line order), -2
 * when the input as a whole is unusable (no header), or -1 on an I/O or
 * memory error (message printed). */
long zg_rows(const zg_opts_t *o, zg_table_t *t, long *rows_ok);

/* malloc for large blocks, on transparent huge pages when possible. */
void *zg_big_alloc(size_t len);

/* Move every RR of src into dst (src is left empty). 0, or -1 on OOM. */
int zg_table_absorb(zg_table_t *dst, zg_table_t *src);

/* apex.c: SOA/NS from options, or the template's records. 0 or -1. */
int zg_apex(const zg_opts_t *o, zg_table_t *t);
/* The serial to write: fixed, or greater than the existing output's. */
uint32_t zg_serial(const zg_opts_t *o);

/* delete.c: --delete, the owner keys of the identifiers to remove. */
#define ZG_DEL_KEYS 2 /* a handle and its lower-cased variant */
typedef struct {
  char *id;          /* as given */
  long line;
  unsigned nkeys;
  uint8_t *key[ZG_DEL_KEYS];
  uint16_t klen[ZG_DEL_KEYS];
} zg_del_t;
typedef struct {
  zg_del_t *v;
  size_t n, cap;
} zg_dels_t;
/* Read the identifier column of a CSV file ("-": standard input). 0, -2
 * for bad input (printed, nothing to delete), -1 on I/O or memory errors. */
int zg_dels_read(const zg_opts_t *o, const char *path, zg_dels_t *ds);
void zg_dels_free(zg_dels_t *ds);

/* Presentation of a character-string, quoted, with '"' and '\' escaped,
 * non-printable octets as \DDD. */
void zg_quote(char *out, size_t outlen, const char *s);

#endif
