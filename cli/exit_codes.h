/* SPDX-License-Identifier: MIT */
/* mimi-lookup exit status (documented in mimi-lookup(1), EXIT STATUS). */
#ifndef MIMI_CLI_EXIT_CODES_H
#define MIMI_CLI_EXIT_CODES_H

enum {
  EXIT_FOUND = 0,     /* found, DNSSEC policy met (or --explain succeeded) */
  EXIT_NOTFOUND = 1,  /* not found, or opted out */
  EXIT_USAGE = 2,     /* bad options or identifiers */
  EXIT_DNSSEC = 3,    /* bogus, or the DNSSEC policy was not met */
  EXIT_TRANSIENT = 4, /* timeout, SERVFAIL, network */
  EXIT_LOCAL = 5      /* local or configuration error */
};

#endif
