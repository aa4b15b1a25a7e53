/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System info: the VM list in the JSON shape Qubes tools use (POLICY.md, "System info"), parsed
 * with json-c. It comes from bulkheadd or from a file the user gives `vmctl policy eval`; a value
 * of the wrong type is an error rather than a guess, since a guessed tag or type could let a rule
 * match that should not.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"
#include "validate.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_tokener *, json_tokener_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)

struct sysinfo_parser {
	struct policy_system_info *info;
	char **error;
};

static int parse_error(struct sysinfo_parser *sp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parse_error(struct sysinfo_parser *sp, const char *fmt, ...)
{
	va_list ap;

	if (sp->error && !*sp->error) {
		va_start(ap, fmt);
		if (vasprintf(sp->error, fmt, ap) < 0)
			*sp->error = NULL;
		va_end(ap);
	}
	return -EINVAL;
}

static void vm_finish(struct vm *vm)
{
	for (size_t i = 0; i < vm->n_tags; i++)
		free(vm->tags[i]);
	free(vm->tags);
	free(vm->name);
	free(vm->type);
	free(vm->default_dispvm);
	free(vm->template);
}

void policy_system_info_free(struct policy_system_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->n_vms; i++)
		vm_finish(&info->vms[i]);
	free(info->vms);
	free(info);
}

/* An optional string member (null counts as absent); required ones pass required = true. */
static int get_string(struct sysinfo_parser *sp, const char *vm, struct json_object *o,
		      const char *key, bool required, char **ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return parse_error(sp, "Domain '%s' has no '%s'.", vm, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return parse_error(sp, "Domain '%s': '%s' must be a string.", vm, key);
	*ret = strdup(json_object_get_string(v));
	return *ret ? 0 : -ENOMEM;
}

static int get_bool(struct sysinfo_parser *sp, const char *vm, struct json_object *o,
		    const char *key, bool *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return parse_error(sp, "Domain '%s': '%s' must be true or false.", vm, key);
	*ret = json_object_get_boolean(v);
	return 0;
}

static int get_tags(struct sysinfo_parser *sp, struct vm *vm, struct json_object *o)
{
	struct json_object *v;
	size_t n;

	if (!json_object_object_get_ex(o, "tags", &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return parse_error(sp, "Domain '%s': 'tags' must be an array.", vm->name);
	n = json_object_array_length(v);
	if (!(vm->tags = calloc(n + 1, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(v, i);
		if (!json_object_is_type(t, json_type_string))
			return parse_error(sp, "Domain '%s': every tag must be a string.",
					   vm->name);
		if (!(vm->tags[vm->n_tags++] = strdup(json_object_get_string(t))))
			return -ENOMEM;
	}
	return 0;
}

static int parse_vm(struct sysinfo_parser *sp, struct vm *vm, struct json_object *o)
{
	_cleanup_free_ char *power = NULL;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return parse_error(sp, "Domain '%s' must be an object.", vm->name);
	if ((r = get_string(sp, vm->name, o, "type", true, &vm->type)) < 0 ||
	    (r = get_tags(sp, vm, o)) < 0 ||
	    (r = get_string(sp, vm->name, o, "default_dispvm", false, &vm->default_dispvm)) < 0 ||
	    (r = get_string(sp, vm->name, o, "template", false, &vm->template)) < 0 ||
	    (r = get_string(sp, vm->name, o, "power_state", false, &power)) < 0 ||
	    (r = get_bool(sp, vm->name, o, "template_for_dispvms", &vm->template_for_dispvms)) <
		    0 ||
	    (r = get_bool(sp, vm->name, o, "internal", &vm->internal)) < 0)
		return r;
	vm->running = power && streq(power, "Running");
	vm->is_admin = streq(vm->type, "AdminVM");
	return 0;
}

static int compare_vms(const void *a, const void *b)
{
	return strcmp(((const struct vm *)a)->name, ((const struct vm *)b)->name);
}

static int parse_domains(struct sysinfo_parser *sp, struct json_object *domains)
{
	struct policy_system_info *info = sp->info;
	int r;

	info->vms = calloc(json_object_object_length(domains) + 1, sizeof(struct vm));
	if (!info->vms)
		return -ENOMEM;
	json_object_object_foreach(domains, name, o)
	{
		struct vm *vm = &info->vms[info->n_vms];
		if (!vm_name_is_valid(name))
			return parse_error(sp, "Invalid domain name '%.64s'.", name);
		if (!(vm->name = strdup(name)))
			return -ENOMEM;
		vm->name_hash = name_hash(name);
		info->n_vms++;
		if ((r = parse_vm(sp, vm, o)) < 0)
			return r;
		if (vm->is_admin && info->admin)
			return parse_error(sp, "More than one domain has type AdminVM.");
		if (vm->is_admin)
			info->admin = vm;
	}
	return 0;
}

static int parse_root(struct sysinfo_parser *sp, struct json_object *root)
{
	struct json_object *domains;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return parse_error(sp, "System info must be a JSON object.");
	if (!json_object_object_get_ex(root, "domains", &domains) ||
	    !json_object_is_type(domains, json_type_object))
		return parse_error(sp, "System info needs a \"domains\" object.");
	if ((r = parse_domains(sp, domains)) < 0)
		return r;
	qsort(sp->info->vms, sp->info->n_vms, sizeof(struct vm), compare_vms);
	/* Sorting moved the admin VM's entry: find it again. */
	for (size_t i = 0; i < sp->info->n_vms; i++)
		if (sp->info->vms[i].is_admin)
			sp->info->admin = &sp->info->vms[i];
	return 0;
}

static int parse_json(struct sysinfo_parser *sp, const char *json, size_t len,
		      struct json_object **ret)
{
	_cleanup_(json_tokener_freep) struct json_tokener *tok = json_tokener_new();
	size_t end;

	if (!tok)
		return -ENOMEM;
	if (len > INT32_MAX)
		return parse_error(sp, "System info is too large.");
	*ret = json_tokener_parse_ex(tok, json, (int)len);
	if (!*ret && json_tokener_get_error(tok) == json_tokener_continue)
		return parse_error(sp, "System info is not valid JSON: it ends too early.");
	if (!*ret)
		return parse_error(sp, "System info is not valid JSON: %s.",
				   json_tokener_error_desc(json_tokener_get_error(tok)));
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (!strchr(" \t\r\n", json[end]) || json[end] == '\0')
			return parse_error(sp, "System info has data after the JSON object.");
	return 0;
}

int policy_system_info_parse(const char *json, size_t len, struct policy_system_info **ret,
			     char **ret_error)
{
	_cleanup_(json_object_putp) struct json_object *root = NULL;
	struct sysinfo_parser sp = { .error = ret_error };
	int r;

	if (ret_error)
		*ret_error = NULL;
	*ret = NULL;
	if (!(sp.info = calloc(1, sizeof(*sp.info))))
		return -ENOMEM;
	r = parse_json(&sp, json, len, &root);
	if (r >= 0)
		r = parse_root(&sp, root);
	if (r < 0) {
		policy_system_info_free(sp.info);
		return r;
	}
	*ret = sp.info;
	return 0;
}

const struct vm *system_info_find(const struct policy_system_info *info, const char *name)
{
	struct vm key = { .name = (char *)name };

	if (!info || !name || !info->n_vms)
		return NULL;
	return bsearch(&key, info->vms, info->n_vms, sizeof(struct vm), compare_vms);
}

bool vm_has_tag(const struct vm *vm, const char *tag)
{
	for (size_t i = 0; vm && i < vm->n_tags; i++)
		if (streq(vm->tags[i], tag))
			return true;
	return false;
}

const struct vm *system_info_dispvm_template(const struct policy_system_info *info,
					     const char *name)
{
	const struct vm *vm = system_info_find(info, name);

	return vm && vm->template_for_dispvms ? vm : NULL;
}

const char *policy_system_info_dispvm_for(const struct policy_system_info *info, const char *source)
{
	const struct vm *src = system_info_find(info, source), *only = NULL;

	if (src && src->default_dispvm && system_info_dispvm_template(info, src->default_dispvm))
		return src->default_dispvm;
	for (size_t i = 0; info && i < info->n_vms; i++) {
		if (!info->vms[i].template_for_dispvms)
			continue;
		if (only)
			return NULL;
		only = &info->vms[i];
	}
	return only ? only->name : NULL;
}
