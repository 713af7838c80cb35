/* SPDX-License-Identifier: MIT */
/*
 * Resolver internals: the context, the backend interface, the lookup
 * engine. Not installed.
 */
#ifndef MIMI_ENGINE_H
#define MIMI_ENGINE_H

#include "backends/backend.h"

#define MIMI_MAX_APEXES 16
/* Work an answer can ask of one lookup (bounded cost of untrusted input):
 * mappings kept (the best by preference), providers whose endpoints are
 * looked up, ServiceMode records (targets) used per provider. Beyond each,
 * the rest is dropped with a warning in the result. */
#define MIMI_MAX_MAPPINGS 64
#define MIMI_MAX_PROVIDERS 16
#define MIMI_MAX_TARGETS 16
/* MIMI-DNS/1 §4 and §5. */
#define MIMI_MAX_NAPTR_STEPS MIMI__NAPTR_MAX_STEPS
#define MIMI_MAX_ALIAS_STEPS MIMI_SVCB_MAX_ALIAS_STEPS

/* ---- Answer cache (cache.c) ---------------------------------------------- */

typedef struct mimi__cache mimi__cache_t;
typedef struct mimi__centry mimi__centry_t;

/* The memory of the cache's entries (cache_arena.c): blocks from 2 MiB
 * chunks advised to be huge pages, at most cap octets of chunks, then the
 * heap; blocks larger than MIMI__ARENA_MAX_BLOCK always from the heap.
 * Release takes the size given to alloc. Not thread-safe (one context). */
#define MIMI__ARENA_MAX_BLOCK 1024
typedef struct mimi__arena mimi__arena_t;
mimi__arena_t *mimi__arena_new(size_t cap);
void mimi__arena_free(mimi__arena_t *a);
void *mimi__arena_alloc(mimi__arena_t *a, size_t bytes);
void mimi__arena_release(mimi__arena_t *a, void *p, size_t bytes);
/* Whether p lies in one of its chunks (else it came from the heap). */
int mimi__arena_owns(const mimi__arena_t *a, const void *p);

mimi__cache_t *mimi__cache_new(size_t budget);
void mimi__cache_free(mimi__cache_t *c);
/* Octets the entries take, as counted against the budget. */
size_t mimi__cache_used(const mimi__cache_t *c);
/* The hash of the key (name ignoring ASCII case, qtype), which get and put
 * take: a query computes it once for both. */
uint64_t mimi__cache_hash(const char *name, uint16_t qtype);
/* A live entry, or NULL. Valid until the next put. */
const mimi__centry_t *mimi__cache_get(mimi__cache_t *c, const char *name,
                                      uint16_t qtype, uint64_t hash, int64_t now);
/* Keep an answer the engine may use (no failure, not bogus) for its TTL. */
void mimi__cache_put(mimi__cache_t *c, const char *name, uint16_t qtype, uint64_t hash,
                     const mimi__answer_t *a, int64_t now);
/* An answer pointing into the entry. */
void mimi__cache_answer(const mimi__centry_t *e, int64_t now, mimi__answer_t *a);
/* An answer's RDATA kept in one block (the cache's entries, the held
 * answers of plan_walk.c): the lengths, the pointers, then the octets.
 * Its size; and the copy into p (aligned for size_t), *rdlen and *rdata
 * set to the block's arrays; returns the end of the block. */
size_t mimi__rdata_bytes(const mimi__answer_t *a);
char *mimi__rdata_copy(const mimi__answer_t *a, void *p, size_t **rdlen, uint8_t ***rdata);

/* ---- Context ----------------------------------------------------------- */

struct mimi__sub;

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
  int parallel;          /* plan steps sent ahead (plan_walk.c) */
  struct mimi__sub *sending; /* the query being handed to the backend */
  unsigned timeout_ms;
  size_t cache_bytes;
  size_t workers;        /* libunbound contexts (threads) */
  unsigned transport;    /* MIMI_TRANSPORT_* */
  char *fam_servers[MIMI_MAX_SERVERS]; /* the servers of that family */

  const mimi__backend_t *be_ops;
  mimi__be_config_t be_cfg; /* points into the fields above */
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

/* ---- Lookups ----------------------------------------------------------- */

/* Deadline handling, called by mimi_ctx_process(). */
void mimi__lookups_expire(mimi_ctx_t *ctx, int64_t now);
/* The earliest deadline of the context's lookups, or -1. */
int64_t mimi__lookups_deadline(const mimi_ctx_t *ctx);
/* Cancel every lookup (callbacks fire with MIMI_ECANCELLED). */
void mimi__lookups_cancel_all(mimi_ctx_t *ctx);
/* Use a backend of the caller's instead of the one mimi_ctx_set_backend()
 * chose (the tests' scripted backend); before the context starts. */
void mimi__ctx_use_backend(mimi_ctx_t *ctx, const mimi__backend_t *ops);
/* mimi_ctx_path() when no server was given: the way the library chose
 * itself (resolv.conf or the root), which a failure should name; else
 * NULL. */
const char *mimi__ctx_own_path(const mimi_ctx_t *ctx);
/* Release the context if it was freed from inside a callback. */
void mimi__ctx_leave(mimi_ctx_t *ctx);
/* Deliver cache hits (from mimi_ctx_process()). */
void mimi__lookups_deliver_deferred(mimi_ctx_t *ctx);

/* ---- Results (result.c) ------------------------------------------------ */

/* The plan step a query served: its kind, its index in the identifier's
 * plan (prov -1) or in provider prov's endpoint plan, and the names
 * followed from the answers to get there (0: the planned name). */
typedef struct {
  mimi_step_t step;
  size_t index;
  long prov;
  unsigned hops;
} mimi__trace_step_t;

typedef struct {
  char *name;
  uint16_t qtype;
  mimi__trace_step_t label;
  int rcode;
  mimi_dnssec_t sec;
  unsigned ms;
  char *server;   /* who answered, or NULL */
  size_t records; /* RRs of the type asked in the answer */
  unsigned start; /* sent this many ms after the lookup started */
  int ahead;      /* sent before its turn (plan_walk.c) */
  int unused;     /* its turn never came: answer unread, or cancelled */
  mimi_trace_kind_t kind;
} mimi__trace_t;

/* An endpoint's address: from a hint (src 0) or the target's A/AAAA. */
typedef struct {
  char *text;
  uint16_t src;       /* 0 (ipv4hint/ipv6hint), MIMI_RR_A or MIMI_RR_AAAA */
  mimi_dnssec_t sec;  /* of the answer it came from */
} mimi__addr_t;

struct mimi_endpoint {
  uint16_t source, priority, port;
  char *target;
  const char *tls_name; /* the provider's name, owned by the provider */
  char **alpn;
  size_t *alpn_len;
  size_t nalpn;
  mimi__addr_t *addrs;
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
  char *path;            /* which way the queries went (with trace on) */
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
/* Mark trace entry i (or nothing, i < 0) as not needed by the lookup. */
void mimi__result_trace_unused(mimi_result_t *r, long i);
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
                                     const char *server, size_t records,
                                     mimi__trace_step_t label);
/* Index of provider name (added if new), or -1 on OOM. */
long mimi__result_provider(mimi_result_t *r, const char *name, uint16_t port);
/* Index of provider name, or -1 if it is not there. */
long mimi__result_provider_find(const mimi_result_t *r, const char *name,
                                uint16_t port);
mimi_status_t mimi__provider_add_endpoint(mimi__provider_t *p,
                                          mimi_endpoint_t *e);
void mimi__endpoint_free(mimi_endpoint_t *e);
void mimi__provider_clear(mimi__provider_t *p);
/* Before a result is handed over: addresses in order (IPv4 first), and
 * A/AAAA endpoints that got no address dropped. */
void mimi__result_finish_endpoints(mimi_result_t *r);

/* The weaker of two statuses (bogus < unchecked < insecure < secure). */
mimi_dnssec_t mimi__weaker(mimi_dnssec_t a, mimi_dnssec_t b);

/* RFC 8914 EDE code for a validator's reason text. */
int mimi__ede_for(const char *why);

#endif /* MIMI_ENGINE_H */
