/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the policy tests: the test VM list, and decisions as one short line. */
#pragma once

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "policy.h"
#include "tap.h"

/* The VM list of tests/unit/policy-golden/sysinfo.json (see that file for who is who). */
_unused_ static struct policy_system_info *test_sysinfo(void)
{
	const char *root = getenv("BULKHEAD_SOURCE_ROOT");
	_cleanup_free_ char *path = NULL, *json = NULL, *error = NULL;
	struct policy_system_info *info = NULL;
	size_t len;

	if (!root)
		tap_bail_out("BULKHEAD_SOURCE_ROOT is not set");
	path = str_new_printf("%s/tests/unit/policy-golden/sysinfo.json", root);
	if (!path || fd_read_file(AT_FDCWD, path, 1 << 20, &json, &len) < 0)
		tap_bail_out("cannot read sysinfo.json");
	if (policy_system_info_parse(json, len, &info, &error) < 0)
		tap_bail_out(error ? error : "cannot parse sysinfo.json");
	return info;
}

/* "deny", "deny notify=no", "allow TARGET [user=U] [notify=yes] [autostart=no]",
 * "ask A,B,C [default=D] [user=U] [notify=yes] [autostart=no]". */
_unused_ static void test_render(const struct policy_decision *d, char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	if (!f)
		tap_bail_out("fmemopen");
	fputs(policy_action_to_string(d->result), f);
	if (d->result == POLICY_DENY) {
		if (!d->notify)
			fputs(" notify=no", f);
		fclose(f);
		return;
	}
	if (d->result == POLICY_ALLOW)
		fprintf(f, " %s", d->target);
	for (size_t i = 0; i < d->n_targets_for_ask; i++)
		fprintf(f, "%s%s", i ? "," : " ", d->targets_for_ask[i]);
	if (d->default_target)
		fprintf(f, " default=%s", d->default_target);
	if (d->user)
		fprintf(f, " user=%s", d->user);
	if (d->notify)
		fputs(" notify=yes", f);
	if (!d->autostart)
		fputs(" autostart=no", f);
	fclose(f);
}
