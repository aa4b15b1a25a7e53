/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the title bytes come from a VM and are hostile. Whatever they hold, the output is
 * bounded, valid UTF-8, and free of characters that could forge or reorder what the host shows
 * next to the trusted "[vm]" prefix.
 */
#include <string.h>

#include "gui-validate.h"
#include "strutil.h"

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

static bool codepoint_is_unsafe(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true; /* C0, DEL, C1 */
	if (cp >= 0x202a && cp <= 0x202e)
		return true; /* bidi embeddings and overrides */
	if (cp >= 0x2066 && cp <= 0x2069)
		return true; /* bidi isolates */
	return cp == 0x2028 || cp == 0x2029 || cp == 0x200e || cp == 0x200f || cp == 0xfeff;
}

size_t gui_title_sanitise(const uint8_t *untrusted, size_t len, char *out, size_t outsize)
{
	size_t o = 0;

	if (outsize == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(untrusted + i, len - i, &cp);
		const char *src = (const char *)untrusted + i;
		size_t srclen = (size_t)n;

		if (n < 0 || codepoint_is_unsafe(cp)) {
			src = replacement;
			srclen = sizeof(replacement) - 1;
		}
		if (o + srclen + 1 > outsize)
			break;
		memcpy(out + o, src, srclen);
		o += srclen;
		i += n < 0 ? 1 : (size_t)n;
	}
	out[o] = '\0';
	return o;
}
