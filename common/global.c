/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Global settings file (global.h): small, read whole, rewritten whole through a temp file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "global.h"
#include "macro.h"
#include "paths.h"
#include "strutil.h"

#define GLOBAL_MAX (64 * 1024)

char *bulkhead_config_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p = NULL;

	if (xdg && xdg[0] == '/')
		return asprintf(&p, "%s/bulkhead", xdg) < 0 ? NULL : p;
	if (!home || home[0] != '/')
		return NULL;
	return asprintf(&p, "%s/.config/bulkhead", home) < 0 ? NULL : p;
}

char *bulkhead_global_path(void)
{
	_cleanup_free_ char *dir = bulkhead_config_dir();
	char *p = NULL;

	if (!dir || asprintf(&p, "%s/global.conf", dir) < 0)
		return NULL;
	return p;
}

static bool key_ok(const char *k)
{
	return k[0] && strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(k);
}

static bool value_ok(const char *v)
{
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* The line of key in text ("key = value", spaces optional), or NULL. */
static char *find_line(char *text, const char *key, char **ret_value)
{
	size_t n = strlen(key);

	for (char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *p = l + strspn(l, " \t");
		if (strncmp(p, key, n) != 0)
			continue;
		p += n;
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		*ret_value = p + 1 + strspn(p + 1, " \t");
		return l;
	}
	return NULL;
}

static int read_all(char **ret)
{
	_cleanup_free_ char *path = bulkhead_global_path();
	size_t len;

	if (!path)
		return -ENOMEM;
	int r = fd_read_file(AT_FDCWD, path, GLOBAL_MAX, ret, &len);
	if (r == -ENOENT)
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	return r;
}

int bulkhead_global_get(const char *key, char **ret)
{
	_cleanup_free_ char *text = NULL;
	char *value;

	*ret = NULL;
	if (!key_ok(key))
		return -EINVAL;
	int r = read_all(&text);
	if (r < 0)
		return r;
	if (!find_line(text, key, &value))
		return 0;
	value[strcspn(value, "\n")] = '\0';
	for (size_t n = strlen(value); n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t');)
		value[--n] = '\0';
	return (*ret = strdup(value)) ? 0 : -ENOMEM;
}

/* path.tmp, then rename: readers see the old file or the new one, never half of one. */
static int write_atomic(const char *path, const char *text)
{
	_cleanup_free_ char *tmp = NULL;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = fd_write_all(fd, text, strlen(text));
	if (r < 0 || fsync(fd) < 0 || rename(tmp, path) < 0)
		return unlink(tmp), r < 0 ? r : -errno;
	return 0;
}

int bulkhead_file_write_atomic(const char *path, const char *text)
{
	return write_atomic(path, text);
}

/* The text without key's line, plus "key = value\n" when value is given. */
static char *edited(char *text, const char *key, const char *value)
{
	char *v, *line = find_line(text, key, &v), *out = NULL;

	if (line) {
		char *end = strchr(line, '\n');
		char *rest = end ? end + 1 : line + strlen(line);
		memmove(line, rest, strlen(rest) + 1);
	}
	if (value)
		return asprintf(&out, "%s%s = %s\n", text, key, value) < 0 ? NULL : out;
	return strdup(text);
}

int bulkhead_global_set(const char *key, const char *value)
{
	_cleanup_free_ char *text = NULL, *dir = bulkhead_config_dir(), *path = NULL;

	if (!key_ok(key) || (value && !value_ok(value)))
		return -EINVAL;
	if (!dir || !(path = bulkhead_global_path()))
		return -ENOMEM;
	int r = mkdir_parents_private(dir);
	if (r < 0 || (r = read_all(&text)) < 0)
		return r;
	_cleanup_free_ char *out = edited(text, key, value);
	return out ? write_atomic(path, out) : -ENOMEM;
}
