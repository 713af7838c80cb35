/* SPDX-License-Identifier: MIT */
/* Owner names (MIMI-DNS/1 §2, §5; RFC 7929 §3, RFC 6116 §2.4, RFC 9460 §2.3). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <pthread.h>

#include "codec/codec.h"

/*
 * OpenSSL 3 looks the algorithm up on every EVP_Digest(..., EVP_sha256())
 * or SHA256() call, which costs several times the hashing of a local part.
 * Fetch it once per process; the handle is immutable and thread-safe, the
 * one piece of process-wide state in the library (never freed).
 */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static void sha256_fetch(void) { sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL); }

static mimi_status_t finish_name(mimi_buf_t *b, char **name) {
  char *n = mimi__buf_take(b);
  mimi_status_t st;
  if (!n)
    return MIMI_ENOMEM;
  if ((st = mimi__name_check(n, NULL, 0)) != MIMI_OK) {
    free(n);
    return st;
  }
  *name = n;
  return MIMI_OK;
}

/* Canonical host for a name function: EBADID for garbage. */
static mimi_status_t canon(const char *host, int min_labels, char **out) {
  if (!host)
    return MIMI_EINVAL;
  return mimi__host_canon(host, strlen(host), min_labels, "domain", out, NULL, 0);
}

struct evp_md_ctx_st *mimi__sha_new(void) { return EVP_MD_CTX_new(); }
void mimi__sha_free(struct evp_md_ctx_st *sha) { EVP_MD_CTX_free(sha); }

static int sha256(EVP_MD_CTX *sha, const char *s, unsigned char *md,
                  unsigned int *mdlen) {
  if (!sha)
    return EVP_Digest(s, strlen(s), md, mdlen, sha256_md, NULL);
  /* Init with the same algorithm again reuses the state's allocations. */
  return EVP_DigestInit_ex2(sha, sha256_md, NULL) &&
         EVP_DigestUpdate(sha, s, strlen(s)) && EVP_DigestFinal_ex(sha, md, mdlen);
}

mimi_status_t mimi__name_handle_canon(const char *local, const char *dom,
                                      struct evp_md_ctx_st *sha, char **name) {
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  size_t dl = strlen(dom), o = 0;
  char *n;
  mimi_status_t st;

  pthread_once(&sha256_once, sha256_fetch);
  if (!sha256_md || !sha256(sha, local, md, &mdlen) || mdlen < MIMI__HASH_OCTETS)
    return MIMI_ENOMEM; /* fails only on allocation failure */
  /* "<56 hex>._mimi.<domain>.", built in place: one allocation. */
  if (!(n = malloc(2 * MIMI__HASH_OCTETS + 7 + dl + 2)))
    return MIMI_ENOMEM;
  for (int i = 0; i < MIMI__HASH_OCTETS; i++) {
    n[o++] = hex[md[i] >> 4];
    n[o++] = hex[md[i] & 15];
  }
  memcpy(n + o, "._mimi.", 7);
  o += 7;
  memcpy(n + o, dom, dl);
  o += dl;
  n[o++] = '.';
  n[o] = '\0';
  if ((st = mimi__name_check(n, NULL, 0)) != MIMI_OK) {
    free(n);
    return st;
  }
  *name = n;
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_name_handle(const char *local, const char *domain,
                                           char **name) {
  char *dom = NULL;
  mimi_status_t st;

  if (name)
    *name = NULL;
  if (!local || !name)
    return MIMI_EINVAL;
  if (!*local)
    return MIMI_EBADID;
  if ((st = canon(domain, 1, &dom)) != MIMI_OK)
    return st;
  st = mimi__name_handle_canon(local, dom, NULL, name);
  free(dom);
  return st;
}

MIMI_EXPORT mimi_status_t mimi_name_handle_retry(const char *local,
                                                 const char *domain,
                                                 char **name) {
  char *lower;
  int upper = 0;
  mimi_status_t st;

  if (name)
    *name = NULL;
  if (!local || !name)
    return MIMI_EINVAL;
  for (const char *p = local; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      upper = 1;
  if (!upper)
    return MIMI_OK; /* no retry applies */
  if (!(lower = mimi__strdup(local)))
    return MIMI_ENOMEM;
  for (char *p = lower; *p; p++) /* ASCII only: non-ASCII is left as given */
    *p = (char)mimi__ascii_lower((unsigned char)*p);
  st = mimi_name_handle(lower, domain, name);
  free(lower);
  return st;
}

MIMI_EXPORT mimi_status_t mimi_name_domain(const char *handle, char **name) {
  char *h = NULL;
  mimi_buf_t b;
  mimi_status_t st;

  if (name)
    *name = NULL;
  if (!name)
    return MIMI_EINVAL;
  if ((st = canon(handle, 2, &h)) != MIMI_OK)
    return st;
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "_mimi.%s.", h);
  free(h);
  return finish_name(&b, name);
}

/* "+" and 2..15 digits, first digit 1-9 (E.164). Returns the digit count or 0. */
static size_t e164_digits(const char *number) {
  size_t n;
  if (!number || number[0] != '+' || number[1] < '1' || number[1] > '9')
    return 0;
  for (n = 0; number[1 + n]; n++)
    if (number[1 + n] < '0' || number[1 + n] > '9')
      return 0;
  return (n >= 2 && n <= 15) ? n : 0;
}

MIMI_EXPORT mimi_status_t mimi_name_enum(const char *number, const char *apex,
                                         char **name) {
  char *a = NULL;
  size_t n;
  mimi_buf_t b;
  mimi_status_t st;

  if (name)
    *name = NULL;
  if (!name || !number)
    return MIMI_EINVAL;
  if (!(n = e164_digits(number)))
    return MIMI_EBADID;
  if ((st = canon(apex, 1, &a)) != MIMI_OK)
    return st;
  mimi__buf_init(&b);
  for (size_t i = n; i > 0; i--) { /* RFC 6116 §2.4: reversed, one digit per label */
    mimi__buf_addc(&b, number[i]);
    mimi__buf_addc(&b, '.');
  }
  mimi__buf_adds(&b, a);
  mimi__buf_addc(&b, '.');
  free(a);
  return finish_name(&b, name);
}

char *mimi__name_https(const char *host, size_t n, uint16_t port) {
  mimi_buf_t b;
  mimi__buf_init(&b);
  if (port != 0 && port != 443)
    mimi__buf_addf(&b, "_%u._https.", (unsigned)port);
  mimi__buf_add(&b, host, n);
  if (!n || host[n - 1] != '.')
    mimi__buf_addc(&b, '.');
  return mimi__buf_take(&b);
}

MIMI_EXPORT mimi_status_t mimi_name_svcb(const char *provider, uint16_t port,
                                         char **name) {
  char *p = NULL;
  mimi_buf_t b;
  mimi_status_t st;

  if (name)
    *name = NULL;
  if (!name)
    return MIMI_EINVAL;
  if ((st = canon(provider, 1, &p)) != MIMI_OK)
    return st;
  mimi__buf_init(&b);
  /* RFC 9460 §2.3: port prefix naming, omitted for the default port. */
  if (port != 0 && port != 443)
    mimi__buf_addf(&b, "_%u.", (unsigned)port);
  mimi__buf_addf(&b, "_mimi.%s.", p);
  free(p);
  return finish_name(&b, name);
}
