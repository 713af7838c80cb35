/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a server's answer to the queries mimi-zonegen --send-update
 * asks to name a failed prerequisite (zone-tools/zonegen/upd_conflict.c):
 * the TXT RRset of x._mimi.example.com. from the answer to query ID
 * 0x1234. Properties checked, beyond memory safety: every RR kept has that
 * owner and type.
 */
#include <stdint.h>
#include <stdlib.h>

#include "publish.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ldns_rdf *owner = ldns_dname_new_frm_str("x._mimi.example.com.");
  if (!owner)
    return 0;
  ldns_rr_list *got = zg_conflict_rrset(data, size, 0x1234, owner, LDNS_RR_TYPE_TXT);
  for (size_t i = 0; got && i < ldns_rr_list_rr_count(got); i++) {
    ldns_rr *rr = ldns_rr_list_rr(got, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT || ldns_dname_compare(ldns_rr_owner(rr), owner))
      abort();
  }
  ldns_rr_list_deep_free(got);
  ldns_rdf_deep_free(owner);
  return 0;
}
