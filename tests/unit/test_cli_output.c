/* SPDX-License-Identifier: MIT */
/*
 * mimi-lookup's exit status (cli/output.c; mimi-lookup(1), EXIT STATUS):
 * the status of one failure, and the ranking of several lookups' statuses
 * ("the most severe seen of 3, 5, 4 and 2, in that order, else 0"). A
 * batch in which one identifier fails locally (out of memory, an internal
 * failure of the library) cannot be made on demand from the command line,
 * so the ranking is checked here, every pair, in both orders.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "exit_codes.h"
#include "output.h"

static void test_failure_codes(void **state) {
  (void)state;
  assert_int_equal(output_failure_code(MIMI_FAIL_NONE), EXIT_FOUND);
  assert_int_equal(output_failure_code(MIMI_FAIL_BOGUS), EXIT_DNSSEC);
  assert_int_equal(output_failure_code(MIMI_FAIL_INSECURE), EXIT_DNSSEC);
  assert_int_equal(output_failure_code(MIMI_FAIL_INTERNAL), EXIT_LOCAL);
  assert_int_equal(output_failure_code(MIMI_FAIL_TIMEOUT), EXIT_TRANSIENT);
  assert_int_equal(output_failure_code(MIMI_FAIL_SERVFAIL), EXIT_TRANSIENT);
}

static void test_batch_ranking(void **state) {
  /* Most severe first; found and not found rank alike (0). */
  static const int order[] = {EXIT_DNSSEC, EXIT_LOCAL, EXIT_TRANSIENT, EXIT_USAGE};
  const size_t n = sizeof order / sizeof order[0];
  (void)state;
  for (size_t i = 0; i < n; i++) {
    for (size_t k = i; k < n; k++) {
      assert_int_equal(output_worse(order[i], order[k]), order[i]);
      assert_int_equal(output_worse(order[k], order[i]), order[i]);
    }
    assert_int_equal(output_worse(EXIT_FOUND, order[i]), order[i]);
    assert_int_equal(output_worse(order[i], EXIT_NOTFOUND), order[i]);
  }
  assert_int_equal(output_worse(EXIT_FOUND, EXIT_NOTFOUND), EXIT_FOUND);
  /* The case the mutant list names: a local error beside a timeout. */
  assert_int_equal(output_worse(EXIT_TRANSIENT, EXIT_LOCAL), EXIT_LOCAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_failure_codes),
      cmocka_unit_test(test_batch_ranking),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
