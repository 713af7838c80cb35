/* SPDX-License-Identifier: MIT */
/*
 * The POSIX ERE subset of ENUM NAPTR regexps (RFC 3402 §3.2), checked
 * against fixed caps and translated to an equivalent PCRE2 pattern.
 * Internal to naptr_regexp.c and its tests.
 */
#ifndef MIMI_NAPTR_ERE_H
#define MIMI_NAPTR_ERE_H

#include <stddef.h>

#include "codec/codec.h"

/*
 * Caps on an ERE. The field is untrusted input from the DNS (or spoofed
 * into it when unvalidated); the caps bound what one record can make the
 * compiler do, and the match limits of naptr_regexp.c bound the matcher.
 * Real ENUM rules (RFC 6116 §3.2.1, RFC 3403 §6.2: "^\+44(.*)$",
 * "^\+1([0-9]{3})([0-9]{3})([0-9]{4})$") stay far below every one of them.
 */
/* Capturing groups in all: the replacement uses \1..\9, more groups are
 * allowed, but each one widens every backtracking frame of the matcher. */
#define MIMI__ERE_MAX_GROUPS 32
/* Groups open at once (and PCRE2's parenthesis nesting limit). */
#define MIMI__ERE_MAX_DEPTH 8
/* Largest m or n of an interval {m}, {m,}, {m,n}: PCRE2 compiles an
 * interval as that many copies of the repeated atom. */
#define MIMI__ERE_MAX_BOUND 32
/* Interval expressions in all (a phone number needs three or four). */
#define MIMI__ERE_MAX_INTERVALS 4
/* Quantifiers (*, +, ?, intervals) in all. */
#define MIMI__ERE_MAX_QUANTIFIERS 32
/* Product of the repetition counts of nested intervals ("(a{16}){16}" is
 * 256): the copies of the innermost atom multiply through the nesting. */
#define MIMI__ERE_MAX_PRODUCT 256
/* A translated pattern has at most 6 octets ("\x{hh}") per ERE octet. */
#define MIMI__ERE_MAX_PCRE(ere_len) (6 * (ere_len) + 1)

/*
 * Check ere[0..len) (the expression between the delimiters, escaped
 * delimiters already made literal) and append the equivalent PCRE2 pattern
 * to out. *groups receives the number of capturing groups (for \1..\9 of
 * the replacement). Returns MIMI_OK, MIMI_EBADRECORD (err names the problem
 * and its offset), MIMI_ENOMEM.
 */
mimi_status_t mimi__ere_translate(const char *ere, size_t len, mimi_buf_t *out,
                                  unsigned *groups, char *err, size_t errlen);

#endif /* MIMI_NAPTR_ERE_H */
