/* SPDX-License-Identifier: MIT */
/*
 * The MIMI TXT record (MIMI-DNS/1 §3): parse and format.
 *
 *   mimi-txt = "v=MIMI1" *( sep tag ) [ sep ]
 *   sep      = *WSP ";" *WSP
 *   tag      = name *WSP "=" *WSP value
 *   name     = %x61-7A *( %x61-7A / DIGIT / "_" / "-" )
 *   value    = *( %x21-3A / %x3C-7E )
 *
 * The grammar is applied exactly: a record that deviates from it is invalid
 * and skipped with a message naming the deviation, so that publishers learn
 * about it (mimi-zonecheck reports the same message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

#define VERSION_PREFIX "v=MIMI"
#define VERSION_TAG "v=MIMI1"

typedef struct {
  const char *name;
  size_t nlen;
  const char *val;
  size_t vlen;
} tag_t;

static int is_wsp(char c) { return c == ' ' || c == '\t'; }

static int name_first(unsigned char c) { return c >= 'a' && c <= 'z'; }

static int name_char(unsigned char c) {
  return name_first(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int value_char(unsigned char c) {
  return c >= 0x21 && c <= 0x7e && c != ';';
}

static int tag_cmp(const void *a, const void *b) {
  const tag_t *x = a, *y = b;
  size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
  int c = memcmp(x->name, y->name, n);
  if (c)
    return c;
  return (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

/*
 * Is this ours? "v=MIMI" followed by the version token (up to WSP, ";" or the
 * end). Not "v=MIMI": another application's TXT. "v=MIMI<other>": a future
 * version. Both are ignored silently (§3 "Processing").
 */
static int is_v1(const char *t, size_t len, size_t *after) {
  size_t n = sizeof VERSION_PREFIX - 1, i;
  if (len < n || memcmp(t, VERSION_PREFIX, n) != 0)
    return 0;
  for (i = n; i < len && !is_wsp(t[i]) && t[i] != ';'; i++)
    ;
  if (i - n != 1 || t[n] != '1')
    return 0;
  *after = i;
  return 1;
}

static mimi_status_t bad(char *err, size_t errlen, const char *what,
                         const char *t, size_t len, size_t at) {
  char show[16];
  if (at < len)
    mimi__seterr(err, errlen, "%s, found '%s' at offset %zu", what,
                 mimi__show(show, sizeof show, t + at, 1), at);
  else
    mimi__seterr(err, errlen, "%s, but the record ends", what);
  return MIMI_EBADRECORD;
}

/* Split into tags, checking the grammar. *tags is allocated by the caller. */
static mimi_status_t tokenize(const char *t, size_t len, size_t i, tag_t *tags,
                              size_t *ntags, char *err, size_t errlen) {
  size_t n = 0;
  while (i < len) {
    /* sep: *WSP ";" *WSP — the version tag or a value ended before here. */
    while (i < len && is_wsp(t[i]))
      i++;
    if (i == len) {
      mimi__seterr(err, errlen, "trailing whitespace is not allowed");
      return MIMI_EBADRECORD;
    }
    if (t[i] != ';')
      return bad(err, errlen, "expected ';' between tags", t, len, i);
    i++;
    while (i < len && is_wsp(t[i]))
      i++;
    if (i == len)
      break; /* [ sep ] at the end */
    /* tag */
    if (t[i] == ';')
      return bad(err, errlen, "empty tag: expected a tag name", t, len, i);
    if (!name_first((unsigned char)t[i]))
      return bad(err, errlen,
                 "tag names start with a lower-case letter a-z", t, len,
                 i);
    tags[n].name = t + i;
    while (i < len && name_char((unsigned char)t[i]))
      i++;
    tags[n].nlen = (size_t)(t + i - tags[n].name);
    while (i < len && is_wsp(t[i]))
      i++;
    if (i == len || t[i] != '=') {
      char nm[MIMI_SHOWLEN];
      char what[MIMI_SHOWLEN + 48];
      mimi__seterr(what, sizeof what, "tag '%s': expected '='",
                   mimi__show(nm, sizeof nm, tags[n].name, tags[n].nlen));
      return bad(err, errlen, what, t, len, i);
    }
    i++;
    while (i < len && is_wsp(t[i]))
      i++;
    tags[n].val = t + i;
    while (i < len && value_char((unsigned char)t[i]))
      i++;
    tags[n].vlen = (size_t)(t + i - tags[n].val);
    if (i < len && !is_wsp(t[i]) && t[i] != ';') {
      char nm[MIMI_SHOWLEN];
      char what[MIMI_SHOWLEN + 64];
      mimi__seterr(what, sizeof what,
                   "tag '%s': value has a character outside visible ASCII",
                   mimi__show(nm, sizeof nm, tags[n].name, tags[n].nlen));
      return bad(err, errlen, what, t, len, i);
    }
    n++;
  }
  *ntags = n;
  return MIMI_OK;
}

static int is_tag(const tag_t *g, const char *name) {
  return g->nlen == strlen(name) && memcmp(g->name, name, g->nlen) == 0;
}

/* "p": 0-65535, decimal digits only. */
static mimi_status_t parse_pref(const tag_t *g, uint32_t *p, char *err,
                                size_t errlen) {
  char show[MIMI_SHOWLEN];
  uint32_t v = 0;
  if (g->vlen == 0) {
    mimi__seterr(err, errlen, "tag 'p' is empty; expected 0-65535");
    return MIMI_EBADRECORD;
  }
  for (size_t i = 0; i < g->vlen; i++) {
    unsigned char c = (unsigned char)g->val[i];
    if (c < '0' || c > '9') {
      mimi__seterr(err, errlen, "tag 'p' value '%s' is not a decimal number",
                   mimi__show(show, sizeof show, g->val, g->vlen));
      return MIMI_EBADRECORD;
    }
    v = v * 10 + (uint32_t)(c - '0');
    if (v > 65535) {
      mimi__seterr(err, errlen, "tag 'p' value '%s' is out of range 0-65535",
                   mimi__show(show, sizeof show, g->val, g->vlen));
      return MIMI_EBADRECORD;
    }
  }
  *p = v;
  return MIMI_OK;
}

static mimi_status_t apply_tag(mimi_record_t *rec, const tag_t *g, char *err,
                               size_t errlen) {
  char sub[MIMI_ERRLEN];
  char *s = NULL;
  mimi_status_t st = MIMI_OK;

  if (is_tag(g, "e")) {
    /* Host name; the grammar already limits it to ASCII. */
    if (!(s = mimi__strndup(g->val, g->vlen)))
      return MIMI_ENOMEM;
    if (g->vlen == 0) {
      mimi__seterr(err, errlen, "tag 'e' is empty; expected a host name");
      st = MIMI_EBADRECORD;
    } else if ((st = mimi_record_set_provider(rec, s, sub, sizeof sub)) ==
               MIMI_EBADRECORD) {
      mimi__seterr(err, errlen, "tag 'e': %s", sub);
    }
  } else if (is_tag(g, "a")) {
    char *dec = NULL;
    if (g->vlen == 0) {
      mimi__seterr(err, errlen, "tag 'a' is empty; expected an account");
      return MIMI_EBADRECORD;
    }
    st = mimi__pct_decode(g->val, g->vlen, 0, &dec, sub, sizeof sub);
    if (st == MIMI_EBADID) {
      mimi__seterr(err, errlen, "tag 'a': %s", sub);
      return MIMI_EBADRECORD;
    }
    if (st != MIMI_OK)
      return st;
    st = mimi_record_set_account(rec, dec, sub, sizeof sub);
    if (st == MIMI_EBADRECORD)
      mimi__seterr(err, errlen, "tag 'a': %s", sub);
    free(dec);
  } else if (is_tag(g, "p")) {
    uint32_t p = 0;
    if ((st = parse_pref(g, &p, err, errlen)) == MIMI_OK)
      st = mimi_record_set_preference(rec, p);
  } else if (is_tag(g, "t") || is_tag(g, "s")) {
    int tags = is_tag(g, "t");
    if (g->vlen == 0) {
      mimi__seterr(err, errlen, "tag '%s' is empty", tags ? "t" : "s");
      return MIMI_EBADRECORD;
    }
    st = tags ? mimi__check_tags(g->val, g->vlen, sub, sizeof sub)
              : mimi__check_token(g->val, g->vlen, "value", sub, sizeof sub);
    if (st != MIMI_OK) {
      mimi__seterr(err, errlen, "tag '%s': %s", tags ? "t" : "s", sub);
      return st;
    }
    if (!(s = mimi__strndup(g->val, g->vlen)))
      return MIMI_ENOMEM;
    st = tags ? mimi_record_set_tags(rec, s, NULL, 0)
              : mimi_record_set_service(rec, s, NULL, 0);
  }
  /* Unknown tags are ignored (§3); "v" was consumed as the version. */
  free(s);
  return st;
}

MIMI_EXPORT mimi_status_t mimi_txt_parse(const char *text, size_t len,
                                         mimi_record_t **rec, char *err,
                                         size_t errlen) {
  mimi_record_t *r = NULL;
  tag_t *tags = NULL;
  size_t ntags = 0, start = 0;
  mimi_status_t st;

  if (rec)
    *rec = NULL;
  if (!rec || (!text && len))
    return MIMI_EINVAL;
  if (!is_v1(text, len, &start)) {
    mimi__seterr(err, errlen, "not a MIMI-DNS/1 record");
    return MIMI_ENOTMIMI;
  }
  /* A tag takes at least 3 octets ";x="; bound the table by the length. */
  tags = calloc(len / 3 + 1, sizeof *tags);
  if (!tags)
    return MIMI_ENOMEM;
  if ((st = tokenize(text, len, start, tags, &ntags, err, errlen)) != MIMI_OK)
    goto done;

  /* A repeated tag makes the record invalid (§3); "v" counts as a tag. */
  tags[ntags].name = "v";
  tags[ntags].nlen = 1;
  qsort(tags, ntags + 1, sizeof *tags, tag_cmp);
  for (size_t i = 1; i <= ntags; i++) {
    if (tag_cmp(&tags[i - 1], &tags[i]) == 0) {
      char nm[MIMI_SHOWLEN];
      mimi__seterr(err, errlen, "tag '%s' appears more than once",
                   mimi__show(nm, sizeof nm, tags[i].name, tags[i].nlen));
      st = MIMI_EBADRECORD;
      goto done;
    }
  }

  if ((st = mimi_record_new(&r)) != MIMI_OK)
    goto done;
  for (size_t i = 0; i <= ntags; i++)
    if ((st = apply_tag(r, &tags[i], err, errlen)) != MIMI_OK)
      goto done;
  if (!r->provider && (r->account || r->preference || r->tags || r->service)) {
    /* An opt-out says "no provider disclosed"; an account or preference
     * without a provider has no meaning, so it is a mistake, not an opt-out. */
    mimi__seterr(err, errlen, "tag 'e' (provider) is missing; only an opt-out "
                 "record (\"v=MIMI1\" alone) may omit it");
    st = MIMI_EBADRECORD;
    goto done;
  }
  *rec = r;
  r = NULL;
done:
  mimi_record_free(r);
  free(tags);
  return st;
}

MIMI_EXPORT mimi_status_t mimi_txt_parse_rdata(const uint8_t *rdata, size_t len,
                                               mimi_record_t **rec, char *err,
                                               size_t errlen) {
  char *text;
  size_t o = 0;
  mimi_status_t st;

  if (rec)
    *rec = NULL;
  if (!rec || (!rdata && len))
    return MIMI_EINVAL;
  /* RFC 1035 §3.3.14: one or more <character-string>s. */
  if (len == 0) {
    mimi__seterr(err, errlen, "TXT RDATA is empty");
    return MIMI_EBADRECORD;
  }
  if (!(text = malloc(len)))
    return MIMI_ENOMEM;
  for (size_t i = 0; i < len;) {
    size_t n = rdata[i++];
    if (n > len - i) {
      mimi__seterr(err, errlen, "TXT RDATA: character-string at offset %zu "
                   "claims %zu octets but %zu remain", i - 1, n, len - i);
      free(text);
      return MIMI_EBADRECORD;
    }
    memcpy(text + o, rdata + i, n);
    o += n;
    i += n;
  }
  /* §3: the strings of one RR are concatenated without separator. */
  st = mimi_txt_parse(text, o, rec, err, errlen);
  free(text);
  return st;
}

/* "; tag=value" when value is set (§3 key=value pairs). */
static void add_tag(mimi_buf_t *b, const char *tag, const char *value) {
  if (!value)
    return;
  mimi__buf_adds(b, "; ");
  mimi__buf_adds(b, tag);
  mimi__buf_adds(b, "=");
  mimi__buf_adds(b, value);
}

MIMI_EXPORT mimi_status_t mimi_txt_format(const mimi_record_t *rec,
                                          char **text) {
  mimi_buf_t b;
  if (text)
    *text = NULL;
  if (!rec || !text)
    return MIMI_EINVAL;
  if (!rec->provider && (rec->account || rec->preference || rec->tags ||
                         rec->service))
    return MIMI_EINVAL;
  mimi__buf_init(&b);
  /* Plain appends, no printf: mimi-zonegen formats one record per user. */
  char num[16]; /* any unsigned fits */
  snprintf(num, sizeof num, "%u", (unsigned)rec->preference);
  mimi__buf_adds(&b, VERSION_TAG);
  add_tag(&b, "e", rec->provider);
  add_tag(&b, "a", rec->account_encoded);
  add_tag(&b, "p", rec->preference ? num : NULL);
  add_tag(&b, "t", rec->tags);
  add_tag(&b, "s", rec->service);
  if (b.oom) {
    mimi__buf_free(&b);
    return MIMI_ENOMEM;
  }
  /* §3: generators keep each record within one character-string. */
  if (b.len > MIMI_MAX_TXT) {
    mimi__buf_free(&b);
    return MIMI_ETOOLONG;
  }
  *text = mimi__buf_take(&b);
  return *text ? MIMI_OK : MIMI_ENOMEM;
}
