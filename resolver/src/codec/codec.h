/* SPDX-License-Identifier: MIT */
/*
 * libmimi's codec layer: identifiers, owner names, query plans, the MIMI
 * TXT record, NAPTR, SVCB/HTTPS and other RDATA (MIMI-DNS/1 §1-§5). Pure
 * functions: no I/O, no engine or backend types. The lowest layer: it
 * includes nothing of the library but the public headers. Not installed.
 * Everything here has hidden visibility (the library is built with
 * -fvisibility=hidden); only MIMI_EXPORT functions are public.
 */
#ifndef MIMI_CODEC_H
#define MIMI_CODEC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <mimi.h>

/* DNS limits (RFC 1035 §2.3.4). */
#define MIMI_MAX_LABEL 63
#define MIMI_MAX_NAME_WIRE 255
/* Longest host name in presentation form without the trailing dot. */
#define MIMI_MAX_HOST 253
/* One TXT character-string (RFC 1035 §3.3). */
#define MIMI_MAX_TXT 255

#if defined(__GNUC__)
#define MIMI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MIMI_PRINTF(f, a)
#endif

/* Write a formatted message to err (if err and errlen), truncating safely. */
void mimi__seterr(char *err, size_t errlen, const char *fmt, ...)
    MIMI_PRINTF(3, 4);

/* Duplicate len octets of s into a new NUL-terminated string (NULL on OOM). */
char *mimi__strndup(const char *s, size_t len);
char *mimi__strdup(const char *s);

/* ASCII-only helpers (locale-independent, as DNS needs). Inline: names are
 * hashed and compared a character at a time on every lookup. */
static inline int mimi__ascii_lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
int mimi__strncaseeq(const char *a, const char *b, size_t n);
/* Nonzero if s starts with prefix, ASCII case-insensitively. */
int mimi__has_prefix_ci(const char *s, const char *prefix);

/* A growable string. On OOM it sets oom and ignores further appends. */
typedef struct {
  char *p;
  size_t len;
  size_t cap;
  int oom;
} mimi_buf_t;

void mimi__buf_init(mimi_buf_t *b);
void mimi__buf_free(mimi_buf_t *b);
void mimi__buf_add(mimi_buf_t *b, const char *s, size_t len);
void mimi__buf_adds(mimi_buf_t *b, const char *s);
void mimi__buf_addc(mimi_buf_t *b, char c);
void mimi__buf_addf(mimi_buf_t *b, const char *fmt, ...) MIMI_PRINTF(2, 3);
/* Hand the NUL-terminated contents to the caller (NULL on OOM); resets b. */
char *mimi__buf_take(mimi_buf_t *b);

/*
 * A printable, bounded rendering of untrusted text for error messages:
 * control and non-ASCII octets become \xHH, long input is cut with "...".
 * dst always receives a NUL-terminated string (dstlen >= 8).
 */
#define MIMI_SHOWLEN 72
const char *mimi__show(char *dst, size_t dstlen, const char *s, size_t len);

/* Nonzero if s[0..len) is valid UTF-8 (RFC 3629; no overlongs, surrogates). */
int mimi__utf8_valid(const char *s, size_t len);

/*
 * Canonicalise a host name: IDNA2008 (libidn2, TR46 non-transitional) for
 * non-ASCII input, ASCII lower-cased, one trailing dot dropped, then checked
 * as LDH labels of 1..63 octets, at most 253 octets in all, and at least
 * min_labels labels. "what" names the field in messages ("domain",
 * "provider"). *out is a new string.
 * Returns MIMI_OK, MIMI_EBADID (invalid; err says why), MIMI_ENOMEM.
 */
mimi_status_t mimi__host_canon(const char *in, size_t len, int min_labels,
                               const char *what, char **out, char *err,
                               size_t errlen);

/* Wire length of an absolute presentation name without escapes ("a.b." → 5). */
size_t mimi__name_wire_len(const char *name);
/* RFC 7929 §3: a handle's owner label is the first 28 octets of SHA-256
 * of the local part, in hex (MIMI-DNS/1 §2). */
#define MIMI__HASH_OCTETS 28
/* Octets an owner name "<hash>._mimi.<domain>." adds to the domain's own
 * wire length: the hash label and "_mimi", each with its length octet. */
#define MIMI__HANDLE_OWNER_EXTRA (1 + 2 * MIMI__HASH_OCTETS + 1 + 5)
/* Move record i out of the set (its slot becomes empty); NULL if none. */
mimi_record_t *mimi__mapset_take(mimi_mapset_t *set, size_t i);

/* mimi_name_handle() for a domain already canonical (mimi_id_domain()):
 * skips canonicalising it again. sha, when not NULL, is a SHA-256 state to
 * reuse (mimi__sha_new()): a one-shot digest allocates and looks up more
 * than hashing a local part costs. */
struct evp_md_ctx_st;
mimi_status_t mimi__name_handle_canon(const char *local, const char *dom,
                                      struct evp_md_ctx_st *sha, char **name);
struct evp_md_ctx_st *mimi__sha_new(void); /* NULL on OOM */
/* The HTTPS owner name of a provider (RFC 9460 §9.1): "_<port>._https."
 * before it for a port other than 443 (0: none); host is n octets, with or
 * without its final dot. Allocated; NULL on OOM. The plan and the engine
 * both ask this name. */
char *mimi__name_https(const char *host, size_t n, uint16_t port);
void mimi__sha_free(struct evp_md_ctx_st *sha);

/*
 * Check an absolute presentation name (no escapes) against the DNS limits.
 * Returns MIMI_OK or MIMI_ETOOLONG (err says which limit).
 */
mimi_status_t mimi__name_check(const char *name, char *err, size_t errlen);
/* Nonzero if two names in presentation form are the same name: ASCII case
 * ignored (RFC 4343), a final dot or not. */
int mimi__name_eq(const char *a, const char *b);

/*
 * Percent-decoding (RFC 3986 §2.1) of s[0..len): "%XX" → octet. Rejects a
 * malformed escape and "%00", and requires valid UTF-8 after decoding.
 * plus_ok: a literal "+" is allowed (MIMI-DNS/1 §3 accepts it in "a").
 * Other octets must be visible ASCII (or UTF-8 when allow_utf8).
 * Returns MIMI_OK, MIMI_EBADID (err says why), MIMI_ENOMEM.
 */
mimi_status_t mimi__pct_decode(const char *s, size_t len, int allow_utf8,
                               char **out, char *err, size_t errlen);

/* Percent-encode every octet outside RFC 3986 "unreserved" ("+" → "%2B"). */
void mimi__pct_encode(mimi_buf_t *b, const char *s);

/*
 * Parse "mimi://<host>[:port]/u/<segment>" (scheme case-insensitive).
 * host: canonicalised (A-label); port: 0 when absent; account: decoded.
 * Returns MIMI_OK, MIMI_EBADID (err says why), MIMI_ENOMEM.
 */
mimi_status_t mimi__uri_parse(const char *s, size_t len, char **host,
                              uint16_t *port, char **account, char *err,
                              size_t errlen);

/* The record, visible to the codec's sources. */
struct mimi_record {
  char *provider;         /* A-label, NULL for opt-out */
  char *account;          /* decoded UTF-8, or NULL */
  char *account_encoded;  /* percent-encoded, or NULL */
  char *tags;             /* or NULL */
  char *service;          /* or NULL */
  char *uri;              /* derived: mimi://provider[:port]/u/account_encoded */
  uint16_t port;          /* from a MIMI URI with a port, else 0 */
  uint16_t preference;
  uint32_t ttl;
};

/* Recompute rec->uri after provider/account/port changed. */
mimi_status_t mimi__record_update_uri(mimi_record_t *rec);
/* The port of a mapping taken from a MIMI URI (0: none), kept in its URI. */
mimi_status_t mimi__record_set_port(mimi_record_t *rec, uint16_t port);

/* Validators shared by the TXT parser and the record setters. */
mimi_status_t mimi__check_tags(const char *s, size_t len, char *err,
                               size_t errlen);
mimi_status_t mimi__check_token(const char *s, size_t len, const char *what,
                                char *err, size_t errlen);

/* ---- RDATA helpers (rdata.c) ------------------------------------------- */

/* A decoded NAPTR with its own storage. */
typedef struct {
  mimi_naptr_rr_t rr;
  char *flags, *services, *regexp, *replacement;
} mimi__naptr_t;

mimi_status_t mimi__naptr_decode(const uint8_t *rd, size_t len,
                                 mimi__naptr_t *out, char *err, size_t errlen);
void mimi__naptr_clear(mimi__naptr_t *n);
/* "3 1 1 ABCD..." */
mimi_status_t mimi__tlsa_text(const uint8_t *rd, size_t len, char **out);
/* A (4 octets) or AAAA (16 octets) to text. */
mimi_status_t mimi__addr_text(const uint8_t *rd, size_t len, char **out);

/* ---- Query plans (query_plan.c) ----------------------------------------- */

/* Non-terminal NAPTR rules followed from one ENUM name, at most (§4). */
#define MIMI__NAPTR_MAX_STEPS 5

/* On which outcome of the step it waits for a step is sent. */
typedef enum {
  MIMI__WHEN_START,       /* when the lookup (or provider) starts */
  MIMI__WHEN_NONE,        /* that answer gave nothing usable (any denial) */
  MIMI__WHEN_NODATA       /* ... and it was not NXDOMAIN (RFC 8020) */
} mimi__when_t;

typedef struct {
  char *name;       /* owner name (absolute) */
  uint16_t qtype;
  mimi_step_t step;
  size_t after;     /* the step whose answer it waits for, or MIMI_PLAN_START */
  mimi__when_t cond;
  unsigned hops;    /* names it may follow from the answers (aliases, NAPTR) */
  const char *when; /* in words, static */
} mimi__plan_step_t;

struct mimi_plan {
  mimi__plan_step_t *v;
  size_t n, cap;
};

/* mimi_plan_identifier() without messages; sha as for
 * mimi__name_handle_canon() (NULL: one-shot digests). */
mimi_status_t mimi__plan_identifier(const mimi_id_t *id,
                                    const mimi_plan_opts_t *opts,
                                    struct evp_md_ctx_st *sha,
                                    mimi_plan_t **plan);
mimi_status_t mimi__plan_endpoints(const char *provider, uint16_t port,
                                   mimi_plan_t **plan);

#endif /* MIMI_CODEC_H */
