/* SPDX-License-Identifier: MIT */
/*
 * A scripted DNS backend for the engine's unit tests: answers by name and
 * type (rcode, DNSSEC status, records in presentation form, a delay),
 * drops and failures, delivered from process() only; every query and
 * every cancel recorded in order. No sockets, no server: the engine's
 * timeouts, cancellation, loops, caps and policy gate run fast and under
 * ASan. Plugged into a context with mimi__ctx_use_backend().
 */
#ifndef MIMI_MOCK_BACKEND_H
#define MIMI_MOCK_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/* What the script does with a query it matches. */
typedef enum {
  MOCK_ANSWER = 0, /* answer: rcode, sec, records, after delay_ms */
  MOCK_DROP,       /* never answered (until cancelled or stopped) */
  MOCK_FAIL        /* no answer: fail (TIMEOUT or NETWORK), after delay_ms */
} mock_kind_t;

/* One scripted answer for a name and type; the fields may be set freely
 * after mock_on() / mock_rr() returned it. */
typedef struct mock_rule {
  char *name;             /* absolute, trailing dot */
  uint16_t qtype;
  mock_kind_t kind;
  int rcode;              /* default 0 */
  mimi_dnssec_t sec;      /* default: the mock's default_sec */
  const char *why;        /* bogus reason or transport error (static) */
  mimi_failure_t fail;    /* MOCK_FAIL: MIMI_FAIL_TIMEOUT or _NETWORK */
  unsigned delay_ms;
  uint32_t ttl;           /* of an answer without records; default 300 */
  uint8_t **rdata;        /* RDATA in wire form, converted by ldns */
  size_t *rdlen;
  size_t n;
  struct mock_rule *next;
} mock_rule_t;

/* One query the engine sent, in the order sent. */
typedef struct {
  char *name;
  uint16_t qtype;
  size_t seq;             /* index in the log */
  unsigned round;         /* answers delivered in this many process()
                           * calls before it was sent: its round trip */
  int cancelled;          /* the engine called cancel() on it */
  int answered;           /* its callback fired */
  int after_stop;         /* sent after stop() (an engine bug) */
  int64_t due;            /* when it is answered (ms, monotonic), or -1 */
  const mock_rule_t *rule;/* or NULL: not in the script */
  mimi__answer_fn fn;
  void *arg;
} mock_query_t;

typedef struct mock mock_t;

struct mock {
  mock_rule_t *rules;
  mimi_dnssec_t default_sec;  /* MIMI_DNSSEC_SECURE unless changed */
  int strict;                 /* a query not in the script fails the test
                               * (else it is answered NXDOMAIN) */
  mock_query_t **log;         /* every query, in order */
  size_t nlog, caplog;
  size_t ncancels;
  size_t bad_cancels;         /* cancel() of a query not in flight */
  int started, stopped;
  unsigned rounds;            /* process() calls that delivered answers */
  mimi__be_config_t cfg;      /* what start() was given */
};

mock_t *mock_new(void);
/* After the context that used it is freed (its log stays readable). */
void mock_free(mock_t *m);
/* Make ctx (not yet started) use m; m serves one context. */
void mock_use(mock_t *m, mimi_ctx_t *ctx);

/* The rule for name/type (created answering NOERROR, no records). */
mock_rule_t *mock_on(mock_t *m, const char *name, uint16_t qtype);
/* Add one RR given in presentation form ("owner ttl IN TYPE rdata") to the
 * rule of its owner and type; returns that rule. Fails the test if ldns
 * cannot read it. */
mock_rule_t *mock_rr(mock_t *m, const char *text);
/* Shorthands. */
mock_rule_t *mock_nxdomain(mock_t *m, const char *name, uint16_t qtype);
mock_rule_t *mock_drop(mock_t *m, const char *name, uint16_t qtype);

/* Queries sent for name/type (case-insensitive, trailing dot optional). */
size_t mock_count(const mock_t *m, const char *name, uint16_t qtype);
/* Queries of a type, whatever the name. */
size_t mock_count_type(const mock_t *m, uint16_t qtype);
/* Index in the log of the first query for name/type, or -1. */
long mock_index(const mock_t *m, const char *name, uint16_t qtype);
/* Round trips a lookup took: 1 + the latest round a query was sent in
 * (answers at delay 0; every process() is one round trip). */
unsigned mock_round_trips(const mock_t *m);
/* The round trip in which the first query for name/type went out, or -1. */
int mock_round(const mock_t *m, const char *name, uint16_t qtype);
/* Queries in flight: sent, neither answered nor cancelled. */
size_t mock_in_flight(const mock_t *m);
/* Queries sent after stop() (must stay 0). */
size_t mock_after_stop(const mock_t *m);

/* The backend operations (for tests that want to wrap them). */
extern const mimi__backend_t mock_backend_ops;

#endif /* MIMI_MOCK_BACKEND_H */
