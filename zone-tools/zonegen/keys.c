/* SPDX-License-Identifier: MIT */
/*
 * DNSSEC keys for mimi-zonegen --sign, in the BIND file format that
 * dnssec-keygen and ldns-keygen write: Kname.+alg+tag.key (the DNSKEY RR)
 * and Kname.+alg+tag.private ("Private-key-format: v1.x", "Algorithm: N",
 * then the key's fields). ECDSA P-256 with SHA-256 (algorithm 13, RFC 6605)
 * is what is signed with; other algorithms are refused by name.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "atomic_file.h"
#include "sign.h"
#include "wire_endian.h"

uint16_t zg_key_tag(const uint8_t *rd, size_t len) {
  /* RFC 4034 Appendix B (algorithm 1 excepted; it is not supported). */
  uint32_t ac = 0;
  for (size_t i = 0; i < len; i++)
    ac += (i & 1) ? rd[i] : (uint32_t)rd[i] << 8;
  ac += (ac >> 16) & 0xffff;
  return (uint16_t)(ac & 0xffff);
}

static const char *alg_name(unsigned alg) {
  switch (alg) {
  case 5: return "RSASHA1";
  case 7: return "RSASHA1-NSEC3-SHA1";
  case 8: return "RSASHA256";
  case 10: return "RSASHA512";
  case 13: return "ECDSAP256SHA256";
  case 14: return "ECDSAP384SHA384";
  case 15: return "ED25519";
  case 16: return "ED448";
  default: return "unknown";
  }
}

/* Base64 (RFC 4648 §4) with blanks ignored; the length, or -1. */
static long b64_decode(const char *in, uint8_t *out, size_t cap) {
  char *clean = malloc(strlen(in) + 1);
  size_t n = 0, pad = 0;
  long rc = -1;
  if (!clean)
    return -1;
  for (const char *p = in; *p; p++)
    if (!isspace((unsigned char)*p))
      clean[n++] = *p;
  clean[n] = '\0';
  if (n == 0 || n % 4 || n / 4 * 3 > cap)
    goto done;
  pad = (clean[n - 1] == '=') + (clean[n - 2] == '=');
  int got = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)n);
  if (got < 0 || (size_t)got < pad)
    goto done;
  rc = got - (long)pad;
done:
  free(clean);
  return rc;
}

/* a b c concatenated (allocated), or NULL. */
static char *join(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *s = malloc(la + lb + lc + 1);
  if (s) {
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
  }
  return s;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "r");
  char *buf = NULL;
  size_t n = 0, cap = 0;
  if (!f) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", path, strerror(errno));
    return NULL;
  }
  for (;;) {
    if (n + 4096 + 1 > cap) {
      /* Key files are small; refuse anything that is not. */
      if (cap >= 1 << 20) {
        fprintf(stderr, "mimi-zonegen: %s: too large for a key file\n", path);
        goto fail;
      }
      char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);
      if (!nb) {
        fprintf(stderr, "mimi-zonegen: %s: out of memory\n", path);
        goto fail;
      }
      buf = nb;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", path, strerror(errno));
    goto fail;
  }
  buf[n] = '\0';
  fclose(f);
  return buf;
fail:
  free(buf);
  fclose(f);
  return NULL;
}

/* The DNSKEY RR of a .key file: "[;comment]" lines, then
 * "owner [ttl] [IN] DNSKEY flags 3 alg base64". */
static int parse_dotkey(zg_key_t *k, const char *path, const char *text, const char *origin) {
  const char *line = text;
  while (line && *line) {
    const char *eol = strchr(line, '\n');
    size_t ll = eol ? (size_t)(eol - line) : strlen(line);
    char *l = strndup(line, ll), *save = NULL, *tok, *owner;
    if (!l) {
      fprintf(stderr, "mimi-zonegen: %s: out of memory\n", path);
      return -1;
    }
    char *semi = strchr(l, ';');
    if (semi)
      *semi = '\0';
    owner = strtok_r(l, " \t\r", &save);
    while (owner && (tok = strtok_r(NULL, " \t\r", &save)) && strcasecmp(tok, "DNSKEY") != 0)
      ;
    if (owner && tok) {
      char *fl = strtok_r(NULL, " \t\r", &save), *pr = strtok_r(NULL, " \t\r", &save);
      char *al = strtok_r(NULL, " \t\r", &save), *rest = strtok_r(NULL, "", &save);
      size_t ol = strlen(owner), zl = strlen(origin);
      int same = ol == zl ? strcasecmp(owner, origin) == 0
                          : ol + 1 == zl && strncasecmp(owner, origin, ol) == 0;
      long n;
      if (!fl || !pr || !al || !rest || atoi(pr) != 3) {
        fprintf(stderr, "mimi-zonegen: %s: not a DNSKEY record\n", path);
      } else if (!same) {
        fprintf(stderr, "mimi-zonegen: %s: a key of %s, not of the zone %s\n", path, owner,
                origin);
      } else if ((n = b64_decode(rest, k->rdata + 4, sizeof k->rdata - 4)) <= 0) {
        fprintf(stderr, "mimi-zonegen: %s: the public key is not base64\n", path);
      } else {
        unsigned flags = (unsigned)strtoul(fl, NULL, 10);
        k->flags = (uint16_t)flags;
        k->alg = (uint8_t)atoi(al);
        wire_put16(k->rdata, (uint16_t)flags);
        k->rdata[2] = 3;
        k->rdata[3] = k->alg;
        k->rdlen = 4 + (size_t)n;
        k->tag = zg_key_tag(k->rdata, k->rdlen);
        free(l);
        return 0;
      }
      free(l);
      return -1;
    }
    free(l);
    line = eol ? eol + 1 : NULL;
  }
  fprintf(stderr, "mimi-zonegen: %s: no DNSKEY record in it\n", path);
  return -1;
}

/* The value of "Field: value" in a .private file, or NULL. */
static const char *field(const char *text, const char *name, char *out, size_t cap) {
  size_t nl = strlen(name);
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
      const char *v = l + nl + 1;
      size_t vl = strcspn(v, "\r\n");
      while (vl && (*v == ' ' || *v == '\t'))
        v++, vl--;
      if (vl >= cap)
        return NULL;
      memcpy(out, v, vl);
      out[vl] = '\0';
      return out;
    }
  }
  return NULL;
}

/* An EC P-256 key pair from the private scalar and the public point. */
static EVP_PKEY *ec_from(const uint8_t *priv, size_t privlen, const uint8_t *xy) {
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *pkey = NULL;
  BIGNUM *d = BN_bin2bn(priv, (int)privlen, NULL);
  uint8_t pub[65];
  pub[0] = 0x04; /* uncompressed point (SEC 1 §2.3.3); RFC 6605 §4 gives x|y */
  memcpy(pub + 1, xy, 64);
  if (!bld || !d ||
      !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
      !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub) ||
      !(params = OSSL_PARAM_BLD_to_param(bld)) ||
      !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
      EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
    pkey = NULL;
  EVP_PKEY_CTX_free(ctx);
  ctx = NULL; /* freed again below when the pair check is skipped */
  if (pkey && ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
               EVP_PKEY_pairwise_check(ctx) != 1)) {
    EVP_PKEY_free(pkey);
    pkey = NULL;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_clear_free(d);
  return pkey;
}

/* "K....key", "K....private" or "K..." → the base name (allocated). */
static char *base_of(const char *path) {
  size_t l = strlen(path);
  if (l > 8 && strcmp(path + l - 8, ".private") == 0)
    return strndup(path, l - 8);
  if (l > 4 && strcmp(path + l - 4, ".key") == 0)
    return strndup(path, l - 4);
  return strdup(path);
}

int zg_key_parse(zg_key_t *k, const char *pub, const char *ktext, const char *priv,
                 const char *ptext, const char *origin) {
  char val[2048];
  uint8_t d[64];
  int rc = -1;
  memset(k, 0, sizeof *k);
  if (parse_dotkey(k, pub, ktext, origin) != 0)
    goto done;
  if (!field(ptext, "Private-key-format", val, sizeof val) ||
      !field(ptext, "Algorithm", val, sizeof val)) {
    fprintf(stderr, "mimi-zonegen: %s: not a private key file (Private-key-format, "
            "Algorithm)\n", priv);
    goto done;
  }
  unsigned alg = (unsigned)strtoul(val, NULL, 10);
  if (alg != k->alg) {
    fprintf(stderr, "mimi-zonegen: %s is algorithm %u, %s algorithm %u\n", priv, alg, pub,
            k->alg);
    goto done;
  }
  if (alg != ZG_ALG_ECDSAP256) {
    fprintf(stderr, "mimi-zonegen: %s: algorithm %u (%s) is not supported; use 13 "
            "(ECDSAP256SHA256)\n", priv, alg, alg_name(alg));
    goto done;
  }
  long n;
  if (!field(ptext, "PrivateKey", val, sizeof val) ||
      (n = b64_decode(val, d, sizeof d)) < 1 || n > 32 || k->rdlen != 4 + 64) {
    fprintf(stderr, "mimi-zonegen: %s: not an ECDSA P-256 key\n", priv);
    goto done;
  }
  /* The scalar is a big-endian integer: ldns writes it without leading
   * zero octets (31 octets for about 1 key in 256); widen it to 32. */
  memmove(d + (32 - n), d, (size_t)n);
  memset(d, 0, (size_t)(32 - n));
  if (!(k->pkey = ec_from(d, 32, k->rdata + 4))) {
    fprintf(stderr, "mimi-zonegen: %s does not match %s (or is not a P-256 key)\n", priv, pub);
    goto done;
  }
  k->siglen = 64; /* r | s (RFC 6605 §4) */
  rc = 0;
done:
  OPENSSL_cleanse(d, sizeof d);
  OPENSSL_cleanse(val, sizeof val);
  return rc;
}

int zg_is_key_file(const char *name, const char *origin) {
  size_t l = strlen(name), ol = strlen(origin);
  /* "K" origin "+013+" tag ".key" */
  return l > ol + 10 && name[0] == 'K' && strncasecmp(name + 1, origin, ol) == 0 &&
         strncmp(name + 1 + ol, "+013+", 5) == 0 && strcmp(name + l - 4, ".key") == 0;
}

int zg_key_load(zg_key_t *k, const char *path, const char *origin) {
  char *base = base_of(path), *pub = NULL, *priv = NULL, *ktext = NULL, *ptext = NULL;
  int rc = -1;
  memset(k, 0, sizeof *k);
  if (!base || !(pub = join(base, ".key", "")) || !(priv = join(base, ".private", ""))) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    goto done;
  }
  if (!(ktext = read_file(pub)) || !(ptext = read_file(priv)))
    goto done;
  rc = zg_key_parse(k, pub, ktext, priv, ptext, origin);
done:
  if (ptext)
    OPENSSL_cleanse(ptext, strlen(ptext));
  free(ptext);
  free(ktext);
  free(pub);
  free(priv);
  free(base);
  return rc;
}

void zg_key_free(zg_key_t *k) {
  EVP_PKEY_free(k->pkey);
  memset(k, 0, sizeof *k);
}

/* A new P-256 key pair as the two BIND files in dir. */
static int generate(zg_key_t *k, const char *dir, const char *origin, uint16_t flags,
                    uint16_t avoid_tag) {
  EVP_PKEY *pkey = NULL;
  BIGNUM *d = NULL;
  uint8_t pub[65], priv[32];
  size_t publen = 0;
  char *base = NULL, *path = NULL;
  zg_buf_t txt = {0};
  atomic_file_t a;
  int rc = -1;
  memset(k, 0, sizeof *k);
  for (int tries = 0; tries < 8; tries++) {
    EVP_PKEY_free(pkey);
    BN_clear_free(d);
    d = NULL;
    if (!(pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) ||
        !EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub,
                                         &publen) ||
        publen != 65 || pub[0] != 0x04 ||
        !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
        BN_bn2binpad(d, priv, sizeof priv) != 32) {
      fprintf(stderr, "mimi-zonegen: cannot generate an ECDSA P-256 key\n");
      goto done;
    }
    wire_put16(k->rdata, flags);
    k->rdata[2] = 3;
    k->rdata[3] = ZG_ALG_ECDSAP256;
    memcpy(k->rdata + 4, pub + 1, 64);
    k->rdlen = 68;
    k->tag = zg_key_tag(k->rdata, k->rdlen);
    if (k->tag != avoid_tag) /* the file names must differ */
      break;
  }
  k->flags = flags;
  k->alg = ZG_ALG_ECDSAP256;
  k->siglen = 64;
  char tag[16];
  snprintf(tag, sizeof tag, "+013+%05u", k->tag);
  if (!(path = join(dir, "/K", origin)) || !(base = join(path, tag, "")))
    goto oom;
  free(path);
  /* The private key first, mode 0600; the .key last: a directory with a
   * .key has its .private. */
  if (!(path = join(base, ".private", "")))
    goto oom;
  zg_buf_puts(&txt, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: ");
  zg_txt_base64(&txt, priv, sizeof priv);
  zg_buf_put(&txt, "\n", 1);
  if (txt.oom)
    goto oom;
  if (atomic_open_mode(&a, path, 0600) != 0 || fwrite(txt.p, 1, txt.n, a.f) != txt.n ||
      atomic_commit(&a) != 0) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", path, strerror(errno));
    atomic_abort(&a);
    goto done;
  }
  free(path);
  OPENSSL_cleanse(txt.p, txt.n);
  txt.n = 0;
  if (!(path = join(base, ".key", "")))
    goto oom;
  zg_buf_printf(&txt, "; This is a %s-signing key, keyid %u, for %s\n%s IN DNSKEY ",
                flags & 1 ? "key" : "zone", k->tag, origin, origin);
  zg_txt_rdata(&txt, ZG_T_DNSKEY, k->rdata, k->rdlen);
  zg_buf_put(&txt, "\n", 1);
  if (txt.oom)
    goto oom;
  if (atomic_open_mode(&a, path, 0644) != 0 || fwrite(txt.p, 1, txt.n, a.f) != txt.n ||
      atomic_commit(&a) != 0) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", path, strerror(errno));
    atomic_abort(&a);
    goto done;
  }
  k->pkey = pkey;
  pkey = NULL;
  rc = 0;
  goto done;
oom:
  fprintf(stderr, "mimi-zonegen: out of memory\n");
done:
  OPENSSL_cleanse(priv, sizeof priv);
  if (txt.p)
    OPENSSL_cleanse(txt.p, txt.n);
  free(txt.p);
  free(path);
  free(base);
  BN_clear_free(d);
  EVP_PKEY_free(pkey);
  return rc;
}

int zg_keys_dir(zg_key_t *ksk, zg_key_t *zsk, const char *dir, const char *origin) {
  char *path = NULL;
  DIR *dh = NULL;
  struct dirent *e;
  int nksk = 0, nzsk = 0, rc = -1;
  memset(ksk, 0, sizeof *ksk);
  memset(zsk, 0, sizeof *zsk);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "mimi-zonegen: --keys %s: %s\n", dir, strerror(errno));
    return -1;
  }
  if (!(dh = opendir(dir))) {
    fprintf(stderr, "mimi-zonegen: --keys %s: %s\n", dir, strerror(errno));
    goto done;
  }
  /* Reuse: every Kzone.+013+*.key there, by its flags (257 KSK, 256 ZSK). */
  while ((e = readdir(dh))) {
    zg_key_t k;
    if (!zg_is_key_file(e->d_name, origin))
      continue;
    free(path);
    if (!(path = join(dir, "/", e->d_name))) {
      fprintf(stderr, "mimi-zonegen: out of memory\n");
      goto done;
    }
    if (zg_key_load(&k, path, origin) != 0)
      goto done;
    zg_key_t *slot = (k.flags & 1) ? ksk : zsk;
    int *count = (k.flags & 1) ? &nksk : &nzsk;
    if (++*count > 1) {
      fprintf(stderr, "mimi-zonegen: --keys %s: more than one %s of %s; give --ksk and "
              "--zsk\n", dir, (k.flags & 1) ? "KSK" : "ZSK", origin);
      zg_key_free(&k);
      goto done;
    }
    *slot = k;
  }
  if (nksk == 0 && nzsk == 0) {
    if (generate(ksk, dir, origin, 257, 0xffff) != 0 ||
        generate(zsk, dir, origin, 256, ksk->tag) != 0)
      goto done;
    fprintf(stderr, "mimi-zonegen: new keys in %s: KSK %u, ZSK %u\n", dir, ksk->tag, zsk->tag);
  } else if (nksk == 0 || nzsk == 0) {
    fprintf(stderr, "mimi-zonegen: --keys %s: a %s of %s but no %s\n", dir,
            nksk ? "KSK" : "ZSK", origin, nksk ? "ZSK" : "KSK");
    goto done;
  }
  rc = 0;
done:
  if (rc != 0) {
    zg_key_free(ksk);
    zg_key_free(zsk);
  }
  if (dh)
    closedir(dh);
  free(path);
  return rc;
}
