/*
 * Fuzz target: DNS responses as the c-ares backend parses them (packet.c,
 * over ldns). The first octet picks the question type; the rest is the
 * response. Properties: kept RRs are of the asked type with bounded RDATA;
 * a failed parse leaves nothing allocated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const uint16_t types[] = {MIMI_RR_TXT, MIMI_RR_NAPTR, MIMI_RR_SVCB,
                                   MIMI_RR_HTTPS, MIMI_RR_A, MIMI_RR_AAAA,
                                   MIMI_RR_TLSA, MIMI_RR_CNAME};
  mimi__packet_t p;
  if (size < 1)
    return 0;
  uint16_t qt = types[data[0] % (sizeof types / sizeof *types)];
  if (mimi__packet_parse(data + 1, size - 1, "a.example.", qt, &p) == MIMI_OK) {
    for (size_t i = 0; i < p.n; i++)
      if (p.rdlen[i] > 65535 || !p.rdata[i])
        abort();
    mimi__packet_clear(&p);
  } else if (p.n || p.rdata || p.rdlen) {
    abort();
  }
  return 0;
}
