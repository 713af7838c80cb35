/* SPDX-License-Identifier: MIT */
/*
 * Host names: IDNA2008 conversion (libidn2) and the LDH checks of
 * RFC 1035 §2.3.1 / RFC 1123 §2.1, plus the DNS length limits.
 */
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "codec/codec.h"

static int is_ascii(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80)
      return 0;
  return 1;
}

/* LDH check of a lower-case ASCII name without trailing dot. */
static mimi_status_t check_ldh(const char *name, int min_labels,
                               const char *what, char *err, size_t errlen) {
  char show[MIMI_SHOWLEN];
  size_t n = strlen(name), start = 0;
  int labels = 0, numeric = 1;

  if (n > MIMI_MAX_HOST) {
    mimi__seterr(err, errlen, "%s has %zu octets; a host name allows at most %d",
                 what, n, MIMI_MAX_HOST);
    return MIMI_EBADID;
  }
  for (size_t i = 0; i <= n; i++) {
    if (i == n || name[i] == '.') {
      size_t ll = i - start;
      if (ll == 0) {
        mimi__seterr(err, errlen, "%s '%s' has an empty label", what,
                     mimi__show(show, sizeof show, name, n));
        return MIMI_EBADID;
      }
      if (ll > MIMI_MAX_LABEL) {
        mimi__seterr(err, errlen,
                     "%s label '%s' has %zu octets; a label allows at most %d",
                     what, mimi__show(show, sizeof show, name + start, ll), ll,
                     MIMI_MAX_LABEL);
        return MIMI_EBADID;
      }
      if (name[start] == '-' || name[i - 1] == '-') {
        mimi__seterr(err, errlen, "%s label '%s' starts or ends with '-'", what,
                     mimi__show(show, sizeof show, name + start, ll));
        return MIMI_EBADID;
      }
      labels++;
      if (i < n) {
        start = i + 1;
        numeric = 1;
      }
      continue;
    }
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      char one[16];
      mimi__seterr(err, errlen, "%s '%s' contains '%s', not allowed in a host name",
                   what, mimi__show(show, sizeof show, name, n),
                   mimi__show(one, sizeof one, &name[i], 1));
      return MIMI_EBADID;
    }
    if (!(c >= '0' && c <= '9'))
      numeric = 0;
  }
  if (numeric) {
    /* RFC 3696 §2: a top-level label is never all-numeric (no IP literals). */
    mimi__seterr(err, errlen, "%s '%s' ends in an all-numeric label", what,
                 mimi__show(show, sizeof show, name, n));
    return MIMI_EBADID;
  }
  if (labels < min_labels) {
    mimi__seterr(err, errlen, "%s '%s' needs at least %d labels", what,
                 mimi__show(show, sizeof show, name, n), min_labels);
    return MIMI_EBADID;
  }
  return MIMI_OK;
}

mimi_status_t mimi__host_canon(const char *in, size_t len, int min_labels,
                               const char *what, char **out, char *err,
                               size_t errlen) {
  mimi_status_t st = MIMI_OK;
  char show[MIMI_SHOWLEN];
  char *tmp = NULL, *idn = NULL;

  *out = NULL;
  if (len == 0) {
    mimi__seterr(err, errlen, "%s is empty", what);
    return MIMI_EBADID;
  }
  if (memchr(in, '\0', len)) {
    mimi__seterr(err, errlen, "%s contains a NUL octet", what);
    return MIMI_EBADID;
  }
  if (len > 1 && in[len - 1] == '.')
    len--; /* absolute form: one trailing dot is allowed */
  tmp = mimi__strndup(in, len);
  if (!tmp)
    return MIMI_ENOMEM;

  if (is_ascii(tmp, len)) {
    int has_alabel = 0;
    for (size_t i = 0; i < len; i++)
      tmp[i] = (char)mimi__ascii_lower((unsigned char)tmp[i]);
    for (size_t i = 0; i + 4 <= len; i++)
      if ((i == 0 || tmp[i - 1] == '.') && memcmp(tmp + i, "xn--", 4) == 0)
        has_alabel = 1;
    if (!has_alabel)
      goto ldh;
  } else if (!mimi__utf8_valid(tmp, len)) {
    mimi__seterr(err, errlen, "%s '%s' is not valid UTF-8", what,
                 mimi__show(show, sizeof show, in, len));
    st = MIMI_EBADID;
    goto done;
  }
  /* Unicode input, or A-labels to verify: IDNA2008 with UTS#46
   * non-transitional mapping (so "Straße" keeps its sharp s). */
  {
    int rc = idn2_lookup_u8((const uint8_t *)tmp, (uint8_t **)&idn,
                            IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc == IDN2_MALLOC) {
      st = MIMI_ENOMEM;
      goto done;
    }
    if (rc != IDN2_OK) {
      mimi__seterr(err, errlen, "%s '%s' is not a valid internationalised name: %s",
                   what, mimi__show(show, sizeof show, in, len), idn2_strerror(rc));
      st = MIMI_EBADID;
      goto done;
    }
    free(tmp);
    tmp = mimi__strdup(idn);
    idn2_free(idn);
    idn = NULL;
    if (!tmp) {
      st = MIMI_ENOMEM;
      goto done;
    }
    for (char *p = tmp; *p; p++)
      *p = (char)mimi__ascii_lower((unsigned char)*p);
  }
ldh:
  st = check_ldh(tmp, min_labels, what, err, errlen);
done:
  if (idn)
    idn2_free(idn);
  if (st == MIMI_OK)
    *out = tmp;
  else
    free(tmp);
  return st;
}

size_t mimi__name_wire_len(const char *name) {
  size_t n = strlen(name);
  if (n == 1 && name[0] == '.')
    return 1;
  /* "a.b." → 1 a 1 b 0: each dot becomes a length octet, plus the root. */
  return n + (name[n - 1] == '.' ? 1 : 2);
}

int mimi__name_eq(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  la -= la > 1 && a[la - 1] == '.';
  lb -= lb > 1 && b[lb - 1] == '.';
  return la == lb && mimi__strncaseeq(a, b, la);
}

mimi_status_t mimi__name_check(const char *name, char *err, size_t errlen) {
  size_t start = 0, n = strlen(name);
  for (size_t i = 0; i <= n; i++) {
    if (i == n || name[i] == '.') {
      if (i - start > MIMI_MAX_LABEL) {
        mimi__seterr(err, errlen, "a label of '%.40s...' has %zu octets; "
                     "a label allows at most %d", name, i - start, MIMI_MAX_LABEL);
        return MIMI_ETOOLONG;
      }
      start = i + 1;
    }
  }
  if (mimi__name_wire_len(name) > MIMI_MAX_NAME_WIRE) {
    mimi__seterr(err, errlen, "owner name would have %zu octets; "
                 "a DNS name allows at most %d",
                 mimi__name_wire_len(name), MIMI_MAX_NAME_WIRE);
    return MIMI_ETOOLONG;
  }
  return MIMI_OK;
}
