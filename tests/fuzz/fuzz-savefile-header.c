/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the header of bulkhead.SaveFile (savefile/untrusted-header.c), which the source
 * VM wrote. An accepted header must name exactly one safe file: no '/', not "." or "..", no
 * control character, at most 255 bytes, and the parser must never claim more bytes than it had.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct savefile_header h;
	ssize_t n = savefile_header_parse(data, size, &h);
	size_t len;

	if (n < 0)
		return 0;
	len = strlen(h.name);
	if ((size_t)n > size || len == 0 || len > FILECOPY_NAME_MAX || strchr(h.name, '/') ||
	    strcmp(h.name, ".") == 0 || strcmp(h.name, "..") == 0 || h.size > INT64_MAX)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)h.name[i] < 0x20 || h.name[i] == 0x7f)
			abort();
	return 0;
}
