/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * org.bulkhead.Manager1 at /org/bulkhead/Manager1 on the session bus (docs/interfaces.md).
 * One handler per method, found in a table with its input signature; the handlers only move
 * arguments between D-Bus and manager.c, which does the work and words the errors.
 */
#include <dbus/dbus.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbus-props.h"
#include "hv.h"
#include "log.h"
#include "strutil.h"

#define MANAGER_NAME "org.bulkhead.Manager1"
#define MANAGER_PATH "/org/bulkhead/Manager1"
#define ERROR_PREFIX "org.bulkhead.Error."
#define SHUTDOWN_WAIT_MS (120 * 1000)

static const char introspection_xml[] = DBUS_INTROSPECT_1_0_XML_DOCTYPE_DECL_NODE
	"<node>\n"
	" <interface name='org.bulkhead.Manager1'>\n"
	"  <method name='ListVMs'><arg type='a{sa{sv}}' direction='out'/></method>\n"
	"  <method name='CreateVM'><arg name='name' type='s' direction='in'/>"
	"<arg name='props' type='a{sv}' direction='in'/></method>\n"
	"  <method name='RemoveVM'><arg name='name' type='s' direction='in'/></method>\n"
	"  <method name='Start'><arg name='name' type='s' direction='in'/></method>\n"
	"  <method name='Shutdown'><arg name='name' type='s' direction='in'/>"
	"<arg name='wait' type='b' direction='in'/></method>\n"
	"  <method name='Kill'><arg name='name' type='s' direction='in'/></method>\n"
	"  <method name='GetProperty'><arg name='name' type='s' direction='in'/>"
	"<arg name='key' type='s' direction='in'/><arg type='v' direction='out'/></method>\n"
	"  <method name='SetProperty'><arg name='name' type='s' direction='in'/>"
	"<arg name='key' type='s' direction='in'/><arg name='value' type='v' direction='in'/>"
	"</method>\n"
	"  <method name='GetSystemInfo'><arg type='s' direction='out'/></method>\n"
	"  <method name='ListApplications'><arg name='name' type='s' direction='in'/>"
	"<arg name='apps' type='a(ssb)' direction='out'/></method>\n"
	"  <method name='SyncMenu'><arg name='name' type='s' direction='in'/></method>\n"
	"  <method name='GetFirewall'><arg name='name' type='s' direction='in'/>"
	"<arg name='rules' type='as' direction='out'/></method>\n"
	"  <method name='SetFirewall'><arg name='name' type='s' direction='in'/>"
	"<arg name='rules' type='as' direction='in'/></method>\n"
	"  <method name='CopyVolume'><arg name='name' type='s' direction='in'/>"
	"<arg name='path' type='s' direction='out'/></method>\n"
	"  <signal name='StateChanged'><arg name='name' type='s'/><arg name='state' type='s'/>"
	"</signal>\n"
	" </interface>\n"
	" <interface name='org.freedesktop.DBus.Introspectable'>\n"
	"  <method name='Introspect'><arg name='xml' type='s' direction='out'/></method>\n"
	" </interface>\n"
	" <interface name='org.freedesktop.DBus.Peer'>\n"
	"  <method name='Ping'/>\n"
	"  <method name='GetMachineId'><arg name='id' type='s' direction='out'/></method>\n"
	" </interface>\n"
	"</node>\n";

struct hv_pending {
	struct hv_pending *next;
	char vm[VM_NAME_MAX + 1];
	DBusMessage *call;
	int timer;
	struct bulkheadd *d;
};

static const char *error_name(int code)
{
	switch (code) {
	case -ENOENT:
		return ERROR_PREFIX "NoSuchVM";
	case -EALREADY:
		return ERROR_PREFIX "AlreadyRunning";
	case -ESRCH:
		return ERROR_PREFIX "NotRunning";
	case -EINVAL:
		return ERROR_PREFIX "InvalidArgument";
	case -ENOMEM:
		return ERROR_PREFIX "NoMemory";
	default:
		return ERROR_PREFIX "Failed";
	}
}

static DBusMessage *error_reply(DBusMessage *call, const struct hv_error *e)
{
	return dbus_message_new_error(call, error_name(e->code), e->message);
}

/* Done (r >= 0): an empty reply; else the error. */
static DBusMessage *result(DBusMessage *call, int r, const struct hv_error *e)
{
	return r >= 0 ? dbus_message_new_method_return(call) : error_reply(call, e);
}

static const char *arg_name(DBusMessage *call)
{
	const char *name = "";

	dbus_message_get_args(call, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	return name;
}

static DBusMessage *m_list(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_vm_entry *list = NULL;
	DBusMessage *reply;
	DBusMessageIter it, arr, e;
	size_t n = 0;
	int r = hv_vm_list(d, &list, &n);

	if (r < 0)
		return dbus_message_new_error(call, ERROR_PREFIX "Failed", "Cannot list the VMs");
	reply = dbus_message_new_method_return(call);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sa{sv}}", &arr);
	for (size_t i = 0; i < n; i++) {
		const char *name = list[i].props.name;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_DICT_ENTRY, NULL, &e);
		dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name);
		hv_dbus_append_vm_dict(&e, &list[i].props, hv_vm_state(list[i].dom));
		dbus_message_iter_close_container(&arr, &e);
	}
	dbus_message_iter_close_container(&it, &arr);
	hv_vm_list_free(list, n);
	return reply;
}

/* a{sv} of initial properties, each through the same setter as SetProperty. */
static int read_create_props(DBusMessageIter *arr, struct vm_props *p, struct hv_error *e)
{
	DBusMessageIter dict, entry;

	dbus_message_iter_recurse(arr, &dict);
	for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&dict)) {
		const char *key;
		char value[512];
		dbus_message_iter_recurse(&dict, &entry);
		dbus_message_iter_get_basic(&entry, &key);
		dbus_message_iter_next(&entry);
		if (hv_dbus_variant_text(&entry, value, sizeof(value)) < 0)
			return hv_error_set(e, -EINVAL, "VM '%s': bad value type for '%s'", p->name,
					    key);
		if (vm_props_set(p, key, value) < 0)
			return hv_error_set(e, -EINVAL, "VM '%s': invalid %s '%s'", p->name, key,
					    value);
	}
	return 0;
}

static DBusMessage *m_create(struct bulkheadd *d, DBusMessage *call)
{
	DBusMessageIter it;
	struct hv_error e = { 0 };
	struct vm_props p;
	const char *name;
	int r;

	dbus_message_iter_init(call, &it);
	dbus_message_iter_get_basic(&it, &name);
	dbus_message_iter_next(&it);
	if (vm_props_init(&p, name) < 0)
		r = hv_error_set(&e, -EINVAL, "'%s' is not a valid VM name", name);
	else
		r = read_create_props(&it, &p, &e);
	if (r >= 0)
		r = hv_vm_create(d, &p, &e);
	return result(call, r, &e);
}

static DBusMessage *m_remove(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };

	return result(call, hv_vm_remove(d, arg_name(call), &e), &e);
}

static DBusMessage *m_start(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };

	return result(call, hv_vm_start(d, arg_name(call), &e), &e);
}

static DBusMessage *m_kill(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };

	return result(call, hv_vm_kill(d, arg_name(call), &e), &e);
}

static void pending_free(struct bulkheadd *d, struct hv_pending *p)
{
	for (struct hv_pending **pp = &d->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	virEventRemoveTimeout(p->timer);
	dbus_message_unref(p->call);
	free(p);
}

static void on_shutdown_timeout(int id, void *opaque)
{
	struct hv_pending *p = opaque;
	struct hv_error e = { 0 };
	DBusMessage *reply;

	hv_error_set(&e, -ETIMEDOUT, "VM '%s' did not power off within %d s", p->vm,
		     SHUTDOWN_WAIT_MS / 1000);
	reply = error_reply(p->call, &e);
	dbus_connection_send(p->d->bus, reply, NULL);
	dbus_message_unref(reply);
	pending_free(p->d, p);
}

/* Shutdown(name, wait=true) answers when the VM has stopped: the reply is deferred. */
static DBusMessage *defer_until_stopped(struct bulkheadd *d, DBusMessage *call, const char *name)
{
	struct hv_pending *p = calloc(1, sizeof(*p));

	if (!p)
		return dbus_message_new_error(call, ERROR_PREFIX "NoMemory", "Out of memory");
	str_copy(p->vm, sizeof(p->vm), name);
	p->call = dbus_message_ref(call);
	p->d = d;
	p->timer = virEventAddTimeout(SHUTDOWN_WAIT_MS, on_shutdown_timeout, p, NULL);
	p->next = d->pending;
	d->pending = p;
	return NULL;
}

static DBusMessage *m_shutdown(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };
	const char *name = "";
	dbus_bool_t wait = FALSE;
	int r;

	dbus_message_get_args(call, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_BOOLEAN, &wait,
			      DBUS_TYPE_INVALID);
	r = hv_vm_shutdown(d, name, &e);
	if (r >= 0 && wait)
		return defer_until_stopped(d, call, name);
	return result(call, r, &e);
}

void hv_dbus_vm_stopped(struct bulkheadd *d, const char *name)
{
	struct hv_pending *p = d->pending, *next;

	for (; p; p = next) {
		next = p->next;
		if (!streq(p->vm, name))
			continue;
		DBusMessage *reply = dbus_message_new_method_return(p->call);
		dbus_connection_send(d->bus, reply, NULL);
		dbus_message_unref(reply);
		pending_free(d, p);
	}
}

/* "volume": where the VM's private volume is (read-only), for `vmctl backup`; bulkheadd
 * alone knows its state dir (--state-dir, bulkheadd.conf). */
static DBusMessage *volume_reply(struct bulkheadd *d, DBusMessage *call, const char *name)
{
	char dir[HV_PATH_MAX], path[HV_PATH_MAX + 32];
	const char *p = path;
	DBusMessage *reply;
	DBusMessageIter it, v;

	if (hv_vm_state_dir(&d->paths, name, dir, sizeof(dir)) < 0 ||
	    str_printf(path, sizeof(path), "%s/private.qcow2", dir) < 0)
		return dbus_message_new_error(call, ERROR_PREFIX "Failed", "Path too long");
	reply = dbus_message_new_method_return(call);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &p);
	dbus_message_iter_close_container(&it, &v);
	return reply;
}

static DBusMessage *m_get_property(struct bulkheadd *d, DBusMessage *call)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	struct hv_error e = { 0 };
	struct vm_props p;
	const char *name = "", *key = "";
	DBusMessage *reply;
	DBusMessageIter it;

	dbus_message_get_args(call, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &key,
			      DBUS_TYPE_INVALID);
	if (hv_vm_get(d, name, &dom, &p, &e) < 0)
		return error_reply(call, &e);
	if (streq(key, "volume"))
		return volume_reply(d, call, name);
	reply = dbus_message_new_method_return(call);
	dbus_message_iter_init_append(reply, &it);
	if (hv_dbus_append_prop(&it, &p, key, hv_vm_state(dom)) < 0) {
		dbus_message_unref(reply);
		hv_error_set(&e, -EINVAL, "VM '%s' has no property '%s'", name, key);
		return error_reply(call, &e);
	}
	return reply;
}

/* CopyVolume's reply waits for QEMU's copy; a timer polls the job meanwhile. */
struct copy_pending {
	struct bulkheadd *d;
	DBusMessage *call;
	char vm[VM_NAME_MAX + 1];
	char path[HV_PATH_MAX + 32];
	int timer, waited_ms;
};

static void on_copy_tick(int timer, void *opaque)
{
	struct copy_pending *c = opaque;
	struct hv_error e = { 0 };
	const char *path = c->path;
	DBusMessage *reply;
	int r = hv_vm_copy_volume_poll(c->d, c->vm, c->path, c->waited_ms, &e);

	c->waited_ms += HV_COPY_POLL_MS;
	if (r > 0)
		return;
	reply = r < 0 ? error_reply(c->call, &e) : dbus_message_new_method_return(c->call);
	if (r == 0)
		dbus_message_append_args(reply, DBUS_TYPE_STRING, &path, DBUS_TYPE_INVALID);
	dbus_connection_send(c->d->bus, reply, NULL);
	dbus_message_unref(reply);
	virEventRemoveTimeout(timer);
	dbus_message_unref(c->call);
	free(c);
}

/* A consistent copy of a running VM's volume, for `vmctl backup`: its path, once whole. */
static DBusMessage *m_copy_volume(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };
	struct copy_pending *c = calloc(1, sizeof(*c));

	if (!c)
		return dbus_message_new_error(call, ERROR_PREFIX "NoMemory", "Out of memory");
	*c = (struct copy_pending){ .d = d, .call = dbus_message_ref(call) };
	str_copy(c->vm, sizeof(c->vm), arg_name(call));
	if (hv_vm_copy_volume_begin(d, c->vm, c->path, sizeof(c->path), &e) >= 0 &&
	    (c->timer = virEventAddTimeout(HV_COPY_POLL_MS, on_copy_tick, c, NULL)) < 0)
		hv_error_set(&e, -EIO, "Cannot wait for the copy of VM '%s'", c->vm);
	if (e.code < 0) {
		dbus_message_unref(c->call);
		free(c);
		return error_reply(call, &e);
	}
	return NULL;
}

static DBusMessage *m_set_property(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };
	const char *name, *key;
	char value[VM_MENU_TEXT_MAX];
	DBusMessageIter it;

	dbus_message_iter_init(call, &it);
	dbus_message_iter_get_basic(&it, &name);
	dbus_message_iter_next(&it);
	dbus_message_iter_get_basic(&it, &key);
	dbus_message_iter_next(&it);
	if (hv_dbus_variant_text(&it, value, sizeof(value)) < 0)
		return result(call,
			      hv_error_set(&e, -EINVAL, "VM '%s': bad value for '%s'", name, key),
			      &e);
	return result(call, hv_vm_set_property(d, name, key, value, &e), &e);
}

static DBusMessage *m_system_info(struct bulkheadd *d, DBusMessage *call)
{
	_cleanup_free_ char *json = NULL;
	DBusMessage *reply;

	if (hv_system_info_json(d, &json) < 0)
		return dbus_message_new_error(call, ERROR_PREFIX "Failed", "Cannot list the VMs");
	reply = dbus_message_new_method_return(call);
	dbus_message_append_args(reply, DBUS_TYPE_STRING, &json, DBUS_TYPE_INVALID);
	return reply;
}

/* (id, name, in the VM's menu) for each application the VM's template offers. */
static DBusMessage *m_list_apps(struct bulkheadd *d, DBusMessage *call)
{
	_cleanup_free_ struct hv_app *apps = NULL;
	struct hv_error e = { 0 };
	struct vm_props p;
	DBusMessageIter it, arr, st;
	DBusMessage *reply;
	size_t n = 0;

	if (hv_vm_get(d, arg_name(call), NULL, &p, &e) < 0)
		return error_reply(call, &e);
	if (hv_menu_list_apps(&p, &apps, &n) < 0)
		return result(call,
			      hv_error_set(&e, -EIO,
					   "VM '%s': cannot list the applications "
					   "of template '%s'",
					   p.name, p.template_name),
			      &e);
	reply = dbus_message_new_method_return(call);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(ssb)", &arr);
	for (size_t i = 0; i < n; i++) {
		const char *id = apps[i].id, *name = apps[i].name;
		dbus_bool_t in_menu = vm_props_menu_has(&p, id);
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &name);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &in_menu);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

static DBusMessage *m_sync_menu(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };
	struct vm_props p;
	int r = hv_vm_get(d, arg_name(call), NULL, &p, &e);

	if (r >= 0 && hv_menu_sync(&p) < 0)
		r = hv_error_set(&e, -EIO, "VM '%s': cannot write its menu (see bulkheadd's log)",
				 p.name);
	return result(call, r, &e);
}

static DBusMessage *m_get_firewall(struct bulkheadd *d, DBusMessage *call)
{
	static struct net_ruleset rs;
	struct hv_error e = { 0 };
	char text[NET_RULE_TEXT_MAX + 1];
	const char *line = text;
	DBusMessage *reply;
	DBusMessageIter it, arr;

	if (hv_firewall_get(d, arg_name(call), &rs, &e) < 0)
		return error_reply(call, &e);
	reply = dbus_message_new_method_return(call);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &arr);
	for (size_t i = 0; i < rs.n; i++)
		if (net_rule_format(&rs.rule[i], text, sizeof(text)) >= 0)
			dbus_message_iter_append_basic(&arr, DBUS_TYPE_STRING, &line);
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

static DBusMessage *m_set_firewall(struct bulkheadd *d, DBusMessage *call)
{
	struct hv_error e = { 0 };
	const char *name = "";
	char **rules = NULL;
	int n = 0, r;

	dbus_message_get_args(call, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_ARRAY,
			      DBUS_TYPE_STRING, &rules, &n, DBUS_TYPE_INVALID);
	r = hv_firewall_set(d, name, (const char *const *)rules, (size_t)n, &e);
	dbus_free_string_array(rules);
	return result(call, r, &e);
}

static DBusMessage *m_introspect(struct bulkheadd *d, DBusMessage *call)
{
	DBusMessage *reply = dbus_message_new_method_return(call);
	const char *xml = introspection_xml;

	dbus_message_append_args(reply, DBUS_TYPE_STRING, &xml, DBUS_TYPE_INVALID);
	return reply;
}

static const struct method {
	const char *interface, *name, *signature;
	DBusMessage *(*run)(struct bulkheadd *d, DBusMessage *call);
} methods[] = {
	{ MANAGER_NAME, "ListVMs", "", m_list },
	{ MANAGER_NAME, "CreateVM", "sa{sv}", m_create },
	{ MANAGER_NAME, "RemoveVM", "s", m_remove },
	{ MANAGER_NAME, "Start", "s", m_start },
	{ MANAGER_NAME, "Shutdown", "sb", m_shutdown },
	{ MANAGER_NAME, "Kill", "s", m_kill },
	{ MANAGER_NAME, "GetProperty", "ss", m_get_property },
	{ MANAGER_NAME, "SetProperty", "ssv", m_set_property },
	{ MANAGER_NAME, "GetSystemInfo", "", m_system_info },
	{ MANAGER_NAME, "ListApplications", "s", m_list_apps },
	{ MANAGER_NAME, "SyncMenu", "s", m_sync_menu },
	{ MANAGER_NAME, "GetFirewall", "s", m_get_firewall },
	{ MANAGER_NAME, "CopyVolume", "s", m_copy_volume },
	{ MANAGER_NAME, "SetFirewall", "sas", m_set_firewall },
	{ DBUS_INTERFACE_INTROSPECTABLE, "Introspect", "", m_introspect },
};

static const struct method *find_method(DBusMessage *call)
{
	const char *iface = dbus_message_get_interface(call);

	for (size_t i = 0; i < ELEMENTSOF(methods); i++)
		if ((!iface || streq(iface, methods[i].interface)) &&
		    dbus_message_is_method_call(call, methods[i].interface, methods[i].name))
			return &methods[i];
	return NULL;
}

static DBusHandlerResult on_message(DBusConnection *bus, DBusMessage *call, void *data)
{
	const struct method *m = find_method(call);
	DBusMessage *reply;

	if (!m)
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	if (!dbus_message_has_signature(call, m->signature))
		reply = dbus_message_new_error_printf(call, DBUS_ERROR_INVALID_ARGS,
						      "%s takes (%s)", m->name, m->signature);
	else
		reply = m->run(data, call);
	if (reply) {
		dbus_connection_send(bus, reply, NULL);
		dbus_message_unref(reply);
	}
	return DBUS_HANDLER_RESULT_HANDLED;
}

/* The bus went away (the session ended): so does bulkheadd; its VMs keep running. */
static DBusHandlerResult on_filter(DBusConnection *bus, DBusMessage *msg, void *data)
{
	struct bulkheadd *d = data;

	if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
		log_notice("Lost the session bus: exiting");
		d->quit = true;
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* Both bulkheadd and libvirt report some transitions (a Shutdown call, then the guest's
 * power-off): remember what was last said per VM, and say each change once. */
static bool state_is_new(struct bulkheadd *d, const char *name, const char *state)
{
	struct hv_last_state *free_slot = NULL;

	for (size_t i = 0; i < HV_MAX_VMS; i++) {
		struct hv_last_state *l = &d->last_state[i];
		if (streq(l->vm, name)) {
			if (streq(l->state, state))
				return false;
			l->state = state;
			return true;
		}
		if (!free_slot && !l->vm[0])
			free_slot = l;
	}
	if (free_slot) {
		str_copy(free_slot->vm, sizeof(free_slot->vm), name);
		free_slot->state = state;
	}
	return true;
}

void hv_dbus_state_changed(struct bulkheadd *d, const char *name, const char *state)
{
	DBusMessage *sig;

	if (!d->bus || !state_is_new(d, name, state))
		return;
	sig = dbus_message_new_signal(MANAGER_PATH, MANAGER_NAME, "StateChanged");
	if (!sig)
		return;
	dbus_message_append_args(sig, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &state,
				 DBUS_TYPE_INVALID);
	dbus_connection_send(d->bus, sig, NULL);
	dbus_message_unref(sig);
}

int hv_dbus_serve(struct bulkheadd *d)
{
	static const DBusObjectPathVTable vtable = { .message_function = on_message };
	DBusError err = DBUS_ERROR_INIT;
	int r;

	d->bus = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
	if (!d->bus) {
		log_error("Cannot connect to the session bus: %s", err.message);
		dbus_error_free(&err);
		return -ENOTCONN;
	}
	dbus_connection_set_exit_on_disconnect(d->bus, FALSE);
	if (!dbus_connection_add_filter(d->bus, on_filter, d, NULL) ||
	    !dbus_connection_register_object_path(d->bus, MANAGER_PATH, &vtable, d))
		return log_oom();
	r = dbus_bus_request_name(d->bus, MANAGER_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err);
	if (r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
		log_error("Cannot own %s: %s", MANAGER_NAME,
			  dbus_error_is_set(&err) ? err.message : "another bulkheadd runs");
		dbus_error_free(&err);
		return -EEXIST;
	}
	return hv_dbus_attach(d);
}
