/*
 * mimi-lookup — find where to message someone, from the DNS (MIMI-DNS/1).
 * This version implements --explain (what a lookup would query); network
 * lookups arrive with the resolver.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mimi.h>

#include "exit_codes.h"
#include "explain.h"

#define MAX_APEXES 16

static void usage(FILE *f) {
  fputs("Usage: mimi-lookup [OPTIONS] IDENTIFIER...\n"
        "Find a person's messaging providers and endpoints in the DNS (MIMI-DNS/1).\n"
        "\n"
        "Identifiers: +44 20 7946 0148, tel:+15551234567, alice@example.com,\n"
        "  @alice@example.com, im:alice@example.com, mailto:alice@example.com,\n"
        "  alice.example.org, mimi://chat.example.net/u/alice\n"
        "\n"
        "Options:\n"
        "  -e, --explain          show how each identifier is classified and every DNS\n"
        "                         query a lookup would send, in order; sends nothing\n"
        "  -j, --json             JSON output (schema 1, see mimi-lookup(1))\n"
        "      --enum-apex DOMAIN ENUM apex for phone numbers (repeatable, in order;\n"
        "                         default e164.arpa)\n"
        "      --no-case-retry    do not retry a handle with its local part lower-cased\n"
        "  -h, --help             show this help and exit\n"
        "  -V, --version          show the version and exit\n"
        "\n"
        "Exit status: 0 found (or explained), 1 not found or opted out, 2 usage error,\n"
        "3 DNSSEC failure, 4 transient failure, 5 local or configuration error.\n",
        f);
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"explain", no_argument, NULL, 'e'},
      {"json", no_argument, NULL, 'j'},
      {"enum-apex", required_argument, NULL, 'A'},
      {"no-case-retry", no_argument, NULL, 'R'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  const char *apexes[MAX_APEXES];
  mimi_plan_opts_t opts = {0};
  int explain = 0, json = 0, c;

  while ((c = getopt_long(argc, argv, "ejhV", longopts, NULL)) != -1) {
    switch (c) {
    case 'e':
      explain = 1;
      break;
    case 'j':
      json = 1;
      break;
    case 'A':
      if (opts.n_enum_apexes == MAX_APEXES) {
        fprintf(stderr, "mimi-lookup: at most %d --enum-apex options\n", MAX_APEXES);
        return EXIT_USAGE;
      }
      apexes[opts.n_enum_apexes++] = optarg;
      opts.enum_apexes = apexes;
      break;
    case 'R':
      opts.no_case_retry = 1;
      break;
    case 'h':
      usage(stdout);
      return EXIT_FOUND;
    case 'V':
      printf("mimi-lookup %s (libmimi %s, %s)\n", MIMI_VERSION_STR,
             mimi_version(NULL), MIMI_PROFILE);
      return EXIT_FOUND;
    default:
      fputs("Try 'mimi-lookup --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fputs("mimi-lookup: no identifier given\nTry 'mimi-lookup --help'.\n", stderr);
    return EXIT_USAGE;
  }
  if (!explain) {
    fputs("mimi-lookup: this version cannot send DNS queries yet; "
          "use --explain to see what a lookup would query\n", stderr);
    return EXIT_LOCAL;
  }
  return explain_run(argv + optind, argc - optind, &opts, json, stdout, stderr);
}
