/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the bytes come from a VM's clipboard. Only valid UTF-8 without control characters
 * (except tab and newline) passes, so a paste can never carry terminal escapes, NULs or bidi
 * tricks hidden in C1 controls into another VM.
 */
#include <errno.h>

#include "clipboard.h"
#include "strutil.h"

static bool is_forbidden_control(uint32_t cp)
{
	if (cp == '\t' || cp == '\n')
		return false;
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int clipboard_check_text(const uint8_t *untrusted, size_t len, const struct clipboard_limits *l)
{
	if (len > l->text_max)
		return -EMSGSIZE;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(untrusted + i, len - i, &cp);
		if (n < 0 || is_forbidden_control(cp))
			return -EILSEQ;
		i += (size_t)n;
	}
	return 0;
}
