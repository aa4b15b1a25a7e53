/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the header of a bulkhead.OpenInVM call, "NAME\n", comes from another VM. NAME becomes
 * the last component of a path in a directory the service just made, and the argument of a
 * viewer: one component only (no '/', not "." or ".."), nothing a command line or a terminal
 * could take for something else (controls, a leading '-' or '.'), valid UTF-8, bounded.
 */
#include <errno.h>
#include <string.h>

#include "qrexec.h"
#include "strutil.h"

bool qrexec_file_name_is_valid(const char *untrusted_name, size_t len)
{
	if (len == 0 || len > QREXEC_OPEN_NAME_MAX || untrusted_name[0] == '-' ||
	    untrusted_name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)untrusted_name[i];
		if (c < 0x20 || c == 0x7f || c == '/')
			return false;
	}
	return utf8_is_valid(untrusted_name, len);
}

int qrexec_open_header_parse(const char *untrusted, size_t len,
			     char name[static QREXEC_OPEN_NAME_MAX + 1])
{
	const char *nl = memchr(untrusted, '\n', MIN(len, (size_t)QREXEC_OPEN_NAME_MAX + 1));
	size_t n;

	if (!nl)
		return len > QREXEC_OPEN_NAME_MAX ? -EINVAL : 0;
	n = (size_t)(nl - untrusted);
	if (!qrexec_file_name_is_valid(untrusted, n))
		return -EINVAL;
	memcpy(name, untrusted, n);
	name[n] = '\0';
	return (int)n + 1;
}
