/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where bulkheadd keeps things (docs/interfaces.md, "Runtime paths"). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv.h"
#include "macro.h"
#include "paths.h"
#include "strutil.h"

/* The defaults of common/paths.c, copied into one of struct hv_paths' fixed buffers. */
static int default_dir(char *(*dir)(void), char *buf, size_t size)
{
	_cleanup_free_ char *d = dir();

	return d ? str_copy(buf, size, d) : -ENOMEM;
}

int hv_paths_init(struct hv_paths *p, const char *state, const char *runtime, const char *uri)
{
	int r;

	*p = (struct hv_paths){ 0 };
	r = state ? str_copy(p->state_dir, sizeof(p->state_dir), state)
		  : default_dir(bulkhead_state_dir, p->state_dir, sizeof(p->state_dir));
	if (r < 0)
		return r;
	r = runtime ? str_copy(p->runtime_dir, sizeof(p->runtime_dir), runtime)
		    : default_dir(bulkhead_runtime_dir, p->runtime_dir, sizeof(p->runtime_dir));
	if (r < 0)
		return r;
	if (p->state_dir[0] != '/' || p->runtime_dir[0] != '/')
		return -EINVAL;
	p->embedded = !uri;
	if (uri)
		return str_copy(p->uri, sizeof(p->uri), uri);
	return str_printf(p->uri, sizeof(p->uri), "qemu:///embed?root=%s/libvirt", p->state_dir);
}

int hv_vm_state_dir(const struct hv_paths *p, const char *name, char *buf, size_t size)
{
	return str_printf(buf, size, "%s/vms/%s", p->state_dir, name);
}

int hv_vm_runtime_dir(const struct hv_paths *p, const char *name, char *buf, size_t size)
{
	return str_printf(buf, size, "%s/vms/%s", p->runtime_dir, name);
}

int hv_vm_runtime_file(const struct hv_paths *p, const char *name, const char *file, char *buf,
		       size_t size)
{
	return str_printf(buf, size, "%s/vms/%s/%s", p->runtime_dir, name, file);
}

int hv_mkdir_p(const char *path, mode_t mode)
{
	char buf[HV_PATH_MAX];
	int r = str_copy(buf, sizeof(buf), path);

	if (r < 0)
		return r;
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return negative_errno();
		*s = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return negative_errno();
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int hv_rm_rf(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return negative_errno();
	return 0;
}
