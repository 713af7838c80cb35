/* SPDX-License-Identifier: MIT */
/*
 * DNS messages of the c-ares backend (RFC 1035 §4.1): the query's name in
 * wire form, and the response reduced to the RDATA of the queried type at
 * the end of the CNAME chain (RFC 1034 §3.6.2).
 *
 * Written by hand rather than with ldns_wire2pkt(): ldns builds an object
 * for every RR and every field of the message (about 56 allocations for one
 * signed TXT answer, a third of a c-ares lookup's CPU), while the engine
 * needs to know only where some RDATA lies. The walk checks every length
 * against the message; fuzz_packet parses each input with ldns too and
 * compares the results.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"

#define MAX_CHAIN 32 /* CNAME hops followed inside one response */
#define CLASS_IN 1

void mimi__packet_clear(mimi__packet_t *p) {
  if (p->rdata != p->rd_inline)
    free(p->rdata);
  if (p->rdlen != p->len_inline)
    free(p->rdlen);
  free(p->names);
  memset(p, 0, sizeof *p);
}

int mimi__name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len) {
  size_t o = 0, lab;
  const char *p = name;
  if (strcmp(name, ".") == 0) {
    if (cap < 1)
      return -1;
    out[0] = 0;
    *len = 1;
    return 0;
  }
  for (;;) {
    /* A label: its length octet, filled in at its end; the plain runs are
     * copied whole (strcspn), the escapes (RFC 1035 §5.1) one by one. */
    lab = o;
    if (o + 1 >= cap)
      return -1;
    out[o++] = 0;
    for (;;) {
      size_t run = strcspn(p, ".\\");
      if (run >= cap - o)
        return -1;
      memcpy(out + o, p, run);
      o += run;
      p += run;
      if (*p != '\\')
        break;
      int c;
      if (p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' &&
          p[3] <= '9') {
        c = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        if (c > 255)
          return -1;
        p += 4;
      } else if (p[1]) {
        c = (unsigned char)p[1];
        p += 2;
      } else {
        return -1;
      }
      if (o + 1 >= cap)
        return -1;
      out[o++] = (uint8_t)c;
    }
    if (o - lab - 1 == 0 || o - lab - 1 > 63)
      return -1;
    out[lab] = (uint8_t)(o - lab - 1);
    if (!*p || !p[1])
      break; /* the end, with or without the root's dot */
    p++;
  }
  if (o + 1 > cap || o + 1 > MIMI_MAX_NAME_WIRE)
    return -1;
  out[o++] = 0;
  *len = o;
  return 0;
}

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/*
 * The name at *off (RFC 1035 §4.1.4): checked, and copied uncompressed to
 * out (MIMI_MAX_NAME_WIRE octets) when out is not NULL; *off moves past it.
 * A pointer must point before the start of the labels it ends, which is
 * where a compressor finds names ("a prior occurrence"), and makes every
 * walk end; at most MIMI__MAX_PTR_HOPS pointers bound its cost. The label
 * types 01 and 10 (RFC 6891 §5) are errors.
 */
static int read_name(const uint8_t *m, size_t len, size_t *off, uint8_t *out,
                     size_t *outlen) {
  size_t pos = *off, start = *off, total = 0, after = 0;
  unsigned hops = 0;
  for (;;) {
    if (pos >= len)
      return -1;
    uint8_t c = m[pos];
    if ((c & 0xC0) == 0xC0) {
      if (pos + 2 > len || ++hops > MIMI__MAX_PTR_HOPS)
        return -1;
      size_t ptr = (size_t)u16(m + pos) & 0x3FFF;
      if (!after)
        after = pos + 2;
      if (ptr >= start)
        return -1;
      pos = start = ptr;
      continue;
    }
    if (c > 63 || pos + 1 + c > len || total + 1 + c > MIMI_MAX_NAME_WIRE)
      return -1;
    if (out)
      memcpy(out + total, m + pos, (size_t)c + 1);
    total += (size_t)c + 1;
    pos += (size_t)c + 1;
    if (c == 0)
      break;
  }
  *off = after ? after : pos;
  if (outlen)
    *outlen = total;
  return 0;
}

/* Wire names, equal ignoring ASCII case (RFC 4343 §3). */
static int name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  if (alen != blen)
    return 0;
  if (memcmp(a, b, alen) == 0)
    return 1; /* the usual case: the question echoed as it was sent */
  for (size_t i = 0; i < alen; i++)
    if (mimi__ascii_lower(a[i]) != mimi__ascii_lower(b[i]))
      return 0;
  return 1;
}

typedef struct {
  size_t owner; /* offset of the owner name */
  uint16_t type, cls;
  uint32_t ttl;
  size_t rd;    /* offset of the RDATA */
  uint16_t rdlen;
} rr_t;

/* The RR at *off: fields, then *off past it. */
static int read_rr(const uint8_t *m, size_t len, size_t *off, rr_t *rr) {
  rr->owner = *off;
  if (read_name(m, len, off, NULL, NULL) != 0 || *off + 10 > len)
    return -1;
  const uint8_t *f = m + *off;
  rr->type = u16(f);
  rr->cls = u16(f + 2);
  rr->ttl = (uint32_t)u16(f + 4) << 16 | u16(f + 6);
  if (rr->ttl & 0x80000000u) /* RFC 2181 §8: as if zero */
    rr->ttl = 0;
  rr->rdlen = u16(f + 8);
  rr->rd = *off + 10;
  if (rr->rd + rr->rdlen > len)
    return -1;
  *off = rr->rd + rr->rdlen;
  return 0;
}

/* The RR's RDATA as exactly one name (CNAME), copied uncompressed to out
 * when out is not NULL. 0, or -1 if it is anything else. */
static int rdata_name(const uint8_t *m, const rr_t *rr, uint8_t *out,
                      size_t *outlen) {
  size_t end = rr->rd + rr->rdlen, t = rr->rd;
  return read_name(m, end, &t, out, outlen) == 0 && t == end ? 0 : -1;
}

/* Whether the RR's owner is the name cur, which is also at offset cur_at.
 * Usually the owner is just a pointer there (to the question, for a direct
 * answer): that needs no copy. */
static int owner_is(const uint8_t *m, size_t len, const rr_t *rr,
                    const uint8_t *cur, size_t curlen, size_t cur_at) {
  uint8_t o[MIMI_MAX_NAME_WIRE];
  size_t off = rr->owner, olen;
  if ((m[off] & 0xC0) == 0xC0 && ((size_t)u16(m + off) & 0x3FFF) == cur_at)
    return 1; /* read_rr() checked the pointer */
  return read_name(m, len, &off, o, &olen) == 0 && name_eq(o, olen, cur, curlen);
}

static mimi_status_t keep(mimi__packet_t *out, const uint8_t *rd, size_t n,
                          uint32_t ttl, size_t cap) {
  if (out->n == cap) /* cap was counted before: cannot happen */
    return MIMI_EBADRECORD;
  out->rdata[out->n] = rd;
  out->rdlen[out->n] = n;
  if (out->n == 0 || ttl < out->ttl)
    out->ttl = ttl;
  out->n++;
  return MIMI_OK;
}

mimi_status_t mimi__packet_parse(const uint8_t *m, size_t len, const uint8_t *q0,
                                 size_t q0len, uint16_t qtype,
                                 mimi__packet_t *out) {
  uint8_t cur[MIMI_MAX_NAME_WIRE], qn[MIMI_MAX_NAME_WIRE];
  size_t curlen, qnlen, off = 12, ans, nrr, count = 0, cur_at = 12;
  mimi_status_t st = MIMI_EBADRECORD;
  rr_t rr;

  memset(out, 0, sizeof *out);
  out->rdata = out->rd_inline;
  out->rdlen = out->len_inline;
  /* Header (§4.1.1): a response (QR), to one question. */
  if (len < 12 || !(m[2] & 0x80) || u16(m + 4) != 1 || q0len > sizeof cur)
    goto done;
  out->rcode = m[3] & 0x0F;
  ans = u16(m + 6);
  nrr = ans + u16(m + 8) + u16(m + 10);
  /* The question (§4.1.2) must be the one asked (RFC 5452 §4.1 spirit;
   * c-ares checks this too, but the parser must not rely on its caller). */
  if (read_name(m, len, &off, qn, &qnlen) != 0 || off + 4 > len ||
      u16(m + off) != qtype || u16(m + off + 2) != CLASS_IN ||
      !name_eq(qn, qnlen, q0, q0len))
    goto done;
  off += 4;
  size_t first = off;
  int cnames = 0;
  /* Every RR of every section must be whole; count the answer RRs that
   * could be kept, to size the arrays. */
  for (size_t i = 0; i < nrr; i++) {
    if (read_rr(m, len, &off, &rr) != 0)
      goto done;
    if (i < ans && rr.type == qtype)
      count++;
    if (i < ans && rr.type == MIMI_RR_CNAME) {
      /* Its RDATA must be exactly one name: a CNAME that cannot be read
       * makes the whole answer unusable, not skipped. */
      if (rdata_name(m, &rr, NULL, NULL) != 0)
        goto done;
      cnames = 1;
    }
  }
  /* Follow the chain from the question name (CNAMEs are RFC 1035 types:
   * their RDATA may be compressed, RFC 3597 §4). */
  memcpy(cur, q0, q0len);
  curlen = q0len;
  for (size_t hop = 0; cnames && hop < MAX_CHAIN && qtype != MIMI_RR_CNAME; hop++) {
    int moved = 0;
    off = first;
    for (size_t i = 0; i < ans && !moved; i++) {
      uint8_t next[MIMI_MAX_NAME_WIRE];
      size_t nlen;
      (void)read_rr(m, len, &off, &rr); /* checked above */
      if (rr.type == MIMI_RR_CNAME && rr.cls == CLASS_IN &&
          owner_is(m, len, &rr, cur, curlen, cur_at) &&
          rdata_name(m, &rr, next, &nlen) == 0) {
        memcpy(cur, next, nlen);
        curlen = nlen;
        cur_at = rr.rd; /* the target is there (maybe in part) */
        moved = 1;
      }
    }
    if (!moved)
      break;
  }
  if (count > sizeof out->rd_inline / sizeof *out->rd_inline &&
      (!(out->rdata = malloc(count * sizeof *out->rdata)) ||
       !(out->rdlen = malloc(count * sizeof *out->rdlen)))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  if (qtype == MIMI_RR_CNAME && count &&
      !(out->names = malloc(count * MIMI_MAX_NAME_WIRE))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  off = first;
  for (size_t i = 0; i < ans; i++) {
    (void)read_rr(m, len, &off, &rr);
    if (rr.type != qtype || rr.cls != CLASS_IN ||
        !owner_is(m, len, &rr, cur, curlen, cur_at))
      continue;
    if (qtype == MIMI_RR_CNAME) {
      /* The engine gets the target uncompressed; exactly one name. */
      uint8_t *name = out->names + out->n * MIMI_MAX_NAME_WIRE;
      size_t nlen;
      if (rdata_name(m, &rr, name, &nlen) != 0)
        goto done;
      st = keep(out, name, nlen, rr.ttl, count);
    } else {
      st = keep(out, m + rr.rd, rr.rdlen, rr.ttl, count);
    }
    if (st != MIMI_OK)
      goto done;
  }
  st = MIMI_OK;
done:
  if (st != MIMI_OK)
    mimi__packet_clear(out);
  return st;
}
