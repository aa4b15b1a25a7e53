/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's call of bulkhead.Print (print-call.c), shared by vm-print and the CUPS backend. */
#pragma once

#include <stddef.h>

#define PRINT_SERVICE "bulkhead.Print"
/* vm-print's and the filter's status for a document refused by the sanitiser (EX_DATAERR). */
#define PRINT_EXIT_REJECTED 65
#define PRINT_EXIT_NOINPUT 66

/* Check that fd holds a PDF of acceptable size before it is sent: 0, or -errno with a reason
 * (the host checks again; this only gives the user the answer without a round trip). */
int print_check_document(int fd, char *err, size_t errlen);
/* Send the document on fd to bulkhead.Print at target; stdout/stderr are the call's. Returns
 * the exit status (0 printed, 65 refused by the sanitiser, 126 refused by policy, 125 other)
 * and, when the call never started, the broker's reason in err. */
int print_call(const char *target, int fd, int out_fd, int err_fd, char *err, size_t errlen);
