/* SPDX-License-Identifier: MIT */
/*
 * mimi-client — how a messenger embeds libmimi: resolve the identifiers
 * given on the command line concurrently, with the asynchronous API in the
 * application's own poll() loop, and print where to connect.
 *
 *   mimi-client [-s ADDR[@PORT]] [-t TRUST-ANCHOR-FILE] IDENTIFIER...
 *
 * Build against the installed library:
 *   cc mimi-client.c $(pkg-config --cflags --libs libmimi) -o mimi-client
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mimi.h>

struct lookup {
  const char *id;
  int done;
};

static int failures;

/* Fires exactly once per lookup; the result is ours to free. */
static void on_result(void *arg, mimi_status_t st, mimi_result_t *r) {
  struct lookup *l = arg;
  l->done = 1;
  if (st != MIMI_OK) {
    printf("%s: %s\n", l->id, mimi_strerror(st));
    failures++;
    return;
  }
  switch (mimi_result_outcome(r)) {
  case MIMI_OUTCOME_FOUND:
    for (size_t i = 0; i < mimi_result_mapping_count(r); i++)
      printf("%s -> %s (%s)\n", l->id, mimi_record_uri(mimi_result_mapping(r, i)),
             mimi_dnssec_name(mimi_result_mapping_dnssec(r, i)));
    for (size_t p = 0; p < mimi_result_provider_count(r); p++) {
      for (size_t e = 0; e < mimi_result_endpoint_count(r, p); e++) {
        const mimi_endpoint_t *ep = mimi_result_endpoint(r, p, e);
        printf("  connect %s port %u, TLS name %s\n", mimi_endpoint_target(ep),
               (unsigned)mimi_endpoint_port(ep), mimi_endpoint_tls_name(ep));
      }
    }
    break;
  case MIMI_OUTCOME_NOTFOUND:
    printf("%s: not found\n", l->id);
    break;
  case MIMI_OUTCOME_OPTEDOUT:
    printf("%s: opted out\n", l->id);
    break;
  case MIMI_OUTCOME_FAILED:
    printf("%s: lookup failed: %s\n", l->id, mimi_result_reason(r));
    failures++;
    break;
  }
  mimi_result_free(r);
}

int main(int argc, char **argv) {
  char err[MIMI_ERRLEN] = "";
  mimi_ctx_t *ctx = NULL;
  struct lookup *ls;
  int c, n, rc = 1;

  if (mimi_ctx_new(&ctx) != MIMI_OK)
    return 1;
  while ((c = getopt(argc, argv, "s:t:")) != -1) {
    if (c == 's' && mimi_ctx_add_server(ctx, optarg, err, sizeof err) == MIMI_OK)
      continue;
    if (c == 't' && mimi_ctx_add_trust_anchor_file(ctx, optarg) == MIMI_OK)
      continue;
    fprintf(stderr, "usage: mimi-client [-s ADDR[@PORT]] [-t FILE] IDENTIFIER... %s\n", err);
    goto done;
  }
  n = argc - optind;
  if (n <= 0 || !(ls = calloc((size_t)n, sizeof *ls))) {
    fprintf(stderr, "usage: mimi-client [-s ADDR[@PORT]] [-t FILE] IDENTIFIER...\n");
    goto done;
  }
  if (mimi_ctx_start(ctx, err, sizeof err) != MIMI_OK) {
    fprintf(stderr, "mimi-client: %s\n", err);
    free(ls);
    goto done;
  }
  for (int i = 0; i < n; i++) {
    ls[i].id = argv[optind + i];
    if (mimi_lookup_async(ctx, ls[i].id, on_result, &ls[i], NULL, err, sizeof err) != MIMI_OK) {
      printf("%s: %s\n", ls[i].id, err);
      ls[i].done = 1;
      failures++;
    }
  }
  /* The application's event loop: poll the library's descriptors. */
  while (mimi_ctx_pending(ctx) > 0) {
    struct pollfd fds[16];
    size_t k = mimi_ctx_pollfds(ctx, fds, 16);
    if (poll(fds, k < 16 ? (nfds_t)k : 16, mimi_ctx_timeout(ctx)) < 0)
      break;
    mimi_ctx_process(ctx);
  }
  free(ls);
  rc = failures ? 1 : 0;
done:
  mimi_ctx_free(ctx);
  return rc;
}
