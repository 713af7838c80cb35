/* SPDX-License-Identifier: MIT */
/* The resolver context: options and start-up. The event loop that drives
 * it is in event_loop.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/lookup_state.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_CACHE (16u << 20)
#define MIN_CACHE (1u << 20)
#define MAX_TAS 4096

MIMI_EXPORT mimi_status_t mimi_ctx_new(mimi_ctx_t **ctx) {
  mimi_ctx_t *c;
  if (!ctx)
    return MIMI_EINVAL;
  *ctx = NULL;
  if (!(c = calloc(1, sizeof *c)))
    return MIMI_ENOMEM;
  c->backend_kind = MIMI_BACKEND_UNBOUND;
  c->policy = MIMI_POLICY_REQUIRE;
  c->case_retry = 1;
  c->parallel = 1;
  c->endpoints = 1;
  c->timeout_ms = DEFAULT_TIMEOUT_MS;
  c->cache_bytes = DEFAULT_CACHE;
  c->workers = 1;
  if (!(c->apexes[0] = mimi__strdup("e164.arpa"))) {
    free(c);
    return MIMI_ENOMEM;
  }
  c->napexes = 1;
  *ctx = c;
  return MIMI_OK;
}

/* Release everything (no lookups are left). */
static void release(mimi_ctx_t *c) {
  if (c->be)
    c->be_ops->stop(c->be);
  mimi__cache_free(c->cache);
  mimi__sha_free(c->sha);
  for (size_t i = 0; i < c->nservers; i++)
    free(c->servers[i]);
  for (size_t i = 0; i < c->nstubs; i++) {
    free(c->stubs[i].zone);
    free(c->stubs[i].server);
  }
  for (size_t i = 0; i < c->ntas; i++)
    free(c->tas[i]);
  free(c->tas);
  for (size_t i = 0; i < c->nta_files; i++)
    free(c->ta_files[i]);
  free(c->ta_files);
  for (size_t i = 0; i < c->napexes; i++)
    free(c->apexes[i]);
  free(c);
}

void mimi__ctx_leave(mimi_ctx_t *ctx) {
  if (--ctx->depth == 0 && ctx->dying)
    release(ctx);
}

#define CHECK_MUTABLE(ctx)                                                     \
  do {                                                                         \
    if (!(ctx) || (ctx)->dying)                                                \
      return MIMI_EINVAL;                                                      \
    if ((ctx)->started)                                                        \
      return MIMI_EBUSY;                                                       \
  } while (0)

MIMI_EXPORT const char *mimi_ctx_path(const mimi_ctx_t *ctx) {
  if (!ctx || !ctx->be || !ctx->be_ops->path)
    return NULL;
  return ctx->be_ops->path(ctx->be);
}

const char *mimi__ctx_own_path(const mimi_ctx_t *ctx) {
  return ctx->nservers ? NULL : mimi_ctx_path(ctx);
}

void mimi__ctx_use_backend(mimi_ctx_t *ctx, const mimi__backend_t *ops) {
  if (ctx && !ctx->started)
    ctx->be_ops = ops;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_backend(mimi_ctx_t *ctx,
                                               mimi_backend_t backend) {
  CHECK_MUTABLE(ctx);
  if (backend != MIMI_BACKEND_UNBOUND && backend != MIMI_BACKEND_CARES)
    return MIMI_EINVAL;
  ctx->backend_kind = backend;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_add_server(mimi_ctx_t *ctx,
                                              const char *server, char *err,
                                              size_t errlen) {
  CHECK_MUTABLE(ctx);
  if (!server)
    return MIMI_EINVAL;
  if (ctx->nservers == MIMI_MAX_SERVERS) {
    mimi__seterr(err, errlen, "at most %d servers", MIMI_MAX_SERVERS);
    return MIMI_EINVAL;
  }
  mimi_status_t st = mimi__server_parse(server, &ctx->servers[ctx->nservers],
                                        err, errlen);
  if (st == MIMI_OK)
    ctx->nservers++;
  return st;
}

/* A zone name for stubs and apexes: canonical, absolute. */
static mimi_status_t zone_canon(const char *zone, const char *what, char **out,
                                char *err, size_t errlen) {
  char *h = NULL;
  mimi_status_t st;
  mimi_buf_t b;
  if (strcmp(zone, ".") == 0) {
    *out = mimi__strdup(".");
    return *out ? MIMI_OK : MIMI_ENOMEM;
  }
  st = mimi__host_canon(zone, strlen(zone), 1, what, &h, err, errlen);
  if (st != MIMI_OK)
    return st == MIMI_EBADID ? MIMI_EINVAL : st;
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%s.", h);
  free(h);
  *out = mimi__buf_take(&b);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}

MIMI_EXPORT mimi_status_t mimi_ctx_add_stub(mimi_ctx_t *ctx, const char *zone,
                                            const char *server, char *err,
                                            size_t errlen) {
  mimi__stub_t s = {NULL, NULL};
  mimi_status_t st;
  CHECK_MUTABLE(ctx);
  if (!zone || !server)
    return MIMI_EINVAL;
  if (ctx->nstubs == MIMI_MAX_STUBS) {
    mimi__seterr(err, errlen, "at most %d stub zones", MIMI_MAX_STUBS);
    return MIMI_EINVAL;
  }
  if ((st = zone_canon(zone, "stub zone", &s.zone, err, errlen)) != MIMI_OK ||
      (st = mimi__server_parse(server, &s.server, err, errlen)) != MIMI_OK) {
    free(s.zone);
    return st;
  }
  ctx->stubs[ctx->nstubs++] = s;
  return MIMI_OK;
}

static mimi_status_t push(char ***arr, size_t *n, const char *s) {
  char **na, *d;
  if (*n == MAX_TAS)
    return MIMI_EINVAL;
  if (!(d = mimi__strdup(s)))
    return MIMI_ENOMEM;
  if (!(na = realloc(*arr, (*n + 1) * sizeof *na))) {
    free(d);
    return MIMI_ENOMEM;
  }
  na[(*n)++] = d;
  *arr = na;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_add_trust_anchor(mimi_ctx_t *ctx,
                                                    const char *rr) {
  CHECK_MUTABLE(ctx);
  if (!rr || !*rr)
    return MIMI_EINVAL;
  return push(&ctx->tas, &ctx->ntas, rr);
}

MIMI_EXPORT mimi_status_t mimi_ctx_add_trust_anchor_file(mimi_ctx_t *ctx,
                                                         const char *path) {
  CHECK_MUTABLE(ctx);
  if (!path || !*path)
    return MIMI_EINVAL;
  return push(&ctx->ta_files, &ctx->nta_files, path);
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_policy(mimi_ctx_t *ctx,
                                              mimi_policy_t policy) {
  CHECK_MUTABLE(ctx);
  if (policy != MIMI_POLICY_REQUIRE && policy != MIMI_POLICY_PREFER &&
      policy != MIMI_POLICY_OFF)
    return MIMI_EINVAL;
  ctx->policy = policy;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_enum_apexes(mimi_ctx_t *ctx,
                                                   const char *const *apexes,
                                                   size_t n, char *err,
                                                   size_t errlen) {
  char *tmp[MIMI_MAX_APEXES] = {NULL};
  mimi_status_t st = MIMI_OK;
  CHECK_MUTABLE(ctx);
  if (!apexes || n == 0 || n > MIMI_MAX_APEXES) {
    mimi__seterr(err, errlen, "give 1 to %d ENUM apexes", MIMI_MAX_APEXES);
    return MIMI_EINVAL;
  }
  for (size_t i = 0; i < n && st == MIMI_OK; i++) {
    char *h = NULL;
    if (!apexes[i])
      st = MIMI_EINVAL;
    else if ((st = mimi__host_canon(apexes[i], strlen(apexes[i]), 1,
                                    "ENUM apex", &h, err, errlen)) == MIMI_OK)
      tmp[i] = h;
    else if (st == MIMI_EBADID)
      st = MIMI_EINVAL;
  }
  if (st != MIMI_OK) {
    for (size_t i = 0; i < n; i++)
      free(tmp[i]);
    return st;
  }
  for (size_t i = 0; i < ctx->napexes; i++)
    free(ctx->apexes[i]);
  memcpy(ctx->apexes, tmp, n * sizeof *tmp);
  ctx->napexes = n;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_case_retry(mimi_ctx_t *ctx, int on) {
  CHECK_MUTABLE(ctx);
  ctx->case_retry = on != 0;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_parallel(mimi_ctx_t *ctx, int on) {
  CHECK_MUTABLE(ctx);
  ctx->parallel = on != 0;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_endpoints(mimi_ctx_t *ctx, int on) {
  CHECK_MUTABLE(ctx);
  ctx->endpoints = on != 0;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_workers(mimi_ctx_t *ctx,
                                               unsigned workers) {
  CHECK_MUTABLE(ctx);
  if (workers < 1 || workers > MIMI_MAX_WORKERS)
    return MIMI_EINVAL;
  ctx->workers = workers;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_transport(mimi_ctx_t *ctx,
                                                 unsigned flags) {
  CHECK_MUTABLE(ctx);
  if (flags & ~(unsigned)(MIMI_TRANSPORT_IPV4 | MIMI_TRANSPORT_IPV6 |
                          MIMI_TRANSPORT_TCP) ||
      (flags & MIMI_TRANSPORT_IPV4 && flags & MIMI_TRANSPORT_IPV6))
    return MIMI_EINVAL;
  ctx->transport = flags;
  return MIMI_OK;
}

/* With one address family: the servers of that family (the others are
 * not asked), and every stub's server of it; err says what is missing. */
static mimi_status_t filter_family(mimi_ctx_t *ctx, size_t *n, char *err,
                                   size_t errlen) {
  const char *fam = ctx->transport & MIMI_TRANSPORT_IPV6 ? "IPv6" : "IPv4";
  *n = 0;
  for (size_t i = 0; i < ctx->nservers; i++)
    if (mimi__server_in_family(ctx->servers[i], ctx->transport))
      ctx->fam_servers[(*n)++] = ctx->servers[i];
  if (ctx->nservers && *n == 0) {
    mimi__seterr(err, errlen, "no %s address among the servers given "
                 "(first: %s)", fam, ctx->servers[0]);
    return MIMI_ECONFIG;
  }
  for (size_t i = 0; i < ctx->nstubs; i++) {
    if (!mimi__server_in_family(ctx->stubs[i].server, ctx->transport)) {
      mimi__seterr(err, errlen, "stub %s: server %s is not an %s address",
                   ctx->stubs[i].zone, ctx->stubs[i].server, fam);
      return MIMI_ECONFIG;
    }
  }
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_trace(mimi_ctx_t *ctx, int on) {
  CHECK_MUTABLE(ctx);
  ctx->trace = on != 0;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_timeout(mimi_ctx_t *ctx,
                                               unsigned timeout_ms) {
  CHECK_MUTABLE(ctx);
  if (timeout_ms < 1 || timeout_ms > 600000)
    return MIMI_EINVAL;
  ctx->timeout_ms = timeout_ms;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_set_cache_size(mimi_ctx_t *ctx,
                                                  size_t bytes) {
  CHECK_MUTABLE(ctx);
  if (bytes < MIN_CACHE)
    return MIMI_EINVAL;
  ctx->cache_bytes = bytes;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_ctx_start(mimi_ctx_t *ctx, char *err,
                                         size_t errlen) {
  mimi_status_t st;
  if (!ctx || ctx->dying)
    return MIMI_EINVAL;
  if (ctx->started)
    return ctx->be ? MIMI_OK : MIMI_ECONFIG;
  /* A backend set by mimi__ctx_use_backend() (tests) wins. */
  if (!ctx->be_ops)
    ctx->be_ops = ctx->backend_kind == MIMI_BACKEND_CARES ? &mimi__backend_cares
                                                          : &mimi__backend_unbound;
  size_t nserv = ctx->nservers;
  char *const *servers = ctx->servers;
  if (ctx->transport & (MIMI_TRANSPORT_IPV4 | MIMI_TRANSPORT_IPV6)) {
    if ((st = filter_family(ctx, &nserv, err, errlen)) != MIMI_OK)
      return st;
    servers = ctx->fam_servers;
  }
  ctx->be_cfg = (mimi__be_config_t){
      .policy = ctx->policy,
      .servers = servers, .nservers = nserv,
      .stubs = ctx->stubs, .nstubs = ctx->nstubs,
      .tas = ctx->tas, .ntas = ctx->ntas,
      .ta_files = ctx->ta_files, .nta_files = ctx->nta_files,
      .apexes = ctx->apexes, .napexes = ctx->napexes,
      .timeout_ms = ctx->timeout_ms,
      .cache_bytes = ctx->cache_bytes,
      .workers = ctx->workers,
      .transport = ctx->transport,
      .sent_along = mimi__trace_sent_along,
      .sent_along_arg = ctx,
  };
  st = ctx->be_ops->start(&ctx->be_cfg, &ctx->be, err, errlen);
  if (st != MIMI_OK) {
    ctx->be = NULL;
    return st;
  }
  if (!(ctx->cache = mimi__cache_new(ctx->cache_bytes))) {
    ctx->be_ops->stop(ctx->be);
    ctx->be = NULL;
    return MIMI_ENOMEM;
  }
  ctx->started = 1;
  return MIMI_OK;
}

