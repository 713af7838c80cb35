/* SPDX-License-Identifier: MIT */
/* mimi-lookup: printing results as text (delv-style trust lines) or JSON. */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "json_writer.h"
#include "output.h"

/* Mapping i came from the identifier (a MIMI URI), not from a DNS answer. */
static int from_input(const mimi_result_t *r, size_t i) {
  const char *src = mimi_result_mapping_source(r, i);
  return src && strcmp(src, MIMI_SOURCE_INPUT) == 0;
}

static const char *trust_line(mimi_dnssec_t s) {
  switch (s) {
  case MIMI_DNSSEC_SECURE: return "fully validated";
  case MIMI_DNSSEC_INSECURE: return "unsigned answer";
  case MIMI_DNSSEC_UNCHECKED: return "unchecked answer (no DNSSEC validation)";
  case MIMI_DNSSEC_BOGUS: return "bogus";
  }
  return "unknown";
}

int output_exit_code(const mimi_result_t *r) {
  int code;
  switch (mimi_result_outcome(r)) {
  case MIMI_OUTCOME_FOUND:
    code = EXIT_FOUND;
    break;
  case MIMI_OUTCOME_NOTFOUND:
  case MIMI_OUTCOME_OPTEDOUT:
    return EXIT_NOTFOUND;
  default:
    return output_failure_code(mimi_result_failure(r));
  }
  /* Found: a provider whose endpoints failed lowers the verdict. */
  for (size_t i = 0; i < mimi_result_provider_count(r); i++) {
    mimi_failure_t f = mimi_result_provider_failure(r, i);
    if (f != MIMI_FAIL_NONE)
      code = output_worse(code, output_failure_code(f));
  }
  return code;
}

int output_failure_code(mimi_failure_t f) {
  switch (f) {
  case MIMI_FAIL_NONE: return EXIT_FOUND;
  case MIMI_FAIL_BOGUS:
  case MIMI_FAIL_INSECURE: return EXIT_DNSSEC;
  case MIMI_FAIL_INTERNAL: return EXIT_LOCAL;
  default: return EXIT_TRANSIENT;
  }
}

int output_worse(int a, int b) {
  /* Severity for several lookups: DNSSEC > local > transient > usage > 0. */
  static const int rank[] = {[EXIT_FOUND] = 0, [EXIT_NOTFOUND] = 0,
                             [EXIT_USAGE] = 1, [EXIT_TRANSIENT] = 2,
                             [EXIT_LOCAL] = 3, [EXIT_DNSSEC] = 4};
  return rank[b] > rank[a] ? b : a;
}

static void text_mapping(FILE *f, const mimi_result_t *r, size_t i) {
  const mimi_record_t *m = mimi_result_mapping(r, i);
  const char *uri = mimi_record_uri(m);
  if (uri)
    fprintf(f, "%s", uri);
  else
    fprintf(f, "mimi://%s (no account)", mimi_record_provider(m));
  fprintf(f, "\tp=%u", (unsigned)mimi_record_preference(m));
  if (mimi_record_tags(m))
    fprintf(f, "\tt=%s", mimi_record_tags(m));
  if (mimi_record_service(m))
    fprintf(f, "\ts=%s", mimi_record_service(m));
  if (!from_input(r, i))
    fprintf(f, "\tttl=%u", (unsigned)mimi_record_ttl(m));
  fputc('\n', f);
}

static void text_endpoint(FILE *f, const mimi_endpoint_t *e) {
  fprintf(f, "  %s %s port %u", mimi_rrtype_name(mimi_endpoint_source(e)),
          mimi_endpoint_target(e), (unsigned)mimi_endpoint_port(e));
  if (mimi_endpoint_source(e) != MIMI_RR_A)
    fprintf(f, " priority %u", (unsigned)mimi_endpoint_priority(e));
  fputs(" alpn=", f);
  for (size_t k = 0; k < mimi_endpoint_alpn_count(e); k++) {
    size_t len = 0;
    const char *id = mimi_endpoint_alpn(e, k, &len);
    fprintf(f, "%s", k ? "," : "");
    for (size_t c = 0; c < len; c++) {
      unsigned char ch = (unsigned char)id[c];
      if (ch > 0x20 && ch < 0x7f)
        fputc(ch, f);
      else
        fprintf(f, "\\%03u", ch);
    }
  }
  if (mimi_endpoint_address_count(e)) {
    fputs(" addresses=", f);
    for (size_t k = 0; k < mimi_endpoint_address_count(e); k++)
      fprintf(f, "%s%s", k ? "," : "", mimi_endpoint_address(e, k));
  }
  if (mimi_endpoint_has_ech(e))
    fputs(" ech", f);
  fputc('\n', f);
  for (size_t k = 0; k < mimi_endpoint_tlsa_count(e); k++)
    fprintf(f, "    TLSA %s\n", mimi_endpoint_tlsa(e, k));
}

static void text_trust(FILE *f, mimi_dnssec_t s, const char *indent) {
  fprintf(f, "%s; %s\n", indent, trust_line(s));
}

void output_text(FILE *f, const mimi_result_t *r, int short_mode) {
  const mimi_id_t *id = mimi_result_identifier(r);
  mimi_outcome_t o = mimi_result_outcome(r);

  if (short_mode) {
    /* One URI a line; with several identifiers "input<TAB>uri" (2). What
     * has no URI (not found, opted out, failed) goes to standard error, so
     * that a script's silence never means "nothing there" by mistake. */
    char show[96];
    size_t shown = 0;
    for (size_t i = 0; o == MIMI_OUTCOME_FOUND && i < mimi_result_mapping_count(r); i++) {
      const char *uri = mimi_record_uri(mimi_result_mapping(r, i));
      if (!uri)
        continue;
      if (short_mode == 2)
        fprintf(f, "%s\t", mimi_result_input(r));
      fprintf(f, "%s\n", uri);
      shown++;
    }
    if (!shown) {
      mimi_printable(show, sizeof show, mimi_result_input(r));
      if (o == MIMI_OUTCOME_FAILED)
        fprintf(stderr, "mimi-lookup: %s: lookup failed (%s)%s%s\n", show,
                mimi_failure_name(mimi_result_failure(r)), mimi_result_reason(r) ? ": " : "",
                mimi_result_reason(r) ? mimi_result_reason(r) : "");
      else
        fprintf(stderr, "mimi-lookup: %s: %s\n", show,
                o == MIMI_OUTCOME_OPTEDOUT ? "opted out (no provider disclosed)"
                : o == MIMI_OUTCOME_FOUND  ? "found, but no mapping has an account (no URI)"
                                           : "not found");
    }
    return;
  }
  fprintf(f, "; %s (%s %s): ", mimi_result_input(r),
          mimi_id_class_name(mimi_id_class(id)), mimi_id_canonical(id));
  switch (o) {
  case MIMI_OUTCOME_FOUND:
    fprintf(f, "%zu mapping%s\n", mimi_result_mapping_count(r),
            mimi_result_mapping_count(r) == 1 ? "" : "s");
    for (size_t i = 0; i < mimi_result_mapping_count(r); i++)
      text_mapping(f, r, i);
    if (mimi_id_class(id) != MIMI_ID_URI)
      text_trust(f, mimi_result_dnssec(r), "");
    else
      fputs("; the mapping is the input itself (no DNS answer, no DNSSEC status)\n", f);
    break;
  case MIMI_OUTCOME_NOTFOUND:
    fputs("not found\n", f);
    text_trust(f, mimi_result_dnssec(r), "");
    break;
  case MIMI_OUTCOME_OPTEDOUT:
    fputs("opted out (known identity, no provider disclosed)\n", f);
    text_trust(f, mimi_result_dnssec(r), "");
    break;
  case MIMI_OUTCOME_FAILED:
    fprintf(f, "lookup failed (%s)\n", mimi_failure_name(mimi_result_failure(r)));
    if (mimi_result_failure(r) == MIMI_FAIL_BOGUS) {
      fprintf(f, "; bogus: %s", mimi_result_reason(r) ? mimi_result_reason(r) : "");
      if (mimi_result_ede(r) >= 0)
        fprintf(f, " (EDE %d)", mimi_result_ede(r));
      fputc('\n', f);
    } else {
      fprintf(f, "; %s\n", mimi_result_reason(r) ? mimi_result_reason(r) : "");
    }
    break;
  }
  for (size_t i = 0; i < mimi_result_provider_count(r); i++) {
    fprintf(f, "; endpoints of %s:", mimi_result_provider(r, i));
    if (mimi_result_provider_failure(r, i) != MIMI_FAIL_NONE) {
      fprintf(f, " lookup failed (%s)\n;   %s\n",
              mimi_failure_name(mimi_result_provider_failure(r, i)),
              mimi_result_provider_reason(r, i) ? mimi_result_provider_reason(r, i) : "");
      continue;
    }
    if (mimi_result_endpoint_count(r, i) == 0) {
      fputs(" none published\n", f);
    } else {
      fputc('\n', f);
      for (size_t j = 0; j < mimi_result_endpoint_count(r, i); j++)
        text_endpoint(f, mimi_result_endpoint(r, i, j));
    }
    text_trust(f, mimi_result_provider_dnssec(r, i), "  ");
  }
  for (size_t i = 0; i < mimi_result_warning_count(r); i++)
    fprintf(f, "; warning: %s\n", mimi_result_warning(r, i));
}

/* The plan step a traced query served, as --explain numbers it: "step 2",
 * "example.net step 1", with the names followed from answers ("hop 1"). */
static void trace_step(const mimi_result_t *r, size_t i, char *buf, size_t len) {
  size_t index = 0;
  const char *prov = NULL;
  unsigned hops = 0;
  (void)mimi_result_trace_step(r, i, NULL, &index, &prov, &hops);
  unsigned start = 0;
  int ahead = 0, used = 1;
  (void)mimi_result_trace_timing(r, i, &start, &ahead, &used);
  char hop[32] = "";
  if (hops)
    snprintf(hop, sizeof hop, ", hop %u", hops);
  snprintf(buf, len, "%s%sstep %zu%s, sent at +%u ms%s%s", prov ? prov : "",
               prov ? " " : "", index + 1, hop, start, ahead ? ", ahead" : "",
               used ? "" : ", not needed");
}

void output_trace(FILE *f, const mimi_result_t *r) {
  if (mimi_result_path(r))
    fprintf(f, ";; via %s\n", mimi_result_path(r));
  for (size_t i = 0; i < mimi_result_trace_count(r); i++) {
    const char *name;
    uint16_t qt;
    int rc;
    mimi_dnssec_t s;
    unsigned ms;
    if (mimi_result_trace(r, i, &name, &qt, &rc, &s, &ms) != MIMI_OK)
      continue;
    const char *server = NULL;
    size_t records = 0;
    (void)mimi_result_trace_answer(r, i, &server, &records);
    char step[300];
    trace_step(r, i, step, sizeof step);
    if (mimi_result_trace_kind(r, i) == MIMI_TRACE_KEYS)
      fprintf(f, ";; %s %s: key of the validation chain, asked ahead  [%s]\n", name,
              mimi_rrtype_name(qt), step);
    else if (rc < 0)
      fprintf(f, ";; %s %s: no answer after %u ms  [%s]\n", name, mimi_rrtype_name(qt),
              ms, step);
    else
      fprintf(f, ";; %s %s: rcode %d, %s, %zu record%s%s%s, %u ms  [%s]\n", name,
              mimi_rrtype_name(qt), rc, mimi_dnssec_name(s), records,
              records == 1 ? "" : "s", server ? " from " : "", server ? server : "", ms,
              step);
  }
}

static void json_tags(json_t *j, const char *tags) {
  json_key(j, "tags");
  json_begin_array(j);
  if (tags) {
    char buf[256];
    size_t start = 0, n = strlen(tags);
    for (size_t i = 0; i <= n; i++) {
      if (i == n || tags[i] == ',') {
        size_t len = i - start < sizeof buf ? i - start : sizeof buf - 1;
        memcpy(buf, tags + start, len);
        buf[len] = '\0';
        json_string(j, buf);
        start = i + 1;
      }
    }
  }
  json_end_array(j);
}

static void json_endpoint(json_t *j, const mimi_endpoint_t *e) {
  json_begin_object(j);
  json_kv_string(j, "source", mimi_rrtype_name(mimi_endpoint_source(e)));
  json_kv_int(j, "priority", mimi_endpoint_priority(e));
  json_kv_string(j, "target", mimi_endpoint_target(e));
  json_kv_int(j, "port", mimi_endpoint_port(e));
  json_kv_string(j, "tls_name", mimi_endpoint_tls_name(e));
  json_key(j, "alpn");
  json_begin_array(j);
  for (size_t k = 0; k < mimi_endpoint_alpn_count(e); k++)
    json_string(j, mimi_endpoint_alpn(e, k, NULL));
  json_end_array(j);
  json_key(j, "addresses");
  json_begin_array(j);
  for (size_t k = 0; k < mimi_endpoint_address_count(e); k++)
    json_string(j, mimi_endpoint_address(e, k));
  json_end_array(j);
  /* Where each came from: "A"/"AAAA" (the target's own), or "hint". */
  json_key(j, "address_sources");
  json_begin_array(j);
  for (size_t k = 0; k < mimi_endpoint_address_count(e); k++) {
    uint16_t src = mimi_endpoint_address_source(e, k);
    json_string(j, src ? mimi_rrtype_name(src) : "hint");
  }
  json_end_array(j);
  json_key(j, "ech");
  json_bool(j, mimi_endpoint_has_ech(e));
  json_key(j, "tlsa");
  json_begin_array(j);
  for (size_t k = 0; k < mimi_endpoint_tlsa_count(e); k++)
    json_string(j, mimi_endpoint_tlsa(e, k));
  json_end_array(j);
  json_kv_string(j, "dnssec", mimi_dnssec_name(mimi_endpoint_dnssec(e)));
  json_end_object(j);
}

static void json_failure(json_t *j, mimi_failure_t f, const char *reason) {
  json_key(j, "failure");
  if (f == MIMI_FAIL_NONE)
    json_null(j);
  else
    json_string(j, mimi_failure_name(f));
  json_kv_string(j, "reason", reason);
}

void output_json(FILE *f, const mimi_result_t *r, int trace) {
  const mimi_id_t *id = mimi_result_identifier(r);
  json_t j;
  json_init(&j, f);
  json_begin_object(&j);
  json_kv_int(&j, "schema", 1);
  json_kv_string(&j, "input", mimi_result_input(r));
  json_kv_string(&j, "class", mimi_id_class_name(mimi_id_class(id)));
  json_kv_string(&j, "canonical", mimi_id_canonical(id));
  json_kv_string(&j, "outcome", mimi_outcome_name(mimi_result_outcome(r)));
  /* No DNS answer decided a MIMI URI's mapping: no status (§6). */
  json_kv_string(&j, "dnssec", mimi_id_class(mimi_result_identifier(r)) == MIMI_ID_URI
                                   ? NULL : mimi_dnssec_name(mimi_result_dnssec(r)));
  json_failure(&j, mimi_result_failure(r), mimi_result_reason(r));
  json_key(&j, "ede");
  if (mimi_result_ede(r) >= 0)
    json_int(&j, mimi_result_ede(r));
  else
    json_null(&j);
  json_kv_int(&j, "exit", output_exit_code(r));

  json_key(&j, "mappings");
  json_begin_array(&j);
  for (size_t i = 0; i < mimi_result_mapping_count(r); i++) {
    const mimi_record_t *m = mimi_result_mapping(r, i);
    json_begin_object(&j);
    json_kv_string(&j, "provider", mimi_record_provider(m));
    json_kv_string(&j, "account", mimi_record_account(m));
    json_kv_string(&j, "uri", mimi_record_uri(m));
    json_kv_int(&j, "preference", mimi_record_preference(m));
    json_tags(&j, mimi_record_tags(m));
    json_kv_string(&j, "service", mimi_record_service(m));
    json_kv_int(&j, "ttl", mimi_record_ttl(m));
    /* A mapping from the input has no DNSSEC status of its own (§6). */
    json_kv_string(&j, "dnssec", from_input(r, i) ? NULL
                   : mimi_dnssec_name(mimi_result_mapping_dnssec(r, i)));
    json_kv_string(&j, "source", mimi_result_mapping_source(r, i));
    json_end_object(&j);
  }
  json_end_array(&j);

  json_key(&j, "providers");
  json_begin_array(&j);
  for (size_t i = 0; i < mimi_result_provider_count(r); i++) {
    json_begin_object(&j);
    json_kv_string(&j, "provider", mimi_result_provider(r, i));
    json_kv_string(&j, "dnssec", mimi_dnssec_name(mimi_result_provider_dnssec(r, i)));
    json_failure(&j, mimi_result_provider_failure(r, i), mimi_result_provider_reason(r, i));
    json_key(&j, "endpoints");
    json_begin_array(&j);
    for (size_t k = 0; k < mimi_result_endpoint_count(r, i); k++)
      json_endpoint(&j, mimi_result_endpoint(r, i, k));
    json_end_array(&j);
    json_end_object(&j);
  }
  json_end_array(&j);

  json_key(&j, "warnings");
  json_begin_array(&j);
  for (size_t i = 0; i < mimi_result_warning_count(r); i++)
    json_string(&j, mimi_result_warning(r, i));
  json_end_array(&j);

  if (trace) {
    json_kv_string(&j, "path", mimi_result_path(r));
    json_key(&j, "trace");
    json_begin_array(&j);
    for (size_t i = 0; i < mimi_result_trace_count(r); i++) {
      const char *name;
      uint16_t qt;
      int rc;
      mimi_dnssec_t s;
      unsigned ms;
      if (mimi_result_trace(r, i, &name, &qt, &rc, &s, &ms) != MIMI_OK)
        continue;
      json_begin_object(&j);
      json_kv_string(&j, "name", name);
      json_kv_string(&j, "type", mimi_rrtype_name(qt));
      json_key(&j, "rcode");
      if (rc >= 0)
        json_int(&j, rc);
      else
        json_null(&j);
      json_kv_string(&j, "dnssec", mimi_dnssec_name(s));
      const char *server = NULL;
      size_t records = 0;
      (void)mimi_result_trace_answer(r, i, &server, &records);
      json_kv_int(&j, "records", (long)records);
      json_kv_string(&j, "server", server);
      json_kv_int(&j, "ms", ms);
      /* The plan step served: index in the identifier's plan (provider
       * null) or in that provider's endpoint plan, as --explain lists. */
      mimi_step_t step = 0;
      size_t index = 0;
      const char *prov = NULL;
      unsigned hops = 0;
      (void)mimi_result_trace_step(r, i, &step, &index, &prov, &hops);
      json_kv_string(&j, "step", mimi_step_name(step));
      json_kv_int(&j, "plan_index", (long)index);
      json_kv_string(&j, "provider", prov);
      json_kv_int(&j, "hops", hops);
      unsigned start = 0;
      int ahead = 0, used = 1;
      (void)mimi_result_trace_timing(r, i, &start, &ahead, &used);
      json_kv_int(&j, "start_ms", start);
      static const char *const kinds[] = {"sent", "cached", "keys"};
      mimi_trace_kind_t kind = mimi_result_trace_kind(r, i);
      json_kv_string(&j, "kind", (unsigned)kind < 3 ? kinds[kind] : "sent");
      json_key(&j, "ahead");
      json_bool(&j, ahead);
      json_key(&j, "used");
      json_bool(&j, used);
      json_end_object(&j);
    }
    json_end_array(&j);
  }
  json_end_object(&j);
  json_end_text(&j);
}

void output_json_error(FILE *f, const char *input, const char *error) {
  json_t j;
  json_init(&j, f);
  json_begin_object(&j);
  json_kv_int(&j, "schema", 1);
  json_kv_string(&j, "input", input);
  json_kv_string(&j, "outcome", "invalid");
  json_kv_string(&j, "error", error);
  json_kv_int(&j, "exit", EXIT_USAGE);
  json_end_object(&j);
  json_end_text(&j);
}
