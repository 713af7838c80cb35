/* SPDX-License-Identifier: MIT */
/*
 * libmimi — ENUM NAPTR processing for MIMI (MIMI-DNS/1 §4; RFC 6116, RFC 3402,
 * RFC 3403). Works on already-decoded NAPTR fields; no I/O.
 * Included by <mimi.h>; do not include directly.
 */
#ifndef MIMI_NAPTR_H
#define MIMI_NAPTR_H

#include <mimi.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One NAPTR RR, decoded (RFC 3403 §4.1). Plain data owned by the caller; the
 * library never retains these pointers. The character-strings are given as
 * NUL-terminated strings (a string with an embedded NUL is malformed anyway).
 */
typedef struct {
  uint16_t order;          /**< ORDER */
  uint16_t preference;     /**< PREFERENCE */
  const char *flags;       /**< FLAGS, e.g. "u" or "" */
  const char *services;    /**< SERVICES, e.g. "E2U+mimi" */
  const char *regexp;      /**< REGEXP, e.g. "!^.*$!mimi://chat.example.net/u/alice!" */
  const char *replacement; /**< REPLACEMENT, presentation form, "." for none */
} mimi_naptr_rr_t;

/** Service field value that marks a MIMI NAPTR (compared case-insensitively). */
#define MIMI_NAPTR_SERVICE "E2U+mimi"

/*
 * At most this many E2U+mimi rules of one RRset are applied, the first by
 * order and preference; the rest are reported in one warning. Each rule
 * costs a regexp compile and match, and the RRset comes from the DNS: the
 * cap bounds the work one answer can cause. Real ENUM names carry a few.
 */
#define MIMI_NAPTR_MAX_RULES 32

/**
 * Process the NAPTR RRset found at one ENUM name for the number aus.
 *
 * Keeps the rules whose services are E2U+mimi (case-insensitive) with flag
 * "u" (terminal) or with empty flags (non-terminal); sorts by order, then
 * preference; uses the first order group that has a usable rule (RFC 3403
 * §4.1). Terminal rules: the regexp is applied to aus and the result must
 * be a mimi URI "mimi://<host>/u/<seg>"; each one adds a mapping to out, with
 * the rule's preference as "p". If that group yields no mapping but has a
 * non-terminal rule, *next receives the name to query next (its replacement,
 * or when that is "." the regexp's result).
 * Malformed rules are skipped with a warning in out that names the bad field.
 * Only the first MIMI_NAPTR_MAX_RULES rules (by order, then preference) are
 * applied; a warning counts the others.
 *
 * @param rrs   the RRset (may be NULL when n is 0).
 * @param n     number of RRs.
 * @param aus   the Application Unique String: "+" and digits.
 * @param out   a set that receives mappings and warnings (not finished here).
 * @param next  receives the next name to query (absolute, trailing dot) or
 *              NULL; release with mimi_free(). May be NULL if the caller does
 *              not follow non-terminal rules.
 * @return MIMI_OK (also when nothing matched), MIMI_EINVAL, MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_naptr_process(const mimi_naptr_rr_t *rrs,
                                             size_t n, const char *aus,
                                             mimi_mapset_t *out, char **next);

/**
 * Apply one NAPTR REGEXP field (RFC 3402 §3.2: delimiter, POSIX ERE,
 * replacement with \1..\9 back-references, optional flag "i") to a string.
 * The ERE is a bounded subset (anchors, ".", bracket expressions, groups,
 * "*", "+", "?", intervals up to 32, "|", escaped punctuation) run with
 * PCRE2 under fixed match limits; matching is leftmost-first (PCRE), not
 * POSIX leftmost-longest, which only differs for some alternations.
 *
 * @param regexp  the REGEXP field, e.g. "!^\\+(.*)$!mimi://p/u/%2B\\1!".
 * @param subject the string to match (the AUS).
 * @param result  receives the substituted string on a match; release with
 *                mimi_free().
 * @return MIMI_OK (*result set), MIMI_ENOTMIMI when the expression does not
 *         match subject, MIMI_EBADRECORD when the field is malformed or
 *         outside the subset, or matching hit a limit (err names the
 *         problem, e.g. a back-reference to a missing group), MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_naptr_regexp_apply(const char *regexp,
                                                  const char *subject,
                                                  char **result,
                                                  char *err, size_t errlen);

/**
 * Presentation RDATA of the NAPTR a generator emits for a mapping
 * (MIMI-DNS/1 §4): 100 <p> "u" "E2U+mimi" "!^.*$!mimi://<e>/u/<a>!" .
 * @param text receives the text; release with mimi_free().
 * @return MIMI_EINVAL for a record without provider or account.
 */
MIMI_EXPORT mimi_status_t mimi_naptr_format(const mimi_record_t *rec,
                                            char **text);

#ifdef __cplusplus
}
#endif
#endif /* MIMI_NAPTR_H */
