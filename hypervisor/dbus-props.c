/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM properties as D-Bus values: each key has one D-Bus type (memory u, vcpus u, tags as,
 * autostart b, the rest s). Callers may also send any property as a string ("512", "a,b"):
 * that is what `vmctl prefs` has in hand, and the same validating setter reads both.
 */
#include <dbus/dbus.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbus-props.h"
#include "strutil.h"

static char prop_type(const char *key)
{
	if (streq(key, "memory") || streq(key, "vcpus") || streq(key, "preload_dispvm_max"))
		return 'u';
	if (streq(key, "autostart") || streq(key, "template_for_dispvms") || streq(key, "internal"))
		return 'b';
	if (streq(key, "tags"))
		return 'a';
	return 's';
}

static int strv_text(DBusMessageIter *arr, char *buf, size_t size)
{
	DBusMessageIter it;
	size_t off = 0;

	if (dbus_message_iter_get_element_type(arr) != DBUS_TYPE_STRING)
		return -EINVAL;
	buf[0] = '\0';
	dbus_message_iter_recurse(arr, &it);
	for (; dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_STRING;
	     dbus_message_iter_next(&it)) {
		const char *s;
		dbus_message_iter_get_basic(&it, &s);
		if (strchr(s, ',') ||
		    str_printf(buf + off, size - off, "%s%s", off ? "," : "", s) < 0)
			return -EINVAL;
		off += strlen(buf + off);
	}
	return 0;
}

int hv_dbus_variant_text(DBusMessageIter *variant, char *buf, size_t size)
{
	DBusMessageIter v;
	const char *s;
	dbus_uint32_t u;
	dbus_int32_t i;
	dbus_bool_t b;

	dbus_message_iter_recurse(variant, &v);
	switch (dbus_message_iter_get_arg_type(&v)) {
	case DBUS_TYPE_STRING:
		dbus_message_iter_get_basic(&v, &s);
		return str_copy(buf, size, s);
	case DBUS_TYPE_UINT32:
		dbus_message_iter_get_basic(&v, &u);
		return str_printf(buf, size, "%" PRIu32, (uint32_t)u);
	case DBUS_TYPE_INT32:
		dbus_message_iter_get_basic(&v, &i);
		return i < 0 ? -EINVAL : str_printf(buf, size, "%" PRId32, (int32_t)i);
	case DBUS_TYPE_BOOLEAN:
		dbus_message_iter_get_basic(&v, &b);
		return str_copy(buf, size, b ? "true" : "false");
	case DBUS_TYPE_ARRAY:
		return strv_text(&v, buf, size);
	default:
		return -EINVAL;
	}
}

static bool append_tags(DBusMessageIter *v, const struct vm_props *p)
{
	DBusMessageIter arr;
	bool ok = dbus_message_iter_open_container(v, DBUS_TYPE_ARRAY, "s", &arr);

	for (size_t i = 0; ok && i < p->n_tags; i++) {
		const char *t = p->tags[i];
		ok = dbus_message_iter_append_basic(&arr, DBUS_TYPE_STRING, &t);
	}
	return dbus_message_iter_close_container(v, &arr) && ok;
}

static bool append_value(DBusMessageIter *v, const struct vm_props *p, const char *key,
			 const char *text)
{
	dbus_uint32_t u;
	dbus_bool_t b;

	switch (prop_type(key)) {
	case 'u': /* the text form, as vm_props_get wrote it: a validated number */
		u = (dbus_uint32_t)strtoul(text, NULL, 10);
		return dbus_message_iter_append_basic(v, DBUS_TYPE_UINT32, &u);
	case 'b':
		b = streq(text, "true");
		return dbus_message_iter_append_basic(v, DBUS_TYPE_BOOLEAN, &b);
	case 'a':
		return append_tags(v, p);
	default:
		return dbus_message_iter_append_basic(v, DBUS_TYPE_STRING, &text);
	}
}

int hv_dbus_append_prop(DBusMessageIter *it, const struct vm_props *p, const char *key,
			const char *state)
{
	static const char sig[][3] = { ['u'] = "u", ['b'] = "b", ['a'] = "as", ['s'] = "s" };
	char text[VM_MENU_TEXT_MAX];
	DBusMessageIter v;
	bool ok;

	if (streq(key, "state"))
		ok = str_copy(text, sizeof(text), state) >= 0;
	else
		ok = vm_props_get(p, key, text, sizeof(text)) >= 0;
	if (!ok)
		return -ENOENT;
	if (!dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT,
					      sig[(unsigned char)prop_type(key)], &v))
		return -ENOMEM;
	ok = append_value(&v, p, key, text);
	return dbus_message_iter_close_container(it, &v) && ok ? 0 : -ENOMEM;
}

/* {class s, label s, state s, template s, memory u, vcpus u, tags as, default_dispvm s,
 *  autostart b, net s} as in docs/interfaces.md */
int hv_dbus_append_vm_dict(DBusMessageIter *it, const struct vm_props *p, const char *state)
{
	static const char *const keys[] = { "class",	 "label", "state", "template",
					    "memory",	 "vcpus", "tags",  "default_dispvm",
					    "autostart", "net" };
	DBusMessageIter dict, e;
	int r = 0;

	if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &dict))
		return -ENOMEM;
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(keys); i++) {
		if (!dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &e))
			return -ENOMEM;
		r = dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &keys[i])
			    ? hv_dbus_append_prop(&e, p, keys[i], state)
			    : -ENOMEM;
		if (!dbus_message_iter_close_container(&dict, &e))
			r = -ENOMEM;
	}
	return dbus_message_iter_close_container(it, &dict) && r >= 0 ? 0 : -ENOMEM;
}
