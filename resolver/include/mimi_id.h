/* SPDX-License-Identifier: MIT */
/*
 * libmimi — identifiers, owner names and query plans (MIMI-DNS/1 §1, §2, §5).
 * Included by <mimi.h>; do not include directly.
 */
#ifndef MIMI_ID_H
#define MIMI_ID_H

#include <mimi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What kind of identifier a string is (MIMI-DNS/1 §1). */
typedef enum {
  MIMI_ID_PHONE = 1,  /**< E.164 number, "+" and 2..15 digits */
  MIMI_ID_HANDLE = 2, /**< email-style handle, local@domain */
  MIMI_ID_DOMAIN = 3, /**< domain handle, a host name of two or more labels */
  MIMI_ID_URI = 4     /**< mimi://provider/u/user, needs no mapping lookup */
} mimi_id_class_t;

/** A classified, normalised identifier. Opaque; see the accessors. */
typedef struct mimi_id mimi_id_t;

/**
 * Classify and normalise an identifier as typed by a person.
 *
 * Accepts "+44 20 7946 0148", "tel:+15551234567", "alice@example.com",
 * "@alice@example.com", "im:alice@example.com", "mailto:alice@example.com",
 * "alice.example.org", "@alice.example.org", "mimi://chat.example.net/u/alice".
 * Internationalised domains are converted to IDNA2008 A-labels (libidn2); the
 * local part of a handle is NFC-normalised but never case-folded. A number
 * without "+" is never guessed into E.164.
 *
 * @param input  NUL-terminated UTF-8 string. Not retained.
 * @param id     receives a new identifier owned by the caller
 *               (release with mimi_id_free()).
 * @param err    optional buffer for a message naming the problem.
 * @param errlen size of err.
 * @return MIMI_OK, MIMI_EBADID (not an identifier, or malformed),
 *         MIMI_ETOOLONG (an owner name derived from it would not fit the DNS),
 *         MIMI_EINVAL (NULL argument) or MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_id_parse(const char *input, mimi_id_t **id,
                                        char *err, size_t errlen);

/** Release an identifier. NULL is accepted. */
MIMI_EXPORT void mimi_id_free(mimi_id_t *id);

/** The class of an identifier. */
MIMI_EXPORT mimi_id_class_t mimi_id_class(const mimi_id_t *id);

/**
 * Short lower-case name of a class: "phone", "handle", "domain", "uri".
 * @return a static string, or NULL for an unknown value.
 */
MIMI_EXPORT const char *mimi_id_class_name(mimi_id_class_t cls);

/**
 * Canonical form: "+442079460148", "alice@example.com" (local part as given,
 * domain as A-label), "alice.example.org",
 * "mimi://chat.example.net/u/alice" (account percent-encoded).
 * @return owned by id.
 */
MIMI_EXPORT const char *mimi_id_canonical(const mimi_id_t *id);

/** Handle: the NFC local part as given. Other classes: NULL. Owned by id. */
MIMI_EXPORT const char *mimi_id_local(const mimi_id_t *id);

/**
 * Handle: its domain (A-label, lower-case, no trailing dot). Domain handle:
 * the handle itself. URI: the provider host. Phone: NULL. Owned by id.
 */
MIMI_EXPORT const char *mimi_id_domain(const mimi_id_t *id);

/** Phone: "+" and digits (the ENUM AUS). Other classes: NULL. Owned by id. */
MIMI_EXPORT const char *mimi_id_number(const mimi_id_t *id);

/** URI: the account, percent-decoded (UTF-8). Other classes: NULL. */
MIMI_EXPORT const char *mimi_id_account(const mimi_id_t *id);

/** URI: the explicit port of the authority, or 0 when none was given. */
MIMI_EXPORT uint16_t mimi_id_port(const mimi_id_t *id);

/*
 * Owner names (MIMI-DNS/1 §2). All names are absolute presentation names with
 * a trailing dot, lower-case except the hex hash (which is lower-case too).
 * Each returns MIMI_ETOOLONG when the name would exceed 255 octets in wire
 * form or a label would exceed 63 octets, MIMI_EBADID for an invalid input.
 */

/**
 * Owner name of an email-style handle: the first 28 octets of SHA-256 of the
 * local part's octets, as 56 lower-case hex digits, under "_mimi.<domain>."
 * (RFC 7929 §3).
 * @param local  local part, UTF-8 as given (hashed as is; not case-folded).
 * @param domain A-label domain, with or without a trailing dot.
 * @param name   receives the owner name; release with mimi_free().
 */
MIMI_EXPORT mimi_status_t mimi_name_handle(const char *local, const char *domain,
                                           char **name);

/**
 * The case-retry owner name (MIMI-DNS/1 §2): if local has upper-case ASCII
 * letters, the owner name of its ASCII-lower-cased form.
 * @param name receives the retry name, or NULL when local has no upper-case
 *             ASCII (no retry applies); release with mimi_free().
 */
MIMI_EXPORT mimi_status_t mimi_name_handle_retry(const char *local,
                                                 const char *domain,
                                                 char **name);

/** Owner name of a domain handle: "_mimi.<handle>." */
MIMI_EXPORT mimi_status_t mimi_name_domain(const char *handle, char **name);

/**
 * ENUM name of an E.164 number under one apex (RFC 6116 §2.4): the digits
 * reversed, one per label: "+15551234567", "e164.arpa" →
 * "7.6.5.4.3.2.1.5.5.5.1.e164.arpa.".
 * @param number "+" followed by 2..15 digits.
 * @param apex   an ENUM apex domain, with or without a trailing dot.
 */
MIMI_EXPORT mimi_status_t mimi_name_enum(const char *number, const char *apex,
                                         char **name);

/**
 * SVCB owner name of a provider (MIMI-DNS/1 §5): "_mimi.<provider>." or, for a
 * port other than 0 and 443, "_<port>._mimi.<provider>." (RFC 9460 §2.3).
 */
MIMI_EXPORT mimi_status_t mimi_name_svcb(const char *provider, uint16_t port,
                                         char **name);

/** The role of one query in a lookup. */
typedef enum {
  MIMI_STEP_MAPPING = 1, /**< TXT mapping at the identifier's owner name */
  MIMI_STEP_RETRY,       /**< TXT at the case-retry name, if no mapping was found */
  MIMI_STEP_NAPTR,       /**< ENUM NAPTR, if no valid TXT at that ENUM name */
  MIMI_STEP_SVCB,        /**< provider endpoint SVCB (AliasMode followed) */
  MIMI_STEP_HTTPS,       /**< HTTPS at the provider, if there is no SVCB */
  MIMI_STEP_ADDR,        /**< A/AAAA of the provider, port 443, if neither */
  MIMI_STEP_TLSA         /**< TLSA of an endpoint, reported when present */
} mimi_step_t;

/** The role's name as mimi-lookup prints it ("mapping", "case-retry",
 * "naptr", "svcb", "https", "address", "tlsa"), or "?". Static. */
MIMI_EXPORT const char *mimi_step_name(mimi_step_t s);

/** Options for a query plan; zero-initialise, then set what you need. */
typedef struct {
  const char *const *enum_apexes; /**< ENUM apexes in order; NULL: "e164.arpa" */
  size_t n_enum_apexes;           /**< entries in enum_apexes */
  int no_case_retry;              /**< nonzero: no case-retry step */
} mimi_plan_opts_t;

/**
 * The DNS queries a lookup may send, as a dependency graph: each query waits
 * for the answer of one earlier query (mimi_plan_after()), or goes out when
 * the lookup starts. The resolver walks exactly this graph. Opaque.
 */
typedef struct mimi_plan mimi_plan_t;

/**
 * The identifier-phase queries for an identifier, in the order a lookup sends
 * them (for a URI: the endpoint queries of its provider). The endpoint phase
 * of a handle, domain handle or phone number depends on the answers; see
 * mimi_plan_endpoints().
 * @param id   a parsed identifier (not retained).
 * @param opts may be NULL for the defaults.
 * @param plan receives a new plan; release with mimi_plan_free().
 */
MIMI_EXPORT mimi_status_t mimi_plan_identifier(const mimi_id_t *id,
                                               const mimi_plan_opts_t *opts,
                                               mimi_plan_t **plan,
                                               char *err, size_t errlen);

/**
 * The endpoint queries for one provider domain (MIMI-DNS/1 §5): SVCB at
 * mimi_name_svcb(), then HTTPS, then A and AAAA of the provider.
 * @param port 0 or 443 for the default; another port selects "_<port>._mimi".
 */
MIMI_EXPORT mimi_status_t mimi_plan_endpoints(const char *provider,
                                              uint16_t port,
                                              mimi_plan_t **plan,
                                              char *err, size_t errlen);

/** Release a plan. NULL is accepted. */
MIMI_EXPORT void mimi_plan_free(mimi_plan_t *plan);

/** Number of queries in a plan. */
MIMI_EXPORT size_t mimi_plan_count(const mimi_plan_t *plan);

/** Owner name of query i (absolute, trailing dot), or NULL if i is out of range. */
MIMI_EXPORT const char *mimi_plan_name(const mimi_plan_t *plan, size_t i);

/** RR type of query i, or 0 if i is out of range. */
MIMI_EXPORT uint16_t mimi_plan_qtype(const mimi_plan_t *plan, size_t i);

/** Role of query i, or 0 if i is out of range. */
MIMI_EXPORT mimi_step_t mimi_plan_step(const mimi_plan_t *plan, size_t i);

/**
 * When query i is sent, in words ("always", "if no mapping was found", ...).
 * @return a static string, or NULL if i is out of range.
 */
MIMI_EXPORT const char *mimi_plan_when(const mimi_plan_t *plan, size_t i);

/** mimi_plan_after() of a query sent when the lookup (or, for endpoint
 * queries, the provider's part of it) starts. */
#define MIMI_PLAN_START ((size_t)-1)

/**
 * The query whose answer query i waits for: an index before i, or
 * MIMI_PLAN_START. mimi_plan_when() says on which outcome of that answer
 * query i is sent. MIMI_PLAN_START too if i is out of range.
 */
MIMI_EXPORT size_t mimi_plan_after(const mimi_plan_t *plan, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* MIMI_ID_H */
