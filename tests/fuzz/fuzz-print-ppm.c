/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the parser of the print renderer's output (print/untrusted-ppm.c), which a
 * compromised renderer controls byte for byte. An accepted header must stay within the limits
 * of print.h and within the bytes given; every prefix of the input must parse consistently.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct print_ppm p;
	uint32_t pages;
	size_t len;
	int r = print_ppm_header_parse(data, size, &p);

	if (r == 1 &&
	    (p.header_len > size || p.header_len > PRINT_PPM_HEADER_MAX || p.width == 0 ||
	     p.height == 0 || p.width > PRINT_PAGE_SIDE_MAX || p.height > PRINT_PAGE_SIDE_MAX ||
	     (uint64_t)p.width * p.height > PRINT_PAGE_PIXELS_MAX ||
	     p.data_len != (size_t)p.width * p.height * 3))
		abort();
	/* A header found in a prefix is found the same way in the whole input. */
	if (r == 1 && print_ppm_header_parse(data, p.header_len, &p) != 1)
		abort();
	if (r != 1 && r != 0 && r != -EBADMSG && r != -E2BIG)
		abort();
	r = print_pages_line_parse(data, size, &pages, &len);
	if (r == 1 && (len > size || pages == 0 || data[len - 1] != '\n'))
		abort();
	return 0;
}
