/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the header of bulkhead.OpenInVM (qrexec/parse-open.c), a file name another VM
 * chose. An accepted name must be one path component that no command line or terminal could
 * misread, and the header's length must lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qrexec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[QREXEC_OPEN_NAME_MAX + 1];
	int n = qrexec_open_header_parse((const char *)data, size, name);

	if (n > 0) {
		size_t len = strlen(name);
		if ((size_t)n > size || len + 1 != (size_t)n || data[n - 1] != '\n' ||
		    strchr(name, '/') || name[0] == '-' || name[0] == '.' ||
		    !qrexec_file_name_is_valid(name, len))
			abort();
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
				abort();
	}
	return 0;
}
