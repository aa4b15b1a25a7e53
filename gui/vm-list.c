/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM names out of system info JSON; host-side data from bulkheadd or a file, display only. */
#include <json-c/json.h>
#include <string.h>

#include "validate.h"
#include "vm-list.h"

static gboolean is_dispvm_template(json_object *vm)
{
	json_object *flag;

	return json_object_object_get_ex(vm, "template_for_dispvms", &flag) &&
	       json_object_get_boolean(flag);
}

static int compare_strp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **vm_list_from_system_info(const char *json)
{
	GPtrArray *names = g_ptr_array_new();
	json_object *root = json ? json_tokener_parse(json) : NULL;
	json_object *domains;

	if (root && json_object_object_get_ex(root, "domains", &domains) &&
	    json_object_is_type(domains, json_type_object)) {
		json_object_object_foreach(domains, name, vm)
		{
			if (!vm_name_is_valid(name))
				continue;
			g_ptr_array_add(names, g_strdup(name));
			if (is_dispvm_template(vm))
				g_ptr_array_add(names, g_strdup_printf("@dispvm:%s", name));
		}
	}
	json_object_put(root);
	g_ptr_array_sort(names, compare_strp);
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_free(names, FALSE);
}
