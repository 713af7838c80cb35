/* SPDX-License-Identifier: MIT */
/*
 * The policy gate (MIMI-DNS/1 §6): one verdict for every answer before
 * anything in it is used — no answer, bogus, an error rcode, or less than
 * secure under MIMI_POLICY_REQUIRE.
 */
#include <string.h>

#include "engine/lookup_state.h"


mimi_failure_t mimi__answer_verdict(const mimi_ctx_t *ctx, const char *name,
                                    uint16_t qtype, const mimi__answer_t *a,
                                    char *why, size_t whylen, int *ede) {
  const char *t = mimi_rrtype_name(qtype);
  *ede = -1;
  if (a->fail != MIMI_FAIL_NONE) {
    /* Without servers given, say which way was tried: resolv.conf or the
     * root, that is what the user must check. */
    const char *path = a->fail != MIMI_FAIL_INTERNAL ? mimi__ctx_own_path(ctx) : NULL;
    mimi__seterr(why, whylen, "%s %s: %s%s%.400s%s", name, t,
                 a->fail == MIMI_FAIL_TIMEOUT ? "no answer in time"
                 : a->why                      ? a->why
                                               : "no answer",
                 path ? " (via " : "", path ? path : "", path ? ")" : "");
    return a->fail;
  }
  if (a->sec == MIMI_DNSSEC_BOGUS) {
    const char *w = a->why ? a->why : "validation failed";
    /* libunbound repeats the question: "validation failure <q>: reason". */
    const char *gt = strncmp(w, "validation failure <", 20) == 0 ? strstr(w, ">: ") : NULL;
    *ede = mimi__ede_for(a->why);
    mimi__seterr(why, whylen, "%s %s: %s", name, t, gt ? gt + 3 : w);
    return MIMI_FAIL_BOGUS;
  }
  if (a->rcode != 0 && a->rcode != 3) {
    static const char *const rc[] = {"NOERROR", "FORMERR", "SERVFAIL",
                                     "NXDOMAIN", "NOTIMP", "REFUSED"};
    if (a->rcode > 0 && a->rcode < 6)
      mimi__seterr(why, whylen, "%s %s: the server answered %s", name, t,
                   rc[a->rcode]);
    else
      mimi__seterr(why, whylen, "%s %s: the server answered rcode %d", name, t,
                   a->rcode);
    return MIMI_FAIL_SERVFAIL;
  }
  if (a->sec != MIMI_DNSSEC_SECURE && ctx->policy == MIMI_POLICY_REQUIRE) {
    mimi__seterr(why, whylen, "%s %s: the answer is %s, and the DNSSEC policy "
                 "requires secure", name, t, mimi_dnssec_name(a->sec));
    return MIMI_FAIL_INSECURE;
  }
  return MIMI_FAIL_NONE;
}
