/* SPDX-License-Identifier: MIT */
/*
 * libmimi's backend layer: the interface every DNS backend implements
 * (libunbound, c-ares), the configuration the engine hands them, and what
 * they share: trust anchors, server addresses, the response walker the
 * c-ares backend uses. Includes only the codec below it; never the engine
 * (a backend sees its configuration, not the context). Not installed.
 */
#ifndef MIMI_BACKEND_H
#define MIMI_BACKEND_H

#include <poll.h>
#include <string.h>

#include "codec/codec.h"

#define MIMI_MAX_SERVERS 16
#define MIMI_MAX_STUBS 64
#define MIMI_MAX_WORKERS 8
#define MIMI_MAX_TRUST_ANCHORS 256

/* ---- Trust anchors (trust_anchor.c) ----------------------------------- */

/* Checked trust anchors, each one RR in canonical text (owned). */
typedef struct {
  char **rr;
  size_t n, cap;
} mimi__tas_t;

/* Add the anchor given as text (the idx-th given), or every RR of the
 * file at path; MIMI_ECONFIG with err naming the problem. */
mimi_status_t mimi__ta_add(mimi__tas_t *t, const char *text, size_t idx,
                           char *err, size_t errlen);
mimi_status_t mimi__ta_add_file(mimi__tas_t *t, const char *path, char *err,
                                size_t errlen);
void mimi__ta_clear(mimi__tas_t *t);

/* Parse "ADDR" / "ADDR@PORT" into "ADDR@PORT" with the port made explicit. */
mimi_status_t mimi__server_parse(const char *s, char **out, char *err,
                                 size_t errlen);
/* Nonzero if a normalised server address is loopback. */
int mimi__server_is_loopback(const char *s);
/* Nonzero if a normalised server address is IPv6. */
int mimi__server_is_ipv6(const char *s);
/* Nonzero if it is of the family MIMI_TRANSPORT_* flags ask for (any
 * without a family flag). */
int mimi__server_in_family(const char *s, unsigned transport);


typedef struct {
  char *zone;   /* absolute, trailing dot */
  char *server; /* ADDR@PORT as given, normalised */
} mimi__stub_t;

/* What a backend is started with. The strings and arrays belong to the
 * caller (the context) and stay valid until the backend is stopped. */
typedef struct {
  mimi_policy_t policy;
  char *const *servers;     /* ADDR@PORT, normalised */
  size_t nservers;
  const mimi__stub_t *stubs;
  size_t nstubs;
  char *const *tas;         /* trust anchor RRs as given */
  size_t ntas;
  char *const *ta_files;
  size_t nta_files;
  char *const *apexes;      /* ENUM apexes the lookups will ask under */
  size_t napexes;
  unsigned timeout_ms;
  size_t cache_bytes;
  size_t workers;           /* libunbound contexts (threads) */
  unsigned transport;       /* MIMI_TRANSPORT_* (servers already filtered) */
  /* Told, from inside query(), of each query the backend sends of its own
   * accord for the one it was asked (the unbound backend's key prefetch),
   * so that the trace shows what went on the wire; or NULL. */
  void (*sent_along)(void *arg, const char *name, uint16_t qtype);
  void *sent_along_arg;
} mimi__be_config_t;

/* ---- Backend interface ------------------------------------------------ */

/* One answer, as a backend reports it. Pointers valid during the call. */
typedef struct {
  int rcode;               /* DNS rcode, or -1 when no answer came */
  mimi_failure_t fail;     /* NONE, or TIMEOUT / NETWORK for no answer */
  mimi_dnssec_t sec;
  const char *why;         /* bogus reason or transport error, or NULL */
  uint32_t ttl;
  size_t n;                /* RRs of the queried type at the final name */
  const uint8_t *const *rdata;
  const size_t *rdlen;
  const char *server;      /* who answered, for the trace, or NULL */
} mimi__answer_t;

typedef void (*mimi__answer_fn)(void *arg, const mimi__answer_t *ans);

/* Hand fn the answer to a query that got none (rcode -1, no data, status
 * 0): fail and why say what happened, server who was asked (or NULL). */
static inline void mimi__answer_failed(mimi__answer_fn fn, void *arg,
                                       mimi_failure_t fail, const char *why,
                                       const char *server) {
  mimi__answer_t a;
  memset(&a, 0, sizeof a);
  a.rcode = -1;
  a.fail = fail;
  a.why = why;
  a.server = server;
  fn(arg, &a);
}

typedef struct {
  const char *name;
  /* Create from the context's options; err says what is wrong. */
  mimi_status_t (*start)(const mimi__be_config_t *cfg, void **be, char *err, size_t errlen);
  /* Drop everything; no callback fires afterwards. */
  void (*stop)(void *be);
  /* Send one query. The callback fires later, from process(), exactly
   * once unless the query is cancelled. *qid identifies it for cancel(). */
  mimi_status_t (*query)(void *be, const char *name, uint16_t qtype,
                         mimi__answer_fn fn, void *arg, void **qid);
  /* After this the query's callback never fires. */
  void (*cancel)(void *be, void *qid);
  size_t (*pollfds)(void *be, struct pollfd *fds, size_t n);
  /* Backend timers: ms until process() must run, or -1. */
  int (*timeout)(void *be);
  void (*process)(void *be);
  /* Which way the queries go, in words ("the servers given (...)", "the
   * system's resolvers (...)", "iteration from the root servers ..."). */
  const char *(*path)(void *be);
} mimi__backend_t;

/* Monotonic clock, milliseconds (clock.c). */
int64_t mimi__now_ms(void);

extern const mimi__backend_t mimi__backend_unbound;
extern const mimi__backend_t mimi__backend_cares;

/* A DNS response reduced to what the engine needs (packet.c). */
#define MIMI__PACKET_INLINE 8
typedef struct {
  int rcode;
  uint32_t ttl;        /* smallest TTL of the RRs kept */
  size_t n;
  /* RDATA of each RR kept: points into the response (so lives as long as
   * it), or into names. Up to MIMI__PACKET_INLINE RRs need no allocation. */
  const uint8_t **rdata;
  size_t *rdlen;
  const uint8_t *rd_inline[MIMI__PACKET_INLINE];
  size_t len_inline[MIMI__PACKET_INLINE];
  uint8_t *names;      /* uncompressed CNAME targets (question type CNAME) */
} mimi__packet_t;

/* Compression pointers followed in one name, at most: as many as a name
 * can have labels (RFC 1035 §2.3.4: 255 octets, so 127 labels). A real
 * compressor emits one; a chain of thousands costs time per name. */
#define MIMI__MAX_PTR_HOPS 127

/*
 * Parse a response (untrusted) to a query for qname/qtype (qname in wire
 * form, as mimi__name_to_wire() writes it): the RRs of qtype at the end of
 * the CNAME chain that starts at qname, in the answer section. Returns
 * MIMI_OK, MIMI_EBADRECORD (malformed, or not an answer to that question),
 * MIMI_ENOMEM. Release with mimi__packet_clear(); the struct must not be
 * copied (rdata may point into it).
 */
mimi_status_t mimi__packet_parse(const uint8_t *buf, size_t len,
                                 const uint8_t *qname, size_t qlen,
                                 uint16_t qtype, mimi__packet_t *out);
/* Presentation name (absolute or not; \DDD and \X escapes) to wire form in
 * out (cap octets); 0, or -1 if it is not a valid name or does not fit. */
int mimi__name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len);
void mimi__packet_clear(mimi__packet_t *p);

#endif /* MIMI_BACKEND_H */
