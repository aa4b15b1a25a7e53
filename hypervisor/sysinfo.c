/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system info the policy daemon evaluates requests against (POLICY.md), in the shape
 * Qubes tools use. Every string in it passed a validator ([A-Za-z0-9_.-] names and tags), so
 * none needs JSON escaping.
 */
#include <errno.h>
#include <stdio.h>

#include "hv.h"
#include "strutil.h"

static void put_domain(FILE *f, const char *name, const char *type, const struct vm_props *p,
		       const char *state)
{
	fprintf(f, "\"%s\": {\"type\": \"%s\", \"tags\": [", name, type);
	for (size_t i = 0; p && i < p->n_tags; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", p->tags[i]);
	fprintf(f, "], \"default_dispvm\": \"%s\", \"template_for_dispvms\": %s, ",
		p ? p->default_dispvm : "", p && p->template_for_dispvms ? "true" : "false");
	/* Qubes' "internal" feature: the policy never offers such a VM in an ask dialog. */
	fprintf(f, "\"internal\": %s, ", p && p->internal ? "true" : "false");
	/* A disposable's template: what "@dispvm:X" in a rule's source column matches. */
	if (p && p->klass == VM_CLASS_DISPVM)
		fprintf(f, "\"template\": \"%s\", ", p->template_name);
	fprintf(f, "\"power_state\": \"%s\"}", state);
}

int hv_system_info_json(struct bulkheadd *d, char **ret)
{
	struct hv_vm_entry *list = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, len;
	FILE *f;
	int r = hv_vm_list(d, &list, &n);

	if (r < 0)
		return r;
	f = open_memstream(&buf, &len);
	if (!f) {
		hv_vm_list_free(list, n);
		return -ENOMEM;
	}
	fputs("{\"domains\": {", f);
	put_domain(f, "dom0", "AdminVM", NULL, "Running");
	for (size_t i = 0; i < n; i++) {
		fputs(", ", f);
		put_domain(f, list[i].props.name, vm_class_to_string(list[i].props.klass),
			   &list[i].props, hv_vm_state(list[i].dom));
	}
	fputs("}}\n", f);
	hv_vm_list_free(list, n);
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(buf);
	return 0;
}
