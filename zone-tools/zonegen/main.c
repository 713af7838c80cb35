/* SPDX-License-Identifier: MIT */
/*
 * mimi-zonegen — a provider's user list (MIMI-DNS/1 §7 CSV) → a zone file
 * with the MIMI records of §2-§4, in canonical order, written atomically.
 * Nothing is written unless every row is valid (or --skip-bad is given).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "lmdb_sign.h"
#include "publish.h"
#include "sign.h"
#include "zonegen.h"

enum { EX_OK = 0, EX_INPUT = 1, EX_USAGE = 2, EX_PARTIAL = 3, EX_REFUSED = 4, EX_LOCAL = 5 };

static void usage(FILE *f) {
  fputs("Usage: mimi-zonegen --origin ZONE [OPTIONS] CSV\n"
        "       mimi-zonegen --origin ZONE --send-update SERVER[@PORT] [--tsig KEY] CSV\n"
        "Turn a provisioning CSV (identifier,provider,account,preference,tags,service)\n"
        "into a zone file with the MIMI records of MIMI-DNS/1. CSV '-' is standard input.\n"
        "\n"
        "Options:\n"
        "  -z, --origin ZONE        the zone; every owner name must be inside it\n"
        "  -o, --output FILE        write FILE atomically (default: standard output)\n"
        "      --format zone|lmdb   a zone file (default), or the LMDB database that\n"
        "                           mod-mimi serves (--output DIR; see mimi-lmdb(5))\n"
        "      --update             with lmdb: change the existing database in one\n"
        "                           transaction (the rows' owner names are replaced)\n"
        "      --delete CSV         with --update or --send-update: also remove the\n"
        "                           identifiers of CSV's identifier column (then the\n"
        "                           CSV operand may be left out)\n"
        "      --diff OLD.CSV       with --update or --send-update: only what changed\n"
        "                           from OLD.CSV to CSV (changed, new and gone users)\n"
        "      --ttl SECONDS        TTL of every record (default 3600)\n"
        "      --serial N|auto      SOA serial; auto (default): the current time, or one\n"
        "                           more than the existing output's if that is larger\n"
        "      --template FILE      the zone's static part (SOA, NS, SVCB, ...) to merge\n"
        "      --ns NAME[=ADDR,...] a name server (repeatable); one inside the zone needs\n"
        "                           its addresses (glue); without --template, the SOA\n"
        "                           names the first\n"
        "      --contact MAILBOX    SOA contact as a name (default hostmaster.ZONE)\n"
        "      --enum-apex DOMAIN   ENUM apex of phone numbers (default e164.arpa)\n"
        "      --naptr              also publish an ENUM NAPTR beside each phone TXT\n"
        "      --no-lowercase-variant\n"
        "                           publish a handle only under its local part as given\n"
        "                           (default: also under the lower-cased one, if it differs)\n"
        "      --skip-bad           write the valid rows and report the others\n"
        "  -q, --quiet              no summary line (warnings and errors are still shown)\n"
        "\n"
        "Publishing to a primary (DNS UPDATE, RFC 2136):\n"
        "      --send-update SERVER[@PORT]\n"
        "                           replace the rows' records at their owner names on\n"
        "                           the primary SERVER (port 53), over TCP, in atomic\n"
        "                           transactions of at most one message (65,535 octets)\n"
        "      --update-batch N     and at most N names each (default 1000)\n"
        "      --pipeline N         up to N transactions in flight (default 1); each\n"
        "                           requires the one before it (a TXT at _mimi-update.ZONE)\n"
        "      --tsig [ALG:]NAME:SECRET  sign the updates with this TSIG key (RFC 8945;\n"
        "                           default algorithm hmac-sha256)\n"
        "      --tsig-file FILE     or the key of a BIND key file (key \"NAME\" {...};)\n"
        "\n"
        "Signing (DNSSEC, ECDSA P-256 with SHA-256, algorithm 13):\n"
        "      --sign               sign the zone; with lmdb, store an RRSIG (by the ZSK)\n"
        "                           beside every RRset for mod-mimi to serve\n"
        "      --resign             with lmdb --update --sign: sign every name in the\n"
        "                           database again (new validity, or a new ZSK)\n"
        "      --ksk FILE           the key-signing key: K*.private, K*.key or their\n"
        "                           common prefix (BIND format, as ldns-keygen writes)\n"
        "      --zsk FILE           the zone-signing key, likewise\n"
        "      --keys DIR           or: the KSK and ZSK in DIR, generated on first use\n"
        "      --nsec3              NSEC3 (RFC 9276: no salt, 0 iterations) instead of NSEC\n"
        "      --inception TIME     signatures valid from TIME (YYYYMMDDHHMMSS UTC or Unix\n"
        "                           seconds; default an hour ago)\n"
        "      --expiration TIME    signatures valid until TIME (default: --validity)\n"
        "      --validity DAYS      signatures valid for DAYS from now (default 14)\n"
        "      --threads N          threads for the rows, sorting and signing\n"
        "                           (default: one per online CPU)\n"
        "  -h, --help               show this help and exit\n"
        "  -V, --version            show the version and exit\n"
        "\n"
        "Exit status: 0 written, 1 invalid input (nothing written), 2 usage error,\n"
        "3 written with rows skipped (--skip-bad), 4 the server refused an update or did\n"
        "not answer (the transactions before it were applied), 5 local error (I/O).\n",
        f);
}

enum { O_FORMAT = 256, O_TTL, O_SERIAL, O_TEMPLATE, O_NS, O_CONTACT, O_APEX,
       O_NAPTR, O_NOLOWER, O_SKIP, O_UPDATE, O_DELETE, O_SIGN, O_KSK, O_ZSK, O_KEYS, O_NSEC3,
       O_INCEPTION, O_EXPIRATION, O_VALIDITY, O_THREADS, O_RESIGN, O_SEND, O_TSIG,
       O_TSIG_FILE, O_DIFF, O_BATCH, O_PIPELINE };

static int parse_u32(const char *s, unsigned long max, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (*s < '0' || *s > '9' || *end || errno || v > max)
    return 0;
  *out = (uint32_t)v;
  return 1;
}

/* A signature time (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC, or Unix
 * seconds. -1 if it is neither. */
static int64_t parse_time(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || strspn(s, "0123456789") != n)
    return -1;
  if (n == 14) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
      return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
  }
  if (n > 10)
    return -1;
  return (int64_t)strtoll(s, NULL, 10);
}

/* Canonical absolute zone name through the codec's host-name rules. */
static char *canon_origin(const char *zone) {
  char *name = NULL, *out;
  /* A shard: the _mimi subtree of a domain as a zone of its own, delegated
   * from the domain's zone (README, "Deploying for real"). */
  if (strncasecmp(zone, "_mimi.", 6) == 0 && zone[6] != '.') {
    char *rest = canon_origin(zone + 6);
    out = rest ? malloc(strlen(rest) + 7) : NULL;
    if (out)
      sprintf(out, "_mimi.%s", rest);
    free(rest);
    return out;
  }
  /* mimi_name_domain gives "_mimi.<canonical>."; strip the label. */
  if (mimi_name_domain(zone, &name) != MIMI_OK)
    return NULL;
  out = strdup(name + 6);
  mimi_free(name);
  return out;
}

/* An --ns NAME without addresses inside the zone would publish a
 * delegation to a name nobody can resolve: kzonecheck refuses the zone for
 * the missing glue (RFC 1034 §4.2.1). 0, or -1 (printed). */
static int check_ns_glue(const zg_opts_t *o) {
  size_t ol = strlen(o->origin);
  for (size_t i = 0; i < o->nns; i++) {
    const char *ns = o->ns[i];
    if (strchr(ns, '='))
      continue;
    char *name = canon_origin(ns);
    if (!name) {
      fprintf(stderr, "mimi-zonegen: --ns %s: not a host name\n", ns);
      return -1;
    }
    size_t nl = strlen(name);
    /* Inside: the origin itself, or ending in ".origin". */
    int inside = nl == ol ? strcmp(name, o->origin) == 0
                          : nl > ol && name[nl - ol - 1] == '.' &&
                                strcmp(name + nl - ol, o->origin) == 0;
    free(name);
    if (inside) {
      fprintf(stderr, "mimi-zonegen: --ns %s is inside the zone %s and needs its address "
              "(glue): give --ns %s=ADDR[,ADDR...]\n", ns, o->origin, ns);
      return -1;
    }
  }
  return 0;
}

/* The signing keys, once the input is known to be good and the output can
 * be written: --keys DIR makes keys on first use, and a run that writes
 * nothing must leave nothing behind. 0 or -1 (printed). */
static int load_keys(const zg_opts_t *o, zg_key_t *ksk, zg_key_t *zsk) {
  if (!o->sign)
    return 0;
  if (o->keydir)
    return zg_keys_dir(ksk, zsk, o->keydir, o->origin);
  return zg_key_load(ksk, o->ksk, o->origin) != 0 || zg_key_load(zsk, o->zsk, o->origin) != 0
             ? -1
             : 0;
}

static int write_zone(FILE *f, zg_table_t *t, const zg_opts_t *o, const zg_key_t *ksk,
                      const zg_key_t *zsk) {
  /* Signing sorts, signs and writes; it reports its errors (-2 input, -3
   * local), but for I/O (-1, reported by the caller). */
  if (o->sign) {
    int s = zg_sign_zone(o, t, ksk, zsk, f);
    return ferror(f) ? -1 : s == -2 ? -2 : s ? -3 : 0;
  }
  fprintf(f, "; generated by mimi-zonegen %s (%s) for %s\n", MIMI_VERSION_STR,
          MIMI_PROFILE, o->origin);
  for (int pass = 1; pass >= 0; pass--)
    for (size_t i = 0; i < t->n; i++)
      if (t->v[i].soa == pass && (fputs(zg_rr_line(&t->v[i]), f) < 0 || fputc('\n', f) < 0))
        return -1;
  return ferror(f) ? -1 : 0;
}

/* A count of 1..max, or a usage error naming the option and what it counts. */
static int parse_count(const char *opt, const char *arg, unsigned long max, const char *what,
                       uint32_t *out) {
  if (parse_u32(arg, max, out) && *out > 0)
    return 1;
  fprintf(stderr, "mimi-zonegen: %s '%s': %s, 1-%lu\n", opt, arg, what, max);
  return 0;
}

int main(int argc, char **argv) {
  static const struct option lo[] = {
      {"origin", required_argument, NULL, 'z'},
      {"output", required_argument, NULL, 'o'},
      {"format", required_argument, NULL, O_FORMAT},
      {"ttl", required_argument, NULL, O_TTL},
      {"serial", required_argument, NULL, O_SERIAL},
      {"template", required_argument, NULL, O_TEMPLATE},
      {"ns", required_argument, NULL, O_NS},
      {"contact", required_argument, NULL, O_CONTACT},
      {"enum-apex", required_argument, NULL, O_APEX},
      {"naptr", no_argument, NULL, O_NAPTR},
      {"no-lowercase-variant", no_argument, NULL, O_NOLOWER},
      {"skip-bad", no_argument, NULL, O_SKIP},
      {"quiet", no_argument, NULL, 'q'},
      {"update", no_argument, NULL, O_UPDATE},
      {"delete", required_argument, NULL, O_DELETE},
      {"diff", required_argument, NULL, O_DIFF},
      {"send-update", required_argument, NULL, O_SEND},
      {"tsig", required_argument, NULL, O_TSIG},
      {"tsig-file", required_argument, NULL, O_TSIG_FILE},
      {"update-batch", required_argument, NULL, O_BATCH},
      {"pipeline", required_argument, NULL, O_PIPELINE},
      {"sign", no_argument, NULL, O_SIGN},
      {"resign", no_argument, NULL, O_RESIGN},
      {"ksk", required_argument, NULL, O_KSK},
      {"zsk", required_argument, NULL, O_ZSK},
      {"keys", required_argument, NULL, O_KEYS},
      {"nsec3", no_argument, NULL, O_NSEC3},
      {"inception", required_argument, NULL, O_INCEPTION},
      {"expiration", required_argument, NULL, O_EXPIRATION},
      {"validity", required_argument, NULL, O_VALIDITY},
      {"threads", required_argument, NULL, O_THREADS},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  zg_opts_t o;
  zg_table_t t = {NULL, 0, 0, 0, NULL}, old = {NULL, 0, 0, 0, NULL};
  zg_dels_t dels = {NULL, 0, 0};
  zg_key_t ksk, zsk;
  zg_tsig_t tsig;
  const char *origin = NULL, *send = NULL, *tsig_arg = NULL, *tsig_file = NULL,
             *diff = NULL;
  char changeset[65] = "";
  long bad, ok = 0;
  int c, rc = EX_LOCAL, sign_opt = 0, batch_opt = 0;
  uint32_t days, u;

  memset(&o, 0, sizeof o);
  memset(&ksk, 0, sizeof ksk);
  memset(&zsk, 0, sizeof zsk);
  memset(&tsig, 0, sizeof tsig);
  o.inception = o.expiration = -1;
  o.validity = 14 * 86400;
  o.ttl = 3600;
  o.serial_auto = 1;
  o.enum_apex = "e164.arpa";
  o.lowercase_variant = 1;
  o.update_batch = 1000;
  o.pipeline = 1;
  while ((c = getopt_long(argc, argv, "z:o:qhV", lo, NULL)) != -1) {
    switch (c) {
    case 'z': origin = optarg; break;
    case 'o': o.output = optarg; break;
    case O_FORMAT:
      if (strcmp(optarg, "zone") == 0) {
        o.lmdb = 0;
      } else if (strcmp(optarg, "lmdb") == 0) {
        o.lmdb = 1;
      } else {
        fprintf(stderr, "mimi-zonegen: --format %s: use zone or lmdb\n", optarg);
        return EX_USAGE;
      }
      break;
    case O_UPDATE: o.update = 1; break;
    case O_DELETE: o.delete_path = optarg; break;
    case O_DIFF: diff = optarg; break;
    case O_SEND: send = optarg; break;
    case O_TSIG: tsig_arg = optarg; break;
    case O_TSIG_FILE: tsig_file = optarg; break;
    case O_BATCH:
    case O_PIPELINE:
      if (!parse_count(c == O_BATCH ? "--update-batch" : "--pipeline", optarg,
                       c == O_BATCH ? 65535UL : 64UL,
                       c == O_BATCH ? "names a transaction" : "transactions in flight", &u))
        return EX_USAGE;
      if (c == O_BATCH)
        o.update_batch = u;
      else
        o.pipeline = u;
      batch_opt = 1;
      break;
    case O_TTL:
      if (!parse_u32(optarg, 2147483647UL, &o.ttl)) {
        fprintf(stderr, "mimi-zonegen: --ttl '%s': seconds, 0-2147483647 (RFC 2181 §8)\n",
                optarg);
        return EX_USAGE;
      }
      break;
    case O_SERIAL:
      if (strcmp(optarg, "auto") == 0) {
        o.serial_auto = 1;
      } else if (parse_u32(optarg, 4294967295UL, &o.serial)) {
        o.serial_auto = 0;
      } else {
        fprintf(stderr, "mimi-zonegen: --serial '%s': a number 0-4294967295, or auto\n",
                optarg);
        return EX_USAGE;
      }
      break;
    case O_TEMPLATE: o.template_path = optarg; break;
    case O_NS:
      if (o.nns == ZG_MAX_NS) {
        fprintf(stderr, "mimi-zonegen: at most %d --ns options\n", ZG_MAX_NS);
        return EX_USAGE;
      }
      if (!optarg[0] || optarg[0] == '=') {
        fprintf(stderr, "mimi-zonegen: --ns '%s': give NAME or NAME=ADDR\n", optarg);
        return EX_USAGE;
      }
      o.ns[o.nns++] = optarg;
      break;
    case O_CONTACT: o.contact = optarg; break;
    case O_APEX: o.enum_apex = optarg; break;
    case O_NAPTR: o.naptr = 1; break;
    case O_NOLOWER: o.lowercase_variant = 0; break;
    case O_SKIP: o.skip_bad = 1; break;
    case 'q': o.quiet = 1; break;
    case O_SIGN: o.sign = 1; break;
    case O_RESIGN: o.resign = 1; sign_opt = 1; break;
    case O_KSK: o.ksk = optarg; sign_opt = 1; break;
    case O_ZSK: o.zsk = optarg; sign_opt = 1; break;
    case O_KEYS: o.keydir = optarg; sign_opt = 1; break;
    case O_NSEC3: o.nsec3 = 1; sign_opt = 1; break;
    case O_INCEPTION:
    case O_EXPIRATION: {
      int64_t v = parse_time(optarg);
      if (v < 0 || v > 4294967295LL) {
        fprintf(stderr, "mimi-zonegen: --%s '%s': YYYYMMDDHHMMSS (UTC) or Unix seconds\n",
                c == O_INCEPTION ? "inception" : "expiration", optarg);
        return EX_USAGE;
      }
      *(c == O_INCEPTION ? &o.inception : &o.expiration) = v;
      sign_opt = 1;
      break;
    }
    case O_VALIDITY:
      if (!parse_u32(optarg, 3650, &days) || days == 0) {
        fprintf(stderr, "mimi-zonegen: --validity '%s': days, 1-3650\n", optarg);
        return EX_USAGE;
      }
      o.validity = days * 86400;
      sign_opt = 1;
      break;
    case O_THREADS:
      if (!parse_u32(optarg, 256, &days) || days == 0) {
        fprintf(stderr, "mimi-zonegen: --threads '%s': 1-256\n", optarg);
        return EX_USAGE;
      }
      o.threads = days;
      break;
    case 'h': usage(stdout); return EX_OK;
    case 'V':
      printf("mimi-zonegen %s (libmimi %s, %s)\n", MIMI_VERSION_STR, mimi_version(NULL),
             MIMI_PROFILE);
      return EX_OK;
    default:
      fputs("Try 'mimi-zonegen --help'.\n", stderr);
      return EX_USAGE;
    }
  }
  if (!origin) {
    fputs("mimi-zonegen: --origin ZONE is required\nTry 'mimi-zonegen --help'.\n", stderr);
    return EX_USAGE;
  }
  /* A change set may be deletions only. */
  if (optind != argc - 1 && !(optind == argc && o.delete_path && (o.update || send))) {
    fputs("mimi-zonegen: give exactly one CSV file (or - for standard input)\n"
          "Try 'mimi-zonegen --help'.\n", stderr);
    return EX_USAGE;
  }
  o.input = optind < argc ? argv[optind] : NULL;
  if (send && (o.lmdb || o.output || o.sign || o.skip_bad || o.template_path || o.nns)) {
    fputs("mimi-zonegen: --send-update sends the rows' records only: it goes without "
          "--format, --output, --sign, --skip-bad, --template and --ns\n", stderr);
    return EX_USAGE;
  }
  if ((tsig_arg || tsig_file) && !send) {
    fputs("mimi-zonegen: --tsig and --tsig-file go with --send-update\n", stderr);
    return EX_USAGE;
  }
  if (tsig_arg && tsig_file) {
    fputs("mimi-zonegen: give --tsig or --tsig-file, not both\n", stderr);
    return EX_USAGE;
  }
  if (tsig_arg) {
    char terr[300];
    if (zg_tsig_parse_arg(tsig_arg, &tsig, terr, sizeof terr) != 0) {
      fprintf(stderr, "mimi-zonegen: --tsig: %s\n", terr);
      return EX_USAGE;
    }
  }
  if (batch_opt && !send) {
    fputs("mimi-zonegen: --update-batch and --pipeline go with --send-update\n", stderr);
    return EX_USAGE;
  }
  if (diff && !(o.update || send)) {
    fputs("mimi-zonegen: --diff works with --format lmdb --update or --send-update\n",
          stderr);
    return EX_USAGE;
  }
  if (diff && (o.delete_path || !o.input)) {
    fputs("mimi-zonegen: --diff OLD.CSV takes the new list as the CSV operand, and no "
          "--delete (the users OLD.CSV has and CSV has not are deleted)\n", stderr);
    return EX_USAGE;
  }
  if (diff && o.input && strcmp(diff, "-") == 0 && strcmp(o.input, "-") == 0) {
    fputs("mimi-zonegen: the CSV and --diff cannot both be standard input\n", stderr);
    return EX_USAGE;
  }
  if (o.lmdb && !o.output) {
    fputs("mimi-zonegen: --format lmdb needs --output DIR\n", stderr);
    return EX_USAGE;
  }
  if (o.update && !o.lmdb) {
    fputs("mimi-zonegen: --update works with --format lmdb only\n", stderr);
    return EX_USAGE;
  }
  if (o.delete_path && !o.update && !send) {
    fputs("mimi-zonegen: --delete works with --format lmdb --update or --send-update only "
          "(a rebuild leaves out what its CSV does not list)\n", stderr);
    return EX_USAGE;
  }
  if (o.delete_path && o.input && strcmp(o.delete_path, "-") == 0 &&
      strcmp(o.input, "-") == 0) {
    fputs("mimi-zonegen: the CSV and --delete cannot both be standard input\n", stderr);
    return EX_USAGE;
  }
  if (o.threads == 0) { /* all CPUs: rows, sorting, hashing, signing */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = cpus > 0 ? (unsigned)(cpus < 256 ? cpus : 256) : 1;
  }
  if (sign_opt && !o.sign) {
    fputs("mimi-zonegen: --ksk, --zsk, --keys, --nsec3, --inception, --expiration, "
          "--validity and --resign go with --sign\n", stderr);
    return EX_USAGE;
  }
  if (o.sign && o.lmdb && o.nsec3) {
    fputs("mimi-zonegen: --nsec3 is for zone files: a database has no denial chain (the "
          "server makes minimally covering denials, mod-mimi(5))\n", stderr);
    return EX_USAGE;
  }
  if (o.resign && !(o.lmdb && o.update)) {
    fputs("mimi-zonegen: --resign works with --format lmdb --update --sign only\n", stderr);
    return EX_USAGE;
  }
  if (o.sign && !((o.ksk && o.zsk && !o.keydir) || (!o.ksk && !o.zsk && o.keydir))) {
    fputs("mimi-zonegen: --sign needs --ksk FILE and --zsk FILE, or --keys DIR\n", stderr);
    return EX_USAGE;
  }
  if (o.sign) {
    /* Validity: fixed, or from an hour ago (clocks differ) for --validity. */
    int64_t now = (int64_t)time(NULL);
    if (o.inception < 0)
      o.inception = now - 3600;
    if (o.expiration < 0)
      o.expiration = now + (int64_t)o.validity;
    if (o.expiration <= o.inception || o.expiration <= now) {
      fputs("mimi-zonegen: the signatures would expire before they are valid, or have "
            "already (--inception, --expiration, --validity)\n", stderr);
      return EX_USAGE;
    }
    /* RFC 4034 §3.1.5: serial number arithmetic modulo 2^32, so the two
     * must be less than 2^31 seconds (68 years) apart. */
    if (o.expiration - o.inception >= ((int64_t)1 << 31)) {
      fputs("mimi-zonegen: signatures valid for 68 years or more cannot be expressed "
            "(RFC 4034 §3.1.5)\n", stderr);
      return EX_USAGE;
    }
  }
  if (!(o.origin = canon_origin(origin))) {
    fprintf(stderr, "mimi-zonegen: --origin '%s' is not a domain name\n", origin);
    return EX_USAGE;
  }
  /* The NS only go into a zone file built without a template. */
  if (!o.lmdb && !o.template_path && check_ns_glue(&o) != 0) {
    rc = EX_USAGE;
    goto done;
  }

  if (tsig_file && zg_tsig_load(tsig_file, &tsig) != 0) {
    rc = EX_INPUT;
    goto done;
  }
  bad = o.input ? zg_rows(&o, &t, &ok) : 0;
  if (bad < 0) {
    rc = bad == -2 ? EX_INPUT : EX_LOCAL;
    goto done;
  }
  if (bad > 0 && !o.skip_bad) {
    fprintf(stderr, "mimi-zonegen: %ld invalid row%s; nothing written (--skip-bad "
            "writes the valid rows)\n", bad, bad == 1 ? "" : "s");
    rc = EX_INPUT;
    goto done;
  }
  /* The database holds the user records only; SOA, NS and the provider's
   * SVCB stay in the zone file knotd loads. */
  if (!o.lmdb && !send && zg_apex(&o, &t) != 0) {
    rc = EX_INPUT;
    goto done;
  }
  if (o.sign && !o.lmdb && zg_sign_check(&o, &t) != 0) {
    rc = EX_INPUT;
    goto done;
  }
  if (!o.sign || o.lmdb) /* the zone signer sorts (after adding the DNSKEYs) */
    zg_sort(&t, o.threads);
  if (o.delete_path) {
    int d = zg_dels_read(&o, o.delete_path, &dels);
    if (d != 0) {
      rc = d == -2 ? EX_INPUT : EX_LOCAL;
      goto done;
    }
  }
  if (diff) {
    int d = zg_diff(&o, diff, &t, &dels, send ? &old : NULL);
    if (d != 0) {
      rc = d == -2 ? EX_INPUT : EX_LOCAL;
      goto done;
    }
    o.delete_path = diff; /* what --update names in its warnings */
  }
  /* The change set's identity: in the summary of --send-update and in the
   * database (meta "changeset") of --update. */
  if ((send || o.update) && zg_changeset_id(&t, &dels, changeset) != 0) {
    fputs("mimi-zonegen: out of memory\n", stderr);
    goto done;
  }
  if (o.update)
    o.changeset = changeset;
  if (send) {
    int s = zg_send_updates(&o, send, tsig_arg || tsig_file ? &tsig : NULL, &t, &dels,
                            diff ? &old : NULL, changeset);
    rc = s == 0 ? EX_OK : s == -1 ? EX_REFUSED : EX_LOCAL;
    goto done;
  }
  if (o.lmdb) {
    if (load_keys(&o, &ksk, &zsk) != 0) {
      rc = EX_INPUT;
      goto done;
    }
    int w = zg_write_lmdb(&o, &t, o.delete_path || diff ? &dels : NULL, o.update,
                          o.sign ? &ksk : NULL, o.sign ? &zsk : NULL);
    if (w != 0) {
      rc = w == -2 ? EX_INPUT : EX_LOCAL;
      goto done;
    }
  } else if (o.output) {
    atomic_file_t a;
    if (atomic_open(&a, o.output) != 0) {
      fprintf(stderr, "mimi-zonegen: %s: %s\n", o.output, strerror(errno));
      goto done;
    }
    if (load_keys(&o, &ksk, &zsk) != 0) {
      atomic_abort(&a);
      rc = EX_INPUT;
      goto done;
    }
    int w = write_zone(a.f, &t, &o, &ksk, &zsk);
    if (w != 0 || atomic_commit(&a) != 0) {
      if (w == 0 || w == -1)
        fprintf(stderr, "mimi-zonegen: %s: %s (the old file, if any, is unchanged)\n",
                o.output, strerror(errno));
      rc = w == -2 ? EX_INPUT : EX_LOCAL;
      atomic_abort(&a);
      goto done;
    }
  } else {
    if (load_keys(&o, &ksk, &zsk) != 0) {
      rc = EX_INPUT;
      goto done;
    }
    int w = write_zone(stdout, &t, &o, &ksk, &zsk);
    if (w < -1) {
      rc = w == -2 ? EX_INPUT : EX_LOCAL;
      goto done;
    }
    if (w != 0 || fflush(stdout) != 0) {
      fprintf(stderr, "mimi-zonegen: standard output: %s\n", strerror(errno));
      goto done;
    }
  }
  if (bad > 0) {
    if (!o.quiet)
      fprintf(stderr, "mimi-zonegen: %ld row%s written, %ld invalid row%s skipped\n", ok,
              ok == 1 ? "" : "s", bad, bad == 1 ? "" : "s");
    rc = EX_PARTIAL;
  } else {
    rc = EX_OK;
  }
done:
  zg_dels_free(&dels);
  zg_key_free(&ksk);
  zg_key_free(&zsk);
  memset(&tsig, 0, sizeof tsig);
  zg_table_free(&t);
  zg_table_free(&old);
  free(o.origin);
  return rc;
}
