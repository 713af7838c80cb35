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
 * The ERE is compiled with POSIX regcomp(3). The field is untrusted input
 * from the DNS and glibc's matcher can be made to use exponential memory,
 * so the expression is bounded before it is compiled: one character-string
 * (255 octets), no back-references inside the ERE (they are not ERE), few
 * and small interval expressions. Substitution follows sed, as §3.2 says:
 * the matched part of the subject is replaced, the rest kept.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_FIELD 255   /* RFC 1035 character-string */
#define MAX_RESULT 1024
#define MAX_BOUND 32    /* largest {n,m} count accepted */
#define MAX_INTERVALS 4
#define MAX_PRODUCT 1024 /* product of all interval upper bounds */

static int is_ere_special(char c) { return strchr(".[]()*+?{}|^$\\", c) != NULL; }

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

/*
 * Bound the shape of an ERE before regcomp(3) sees it. glibc builds the
 * matcher by copying repeated parts: stacked quantifiers ("a???...",
 * undefined in POSIX anyway) and large or nested intervals blow up in time
 * and memory (fuzz_naptr found "^\\???...?" taking seconds).
 */
#define MAX_QUANTIFIERS 32
#define MAX_DEPTH 8

static mimi_status_t check_shape(const char *ere, char *err, size_t errlen) {
  unsigned count = 0, quantifiers = 0, depth = 0;
  unsigned long product = 1;
  int in_bracket = 0, after_quantifier = 0;
  for (size_t i = 0; ere[i]; i++) {
    char c = ere[i];
    if (in_bracket) {
      if (c == ']' && in_bracket > 1)
        in_bracket = 0;
      else
        in_bracket++;
      continue;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{') {
      if (after_quantifier) {
        mimi__seterr(err, errlen, "regexp: a quantifier follows a quantifier "
                     "('%c' at offset %zu)", c, i);
        return MIMI_EBADRECORD;
      }
      if (++quantifiers > MAX_QUANTIFIERS) {
        mimi__seterr(err, errlen, "regexp: more than %d quantifiers",
                     MAX_QUANTIFIERS);
        return MIMI_EBADRECORD;
      }
    }
    after_quantifier = 0;
    if (c == '\\') {
      if (ere[i + 1] >= '1' && ere[i + 1] <= '9') {
        mimi__seterr(err, errlen, "regexp: back-reference \\%c inside the "
                     "expression is not ERE", ere[i + 1]);
        return MIMI_EBADRECORD;
      }
      if (ere[i + 1])
        i++;
      continue;
    }
    if (c == '[') {
      in_bracket = 1;
      if (ere[i + 1] == '^')
        i++;
      continue;
    }
    if (c == '(' && ++depth > MAX_DEPTH) {
      mimi__seterr(err, errlen, "regexp: groups nested deeper than %d", MAX_DEPTH);
      return MIMI_EBADRECORD;
    }
    if (c == ')' && depth)
      depth--;
    if (c == '*' || c == '+' || c == '?') {
      after_quantifier = 1;
      continue;
    }
    if (c != '{')
      continue;
    unsigned long lo = 0, hi = 0;
    size_t j = i + 1;
    while (ere[j] >= '0' && ere[j] <= '9' && lo <= MAX_BOUND)
      lo = lo * 10 + (unsigned long)(ere[j++] - '0');
    hi = lo;
    if (ere[j] == ',') {
      j++;
      if (ere[j] >= '0' && ere[j] <= '9') {
        hi = 0;
        while (ere[j] >= '0' && ere[j] <= '9' && hi <= MAX_BOUND)
          hi = hi * 10 + (unsigned long)(ere[j++] - '0');
      } else {
        hi = 1; /* open upper bound: the matcher loops, no copies */
      }
    }
    if (lo > MAX_BOUND || hi > MAX_BOUND) {
      mimi__seterr(err, errlen, "regexp: repetition count above %d",
                   MAX_BOUND);
      return MIMI_EBADRECORD;
    }
    /* The matcher makes about max(n, m) copies of the repeated part. */
    unsigned long copies = lo > hi ? lo : hi;
    if (++count > MAX_INTERVALS || (product *= (copies ? copies : 1)) > MAX_PRODUCT) {
      mimi__seterr(err, errlen, "regexp: too many or too large repetition "
                   "counts");
      return MIMI_EBADRECORD;
    }
    if (ere[j] == '}') {
      i = j;
      after_quantifier = 1;
    }
  }
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_naptr_regexp_apply(const char *regexp,
                                                  const char *subject,
                                                  char **result, char *err,
                                                  size_t errlen) {
  char show[MIMI_SHOWLEN];
  mimi_status_t st = MIMI_EBADRECORD;
  mimi_buf_t ere, out;
  regex_t re;
  int compiled = 0, icase = 0;
  regmatch_t m[10];
  size_t len;
  long d1, d2;
  char d;

  if (result)
    *result = NULL;
  if (!regexp || !subject || !result)
    return MIMI_EINVAL;
  mimi__buf_init(&ere);
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
      if (is_ere_special(d))
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
  mimi__buf_addc(&ere, '\0');
  if (ere.oom) {
    st = MIMI_ENOMEM;
    goto done;
  }
  if (ere.len == 1) {
    mimi__seterr(err, errlen, "regexp: the expression is empty");
    goto done;
  }
  if ((st = check_shape(ere.p, err, errlen)) != MIMI_OK)
    goto done;
  st = MIMI_EBADRECORD;
  int rc = regcomp(&re, ere.p, REG_EXTENDED | (icase ? REG_ICASE : 0));
  if (rc != 0) {
    char why[128];
    regerror(rc, &re, why, sizeof why);
    if (rc == REG_ESPACE) {
      st = MIMI_ENOMEM;
      goto done;
    }
    mimi__seterr(err, errlen, "regexp '%s': %s",
                 mimi__show(show, sizeof show, ere.p, ere.len - 1), why);
    goto done;
  }
  compiled = 1;
  /* Check the replacement's back-references before matching (§3.2). */
  for (long i = d1 + 1; i < d2; i++) {
    if (regexp[i] != '\\' || i + 1 >= d2)
      continue;
    char c = regexp[++i];
    if (c >= '1' && c <= '9' && (size_t)(c - '0') > re.re_nsub) {
      mimi__seterr(err, errlen, "regexp: back-reference \\%c but the "
                   "expression has %zu group%s", c, re.re_nsub,
                   re.re_nsub == 1 ? "" : "s");
      goto done;
    }
  }
  if (regexec(&re, subject, 10, m, 0) != 0) {
    mimi__seterr(err, errlen, "regexp does not match '%s'",
                 mimi__show(show, sizeof show, subject, strlen(subject)));
    st = MIMI_ENOTMIMI;
    goto done;
  }
  /* sed semantics: prefix, substituted replacement, suffix. */
  mimi__buf_add(&out, subject, (size_t)m[0].rm_so);
  for (long i = d1 + 1; i < d2; i++) {
    char c = regexp[i];
    if (c == '\\' && i + 1 < d2) {
      c = regexp[++i];
      if (c >= '1' && c <= '9') {
        const regmatch_t *g = &m[c - '0'];
        if (g->rm_so >= 0) /* an unmatched group substitutes nothing */
          mimi__buf_add(&out, subject + g->rm_so, (size_t)(g->rm_eo - g->rm_so));
        continue;
      }
      /* "\<delim>", "\\" and any other escape: the octet itself. */
    }
    mimi__buf_addc(&out, c);
    if (out.len > MAX_RESULT)
      break;
  }
  mimi__buf_adds(&out, subject + m[0].rm_eo);
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
  if (compiled)
    regfree(&re);
  mimi__buf_free(&ere);
  mimi__buf_free(&out);
  return st;
}
