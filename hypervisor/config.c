/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fdio.h"
#include "macro.h"
#include "strutil.h"

#define CONFIG_FILE_MAX (64 * 1024)

static char *trim(char *s)
{
	char *end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static char *field(struct hv_config *cfg, const char *key)
{
	if (streq(key, "uri"))
		return cfg->uri;
	if (streq(key, "state_dir"))
		return cfg->state_dir;
	if (streq(key, "runtime_dir"))
		return cfg->runtime_dir;
	return NULL;
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static int parse_line(char *line, struct hv_config *cfg, const char **why)
{
	char *eq = strchr(line, '='), *key, *value, *dst;

	line = trim(line);
	if (!line[0] || line[0] == '#')
		return 0;
	if (!eq)
		return fail(why, "expected 'key = value'");
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	dst = field(cfg, key);
	if (!dst)
		return fail(why, "unknown key");
	if (!value[0])
		return fail(why, "empty value");
	if (dst != cfg->uri && value[0] != '/')
		return fail(why, "directories must be absolute paths");
	if (str_copy(dst, HV_CONFIG_VALUE_MAX, value) < 0)
		return fail(why, "value too long");
	return 0;
}

int hv_config_parse(const char *text, struct hv_config *cfg, char *err, size_t errsize)
{
	_cleanup_free_ char *copy = strdup(text);
	struct hv_config tmp = *cfg;
	char *line, *rest;
	int n = 0;

	if (!copy)
		return -ENOMEM;
	for (rest = copy; rest; n++) {
		const char *why = "";
		line = strsep(&rest, "\n");
		if (parse_line(line, &tmp, &why) < 0) {
			snprintf(err, errsize, "line %d: %s", n + 1, why);
			return -EINVAL;
		}
	}
	*cfg = tmp;
	return 0;
}

int hv_config_load(struct hv_config *cfg, char *err, size_t errsize)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *path = NULL, *text = NULL;
	size_t len;
	int r;

	if (xdg && xdg[0])
		path = str_new_printf("%s/bulkhead/bulkheadd.conf", xdg);
	else if (home && home[0])
		path = str_new_printf("%s/.config/bulkhead/bulkheadd.conf", home);
	else
		return 0;
	if (!path)
		return -ENOMEM;
	r = fd_read_file(AT_FDCWD, path, CONFIG_FILE_MAX, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(-r));
		return r;
	}
	r = hv_config_parse(text, cfg, err, errsize);
	if (r < 0) {
		_cleanup_free_ char *msg = str_new_printf("%s: %s", path, err);
		if (msg)
			str_copy(err, errsize, msg);
	}
	return r;
}
