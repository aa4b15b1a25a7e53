/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime and state directories as docs/interfaces.md names them. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "strutil.h"

char *qrexec_runtime_dir(void)
{
	const char *d = getenv("BULKHEAD_RUNTIME_DIR");

	if (d && *d)
		return str_new_printf("%s", d);
	d = getenv("XDG_RUNTIME_DIR");
	if (d && *d)
		return str_new_printf("%s/bulkhead", d);
	return str_new_printf("/tmp/bulkhead-%u", (unsigned)getuid());
}

char *qrexec_state_dir(void)
{
	const char *d = getenv("BULKHEAD_STATE_DIR");

	if (d && *d)
		return str_new_printf("%s", d);
	d = getenv("XDG_STATE_HOME");
	if (d && *d)
		return str_new_printf("%s/bulkhead", d);
	d = getenv("HOME");
	return str_new_printf("%s/.local/state/bulkhead", d ? d : "/");
}

int qrexec_mkdir_private(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* mkdir -p with mode 0700 for the parts it creates. */
int qrexec_mkdir_parents(const char *path)
{
	char *copy = str_new_printf("%s", path);
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p && r >= 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = qrexec_mkdir_private(copy);
		*p = '/';
	}
	if (r >= 0)
		r = qrexec_mkdir_private(copy);
	free(copy);
	return r;
}
