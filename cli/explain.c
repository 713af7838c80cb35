/* SPDX-License-Identifier: MIT */
/*
 * mimi-lookup --explain. The plan comes from the library (mimi_plan_*), the
 * same code the resolver follows, so the explanation cannot drift from what
 * a lookup really sends.
 */
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "explain.h"
#include "json_writer.h"

/* Endpoint queries depend on the providers the answers name; they are shown
 * for this placeholder provider, then displayed as "<provider>". */
#define PLACEHOLDER "provider.invalid"

static const char *class_title(mimi_id_class_t c) {
  switch (c) {
  case MIMI_ID_PHONE: return "phone number (E.164)";
  case MIMI_ID_HANDLE: return "email-style handle";
  case MIMI_ID_DOMAIN: return "domain handle";
  case MIMI_ID_URI: return "MIMI URI";
  }
  return "?";
}

/* name with PLACEHOLDER replaced by "<provider>", into buf. */
static const char *templ(const char *name, char *buf, size_t len) {
  const char *p = strstr(name, PLACEHOLDER);
  if (!p) {
    snprintf(buf, len, "%s", name);
  } else {
    snprintf(buf, len, "%.*s<provider>%s", (int)(p - name), name,
             p + strlen(PLACEHOLDER));
  }
  return buf;
}

/* The plan as the graph it is: each step numbered, with the step whose
 * answer it waits for ("after N"); what goes out together. */
static void text_plan(FILE *out, const mimi_plan_t *plan, const char *indent,
                      int parallel) {
  char buf[300];
  int width = 0;
  for (size_t i = 0; i < mimi_plan_count(plan); i++) {
    int w = (int)strlen(templ(mimi_plan_name(plan, i), buf, sizeof buf));
    width = w > width ? w : width;
  }
  for (size_t i = 0; i < mimi_plan_count(plan); i++) {
    size_t after = mimi_plan_after(plan, i);
    fprintf(out, "%s%zu. %-6s %-*s  ; ", indent, i + 1,
            mimi_rrtype_name(mimi_plan_qtype(plan, i)), width,
            templ(mimi_plan_name(plan, i), buf, sizeof buf));
    if (after != MIMI_PLAN_START)
      fprintf(out, "after %zu, ", after + 1);
    fprintf(out, "%s\n", mimi_plan_when(plan, i));
  }
  if (mimi_plan_count(plan) > 1)
    fprintf(out, "%s(%s)\n", indent,
            parallel ? "all of these go out together; each answer is used only "
                       "when its turn comes, as listed (--sequential: one "
                       "after the other)"
                     : "each goes out only when its turn comes (--sequential)");
}

static void json_plan(json_t *j, const mimi_plan_t *plan, int parallel) {
  char buf[300];
  json_begin_array(j);
  for (size_t i = 0; i < mimi_plan_count(plan); i++) {
    json_begin_object(j);
    json_kv_string(j, "name", templ(mimi_plan_name(plan, i), buf, sizeof buf));
    json_kv_string(j, "type", mimi_rrtype_name(mimi_plan_qtype(plan, i)));
    json_kv_string(j, "step", mimi_step_name(mimi_plan_step(plan, i)));
    json_kv_string(j, "when", mimi_plan_when(plan, i));
    json_key(j, "after"); /* index in this array, or null: at the start */
    if (mimi_plan_after(plan, i) == MIMI_PLAN_START)
      json_null(j);
    else
      json_int(j, (long)mimi_plan_after(plan, i));
    /* Sent when the lookup (or provider) starts, before its turn. */
    json_key(j, "ahead");
    json_bool(j, parallel && mimi_plan_after(plan, i) != MIMI_PLAN_START);
    json_end_object(j);
  }
  json_end_array(j);
}

int explain_run(char *const *ids, int n, const mimi_plan_opts_t *opts, int json,
                int parallel,
                const char *path, const char *const *servers, size_t nservers, const char *const *stubs,
                size_t nstubs, FILE *out, FILE *err) {
  int rc = EXIT_FOUND;
  mimi_plan_t *endpoints = NULL;
  json_t j;
  char msg[MIMI_ERRLEN];

  if (mimi_plan_endpoints(PLACEHOLDER, 0, &endpoints, msg, sizeof msg) != MIMI_OK) {
    fprintf(err, "mimi-lookup: %s\n", msg);
    return EXIT_LOCAL;
  }
  json_init(&j, out);
  if (json) {
    json_begin_object(&j);
    json_kv_int(&j, "schema", 1);
    json_kv_string(&j, "mode", "explain");
    json_kv_string(&j, "path", path); /* mimi_ctx_path(): which way queries go */
    json_key(&j, "servers"); /* [] : recursion from the root */
    json_begin_array(&j);
    for (size_t i = 0; i < nservers; i++)
      json_string(&j, servers[i]);
    json_end_array(&j);
    json_key(&j, "stubs");
    json_begin_array(&j);
    for (size_t i = 0; i < nstubs; i++)
      json_string(&j, stubs[i]);
    json_end_array(&j);
    json_key(&j, "identifiers");
    json_begin_array(&j);
  } else {
    fputs("; queries go to: ", out);
    if (!nservers)
      fprintf(out, "no server given: %s", path);
    for (size_t i = 0; i < nservers; i++)
      fprintf(out, "%s%s", i ? ", " : "", servers[i]);
    for (size_t i = 0; i < nstubs; i++)
      fprintf(out, "; for %s", stubs[i]);
    fputc('\n', out);
  }
  for (int k = 0; k < n; k++) {
    mimi_id_t *id = NULL;
    mimi_plan_t *plan = NULL;
    mimi_status_t st;

    msg[0] = '\0';
    st = mimi_id_parse(ids[k], &id, msg, sizeof msg);
    if (st == MIMI_OK)
      st = mimi_plan_identifier(id, opts, &plan, msg, sizeof msg);
    if (st != MIMI_OK) {
      if (!msg[0])
        snprintf(msg, sizeof msg, "%s", mimi_strerror(st));
      if (json) {
        json_begin_object(&j);
        json_kv_string(&j, "input", ids[k]);
        json_kv_string(&j, "error", msg);
        json_end_object(&j);
      } else {
        char show[96]; /* the input may be long, or hide characters */
        fprintf(err, "mimi-lookup: %s: %s\n", mimi_printable(show, sizeof show, ids[k]), msg);
      }
      rc = st == MIMI_ENOMEM ? EXIT_LOCAL : (rc == EXIT_FOUND ? EXIT_USAGE : rc);
      mimi_id_free(id);
      continue;
    }
    mimi_id_class_t cls = mimi_id_class(id);
    if (json) {
      json_begin_object(&j);
      json_kv_string(&j, "input", ids[k]);
      json_kv_string(&j, "class", mimi_id_class_name(cls));
      json_kv_string(&j, "canonical", mimi_id_canonical(id));
      if (mimi_id_local(id))
        json_kv_string(&j, "local", mimi_id_local(id));
      if (mimi_id_number(id))
        json_kv_string(&j, "number", mimi_id_number(id));
      if (mimi_id_domain(id))
        json_kv_string(&j, cls == MIMI_ID_URI ? "provider" : "domain", mimi_id_domain(id));
      if (mimi_id_account(id))
        json_kv_string(&j, "account", mimi_id_account(id));
      if (mimi_id_port(id))
        json_kv_int(&j, "port", mimi_id_port(id));
      json_key(&j, "queries");
      json_plan(&j, plan, parallel);
      if (cls != MIMI_ID_URI) {
        json_key(&j, "endpoint_queries");
        json_plan(&j, endpoints, parallel);
      }
      json_end_object(&j);
    } else {
      if (k > 0)
        fputc('\n', out);
      fprintf(out, "%s\n", ids[k]);
      fprintf(out, "  class:      %s\n", class_title(cls));
      fprintf(out, "  canonical:  %s\n", mimi_id_canonical(id));
      if (cls == MIMI_ID_URI)
        fprintf(out, "  provider:   %s\n  account:    %s\n", mimi_id_domain(id),
                mimi_id_account(id));
      fprintf(out, "  queries (nothing is sent by --explain):\n");
      text_plan(out, plan, "    ", parallel);
      if (cls != MIMI_ID_URI) {
        fprintf(out, "  then, for each provider a mapping names:\n");
        text_plan(out, endpoints, "    ", parallel);
      }
    }
    mimi_plan_free(plan);
    mimi_id_free(id);
  }
  if (json) {
    json_end_array(&j);
    json_end_object(&j);
    json_end_text(&j);
  }
  mimi_plan_free(endpoints);
  return rc;
}
