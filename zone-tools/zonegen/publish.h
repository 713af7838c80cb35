/* SPDX-License-Identifier: MIT */
/* mimi-zonegen --send-update: the change set of a run (rows to put, owner
 * names to delete), TSIG keys (RFC 8945), and the DNS UPDATE transactions
 * (RFC 2136) that carry it to a primary. */
#ifndef MIMI_ZG_PUBLISH_H
#define MIMI_ZG_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "zonegen.h"

/* A TSIG key: name and algorithm as ldns spells them (absolute, lower
 * case), the secret in base64 as given. */
typedef struct {
  char name[256];
  char alg[32];
  char secret[1024];
} zg_tsig_t;

/* The -y syntax of nsupdate and knsupdate: [ALG:]NAME:SECRET (default
 * algorithm hmac-sha256). 0, or -1 with err set. */
int zg_tsig_parse_arg(const char *s, zg_tsig_t *k, char *err, size_t errlen);
/* The text of a BIND key file: one key "NAME" { algorithm ALG; secret
 * "BASE64"; }; statement. 0, or -1 with err set. */
int zg_tsig_parse_file(const char *text, size_t len, zg_tsig_t *k, char *err,
                       size_t errlen);
/* zg_tsig_parse_file of a file (at most 64 KiB). 0, or -1 (printed). */
int zg_tsig_load(const char *path, zg_tsig_t *k);

/* The owner name (presentation, absolute) of an owner sort key; 0 or -1. */
int zg_key_name(const uint8_t *key, size_t klen, char *out, size_t outlen);
/* The owner name (wire) of an owner sort key; 0 or -1. */
int zg_key_wire(const uint8_t *key, size_t klen, uint8_t *out, size_t *len);

/* diff.c: --diff OLD: t (sorted) becomes the RRs of the owner names whose
 * RRs differ from OLD's, and dels the owner names OLD has and t has not;
 * old (if not NULL) OLD's RRs of those changed and gone names (sorted),
 * for the prerequisites of --send-update. 0, -2 (bad input, printed), -1
 * (I/O or memory, printed). */
int zg_diff(const zg_opts_t *o, const char *old_path, zg_table_t *t, zg_dels_t *dels,
            zg_table_t *old);
/* The RRs of old (sorted) at the owner key key (klen octets): [*lo, *hi). */
void zg_old_find(const zg_table_t *old, const uint8_t *key, size_t klen, size_t *lo,
                 size_t *hi);
/* The change set's identity: SHA-256 of its deletions and RRs, in hex
 * (65 octets with the NUL). 0 or -1. */
int zg_changeset_id(const zg_table_t *t, const zg_dels_t *dels, char out[65]);

/* The server's answer to one UPDATE. id: the request's ID; key and mac:
 * the request's TSIG key and MAC (NULL: unsigned). 0 applied, -1 not
 * (err names the cause: an RCODE, a TSIG error, an answer that does not
 * verify or is not an answer). Bounded: one ldns_wire2pkt of len octets. */
int zg_upd_check(const uint8_t *wire, size_t len, uint16_t id, const zg_tsig_t *key,
                 const ldns_rdf *mac, char *err, size_t errlen);

/* Send the change set (dels, then t's owner names, t sorted) to server
 * ("ADDR[@PORT]") in transactions of bounded size (o->update_batch names,
 * one TCP message), o->pipeline of them in flight; with old (--diff), each
 * name requires what old holds for it. 0 when all were applied, -1 when
 * one was refused or unanswered (nothing after it is applied), -2 for a
 * local error; the summary and errors are printed. */
int zg_send_updates(const zg_opts_t *o, const char *server, const zg_tsig_t *key,
                    const zg_table_t *t, const zg_dels_t *dels, const zg_table_t *old,
                    const char *changeset);
/* One DNS message over TCP (RFC 1035 §4.2.2: its length first). 0 or -1. */
int zg_tcp_send(int fd, const uint8_t *wire, size_t len);

/* upd_conflict.c: after a transaction failed a prerequisite, ask the
 * server (plain queries on fd) for the RRsets the prerequisites pre name
 * (at most max_names owner names) and print each that differs. The number
 * printed, or -1 when the server could not be asked. */
int zg_upd_conflict(int fd, const ldns_rr_list *pre, size_t max_names);
/* The RRs (owner, type) of the answer section of the answer wire to the
 * query id, as a new list; NULL when it is not such an answer (or out of
 * memory). Bounded: one ldns_wire2pkt of len octets. */
ldns_rr_list *zg_conflict_rrset(const uint8_t *wire, size_t len, uint16_t id,
                                const ldns_rdf *owner, ldns_rr_type type);

#endif
