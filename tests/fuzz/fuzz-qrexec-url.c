/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the URL check of bulkhead.OpenURL (qrexec/parse-url.c), whose input another VM
 * chose. An accepted URL must hold no byte that could split or confuse an argument.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qrexec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (qrexec_url_is_valid(s, size))
		for (size_t i = 0; i < size; i++)
			if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[0] == '-')
				abort();
	qrexec_url_looks_like_url(s);
	free(s);
	return 0;
}
