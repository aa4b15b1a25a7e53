/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkheadd's libvirt connection. By default libvirt's embedded QEMU driver in the state dir:
 * no system daemon, QEMU runs as the user. The embedded driver only notices a guest powering
 * off while its event loop runs (PLATFORM.md), which is why bulkheadd is a long-running
 * process whose one loop is libvirt's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hv.h"
#include "log.h"
#include "strutil.h"

/* No virtlogd in embedded mode: QEMU's stdio goes to files. As root (CI, tests) QEMU would
 * otherwise run as libvirt-qemu and could not read the user's state dir. */
static int write_qemu_conf(const struct hv_paths *p)
{
	char dir[HV_PATH_MAX], path[HV_PATH_MAX];
	_cleanup_fclose_ FILE *f = NULL;
	int r = str_printf(dir, sizeof(dir), "%s/libvirt/etc", p->state_dir);

	if (r >= 0)
		r = hv_mkdir_p(dir, 0700);
	if (r >= 0)
		r = str_printf(path, sizeof(path), "%s/qemu.conf", dir);
	if (r < 0)
		return log_error_errno(r, "Cannot create %s: %m", dir);
	f = fopen(path, "we");
	if (!f)
		return log_error_errno(errno, "Cannot write %s: %m", path);
	fprintf(f, "# Written by bulkheadd at every start.\nstdio_handler = \"file\"\n");
	if (geteuid() == 0)
		fprintf(f, "user = \"root\"\ngroup = \"root\"\n");
	return fflush(f) == 0 ? 0 : log_error_errno(errno, "Cannot write %s: %m", path);
}

static const char *stopped_state(int detail)
{
	return detail == VIR_DOMAIN_EVENT_STOPPED_FAILED ||
			       detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED
		       ? "Crashed"
		       : "Halted";
}

static void vm_stopped(struct bulkheadd *d, const char *name, int detail)
{
	char dir[HV_PATH_MAX];

	log_info("VM %s stopped (%s)", name, stopped_state(detail));
	hv_supervisor_vm_stopped(d, name);
	hv_dispvm_stopped(d, name);
	/* QEMU leaves its bound channel sockets behind. */
	if (hv_vm_runtime_dir(&d->paths, name, dir, sizeof(dir)) >= 0)
		hv_rm_rf(dir);
	hv_dbus_state_changed(d, name, stopped_state(detail));
	hv_dbus_vm_stopped(d, name);
}

/* Only Bulkhead's own domains (valid metadata) get daemons. */
static void vm_started(struct bulkheadd *d, const char *name)
{
	struct vm_props props;
	struct hv_error e = { 0 };

	if (hv_vm_get(d, name, NULL, &props, &e) < 0)
		return;
	log_info("VM %s started", name);
	hv_supervisor_vm_started(d, name, props.label, hv_dispvm_is_transient(d, name));
	hv_dbus_state_changed(d, name, "Running");
}

static int on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	struct bulkheadd *d = opaque;
	const char *name = virDomainGetName(dom);

	if (!name || !vm_name_is_valid(name))
		return 0;
	switch (event) {
	case VIR_DOMAIN_EVENT_STARTED:
		vm_started(d, name);
		break;
	case VIR_DOMAIN_EVENT_SHUTDOWN:
		hv_dbus_state_changed(d, name, "Stopping");
		break;
	case VIR_DOMAIN_EVENT_STOPPED:
		vm_stopped(d, name, detail);
		break;
	default:
		break;
	}
	return 0;
}

int hv_libvirt_open(struct bulkheadd *d)
{
	int r;

	if (d->paths.embedded && (r = write_qemu_conf(&d->paths)) < 0)
		return r;
	d->conn = virConnectOpen(d->paths.uri);
	if (!d->conn) {
		log_error("Cannot connect to libvirt at %s: %s", d->paths.uri,
			  virGetLastErrorMessage());
		return -EIO;
	}
	d->lifecycle_cb =
		virConnectDomainEventRegisterAny(d->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
						 VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), d, NULL);
	if (d->lifecycle_cb < 0) {
		log_error("Cannot watch VM lifecycle events: %s", virGetLastErrorMessage());
		return -EIO;
	}
	log_info("Connected to %s", d->paths.uri);
	return 0;
}

void hv_libvirt_close(struct bulkheadd *d)
{
	if (!d->conn)
		return;
	if (d->lifecycle_cb >= 0)
		virConnectDomainEventDeregisterAny(d->conn, d->lifecycle_cb);
	virConnectClose(d->conn);
	d->conn = NULL;
}

void hv_libvirt_adopt_running(struct bulkheadd *d)
{
	struct hv_vm_entry *list = NULL;
	struct hv_error e = { 0 };
	size_t n = 0;

	if (hv_vm_list(d, &list, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *name = list[i].props.name;
		if (virDomainIsActive(list[i].dom) == 1) {
			log_info("VM %s is running: supervising it again", name);
			hv_supervisor_vm_started(d, name, list[i].props.label,
						 hv_dispvm_is_transient(d, name));
			hv_dispvm_adopt(d, &list[i].props);
		} else if (list[i].props.autostart && hv_vm_start(d, name, &e) < 0) {
			log_error("Autostart of %s failed: %s", name, e.message);
		}
	}
	hv_vm_list_free(list, n);
}
