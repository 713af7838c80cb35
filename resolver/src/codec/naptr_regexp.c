/* SPDX-License-Identifier: MIT */
/*
 * The NAPTR REGEXP field (RFC 3402 §3.2):
 *
 *   subst-expr   = delim-char ere delim-char repl delim-char *flags
 *   delim-char   = any octet but POS-DIGIT or a flag
 *   repl         = *(string / backref)
 *   escapeddelim = "\" delim-char
 *   backref      = "\" POS-DIGIT
 *   flags        = "i"
 *
 * The field is untrusted input from the DNS. Its ERE is checked and
 * translated by naptr_ere.c (a subset of POSIX ERE with fixed caps) and run
 * by PCRE2 with fixed match, depth and heap limits, so one record costs a
 * bounded amount of time and memory: a match that hits a limit is an error,
 * never a hang. (glibc's regcomp(3), used before, builds its matcher by
 * copying repeated parts and took seconds and gigabytes on some records.)
 * Substitution follows sed, as §3.2 says: the matched part of the subject
 * is replaced, the rest kept.
 *
 * One difference from POSIX remains: PCRE2 matches leftmost-first, POSIX
 * leftmost-longest. Where alternatives or nested quantifiers allow several
 * matches at the same start, PCRE2 takes the first alternative that leads
 * to a match ("!(a|ab)!x!" on "ab" gives "xb", POSIX "x"), and a group in a
 * repeated group keeps its value from an earlier iteration where POSIX
 * reports it unset. Rules of the form ENUM uses ("^\+44(.*)$", fixed
 * digits, bracket expressions, greedy ".*") match the same either way.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "codec/naptr_ere.h"

#define MAX_FIELD 255   /* RFC 1035 character-string */
#define MAX_RESULT 1024

/*
 * Matcher limits (pcre2_set_*_limit). An ENUM rule applied to an AUS of at
 * most 16 octets needs well under a hundred steps and a handful of
 * backtracking frames; these leave room for long subjects of the public API
 * and cap one match at about 1.3 million instructions (measured with
 * callgrind) and a megabyte, so an RRset of MIMI_NAPTR_MAX_RULES rules that
 * all hit the limit costs about 45 million instructions.
 */
#define MATCH_LIMIT 10000   /* internal match() calls (backtracking steps) */
#define DEPTH_LIMIT 2000    /* nested backtracking frames */
#define HEAP_LIMIT_KIB 1024 /* backtracking frames' memory, in KiB */

/* Options: octets, not UTF-8 ((*UTF) refused too); ERE semantics for '.'
 * (any octet, newline too) and '$' (the end, not before a final newline). */
#define COMPILE_OPTIONS                                                        \
  (PCRE2_NEVER_UTF | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C |              \
   PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY)

/* Find the next unescaped delimiter at or after i; -1 if none. */
static long next_delim(const char *s, size_t len, size_t i, char d) {
  for (; i < len; i++) {
    if (s[i] == '\\') {
      i++; /* the escaped octet, whatever it is */
      continue;
    }
    if (s[i] == d)
      return (long)i;
  }
  return -1;
}

/* Compile the translated pattern with fixed compile limits. */
static mimi_status_t compile(const mimi_buf_t *ere, const mimi_buf_t *pat,
                             int icase, pcre2_code **code, char *err,
                             size_t errlen) {
  char show[MIMI_SHOWLEN];
  PCRE2_UCHAR why[128];
  PCRE2_SIZE where = 0;
  int ec = 0;
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  if (!cc)
    return MIMI_ENOMEM;
  pcre2_set_parens_nest_limit(cc, MIMI__ERE_MAX_DEPTH);
  pcre2_set_max_pattern_length(cc, MIMI__ERE_MAX_PCRE(MAX_FIELD));
  *code = pcre2_compile((PCRE2_SPTR)pat->p, pat->len,
                        COMPILE_OPTIONS | (icase ? PCRE2_CASELESS : 0), &ec,
                        &where, cc);
  pcre2_compile_context_free(cc);
  if (*code)
    return MIMI_OK;
  if (ec == PCRE2_ERROR_HEAP_FAILED)
    return MIMI_ENOMEM;
  /* The translation is checked to be valid; left are PCRE2's own limits,
   * such as a compiled pattern too large. */
  if (pcre2_get_error_message(ec, why, sizeof why) < 0)
    why[0] = '\0';
  mimi__seterr(err, errlen, "regexp '%s': refused by PCRE2: %s",
               mimi__show(show, sizeof show, ere->p, ere->len), (char *)why);
  return MIMI_EBADRECORD;
}

/* Why a match stopped (rc < 0 and not "no match"). */
static mimi_status_t match_error(int rc, const mimi_buf_t *ere, char *err,
                                 size_t errlen) {
  char show[MIMI_SHOWLEN];
  PCRE2_UCHAR why[128];
  mimi__show(show, sizeof show, ere->p, ere->len);
  switch (rc) {
  case PCRE2_ERROR_NOMEMORY:
    return MIMI_ENOMEM;
  case PCRE2_ERROR_MATCHLIMIT:
    mimi__seterr(err, errlen, "regexp '%s': matching needs more than %d "
                 "steps (match limit)", show, MATCH_LIMIT);
    break;
  case PCRE2_ERROR_DEPTHLIMIT:
    mimi__seterr(err, errlen, "regexp '%s': matching backtracks deeper than "
                 "%d (depth limit)", show, DEPTH_LIMIT);
    break;
  case PCRE2_ERROR_HEAPLIMIT:
    mimi__seterr(err, errlen, "regexp '%s': matching needs more than %d KiB "
                 "(heap limit)", show, HEAP_LIMIT_KIB);
    break;
  default:
    if (pcre2_get_error_message(rc, why, sizeof why) < 0)
      why[0] = '\0';
    mimi__seterr(err, errlen, "regexp '%s': matching failed: %s", show,
                 (char *)why);
  }
  return MIMI_EBADRECORD;
}

MIMI_EXPORT mimi_status_t mimi_naptr_regexp_apply(const char *regexp,
                                                  const char *subject,
                                                  char **result, char *err,
                                                  size_t errlen) {
  char show[MIMI_SHOWLEN];
  mimi_status_t st = MIMI_EBADRECORD;
  mimi_buf_t ere, pat, out;
  pcre2_code *code = NULL;
  pcre2_match_context *mc = NULL;
  pcre2_match_data *md = NULL;
  const PCRE2_SIZE *ov;
  unsigned groups = 0;
  int icase = 0, rc;
  size_t len;
  long d1, d2;
  char d;

  if (result)
    *result = NULL;
  if (!regexp || !subject || !result)
    return MIMI_EINVAL;
  mimi__buf_init(&ere);
  mimi__buf_init(&pat);
  mimi__buf_init(&out);
  len = strlen(regexp);
  if (len > MAX_FIELD) {
    mimi__seterr(err, errlen, "regexp: %zu octets; a NAPTR field holds at most %d",
                 len, MAX_FIELD);
    goto done;
  }
  if (len < 3) {
    mimi__seterr(err, errlen, "regexp '%s' is too short for "
                 "delimiter, expression, replacement",
                 mimi__show(show, sizeof show, regexp, len));
    goto done;
  }
  d = regexp[0];
  if ((d >= '0' && d <= '9') || d == 'i' || d == '\\') {
    mimi__seterr(err, errlen, "regexp: '%s' cannot be the delimiter",
                 mimi__show(show, sizeof show, regexp, 1));
    goto done;
  }
  if ((d1 = next_delim(regexp, len, 1, d)) < 0 ||
      (d2 = next_delim(regexp, len, (size_t)d1 + 1, d)) < 0) {
    mimi__seterr(err, errlen, "regexp '%s' lacks a closing delimiter '%c'",
                 mimi__show(show, sizeof show, regexp, len), d);
    goto done;
  }
  /* Flags after the last delimiter: "" or "i" (§3.2). */
  if ((size_t)d2 + 1 < len) {
    if (strcmp(regexp + d2 + 1, "i") == 0) {
      icase = 1;
    } else {
      mimi__seterr(err, errlen, "regexp: unknown flags '%s' after the last "
                   "delimiter", mimi__show(show, sizeof show, regexp + d2 + 1,
                                           len - (size_t)d2 - 1));
      goto done;
    }
  }
  /* The ERE, with escaped delimiters made literal. */
  for (long i = 1; i < d1; i++) {
    if (regexp[i] == '\\' && i + 1 < d1 && regexp[i + 1] == d) {
      /* "\<punct>" is that octet in the ERE subset; a letter is itself. */
      if (!((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')))
        mimi__buf_addc(&ere, '\\');
      mimi__buf_addc(&ere, d);
      i++;
    } else if (regexp[i] == '\\' && i + 1 < d1) {
      mimi__buf_add(&ere, regexp + i, 2);
      i++;
    } else {
      mimi__buf_addc(&ere, regexp[i]);
    }
  }
  if (ere.oom) {
    st = MIMI_ENOMEM;
    goto done;
  }
  if (ere.len == 0) {
    mimi__seterr(err, errlen, "regexp: the expression is empty");
    goto done;
  }
  if ((st = mimi__ere_translate(ere.p, ere.len, &pat, &groups, err, errlen)) != MIMI_OK ||
      (st = compile(&ere, &pat, icase, &code, err, errlen)) != MIMI_OK)
    goto done;
  st = MIMI_EBADRECORD;
  /* Check the replacement's back-references before matching (§3.2). */
  for (long i = d1 + 1; i < d2; i++) {
    if (regexp[i] != '\\' || i + 1 >= d2)
      continue;
    char c = regexp[++i];
    if (c >= '1' && c <= '9' && (unsigned)(c - '0') > groups) {
      mimi__seterr(err, errlen, "regexp: back-reference \\%c but the "
                   "expression has %u group%s", c, groups,
                   groups == 1 ? "" : "s");
      goto done;
    }
  }
  if (!(mc = pcre2_match_context_create(NULL)) ||
      !(md = pcre2_match_data_create(groups + 1, NULL))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  pcre2_set_match_limit(mc, MATCH_LIMIT);
  pcre2_set_depth_limit(mc, DEPTH_LIMIT);
  pcre2_set_heap_limit(mc, HEAP_LIMIT_KIB);
  rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, mc);
  if (rc == PCRE2_ERROR_NOMATCH) {
    mimi__seterr(err, errlen, "regexp does not match '%s'",
                 mimi__show(show, sizeof show, subject, strlen(subject)));
    st = MIMI_ENOTMIMI;
    goto done;
  }
  if (rc <= 0) { /* 0: the ovector is too small, which cannot happen */
    st = match_error(rc, &ere, err, errlen);
    goto done;
  }
  ov = pcre2_get_ovector_pointer(md);
  /* sed semantics: prefix, substituted replacement, suffix. */
  mimi__buf_add(&out, subject, (size_t)ov[0]);
  for (long i = d1 + 1; i < d2; i++) {
    char c = regexp[i];
    if (c == '\\' && i + 1 < d2) {
      c = regexp[++i];
      if (c >= '1' && c <= '9') {
        int g = c - '0';
        /* An unset group (also one past rc, the highest set + 1)
         * substitutes nothing. */
        if (g < rc && ov[2 * g] != PCRE2_UNSET)
          mimi__buf_add(&out, subject + ov[2 * g], (size_t)(ov[2 * g + 1] - ov[2 * g]));
        continue;
      }
      /* "\<delim>", "\\" and any other escape: the octet itself. */
    }
    mimi__buf_addc(&out, c);
    if (out.len > MAX_RESULT)
      break;
  }
  mimi__buf_adds(&out, subject + ov[1]);
  if (out.oom) {
    st = MIMI_ENOMEM;
    goto done;
  }
  if (out.len > MAX_RESULT) {
    mimi__seterr(err, errlen, "regexp: the result exceeds %d octets", MAX_RESULT);
    st = MIMI_EBADRECORD;
    goto done;
  }
  *result = mimi__buf_take(&out);
  st = *result ? MIMI_OK : MIMI_ENOMEM;
done:
  pcre2_match_data_free(md);
  pcre2_match_context_free(mc);
  pcre2_code_free(code);
  mimi__buf_free(&ere);
  mimi__buf_free(&pat);
  mimi__buf_free(&out);
  return st;
}
