/* SPDX-License-Identifier: MIT */
/* mimi-lookup: result printing and exit codes. */
#ifndef MIMI_CLI_OUTPUT_H
#define MIMI_CLI_OUTPUT_H

#include <stdio.h>

#include <mimi.h>

/* Exit status for one result (see mimi-lookup(1), EXIT STATUS). */
int output_exit_code(const mimi_result_t *r);
int output_failure_code(mimi_failure_t f);
/* The more severe of two exit codes, for several lookups. */
int output_worse(int a, int b);

void output_text(FILE *f, const mimi_result_t *r, int short_mode);
void output_trace(FILE *f, const mimi_result_t *r);
/* One JSON text (one line) per result; schema 1. */
void output_json(FILE *f, const mimi_result_t *r, int trace);
void output_json_error(FILE *f, const char *input, const char *error);

#endif
