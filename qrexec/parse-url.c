/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the URL checked here was typed or clicked in another VM and arrives on the
 * bulkhead.OpenURL service's stdin. It becomes one argv element of the browser, never a shell
 * word; still, only schemes a browser should open from another VM pass, and nothing that could
 * confuse a command line or a terminal (controls, spaces, invalid UTF-8, a leading '-').
 */
#include <string.h>

#include "qrexec.h"
#include "strutil.h"

static const char *const allowed_prefixes[] = { "http://", "https://", "ftp://", "mailto:" };

static bool scheme_allowed(const char *url, size_t len)
{
	for (size_t i = 0; i < ELEMENTSOF(allowed_prefixes); i++) {
		size_t n = strlen(allowed_prefixes[i]);
		if (len > n && strncasecmp(url, allowed_prefixes[i], n) == 0)
			return true;
	}
	return false;
}

bool qrexec_url_is_valid(const char *untrusted_url, size_t len)
{
	if (len == 0 || len > QREXEC_URL_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)untrusted_url[i];
		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return utf8_is_valid(untrusted_url, len) && scheme_allowed(untrusted_url, len);
}

bool qrexec_url_looks_like_url(const char *s)
{
	size_t i = 0;

	if (str_startswith(s, "mailto:"))
		return true;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	while (s[i] && (s[i] == '+' || (s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
		i++;
	return str_startswith(s + i, "://") != NULL;
}
