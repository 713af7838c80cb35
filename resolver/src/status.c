/* Status strings, version and the few library-wide helpers of the public API. */
#include <stdlib.h>

#include "internal.h"

MIMI_EXPORT const char *mimi_strerror(mimi_status_t status) {
  switch (status) {
  case MIMI_OK: return "success";
  case MIMI_ENOMEM: return "out of memory";
  case MIMI_EINVAL: return "invalid argument";
  case MIMI_EBADID: return "invalid identifier";
  case MIMI_ETOOLONG: return "name or record too long for the DNS";
  case MIMI_EBADRECORD: return "malformed record";
  case MIMI_ENOTMIMI: return "not a MIMI-DNS/1 record";
  case MIMI_EUNSUPPORTED: return "not supported";
  case MIMI_ECONFIG: return "unusable configuration";
  case MIMI_EBUSY: return "context already started";
  case MIMI_ECANCELLED: return "cancelled";
  }
  return "unknown status";
}

MIMI_EXPORT const char *mimi_version(int *num) {
  if (num)
    *num = MIMI_VERSION_NUM;
  return MIMI_VERSION_STR;
}

MIMI_EXPORT void mimi_free(void *ptr) { free(ptr); }

MIMI_EXPORT const char *mimi_rrtype_name(uint16_t rrtype) {
  switch (rrtype) {
  case MIMI_RR_A: return "A";
  case MIMI_RR_CNAME: return "CNAME";
  case MIMI_RR_TXT: return "TXT";
  case MIMI_RR_AAAA: return "AAAA";
  case MIMI_RR_NAPTR: return "NAPTR";
  case MIMI_RR_TLSA: return "TLSA";
  case MIMI_RR_SVCB: return "SVCB";
  case MIMI_RR_HTTPS: return "HTTPS";
  }
  return NULL;
}
