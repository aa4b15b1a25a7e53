/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The global print settings. print_render: where documents are rendered (docs/print.md).
 * default_print_vm, the print VM a job goes to unless the user picks another. Like Qubes'
 * default_dispvm feeding @dispvm, it feeds the policy: setting it rewrites one generated
 * policy file, so the policy daemon (which reloads on change) asks with that VM preselected,
 * and `vmctl policy` shows exactly what decides. The setting itself lives in global.conf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "global.h"
#include "macro.h"
#include "paths.h"
#include "print.h"
#include "strutil.h"
#include "validate.h"

char *print_policy_text(const char *vm)
{
	char *text = NULL;
	const char *head = "# Generated from default_print_vm (vmctl prefs --global, "
			   "bulkhead-settings): do not edit,\n# the next change of the setting "
			   "rewrites this file. Rules before it (30-user) still win.\n";

	/* A request for @default asks, offering every VM (the @anyvm rule adds them all to
	 * the chooser) with the default print VM preselected. */
	if (asprintf(&text,
		     "%sbulkhead.Print  *  @anyvm  @default  ask%s%s\n"
		     "bulkhead.Print  *  @anyvm  @anyvm    ask\n",
		     head, vm ? " default_target=" : "", vm ? vm : "") < 0)
		return NULL;
	return text;
}

static int write_policy(const char *vm)
{
	_cleanup_free_ char *dir = bulkhead_config_dir(), *pdir = NULL, *path = NULL;
	_cleanup_free_ char *text = print_policy_text(vm);

	if (!dir || !text || asprintf(&pdir, "%s/policy.d", dir) < 0 ||
	    asprintf(&path, "%s/%s", pdir, PRINT_POLICY_FILE) < 0)
		return -ENOMEM;
	int r = mkdir_parents_private(pdir);
	return r < 0 ? r : bulkhead_file_write_atomic(path, text);
}

int print_config_set_default_vm(const char *vm)
{
	if (vm && !vm[0])
		vm = NULL;
	if (vm && !vm_name_is_valid(vm))
		return -EINVAL;
	int r = bulkhead_global_set(PRINT_GLOBAL_KEY, vm);
	return r < 0 ? r : write_policy(vm);
}

int print_config_get_default_vm(char **ret)
{
	return bulkhead_global_get(PRINT_GLOBAL_KEY, ret);
}

int print_config_set_render(const char *where)
{
	if (where && !where[0])
		where = NULL;
	if (where && !streq(where, "host") && !streq(where, "dispvm"))
		return -EINVAL;
	return bulkhead_global_set(PRINT_RENDER_KEY, where);
}

enum print_render_where print_config_get_render(void)
{
	_cleanup_free_ char *v = NULL;

	if (bulkhead_global_get(PRINT_RENDER_KEY, &v) < 0 || !v)
		return PRINT_RENDER_AUTO;
	return streq(v, "host")	    ? PRINT_RENDER_HOST
	       : streq(v, "dispvm") ? PRINT_RENDER_DISPVM
				    : PRINT_RENDER_AUTO;
}
