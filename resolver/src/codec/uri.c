/* SPDX-License-Identifier: MIT */
/*
 * MIMI URIs: "mimi://<provider>/u/<user>" (draft-ietf-mimi-protocol, user
 * URIs). Only this form is accepted; anything else is named in the error.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

#define SCHEME "mimi://"

mimi_status_t mimi__uri_parse(const char *s, size_t len, char **host,
                              uint16_t *port, char **account, char *err,
                              size_t errlen) {
  char show[MIMI_SHOWLEN];
  const char *p, *end = s + len, *auth, *auth_end, *colon = NULL;
  mimi_status_t st;
  unsigned long portnum = 0;

  *host = NULL;
  *account = NULL;
  *port = 0;
  if (len < strlen(SCHEME) || !mimi__strncaseeq(s, SCHEME, strlen(SCHEME))) {
    mimi__seterr(err, errlen, "not a mimi URI (expected 'mimi://')");
    return MIMI_EBADID;
  }
  auth = s + strlen(SCHEME);
  auth_end = memchr(auth, '/', (size_t)(end - auth));
  if (!auth_end)
    auth_end = end;
  for (p = auth; p < auth_end; p++) {
    if (*p == '@') {
      mimi__seterr(err, errlen, "mimi URI must not carry user information before '@'");
      return MIMI_EBADID;
    }
    if (*p == '[' || *p == '%' || *p == '?' || *p == '#') {
      mimi__seterr(err, errlen, "mimi URI provider must be a host name, not '%s'",
                   mimi__show(show, sizeof show, auth, (size_t)(auth_end - auth)));
      return MIMI_EBADID;
    }
    if (*p == ':')
      colon = p;
  }
  if (colon) {
    if (colon + 1 == auth_end) {
      mimi__seterr(err, errlen, "mimi URI has an empty port after ':'");
      return MIMI_EBADID;
    }
    for (p = colon + 1; p < auth_end; p++) {
      if (*p < '0' || *p > '9' || portnum > 65535) {
        mimi__seterr(err, errlen, "mimi URI port '%s' is not a number from 1 to 65535",
                     mimi__show(show, sizeof show, colon + 1,
                                (size_t)(auth_end - colon - 1)));
        return MIMI_EBADID;
      }
      portnum = portnum * 10 + (unsigned long)(*p - '0');
    }
    if (portnum == 0 || portnum > 65535) {
      mimi__seterr(err, errlen, "mimi URI port '%s' is not a number from 1 to 65535",
                   mimi__show(show, sizeof show, colon + 1,
                              (size_t)(auth_end - colon - 1)));
      return MIMI_EBADID;
    }
  }
  if (end - auth_end < 3 || memcmp(auth_end, "/u/", 3) != 0) {
    mimi__seterr(err, errlen, "mimi URI path must be '/u/<user>'");
    return MIMI_EBADID;
  }
  p = auth_end + 3;
  for (const char *q = p; q < end; q++) {
    if (*q == '/' || *q == '?' || *q == '#') {
      mimi__seterr(err, errlen, "mimi URI user must be a single path segment "
                   "without '/', '?' or '#'");
      return MIMI_EBADID;
    }
  }
  if (p == end) {
    mimi__seterr(err, errlen, "mimi URI has an empty user after '/u/'");
    return MIMI_EBADID;
  }
  st = mimi__host_canon(auth, (size_t)((colon ? colon : auth_end) - auth), 1,
                        "mimi URI provider", host, err, errlen);
  if (st != MIMI_OK)
    return st;
  st = mimi__pct_decode(p, (size_t)(end - p), 1, account, err, errlen);
  if (st != MIMI_OK) {
    free(*host);
    *host = NULL;
    return st;
  }
  *port = (uint16_t)portnum;
  return MIMI_OK;
}
