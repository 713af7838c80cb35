/* SPDX-License-Identifier: MIT */
/* Status strings, version and the few library-wide helpers of the public API. */
#include <stdlib.h>

#include "codec/codec.h"

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
  case MIMI_RR_DS: return "DS";
  case MIMI_RR_DNSKEY: return "DNSKEY";
  case MIMI_RR_TLSA: return "TLSA";
  case MIMI_RR_SVCB: return "SVCB";
  case MIMI_RR_HTTPS: return "HTTPS";
  }
  return NULL;
}

MIMI_EXPORT const char *mimi_dnssec_name(mimi_dnssec_t s) {
  switch (s) {
  case MIMI_DNSSEC_UNCHECKED: return "unchecked";
  case MIMI_DNSSEC_SECURE: return "secure";
  case MIMI_DNSSEC_INSECURE: return "insecure";
  case MIMI_DNSSEC_BOGUS: return "bogus";
  }
  return "unknown";
}

MIMI_EXPORT const char *mimi_outcome_name(mimi_outcome_t o) {
  switch (o) {
  case MIMI_OUTCOME_FOUND: return "found";
  case MIMI_OUTCOME_NOTFOUND: return "not-found";
  case MIMI_OUTCOME_OPTEDOUT: return "opted-out";
  case MIMI_OUTCOME_FAILED: return "failed";
  }
  return "unknown";
}

MIMI_EXPORT const char *mimi_failure_name(mimi_failure_t f) {
  switch (f) {
  case MIMI_FAIL_NONE: return "none";
  case MIMI_FAIL_BOGUS: return "bogus";
  case MIMI_FAIL_INSECURE: return "insecure";
  case MIMI_FAIL_TIMEOUT: return "timeout";
  case MIMI_FAIL_SERVFAIL: return "servfail";
  case MIMI_FAIL_NETWORK: return "network";
  case MIMI_FAIL_LOOP: return "loop";
  case MIMI_FAIL_INTERNAL: return "internal";
  }
  return "unknown";
}

MIMI_EXPORT const char *mimi_step_name(mimi_step_t s) {
  switch (s) {
  case MIMI_STEP_MAPPING: return "mapping";
  case MIMI_STEP_RETRY: return "case-retry";
  case MIMI_STEP_NAPTR: return "naptr";
  case MIMI_STEP_SVCB: return "svcb";
  case MIMI_STEP_HTTPS: return "https";
  case MIMI_STEP_ADDR: return "address";
  case MIMI_STEP_TLSA: return "tlsa";
  }
  return "?";
}
