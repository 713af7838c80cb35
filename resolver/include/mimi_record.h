/* SPDX-License-Identifier: MIT */
/*
 * libmimi — MIMI mappings and the MIMI TXT record (MIMI-DNS/1 §3).
 * Included by <mimi.h>; do not include directly.
 */
#ifndef MIMI_RECORD_H
#define MIMI_RECORD_H

#include <mimi.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One mapping: identifier → provider and account. Built from a TXT record,
 * an ENUM NAPTR, or by hand (zone generators). Opaque; see the accessors.
 * A record without a provider is an opt-out record.
 */
typedef struct mimi_record mimi_record_t;

/** Create an empty record (an opt-out until a provider is set). */
MIMI_EXPORT mimi_status_t mimi_record_new(mimi_record_t **rec);

/** Copy a record. */
MIMI_EXPORT mimi_status_t mimi_record_dup(const mimi_record_t *rec,
                                          mimi_record_t **copy);

/** Release a record. NULL is accepted. */
MIMI_EXPORT void mimi_record_free(mimi_record_t *rec);

/**
 * Set the provider domain ("e"). Unicode names are converted to A-labels,
 * ASCII is lower-cased, one trailing dot is dropped.
 * @param provider host name, or NULL to clear (makes an opt-out record).
 * @return MIMI_OK, MIMI_EBADRECORD (not a host name; err says why), MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_record_set_provider(mimi_record_t *rec,
                                                   const char *provider,
                                                   char *err, size_t errlen);

/**
 * Set the account ("a"), given decoded (UTF-8, e.g. "+15551234567").
 * @param account NUL-terminated, valid UTF-8, not empty, or NULL to clear.
 * @return MIMI_OK, MIMI_EBADRECORD (bad UTF-8 or empty), MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_record_set_account(mimi_record_t *rec,
                                                  const char *account,
                                                  char *err, size_t errlen);

/** Set the preference ("p"), 0..65535; lower is preferred. Default 0. */
MIMI_EXPORT mimi_status_t mimi_record_set_preference(mimi_record_t *rec,
                                                     uint32_t preference);

/**
 * Set the recipient's tags ("t"): comma-separated tokens ("personal,business").
 * @param tags NULL or "" to clear.
 * @return MIMI_EBADRECORD for an empty token or a character outside %x21-7E
 *         other than ";".
 */
MIMI_EXPORT mimi_status_t mimi_record_set_tags(mimi_record_t *rec,
                                               const char *tags,
                                               char *err, size_t errlen);

/**
 * Set the display label of the service ("s"), a token of visible ASCII
 * except ";" and ",". Never used for routing or trust.
 * @param service NULL or "" to clear.
 */
MIMI_EXPORT mimi_status_t mimi_record_set_service(mimi_record_t *rec,
                                                  const char *service,
                                                  char *err, size_t errlen);

/** Provider domain (A-label), or NULL for an opt-out record. Owned by rec. */
MIMI_EXPORT const char *mimi_record_provider(const mimi_record_t *rec);

/** Account, percent-decoded UTF-8, or NULL when none. Owned by rec. */
MIMI_EXPORT const char *mimi_record_account(const mimi_record_t *rec);

/**
 * Account as a percent-encoded URI path segment (every octet outside
 * RFC 3986 "unreserved" encoded, so "+" is "%2B"), or NULL. Owned by rec.
 */
MIMI_EXPORT const char *mimi_record_account_encoded(const mimi_record_t *rec);

/** Preference, 0..65535. */
MIMI_EXPORT uint16_t mimi_record_preference(const mimi_record_t *rec);

/** Tags as given ("personal,business"), or NULL. Owned by rec. */
MIMI_EXPORT const char *mimi_record_tags(const mimi_record_t *rec);

/** Service display label, or NULL. Owned by rec. */
MIMI_EXPORT const char *mimi_record_service(const mimi_record_t *rec);

/**
 * The mimi URI "mimi://<provider>/u/<account-encoded>", or NULL when the
 * record has no provider or no account. Owned by rec.
 */
MIMI_EXPORT const char *mimi_record_uri(const mimi_record_t *rec);

/** Nonzero if rec is an opt-out record (no provider). */
MIMI_EXPORT int mimi_record_is_optout(const mimi_record_t *rec);

/**
 * TTL of the RRset the record came from (0 when unknown). Informational;
 * set by the resolver.
 */
MIMI_EXPORT uint32_t mimi_record_ttl(const mimi_record_t *rec);

/** Set the TTL reported by mimi_record_ttl(). */
MIMI_EXPORT void mimi_record_set_ttl(mimi_record_t *rec, uint32_t ttl);

/**
 * Mapping order (MIMI-DNS/1 §3): by preference, then provider, then account
 * (octet-wise; absent sorts first). Deterministic; suitable for qsort.
 * @return <0, 0 or >0.
 */
MIMI_EXPORT int mimi_record_cmp(const mimi_record_t *a, const mimi_record_t *b);

/**
 * Parse one MIMI TXT record given as the concatenation of its
 * character-strings (MIMI-DNS/1 §3).
 * @param text  the record text; need not be NUL-terminated; may contain NUL
 *              (which makes it invalid).
 * @param len   its length in octets.
 * @param rec   receives a new record on MIMI_OK; release with mimi_record_free().
 * The grammar is applied exactly (no extra whitespace, no empty tags,
 * lower-case tag names); unknown tags are ignored; a repeated tag, a bad
 * "e", "a", "p", "t" or "s" value, or a record without "e" that carries
 * other known tags makes the record invalid.
 * @return MIMI_OK; MIMI_ENOTMIMI when the text does not start with "v=MIMI"
 *         or is a future version (ignore it silently); MIMI_EBADRECORD when it
 *         is a MIMI-DNS/1 record but invalid (skip it and warn with err, which
 *         names the problem); MIMI_EINVAL; MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_txt_parse(const char *text, size_t len,
                                         mimi_record_t **rec,
                                         char *err, size_t errlen);

/**
 * Like mimi_txt_parse(), from TXT RDATA in wire form (a sequence of
 * length-prefixed character-strings, RFC 1035 §3.3.14), concatenated
 * without separator.
 * @return in addition MIMI_EBADRECORD when the RDATA is malformed.
 */
MIMI_EXPORT mimi_status_t mimi_txt_parse_rdata(const uint8_t *rdata, size_t len,
                                               mimi_record_t **rec,
                                               char *err, size_t errlen);

/**
 * Format a record as MIMI TXT text, tags in the order v, e, a, p, t, s, e.g.
 * "v=MIMI1; e=chat.example.net; a=alice; p=10; t=personal; s=examplechat".
 * p is omitted when 0.
 * @param text receives the text (no quotes); release with mimi_free().
 * @return MIMI_ETOOLONG when the text would exceed 255 octets (one
 *         character-string), MIMI_EINVAL for an opt-out record that carries
 *         an account, preference, tags or service (the parser rejects such
 *         a record, so it is never formatted).
 */
MIMI_EXPORT mimi_status_t mimi_txt_format(const mimi_record_t *rec, char **text);

/**
 * The mappings found at one name: the MIMI TXT RRs of an RRset (and/or
 * mappings from ENUM NAPTR), with warnings for the records skipped.
 * Opaque; see the accessors.
 */
typedef struct mimi_mapset mimi_mapset_t;

/** Create an empty set. */
MIMI_EXPORT mimi_status_t mimi_mapset_new(mimi_mapset_t **set);

/** Release a set and the records in it. NULL is accepted. */
MIMI_EXPORT void mimi_mapset_free(mimi_mapset_t *set);

/**
 * Add one TXT RR given as concatenated text. Not-ours and future-version
 * records are ignored silently; invalid MIMI-DNS/1 records are skipped with a
 * warning that names the problem.
 * @return MIMI_OK unless out of memory.
 */
MIMI_EXPORT mimi_status_t mimi_mapset_add_txt(mimi_mapset_t *set,
                                              const char *text, size_t len);

/** Like mimi_mapset_add_txt(), from wire RDATA. */
MIMI_EXPORT mimi_status_t mimi_mapset_add_txt_rdata(mimi_mapset_t *set,
                                                    const uint8_t *rdata,
                                                    size_t len);

/**
 * Add a record. The set takes ownership of rec, also on failure.
 */
MIMI_EXPORT mimi_status_t mimi_mapset_add_record(mimi_mapset_t *set,
                                                 mimi_record_t *rec);

/** Add a warning (copied). */
MIMI_EXPORT mimi_status_t mimi_mapset_add_warning(mimi_mapset_t *set,
                                                  const char *warning);

/**
 * Finish the set: drop opt-out records when real mappings coexist, remove
 * exact duplicates, and sort by mimi_record_cmp(). Call before reading.
 * Adding after finishing is allowed; finish again.
 */
MIMI_EXPORT void mimi_mapset_finish(mimi_mapset_t *set);

/**
 * Number of records kept. After mimi_mapset_finish() these are either all
 * mappings, or all opt-out records (see mimi_mapset_opted_out()), or none.
 */
MIMI_EXPORT size_t mimi_mapset_count(const mimi_mapset_t *set);

/** Mapping i in order, or NULL if out of range. Owned by set. */
MIMI_EXPORT const mimi_record_t *mimi_mapset_get(const mimi_mapset_t *set,
                                                 size_t i);

/**
 * Nonzero if the set holds only opt-out records ("known identity, no
 * provider disclosed").
 */
MIMI_EXPORT int mimi_mapset_opted_out(const mimi_mapset_t *set);

/** Number of warnings. */
MIMI_EXPORT size_t mimi_mapset_warning_count(const mimi_mapset_t *set);

/** Warning i, or NULL if out of range. Owned by set. */
MIMI_EXPORT const char *mimi_mapset_warning(const mimi_mapset_t *set, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* MIMI_RECORD_H */
