#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a lookup's --trace against its --explain (issue 14): every query
sent serves a step of the plan, as the plan says.

  trace_plan.py EXPLAIN.json TRACE.json

EXPLAIN.json is `mimi-lookup --explain --json ID`, TRACE.json is
`mimi-lookup --trace --json ID` with the same options. For each query of
the trace: the step it names exists, with that role and type; at hop 0 its
name is the plan's (endpoint plans with <provider> filled in); names
followed from answers belong to a step already sent (an endpoint's TLSA
to a provider whose SVCB/HTTPS was); a step that waits for another is
only sent after that one was, or after the step that one waited for
answered NXDOMAIN (RFC 8020: then the one between is skipped) -- unless
it went out ahead (trace "ahead", allowed where --explain says "ahead"),
then the step it waits for was sent too, at some point.
Prints what does not hold and exits 1; prints a one-line summary else.
"""
import json
import sys

FOLLOWS = {"naptr", "svcb", "https", "tlsa", "address"}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        explain = json.load(f)["identifiers"][0]
    with open(sys.argv[2], encoding="utf-8") as f:
        trace = json.load(f)["trace"]
    uri = explain["class"] == "uri"
    bad = []
    sent = set()  # (provider, plan index) seen so far
    every = {(t["provider"], t["plan_index"]) for t in trace
             if t.get("kind") != "keys"}
    rcode = {}    # the last rcode of each
    keys = 0
    for n, t in enumerate(trace):
        if t.get("kind") == "keys":
            # A key of the validation chain the backend asked ahead of a
            # query of the plan: not a step of the plan, but only those.
            if t["type"] not in ("DNSKEY", "DS"):
                bad.append(f"query {n + 1}: a key query of type {t['type']}")
            keys += 1
            continue
        prov = t["provider"]
        if prov is None or uri:
            plan = explain["queries"]
        else:
            plan = [dict(q, name=q["name"].replace("<provider>", prov))
                    for q in explain["endpoint_queries"]]
        i = t["plan_index"]
        where = f"query {n + 1} ({t['name']} {t['type']}, step {i + 1}" \
                f"{' of ' + prov if prov else ''})"
        if not 0 <= i < len(plan):
            bad.append(f"{where}: no such step in the plan")
            continue
        step = plan[i]
        if step["step"] != t["step"] or step["type"] != t["type"]:
            bad.append(f"{where}: plan step is {step['step']} {step['type']}, "
                       f"trace says {t['step']} {t['type']}")
        if t["hops"] == 0 and step["name"].lower() != t["name"].lower() \
                and t["step"] != "tlsa":
            bad.append(f"{where}: plan names {step['name']}")
        if t["hops"] > 0 and t["step"] not in FOLLOWS:
            bad.append(f"{where}: a {t['step']} step follows no names")
        if t["hops"] > 0 and t["step"] == "tlsa":
            # An endpoint's own TLSA: after the SVCB/HTTPS that gave it.
            if not any((prov, j) in sent for j, q in enumerate(plan)
                       if q["step"] in ("svcb", "https")):
                bad.append(f"{where}: before any SVCB/HTTPS gave an endpoint")
        elif t["hops"] > 0 and t["step"] == "address":
            # A ServiceMode target's addresses: after an SVCB/HTTPS answer.
            if not any((prov, j) in sent for j, q in enumerate(plan)
                       if q["step"] in ("svcb", "https")):
                bad.append(f"{where}: before any SVCB/HTTPS gave a target")
        elif t["hops"] > 0:
            if (prov, i) not in sent:
                bad.append(f"{where}: a name followed before step {i + 1} "
                           "was sent")
        elif t.get("ahead"):
            if not step.get("ahead"):
                bad.append(f"{where}: sent ahead, but --explain does not say so")
            elif (prov, step["after"]) not in every:
                bad.append(f"{where}: sent ahead of step {step['after'] + 1}, "
                           "which was never sent")
        elif step["after"] is not None:
            # Waits for an answer: that step was sent before, or was skipped
            # because a step it waited for found nothing there (NXDOMAIN).
            a = step["after"]
            while (prov, a) not in sent and plan[a]["after"] is not None:
                a = plan[a]["after"]
            if (prov, a) not in sent or (a != step["after"] and
                                         rcode.get((prov, a)) != 3):
                bad.append(f"{where}: sent before step {step['after'] + 1}, "
                           "whose answer it waits for")
        sent.add((prov, i))
        rcode[(prov, i)] = t["rcode"]
    for b in bad:
        print(b)
    if not bad:
        print(f"{len(trace) - keys} queries, each a step of the plan, "
              f"and {keys} key queries")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
