/* SPDX-License-Identifier: MIT */
/*
 * The static part of the zone: a template zone file (read with ldns, its
 * SOA serial replaced), or an SOA and NS built from the options. And the
 * serial: fixed, or "auto", greater than the existing output's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "zonegen.h"

/* Add an ldns RR: canonical RDATA for the key, presentation for the line. */
static int add_ldns(zg_table_t *t, ldns_rr *rr) {
  ldns_rr *c = ldns_rr_clone(rr);
  ldns_buffer *b = ldns_buffer_new(512);
  char *line = NULL;
  int rc = -1;
  if (!c || !b)
    goto done;
  ldns_rr2canonical(c); /* RFC 4034 §6.2: lower-case names in RDATA */
  if (ldns_rr_rdata2buffer_wire(b, c) != LDNS_STATUS_OK)
    goto done;
  if (!(line = ldns_rr2str(rr)))
    goto done;
  size_t ll = strlen(line);
  while (ll && (line[ll - 1] == '\n' || line[ll - 1] == ' '))
    line[--ll] = '\0';
  const ldns_rdf *o = ldns_rr_owner(rr);
  rc = zg_add(t, ldns_rdf_data(o), ldns_rdf_size(o), (uint16_t)ldns_rr_get_type(rr),
              ldns_rr_ttl(rr), ldns_buffer_begin(b), ldns_buffer_position(b), line);
done:
  free(line);
  if (b)
    ldns_buffer_free(b);
  ldns_rr_free(c);
  return rc;
}

static int set_serial(ldns_rr *soa, uint32_t serial) {
  ldns_rdf *s = ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial);
  ldns_rdf *old;
  if (!s)
    return -1;
  old = ldns_rr_set_rdf(soa, s, 2);
  ldns_rdf_deep_free(old);
  return 0;
}

static int from_template(const zg_opts_t *o, zg_table_t *t, uint32_t serial) {
  FILE *f = fopen(o->template_path, "r");
  ldns_zone *z = NULL;
  ldns_rdf *origin = NULL;
  int line = 0, rc = -1;
  if (!f) {
    fprintf(stderr, "mimi-zonegen: %s: %s\n", o->template_path, strerror(errno));
    return -1;
  }
  if (ldns_str2rdf_dname(&origin, o->origin) != LDNS_STATUS_OK)
    goto done;
  ldns_status s = ldns_zone_new_frm_fp_l(&z, f, origin, o->ttl, LDNS_RR_CLASS_IN, &line);
  if (s != LDNS_STATUS_OK) {
    fprintf(stderr, "%s:%d: %s\n", o->template_path, line, ldns_get_errorstr_by_id(s));
    goto done;
  }
  ldns_rr *soa = ldns_zone_soa(z);
  if (!soa || ldns_dname_compare(ldns_rr_owner(soa), origin) != 0) {
    fprintf(stderr, "%s: the template has no SOA at %s\n", o->template_path, o->origin);
    goto done;
  }
  if (set_serial(soa, serial) != 0 || add_ldns(t, soa) != 0)
    goto done;
  for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(z)); i++) {
    ldns_rr *rr = ldns_rr_list_rr(ldns_zone_rrs(z), i);
    if (!ldns_dname_is_subdomain(ldns_rr_owner(rr), origin) &&
        ldns_dname_compare(ldns_rr_owner(rr), origin) != 0) {
      char *n = ldns_rdf2str(ldns_rr_owner(rr));
      fprintf(stderr, "%s: %s is outside the zone %s\n", o->template_path,
              n ? n : "a name", o->origin);
      free(n);
      goto done;
    }
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
      continue;
    if (add_ldns(t, rr) != 0)
      goto done;
  }
  rc = 0;
done:
  ldns_zone_deep_free(z);
  ldns_rdf_deep_free(origin);
  fclose(f);
  return rc;
}

/* "NAME" or "NAME=ADDR[,ADDR...]": an NS, and glue when the name is in the
 * zone. */
static int add_ns(const zg_opts_t *o, zg_table_t *t, const char *spec) {
  char name[300], buf[600];
  const char *eq = strchr(spec, '=');
  size_t nl = eq ? (size_t)(eq - spec) : strlen(spec);
  ldns_rr *rr = NULL;
  if (nl == 0 || nl + 2 > sizeof name)
    return -1;
  memcpy(name, spec, nl);
  name[nl] = '\0';
  if (name[nl - 1] != '.')
    strcat(name, ".");
  snprintf(buf, sizeof buf, "%s %u IN NS %s", o->origin, (unsigned)o->ttl, name);
  if (ldns_rr_new_frm_str(&rr, buf, o->ttl, NULL, NULL) != LDNS_STATUS_OK) {
    fprintf(stderr, "mimi-zonegen: --ns %s: not a host name\n", spec);
    return -1;
  }
  int rc = add_ldns(t, rr);
  ldns_rr_free(rr);
  if (rc != 0 || !eq)
    return rc;
  for (const char *a = eq + 1; *a;) {
    const char *comma = strchr(a, ',');
    size_t al = comma ? (size_t)(comma - a) : strlen(a);
    char addr[64];
    if (al == 0 || al >= sizeof addr)
      return -1;
    memcpy(addr, a, al);
    addr[al] = '\0';
    snprintf(buf, sizeof buf, "%s %u IN %s %s", name, (unsigned)o->ttl,
             strchr(addr, ':') ? "AAAA" : "A", addr);
    if (ldns_rr_new_frm_str(&rr, buf, o->ttl, NULL, NULL) != LDNS_STATUS_OK) {
      fprintf(stderr, "mimi-zonegen: --ns %s: '%s' is not an IP address\n", spec, addr);
      return -1;
    }
    rc = add_ldns(t, rr);
    ldns_rr_free(rr);
    if (rc != 0)
      return rc;
    a += al;
    if (*a == ',')
      a++;
  }
  return 0;
}

int zg_apex(const zg_opts_t *o, zg_table_t *t) {
  uint32_t serial = zg_serial(o);
  char buf[1024], contact[300];
  ldns_rr *soa = NULL;
  int rc;
  if (o->template_path)
    return from_template(o, t, serial);
  if (o->nns == 0) {
    fprintf(stderr, "mimi-zonegen: give --ns NAME[=ADDR] (repeatable) or --template FILE\n");
    return -1;
  }
  if (o->contact)
    snprintf(contact, sizeof contact, "%s%s", o->contact,
             o->contact[strlen(o->contact) - 1] == '.' ? "" : ".");
  else
    snprintf(contact, sizeof contact, "hostmaster.%s", o->origin);
  const char *first = o->ns[0];
  size_t fl = strcspn(first, "=");
  if (fl == 0)
    return -1;
  /* RFC 1912 §2.2-style timers; the negative TTL bounds NXDOMAIN caching. */
  snprintf(buf, sizeof buf, "%s %u IN SOA %.*s%s %s %u 3600 900 1209600 300", o->origin,
           (unsigned)o->ttl, (int)fl, first, first[fl - 1] == '.' ? "" : ".", contact,
           (unsigned)serial);
  if (ldns_rr_new_frm_str(&soa, buf, o->ttl, NULL, NULL) != LDNS_STATUS_OK) {
    fprintf(stderr, "mimi-zonegen: cannot build the SOA from --ns/--contact\n");
    return -1;
  }
  rc = add_ldns(t, soa);
  ldns_rr_free(soa);
  for (size_t i = 0; rc == 0 && i < o->nns; i++)
    rc = add_ns(o, t, o->ns[i]);
  return rc;
}

/* The SOA serial of an existing zone file (the first SOA), or -1. */
static int64_t existing_serial(const char *path) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  int64_t serial = -1;
  if (!f)
    return -1;
  /* mimi-zonegen writes the SOA first, on one line; read only that far. */
  for (int i = 0; i < 64 && getline(&line, &cap, f) > 0; i++) {
    ldns_rr *rr = NULL;
    if (line[0] == ';' || line[0] == '$' || line[0] == '\n')
      continue;
    if (ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) == LDNS_STATUS_OK &&
        ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
      serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
      ldns_rr_free(rr);
      break;
    }
    ldns_rr_free(rr);
  }
  free(line);
  fclose(f);
  return serial;
}

uint32_t zg_serial(const zg_opts_t *o) {
  int64_t old;
  uint32_t now = (uint32_t)time(NULL);
  if (!o->serial_auto)
    return o->serial;
  /* Greater than the existing output's (RFC 1982 arithmetic is not needed
   * while serials are Unix times), else the current time. */
  old = o->output ? existing_serial(o->output) : -1;
  if (old >= 0 && (uint32_t)old >= now)
    return (uint32_t)old + 1;
  return now;
}
