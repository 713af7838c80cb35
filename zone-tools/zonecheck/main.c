/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonecheck — check the MIMI records of zone files against MIMI-DNS/1
 * with the library's codec (the same code resolvers run), and report each
 * finding as FILE:LINE: severity: message (or JSON, one object per line).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zonecheck.h"

/* Exit status, documented in mimi-zonecheck(1). */
enum { EX_OK = 0, EX_FINDINGS = 1, EX_USAGE = 2, EX_LOCAL = 5 };

/* "-": standard input, copied into a temporary file first (the reader
 * seeks, to report each record at its first line) that then becomes file
 * descriptor 0 and is read as /dev/stdin, the name in the findings.
 * NULL after printing why not. */
static const char *stdin_file(void) {
  static int done;
  char buf[65536];
  size_t n;
  FILE *t;
  if (done)
    return "/dev/stdin"; /* given twice: the same copy */
  if (!(t = tmpfile()))
    goto fail;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    if (fwrite(buf, 1, n, t) != n)
      goto fail;
  if (ferror(stdin) || fflush(t) != 0 || dup2(fileno(t), STDIN_FILENO) < 0)
    goto fail;
  fclose(t); /* descriptor 0 keeps the file */
  done = 1;
  return "/dev/stdin";
fail:
  fprintf(stderr, "mimi-zonecheck: standard input: %s\n", strerror(errno ? errno : EIO));
  if (t)
    fclose(t);
  return NULL;
}

static void usage(FILE *f) {
  fputs("Usage: mimi-zonecheck [OPTIONS] ZONEFILE...\n"
        "Check the MIMI records of zone files against MIMI-DNS/1: MIMI TXT, owner\n"
        "names under _mimi, ENUM NAPTR, provider SVCB and the providers' endpoints.\n"
        "ZONEFILE '-' is standard input.\n"
        "\n"
        "Options:\n"
        "  -z, --origin ZONE  the zone of every file (default: the SOA's owner, else\n"
        "                     the first $ORIGIN)\n"
        "  -j, --json         one JSON object per finding, then a summary object\n"
        "  -q, --quiet        report errors only (no warnings, no summary line)\n"
        "  -h, --help         show this help and exit\n"
        "  -V, --version      show the version and exit\n"
        "\n"
        "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error,\n"
        "5 local error (a file cannot be read, out of memory).\n",
        f);
}

/* Absolute name from the command line; NULL if it is not a domain name. */
static ldns_rdf *parse_origin(const char *s) {
  size_t len = strlen(s);
  char *abs;
  ldns_rdf *d = NULL;
  if (len == 0 || !(abs = malloc(len + 2)))
    return NULL;
  memcpy(abs, s, len + 1);
  if (abs[len - 1] != '.')
    memcpy(abs + len, ".", 2);
  if (ldns_str2rdf_dname(&d, abs) != LDNS_STATUS_OK)
    d = NULL;
  free(abs);
  return d;
}

int main(int argc, char **argv) {
  static const struct option lo[] = {
      {"origin", required_argument, NULL, 'z'},
      {"json", no_argument, NULL, 'j'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  zc_report_t rep;
  ldns_rdf *origin = NULL;
  int c;
  size_t unreadable = 0;

  memset(&rep, 0, sizeof rep);
  while ((c = getopt_long(argc, argv, "z:jqhV", lo, NULL)) != -1) {
    switch (c) {
    case 'z':
      ldns_rdf_deep_free(origin);
      if (!(origin = parse_origin(optarg))) {
        fprintf(stderr, "mimi-zonecheck: --origin '%s' is not a domain name\n", optarg);
        return EX_USAGE;
      }
      break;
    case 'j': rep.json = 1; break;
    case 'q': rep.quiet = 1; break;
    case 'h':
      ldns_rdf_deep_free(origin);
      usage(stdout);
      return EX_OK;
    case 'V':
      ldns_rdf_deep_free(origin);
      printf("mimi-zonecheck %s (libmimi %s, %s)\n", MIMI_VERSION_STR, mimi_version(NULL),
             MIMI_PROFILE);
      return EX_OK;
    default:
      ldns_rdf_deep_free(origin);
      fputs("Try 'mimi-zonecheck --help'.\n", stderr);
      return EX_USAGE;
    }
  }
  if (optind == argc) {
    ldns_rdf_deep_free(origin);
    fputs("mimi-zonecheck: give at least one zone file\n"
          "Try 'mimi-zonecheck --help'.\n", stderr);
    return EX_USAGE;
  }
  if (rep.json)
    json_init(&rep.j, stdout);
  for (int i = optind; i < argc; i++) {
    const char *file = strcmp(argv[i], "-") == 0 ? stdin_file() : argv[i];
    if (!file || zc_check_file(&rep, file, origin) != 0)
      unreadable++;
  }
  zc_summary(&rep, (size_t)(argc - optind), unreadable);
  zc_report_free(&rep);
  ldns_rdf_deep_free(origin);
  if (fflush(stdout) != 0) {
    perror("mimi-zonecheck: standard output");
    return EX_LOCAL;
  }
  if (rep.oom)
    fputs("mimi-zonecheck: out of memory; the checks are incomplete\n", stderr);
  if (unreadable || rep.oom)
    return EX_LOCAL;
  return rep.errors ? EX_FINDINGS : EX_OK;
}
