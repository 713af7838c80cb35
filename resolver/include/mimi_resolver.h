/* SPDX-License-Identifier: MIT */
/*
 * libmimi — the resolver: identifier → mappings → provider endpoints, with a
 * DNSSEC status on every answer (MIMI-DNS/1 §1–§6).
 * Included by <mimi.h>; do not include directly.
 *
 * Thread safety: a context and everything started on it belong to one thread
 * at a time (use one context per thread). Results are independent objects;
 * const accessors on one result may run concurrently. The unbound backend
 * runs libunbound's worker threads (one per mimi_ctx_set_workers(); never
 * its fork mode); the library starts no other thread and never forks.
 */
#ifndef MIMI_RESOLVER_H
#define MIMI_RESOLVER_H

#include <poll.h>

#include <mimi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A resolver context: options, backend, cache. Opaque. */
typedef struct mimi_ctx mimi_ctx_t;

/** The outcome of one lookup. Opaque; see the accessors. */
typedef struct mimi_result mimi_result_t;

/** One provider endpoint (a usable SVCB/HTTPS record, or A/AAAA). Opaque. */
typedef struct mimi_endpoint mimi_endpoint_t;

/** An asynchronous lookup in progress. Opaque. */
typedef struct mimi_query mimi_query_t;

/** DNS backends. */
typedef enum {
  MIMI_BACKEND_UNBOUND = 0, /**< libunbound: validating (the default) */
  MIMI_BACKEND_CARES = 1    /**< c-ares: fast, non-validating stub */
} mimi_backend_t;

/** DNSSEC policy (MIMI-DNS/1 §6). */
typedef enum {
  MIMI_POLICY_REQUIRE = 0, /**< anything but "secure" is a failure (default) */
  MIMI_POLICY_PREFER = 1,  /**< insecure and unchecked answers are accepted, marked */
  MIMI_POLICY_OFF = 2      /**< no DNSSEC requirement; bogus is still never data */
} mimi_policy_t;

/** DNSSEC status of an answer (MIMI-DNS/1 §6). */
typedef enum {
  MIMI_DNSSEC_UNCHECKED = 0, /**< not validated (non-validating backend) */
  MIMI_DNSSEC_SECURE = 1,    /**< validated from a trust anchor */
  MIMI_DNSSEC_INSECURE = 2,  /**< not signed, or outside every trust anchor */
  MIMI_DNSSEC_BOGUS = 3      /**< validation failed; never returned as data */
} mimi_dnssec_t;

/** Overall outcome of a lookup. */
typedef enum {
  MIMI_OUTCOME_FOUND = 0,    /**< at least one mapping (policy met) */
  MIMI_OUTCOME_NOTFOUND = 1, /**< NXDOMAIN, NODATA or no valid record (policy met) */
  MIMI_OUTCOME_OPTEDOUT = 2, /**< only an opt-out record: known, no provider */
  MIMI_OUTCOME_FAILED = 3    /**< the lookup failed; see mimi_result_failure() */
} mimi_outcome_t;

/** Why a lookup (or a provider's endpoint lookup) failed. */
typedef enum {
  MIMI_FAIL_NONE = 0,     /**< no failure */
  MIMI_FAIL_BOGUS = 1,    /**< DNSSEC validation failed */
  MIMI_FAIL_INSECURE = 2, /**< policy "require", answer not secure */
  MIMI_FAIL_TIMEOUT = 3,  /**< no answer within the timeout */
  MIMI_FAIL_SERVFAIL = 4, /**< SERVFAIL, REFUSED or another error rcode */
  MIMI_FAIL_NETWORK = 5,  /**< the backend could not send or receive */
  MIMI_FAIL_LOOP = 6,     /**< alias or NAPTR chain too long or looping */
  MIMI_FAIL_INTERNAL = 7  /**< out of memory or another local error */
} mimi_failure_t;

/** Human names of the enums: "secure", "found", "timeout", ... Static. */
MIMI_EXPORT const char *mimi_dnssec_name(mimi_dnssec_t s);
/** @copydoc mimi_dnssec_name */
MIMI_EXPORT const char *mimi_outcome_name(mimi_outcome_t o);
/** @copydoc mimi_dnssec_name */
MIMI_EXPORT const char *mimi_failure_name(mimi_failure_t f);

/* ---- Context --------------------------------------------------------- */

/**
 * Create a context with the defaults: unbound backend (full recursion from
 * the root unless servers are added), policy "require", ENUM apex
 * "e164.arpa", case retry on, endpoints on, timeout 5000 ms, 16 MiB caches.
 * Options are set with the mimi_ctx_set_* and mimi_ctx_add_* calls before
 * the context starts (mimi_ctx_start() or the first lookup); afterwards
 * they return MIMI_EBUSY.
 * @param ctx receives the context; release with mimi_ctx_free().
 * @return MIMI_OK, MIMI_EINVAL, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_new(mimi_ctx_t **ctx);

/**
 * Release a context. Lookups still in progress complete first with
 * MIMI_ECANCELLED (their callbacks fire, exactly once). May be called from
 * inside a callback; the memory is then released when the library returns
 * from that callback. NULL is accepted.
 */
MIMI_EXPORT void mimi_ctx_free(mimi_ctx_t *ctx);

/** Select the backend. @return MIMI_OK, MIMI_EINVAL, MIMI_EBUSY. */
MIMI_EXPORT mimi_status_t mimi_ctx_set_backend(mimi_ctx_t *ctx,
                                               mimi_backend_t backend);

/**
 * Send every query to this server (a validating resolver, or for tests an
 * authoritative server), "ADDR" or "ADDR@PORT" (IPv4 or IPv6 literal).
 * Repeat to add more. Without servers the unbound backend recurses from
 * the root and the c-ares backend uses /etc/resolv.conf.
 * @return MIMI_OK, MIMI_EINVAL (err says why), MIMI_EBUSY, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_add_server(mimi_ctx_t *ctx,
                                              const char *server, char *err,
                                              size_t errlen);

/**
 * Send queries for names at or under zone to server ("ADDR[@PORT]")
 * (unbound backend: a stub zone; c-ares backend: a server for that suffix).
 * @return MIMI_OK, MIMI_EINVAL (err says why), MIMI_EBUSY, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_add_stub(mimi_ctx_t *ctx, const char *zone,
                                            const char *server, char *err,
                                            size_t errlen);

/**
 * Add a trust anchor: one DS or DNSKEY RR in presentation form
 * ("example.com. IN DS 12345 13 2 ..."). Checked when the context starts;
 * a bad anchor then fails with MIMI_ECONFIG naming it.
 * Without any trust anchor the unbound backend uses the root anchor file
 * of the dns-root-data package (/usr/share/dns/root.key) when present.
 * @return MIMI_OK, MIMI_EINVAL, MIMI_EBUSY, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_add_trust_anchor(mimi_ctx_t *ctx,
                                                    const char *rr);

/**
 * Add the trust anchors of a file of DS/DNSKEY lines (zone-file syntax).
 * The file is read when the context starts.
 * @return MIMI_OK, MIMI_EINVAL, MIMI_EBUSY, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_add_trust_anchor_file(mimi_ctx_t *ctx,
                                                         const char *path);

/** Set the DNSSEC policy. @return MIMI_OK, MIMI_EINVAL, MIMI_EBUSY. */
MIMI_EXPORT mimi_status_t mimi_ctx_set_policy(mimi_ctx_t *ctx,
                                              mimi_policy_t policy);

/**
 * Replace the ENUM apex list (MIMI-DNS/1 §2), tried in order.
 * @param apexes n domain names (copied); n must be 1..16.
 * @return MIMI_OK, MIMI_EINVAL (err names the bad apex), MIMI_EBUSY,
 *         MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_set_enum_apexes(mimi_ctx_t *ctx,
                                                   const char *const *apexes,
                                                   size_t n, char *err,
                                                   size_t errlen);

/** Case retry of handles (MIMI-DNS/1 §2), on (nonzero) by default. */
MIMI_EXPORT mimi_status_t mimi_ctx_set_case_retry(mimi_ctx_t *ctx, int on);

/**
 * Send every query of the plan whose name is known at once (on, nonzero,
 * by default) instead of each only after the answer it depends on. The
 * answers are still used in the plan's order, so the results are the
 * same either way; off trades round trips for fewer queries.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_set_parallel(mimi_ctx_t *ctx, int on);

/** Resolve provider endpoints (§5), on (nonzero) by default. */
MIMI_EXPORT mimi_status_t mimi_ctx_set_endpoints(mimi_ctx_t *ctx, int on);

/**
 * The longest a lookup may take, in milliseconds (1..600000), endpoints
 * included; when it passes the lookup fails with MIMI_FAIL_TIMEOUT.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_set_timeout(mimi_ctx_t *ctx,
                                               unsigned timeout_ms);

/**
 * Cache size in bytes (default 16 MiB; at least 1 MiB): the context's own
 * answer cache, which serves repeated queries (both backends) for their
 * TTL (at most a day) and never holds failures or bogus answers, and
 * libunbound's message and RRset caches (this size and twice it).
 */
MIMI_EXPORT mimi_status_t mimi_ctx_set_cache_size(mimi_ctx_t *ctx,
                                                  size_t bytes);

/**
 * Number of libunbound worker threads (1..8, default 1). Validation is the
 * cost of a cold lookup; with several workers it runs on several cores.
 * Each name always goes to the same worker, which caches it; the cache
 * size is shared among them. Ignored by the c-ares backend.
 * @return MIMI_OK, MIMI_EINVAL, MIMI_EBUSY.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_set_workers(mimi_ctx_t *ctx, unsigned workers);

/** How queries reach the servers: flags for mimi_ctx_set_transport(). */
enum {
  MIMI_TRANSPORT_IPV4 = 1, /**< only IPv4 servers and addresses */
  MIMI_TRANSPORT_IPV6 = 2, /**< only IPv6 servers and addresses */
  MIMI_TRANSPORT_TCP = 4   /**< TCP for every query (no UDP) */
};

/**
 * Restrict the address family of the servers asked (MIMI_TRANSPORT_IPV4
 * or MIMI_TRANSPORT_IPV6, not both) and/or send every query over TCP
 * (MIMI_TRANSPORT_TCP); 0, the default, is no restriction, UDP with TCP
 * for truncated answers. With a family, the servers and stubs given must
 * include one of it (mimi_ctx_start() says which do not); without servers
 * the unbound backend resolves over that family only.
 * @return MIMI_OK, MIMI_EINVAL (unknown flag, or both families), MIMI_EBUSY.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_set_transport(mimi_ctx_t *ctx, unsigned flags);

/** Record a trace of every query in each result (off by default). */
MIMI_EXPORT mimi_status_t mimi_ctx_set_trace(mimi_ctx_t *ctx, int on);

/**
 * Start the context: create the backend and apply the options. Optional
 * (the first lookup does it), but it reports configuration problems early.
 * @return MIMI_OK; MIMI_ECONFIG (err says what: a bad trust anchor, no
 *         trust anchor under a validating policy, c-ares asked to
 *         require DNSSEC, ...); MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_start(mimi_ctx_t *ctx, char *err,
                                         size_t errlen);

/* ---- Lookups --------------------------------------------------------- */

/**
 * Called exactly once per mimi_lookup_async().
 * @param arg    the caller's pointer.
 * @param status MIMI_OK (result set), MIMI_ECANCELLED (cancelled, or the
 *               context was freed; result NULL) or MIMI_ENOMEM.
 * @param result the result, now owned by the callee: release it with
 *               mimi_result_free(). NULL unless status is MIMI_OK.
 * The callback may start lookups, cancel lookups, and free the context.
 */
typedef void (*mimi_callback_t)(void *arg, mimi_status_t status,
                                mimi_result_t *result);

/**
 * Start a lookup of an identifier (MIMI-DNS/1 §1). Nothing is sent before
 * this returns; answers are processed by mimi_ctx_process().
 * @param q   if not NULL, receives a handle for mimi_cancel(), valid until
 *            the callback starts.
 * @return MIMI_OK (the callback will fire), MIMI_EBADID (err names the
 *         problem; no callback), MIMI_ECONFIG (see mimi_ctx_start()),
 *         MIMI_EINVAL, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_lookup_async(mimi_ctx_t *ctx,
                                            const char *identifier,
                                            mimi_callback_t cb, void *arg,
                                            mimi_query_t **q, char *err,
                                            size_t errlen);

/**
 * Cancel a lookup: its callback fires with MIMI_ECANCELLED before this
 * returns. Allowed from inside any callback of the same context.
 */
MIMI_EXPORT void mimi_cancel(mimi_query_t *q);

/**
 * Look up an identifier and wait for the result (runs the context's event
 * loop; other lookups of the context progress meanwhile).
 * @param result receives the result (also for outcome "failed");
 *               release with mimi_result_free().
 * @return as mimi_lookup_async().
 */
MIMI_EXPORT mimi_status_t mimi_lookup(mimi_ctx_t *ctx, const char *identifier,
                                      mimi_result_t **result, char *err,
                                      size_t errlen);

/* ---- Event loop (for mimi_lookup_async) ------------------------------ */

/**
 * The descriptors to watch. Fills at most n entries of fds (fd, events).
 * @return the number of descriptors the context needs (may exceed n).
 */
MIMI_EXPORT size_t mimi_ctx_pollfds(mimi_ctx_t *ctx, struct pollfd *fds,
                                    size_t n);

/**
 * Milliseconds until mimi_ctx_process() must run even without activity
 * (a deadline), 0 if it should run now, or -1 when nothing is pending.
 */
MIMI_EXPORT int mimi_ctx_timeout(mimi_ctx_t *ctx);

/**
 * Process whatever is ready (answers and expired deadlines) without
 * blocking; callbacks fire from here.
 * @return MIMI_OK, MIMI_EINVAL.
 */
MIMI_EXPORT mimi_status_t mimi_ctx_process(mimi_ctx_t *ctx);

/** Number of lookups in progress. */
MIMI_EXPORT size_t mimi_ctx_pending(const mimi_ctx_t *ctx);

/**
 * Which way the context's queries go, in words, once it has started: "the
 * servers given (...)"; without servers, "the system's resolvers (...)"
 * (resolv.conf(5), or the file the environment variable MIMI_RESOLV_CONF
 * names) \- with the unbound backend and trust anchors, only when they pass
 * a DNSSEC check at the first query (RFC 8027), else "iteration from the
 * root servers: ..." saying why. Owned by the context; valid until the
 * next mimi_ctx_process() or lookup (the check may change it), or the
 * context's release. NULL before it starts.
 */
MIMI_EXPORT const char *mimi_ctx_path(const mimi_ctx_t *ctx);

/* ---- Results ---------------------------------------------------------- */

/** Release a result. NULL is accepted. */
MIMI_EXPORT void mimi_result_free(mimi_result_t *r);

/** The identifier as given. Owned by r. */
MIMI_EXPORT const char *mimi_result_input(const mimi_result_t *r);

/** The parsed identifier (class, canonical form). Owned by r. */
MIMI_EXPORT const mimi_id_t *mimi_result_identifier(const mimi_result_t *r);

/** The overall outcome. */
MIMI_EXPORT mimi_outcome_t mimi_result_outcome(const mimi_result_t *r);

/** Why the lookup failed (MIMI_FAIL_NONE unless the outcome is failed). */
MIMI_EXPORT mimi_failure_t mimi_result_failure(const mimi_result_t *r);

/**
 * A sentence on the failure ("bogus: signature expired at
 * 7.6.5...e164.arpa. TXT"), or NULL. Owned by r.
 */
MIMI_EXPORT const char *mimi_result_reason(const mimi_result_t *r);

/** RFC 8914 Extended DNS Error code of a DNSSEC failure, or -1. */
MIMI_EXPORT int mimi_result_ede(const mimi_result_t *r);

/**
 * DNSSEC status of the answer that decided the outcome (the mapping RRset,
 * or the denial for "not found"; the weakest along CNAME/NAPTR chains).
 * MIMI_DNSSEC_UNCHECKED for a MIMI URI: no DNS answer decided its mapping
 * (PROFILE §6); its providers' statuses are those of their endpoints.
 */
MIMI_EXPORT mimi_dnssec_t mimi_result_dnssec(const mimi_result_t *r);

/** Number of mappings (in MIMI-DNS/1 §3 order). */
MIMI_EXPORT size_t mimi_result_mapping_count(const mimi_result_t *r);

/** Mapping i, or NULL. Owned by r. Its TTL is set. */
MIMI_EXPORT const mimi_record_t *mimi_result_mapping(const mimi_result_t *r,
                                                     size_t i);

/** DNSSEC status of mapping i: the weakest of its answer and of every
 * answer that led to it (a denial before the case retry or the next ENUM
 * apex, a NAPTR redirect); MIMI_DNSSEC_UNCHECKED for a mapping taken
 * from the input (source MIMI_SOURCE_INPUT), which has none of its own. */
MIMI_EXPORT mimi_dnssec_t mimi_result_mapping_dnssec(const mimi_result_t *r,
                                                     size_t i);

/** The source of a mapping taken from the identifier itself (a MIMI URI). */
#define MIMI_SOURCE_INPUT "input"

/**
 * The DNS name mapping i was found at (absolute, so ending in "."), e.g.
 * the hashed owner name, its case-retry name, or an ENUM name; or
 * MIMI_SOURCE_INPUT for a MIMI URI's mapping. Owned by r.
 */
MIMI_EXPORT const char *mimi_result_mapping_source(const mimi_result_t *r,
                                                   size_t i);

/** Number of warnings (records skipped, and why). */
MIMI_EXPORT size_t mimi_result_warning_count(const mimi_result_t *r);

/** Warning i, or NULL. Owned by r. */
MIMI_EXPORT const char *mimi_result_warning(const mimi_result_t *r, size_t i);

/** Number of distinct providers of the mappings (endpoint lookups). */
MIMI_EXPORT size_t mimi_result_provider_count(const mimi_result_t *r);

/** Provider domain i (A-label), or NULL. Owned by r. */
MIMI_EXPORT const char *mimi_result_provider(const mimi_result_t *r, size_t i);

/**
 * Endpoint lookup status of provider i: MIMI_FAIL_NONE when its endpoints
 * (possibly none) were resolved, else why not (no endpoints are returned).
 */
MIMI_EXPORT mimi_failure_t mimi_result_provider_failure(const mimi_result_t *r,
                                                        size_t i);

/** A sentence on provider i's endpoint failure, or NULL. Owned by r. */
MIMI_EXPORT const char *mimi_result_provider_reason(const mimi_result_t *r,
                                                    size_t i);

/** DNSSEC status of provider i's endpoint answers (the weakest). */
MIMI_EXPORT mimi_dnssec_t mimi_result_provider_dnssec(const mimi_result_t *r,
                                                      size_t i);

/** Number of endpoints of provider i, in order of preference. */
MIMI_EXPORT size_t mimi_result_endpoint_count(const mimi_result_t *r,
                                              size_t i);

/** Endpoint j of provider i, or NULL. Owned by r. */
MIMI_EXPORT const mimi_endpoint_t *mimi_result_endpoint(const mimi_result_t *r,
                                                        size_t i, size_t j);

/** Where the endpoint came from: MIMI_RR_SVCB, MIMI_RR_HTTPS or MIMI_RR_A. */
MIMI_EXPORT uint16_t mimi_endpoint_source(const mimi_endpoint_t *e);

/** SvcPriority (1.. for SVCB/HTTPS; 0 for an A/AAAA endpoint). */
MIMI_EXPORT uint16_t mimi_endpoint_priority(const mimi_endpoint_t *e);

/** Host to connect to (absolute name, trailing dot). Owned by the result. */
MIMI_EXPORT const char *mimi_endpoint_target(const mimi_endpoint_t *e);

/** Port to connect to. */
MIMI_EXPORT uint16_t mimi_endpoint_port(const mimi_endpoint_t *e);

/**
 * Name to authenticate in TLS: always the provider domain (MIMI-DNS/1 §5).
 * Owned by the result.
 */
MIMI_EXPORT const char *mimi_endpoint_tls_name(const mimi_endpoint_t *e);

/** Number of ALPN ids (the default "http/1.1" included unless excluded). */
MIMI_EXPORT size_t mimi_endpoint_alpn_count(const mimi_endpoint_t *e);

/** ALPN id i (NUL-terminated; may contain any octet, see len), or NULL. */
MIMI_EXPORT const char *mimi_endpoint_alpn(const mimi_endpoint_t *e, size_t i,
                                           size_t *len);

/**
 * Number of addresses, IPv4 first: for an SVCB/HTTPS endpoint the A and
 * AAAA records of its target (RFC 9460 §7.3), the ipv4hint/ipv6hint of a
 * family whose records are missing (none, or an answer the policy does not
 * accept); for an address endpoint its A/AAAA records.
 */
MIMI_EXPORT size_t mimi_endpoint_address_count(const mimi_endpoint_t *e);

/** Address i in presentation form ("192.0.2.1", "2001:db8::1"), or NULL. */
MIMI_EXPORT const char *mimi_endpoint_address(const mimi_endpoint_t *e,
                                              size_t i);

/**
 * Where address i came from: MIMI_RR_A or MIMI_RR_AAAA (the target's own
 * records), or 0 (a hint of the SVCB/HTTPS record); 0 when out of range.
 */
MIMI_EXPORT uint16_t mimi_endpoint_address_source(const mimi_endpoint_t *e,
                                                  size_t i);

/** DNSSEC status of the answer address i came from (a hint: the SVCB's). */
MIMI_EXPORT mimi_dnssec_t mimi_endpoint_address_dnssec(const mimi_endpoint_t *e,
                                                       size_t i);

/** Nonzero if the record carries an ECH configuration ("ech"). */
MIMI_EXPORT int mimi_endpoint_has_ech(const mimi_endpoint_t *e);

/** Number of TLSA records at _<port>._tcp.<target> (RFC 6698 §3). */
MIMI_EXPORT size_t mimi_endpoint_tlsa_count(const mimi_endpoint_t *e);

/** TLSA record i in presentation form ("3 1 1 ab12..."), or NULL. */
MIMI_EXPORT const char *mimi_endpoint_tlsa(const mimi_endpoint_t *e, size_t i);

/** DNSSEC status of the endpoint's answers (the TLSA's included). */
MIMI_EXPORT mimi_dnssec_t mimi_endpoint_dnssec(const mimi_endpoint_t *e);

/** With tracing on, which way the lookup's queries went (as
 * mimi_ctx_path() said when it completed); else NULL. Owned by r. */
MIMI_EXPORT const char *mimi_result_path(const mimi_result_t *r);

/** Number of queries in the trace (0 unless mimi_ctx_set_trace() was on). */
MIMI_EXPORT size_t mimi_result_trace_count(const mimi_result_t *r);

/**
 * Query i of the trace.
 * @param name   receives the query name (owned by r).
 * @param qtype  receives the type.
 * @param rcode  receives the DNS rcode, or -1 when no answer came.
 * @param dnssec receives the answer's DNSSEC status.
 * @param ms     receives the time to the answer, in milliseconds.
 * Any output may be NULL.
 * @return MIMI_OK, or MIMI_EINVAL if i is out of range.
 */
MIMI_EXPORT mimi_status_t mimi_result_trace(const mimi_result_t *r, size_t i,
                                            const char **name, uint16_t *qtype,
                                            int *rcode, mimi_dnssec_t *dnssec,
                                            unsigned *ms);

/**
 * What answered query i of the trace.
 * @param server  receives the server that answered, as configured
 *                ("ADDR@PORT"), or NULL when the backend does not say (the
 *                unbound backend resolving from the root) or none answered.
 *                Owned by r.
 * @param records receives the number of records of the type asked in the
 *                answer (after CNAMEs; 0 for a denial, a failure or a
 *                bogus answer, which is never data).
 * Any output may be NULL.
 * @return MIMI_OK, or MIMI_EINVAL if i is out of range.
 */
MIMI_EXPORT mimi_status_t mimi_result_trace_answer(const mimi_result_t *r,
                                                   size_t i, const char **server,
                                                   size_t *records);

/**
 * The plan step query i of the trace served (see mimi_plan_identifier()).
 * @param step     receives its role.
 * @param index    receives its index in the plan it belongs to: the
 *                 identifier's plan (mimi_plan_identifier() with the
 *                 context's options) when provider is NULL, else that
 *                 provider's plan (mimi_plan_endpoints() with the port of
 *                 the provider's mappings; for a MIMI URI the same as the
 *                 identifier's).
 * @param provider receives the provider (owned by r), or NULL.
 * @param hops     receives how many names were followed from answers to
 *                 get to this query (AliasMode targets, NAPTR replacements,
 *                 an endpoint's own target for TLSA); 0 when it was sent
 *                 at the name the plan gives.
 * Any output may be NULL.
 * @return MIMI_OK, or MIMI_EINVAL if i is out of range.
 */
MIMI_EXPORT mimi_status_t mimi_result_trace_step(const mimi_result_t *r,
                                                 size_t i, mimi_step_t *step,
                                                 size_t *index,
                                                 const char **provider,
                                                 unsigned *hops);

/** What an entry of the trace is. */
typedef enum {
  MIMI_TRACE_SENT = 0, /* a query of the plan, handed to the backend */
  MIMI_TRACE_CACHED,   /* a query of the plan answered from the context's
                        * answer cache: nothing was sent */
  MIMI_TRACE_KEYS      /* a DNSKEY or DS query the unbound backend sent
                        * ahead of a query of the plan (the step it names),
                        * so that validating its answer finds the chain of
                        * keys cached (RFC 4035 §5); its answer is the
                        * validator's, not the lookup's (rcode -1) */
} mimi_trace_kind_t;

/** What entry i of the trace is (MIMI_TRACE_SENT when out of range). */
MIMI_EXPORT mimi_trace_kind_t mimi_result_trace_kind(const mimi_result_t *r,
                                                    size_t i);

/**
 * When query i of the trace went out, and whether the lookup needed it.
 * @param start receives when it was sent, in milliseconds after the lookup
 *              started.
 * @param ahead receives 1 if it was sent before the answer it depends on
 *              came (mimi_ctx_set_parallel()), else 0.
 * @param used  receives 0 if its turn never came (an earlier step of the
 *              plan decided: its answer was not read, or the query was
 *              cancelled), else 1.
 * Any output may be NULL.
 * @return MIMI_OK, or MIMI_EINVAL if i is out of range.
 */
MIMI_EXPORT mimi_status_t mimi_result_trace_timing(const mimi_result_t *r,
                                                   size_t i, unsigned *start,
                                                   int *ahead, int *used);

#ifdef __cplusplus
}
#endif
#endif /* MIMI_RESOLVER_H */
