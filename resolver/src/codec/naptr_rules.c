/* SPDX-License-Identifier: MIT */
/*
 * ENUM NAPTR processing for MIMI (MIMI-DNS/1 §4; RFC 6116 §3, RFC 3403
 * §4.1, RFC 3402 §3): select the E2U+mimi rules, order them, apply the
 * first order group that yields, and turn results into mappings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

typedef struct {
  const mimi_naptr_rr_t *rr;
  size_t index; /* input position: makes the sort stable */
  int terminal;
} rule_t;

static int rule_cmp(const void *a, const void *b) {
  const rule_t *x = a, *y = b;
  if (x->rr->order != y->rr->order)
    return x->rr->order < y->rr->order ? -1 : 1;
  if (x->rr->preference != y->rr->preference)
    return x->rr->preference < y->rr->preference ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * RFC 6116 §3.4: services = "E2U" 1*("+" enumservice), enumservice =
 * type *(":" subtype). Ours when one enumservice is the type "mimi"
 * (case-insensitive) without subtype: MIMI-DNS/1 defines none.
 */
static int is_mimi_service(const char *s) {
  size_t n = strlen(s);
  if (n < 4 || !mimi__strncaseeq(s, "E2U+", 4))
    return 0;
  for (size_t i = 3; i < n;) {
    size_t j = i + 1;
    while (j < n && s[j] != '+')
      j++;
    if (j - i - 1 == 4 && mimi__strncaseeq(s + i + 1, "mimi", 4))
      return 1;
    i = j;
  }
  return 0;
}

static mimi_status_t warn(mimi_mapset_t *out, const mimi_naptr_rr_t *rr,
                          const char *fmt, ...) MIMI_PRINTF(3, 4);

static mimi_status_t warn(mimi_mapset_t *out, const mimi_naptr_rr_t *rr,
                          const char *fmt, ...) {
  char msg[MIMI_ERRLEN * 2];
  mimi_buf_t w;
  char *s;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mimi__buf_init(&w);
  mimi__buf_addf(&w, "NAPTR order %u pref %u: %s", (unsigned)rr->order,
                 (unsigned)rr->preference, msg);
  if (!(s = mimi__buf_take(&w)))
    return MIMI_ENOMEM;
  mimi_status_t st = mimi_mapset_add_warning(out, s);
  free(s);
  return st;
}

/* A terminal rule's result must be a mimi URI without a port (§4). */
static mimi_status_t terminal(const mimi_naptr_rr_t *rr, const char *aus,
                              mimi_mapset_t *out, int *added) {
  char err[MIMI_ERRLEN], show[MIMI_SHOWLEN];
  char *res = NULL, *host = NULL, *account = NULL;
  uint16_t port = 0;
  mimi_record_t *rec = NULL;
  mimi_status_t st;

  if (strcmp(rr->replacement, ".") != 0)
    /* RFC 3403 §4.1: REGEXP and REPLACEMENT are mutually exclusive. */
    return warn(out, rr, "replacement '%s' on a terminal rule (flag \"u\" "
                "uses regexp only)",
                mimi__show(show, sizeof show, rr->replacement,
                           strlen(rr->replacement)));
  st = mimi_naptr_regexp_apply(rr->regexp, aus, &res, err, sizeof err);
  if (st == MIMI_ENOTMIMI)
    return MIMI_OK; /* the rule is not for this number */
  if (st == MIMI_EBADRECORD)
    return warn(out, rr, "%s", err);
  if (st != MIMI_OK)
    return st;
  st = mimi__uri_parse(res, strlen(res), &host, &port, &account, err, sizeof err);
  if (st == MIMI_EBADID) {
    st = warn(out, rr, "result '%s' is not a mimi URI: %s",
              mimi__show(show, sizeof show, res, strlen(res)), err);
    goto done;
  }
  if (st != MIMI_OK)
    goto done;
  if (port || !account) {
    st = warn(out, rr, "result '%s' %s", mimi__show(show, sizeof show, res, strlen(res)),
              port ? "has a port; the mapping form is mimi://<host>/u/<account>"
                   : "has no account");
    goto done;
  }
  if ((st = mimi_record_new(&rec)) != MIMI_OK)
    goto done;
  if ((st = mimi_record_set_provider(rec, host, err, sizeof err)) != MIMI_OK ||
      (st = mimi_record_set_account(rec, account, err, sizeof err)) != MIMI_OK ||
      (st = mimi_record_set_preference(rec, rr->preference)) != MIMI_OK) {
    if (st == MIMI_EBADRECORD)
      st = warn(out, rr, "result: %s", err);
    goto done;
  }
  st = mimi_mapset_add_record(out, rec);
  rec = NULL;
  if (st == MIMI_OK)
    *added = 1;
done:
  mimi_record_free(rec);
  free(res);
  free(host);
  free(account);
  return st;
}

/* The next name of a non-terminal rule, absolute, checked; or NULL. */
static mimi_status_t nonterminal(const mimi_naptr_rr_t *rr, const char *aus,
                                 mimi_mapset_t *out, char **next) {
  char err[MIMI_ERRLEN], show[MIMI_SHOWLEN];
  char *target = NULL, *host = NULL;
  mimi_status_t st;
  mimi_buf_t b;

  *next = NULL;
  if (strcmp(rr->replacement, ".") != 0) {
    if (rr->regexp[0])
      /* RFC 3403 §4.1: REGEXP and REPLACEMENT are mutually exclusive. */
      return warn(out, rr, "both regexp and replacement '%s' are set",
                  mimi__show(show, sizeof show, rr->replacement,
                             strlen(rr->replacement)));
    target = mimi__strdup(rr->replacement);
    if (!target)
      return MIMI_ENOMEM;
  } else {
    st = mimi_naptr_regexp_apply(rr->regexp, aus, &target, err, sizeof err);
    if (st == MIMI_ENOTMIMI)
      return MIMI_OK;
    if (st == MIMI_EBADRECORD)
      return warn(out, rr, "%s", err);
    if (st != MIMI_OK)
      return st;
  }
  /* The target is a domain name (host-name syntax is all ENUM uses). */
  st = mimi__host_canon(target, strlen(target), 1, "next name", &host, err,
                        sizeof err);
  free(target);
  if (st == MIMI_EBADID)
    return warn(out, rr, "non-terminal rule: %s", err);
  if (st != MIMI_OK)
    return st;
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%s.", host);
  free(host);
  if (!(*next = mimi__buf_take(&b)))
    return MIMI_ENOMEM;
  if (mimi__name_check(*next, err, sizeof err) != MIMI_OK) {
    free(*next);
    *next = NULL;
    return warn(out, rr, "non-terminal rule: %s", err);
  }
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_naptr_process(const mimi_naptr_rr_t *rrs,
                                             size_t n, const char *aus,
                                             mimi_mapset_t *out, char **next) {
  rule_t *rules = NULL;
  size_t nr = 0;
  mimi_status_t st = MIMI_OK;
  char *first_next = NULL;

  if (next)
    *next = NULL;
  if ((!rrs && n) || !aus || !out)
    return MIMI_EINVAL;
  if (n && !(rules = calloc(n, sizeof *rules)))
    return MIMI_ENOMEM;
  for (size_t i = 0; i < n && st == MIMI_OK; i++) {
    const mimi_naptr_rr_t *rr = &rrs[i];
    if (!rr->flags || !rr->services || !rr->regexp || !rr->replacement) {
      st = MIMI_EINVAL;
      break;
    }
    if (!is_mimi_service(rr->services))
      continue; /* another application's rule: not ours, no warning */
    if ((rr->flags[0] == 'u' || rr->flags[0] == 'U') && rr->flags[1] == '\0') {
      rules[nr].terminal = 1;
    } else if (rr->flags[0] != '\0') {
      char show[MIMI_SHOWLEN];
      st = warn(out, rr, "flags '%s' are not supported (\"u\" or empty)",
                mimi__show(show, sizeof show, rr->flags, strlen(rr->flags)));
      continue;
    }
    rules[nr].rr = rr;
    rules[nr].index = i;
    nr++;
  }
  if (st != MIMI_OK)
    goto done;
  if (nr > 1)
    qsort(rules, nr, sizeof *rules, rule_cmp);
  /* Bounded work per RRset (mimi_naptr.h): the best rules are kept, so the
   * outcome does not depend on the order the RRs arrived in. */
  if (nr > MIMI_NAPTR_MAX_RULES) {
    st = warn(out, rules[MIMI_NAPTR_MAX_RULES].rr,
              "this and %zu more E2U+mimi rules are not processed: at most %d "
              "per RRset", nr - MIMI_NAPTR_MAX_RULES - 1, MIMI_NAPTR_MAX_RULES);
    if (st != MIMI_OK)
      goto done;
    nr = MIMI_NAPTR_MAX_RULES;
  }

  /* RFC 3403 §4.1: lower orders first; stop at the first group that yields. */
  for (size_t g = 0; g < nr;) {
    size_t end = g;
    int added = 0;
    while (end < nr && rules[end].rr->order == rules[g].rr->order)
      end++;
    for (size_t i = g; i < end && st == MIMI_OK; i++) {
      if (rules[i].terminal) {
        st = terminal(rules[i].rr, aus, out, &added);
      } else if (!first_next) {
        st = nonterminal(rules[i].rr, aus, out, &first_next);
      }
    }
    if (st != MIMI_OK || added)
      break;
    if (first_next) {
      if (next) {
        *next = first_next;
        first_next = NULL;
      }
      break;
    }
    g = end;
  }
done:
  free(first_next);
  free(rules);
  return st;
}

MIMI_EXPORT mimi_status_t mimi_naptr_format(const mimi_record_t *rec,
                                            char **text) {
  mimi_buf_t b;
  if (text)
    *text = NULL;
  if (!rec || !text)
    return MIMI_EINVAL;
  if (!mimi_record_provider(rec) || !mimi_record_account_encoded(rec))
    return MIMI_EINVAL;
  /* The encoded account is unreserved characters and %XX only, so "!" (the
   * delimiter), '"' and '\' cannot occur: nothing to escape. */
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "100 %u \"u\" \"E2U+mimi\" \"!^.*$!mimi://%s/u/%s!\" .",
                 (unsigned)mimi_record_preference(rec), mimi_record_provider(rec),
                 mimi_record_account_encoded(rec));
  *text = mimi__buf_take(&b);
  return *text ? MIMI_OK : MIMI_ENOMEM;
}
