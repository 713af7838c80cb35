/* SPDX-License-Identifier: MIT */
/*
 * mod-mimi's signing of its denials (NSEC and SOA) with the zone's ZSK,
 * read from the same key directory mimi-zonegen signs the database with
 * (BIND files, ECDSA P-256; zone-tools/zonegen/keys.c reads them), with
 * the real clock for inception and expiration (Knot's module signing API
 * keeps the clock of load time).
 */
#ifndef MIMI_DENIAL_SIGN_H
#define MIMI_DENIAL_SIGN_H

#include <stddef.h>
#include <stdint.h>

typedef struct mimi_keyring mimi_keyring_t;

/* Every ZSK (DNSKEY flags 256) of origin ("example.com.") in dir. NULL on
 * failure, a static reason in *why (the key files' own messages go to
 * stderr). */
mimi_keyring_t *mimi_keyring_load(const char *dir, const char *origin, const char **why);
void mimi_keyring_free(mimi_keyring_t *kr);
/* Has the ring the ZSK of this tag? */
int mimi_keyring_has(const mimi_keyring_t *kr, uint16_t tag);
unsigned mimi_keyring_count(const mimi_keyring_t *kr);

/* The signature (r | s, 64 octets, RFC 6605 §4) by the ZSK of tag over
 * the RRSIG header hdr (mimi_rrsig_header) and the one RR owner (lower
 * case) type IN ttl rdata (canonical, RFC 4034 §6.2): RFC 4034 §3.1.8.1.
 * 0, or -1 (no such key, OpenSSL failed). Thread-safe. */
int mimi_sign_rr(const mimi_keyring_t *kr, uint16_t tag, const uint8_t *hdr, size_t hlen,
                 const uint8_t *owner, size_t olen, uint16_t type, uint32_t ttl,
                 const uint8_t *rdata, size_t rdlen, uint8_t sig[64]);

#endif
