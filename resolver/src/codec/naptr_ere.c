/* SPDX-License-Identifier: MIT */
/*
 * A tokenizer of the POSIX Extended RE (XBD §9.4) that ENUM NAPTR regexps
 * use (RFC 3402 §3.2), translating it to an equivalent PCRE2 pattern. The
 * accepted subset:
 *
 *   ere     = branch *("|" branch)            ; no empty branch
 *   branch  = 1*piece
 *   piece   = anchor / atom [quant]           ; "^" and "$" take no quantifier
 *   atom    = "." / bracket / "(" ere ")" / "\" non-alnum / ordinary octet
 *   quant   = "*" / "+" / "?" / "{" m "}" / "{" m ",}" / "{" m "," n "}"
 *
 * Anything else (GNU or Perl escapes such as \w or \1, "{,n}", stacked
 * quantifiers, which PCRE2 would read as lazy or possessive) is refused with
 * the problem and its offset. Every literal octet is written as \x{hh} (or
 * itself when alphanumeric), so nothing in the input can reach PCRE2's own
 * syntax: "(?", "(*VERB)", \Q, \C and the like cannot be formed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec/naptr_ere.h"

typedef struct {
  const char *ere;
  size_t len, i;
  mimi_buf_t *out;
  char *err;
  size_t errlen;
} ere_t;

static mimi_status_t bad(const ere_t *p, const char *fmt, ...) MIMI_PRINTF(2, 3);

/* "regexp '<the ERE>': <problem>" (the ERE shown safely, cut if long). */
static mimi_status_t bad(const ere_t *p, const char *fmt, ...) {
  char show[MIMI_SHOWLEN], msg[MIMI_ERRLEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mimi__seterr(p->err, p->errlen, "regexp '%s': %s",
               mimi__show(show, sizeof show, p->ere, p->len), msg);
  return MIMI_EBADRECORD;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One literal octet, inside or outside a bracket expression. */
static void emit_lit(mimi_buf_t *o, unsigned char c) {
  if (is_alnum(c))
    mimi__buf_addc(o, (char)c);
  else
    mimi__buf_addf(o, "\\x{%02x}", c);
}

static int at(const ere_t *p, size_t i) {
  return i < p->len ? (unsigned char)p->ere[i] : -1;
}

/* Offset of the first "<d>]" at or after from, or 0 when there is none. */
static size_t find_close(const ere_t *p, size_t from, char d) {
  for (size_t j = from; j + 1 < p->len; j++)
    if (p->ere[j] == d && p->ere[j + 1] == ']')
      return j;
  return 0;
}

enum { T_CHAR, T_CLASS, T_EQUIV };

/*
 * One term of a bracket expression at p->i (XBD §9.3.5): "[:class:]",
 * "[=c=]", "[.c.]" or one octet. A class is written to the output at once;
 * otherwise *c receives the octet. first/end: a '-' is an ordinary octet
 * only first, last, or as the end of a range.
 */
static mimi_status_t term(ere_t *p, int *kind, int *c, int first, int end) {
  static const char *const classes[] = {"alnum", "alpha", "blank", "cntrl",
                                        "digit", "graph", "lower", "print",
                                        "punct", "space", "upper", "xdigit"};
  size_t s = p->i;
  int d = at(p, s + 1);
  if (p->ere[s] == '[' && (d == ':' || d == '=' || d == '.')) {
    size_t j = find_close(p, s + (d == ':' ? 2 : 3), (char)d);
    if (!j)
      return bad(p, "'[%c' at offset %zu is not closed by '%c]'", d, s, d);
    size_t n = j - s - 2;
    p->i = j + 2;
    if (d == ':') {
      for (size_t k = 0; k < sizeof classes / sizeof *classes; k++)
        if (strlen(classes[k]) == n && memcmp(classes[k], p->ere + s + 2, n) == 0) {
          mimi__buf_addf(p->out, "[:%s:]", classes[k]);
          *kind = T_CLASS;
          return MIMI_OK;
        }
      char show[MIMI_SHOWLEN];
      return bad(p, "unknown character class '[:%s:]' at offset %zu",
                 mimi__show(show, sizeof show, p->ere + s + 2, n), s);
    }
    /* Collating symbols and equivalence classes: only of one octet, which
     * in the POSIX locale each stand for that octet. */
    if (n != 1)
      return bad(p, "'[%c...%c]' of more than one character at offset %zu is "
                 "not supported", d, d, s);
    *kind = d == '=' ? T_EQUIV : T_CHAR;
    *c = (unsigned char)p->ere[s + 2];
    return MIMI_OK;
  }
  if (p->ere[s] == '-' && !first && !end && at(p, s + 1) != ']' && s + 1 < p->len)
    return bad(p, "'-' at offset %zu is not first, last or the end of a range", s);
  *kind = T_CHAR;
  *c = (unsigned char)p->ere[s];
  p->i = s + 1;
  return MIMI_OK;
}

/*
 * A bracket expression at p->i (XBD §9.3.5): a ']' first (after an optional
 * '^') is literal, a backslash is literal (escaped for PCRE2), '[' is
 * literal unless it opens "[:", "[=" or "[.".
 */
static mimi_status_t bracket(ere_t *p) {
  size_t open = p->i++;
  mimi_status_t st;
  mimi__buf_addc(p->out, '[');
  if (at(p, p->i) == '^') {
    mimi__buf_addc(p->out, '^');
    p->i++;
  }
  size_t first = p->i;
  for (;;) {
    int kind, lo, hi, hkind;
    if (p->i >= p->len)
      return bad(p, "bracket expression at offset %zu is not closed", open);
    if (p->ere[p->i] == ']' && p->i > first) {
      mimi__buf_addc(p->out, ']');
      p->i++;
      return MIMI_OK;
    }
    size_t s = p->i;
    if ((st = term(p, &kind, &lo, s == first, 0)) != MIMI_OK)
      return st;
    if (kind == T_CLASS)
      continue;
    if (at(p, p->i) != '-' || at(p, p->i + 1) == ']' || p->i + 1 >= p->len) {
      emit_lit(p->out, (unsigned char)lo);
      continue;
    }
    p->i++; /* a range: "lo-hi", in octet order (the POSIX locale) */
    if ((st = term(p, &hkind, &hi, 0, 1)) != MIMI_OK)
      return st;
    if (kind != T_CHAR || hkind != T_CHAR)
      return bad(p, "range at offset %zu has a class as an end point", s);
    if (hi < lo)
      return bad(p, "range at offset %zu is reversed (0x%02x-0x%02x)", s,
                 (unsigned)lo, (unsigned)hi);
    emit_lit(p->out, (unsigned char)lo);
    mimi__buf_addc(p->out, '-');
    emit_lit(p->out, (unsigned char)hi);
  }
}

/* Digits at p->ere[*j]: the value, saturated just above the cap. */
static unsigned long number(const ere_t *p, size_t *j) {
  unsigned long v = 0;
  while (is_digit(at(p, *j))) {
    if (v <= MIMI__ERE_MAX_BOUND)
      v = v * 10 + (unsigned long)(p->ere[*j] - '0');
    (*j)++;
  }
  return v;
}

/* An interval at p->i: written out, *copies = how many times PCRE2 copies
 * the atom (m, or n, or m + 1 for "{m,}"). */
static mimi_status_t interval(ere_t *p, unsigned long *copies) {
  size_t s = p->i, j = s + 1, d1, d2 = 0;
  unsigned long m, n;
  int open = 0;
  if (!is_digit(at(p, j)))
    goto shape;
  d1 = j;
  m = n = number(p, &j);
  if (m > MIMI__ERE_MAX_BOUND)
    return bad(p, "repetition count above %d (%.*s at offset %zu)",
               MIMI__ERE_MAX_BOUND, (int)(j - d1 > 12 ? 12 : j - d1),
               p->ere + d1, d1);
  if (at(p, j) == ',') {
    j++;
    if (is_digit(at(p, j))) {
      d2 = j;
      n = number(p, &j);
      if (n > MIMI__ERE_MAX_BOUND)
        return bad(p, "repetition count above %d (%.*s at offset %zu)",
                   MIMI__ERE_MAX_BOUND, (int)(j - d2 > 12 ? 12 : j - d2),
                   p->ere + d2, d2);
    } else {
      open = 1;
    }
  }
  if (at(p, j) != '}')
    goto shape;
  if (n < m)
    return bad(p, "interval at offset %zu has its minimum %lu above its "
               "maximum %lu", s, m, n);
  if (open)
    mimi__buf_addf(p->out, "{%lu,}", m);
  else if (d2)
    mimi__buf_addf(p->out, "{%lu,%lu}", m, n);
  else
    mimi__buf_addf(p->out, "{%lu}", m);
  *copies = open ? m + 1 : n;
  if (!*copies)
    *copies = 1;
  p->i = j + 1;
  return MIMI_OK;
shape:
  return bad(p, "'{' at offset %zu does not start an interval {m}, {m,} or "
             "{m,n} (a literal brace is \\{ or [{])", s);
}

typedef struct {
  unsigned long inner; /* largest product of repetition counts inside */
  size_t open;         /* offset of the '(' */
} level_t;

mimi_status_t mimi__ere_translate(const char *ere, size_t len, mimi_buf_t *out,
                                  unsigned *groups, char *err, size_t errlen) {
  ere_t p = {ere, len, 0, out, err, errlen};
  level_t lv[MIMI__ERE_MAX_DEPTH + 1];
  unsigned depth = 0, ngroups = 0, nquant = 0, nint = 0;
  enum { NONE, ANCHOR, ATOM } last = NONE; /* in the current branch */
  unsigned long last_inner = 1;            /* the product inside that atom */
  int quantified = 0;
  mimi_status_t st;

  *groups = 0;
  lv[0].inner = 1;
  lv[0].open = 0;
  if (!len)
    return bad(&p, "the expression is empty");
  while (p.i < len) {
    size_t s = p.i;
    unsigned char c = (unsigned char)ere[s];
    unsigned long copies = 1;
    switch (c) {
    case '(':
      if (depth == MIMI__ERE_MAX_DEPTH)
        return bad(&p, "groups nested deeper than %d ('(' at offset %zu)",
                   MIMI__ERE_MAX_DEPTH, s);
      if (++ngroups > MIMI__ERE_MAX_GROUPS)
        return bad(&p, "more than %d groups ('(' at offset %zu)",
                   MIMI__ERE_MAX_GROUPS, s);
      depth++;
      lv[depth].inner = 1;
      lv[depth].open = s;
      mimi__buf_addc(out, '(');
      last = NONE;
      p.i++;
      continue;
    case ')':
      /* XBD §9.4.3 makes an unmatched ')' ordinary; glibc refuses it, and
       * so do we: it is far more likely a mistake. */
      if (!depth)
        return bad(&p, "')' at offset %zu closes no group", s);
      if (last == NONE)
        return bad(&p, "empty group or alternative before ')' at offset %zu", s);
      mimi__buf_addc(out, ')');
      last_inner = lv[depth].inner;
      depth--;
      if (lv[depth].inner < last_inner)
        lv[depth].inner = last_inner;
      last = ATOM;
      quantified = 0;
      p.i++;
      continue;
    case '|':
      if (last == NONE)
        return bad(&p, "empty alternative before '|' at offset %zu", s);
      mimi__buf_addc(out, '|');
      last = NONE;
      p.i++;
      continue;
    case '*':
    case '+':
    case '?':
    case '{':
      if (last == NONE)
        return bad(&p, "'%c' at offset %zu has nothing to repeat", c, s);
      if (last == ANCHOR)
        return bad(&p, "'%c' at offset %zu repeats an anchor", c, s);
      /* "a*?" and "a*+" are lazy and possessive in PCRE2, undefined in ERE. */
      if (quantified)
        return bad(&p, "a quantifier follows a quantifier ('%c' at offset %zu)", c, s);
      if (++nquant > MIMI__ERE_MAX_QUANTIFIERS)
        return bad(&p, "more than %d quantifiers ('%c' at offset %zu)",
                   MIMI__ERE_MAX_QUANTIFIERS, c, s);
      if (c == '{') {
        if (++nint > MIMI__ERE_MAX_INTERVALS)
          return bad(&p, "too many interval expressions (more than %d; '{' at "
                     "offset %zu)", MIMI__ERE_MAX_INTERVALS, s);
        if ((st = interval(&p, &copies)) != MIMI_OK)
          return st;
      } else {
        mimi__buf_addc(out, (char)c);
        p.i++;
      }
      /* Nested intervals multiply: "((a{32}){32})" is 1024 copies of a. */
      if (last_inner * copies > MIMI__ERE_MAX_PRODUCT)
        return bad(&p, "too many or too large repetition counts: nested, they "
                   "make %lu copies, above %d (at offset %zu)",
                   last_inner * copies, MIMI__ERE_MAX_PRODUCT, s);
      if (lv[depth].inner < last_inner * copies)
        lv[depth].inner = last_inner * copies;
      quantified = 1;
      continue;
    case '^':
    case '$':
      /* Anchors anywhere, as in ERE (PCRE2_DOLLAR_ENDONLY: no newline). */
      mimi__buf_addc(out, (char)c);
      last = ANCHOR;
      p.i++;
      continue;
    case '.':
      mimi__buf_addc(out, '.'); /* PCRE2_DOTALL: any octet, as in ERE */
      p.i++;
      break;
    case '[':
      if ((st = bracket(&p)) != MIMI_OK)
        return st;
      break;
    case '\\': {
      int e = at(&p, s + 1);
      if (e < 0)
        return bad(&p, "a backslash ends the expression");
      if (is_digit(e) && e != '0')
        return bad(&p, "back-reference \\%c inside the expression is not ERE "
                   "(offset %zu)", e, s);
      if (is_alnum(e))
        return bad(&p, "escape '\\%c' at offset %zu is not ERE (only "
                   "punctuation may be escaped)", e, s);
      emit_lit(out, (unsigned char)e);
      p.i += 2;
      break;
    }
    default: /* ordinary, including ']' and '}' (XBD §9.4.3) */
      emit_lit(out, c);
      p.i++;
      break;
    }
    last = ATOM;
    last_inner = 1;
    quantified = 0;
  }
  if (depth)
    return bad(&p, "'(' at offset %zu is not closed", lv[depth].open);
  if (last == NONE)
    return bad(&p, "empty alternative at the end");
  if (out->oom)
    return MIMI_ENOMEM;
  *groups = ngroups;
  return MIMI_OK;
}
