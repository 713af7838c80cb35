/* SPDX-License-Identifier: MIT */
/*
 * libmimi — SVCB/HTTPS RDATA decoding (RFC 9460; MIMI-DNS/1 §5). No I/O.
 * Included by <mimi.h>; do not include directly.
 */
#ifndef MIMI_SVCB_H
#define MIMI_SVCB_H

#include <mimi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** SvcParamKeys (RFC 9460 §14.3.2). */
enum {
  MIMI_SVCB_KEY_MANDATORY = 0,
  MIMI_SVCB_KEY_ALPN = 1,
  MIMI_SVCB_KEY_NO_DEFAULT_ALPN = 2,
  MIMI_SVCB_KEY_PORT = 3,
  MIMI_SVCB_KEY_IPV4HINT = 4,
  MIMI_SVCB_KEY_ECH = 5,
  MIMI_SVCB_KEY_IPV6HINT = 6
};

/**
 * The most AliasMode records a lookup follows from a provider's _mimi name
 * (MIMI-DNS/1 §5): the 9th is a failure, as is a loop. Zone linters use it
 * to flag chains resolvers will not finish.
 */
#define MIMI_SVCB_MAX_ALIAS_STEPS 8

/** A decoded SVCB or HTTPS RR. Opaque; see the accessors. */
typedef struct mimi_svcb mimi_svcb_t;

/**
 * Decode SVCB (or HTTPS) RDATA in wire form, with strict bounds checks and
 * the validity rules of RFC 9460 §2.2 and §8: keys strictly ascending, no
 * duplicates, every value of the right length and shape, every key listed
 * in "mandatory" present, "mandatory" not listing itself, "no-default-alpn"
 * only beside "alpn" (§7.1.1), no reserved key 65535 (§14.3.2), no
 * compressed TargetName. In AliasMode (priority 0) SvcParams are ignored
 * (§2.4.2): not parsed, and none is exposed. Unknown keys are kept raw.
 *
 * @param rdata the RDATA; not retained.
 * @param len   its length.
 * @param svcb  receives a new object; release with mimi_svcb_free().
 * @return MIMI_OK, MIMI_EBADRECORD (err names the problem), MIMI_EINVAL,
 *         MIMI_ENOMEM.
 */
MIMI_EXPORT mimi_status_t mimi_svcb_decode(const uint8_t *rdata, size_t len,
                                           mimi_svcb_t **svcb,
                                           char *err, size_t errlen);

/** Release a decoded SVCB. NULL is accepted. */
MIMI_EXPORT void mimi_svcb_free(mimi_svcb_t *svcb);

/** SvcPriority; 0 is AliasMode. */
MIMI_EXPORT uint16_t mimi_svcb_priority(const mimi_svcb_t *svcb);

/** Nonzero in AliasMode (priority 0). */
MIMI_EXPORT int mimi_svcb_is_alias(const mimi_svcb_t *svcb);

/**
 * TargetName in presentation form, absolute with a trailing dot; "." is the
 * root ("the owner's own name", RFC 9460 §2.5). Letters keep their case;
 * letters, digits, "-" and "_" appear as is, "." and "\" inside a label as
 * \. and \\, every other octet as \DDD (RFC 1035 §5.1). Owned by svcb.
 */
MIMI_EXPORT const char *mimi_svcb_target(const mimi_svcb_t *svcb);

/** Number of SvcParams (in key order). 0 in AliasMode. */
MIMI_EXPORT size_t mimi_svcb_param_count(const mimi_svcb_t *svcb);

/** Key of SvcParam i, or 65535 (the reserved "invalid key") if out of range. */
MIMI_EXPORT uint16_t mimi_svcb_param_key(const mimi_svcb_t *svcb, size_t i);

/**
 * Raw value of SvcParam i. Owned by svcb.
 * @param len receives the value's length.
 * @return NULL if i is out of range (a present empty value is non-NULL).
 */
MIMI_EXPORT const uint8_t *mimi_svcb_param_value(const mimi_svcb_t *svcb,
                                                 size_t i, size_t *len);

/** Nonzero if the record has SvcParam key. */
MIMI_EXPORT int mimi_svcb_has_key(const mimi_svcb_t *svcb, uint16_t key);

/** Number of ALPN ids in the "alpn" param (not counting the default). */
MIMI_EXPORT size_t mimi_svcb_alpn_count(const mimi_svcb_t *svcb);

/**
 * ALPN id i. Owned by svcb; NUL-terminated for convenience, but may contain
 * any octet (RFC 9460 §7.1), so use len.
 * @return NULL if i is out of range.
 */
MIMI_EXPORT const char *mimi_svcb_alpn(const mimi_svcb_t *svcb, size_t i,
                                       size_t *len);

/** Nonzero if "no-default-alpn" is present. */
MIMI_EXPORT int mimi_svcb_no_default_alpn(const mimi_svcb_t *svcb);

/** The "port" param, or 0 when absent. */
MIMI_EXPORT uint16_t mimi_svcb_port(const mimi_svcb_t *svcb);

/** Number of IPv4 hints. */
MIMI_EXPORT size_t mimi_svcb_ipv4hint_count(const mimi_svcb_t *svcb);

/** IPv4 hint i, 4 octets in network order, or NULL. Owned by svcb. */
MIMI_EXPORT const uint8_t *mimi_svcb_ipv4hint(const mimi_svcb_t *svcb, size_t i);

/** Number of IPv6 hints. */
MIMI_EXPORT size_t mimi_svcb_ipv6hint_count(const mimi_svcb_t *svcb);

/** IPv6 hint i, 16 octets in network order, or NULL. Owned by svcb. */
MIMI_EXPORT const uint8_t *mimi_svcb_ipv6hint(const mimi_svcb_t *svcb, size_t i);

/**
 * The "ech" param (an ECHConfigList), or NULL when absent. Owned by svcb.
 * @param len receives its length.
 */
MIMI_EXPORT const uint8_t *mimi_svcb_ech(const mimi_svcb_t *svcb, size_t *len);

/** Number of keys listed in "mandatory". */
MIMI_EXPORT size_t mimi_svcb_mandatory_count(const mimi_svcb_t *svcb);

/** Mandatory key i, or 65535 if out of range. */
MIMI_EXPORT uint16_t mimi_svcb_mandatory(const mimi_svcb_t *svcb, size_t i);

/**
 * Nonzero if this client can use the record: ServiceMode and every key in
 * "mandatory" is one this library supports (keys 0-6). A record that fails
 * this is skipped (RFC 9460 §8). AliasMode records return 1.
 */
MIMI_EXPORT int mimi_svcb_usable(const mimi_svcb_t *svcb);

/**
 * Presentation name of a SvcParamKey ("alpn", ...), or NULL for a key
 * without a name (shown as "key<N>"). Static.
 */
MIMI_EXPORT const char *mimi_svcb_key_name(uint16_t key);

/**
 * The record in presentation form (RFC 9460 §2.1), e.g.
 * "1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1"; for display and traces.
 * @param text receives the text; release with mimi_free().
 */
MIMI_EXPORT mimi_status_t mimi_svcb_format(const mimi_svcb_t *svcb, char **text);

#ifdef __cplusplus
}
#endif
#endif /* MIMI_SVCB_H */
