/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "strutil.h"
#include "validate.h"

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Every character of s in alnum or extra, and 1 <= strlen(s) <= max (or 0 when allow_empty). */
static bool chars_valid(const char *s, const char *extra, size_t max, bool allow_empty)
{
	size_t n = 0;

	for (; s[n]; n++) {
		if (n >= max)
			return false;
		if (!is_alnum(s[n]) && !strchr(extra, s[n]))
			return false;
	}
	return n > 0 || allow_empty;
}

bool vm_name_is_valid(const char *s)
{
	return s && is_alpha(s[0]) && chars_valid(s, "_.-", VM_NAME_MAX, false);
}

bool service_name_is_valid(const char *s)
{
	return s && chars_valid(s, "._-", SERVICE_NAME_MAX, false) && !streq(s, ".") &&
	       !streq(s, "..");
}

bool service_argument_is_valid(const char *s)
{
	return s && chars_valid(s, "._+-", SERVICE_ARG_MAX, true);
}

int service_split(const char *full, char service[static SERVICE_NAME_MAX + 1],
		  char argument[static SERVICE_ARG_MAX + 1])
{
	const char *plus = strchr(full, '+');
	size_t svclen = plus ? (size_t)(plus - full) : strlen(full);

	service[0] = argument[0] = '\0';
	if (svclen == 0 || svclen > SERVICE_NAME_MAX)
		return -EINVAL;
	memcpy(service, full, svclen);
	service[svclen] = '\0';
	if (!service_name_is_valid(service))
		return -EINVAL;
	if (plus && str_copy(argument, SERVICE_ARG_MAX + 1, plus + 1) < 0)
		return -EINVAL;
	return service_argument_is_valid(argument) ? 0 : -EINVAL;
}
