/* The resolver context: options, start-up, the event loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "resolver.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_CACHE (16u << 20)
#define MIN_CACHE (1u << 20)
#define MAX_TAS 4096

int64_t mimi__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

MIMI_EXPORT const char *mimi_dnssec_name(mimi_dnssec_t s) {
  switch (s) {
  case MIMI_DNSSEC_UNCHECKED: return "unchecked";
  case MIMI_DNSSEC_SECURE: return "secure";
  case MIMI_DNSSEC_INSECURE: return "insecure";
  case MIMI_DNSSEC_BOGUS: return "bogus";
  }
  return "unknown";
}

MIMI_EXPORT const char *mimi_outcome_name(mimi_outcome_t o) {
  switch (o) {
  case MIMI_OUTCOME_FOUND: return "found";
  case MIMI_OUTCOME_NOTFOUND: return "not-found";
  case MIMI_OUTCOME_OPTEDOUT: return "opted-out";
  case MIMI_OUTCOME_FAILED: return "failed";
  }
  return "unknown";
}

MIMI_EXPORT const char *mimi_failure_name(mimi_failure_t f) {
  switch (f) {
  case MIMI_FAIL_NONE: return "none";
  case MIMI_FAIL_BOGUS: return "bogus";
  case MIMI_FAIL_INSECURE: return "insecure";
  case MIMI_FAIL_TIMEOUT: return "timeout";
  case MIMI_FAIL_SERVFAIL: return "servfail";
  case MIMI_FAIL_NETWORK: return "network";
  case MIMI_FAIL_LOOP: return "loop";
  case MIMI_FAIL_INTERNAL: return "internal";
  }
  return "unknown";
}

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

MIMI_EXPORT void mimi_ctx_free(mimi_ctx_t *ctx) {
  if (!ctx || ctx->dying)
    return;
  ctx->dying = 1;
  ctx->depth++;
  mimi__lookups_cancel_all(ctx);
  ctx->depth--;
  if (ctx->depth == 0)
    release(ctx);
  /* else: released by mimi__ctx_leave() when the outermost call returns */
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

MIMI_EXPORT mimi_status_t mimi_ctx_set_backend(mimi_ctx_t *ctx,
                                               mimi_backend_t backend) {
  CHECK_MUTABLE(ctx);
  if (backend != MIMI_BACKEND_UNBOUND && backend != MIMI_BACKEND_CARES)
    return MIMI_EINVAL;
  ctx->backend_kind = backend;
  return MIMI_OK;
}

mimi_status_t mimi__server_parse(const char *s, char **out, char *err,
                                 size_t errlen) {
  char show[MIMI_SHOWLEN], addr[INET6_ADDRSTRLEN + 1];
  unsigned char bin[16];
  const char *at = strrchr(s, '@');
  size_t alen = at ? (size_t)(at - s) : strlen(s);
  unsigned long port = 53;
  mimi_buf_t b;

  *out = NULL;
  if (alen == 0 || alen >= sizeof addr) {
    mimi__seterr(err, errlen, "server '%s' is not an IP address",
                 mimi__show(show, sizeof show, s, strlen(s)));
    return MIMI_EINVAL;
  }
  memcpy(addr, s, alen);
  addr[alen] = '\0';
  if (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1) {
    mimi__seterr(err, errlen, "server '%s' is not an IPv4 or IPv6 address "
                 "(write ADDR or ADDR@PORT)",
                 mimi__show(show, sizeof show, addr, alen));
    return MIMI_EINVAL;
  }
  if (at) {
    char *end;
    errno = 0;
    port = strtoul(at + 1, &end, 10);
    if (at[1] < '0' || at[1] > '9' || *end || errno || port < 1 || port > 65535) {
      mimi__seterr(err, errlen, "server port '%s' is not 1-65535",
                   mimi__show(show, sizeof show, at + 1, strlen(at + 1)));
      return MIMI_EINVAL;
    }
  }
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%s@%lu", addr, port);
  *out = mimi__buf_take(&b);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}

int mimi__server_is_loopback(const char *s) {
  return strncmp(s, "127.", 4) == 0 || strncmp(s, "::1@", 4) == 0;
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
  switch (ctx->backend_kind) {
  case MIMI_BACKEND_UNBOUND:
    ctx->be_ops = &mimi__backend_unbound;
    break;
  case MIMI_BACKEND_CARES:
    ctx->be_ops = &mimi__backend_cares;
    break;
  }
  st = ctx->be_ops->start(ctx, &ctx->be, err, errlen);
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

/* ---- Event loop ------------------------------------------------------- */

MIMI_EXPORT size_t mimi_ctx_pollfds(mimi_ctx_t *ctx, struct pollfd *fds,
                                    size_t n) {
  if (!ctx || !ctx->be || ctx->dying)
    return 0;
  return ctx->be_ops->pollfds(ctx->be, fds, n);
}

MIMI_EXPORT int mimi_ctx_timeout(mimi_ctx_t *ctx) {
  int64_t dl, now;
  int t = -1;
  if (!ctx || !ctx->be || ctx->dying || !ctx->queries)
    return -1;
  now = mimi__now_ms();
  dl = mimi__lookups_deadline(ctx);
  if (dl >= 0)
    t = dl <= now ? 0 : (int)(dl - now > 600000 ? 600000 : dl - now);
  int bt = ctx->be_ops->timeout(ctx->be);
  if (bt >= 0 && (t < 0 || bt < t))
    t = bt;
  return t;
}

MIMI_EXPORT mimi_status_t mimi_ctx_process(mimi_ctx_t *ctx) {
  if (!ctx || ctx->dying)
    return MIMI_EINVAL;
  if (!ctx->be)
    return MIMI_OK;
  ctx->depth++;
  mimi__lookups_deliver_deferred(ctx);
  if (!ctx->dying)
    ctx->be_ops->process(ctx->be);
  if (!ctx->dying)
    mimi__lookups_expire(ctx, mimi__now_ms());
  mimi__ctx_leave(ctx);
  return MIMI_OK;
}

MIMI_EXPORT size_t mimi_ctx_pending(const mimi_ctx_t *ctx) {
  return ctx ? ctx->nqueries : 0;
}
