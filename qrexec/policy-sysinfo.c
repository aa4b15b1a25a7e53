/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System info for the policy: the POLICY.md JSON, from --system-info FILE (re-read when the
 * file changes) or from bulkheadd (org.bulkhead.Manager1.GetSystemInfo). Neither available
 * means no info, and the library then denies what needs VM knowledge: fail closed.
 */
#include <dbus/dbus.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"
#include "log.h"
#include "manager-info.h"
#include "macro.h"
#include "policy-daemon.h"
#include "strutil.h"

#define SYSINFO_MAX (4 * 1024 * 1024)
#define MANAGER_TIMEOUT_MS 2000

static void sysinfo_set(struct pd_sysinfo *s, char *json, size_t len)
{
	char *error = NULL;
	struct policy_system_info *info = NULL;

	if (json && policy_system_info_parse(json, len, &info, &error) < 0) {
		log_warning("System info is not valid: %s", error ? error : "out of memory");
		info = NULL;
	}
	free(error);
	policy_system_info_free(s->info);
	free(s->json);
	s->info = info;
	s->json = json;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void sysinfo_from_file(struct pd_sysinfo *s)
{
	struct stat st;
	char *json = NULL;
	size_t len = 0;

	if (stat(s->path, &st) < 0) {
		if (s->json)
			log_warning("System info %s is gone: deny.", s->path);
		s->st = (struct stat){ 0 };
		return sysinfo_set(s, NULL, 0);
	}
	if (s->json && same_file(&st, &s->st))
		return;
	int r = fd_read_file(AT_FDCWD, s->path, SYSINFO_MAX, &json, &len);
	if (r < 0)
		log_warning_errno(r, "Cannot read %s: %m", s->path);
	s->st = st;
	sysinfo_set(s, json, len);
}

/* A private connection, kept, and remade once the bus dropped it. */
static DBusConnection *manager_bus(struct pd_sysinfo *s)
{
	if (s->bus && !dbus_connection_get_is_connected(s->bus)) {
		dbus_connection_unref(s->bus);
		s->bus = NULL;
	}
	if (!s->bus && (s->bus = dbus_bus_get_private(DBUS_BUS_SESSION, NULL)))
		dbus_connection_set_exit_on_disconnect(s->bus, FALSE);
	return s->bus;
}

static void sysinfo_from_manager(struct pd_sysinfo *s)
{
	DBusConnection *bus = manager_bus(s);
	char *json = NULL;

	if (!bus || bulkhead_manager_system_info(bus, MANAGER_TIMEOUT_MS, &json) < 0) {
		log_warning("No system info from bulkheadd: requests that need it are denied.");
		return sysinfo_set(s, NULL, 0);
	}
	sysinfo_set(s, json, strlen(json));
}

const struct policy_system_info *pd_sysinfo_get(struct pd *pd)
{
	if (pd->sys.path)
		sysinfo_from_file(&pd->sys);
	else
		sysinfo_from_manager(&pd->sys);
	return pd->sys.info;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)

char *pd_sysinfo_label(struct pd *pd, const char *vm)
{
	_cleanup_(json_object_putp) struct json_object *root =
		pd->sys.json ? json_tokener_parse(pd->sys.json) : NULL;
	struct json_object *domains, *d, *label;

	if (root && json_object_object_get_ex(root, "domains", &domains) &&
	    json_object_object_get_ex(domains, vm, &d) &&
	    json_object_object_get_ex(d, "label", &label) &&
	    json_object_is_type(label, json_type_string))
		return strdup(json_object_get_string(label));
	return strdup("");
}
