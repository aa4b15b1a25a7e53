/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receiver's limits: built-in defaults, then /etc/bulkhead/filecopy.conf, then the user's
 * ~/.config/bulkhead/filecopy.conf, then the environment, then command-line options (applied
 * by the program). The files are the target VM's own configuration: trusted, but parsed
 * strictly so a typo is reported instead of silently leaving a limit off.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"
#include "filecopy.h"
#include "macro.h"
#include "strutil.h"

void filecopy_limits_init(struct filecopy_limits *l)
{
	l->max_files = FILECOPY_DEFAULT_MAX_FILES;
	l->max_bytes = FILECOPY_DEFAULT_MAX_BYTES;
}

int filecopy_parse_size(const char *s, uint64_t *ret)
{
	static const char units[] = "KMGT";
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u || (end[1] && !streq(end + 1, "iB") && !streq(end + 1, "B")))
			return -EINVAL;
		shift = 10 * (unsigned)(u - units + 1);
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = (uint64_t)v << shift;
	return 0;
}

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_line(struct filecopy_limits *l, char *line)
{
	char *eq = strchr(line, '='), *key, *value;

	if (!eq)
		return -EINVAL;
	*eq = '\0';
	key = strip(line);
	value = strip(eq + 1);
	if (streq(key, "max_files"))
		return filecopy_parse_size(value, &l->max_files);
	if (streq(key, "max_bytes"))
		return filecopy_parse_size(value, &l->max_bytes);
	return -EINVAL;
}

int filecopy_limits_parse(struct filecopy_limits *l, const char *text, unsigned *bad_line)
{
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL;
	unsigned n = 0;

	if (!copy)
		return -ENOMEM;
	for (char *line = copy; line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		n++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (*strip(line) && parse_line(l, line) < 0) {
			if (bad_line)
				*bad_line = n;
			return -EINVAL;
		}
	}
	return 0;
}

static int load_file(struct filecopy_limits *l, const char *path, char *where, size_t wheresize)
{
	_cleanup_free_ char *text = NULL;
	unsigned line = 0;
	int r = fd_read_file(AT_FDCWD, path, 64 * 1024, &text, NULL);

	if (r == -ENOENT)
		return 0;
	if (r == 0)
		r = filecopy_limits_parse(l, text, &line);
	if (r < 0)
		str_printf(where, wheresize, line ? "%s:%u" : "%s", path, line);
	return r;
}

static int load_env(uint64_t *v, const char *name, char *where, size_t wheresize)
{
	const char *e = getenv(name);
	int r;

	if (!e)
		return 0;
	r = filecopy_parse_size(e, v);
	if (r < 0)
		str_copy(where, wheresize, name);
	return r;
}

int filecopy_limits_load(struct filecopy_limits *l, char *where, size_t wheresize)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *user = NULL;
	int r = load_file(l, "/etc/bulkhead/filecopy.conf", where, wheresize);

	if (r < 0)
		return r;
	if (xdg && xdg[0] == '/')
		user = str_new_printf("%s/bulkhead/filecopy.conf", xdg);
	else if (home && home[0] == '/')
		user = str_new_printf("%s/.config/bulkhead/filecopy.conf", home);
	if (user && (r = load_file(l, user, where, wheresize)) < 0)
		return r;
	r = load_env(&l->max_files, "BULKHEAD_FILECOPY_MAX_FILES", where, wheresize);
	if (r < 0)
		return r;
	return load_env(&l->max_bytes, "BULKHEAD_FILECOPY_MAX_BYTES", where, wheresize);
}
