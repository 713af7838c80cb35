/* SPDX-License-Identifier: MIT */
/* mimi-lookup: running lookups (one, several, or a batch file). */
#ifndef MIMI_CLI_LOOKUP_RUN_H
#define MIMI_CLI_LOOKUP_RUN_H

#include <mimi.h>

typedef struct {
  int json, short_mode, trace, stats;
  int several; /* more than one identifier (set by lookup_run) */
  int hint_ta;  /* a server on this machine and no --trust-anchor given */
  const char *batch; /* file, "-" for stdin, or NULL */
  unsigned in_flight;
} run_opts_t;

/* Resolve the identifiers; returns the exit status. Frees ctx. */
int lookup_run(mimi_ctx_t *ctx, char **ids, int n, const run_opts_t *o);

#endif
