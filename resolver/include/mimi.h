/* SPDX-License-Identifier: MIT */
/*
 * libmimi — DNS-based discovery for interoperable instant messaging (IETF MIMI).
 *
 * This is the umbrella header: include <mimi.h> and nothing else.
 *
 * Conventions that hold for every function of the library:
 *
 *  - Every fallible function returns a mimi_status_t; MIMI_OK is 0.
 *  - Output pointers are written only on MIMI_OK (and set to NULL otherwise).
 *  - "err, errlen": an optional caller buffer (may be NULL / 0). On failure it
 *    receives a NUL-terminated, human-readable message that names the problem
 *    ("phone number has 16 digits; E.164 allows at most 15"), truncated to
 *    errlen. MIMI_ERRLEN is a size that never truncates the library's messages.
 *  - Ownership: a "char **" output is a new string owned by the caller, to be
 *    released with mimi_free(). A "const char *" returned by an accessor is
 *    owned by the object it was read from and lives as long as that object.
 *  - Running out of memory is reported as MIMI_ENOMEM, never an abort.
 *  - Objects are not internally locked: distinct objects may be used from
 *    distinct threads; one object must not be used by two threads at once
 *    unless both only call const accessors.
 *
 * The wire contract implemented here is MIMI-DNS/1 (see mimi-discovery(7)).
 * It is experimental: the MIMI working group has adopted no DNS discovery
 * mechanism yet.
 */
#ifndef MIMI_H
#define MIMI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MIMI_BUILDING_LIBRARY) && defined(__GNUC__)
#define MIMI_EXPORT __attribute__((visibility("default")))
#else
#define MIMI_EXPORT
#endif

/** Library version as a string, "MAJOR.MINOR.PATCH". */
#define MIMI_VERSION_STR "0.1.0"
/** Library version as a number, 0xMMmmpp. */
#define MIMI_VERSION_NUM 0x000100
/** The record profile this library implements. */
#define MIMI_PROFILE "MIMI-DNS/1"
/** An error buffer of this size never truncates a message of the library. */
#define MIMI_ERRLEN 256

/** Status of an API call. Stable numbers; new codes are only appended. */
typedef enum {
  MIMI_OK = 0,          /**< success */
  MIMI_ENOMEM = 1,      /**< out of memory */
  MIMI_EINVAL = 2,      /**< invalid argument (NULL, out of range) */
  MIMI_EBADID = 3,      /**< identifier not recognised or malformed */
  MIMI_ETOOLONG = 4,    /**< a DNS name or record would exceed its limit */
  MIMI_EBADRECORD = 5,  /**< a MIMI record (or NAPTR, SVCB) is malformed */
  MIMI_ENOTMIMI = 6,    /**< a record is not MIMI-DNS/1 (other use, or a future version) */
  MIMI_EUNSUPPORTED = 7, /**< well-formed, but uses something not supported */
  MIMI_ECONFIG = 8,      /**< the context's configuration is unusable */
  MIMI_EBUSY = 9,        /**< the context has started; options are fixed */
  MIMI_ECANCELLED = 10   /**< the lookup was cancelled */
} mimi_status_t;

/**
 * A short English description of a status code.
 * @param status any value; unknown values give "unknown status".
 * @return a static string; never NULL.
 */
MIMI_EXPORT const char *mimi_strerror(mimi_status_t status);

/**
 * The library's run-time version.
 * @param num if not NULL, receives MIMI_VERSION_NUM of the loaded library.
 * @return a static string such as "0.1.0".
 */
MIMI_EXPORT const char *mimi_version(int *num);

/**
 * Release memory that the library handed to the caller through a "char **"
 * output. NULL is accepted and ignored.
 */
MIMI_EXPORT void mimi_free(void *ptr);

/**
 * A short printable form of untrusted text (an identifier as typed, say),
 * for messages: valid UTF-8 as it is; ASCII controls and bytes that are not
 * UTF-8 as \xNN; other controls and invisible code points (zero-width,
 * bidirectional controls, byte-order mark) as \u{XXXX}; cut with "..." to
 * fit dstlen.
 * @param dst receives the text (NUL-terminated); dstlen >= 8.
 * @param s the text, NUL-terminated; NULL gives "".
 * @return dst, or "" (static) if dstlen < 8.
 */
MIMI_EXPORT const char *mimi_printable(char *dst, size_t dstlen, const char *s);

/**
 * Presentation name of a DNS RR type ("TXT", "SVCB", ...).
 * @return a static string for the types this library uses, else NULL.
 */
MIMI_EXPORT const char *mimi_rrtype_name(uint16_t rrtype);

/** DNS RR types this library queries (RFC 1035, 3403, 6698, 9460). */
enum {
  MIMI_RR_A = 1,
  MIMI_RR_CNAME = 5,
  MIMI_RR_TXT = 16,
  MIMI_RR_AAAA = 28,
  MIMI_RR_NAPTR = 35,
  MIMI_RR_DS = 43,      /* the validation chain (trace only) */
  MIMI_RR_DNSKEY = 48,  /* the validation chain (trace only) */
  MIMI_RR_TLSA = 52,
  MIMI_RR_SVCB = 64,
  MIMI_RR_HTTPS = 65
};

#ifdef __cplusplus
}
#endif

#include <mimi_id.h>
#include <mimi_record.h>
#include <mimi_naptr.h>
#include <mimi_svcb.h>
#include <mimi_resolver.h>

#endif /* MIMI_H */
