/* SPDX-License-Identifier: MIT */
/* mimi-lookup --explain: what a lookup would send, without sending it. */
#ifndef MIMI_CLI_EXPLAIN_H
#define MIMI_CLI_EXPLAIN_H

#include <stdio.h>

#include <mimi.h>

/*
 * Explain each identifier on out (text, or one JSON document with json),
 * after where the queries would go: servers (nservers of them, as given)
 * and stubs ("ZONE=ADDR"), or recursion from the root when there are none.
 * Problems with an identifier go to err (text) or into the JSON.
 * Returns an exit status: EXIT_FOUND, EXIT_USAGE (an identifier is invalid)
 * or EXIT_LOCAL.
 */
int explain_run(char *const *ids, int n, const mimi_plan_opts_t *opts, int json,
                int parallel,
                const char *path, const char *const *servers, size_t nservers, const char *const *stubs,
                size_t nstubs, FILE *out, FILE *err);

#endif
