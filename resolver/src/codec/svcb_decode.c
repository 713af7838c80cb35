/* SPDX-License-Identifier: MIT */
/*
 * SVCB/HTTPS RDATA decoding (RFC 9460; MIMI-DNS/1 §5): wire form, validity
 * rules, accessors. No I/O. The presentation form is in svcb_format.c.
 *
 * Decisions where RFC 9460 leaves room (also in the report of this change):
 *  - Key 65535 is registered as Reserved ("Invalid key", §14.3.2): it can
 *    never name a real parameter, and the accessors use it as their
 *    "out of range" value, so a ServiceMode record carrying it is malformed.
 *  - In AliasMode the SvcParams are not even parsed (§2.4.2: "SvcParams ...
 *    MUST be ignored"), so garbage after an alias target still decodes and
 *    the record reports no parameters.
 *  - "no-default-alpn" without "alpn" is treated as malformed: §7.1.1 makes
 *    "alpn" a requirement for the RR to be self-consistent, and a client
 *    cannot compute a SUPPORTED set from it (§2.4.3).
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

/* One SvcParam; its value is data[off .. off+len). */
struct svcb_param {
  uint16_t key;
  uint16_t len;
  size_t off;
};

struct mimi_svcb {
  uint16_t priority;
  char *target;             /* presentation form, absolute */
  uint8_t *data;            /* copy of the SvcParams octets (never NULL) */
  struct svcb_param *params; /* ascending keys; NULL in AliasMode */
  size_t nparams;
  /* Views derived from the known keys (RFC 9460 §7, §8). */
  char *alpn_store; /* the ids, each NUL-terminated, back to back */
  size_t *alpn_off;
  size_t *alpn_len;
  size_t nalpn;
  int no_default_alpn;
  int has_port;
  uint16_t port;
  const uint8_t *v4;
  size_t nv4;
  const uint8_t *v6;
  size_t nv6;
  const uint8_t *ech; /* NULL when absent */
  size_t echlen;
  uint16_t *mand;
  size_t nmand;
};

/* The 65535 "invalid key" (RFC 9460 §14.3.2), our out-of-range value. */
#define SVCB_KEY_INVALID 65535u
/* Label length octet: the top two bits select the label type (RFC 1035 §4.1.4,
 * RFC 6891 §5): 00 = normal label, 11 = compression pointer, 01/10 reserved. */
#define LABEL_TYPE_MASK 0xc0u

static const char *const key_names[] = {
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint",
};

MIMI_EXPORT const char *mimi_svcb_key_name(uint16_t key) {
  return key < sizeof key_names / sizeof key_names[0] ? key_names[key] : NULL;
}

/* "3 (port)" or "667": how messages name a key. */
static const char *key_desc(char *dst, size_t n, uint16_t key) {
  const char *name = mimi_svcb_key_name(key);
  if (name)
    mimi__seterr(dst, n, "%u (%s)", (unsigned)key, name);
  else
    mimi__seterr(dst, n, "%u", (unsigned)key);
  return dst;
}

static uint16_t get16(const uint8_t *p) {
  return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* Append one label octet in presentation form (RFC 1035 §5.1): LDH and "_"
 * as is, "." and "\" backslash-escaped, everything else as \DDD. */
static void add_label_octet(mimi_buf_t *b, uint8_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9') || c == '-' || c == '_') {
    mimi__buf_addc(b, (char)c);
  } else if (c == '.' || c == '\\') {
    mimi__buf_addc(b, '\\');
    mimi__buf_addc(b, (char)c);
  } else {
    mimi__buf_addf(b, "\\%03u", (unsigned)c);
  }
}

/*
 * Decode the TargetName at p[*pos ..len) into presentation form. RFC 9460
 * §2.2: "the uncompressed, fully qualified TargetName", so a compression
 * pointer is malformed here, as are the reserved label types.
 */
static mimi_status_t decode_target(const uint8_t *p, size_t len, size_t *pos,
                                   char **out, char *err, size_t errlen) {
  mimi_status_t st = MIMI_EBADRECORD;
  mimi_buf_t b;
  size_t i = *pos, wire = 0;

  mimi__buf_init(&b);
  for (;;) {
    unsigned l;
    if (i >= len) {
      mimi__seterr(err, errlen,
                   "TargetName is truncated: the RDATA ends at offset %zu "
                   "before the root label",
                   i);
      goto done;
    }
    l = p[i];
    if ((l & LABEL_TYPE_MASK) == LABEL_TYPE_MASK) {
      mimi__seterr(err, errlen,
                   "TargetName has a compression pointer (0x%02x at offset "
                   "%zu); RFC 9460 §2.2 requires it uncompressed",
                   l, i);
      goto done;
    }
    if (l & LABEL_TYPE_MASK) {
      mimi__seterr(err, errlen,
                   "TargetName has a label of reserved type %s (0x%02x at "
                   "offset %zu)",
                   (l & 0x40) ? "01" : "10", l, i);
      goto done;
    }
    wire += 1 + l;
    if (wire > MIMI_MAX_NAME_WIRE) {
      mimi__seterr(err, errlen,
                   "TargetName is longer than %d octets in wire form "
                   "(RFC 1035 §2.3.4)",
                   MIMI_MAX_NAME_WIRE);
      goto done;
    }
    if (l == 0) {
      i++;
      break;
    }
    if (len - i - 1 < l) {
      size_t rem = len - i - 1;
      mimi__seterr(err, errlen,
                   "TargetName label at offset %zu claims %u octets but %zu "
                   "remain",
                   i, l, rem);
      goto done;
    }
    for (unsigned k = 0; k < l; k++)
      add_label_octet(&b, p[i + 1 + k]);
    mimi__buf_addc(&b, '.');
    i += 1 + l;
  }
  if (b.len == 0)
    mimi__buf_addc(&b, '.'); /* the root: "the owner's name" (§2.5) */
  if (!(*out = mimi__buf_take(&b))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  *pos = i;
  st = MIMI_OK;
done:
  mimi__buf_free(&b);
  return st;
}

/*
 * First pass over the SvcParams (RFC 9460 §2.2): every key/length/value
 * within the RDATA, keys strictly ascending (hence no duplicates), no
 * reserved "invalid key". Counts them in *n. base: offset of p in the RDATA,
 * for messages.
 */
static mimi_status_t scan_params(const uint8_t *p, size_t len, size_t base,
                                 size_t *n, char *err, size_t errlen) {
  char k1[32], k2[32];
  size_t i = 0, count = 0;
  uint16_t prev = 0;

  while (i < len) {
    size_t rem = len - i;
    uint16_t key, vlen;
    if (rem < 2) {
      mimi__seterr(err, errlen,
                   "svcparam at offset %zu is truncated: its key needs 2 "
                   "octets but 1 remains",
                   base + i);
      return MIMI_EBADRECORD;
    }
    key = get16(p + i);
    if (count > 0 && key <= prev) {
      mimi__seterr(err, errlen,
                   "svcparam key %s follows key %s; keys must be strictly "
                   "ascending, without repeats (RFC 9460 §2.2)",
                   key_desc(k1, sizeof k1, key), key_desc(k2, sizeof k2, prev));
      return MIMI_EBADRECORD;
    }
    if (key == SVCB_KEY_INVALID) {
      mimi__seterr(err, errlen,
                   "svcparam key 65535 is the reserved \"invalid key\" "
                   "(RFC 9460 §14.3.2)");
      return MIMI_EBADRECORD;
    }
    if (rem < 4) {
      mimi__seterr(err, errlen,
                   "svcparam key %s is truncated: its length needs 2 octets "
                   "but %zu remain",
                   key_desc(k1, sizeof k1, key), rem - 2);
      return MIMI_EBADRECORD;
    }
    vlen = get16(p + i + 2);
    if (rem - 4 < vlen) {
      mimi__seterr(err, errlen, "svcparam key %s claims %u octets but %zu remain",
                   key_desc(k1, sizeof k1, key), (unsigned)vlen, rem - 4);
      return MIMI_EBADRECORD;
    }
    prev = key;
    count++;
    i += 4 + (size_t)vlen;
  }
  *n = count;
  return MIMI_OK;
}

/* "mandatory" (RFC 9460 §8): a non-empty list of 2-octet keys, strictly
 * ascending, without key 0 itself. */
static mimi_status_t parse_mandatory(mimi_svcb_t *s, const uint8_t *v,
                                     size_t len, char *err, size_t errlen) {
  char k1[32], k2[32];
  if (len == 0 || len % 2) {
    mimi__seterr(err, errlen,
                 "mandatory: value has %zu octets; it must be a non-empty "
                 "list of 2-octet keys (RFC 9460 §8)",
                 len);
    return MIMI_EBADRECORD;
  }
  if (!(s->mand = malloc(len / 2 * sizeof(*s->mand))))
    return MIMI_ENOMEM;
  for (size_t j = 0; j < len / 2; j++) {
    uint16_t k = get16(v + 2 * j);
    if (k == MIMI_SVCB_KEY_MANDATORY) {
      mimi__seterr(err, errlen,
                   "mandatory lists key 0 (mandatory) itself (RFC 9460 §8)");
      return MIMI_EBADRECORD;
    }
    if (j > 0 && k <= s->mand[j - 1]) {
      mimi__seterr(err, errlen,
                   "mandatory lists key %s after key %s; the list must be "
                   "strictly ascending, without repeats (RFC 9460 §8)",
                   key_desc(k1, sizeof k1, k),
                   key_desc(k2, sizeof k2, s->mand[j - 1]));
      return MIMI_EBADRECORD;
    }
    s->mand[j] = k;
  }
  s->nmand = len / 2;
  return MIMI_OK;
}

/* "alpn" (RFC 9460 §7.1.1): a non-empty list of non-empty length-prefixed
 * alpn-ids that exactly fills the value. */
static mimi_status_t parse_alpn(mimi_svcb_t *s, const uint8_t *v, size_t len,
                                char *err, size_t errlen) {
  size_t i = 0, n = 0, at = 0;
  if (len == 0) {
    mimi__seterr(err, errlen,
                 "alpn: value is empty; it must list at least one alpn-id "
                 "(RFC 9460 §7.1.1)");
    return MIMI_EBADRECORD;
  }
  while (i < len) {
    size_t l = v[i];
    if (l == 0) {
      mimi__seterr(err, errlen,
                   "alpn: alpn-id %zu (at value offset %zu) is empty "
                   "(RFC 9460 §7.1.1)",
                   n + 1, i);
      return MIMI_EBADRECORD;
    }
    if (len - i - 1 < l) {
      mimi__seterr(err, errlen,
                   "alpn: alpn-id %zu claims %zu octets but %zu remain", n + 1,
                   l, len - i - 1);
      return MIMI_EBADRECORD;
    }
    n++;
    i += 1 + l;
  }
  /* Each length octet becomes the id's NUL: the store is exactly len. */
  s->alpn_store = malloc(len);
  s->alpn_off = malloc(n * sizeof(*s->alpn_off));
  s->alpn_len = malloc(n * sizeof(*s->alpn_len));
  if (!s->alpn_store || !s->alpn_off || !s->alpn_len)
    return MIMI_ENOMEM;
  for (i = 0; i < len; i += 1 + (size_t)v[i]) {
    size_t l = v[i];
    s->alpn_off[s->nalpn] = at;
    s->alpn_len[s->nalpn] = l;
    memcpy(s->alpn_store + at, v + i + 1, l);
    s->alpn_store[at + l] = '\0';
    at += l + 1;
    s->nalpn++;
  }
  return MIMI_OK;
}

/* Check the value of one SvcParam of a known key and fill the views. */
static mimi_status_t parse_value(mimi_svcb_t *s, uint16_t key, const uint8_t *v,
                                 size_t len, char *err, size_t errlen) {
  switch (key) {
  case MIMI_SVCB_KEY_MANDATORY:
    return parse_mandatory(s, v, len, err, errlen);
  case MIMI_SVCB_KEY_ALPN:
    return parse_alpn(s, v, len, err, errlen);
  case MIMI_SVCB_KEY_NO_DEFAULT_ALPN:
    if (len != 0) { /* RFC 9460 §7.1.1: "the wire-format value MUST be empty" */
      mimi__seterr(err, errlen,
                   "no-default-alpn: value has %zu octets; it must be empty "
                   "(RFC 9460 §7.1.1)",
                   len);
      return MIMI_EBADRECORD;
    }
    s->no_default_alpn = 1;
    return MIMI_OK;
  case MIMI_SVCB_KEY_PORT:
    if (len != 2) { /* RFC 9460 §7.2: a 2-octet integer */
      mimi__seterr(err, errlen,
                   "port: value has %zu octets; it must be exactly 2 "
                   "(RFC 9460 §7.2)",
                   len);
      return MIMI_EBADRECORD;
    }
    s->has_port = 1;
    s->port = get16(v);
    return MIMI_OK;
  case MIMI_SVCB_KEY_IPV4HINT:
    if (len == 0 || len % 4) { /* RFC 9460 §7.3: one or more IPv4 addresses */
      mimi__seterr(err, errlen,
                   "ipv4hint: value has %zu octets; it must be a non-zero "
                   "multiple of 4 (RFC 9460 §7.3)",
                   len);
      return MIMI_EBADRECORD;
    }
    s->v4 = v;
    s->nv4 = len / 4;
    return MIMI_OK;
  case MIMI_SVCB_KEY_IPV6HINT:
    if (len == 0 || len % 16) { /* RFC 9460 §7.3: one or more IPv6 addresses */
      mimi__seterr(err, errlen,
                   "ipv6hint: value has %zu octets; it must be a non-zero "
                   "multiple of 16 (RFC 9460 §7.3)",
                   len);
      return MIMI_EBADRECORD;
    }
    s->v6 = v;
    s->nv6 = len / 16;
    return MIMI_OK;
  case MIMI_SVCB_KEY_ECH:
    /* An ECHConfigList (key 5, registered by RFC 9460 §14.3.2 for ECH); kept
     * opaque. It cannot be empty: a list has a 2-octet length at least. */
    if (len == 0) {
      mimi__seterr(err, errlen, "ech: value is empty; it must be an ECHConfigList");
      return MIMI_EBADRECORD;
    }
    s->ech = v;
    s->echlen = len;
    return MIMI_OK;
  default:
    return MIMI_OK; /* unknown keys are kept raw (RFC 9460 §2.2, §8) */
  }
}

MIMI_EXPORT void mimi_svcb_free(mimi_svcb_t *svcb) {
  if (!svcb)
    return;
  free(svcb->target);
  free(svcb->data);
  free(svcb->params);
  free(svcb->alpn_store);
  free(svcb->alpn_off);
  free(svcb->alpn_len);
  free(svcb->mand);
  free(svcb);
}

/* Every key listed in "mandatory" must be present (RFC 9460 §8). Both lists
 * are strictly ascending, so one merge walk suffices. */
static mimi_status_t check_mandatory_present(const mimi_svcb_t *s, char *err,
                                             size_t errlen) {
  char k1[32];
  size_t j = 0;
  for (size_t m = 0; m < s->nmand; m++) {
    while (j < s->nparams && s->params[j].key < s->mand[m])
      j++;
    if (j == s->nparams || s->params[j].key != s->mand[m]) {
      mimi__seterr(err, errlen,
                   "mandatory lists key %s, which the record does not have "
                   "(RFC 9460 §8)",
                   key_desc(k1, sizeof k1, s->mand[m]));
      return MIMI_EBADRECORD;
    }
  }
  return MIMI_OK;
}

MIMI_EXPORT mimi_status_t mimi_svcb_decode(const uint8_t *rdata, size_t len,
                                           mimi_svcb_t **svcb, char *err,
                                           size_t errlen) {
  mimi_status_t st;
  mimi_svcb_t *s = NULL;
  size_t pos = 2, plen, n = 0, off = 0;

  if (svcb)
    *svcb = NULL;
  if (!svcb || (!rdata && len)) {
    mimi__seterr(err, errlen, "mimi_svcb_decode: NULL argument");
    return MIMI_EINVAL;
  }
  if (len < 2) {
    mimi__seterr(err, errlen,
                 "SVCB RDATA is truncated: %zu octet(s), SvcPriority needs 2",
                 len);
    return MIMI_EBADRECORD;
  }
  if (!(s = calloc(1, sizeof(*s))))
    return MIMI_ENOMEM;
  s->priority = get16(rdata);
  if ((st = decode_target(rdata, len, &pos, &s->target, err, errlen)) != MIMI_OK)
    goto done;

  /* AliasMode: "SvcParams ... MUST be ignored" by clients (RFC 9460 §2.4.2),
   * so they are neither parsed nor exposed. */
  plen = s->priority == 0 ? 0 : len - pos;
  /* One spare octet: a present empty value at the end still has a non-NULL,
   * in-bounds address. */
  if (!(s->data = malloc(plen + 1))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  if (plen)
    memcpy(s->data, rdata + pos, plen);
  if ((st = scan_params(s->data, plen, pos, &n, err, errlen)) != MIMI_OK)
    goto done;
  if (n && !(s->params = malloc(n * sizeof(*s->params)))) {
    st = MIMI_ENOMEM;
    goto done;
  }
  for (size_t j = 0; j < n; j++) {
    struct svcb_param *pp = &s->params[j];
    pp->key = get16(s->data + off);
    pp->len = get16(s->data + off + 2);
    pp->off = off + 4;
    off = pp->off + pp->len;
    s->nparams = j + 1;
    if ((st = parse_value(s, pp->key, s->data + pp->off, pp->len, err,
                          errlen)) != MIMI_OK)
      goto done;
  }
  if (s->no_default_alpn && s->nalpn == 0) {
    /* RFC 9460 §7.1.1: with "no-default-alpn", "alpn" must also be present
     * for the RR to be self-consistent. */
    mimi__seterr(err, errlen,
                 "no-default-alpn without alpn: the record offers no protocol "
                 "(RFC 9460 §7.1.1)");
    st = MIMI_EBADRECORD;
    goto done;
  }
  if ((st = check_mandatory_present(s, err, errlen)) != MIMI_OK)
    goto done;
  *svcb = s;
  s = NULL;
  st = MIMI_OK;
done:
  if (st == MIMI_ENOMEM)
    mimi__seterr(err, errlen, "out of memory");
  mimi_svcb_free(s);
  return st;
}

MIMI_EXPORT uint16_t mimi_svcb_priority(const mimi_svcb_t *svcb) {
  return svcb ? svcb->priority : 0;
}

MIMI_EXPORT int mimi_svcb_is_alias(const mimi_svcb_t *svcb) {
  return svcb && svcb->priority == 0;
}

MIMI_EXPORT const char *mimi_svcb_target(const mimi_svcb_t *svcb) {
  return svcb ? svcb->target : NULL;
}

MIMI_EXPORT size_t mimi_svcb_param_count(const mimi_svcb_t *svcb) {
  return svcb ? svcb->nparams : 0;
}

MIMI_EXPORT uint16_t mimi_svcb_param_key(const mimi_svcb_t *svcb, size_t i) {
  return svcb && i < svcb->nparams ? svcb->params[i].key : SVCB_KEY_INVALID;
}

MIMI_EXPORT const uint8_t *mimi_svcb_param_value(const mimi_svcb_t *svcb,
                                                 size_t i, size_t *len) {
  if (len)
    *len = 0;
  if (!svcb || i >= svcb->nparams)
    return NULL;
  if (len)
    *len = svcb->params[i].len;
  return svcb->data + svcb->params[i].off;
}

MIMI_EXPORT int mimi_svcb_has_key(const mimi_svcb_t *svcb, uint16_t key) {
  size_t lo = 0, hi;
  if (!svcb)
    return 0;
  hi = svcb->nparams;
  while (lo < hi) { /* keys are strictly ascending */
    size_t mid = lo + (hi - lo) / 2;
    if (svcb->params[mid].key == key)
      return 1;
    if (svcb->params[mid].key < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

MIMI_EXPORT size_t mimi_svcb_alpn_count(const mimi_svcb_t *svcb) {
  return svcb ? svcb->nalpn : 0;
}

MIMI_EXPORT const char *mimi_svcb_alpn(const mimi_svcb_t *svcb, size_t i,
                                       size_t *len) {
  if (len)
    *len = 0;
  if (!svcb || i >= svcb->nalpn)
    return NULL;
  if (len)
    *len = svcb->alpn_len[i];
  return svcb->alpn_store + svcb->alpn_off[i];
}

MIMI_EXPORT int mimi_svcb_no_default_alpn(const mimi_svcb_t *svcb) {
  return svcb && svcb->no_default_alpn;
}

MIMI_EXPORT uint16_t mimi_svcb_port(const mimi_svcb_t *svcb) {
  return svcb && svcb->has_port ? svcb->port : 0;
}

MIMI_EXPORT size_t mimi_svcb_ipv4hint_count(const mimi_svcb_t *svcb) {
  return svcb ? svcb->nv4 : 0;
}

MIMI_EXPORT const uint8_t *mimi_svcb_ipv4hint(const mimi_svcb_t *svcb,
                                              size_t i) {
  return svcb && i < svcb->nv4 ? svcb->v4 + 4 * i : NULL;
}

MIMI_EXPORT size_t mimi_svcb_ipv6hint_count(const mimi_svcb_t *svcb) {
  return svcb ? svcb->nv6 : 0;
}

MIMI_EXPORT const uint8_t *mimi_svcb_ipv6hint(const mimi_svcb_t *svcb,
                                              size_t i) {
  return svcb && i < svcb->nv6 ? svcb->v6 + 16 * i : NULL;
}

MIMI_EXPORT const uint8_t *mimi_svcb_ech(const mimi_svcb_t *svcb, size_t *len) {
  if (len)
    *len = svcb && svcb->ech ? svcb->echlen : 0;
  return svcb ? svcb->ech : NULL;
}

MIMI_EXPORT size_t mimi_svcb_mandatory_count(const mimi_svcb_t *svcb) {
  return svcb ? svcb->nmand : 0;
}

MIMI_EXPORT uint16_t mimi_svcb_mandatory(const mimi_svcb_t *svcb, size_t i) {
  return svcb && i < svcb->nmand ? svcb->mand[i] : SVCB_KEY_INVALID;
}

MIMI_EXPORT int mimi_svcb_usable(const mimi_svcb_t *svcb) {
  if (!svcb)
    return 0;
  if (svcb->priority == 0)
    return 1; /* AliasMode: nothing mandatory to understand */
  /* RFC 9460 §8: a client MUST ignore a ServiceMode RR whose "mandatory"
   * lists a key it does not support; this library knows keys 0-6. */
  for (size_t i = 0; i < svcb->nmand; i++)
    if (svcb->mand[i] > MIMI_SVCB_KEY_IPV6HINT)
      return 0;
  return 1;
}
