/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure validators for names that cross the trust boundary. Each returns true only for a string
 * it fully understands; callers rename a value from untrusted_x to x only after one of these
 * said yes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define VM_NAME_MAX 31	    /* [A-Za-z][A-Za-z0-9_.-]{0,30} */
#define SERVICE_NAME_MAX 63 /* [A-Za-z0-9._-]{1,63}, not "." or ".." */
#define SERVICE_ARG_MAX 63  /* [A-Za-z0-9._+-]{0,63}, after the '+' */
/* "Service+Argument" with the NUL: what fits in a fixed wire field. */
#define SERVICE_FULL_MAX (SERVICE_NAME_MAX + 1 + SERVICE_ARG_MAX + 1)

bool vm_name_is_valid(const char *s);
bool service_name_is_valid(const char *s);
bool service_argument_is_valid(const char *s);
/* Split "Service+Arg" (or "Service") into its parts; the argument excludes the '+'
 * ("" when absent or empty). Returns 0, or -EINVAL naming nothing: the caller says what. */
int service_split(const char *full, char service[static SERVICE_NAME_MAX + 1],
		  char argument[static SERVICE_ARG_MAX + 1]);
