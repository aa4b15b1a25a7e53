/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strutil.h"

static int max_level = LOG_INFO;
static const char *ident;

void log_set_max_level(int level)
{
	max_level = level;
}

int log_get_max_level(void)
{
	return max_level;
}

void log_set_ident(const char *name)
{
	ident = name;
}

int log_level_from_string(const char *s)
{
	static const char *const names[] = { "emerg",	"alert",  "crit", "err",
					     "warning", "notice", "info", "debug" };

	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return s[0] - '0';
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(s, names[i]))
			return (int)i;
	return -EINVAL;
}

void log_parse_environment(void)
{
	const char *e = getenv("BULKHEAD_LOG_LEVEL");
	int level;

	if (!e)
		return;
	level = log_level_from_string(e);
	if (level >= 0)
		max_level = level;
}

int log_internal(int level, int error, const char *file, int line, const char *func,
		 const char *format, ...)
{
	char msg[2048];
	va_list ap;
	int saved = errno;

	error = abs(error);
	if (level > max_level)
		goto out;

	/* Lets "%m" in format print the error we were given. */
	errno = error;
	va_start(ap, format);
	vsnprintf(msg, sizeof(msg), format, ap);
	va_end(ap);

	if (max_level >= LOG_DEBUG)
		fprintf(stderr, "<%d>%s%s(%s:%d %s) %s\n", level, ident ?: "", ident ? ": " : "",
			file, line, func, msg);
	else
		fprintf(stderr, "<%d>%s%s%s\n", level, ident ?: "", ident ? ": " : "", msg);
out:
	errno = saved;
	return -error;
}

const char *log_untrusted(char buf[static LOG_UNTRUSTED_BUFSIZE], const void *data, size_t len)
{
	size_t shown = MIN(len, (size_t)LOG_UNTRUSTED_MAX);

	str_escape(buf, LOG_UNTRUSTED_BUFSIZE - 3, data, shown);
	if (shown < len)
		strcat(buf, "...");
	return buf;
}
