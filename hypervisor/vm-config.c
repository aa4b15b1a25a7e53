/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "vm-config.h"

const char *const vm_prop_keys[] = {
	"class",
	"label",
	"template",
	"memory",
	"vcpus",
	"tags",
	"default_dispvm",
	"autostart",
	"menu",
	"template_for_dispvms",
	"preload_dispvm_max",
	"net",
	"internal",
};
const size_t vm_prop_keys_count = ELEMENTSOF(vm_prop_keys);

static const char *const class_names[] = {
	[VM_CLASS_APPVM] = "AppVM",
	[VM_CLASS_TEMPLATEVM] = "TemplateVM",
	[VM_CLASS_DISPVM] = "DispVM",
	[VM_CLASS_ADMINVM] = "AdminVM",
};

static const char *const net_names[] = {
	[VM_NET_NONE] = "none",
	[VM_NET_NAT] = "nat",
};

/* Qubes' label colours: users know them, and guid draws frames in exactly these. */
static const char *const label_names[] = {
	"red", "orange", "yellow", "green", "gray", "blue", "purple", "black",
};

const char *vm_class_to_string(enum vm_class c)
{
	return (size_t)c < ELEMENTSOF(class_names) ? class_names[c] : NULL;
}

int vm_class_from_string(const char *s, enum vm_class *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(class_names); i++)
		if (streq(s, class_names[i])) {
			*ret = (enum vm_class)i;
			return 0;
		}
	return -EINVAL;
}

bool vm_label_is_valid(const char *s)
{
	for (size_t i = 0; i < ELEMENTSOF(label_names); i++)
		if (streq(s, label_names[i]))
			return true;
	return false;
}

bool vm_tag_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VM_TAG_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

bool vm_menu_id_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VM_MENU_ID_MAX || s[0] == '.')
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Calls fn for each id of a comma-separated list until it returns < 0. */
static int menu_foreach(const char *list, int (*fn)(const char *id, void *data), void *data)
{
	char copy[VM_MENU_TEXT_MAX], *save = NULL;
	int r = 0;

	if (str_copy(copy, sizeof(copy), list) < 0)
		return -E2BIG;
	for (char *t = strtok_r(copy, ", ", &save); t && r >= 0; t = strtok_r(NULL, ", ", &save))
		r = fn(t, data);
	return r;
}

static int menu_match(const char *id, void *want)
{
	return streq(id, want) ? -EEXIST : 0;
}

bool vm_props_menu_has(const struct vm_props *p, const char *id)
{
	return menu_foreach(p->menu, menu_match, (void *)id) == -EEXIST;
}

static int menu_append(const char *id, void *data)
{
	struct vm_props *p = data;
	size_t len = strlen(p->menu), n = 1;

	if (!vm_menu_id_is_valid(id))
		return -EINVAL;
	if (vm_props_menu_has(p, id))
		return 0;
	for (const char *c = p->menu; *c; c++)
		n += *c == ',';
	if (len && n >= VM_MENU_APPS_MAX)
		return -E2BIG;
	int r = str_printf(p->menu + len, sizeof(p->menu) - len, "%s%s", len ? "," : "", id);
	return r < 0 ? r : 0;
}

int vm_props_menu_add(struct vm_props *p, const char *id)
{
	return menu_append(id, p);
}

struct menu_filter {
	struct vm_props *out;
	const char *drop;
};

static int menu_keep(const char *id, void *data)
{
	struct menu_filter *f = data;

	return streq(id, f->drop) ? 0 : menu_append(id, f->out);
}

int vm_props_menu_remove(struct vm_props *p, const char *id)
{
	struct vm_props tmp = *p;
	struct menu_filter f = { &tmp, id };
	int r;

	tmp.menu[0] = '\0';
	r = menu_foreach(p->menu, menu_keep, &f);
	if (r >= 0)
		*p = tmp;
	return r;
}

/* All or nothing: a bad id leaves p unchanged. */
static int set_menu(struct vm_props *p, const char *value)
{
	struct vm_props tmp = *p;
	int r;

	tmp.menu[0] = '\0';
	r = menu_foreach(value, menu_append, &tmp);
	if (r >= 0)
		*p = tmp;
	return r;
}

int vm_props_init(struct vm_props *p, const char *name)
{
	*p = (struct vm_props){
		.klass = VM_CLASS_APPVM,
		.memory_mib = VM_MEMORY_DEFAULT_MIB,
		.vcpus = 1,
		.preload_dispvm_max = 1,
	};
	if (!vm_name_is_valid(name))
		return -EINVAL;
	str_copy(p->name, sizeof(p->name), name);
	str_copy(p->label, sizeof(p->label), "red");
	str_copy(p->template_name, sizeof(p->template_name), "host");
	return 0;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_net(const char *s, enum vm_net *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(net_names); i++)
		if (streq(s, net_names[i])) {
			*ret = (enum vm_net)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_bool(const char *s, bool *ret)
{
	if (streq(s, "true") || streq(s, "yes") || streq(s, "1"))
		*ret = true;
	else if (streq(s, "false") || streq(s, "no") || streq(s, "0"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

int vm_props_add_tag(struct vm_props *p, const char *tag)
{
	if (!vm_tag_is_valid(tag))
		return -EINVAL;
	if (vm_props_has_tag(p, tag))
		return 0;
	if (p->n_tags >= VM_TAGS_MAX)
		return -E2BIG;
	str_copy(p->tags[p->n_tags++], VM_TAG_MAX + 1, tag);
	return 0;
}

bool vm_props_has_tag(const struct vm_props *p, const char *tag)
{
	for (size_t i = 0; i < p->n_tags; i++)
		if (streq(p->tags[i], tag))
			return true;
	return false;
}

/* "a,b c" -> tags a, b, c; all or nothing, so a bad tag leaves p unchanged. */
static int set_tags(struct vm_props *p, const char *value)
{
	struct vm_props tmp = *p;
	_cleanup_free_ char *copy = strdup(value);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	tmp.n_tags = 0;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int r = vm_props_add_tag(&tmp, t);
		if (r < 0)
			return r;
	}
	*p = tmp;
	return 0;
}

static int set_name_field(char *dst, size_t size, const char *value, bool allow_empty)
{
	if (!(allow_empty && !value[0]) && !vm_name_is_valid(value))
		return -EINVAL;
	return str_copy(dst, size, value);
}

int vm_props_set(struct vm_props *p, const char *key, const char *value)
{
	if (streq(key, "name"))
		return -EPERM;
	if (streq(key, "class"))
		return vm_class_from_string(value, &p->klass);
	if (streq(key, "label"))
		return vm_label_is_valid(value) ? str_copy(p->label, sizeof(p->label), value)
						: -EINVAL;
	if (streq(key, "template"))
		return set_name_field(p->template_name, sizeof(p->template_name), value, false);
	if (streq(key, "memory"))
		return parse_u32(value, VM_MEMORY_MIN_MIB, VM_MEMORY_MAX_MIB, &p->memory_mib);
	if (streq(key, "vcpus"))
		return parse_u32(value, 1, VM_VCPUS_MAX, &p->vcpus);
	if (streq(key, "tags"))
		return set_tags(p, value);
	if (streq(key, "default_dispvm"))
		return set_name_field(p->default_dispvm, sizeof(p->default_dispvm), value, true);
	if (streq(key, "autostart"))
		return parse_bool(value, &p->autostart);
	if (streq(key, "menu"))
		return set_menu(p, value);
	if (streq(key, "template_for_dispvms"))
		return parse_bool(value, &p->template_for_dispvms);
	if (streq(key, "internal"))
		return parse_bool(value, &p->internal);
	if (streq(key, "preload_dispvm_max"))
		return parse_u32(value, 0, VM_PRELOAD_MAX, &p->preload_dispvm_max);
	if (streq(key, "net"))
		return parse_net(value, &p->net);
	return -ENOENT;
}

static int join_tags(const struct vm_props *p, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n_tags; i++) {
		int r = str_printf(buf + off, size - off, "%s%s", i ? "," : "", p->tags[i]);
		if (r < 0)
			return r;
		off += strlen(buf + off);
	}
	return 0;
}

int vm_props_get(const struct vm_props *p, const char *key, char *buf, size_t size)
{
	if (streq(key, "name"))
		return str_copy(buf, size, p->name);
	if (streq(key, "class"))
		return str_copy(buf, size, vm_class_to_string(p->klass));
	if (streq(key, "label"))
		return str_copy(buf, size, p->label);
	if (streq(key, "template"))
		return str_copy(buf, size, p->template_name);
	if (streq(key, "memory"))
		return str_printf(buf, size, "%" PRIu32, p->memory_mib);
	if (streq(key, "vcpus"))
		return str_printf(buf, size, "%" PRIu32, p->vcpus);
	if (streq(key, "tags"))
		return join_tags(p, buf, size);
	if (streq(key, "default_dispvm"))
		return str_copy(buf, size, p->default_dispvm);
	if (streq(key, "autostart"))
		return str_copy(buf, size, p->autostart ? "true" : "false");
	if (streq(key, "menu"))
		return str_copy(buf, size, p->menu);
	if (streq(key, "template_for_dispvms"))
		return str_copy(buf, size, p->template_for_dispvms ? "true" : "false");
	if (streq(key, "internal"))
		return str_copy(buf, size, p->internal ? "true" : "false");
	if (streq(key, "preload_dispvm_max"))
		return str_printf(buf, size, "%" PRIu32, p->preload_dispvm_max);
	if (streq(key, "net"))
		return str_copy(buf, size, net_names[p->net]);
	return -ENOENT;
}
