/*
 * Resolver internals: the context, the backend interface, the lookup
 * engine. Not installed.
 */
#ifndef MIMI_RESOLVER_INTERNAL_H
#define MIMI_RESOLVER_INTERNAL_H

#include <poll.h>

#include "internal.h"

#define MIMI_MAX_SERVERS 16
#define MIMI_MAX_STUBS 64
#define MIMI_MAX_APEXES 16
#define MIMI_MAX_WORKERS 8
#define MIMI_MAX_TRUST_ANCHORS 256
/* Work an answer can ask of one lookup (bounded cost of untrusted input):
 * mappings kept (the best by preference), providers whose endpoints are
 * looked up, ServiceMode records (targets) used per provider. Beyond each,
 * the rest is dropped with a warning in the result. */
#define MIMI_MAX_MAPPINGS 64
#define MIMI_MAX_PROVIDERS 16
#define MIMI_MAX_TARGETS 16
/* MIMI-DNS/1 §4 and §5. */
#define MIMI_MAX_NAPTR_STEPS 5
#define MIMI_MAX_ALIAS_STEPS MIMI_SVCB_MAX_ALIAS_STEPS

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

/* Monotonic clock, milliseconds. */
int64_t mimi__now_ms(void);

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

typedef struct {
  const char *name;
  /* Create from the context's options; err says what is wrong. */
  mimi_status_t (*start)(mimi_ctx_t *ctx, void **be, char *err, size_t errlen);
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
} mimi__backend_t;

extern const mimi__backend_t mimi__backend_unbound;
extern const mimi__backend_t mimi__backend_cares;

/* ---- Answer cache (cache.c) ---------------------------------------------- */

typedef struct mimi__cache mimi__cache_t;
typedef struct mimi__centry mimi__centry_t;

mimi__cache_t *mimi__cache_new(size_t budget);
void mimi__cache_free(mimi__cache_t *c);
/* Octets the entries take, as counted against the budget. */
size_t mimi__cache_used(const mimi__cache_t *c);
/* A live entry, or NULL. Valid until the next put. */
const mimi__centry_t *mimi__cache_get(mimi__cache_t *c, const char *name,
                                      uint16_t qtype, int64_t now);
/* Keep an answer the engine may use (no failure, not bogus) for its TTL. */
void mimi__cache_put(mimi__cache_t *c, const char *name, uint16_t qtype,
                     const mimi__answer_t *a, int64_t now);
/* An answer pointing into the entry. */
void mimi__cache_answer(const mimi__centry_t *e, int64_t now, mimi__answer_t *a);

/* ---- Context ----------------------------------------------------------- */

struct mimi__sub;

typedef struct {
  char *zone;   /* absolute, trailing dot */
  char *server; /* ADDR@PORT as given, normalised */
} mimi__stub_t;

struct mimi_ctx {
  mimi_backend_t backend_kind;
  mimi_policy_t policy;
  char *servers[MIMI_MAX_SERVERS];
  size_t nservers;
  mimi__stub_t stubs[MIMI_MAX_STUBS];
  size_t nstubs;
  char **tas;     /* trust anchor RRs */
  size_t ntas;
  char **ta_files;
  size_t nta_files;
  char *apexes[MIMI_MAX_APEXES];
  size_t napexes;
  int case_retry, endpoints, trace;
  unsigned timeout_ms;
  size_t cache_bytes;
  size_t workers;        /* libunbound contexts (threads) */

  const mimi__backend_t *be_ops;
  void *be;
  int started;
  mimi__cache_t *cache;
  struct evp_md_ctx_st *sha;  /* reused for owner-name hashes; may be NULL */
  struct mimi__sub *deferred; /* cache hits, delivered by process() */
  mimi_query_t *queries; /* lookups in progress */
  size_t nqueries;
  int depth;             /* nesting of process()/cancel() on the stack */
  int dying;             /* mimi_ctx_free() was called inside a callback */
};

/* Parse "ADDR" / "ADDR@PORT" into "ADDR@PORT" with the port made explicit. */
mimi_status_t mimi__server_parse(const char *s, char **out, char *err,
                                 size_t errlen);
/* Nonzero if a normalised server address is loopback. */
int mimi__server_is_loopback(const char *s);

/* ---- Lookups ----------------------------------------------------------- */

/* Deadline handling, called by mimi_ctx_process(). */
void mimi__lookups_expire(mimi_ctx_t *ctx, int64_t now);
/* The earliest deadline of the context's lookups, or -1. */
int64_t mimi__lookups_deadline(const mimi_ctx_t *ctx);
/* Cancel every lookup (callbacks fire with MIMI_ECANCELLED). */
void mimi__lookups_cancel_all(mimi_ctx_t *ctx);
/* Release the context if it was freed from inside a callback. */
void mimi__ctx_leave(mimi_ctx_t *ctx);
/* Deliver cache hits (from mimi_ctx_process()). */
void mimi__lookups_deliver_deferred(mimi_ctx_t *ctx);

/* ---- Results (result.c) ------------------------------------------------ */

typedef struct {
  char *name;
  uint16_t qtype;
  int rcode;
  mimi_dnssec_t sec;
  unsigned ms;
  char *server;   /* who answered, or NULL */
  size_t records; /* RRs of the type asked in the answer */
} mimi__trace_t;

struct mimi_endpoint {
  uint16_t source, priority, port;
  char *target;
  const char *tls_name; /* the provider's name, owned by the provider */
  char **alpn;
  size_t *alpn_len;
  size_t nalpn;
  char **addrs;
  size_t naddrs;
  int ech;
  char **tlsa;
  size_t ntlsa;
  mimi_dnssec_t sec;
};

typedef struct {
  char *name;
  uint16_t port;          /* from a MIMI URI, or 0 */
  mimi_failure_t fail;
  char *reason;
  mimi_dnssec_t sec;
  mimi_endpoint_t **eps;
  size_t neps;
} mimi__provider_t;

typedef struct {
  mimi_record_t *rec;
  mimi_dnssec_t sec;
  char *src;             /* owner name it came from, or NULL */
} mimi__mapping_t;

struct mimi_result {
  char *input;
  mimi_id_t *id;
  mimi_outcome_t outcome;
  mimi_failure_t fail;
  char *reason;
  int ede;
  mimi_dnssec_t sec;
  mimi__mapping_t *maps; /* one array: one allocation per lookup */
  size_t nmaps, capmaps;
  char **warns;
  size_t nwarns;
  mimi__provider_t *provs;
  size_t nprovs;
  mimi__trace_t *trace;
  size_t ntrace, captrace;
};

mimi_status_t mimi__result_new(const char *input, mimi_result_t **r);
/* Take the set's mappings (moved out of the set, which keeps its warnings)
 * and its warnings (copied), from source name src. */
mimi_status_t mimi__result_add_mapset(mimi_result_t *r, mimi_mapset_t *set,
                                      const char *src, mimi_dnssec_t sec);
/* Drop the mappings collected (a failed lookup has none). */
void mimi__result_drop_mappings(mimi_result_t *r);
mimi_status_t mimi__result_add_mapping(mimi_result_t *r, mimi_record_t *rec,
                                       const char *src, mimi_dnssec_t sec);
mimi_status_t mimi__result_add_warning(mimi_result_t *r, const char *fmt, ...)
    MIMI_PRINTF(2, 3);
mimi_status_t mimi__result_add_trace(mimi_result_t *r, const char *name,
                                     uint16_t qtype, int rcode,
                                     mimi_dnssec_t sec, unsigned ms,
                                     const char *server, size_t records);
/* Index of provider name (added if new), or -1 on OOM. */
long mimi__result_provider(mimi_result_t *r, const char *name, uint16_t port);
/* Index of provider name, or -1 if it is not there. */
long mimi__result_provider_find(const mimi_result_t *r, const char *name,
                                uint16_t port);
mimi_status_t mimi__provider_add_endpoint(mimi__provider_t *p,
                                          mimi_endpoint_t *e);
void mimi__endpoint_free(mimi_endpoint_t *e);
void mimi__provider_clear(mimi__provider_t *p);

/* The weaker of two statuses (bogus < unchecked < insecure < secure). */
mimi_dnssec_t mimi__weaker(mimi_dnssec_t a, mimi_dnssec_t b);

/* RFC 8914 EDE code for a validator's reason text. */
int mimi__ede_for(const char *why);

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

#endif /* MIMI_RESOLVER_INTERNAL_H */
