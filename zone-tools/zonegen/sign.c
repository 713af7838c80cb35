/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen --sign: the zone's DNSKEY RRset (and NSEC3PARAM), then the
 * whole zone signed in canonical order. The output order is cut into
 * chunks that threads sign into buffers of their own; the calling thread
 * writes the chunks in order, and at most a few chunks per thread are
 * ever held, so memory is the table plus about 16 octets a name (plus 24
 * an NSEC3 hash), whatever the zone's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signer.h"
#include "wire_endian.h"
#include "wire_name.h"

#define CHUNK 512        /* names (or NSEC3s) a chunk */
#define SLOTS_PER_THREAD 4

typedef struct {
  const signer_t *s;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t nchunks, next, written, slots;
  zg_buf_t *out;
  uint8_t *ready;
  int failed;
} pool_t;

typedef struct {
  pool_t *p;
  pthread_t tid;
  worker_t w;
} thread_t;

static void *run(void *arg) {
  thread_t *th = arg;
  pool_t *p = th->p;
  pthread_mutex_lock(&p->mu);
  while (!p->failed && p->next < p->nchunks) {
    if (p->next >= p->written + p->slots) {
      pthread_cond_wait(&p->cv, &p->mu); /* the writer is behind */
      continue;
    }
    size_t c = p->next++;
    pthread_mutex_unlock(&p->mu);
    size_t from = c * CHUNK, to = from + CHUNK < p->s->nseq ? from + CHUNK : p->s->nseq;
    int rc = zg_sign_range(&th->w, from, to, &p->out[c % p->slots]);
    pthread_mutex_lock(&p->mu);
    if (rc != 0)
      p->failed = 1;
    p->ready[c % p->slots] = 1;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static int sign_and_write(const signer_t *s, unsigned nthreads, FILE *f) {
  pool_t p;
  thread_t *th = calloc(nthreads, sizeof *th);
  size_t started = 0;
  int rc = -1, mu = 0, cv = 0;
  memset(&p, 0, sizeof p);
  p.s = s;
  p.nchunks = (s->nseq + CHUNK - 1) / CHUNK;
  p.slots = (size_t)nthreads * SLOTS_PER_THREAD;
  p.out = calloc(p.slots, sizeof *p.out);
  p.ready = calloc(p.slots, 1);
  if (!th || !p.out || !p.ready)
    goto oom;
  if (pthread_mutex_init(&p.mu, NULL) != 0)
    goto oom;
  mu = 1;
  if (pthread_cond_init(&p.cv, NULL) != 0)
    goto oom;
  cv = 1;
  for (unsigned i = 0; i < nthreads; i++) {
    th[i].p = &p;
    if (zg_worker_init(&th[i].w, s) != 0) {
      fprintf(stderr, "mimi-zonegen: cannot set up signing (OpenSSL)\n");
      goto done;
    }
  }
  for (; started < nthreads; started++)
    if (pthread_create(&th[started].tid, NULL, run, &th[started]) != 0)
      break;
  if (started == 0) {
    fprintf(stderr, "mimi-zonegen: cannot start a signing thread\n");
    goto done;
  }
  /* Write chunk after chunk as they are ready. */
  for (size_t c = 0; c < p.nchunks; c++) {
    zg_buf_t *b = &p.out[c % p.slots];
    pthread_mutex_lock(&p.mu);
    while (!p.ready[c % p.slots] && !p.failed)
      pthread_cond_wait(&p.cv, &p.mu);
    int failed = p.failed;
    pthread_mutex_unlock(&p.mu);
    if (failed)
      break;
    if (b->n && fwrite(b->p, 1, b->n, f) != b->n) {
      pthread_mutex_lock(&p.mu);
      p.failed = 2; /* the caller reports the write error */
      pthread_cond_broadcast(&p.cv);
      pthread_mutex_unlock(&p.mu);
      break;
    }
    b->n = 0;
    pthread_mutex_lock(&p.mu);
    p.ready[c % p.slots] = 0;
    p.written++;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
  }
  rc = p.failed ? -1 : 0;
  goto done;
oom:
  fprintf(stderr, "mimi-zonegen: out of memory\n");
done:
  for (size_t i = 0; i < started; i++)
    pthread_join(th[i].tid, NULL);
  for (unsigned i = 0; th && i < nthreads; i++)
    zg_worker_free(&th[i].w);
  for (size_t i = 0; p.out && i < p.slots; i++)
    free(p.out[i].p);
  if (cv)
    pthread_cond_destroy(&p.cv);
  if (mu)
    pthread_mutex_destroy(&p.mu);
  free(p.out);
  free(p.ready);
  free(th);
  return rc;
}

/* What needs no key: the apex and its SOA, a zone not signed already.
 * 0, or -2 (printed). */
static int sign_setup(signer_t *s, const zg_opts_t *o, const zg_table_t *t,
                      const zg_rr_t **soap) {
  const zg_rr_t *soa = NULL;
  if (zg_name_wire(o->origin, s->apex, &s->apexlen) != 0 ||
      zg_owner_key(s->apex, s->apexlen, s->apexkey, &s->apexklen) != 0)
    return -2;
  s->apexlabels = wire_name_labels(s->apex, s->apexlen);
  if (o->nsec3 && s->apexlen + 33 > 255) {
    fprintf(stderr, "mimi-zonegen: %s is too long for NSEC3 owner names\n", o->origin);
    return -2;
  }
  for (size_t i = 0; i < t->n; i++) {
    uint16_t type = zg_rr_type(&t->v[i]);
    if (type == ZG_T_RRSIG || type == ZG_T_NSEC || type == ZG_T_NSEC3 ||
        type == ZG_T_NSEC3PARAM) {
      fprintf(stderr, "mimi-zonegen: the template is signed already (it has RRSIG, NSEC or "
              "NSEC3 records); give the unsigned one\n");
      return -2;
    }
    if (t->v[i].soa && t->v[i].ownerlen == s->apexklen &&
        memcmp(t->v[i].key, s->apexkey, s->apexklen) == 0)
      soa = &t->v[i];
  }
  if (!soa || soa->keylen < soa->ownerlen + 2u + 20u) {
    fprintf(stderr, "mimi-zonegen: no SOA at %s\n", o->origin);
    return -2;
  }
  *soap = soa;
  return 0;
}

int zg_sign_check(const zg_opts_t *o, const zg_table_t *t) {
  signer_t s;
  const zg_rr_t *soa;
  memset(&s, 0, sizeof s);
  return sign_setup(&s, o, t, &soa);
}

int zg_sign_zone(const zg_opts_t *o, zg_table_t *t, const zg_key_t *ksk, const zg_key_t *zsk,
                 FILE *f) {
  signer_t s;
  const zg_rr_t *soa = NULL;
  int rc = -1;
  memset(&s, 0, sizeof s);
  s.o = o;
  s.t = t;
  s.ksk = ksk;
  s.zsk = zsk;
  if (sign_setup(&s, o, t, &soa) != 0)
    return -2;
  /* NSEC/NSEC3 TTL: the smaller of the SOA's TTL and MINIMUM (RFC 9077
   * §3.2, updating RFC 4034 §4 and RFC 5155 §3). */
  uint32_t soa_ttl = soa->ttl, minimum = wire_get32(soa->key + soa->keylen - 4);
  s.nsec_ttl = minimum < soa_ttl ? minimum : soa_ttl;
  /* DNSKEY RRset at the apex (RFC 4035 §2.1), the SOA's TTL. */
  if (zg_add(t, s.apex, s.apexlen, ZG_T_DNSKEY, soa_ttl, ksk->rdata, ksk->rdlen, "") != 0 ||
      zg_add(t, s.apex, s.apexlen, ZG_T_DNSKEY, soa_ttl, zsk->rdata, zsk->rdlen, "") != 0)
    goto oom;
  if (o->nsec3) {
    /* NSEC3PARAM: SHA-1, flags 0, iterations 0, no salt (RFC 9276 §3.1). */
    static const uint8_t param[5] = {1, 0, 0, 0, 0};
    if (zg_add(t, s.apex, s.apexlen, ZG_T_NSEC3PARAM, s.nsec_ttl, param, sizeof param, "") != 0)
      goto oom;
  }
  unsigned nthreads = o->threads;
  if (nthreads == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = n > 0 ? (unsigned)(n < 256 ? n : 256) : 1;
  }
  s.threads = nthreads;
  zg_sort(t, nthreads);

  s.inception = (uint32_t)o->inception;
  s.expiration = (uint32_t)o->expiration;
  size_t used;
  zg_buf_put(&s.rrsig_tail, " ", 1);
  zg_txt_stamp(&s.rrsig_tail, s.expiration);
  zg_buf_put(&s.rrsig_tail, " ", 1);
  zg_txt_stamp(&s.rrsig_tail, s.inception);
  zg_buf_put(&s.rrsig_tail, " ", 1);
  zg_buf_put(&s.apextxt, " ", 1);
  zg_txt_name(&s.apextxt, s.apex, s.apexlen, &used);
  zg_buf_put(&s.apextxt, " ", 1);
  if (s.rrsig_tail.oom || s.apextxt.oom)
    goto oom;

  if (!(s.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) ||
      (o->nsec3 && !(s.sha1 = EVP_MD_fetch(NULL, "SHA1", NULL)))) {
    fprintf(stderr, "mimi-zonegen: OpenSSL has no SHA-256 or SHA-1\n");
    goto done;
  }
  if ((rc = zg_names_build(&s)) != 0 || (rc = zg_chain_build(&s)) != 0)
    goto done;
  rc = -1;
  fprintf(f, "; generated by mimi-zonegen %s (%s) for %s, signed (%s, KSK %u, ZSK %u)\n",
          MIMI_VERSION_STR, MIMI_PROFILE, o->origin, o->nsec3 ? "NSEC3" : "NSEC", ksk->tag,
          zsk->tag);
  rc = sign_and_write(&s, s.threads, f);
  goto done;
oom:
  fprintf(stderr, "mimi-zonegen: out of memory\n");
done:
  EVP_MD_free((EVP_MD *)s.sha256);
  EVP_MD_free((EVP_MD *)s.sha1);
  free(s.rrsig_tail.p);
  free(s.apextxt.p);
  free(s.names);
  free(s.hashed);
  free(s.seq);
  return rc;
}
