/* SPDX-License-Identifier: MIT */
/*
 * mimi-lookup — find where to message someone, from the DNS (MIMI-DNS/1):
 * identifier → providers, accounts and endpoints, each with its DNSSEC
 * status. --explain shows what a lookup would query without sending it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mimi.h>

#include "exit_codes.h"
#include "batch.h"
#include "explain.h"
#include "lookup_run.h"

#define MAX_APEXES 16
#define MAX_LIST 64

static void usage(FILE *f) {
  fputs("Usage: mimi-lookup [OPTIONS] IDENTIFIER...\n"
        "       mimi-lookup [OPTIONS] --batch FILE\n"
        "Find a person's messaging providers and endpoints in the DNS (MIMI-DNS/1).\n"
        "\n"
        "Identifiers: +44 20 7946 0148, tel:+15551234567, alice@example.com,\n"
        "  @alice@example.com, im:alice@example.com, mailto:alice@example.com,\n"
        "  alice.example.org, mimi://chat.example.net/u/alice\n"
        "\n"
        "Options:\n"
        "  -s, --server ADDR[@PORT]   send every query to this server (repeatable;\n"
        "                             also @ADDR and ADDR#PORT, as in dig);\n"
        "                             default: recursion from the root\n"
        "  -p, --port PORT            port of the servers given without one\n"
        "      --stub ZONE=ADDR[@PORT] send queries for ZONE to this server (repeatable)\n"
        "  -t, --trust-anchor FILE    DS/DNSKEY records to validate from (repeatable);\n"
        "                             default: the root anchor of dns-root-data\n"
        "  -d, --dnssec POLICY        require (default), prefer or off\n"
        "  -b, --backend NAME         unbound (default, validating) or cares\n"
        "      --enum-apex DOMAIN     ENUM apex for phone numbers (repeatable, in order;\n"
        "                             default e164.arpa)\n"
        "      --no-case-retry        do not retry a handle with its local part lower-cased\n"
        "      --sequential           send each query only after the answer it depends on\n"
        "      --no-endpoints         do not resolve provider endpoints\n"
        "      --timeout MS           longest time for one lookup (default 5000)\n"
        "      --workers N            validating threads (unbound backend, default 1)\n"
        "  -4, -6                     only IPv4 (-4) or IPv6 (-6) servers and addresses\n"
        "      --tcp                  every query over TCP (also: +tcp)\n"
        "  -j, --json                 JSON output, one object per line (schema 1)\n"
        "      --short                print only the mimi:// URIs found (input<TAB>uri\n"
        "                             with several identifiers); no endpoints\n"
        "      --trace                show every query sent, its answer and timing\n"
        "      --stats                print a summary line on standard error\n"
        "  -f, --batch FILE           identifiers one per line (- for standard input),\n"
        "                             resolved concurrently\n"
        "      --in-flight N          lookups in flight at once (default 100)\n"
        "  -e, --explain              show how each identifier is classified and every DNS\n"
        "                             query a lookup would send, in order; sends nothing\n"
        "  -h, --help                 show this help and exit\n"
        "  -V, --version              show the version and exit\n"
        "\n"
        "Exit status: 0 found (DNSSEC policy met), 1 not found or opted out, 2 usage\n"
        "error, 3 DNSSEC failure, 4 transient failure, 5 local or configuration error.\n"
        "With several identifiers: the most severe of 3, 5, 4, 2 seen, else 0.\n",
        f);
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
                      unsigned long *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (*s < '0' || *s > '9' || *end || errno || v < min || v > max)
    return 0;
  *out = v;
  return 1;
}

enum {
  OPT_STUB = 256, OPT_APEX, OPT_NO_RETRY, OPT_NO_EP, OPT_TIMEOUT, OPT_SHORT,
  OPT_TRACE, OPT_STATS, OPT_BATCH, OPT_INFLIGHT, OPT_WORKERS, OPT_TCP, OPT_SEQUENTIAL
};

/* ADDR[#PORT] where ADDR is an IPv4 or IPv6 address (dig's "@server"). */
static int is_ip_server(const char *s) {
  char a[INET6_ADDRSTRLEN + 1];
  unsigned char buf[sizeof(struct in6_addr)];
  size_t n = strcspn(s, "#");
  if (n == 0 || n >= sizeof a)
    return 0;
  memcpy(a, s, n);
  a[n] = '\0';
  return inet_pton(AF_INET, a, buf) == 1 || inet_pton(AF_INET6, a, buf) == 1;
}

/* A server as the library takes it, "ADDR[@PORT]", from "ADDR", "ADDR@PORT"
 * or dig's "ADDR#PORT"; -p's port for one given without a port. */
static int server_spec(const char *in, unsigned port, char *out, size_t cap) {
  const char *hash = strchr(in, '#');
  int n;
  if (hash && strchr(in, '@'))
    return 0;
  if (hash)
    n = snprintf(out, cap, "%.*s@%s", (int)(hash - in), in, hash + 1);
  else if (port && !strchr(in, '@'))
    n = snprintf(out, cap, "%s@%u", in, port);
  else
    n = snprintf(out, cap, "%s", in);
  return n > 0 && (size_t)n < cap;
}

/* The results reached standard output, or the exit status says they did
 * not (a full disk, a closed pipe): rc, or EXIT_LOCAL with a message. */
static int output_closed(int rc) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "mimi-lookup: standard output: %s\n", strerror(errno ? errno : EIO));
    return EXIT_LOCAL;
  }
  return rc;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"server", required_argument, NULL, 's'},
      {"stub", required_argument, NULL, OPT_STUB},
      {"trust-anchor", required_argument, NULL, 't'},
      {"dnssec", required_argument, NULL, 'd'},
      {"backend", required_argument, NULL, 'b'},
      {"enum-apex", required_argument, NULL, OPT_APEX},
      {"no-case-retry", no_argument, NULL, OPT_NO_RETRY},
      {"sequential", no_argument, NULL, OPT_SEQUENTIAL},
      {"no-endpoints", no_argument, NULL, OPT_NO_EP},
      {"timeout", required_argument, NULL, OPT_TIMEOUT},
      {"json", no_argument, NULL, 'j'},
      {"short", no_argument, NULL, OPT_SHORT},
      {"trace", no_argument, NULL, OPT_TRACE},
      {"stats", no_argument, NULL, OPT_STATS},
      {"batch", required_argument, NULL, OPT_BATCH},
      {"port", required_argument, NULL, 'p'},
      {"in-flight", required_argument, NULL, OPT_INFLIGHT},
      {"workers", required_argument, NULL, OPT_WORKERS},
      {"tcp", no_argument, NULL, OPT_TCP},
      {"explain", no_argument, NULL, 'e'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  const char *apexes[MAX_APEXES], *servers[MAX_LIST], *stubs[MAX_LIST],
      *tas[MAX_LIST];
  size_t nservers = 0, nstubs = 0, ntas = 0;
  mimi_plan_opts_t popts = {0};
  run_opts_t ro = {.batch = NULL, .in_flight = 100};
  mimi_policy_t policy = MIMI_POLICY_REQUIRE;
  mimi_backend_t backend = MIMI_BACKEND_UNBOUND;
  unsigned long timeout = 0, workers = 1, v;
  unsigned transport = 0; /* MIMI_TRANSPORT_* */
  int explain = 0, no_ep = 0, sequential = 0, c;
  unsigned port = 0; /* -p: for servers given without a port */
  char err[MIMI_ERRLEN] = "";
  mimi_ctx_t *ctx = NULL;
  mimi_status_t st = MIMI_OK;

#define PUSH(arr, n, what)                                                     \
  do {                                                                         \
    if ((n) == MAX_LIST) {                                                     \
      fprintf(stderr, "mimi-lookup: at most %d %s options\n", MAX_LIST, what); \
      return EXIT_USAGE;                                                       \
    }                                                                          \
    (arr)[(n)++] = optarg;                                                     \
  } while (0)

  while ((c = getopt_long(argc, argv, "s:t:d:b:f:p:jehV46", longopts, NULL)) != -1) {
    switch (c) {
    case 's': PUSH(servers, nservers, "--server"); break;
    case OPT_STUB: PUSH(stubs, nstubs, "--stub"); break;
    case 't': PUSH(tas, ntas, "--trust-anchor"); break;
    case 'd':
      if (strcmp(optarg, "require") == 0)
        policy = MIMI_POLICY_REQUIRE;
      else if (strcmp(optarg, "prefer") == 0)
        policy = MIMI_POLICY_PREFER;
      else if (strcmp(optarg, "off") == 0)
        policy = MIMI_POLICY_OFF;
      else {
        fprintf(stderr, "mimi-lookup: --dnssec '%s': use require, prefer or off\n", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'b':
      if (strcmp(optarg, "unbound") == 0)
        backend = MIMI_BACKEND_UNBOUND;
      else if (strcmp(optarg, "cares") == 0 || strcmp(optarg, "c-ares") == 0)
        backend = MIMI_BACKEND_CARES;
      else {
        fprintf(stderr, "mimi-lookup: --backend '%s': use unbound or cares\n", optarg);
        return EXIT_USAGE;
      }
      break;
    case OPT_APEX:
      if (popts.n_enum_apexes == MAX_APEXES) {
        fprintf(stderr, "mimi-lookup: at most %d --enum-apex options\n", MAX_APEXES);
        return EXIT_USAGE;
      }
      apexes[popts.n_enum_apexes++] = optarg;
      popts.enum_apexes = apexes;
      break;
    case OPT_NO_RETRY: popts.no_case_retry = 1; break;
    case OPT_SEQUENTIAL: sequential = 1; break;
    case OPT_NO_EP: no_ep = 1; break;
    case OPT_TIMEOUT:
      if (!parse_uint(optarg, 1, 600000, &timeout)) {
        fprintf(stderr, "mimi-lookup: --timeout '%s': milliseconds, 1-600000\n", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'j': ro.json = 1; break;
    case OPT_SHORT: ro.short_mode = 1; break;
    case OPT_TRACE: ro.trace = 1; break;
    case OPT_STATS: ro.stats = 1; break;
    case 'p':
      if (!parse_uint(optarg, 1, 65535, &v)) {
        fprintf(stderr, "mimi-lookup: --port '%s': 1-65535\n", optarg);
        return EXIT_USAGE;
      }
      port = (unsigned)v;
      break;
    case 'f': /* dig's -f: a batch file */
    case OPT_BATCH:
      if (ro.batch) { /* the first would be dropped without a word */
        fputs("mimi-lookup: --batch given twice; give one file (or - for standard input)\n",
              stderr);
        return EXIT_USAGE;
      }
      ro.batch = optarg;
      break;
    case OPT_INFLIGHT:
      if (!parse_uint(optarg, 1, 10000, &v)) {
        fprintf(stderr, "mimi-lookup: --in-flight '%s': 1-10000\n", optarg);
        return EXIT_USAGE;
      }
      ro.in_flight = (unsigned)v;
      break;
    case OPT_WORKERS:
      if (!parse_uint(optarg, 1, 8, &workers)) {
        fprintf(stderr, "mimi-lookup: --workers '%s': 1-8\n", optarg);
        return EXIT_USAGE;
      }
      break;
    case '4':
    case '6':
      if (transport & (c == '4' ? MIMI_TRANSPORT_IPV6 : MIMI_TRANSPORT_IPV4)) {
        fputs("mimi-lookup: -4 and -6 exclude each other\n", stderr);
        return EXIT_USAGE;
      }
      transport |= c == '4' ? MIMI_TRANSPORT_IPV4 : MIMI_TRANSPORT_IPV6;
      break;
    case OPT_TCP: transport |= MIMI_TRANSPORT_TCP; break;
    case 'e': explain = 1; break;
    case 'h': usage(stdout); return EXIT_FOUND;
    case 'V':
      printf("mimi-lookup %s (libmimi %s, %s)\n", MIMI_VERSION_STR,
             mimi_version(NULL), MIMI_PROFILE);
      return EXIT_FOUND;
    default:
      fputs("Try 'mimi-lookup --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  /* dig's "@ADDR" among the arguments: a server when ADDR (before an
   * optional #PORT) is an IP address; "@alice.example.org" stays a domain
   * handle. The identifiers that are left keep their order. */
  {
    int o = optind;
    for (int i = optind; i < argc; i++) {
      if (strcmp(argv[i], "+tcp") == 0) { /* dig's spelling */
        transport |= MIMI_TRANSPORT_TCP;
      } else if (argv[i][0] == '@' && is_ip_server(argv[i] + 1)) {
        if (nservers == MAX_LIST) {
          fprintf(stderr, "mimi-lookup: at most %d servers\n", MAX_LIST);
          return EXIT_USAGE;
        }
        servers[nservers++] = argv[i] + 1;
      } else {
        argv[o++] = argv[i];
      }
    }
    argc = o;
  }
  if (ro.short_mode && ro.json) {
    fputs("mimi-lookup: --short and --json exclude each other\n", stderr);
    return EXIT_USAGE;
  }
  /* --short prints URIs only: the endpoint queries would be wasted. */
  if (ro.short_mode)
    no_ep = 1;
  if (optind >= argc && !ro.batch) {
    fputs("mimi-lookup: no identifier given\nTry 'mimi-lookup --help'.\n", stderr);
    return EXIT_USAGE;
  }
  if ((st = mimi_ctx_new(&ctx)) != MIMI_OK)
    goto ctx_fail;
  if ((st = mimi_ctx_set_backend(ctx, backend)) || (st = mimi_ctx_set_policy(ctx, policy)) ||
      (st = mimi_ctx_set_case_retry(ctx, !popts.no_case_retry)) ||
      (st = mimi_ctx_set_endpoints(ctx, !no_ep)) ||
      (st = mimi_ctx_set_parallel(ctx, !sequential)) ||
      (st = mimi_ctx_set_trace(ctx, ro.trace || ro.stats)) ||
      (timeout && (st = mimi_ctx_set_timeout(ctx, (unsigned)timeout))) ||
      (st = mimi_ctx_set_workers(ctx, (unsigned)workers)) ||
      (st = mimi_ctx_set_transport(ctx, transport)))
    goto ctx_fail;
  if (popts.n_enum_apexes &&
      (st = mimi_ctx_set_enum_apexes(ctx, apexes, popts.n_enum_apexes, err, sizeof err)))
    goto usage_fail;
  for (size_t i = 0; i < nservers; i++) {
    char srv[128];
    if (!server_spec(servers[i], port, srv, sizeof srv)) {
      snprintf(err, sizeof err, "--server '%.80s': write ADDR, ADDR@PORT or ADDR#PORT", servers[i]);
      st = MIMI_EINVAL;
      goto usage_fail;
    }
    if ((st = mimi_ctx_add_server(ctx, srv, err, sizeof err)))
      goto usage_fail;
  }
  for (size_t i = 0; i < nstubs; i++) {
    char zone[512];
    const char *eq = strchr(stubs[i], '=');
    if (!eq || eq == stubs[i] || (size_t)(eq - stubs[i]) >= sizeof zone) {
      snprintf(err, sizeof err, "--stub '%s': write ZONE=ADDR[@PORT]", stubs[i]);
      st = MIMI_EINVAL;
      goto usage_fail;
    }
    memcpy(zone, stubs[i], (size_t)(eq - stubs[i]));
    zone[eq - stubs[i]] = '\0';
    if ((st = mimi_ctx_add_stub(ctx, zone, eq + 1, err, sizeof err)))
      goto usage_fail;
  }
  for (size_t i = 0; i < ntas; i++)
    if ((st = mimi_ctx_add_trust_anchor_file(ctx, tas[i])))
      goto ctx_fail;
  /* Started for --explain too: options that would make a lookup fail (a
   * bad trust anchor, a backend that cannot meet the policy) fail the same
   * way. Starting sends nothing. */
  if ((st = mimi_ctx_start(ctx, err, sizeof err)) != MIMI_OK) {
    fprintf(stderr, "mimi-lookup: %s\n", err[0] ? err : mimi_strerror(st));
    mimi_ctx_free(ctx);
    return EXIT_LOCAL;
  }
  if (explain) {
    /* The identifiers of --batch too, after those of the command line. */
    batch_t b = {0};
    int rc = EXIT_LOCAL;
    char path[800];
    snprintf(path, sizeof path, "%s", mimi_ctx_path(ctx) ? mimi_ctx_path(ctx) : "");
    mimi_ctx_free(ctx);
    for (int i = optind; i < argc; i++)
      if (!batch_add(&b, argv[i], 0))
        goto explain_done;
    if (ro.batch && !batch_read(&b, ro.batch))
      goto explain_done;
    rc = explain_run(b.ids, b.n, &popts, ro.json, !sequential, path, servers, nservers, stubs, nstubs,
                     stdout, stderr);
  explain_done:
    batch_free(&b);
    return output_closed(rc);
  }
  for (size_t i = 0; !ntas && i < nservers + nstubs; i++) {
    const char *a = i < nservers ? servers[i] : strchr(stubs[i - nservers], '=') + 1;
    ro.hint_ta |= strncmp(a, "127.", 4) == 0 || strncmp(a, "::1", 3) == 0 ||
                  strncmp(a, "[::1]", 5) == 0 || strncmp(a, "localhost", 9) == 0;
  }
  return output_closed(lookup_run(ctx, argv + optind, argc - optind, &ro));

usage_fail:
  fprintf(stderr, "mimi-lookup: %s\n", err[0] ? err : mimi_strerror(st));
  mimi_ctx_free(ctx);
  return EXIT_USAGE;
ctx_fail:
  fprintf(stderr, "mimi-lookup: %s\n", mimi_strerror(st));
  mimi_ctx_free(ctx);
  return EXIT_LOCAL;
}
