/* SPDX-License-Identifier: MIT */
/* Server addresses as the backends take them: "ADDR@PORT". */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"

mimi_status_t mimi__server_parse(const char *s, char **out, char *err,
                                 size_t errlen) {
  char show[MIMI_SHOWLEN], addr[INET6_ADDRSTRLEN + 1];
  unsigned char bin[16];
  const char *at = strrchr(s, '@');
  size_t alen = at ? (size_t)(at - s) : strlen(s);
  unsigned long port = 53;
  mimi_buf_t b;

  *out = NULL;
  if (alen == 0 || alen >= sizeof addr) {
    mimi__seterr(err, errlen, "server '%s' is not an IP address",
                 mimi__show(show, sizeof show, s, strlen(s)));
    return MIMI_EINVAL;
  }
  memcpy(addr, s, alen);
  addr[alen] = '\0';
  if (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1) {
    mimi__seterr(err, errlen, "server '%s' is not an IPv4 or IPv6 address "
                 "(write ADDR or ADDR@PORT)",
                 mimi__show(show, sizeof show, addr, alen));
    return MIMI_EINVAL;
  }
  if (at) {
    char *end;
    errno = 0;
    port = strtoul(at + 1, &end, 10);
    if (at[1] < '0' || at[1] > '9' || *end || errno || port < 1 || port > 65535) {
      mimi__seterr(err, errlen, "server port '%s' is not 1-65535",
                   mimi__show(show, sizeof show, at + 1, strlen(at + 1)));
      return MIMI_EINVAL;
    }
  }
  mimi__buf_init(&b);
  mimi__buf_addf(&b, "%s@%lu", addr, port);
  *out = mimi__buf_take(&b);
  return *out ? MIMI_OK : MIMI_ENOMEM;
}

int mimi__server_is_loopback(const char *s) {
  return strncmp(s, "127.", 4) == 0 || strncmp(s, "::1@", 4) == 0;
}

int mimi__server_is_ipv6(const char *s) {
  return strchr(s, ':') != NULL; /* "ADDR@PORT": only IPv6 has colons */
}

int mimi__server_in_family(const char *s, unsigned transport) {
  if (transport & MIMI_TRANSPORT_IPV4)
    return !mimi__server_is_ipv6(s);
  if (transport & MIMI_TRANSPORT_IPV6)
    return mimi__server_is_ipv6(s);
  return 1;
}
