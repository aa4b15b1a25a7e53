/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "paths.h"
#include "strutil.h"

/* $override, else $xdg/bulkhead; NULL when neither is set (or out of memory). */
static char *dir_from_env(const char *override, const char *xdg)
{
	const char *d = getenv(override);

	if (d && *d)
		return str_new_printf("%s", d);
	d = getenv(xdg);
	if (d && *d)
		return str_new_printf("%s/bulkhead", d);
	return NULL;
}

char *bulkhead_runtime_dir(void)
{
	char *d = dir_from_env("BULKHEAD_RUNTIME_DIR", "XDG_RUNTIME_DIR");

	return d ?: str_new_printf("/tmp/bulkhead-%u", (unsigned)getuid());
}

char *bulkhead_state_dir(void)
{
	char *d = dir_from_env("BULKHEAD_STATE_DIR", "XDG_STATE_HOME");
	const char *home = getenv("HOME");

	return d ?: str_new_printf("%s/.local/state/bulkhead", home && *home ? home : "");
}

static int mkdir_private(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int mkdir_parents_private(const char *path)
{
	_cleanup_free_ char *copy = str_new_printf("%s", path);
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p && r >= 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = mkdir_private(copy);
		*p = '/';
	}
	return r < 0 ? r : mkdir_private(copy);
}
