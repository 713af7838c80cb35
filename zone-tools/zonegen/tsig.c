/* SPDX-License-Identifier: MIT */
/*
 * TSIG keys (RFC 8945) for mimi-zonegen --send-update: the -y argument of
 * nsupdate/knsupdate ([ALG:]NAME:SECRET) and BIND's key file
 * (key "NAME" { algorithm ALG; secret "BASE64"; };). Both come from the
 * operator's files, so the reader names every problem and its cost is
 * bounded by the text's length (one pass, no recursion).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "publish.h"

#define KEYFILE_MAX (64 * 1024)

/* The algorithms ldns signs with, by their RFC 8945 §6 names. */
static const struct {
  const char *name, *ldns;
} algs[] = {
    {"hmac-md5", "hmac-md5.sig-alg.reg.int."},
    {"hmac-md5.sig-alg.reg.int", "hmac-md5.sig-alg.reg.int."},
    {"hmac-sha1", "hmac-sha1."},
    {"hmac-sha224", "hmac-sha224."},
    {"hmac-sha256", "hmac-sha256."},
    {"hmac-sha384", "hmac-sha384."},
    {"hmac-sha512", "hmac-sha512."},
};

static int set_alg(zg_tsig_t *k, const char *a, size_t alen, char *err, size_t errlen) {
  if (alen && a[alen - 1] == '.')
    alen--;
  for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
    if (strlen(algs[i].name) == alen && strncasecmp(algs[i].name, a, alen) == 0) {
      snprintf(k->alg, sizeof k->alg, "%s", algs[i].ldns);
      return 0;
    }
  snprintf(err, errlen, "unknown TSIG algorithm '%.*s' (hmac-sha256, hmac-sha512, "
           "hmac-sha384, hmac-sha224, hmac-sha1, hmac-md5)", (int)(alen > 40 ? 40 : alen), a);
  return -1;
}

/* A key name: a domain name of letters, digits, '-', '_' and '.' labels
 * (what key files use), stored absolute and lower-cased. */
static int set_name(zg_tsig_t *k, const char *n, size_t nlen, char *err, size_t errlen) {
  size_t label = 0, o = 0;
  if (nlen == 0 || nlen > 253 || (nlen == 1 && n[0] == '.')) {
    snprintf(err, errlen, "the TSIG key name must be a domain name of 1-253 characters");
    return -1;
  }
  for (size_t i = 0; i < nlen; i++) {
    unsigned char c = (unsigned char)n[i];
    if (c == '.') {
      if (label == 0) {
        snprintf(err, errlen, "the TSIG key name has an empty label");
        return -1;
      }
      label = 0;
    } else if (isalnum(c) || c == '-' || c == '_') {
      if (++label > 63) {
        snprintf(err, errlen, "the TSIG key name has a label over 63 characters");
        return -1;
      }
    } else {
      snprintf(err, errlen, "the TSIG key name has the character 0x%02x (letters, digits, "
               "'-', '_' and '.' only)", c);
      return -1;
    }
    k->name[o++] = (char)tolower(c);
  }
  if (k->name[o - 1] != '.')
    k->name[o++] = '.';
  k->name[o] = '\0';
  return 0;
}

/* The secret: base64 (RFC 4648 §4) of at least one octet. */
static int set_secret(zg_tsig_t *k, const char *s, size_t slen, char *err, size_t errlen) {
  ldns_rdf *r;
  if (slen == 0 || slen >= sizeof k->secret) {
    snprintf(err, errlen, "the TSIG secret must be base64 of 1-%zu characters",
             sizeof k->secret - 1);
    return -1;
  }
  memcpy(k->secret, s, slen);
  k->secret[slen] = '\0';
  for (size_t i = 0; i < slen; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/' && s[i] != '=') {
      snprintf(err, errlen, "the TSIG secret is not base64 (character 0x%02x)",
               (unsigned char)s[i]);
      return -1;
    }
  if (!(r = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_B64, k->secret)) || ldns_rdf_size(r) == 0) {
    ldns_rdf_deep_free(r);
    snprintf(err, errlen, "the TSIG secret is not base64");
    return -1;
  }
  ldns_rdf_deep_free(r);
  return 0;
}

int zg_tsig_parse_arg(const char *s, zg_tsig_t *k, char *err, size_t errlen) {
  const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  memset(k, 0, sizeof *k);
  if (!c1) {
    snprintf(err, errlen, "give [ALGORITHM:]NAME:SECRET");
    return -1;
  }
  if (c2) {
    if (set_alg(k, s, (size_t)(c1 - s), err, errlen) != 0)
      return -1;
    return set_name(k, c1 + 1, (size_t)(c2 - c1 - 1), err, errlen) != 0 ||
                   set_secret(k, c2 + 1, strlen(c2 + 1), err, errlen) != 0
               ? -1
               : 0;
  }
  snprintf(k->alg, sizeof k->alg, "hmac-sha256.");
  return set_name(k, s, (size_t)(c1 - s), err, errlen) != 0 ||
                 set_secret(k, c1 + 1, strlen(c1 + 1), err, errlen) != 0
             ? -1
             : 0;
}

/* --- BIND key files (named.conf syntax, the key statement only) --------- */

typedef struct {
  const char *p, *end;
  int line;
  const char *tok; /* the token: a word, a quoted string's text, or { } ; */
  size_t len;
  int quoted;
} lex_t;

/* Next token: 1, 0 at the end, -1 on an unterminated quote or comment. */
static int lex(lex_t *l) {
  for (;;) {
    while (l->p < l->end && isspace((unsigned char)*l->p))
      l->line += *l->p++ == '\n';
    if (l->p >= l->end)
      return 0;
    if (*l->p == '#' || (*l->p == '/' && l->p + 1 < l->end && l->p[1] == '/')) {
      while (l->p < l->end && *l->p != '\n')
        l->p++;
      continue;
    }
    if (*l->p == '/' && l->p + 1 < l->end && l->p[1] == '*') {
      l->p += 2;
      while (l->p + 1 < l->end && !(l->p[0] == '*' && l->p[1] == '/'))
        l->line += *l->p++ == '\n';
      if (l->p + 1 >= l->end)
        return -1;
      l->p += 2;
      continue;
    }
    break;
  }
  l->quoted = 0;
  if (*l->p == '{' || *l->p == '}' || *l->p == ';') {
    l->tok = l->p++;
    l->len = 1;
    return 1;
  }
  if (*l->p == '"') {
    const char *q = memchr(l->p + 1, '"', (size_t)(l->end - l->p - 1));
    if (!q || memchr(l->p + 1, '\n', (size_t)(q - l->p - 1)))
      return -1;
    l->tok = l->p + 1;
    l->len = (size_t)(q - l->p - 1);
    l->quoted = 1;
    l->p = q + 1;
    return 1;
  }
  l->tok = l->p;
  while (l->p < l->end && !isspace((unsigned char)*l->p) && !strchr("{};\"", *l->p))
    l->p++;
  l->len = (size_t)(l->p - l->tok);
  return 1;
}

static int is(const lex_t *l, const char *w) {
  return !l->quoted && l->len == strlen(w) && strncasecmp(l->tok, w, l->len) == 0;
}

int zg_tsig_parse_file(const char *text, size_t len, zg_tsig_t *k, char *err,
                       size_t errlen) {
  lex_t l = {text, text + len, 1, NULL, 0, 0};
  int got_alg = 0, got_secret = 0;
  char e[200];

  memset(k, 0, sizeof *k);
#define NEXT(what)                                                                       \
  do {                                                                                   \
    int n_ = lex(&l);                                                                    \
    if (n_ <= 0) {                                                                       \
      snprintf(err, errlen, "line %d: %s", l.line,                                       \
               n_ < 0 ? "a quote or comment is not closed" : "the file ends before " what); \
      return -1;                                                                         \
    }                                                                                    \
  } while (0)
  if (lex(&l) <= 0 || !is(&l, "key")) {
    snprintf(err, errlen, "line %d: expected key \"NAME\" { algorithm ALG; secret "
             "\"BASE64\"; };", l.line);
    return -1;
  }
  NEXT("the key name");
  if (set_name(k, l.tok, l.len, e, sizeof e) != 0) {
    snprintf(err, errlen, "line %d: %s", l.line, e);
    return -1;
  }
  NEXT("'{'");
  if (!is(&l, "{")) {
    snprintf(err, errlen, "line %d: expected '{' after the key name", l.line);
    return -1;
  }
  for (;;) {
    NEXT("'}'");
    if (is(&l, "}"))
      break;
    int alg = is(&l, "algorithm"), secret = is(&l, "secret");
    if (!alg && !secret) {
      snprintf(err, errlen, "line %d: unknown clause '%.*s' in the key (algorithm, secret)",
               l.line, (int)(l.len > 40 ? 40 : l.len), l.tok);
      return -1;
    }
    if ((alg && got_alg) || (secret && got_secret)) {
      snprintf(err, errlen, "line %d: the key has two %s clauses", l.line,
               alg ? "algorithm" : "secret");
      return -1;
    }
    NEXT("the value");
    if ((alg ? set_alg(k, l.tok, l.len, e, sizeof e)
             : set_secret(k, l.tok, l.len, e, sizeof e)) != 0) {
      snprintf(err, errlen, "line %d: %s", l.line, e);
      return -1;
    }
    got_alg |= alg;
    got_secret |= secret;
    NEXT("';'");
    if (!is(&l, ";")) {
      snprintf(err, errlen, "line %d: expected ';' after the %s", l.line,
               alg ? "algorithm" : "secret");
      return -1;
    }
  }
  if (!got_alg || !got_secret) {
    snprintf(err, errlen, "line %d: the key has no %s clause", l.line,
             got_alg ? "secret" : "algorithm");
    return -1;
  }
  NEXT("the ';' after the key");
  if (!is(&l, ";")) {
    snprintf(err, errlen, "line %d: expected ';' after '}'", l.line);
    return -1;
  }
  int n = lex(&l);
  if (n != 0) {
    snprintf(err, errlen, "line %d: %s", l.line,
             n < 0 ? "a quote or comment is not closed"
                   : "more after the key (one key statement per file)");
    return -1;
  }
#undef NEXT
  return 0;
}

int zg_tsig_load(const char *path, zg_tsig_t *k) {
  char *buf = NULL, err[300];
  size_t n;
  int rc = -1;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "mimi-zonegen: --tsig-file %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (!(buf = malloc(KEYFILE_MAX + 1))) {
    fprintf(stderr, "mimi-zonegen: out of memory\n");
    goto done;
  }
  n = fread(buf, 1, KEYFILE_MAX + 1, f);
  if (ferror(f)) {
    fprintf(stderr, "mimi-zonegen: --tsig-file %s: %s\n", path, strerror(errno));
    goto done;
  }
  if (n > KEYFILE_MAX) {
    fprintf(stderr, "mimi-zonegen: --tsig-file %s: larger than %d octets; not a key file\n",
            path, KEYFILE_MAX);
    goto done;
  }
  if (zg_tsig_parse_file(buf, n, k, err, sizeof err) != 0) {
    fprintf(stderr, "mimi-zonegen: --tsig-file %s: %s\n", path, err);
    goto done;
  }
  rc = 0;
done:
  if (buf)
    memset(buf, 0, KEYFILE_MAX + 1); /* the secret */
  free(buf);
  fclose(f);
  return rc;
}
