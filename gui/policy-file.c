/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The GUI's policy files: names, generated text, atomic replacement. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "policy-file.h"

char *policy_file_name_for_service(const char *service)
{
	const char *topic = g_str_has_prefix(service, "bulkhead.") ? service + 9 : service;
	g_autofree char *lower = g_ascii_strdown(topic, -1);

	for (char *c = lower; *c; c++)
		if (!g_ascii_isdigit(*c) && !g_ascii_islower(*c) && !strchr("_.-", *c))
			*c = '_';
	return g_strdup_printf("50-config-%s.policy", lower);
}

gboolean policy_file_is_config(const char *name)
{
	return g_str_has_prefix(name, "50-config-") && g_str_has_suffix(name, ".policy");
}

char *policy_file_render(const struct policy_file_rule *rules, size_t n)
{
	GString *s = g_string_new(NULL);

	/* Exactly POLICY_FILE_HEADER_LINES lines: errors are mapped back to rows by line. */
	g_string_append(s, "# Written by bulkhead-settings. Edit the rules in the Settings\n"
			   "# application: changes made here by hand are overwritten.\n"
			   "# service argument source target action [options]\n");
	for (size_t i = 0; i < n; i++) {
		const struct policy_file_rule *r = &rules[i];
		g_string_append_printf(s, "%s %s %s %s %s", r->service, r->argument, r->source,
				       r->target, r->action);
		if (r->params && r->params[0])
			g_string_append_printf(s, " %s", r->params);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

static int fsync_dir(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return negative_errno();
	return 0;
}

static int write_all(int fd, const char *text)
{
	size_t left = strlen(text);

	while (left > 0) {
		ssize_t n = write(fd, text, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		text += n;
		left -= (size_t)n;
	}
	return 0;
}

/* The temp file starts with '.', so the policy loader ignores it even mid-write. */
static int write_temp(const char *dir, const char *text, char **ret_path)
{
	g_autofree char *path = g_build_filename(dir, ".bulkhead-settings-XXXXXX", NULL);
	_cleanup_close_ int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0644);
	int r;

	if (fd < 0)
		return negative_errno();
	r = write_all(fd, text);
	if (r >= 0 && fsync(fd) < 0)
		r = negative_errno();
	if (r < 0) {
		unlink(path);
		return r;
	}
	*ret_path = g_steal_pointer(&path);
	return 0;
}

int policy_file_write_atomic(const char *dir, const char *name, const char *text)
{
	g_autofree char *tmp = NULL;
	g_autofree char *path = g_build_filename(dir, name, NULL);
	int r;

	if (g_mkdir_with_parents(dir, 0700) < 0)
		return negative_errno();
	r = write_temp(dir, text, &tmp);
	if (r < 0)
		return r;
	if (rename(tmp, path) < 0) {
		r = negative_errno();
		unlink(tmp);
		return r;
	}
	return fsync_dir(dir);
}

int policy_file_remove(const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);

	if (unlink(path) < 0)
		return errno == ENOENT ? 0 : negative_errno();
	return fsync_dir(dir);
}
