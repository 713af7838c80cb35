/* SPDX-License-Identifier: MIT */
/* One zone file through every check, in the order the findings need: the
 * TXT and NAPTR checks note the providers that zc_check_providers() then
 * checks once each. Shared by main.c and the fuzz target. */
#include <string.h>

#include "zonecheck.h"

int zc_check_file(zc_report_t *rep, const char *file, const ldns_rdf *origin) {
  zc_zone_t z;
  memset(&z, 0, sizeof z);
  z.rep = rep;
  if (zc_read(&z, file, origin) != 0) {
    zc_providers_free(&z);
    zc_zone_free(&z);
    zc_flush(rep, file); /* what was found before the failure */
    return -1;
  }
  zc_check_labels(&z);
  zc_check_txt(&z);
  zc_check_naptr(&z);
  zc_check_svcb(&z);
  zc_check_ns(&z);
  zc_check_providers(&z);
  if (z.mimi_records == 0)
    zc_finding(rep, file, 0, ZC_WARNING, z.origin, 0, "no-mimi",
               "no MIMI records in this zone (no MIMI TXT, E2U+mimi NAPTR or SVCB "
               "at _mimi names)");
  zc_providers_free(&z);
  zc_zone_free(&z);
  zc_flush(rep, file);
  return 0;
}
