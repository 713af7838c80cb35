/* SPDX-License-Identifier: MIT */
/*
 * Identifier classification and normalisation (MIMI-DNS/1 §1).
 *
 * Order of recognition: "mimi:" URI; "tel:" phone; then, after an optional
 * "im:"/"mailto:" prefix and a leading "@": anything with an '@' is an
 * email-style handle; a leading "+" or only digits and visual separators is
 * a phone number (without "+" an error: never guessed into E.164); the rest
 * is a domain handle. Input that would look up a name nobody meant is a
 * usage error naming the problem: invisible characters, other URI schemes,
 * a second '@', a local part longer than RFC 5321 allows.
 */
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#include "codec/codec.h"

struct mimi_id {
  mimi_id_class_t cls;
  char *canonical;
  char *local;   /* handle */
  char *domain;  /* handle, domain handle, uri */
  char *number;  /* phone */
  char *account; /* uri, decoded */
  uint16_t port; /* uri */
};

#define E164_MAX_DIGITS 15 /* ITU-T E.164 §6.2.1 */
#define LOCAL_MAX_OCTETS 64 /* RFC 5321 §4.5.3.1.1, also for UTF-8 (RFC 6531 §3.3) */
#define GENERIC_HELP                                                           \
  "expected +E.164 number, local@domain, a domain handle or mimi:// URI"

MIMI_EXPORT void mimi_id_free(mimi_id_t *id) {
  if (!id)
    return;
  free(id->canonical);
  free(id->local);
  free(id->domain);
  free(id->number);
  free(id->account);
  free(id);
}

static int is_visual_sep(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

static mimi_status_t parse_phone(mimi_id_t *id, const char *s, size_t len,
                                 char *err, size_t errlen) {
  char digits[E164_MAX_DIGITS + 2]; /* "+" and up to 15 digits */
  char show[MIMI_SHOWLEN], one[16];
  size_t nd = 0, total = 0;
  int plus = 0, seen = 0;

  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    /* "+44 (0)20 7946 0148": the national trunk prefix in brackets after
     * the country code (ITU-T E.123 §2.7) is not dialled from abroad. */
    if (c == '(' && nd > 0 && i + 2 < len && s[i + 1] == '0' && s[i + 2] == ')') {
      i += 2;
      continue;
    }
    if (is_visual_sep(c))
      continue;
    if (c == '+' && !seen) {
      plus = 1;
      seen = 1;
      continue;
    }
    if (c >= '0' && c <= '9') {
      if (nd < E164_MAX_DIGITS)
        digits[1 + nd++] = c;
      total++;
      seen = 1;
      continue;
    }
    if (c == ';') {
      mimi__seterr(err, errlen, "tel: URI parameters (';...') are not supported");
      return MIMI_EBADID;
    }
    mimi__seterr(err, errlen, "phone number '%s' contains '%s'; only digits, "
                 "a leading '+' and the separators space - . ( ) are allowed",
                 mimi__show(show, sizeof show, s, len),
                 mimi__show(one, sizeof one, s + i, 1));
    return MIMI_EBADID;
  }
  if (!plus) {
    mimi__seterr(err, errlen, "phone number '%s' has no leading '+': write it in "
                 "international form, e.g. +44 20 7946 0148 (a number without "
                 "'+' is never guessed)", mimi__show(show, sizeof show, s, len));
    return MIMI_EBADID;
  }
  if (total == 0) {
    mimi__seterr(err, errlen, "phone number has no digits");
    return MIMI_EBADID;
  }
  if (digits[1] == '0') {
    mimi__seterr(err, errlen, "phone number starts with 0; E.164 country codes "
                 "start with 1-9");
    return MIMI_EBADID;
  }
  if (total > E164_MAX_DIGITS) {
    mimi__seterr(err, errlen, "phone number has %zu digits; E.164 allows at most %d",
                 total, E164_MAX_DIGITS);
    return MIMI_EBADID;
  }
  if (total < 2) {
    mimi__seterr(err, errlen, "phone number has 1 digit; E.164 needs at least 2");
    return MIMI_EBADID;
  }
  digits[0] = '+';
  id->cls = MIMI_ID_PHONE;
  id->number = mimi__strndup(digits, nd + 1);
  id->canonical = mimi__strndup(digits, nd + 1);
  return id->number && id->canonical ? MIMI_OK : MIMI_ENOMEM;
}

/* NFC (UAX #15) of a UTF-8 string, as a new NUL-terminated string. */
static mimi_status_t nfc(const char *s, size_t len, char **out) {
  size_t n = 0, i;
  /* ASCII is its own NFC: skip the normaliser (most local parts). */
  for (i = 0; i < len && (unsigned char)s[i] < 0x80; i++)
    ;
  if (i == len) {
    *out = mimi__strndup(s, len);
    return *out ? MIMI_OK : MIMI_ENOMEM;
  }
  uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &n);
  if (!r)
    return MIMI_ENOMEM; /* input was checked as valid UTF-8 */
  *out = mimi__strndup((const char *)r, n);
  free(r);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}

static mimi_status_t parse_handle(mimi_id_t *id, const char *s, size_t len,
                                  char *err, size_t errlen) {
  const char *at = NULL;
  mimi_status_t st;

  size_t ats = 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] == '@')
      at = s + i, ats++; /* the last '@' separates the domain (RFC 5321 §4.1.2) */
  /* An '@' in the local part is only allowed quoted (RFC 5321 §4.1.2);
   * "alice@@example.com" is a typo, not the local part "alice@". */
  if (ats > 1 && !(s[0] == '"' && at > s + 1 && at[-1] == '"')) {
    mimi__seterr(err, errlen, "handle has %zu '@'; a handle is local@domain with "
                 "one '@' (an '@' in the local part must be quoted)", ats);
    return MIMI_EBADID;
  }
  if (at == s) {
    mimi__seterr(err, errlen, "handle has an empty local part before '@'");
    return MIMI_EBADID;
  }
  if (at == s + len - 1) {
    mimi__seterr(err, errlen, "handle has an empty domain after '@'");
    return MIMI_EBADID;
  }
  /* The canonical form "local@domain" must read back as the same handle, so
   * a local part must not begin with what the parser takes as a prefix. */
  static const char *const prefixes[] = {"@", "im:", "mailto:", "tel:", "mimi:"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
    size_t n = strlen(prefixes[i]);
    if ((size_t)(at - s) >= n && mimi__strncaseeq(s, prefixes[i], n)) {
      mimi__seterr(err, errlen, "handle local part starts with '%s', which "
                   "would be read as a prefix", prefixes[i]);
      return MIMI_EBADID;
    }
  }
  for (const char *p = s; p < at; p++) {
    if (*p == ' ' || *p == '\t') {
      mimi__seterr(err, errlen, "handle local part contains a space");
      return MIMI_EBADID;
    }
  }
  if ((st = nfc(s, (size_t)(at - s), &id->local)) != MIMI_OK)
    return st;
  if (strlen(id->local) > LOCAL_MAX_OCTETS) {
    mimi__seterr(err, errlen, "handle local part has %zu octets; at most %d are "
                 "allowed (RFC 5321 §4.5.3.1.1)", strlen(id->local), LOCAL_MAX_OCTETS);
    return MIMI_EBADID;
  }
  st = mimi__host_canon(at + 1, (size_t)(s + len - at - 1), 1, "domain",
                        &id->domain, err, errlen);
  if (st != MIMI_OK)
    return st;
  /* The owner name must fit the DNS (MIMI-DNS/1 §2); its length does not
   * depend on the hash, so it is checked without computing one. */
  size_t owner = MIMI__HANDLE_OWNER_EXTRA + mimi__name_wire_len(id->domain);
  if (owner > MIMI_MAX_NAME_WIRE) {
    mimi__seterr(err, errlen, "domain has %zu octets: its owner name "
                 "<hash>._mimi.<domain>. would have %zu, more than the 255 "
                 "octets a DNS name allows", strlen(id->domain), owner);
    return MIMI_ETOOLONG;
  }
  /* "local@domain", in one allocation. */
  size_t ll = strlen(id->local), dl = strlen(id->domain);
  id->cls = MIMI_ID_HANDLE;
  if (!(id->canonical = malloc(ll + dl + 2)))
    return MIMI_ENOMEM;
  memcpy(id->canonical, id->local, ll);
  id->canonical[ll] = '@';
  memcpy(id->canonical + ll + 1, id->domain, dl + 1);
  return MIMI_OK;
}

static mimi_status_t parse_domain(mimi_id_t *id, const char *s, size_t len,
                                  char *err, size_t errlen) {
  char show[MIMI_SHOWLEN];
  char *name = NULL;
  mimi_status_t st;

  if (!memchr(s, '.', len) || memchr(s, ':', len) || memchr(s, '/', len)) {
    mimi__seterr(err, errlen, "'%s' is not a recognised identifier: %s",
                 mimi__show(show, sizeof show, s, len), GENERIC_HELP);
    return MIMI_EBADID;
  }
  st = mimi__host_canon(s, len, 2, "domain handle", &id->domain, err, errlen);
  if (st != MIMI_OK)
    return st;
  st = mimi_name_domain(id->domain, &name);
  if (st == MIMI_ETOOLONG)
    mimi__seterr(err, errlen, "domain handle has %zu octets: its owner name "
                 "_mimi.<handle>. would have %zu, more than the 255 octets a "
                 "DNS name allows", strlen(id->domain), strlen(id->domain) + 8);
  free(name);
  if (st != MIMI_OK)
    return st;
  id->cls = MIMI_ID_DOMAIN;
  id->canonical = mimi__strdup(id->domain);
  return id->canonical ? MIMI_OK : MIMI_ENOMEM;
}

static mimi_status_t parse_uri(mimi_id_t *id, const char *s, size_t len,
                               char *err, size_t errlen) {
  mimi_status_t st;
  mimi_buf_t b;

  st = mimi__uri_parse(s, len, &id->domain, &id->port, &id->account, err, errlen);
  if (st != MIMI_OK)
    return st;
  mimi__buf_init(&b);
  mimi__buf_adds(&b, "mimi://");
  mimi__buf_adds(&b, id->domain);
  if (id->port)
    mimi__buf_addf(&b, ":%u", (unsigned)id->port);
  mimi__buf_adds(&b, "/u/");
  mimi__pct_encode(&b, id->account);
  id->cls = MIMI_ID_URI;
  id->canonical = mimi__buf_take(&b);
  return id->canonical ? MIMI_OK : MIMI_ENOMEM;
}

static int has_control(const char *s, size_t len, char *err, size_t errlen) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f) {
      mimi__seterr(err, errlen, "identifier contains a control character (0x%02x)", c);
      return 1;
    }
  }
  return 0;
}

/* Digits and visual separators only, with at least one digit ("-" alone is
 * not a number anybody meant). */
static int only_phone_chars(const char *s, size_t len) {
  int digit = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] >= '0' && s[i] <= '9')
      digit = 1;
    else if (!is_visual_sep(s[i]))
      return 0;
  }
  return digit;
}

/* Code points that are invisible, or look like the '@' the parser splits
 * on: an identifier holding one would look up a name nobody can see. */
static const char *invisible(ucs4_t c) {
  switch (c) {
  case 0x00AD: return "a soft hyphen (U+00AD)";
  case 0x200B: return "a zero-width space (U+200B)";
  case 0x2060: return "a word joiner (U+2060)";
  case 0xFEFF: return "a byte-order mark (U+FEFF)";
  case 0xFF20: return "a full-width '@' (U+FF20; write '@')";
  case 0xFE6B: return "a small '@' (U+FE6B; write '@')";
  default: break;
  }
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
      c == 0x200E || c == 0x200F)
    return "a bidirectional control (U+200E-200F, U+202A-202E, U+2066-2069)";
  return NULL;
}

static int has_invisible(const char *s, size_t len, char *err, size_t errlen) {
  for (size_t i = 0; i < len;) {
    size_t at = i;
    ucs4_t c;
    i += (size_t)u8_mbtouc(&c, (const uint8_t *)s + i, len - i); /* valid UTF-8 */
    const char *what = invisible(c);
    if (what) {
      mimi__seterr(err, errlen, "identifier contains %s at octet %zu", what, at + 1);
      return 1;
    }
  }
  return 0;
}

/* "scheme:" (RFC 3986 §3.1) at the start: its length, or 0. */
static size_t scheme_len(const char *s, size_t len) {
  size_t i = 0;
  if (!len || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
    return 0;
  while (i < len && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
                     s[i] == '.'))
    i++;
  return i < len && s[i] == ':' ? i + 1 : 0;
}

MIMI_EXPORT mimi_status_t mimi_id_parse(const char *input, mimi_id_t **out,
                                        char *err, size_t errlen) {
  mimi_status_t st;
  mimi_id_t *id = NULL;
  const char *s;
  char *decoded = NULL;
  size_t len;

  if (out)
    *out = NULL;
  if (!input || !out)
    return MIMI_EINVAL;
  /* People paste identifiers with surrounding blanks; those carry no meaning. */
  s = input;
  len = strlen(s);
  while (len && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  if (len == 0) {
    mimi__seterr(err, errlen, "identifier is empty");
    return MIMI_EBADID;
  }
  /* Printable ASCII (most identifiers) is valid UTF-8 with no control
   * character and no invisible code point: one pass instead of three. */
  size_t k = 0;
  while (k < len && (unsigned char)s[k] - 0x20u < 0x5fu)
    k++;
  if (k < len) {
    if (!mimi__utf8_valid(s, len)) {
      mimi__seterr(err, errlen, "identifier is not valid UTF-8");
      return MIMI_EBADID;
    }
    if (has_control(s, len, err, errlen) || has_invisible(s, len, err, errlen))
      return MIMI_EBADID;
  }
  size_t sl = scheme_len(s, len);
  static const char *const schemes[] = {"mimi:", "tel:", "im:", "mailto:"};
  int known = 0;
  for (size_t i = 0; sl && i < sizeof schemes / sizeof *schemes; i++)
    known |= sl == strlen(schemes[i]) && mimi__strncaseeq(s, schemes[i], sl);
  if (sl && !known) {
    char show[MIMI_SHOWLEN];
    mimi__seterr(err, errlen, "'%s' URIs are not MIMI identifiers: give the "
                 "address itself (local@domain), a +E.164 number or a mimi:// URI",
                 mimi__show(show, sizeof show, s, sl));
    return MIMI_EBADID;
  }
  if (!(id = calloc(1, sizeof(*id))))
    return MIMI_ENOMEM;

  if (len >= 5 && mimi__strncaseeq(s, "mimi:", 5)) {
    st = parse_uri(id, s, len, err, errlen);
  } else if (len >= 4 && mimi__strncaseeq(s, "tel:", 4)) {
    st = parse_phone(id, s + 4, len - 4, err, errlen);
  } else {
    int explicit_handle = 0;
    if (len >= 3 && mimi__strncaseeq(s, "im:", 3)) {
      s += 3, len -= 3, explicit_handle = 1;
    } else if (len >= 7 && mimi__strncaseeq(s, "mailto:", 7)) {
      /* RFC 6068: the address is percent-encoded; "?hfields" are dropped. */
      const char *q = memchr(s + 7, '?', len - 7);
      size_t n = q ? (size_t)(q - s - 7) : len - 7;
      st = mimi__pct_decode(s + 7, n, 1, &decoded, err, errlen);
      if (st != MIMI_OK)
        goto done;
      s = decoded, len = strlen(decoded), explicit_handle = 1;
      if (has_control(s, len, err, errlen)) { /* "%0a" and friends */
        st = MIMI_EBADID;
        goto done;
      }
    }
    int at_prefix = 0;
    if (len && s[0] == '@') /* "@alice@example.com", "@alice.example.org" */
      s++, len--, at_prefix = 1;
    /* An '@' makes it a handle, even when the local part starts with '+'
     * ("+tag@example.com"); otherwise '+' or digits make it a phone number,
     * unless a leading '@' said it is a handle. */
    if (at_prefix && len == 0) {
      mimi__seterr(err, errlen, "'@' alone is not an identifier: " GENERIC_HELP);
      st = MIMI_EBADID;
    } else if (memchr(s, '@', len)) {
      st = parse_handle(id, s, len, err, errlen);
    } else if (explicit_handle) {
      mimi__seterr(err, errlen, "im:/mailto: identifier needs the form local@domain");
      st = MIMI_EBADID;
    } else if (!at_prefix && (s[0] == '+' || only_phone_chars(s, len))) {
      st = parse_phone(id, s, len, err, errlen);
    } else {
      st = parse_domain(id, s, len, err, errlen);
    }
  }
done:
  free(decoded);
  if (st != MIMI_OK) {
    mimi_id_free(id);
    return st;
  }
  *out = id;
  return MIMI_OK;
}

MIMI_EXPORT mimi_id_class_t mimi_id_class(const mimi_id_t *id) {
  return id ? id->cls : (mimi_id_class_t)0;
}

MIMI_EXPORT const char *mimi_id_class_name(mimi_id_class_t cls) {
  switch (cls) {
  case MIMI_ID_PHONE: return "phone";
  case MIMI_ID_HANDLE: return "handle";
  case MIMI_ID_DOMAIN: return "domain";
  case MIMI_ID_URI: return "uri";
  }
  return NULL;
}

MIMI_EXPORT const char *mimi_id_canonical(const mimi_id_t *id) {
  return id ? id->canonical : NULL;
}
MIMI_EXPORT const char *mimi_id_local(const mimi_id_t *id) {
  return id ? id->local : NULL;
}
MIMI_EXPORT const char *mimi_id_domain(const mimi_id_t *id) {
  return id ? id->domain : NULL;
}
MIMI_EXPORT const char *mimi_id_number(const mimi_id_t *id) {
  return id ? id->number : NULL;
}
MIMI_EXPORT const char *mimi_id_account(const mimi_id_t *id) {
  return id ? id->account : NULL;
}
MIMI_EXPORT uint16_t mimi_id_port(const mimi_id_t *id) {
  return id ? id->port : 0;
}
