/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations behind org.bulkhead.Manager1. The registry is libvirt itself: a VM is a
 * domain whose <metadata> holds a valid <bulkhead:vm>; there is no second database to drift.
 * Errors name the VM and the reason, since they reach the user verbatim through vmctl.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "domain-xml.h"
#include "hv.h"
#include "log.h"
#include "strutil.h"

/* QEMU's own footprint on top of guest RAM (TCG code cache, device state), measured ~60 MiB. */
#define QEMU_OVERHEAD_MIB 96
#define CONSOLE_LOG_MAX (1024 * 1024)

int hv_error_set(struct hv_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return code;
}

static int read_props(virDomainPtr dom, struct vm_props *props)
{
	_cleanup_free_ char *xml = NULL;
	const char *name = virDomainGetName(dom);

	if (!name || vm_props_init(props, name) < 0)
		return -EINVAL;
	xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, BULKHEAD_XML_NS, 0);
	if (!xml)
		return -EINVAL;
	return vm_metadata_parse(xml, props);
}

int hv_vm_get(struct bulkheadd *d, const char *name, virDomainPtr *dom, struct vm_props *props,
	      struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr found = NULL;
	struct vm_props p;

	if (!vm_name_is_valid(name))
		return hv_error_set(e, -EINVAL, "'%s' is not a valid VM name", name);
	found = virDomainLookupByName(d->conn, name);
	if (!found || read_props(found, &p) < 0)
		return hv_error_set(e, -ENOENT, "VM '%s' does not exist", name);
	if (props)
		*props = p;
	if (dom)
		*dom = TAKE_PTR(found);
	return 0;
}

const char *hv_vm_state(virDomainPtr dom)
{
	int state, reason;

	if (virDomainGetState(dom, &state, &reason, 0) < 0)
		return "Halted";
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
	case VIR_DOMAIN_PAUSED:
	case VIR_DOMAIN_PMSUSPENDED:
		return "Running";
	case VIR_DOMAIN_SHUTDOWN:
		return "Stopping";
	case VIR_DOMAIN_CRASHED:
		return "Crashed";
	case VIR_DOMAIN_SHUTOFF:
		return reason == VIR_DOMAIN_SHUTOFF_CRASHED ? "Crashed" : "Halted";
	default:
		return "Halted";
	}
}

static int libvirt_failed(struct hv_error *e, const char *what, const char *name)
{
	return hv_error_set(e, -EIO, "Cannot %s VM '%s': %s", what, name, virGetLastErrorMessage());
}

/* (Re)define the domain from the one XML generator, with today's kernel and initramfs: for a
 * start, the VM's own copies of them (boot-files.c). */
static int define_domain(struct bulkheadd *d, const struct vm_props *props, bool starting,
			 struct hv_error *e)
{
	struct hv_host_files files;
	_cleanup_free_ char *xml = NULL;
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, props->name);
	char uuid[VIR_UUID_STRING_BUFLEN];

	if (hv_host_prepare_boot(&d->paths, &files) < 0)
		return hv_error_set(e, -EIO, "Cannot prepare the kernel and initramfs for VM '%s'",
				    props->name);
	if (starting)
		hv_boot_files_copy(&d->paths, props->name, &files);
	if (dom && virDomainGetUUIDString(dom, uuid) < 0)
		return libvirt_failed(e, "look up", props->name);
	if (hv_host_domain_xml(&d->paths, &files, props, dom ? uuid : NULL, &xml) < 0)
		return hv_error_set(e, -EINVAL, "Cannot generate the domain of VM '%s'",
				    props->name);
	if (dom)
		virDomainFree(TAKE_PTR(dom));
	dom = virDomainDefineXML(d->conn, xml);
	return dom ? 0 : libvirt_failed(e, "define", props->name);
}

static int check_new(struct bulkheadd *d, const struct vm_props *props, struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, props->name);

	if (dom)
		return hv_error_set(e, -EINVAL, "VM '%s' already exists", props->name);
	if (streq(props->name, "dom0") || props->klass == VM_CLASS_ADMINVM)
		return hv_error_set(e, -EINVAL, "VM '%s': the admin VM is the host itself",
				    props->name);
	/* A named disposable's template is its disposable template (checked when it starts). */
	if (props->klass == VM_CLASS_DISPVM)
		return hv_dispvm_check_named(d, props, e);
	if (!streq(props->template_name, "host"))
		return hv_error_set(e, -EINVAL, "VM '%s': template '%s' does not exist",
				    props->name, props->template_name);
	return 0;
}

int hv_vm_create(struct bulkheadd *d, const struct vm_props *requested, struct hv_error *e)
{
	char dir[HV_PATH_MAX];
	struct vm_props p = *requested, *props = &p;
	int r = check_new(d, props, e);

	if (r < 0)
		return r;
	if (props->klass == VM_CLASS_DISPVM) /* its volume is made fresh at each start */
		r = hv_vm_state_dir(&d->paths, props->name, dir, sizeof(dir)) < 0 ||
				    hv_mkdir_p(dir, 0700) < 0
			    ? hv_error_set(e, -EIO, "Cannot create the state dir of VM '%s'",
					   props->name)
			    : 0;
	else if (hv_host_create_volume(&d->paths, props->name) < 0)
		r = hv_error_set(e, -EIO, "Cannot create the private volume of VM '%s'",
				 props->name);
	else
		hv_menu_default(props);
	if (r >= 0)
		r = define_domain(d, props, false, e);
	if (r < 0 && hv_vm_state_dir(&d->paths, props->name, dir, sizeof(dir)) >= 0)
		hv_rm_rf(dir);
	if (r >= 0) {
		log_info("Created VM %s", props->name);
		hv_menu_sync(props);
	}
	return r;
}

int hv_vm_remove(struct bulkheadd *d, const char *name, struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	char dir[HV_PATH_MAX];
	int r = hv_vm_get(d, name, &dom, NULL, e);

	if (r < 0)
		return r;
	if (virDomainIsActive(dom) == 1)
		return hv_error_set(e, -EALREADY, "VM '%s' is running: shut it down first", name);
	if (virDomainUndefine(dom) < 0)
		return libvirt_failed(e, "remove", name);
	if (hv_vm_state_dir(&d->paths, name, dir, sizeof(dir)) >= 0)
		hv_rm_rf(dir);
	hv_menu_remove(name);
	log_info("Removed VM %s", name);
	return 0;
}

uint64_t hv_mem_available_mib(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	uint64_t kib;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kib) == 1)
			return kib / 1024;
	return UINT64_MAX;
}

int hv_vm_check_memory(const struct vm_props *p, struct hv_error *e)
{
	uint64_t avail = hv_mem_available_mib();

	if (avail < (uint64_t)p->memory_mib + QEMU_OVERHEAD_MIB)
		return hv_error_set(e, -ENOMEM,
				    "Not enough memory to start VM '%s': it needs %" PRIu32
				    " MiB, %" PRIu64 " MiB available",
				    p->name, p->memory_mib + QEMU_OVERHEAD_MIB, avail);
	return 0;
}

static int check_startable(virDomainPtr dom, const struct vm_props *p, struct hv_error *e)
{
	if (virDomainIsActive(dom) == 1)
		return hv_error_set(e, -EALREADY, "VM '%s' is already running", p->name);
	return hv_vm_check_memory(p, e);
}

/* The console log is appended across boots; past 1 MiB the old boots move aside, once. */
static void rotate_console_log(struct bulkheadd *d, const char *name)
{
	char dir[HV_PATH_MAX], log[HV_PATH_MAX + 16], old[HV_PATH_MAX + 16];
	struct stat st;

	if (hv_vm_state_dir(&d->paths, name, dir, sizeof(dir)) < 0 ||
	    str_printf(log, sizeof(log), "%s/console.log", dir) < 0 ||
	    str_printf(old, sizeof(old), "%s/console.log.1", dir) < 0)
		return;
	if (stat(log, &st) == 0 && st.st_size > CONSOLE_LOG_MAX && rename(log, old) < 0)
		log_warning_errno(errno, "Cannot rotate %s: %m", log);
}

int hv_vm_start(struct bulkheadd *d, const char *name, struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	struct vm_props props;
	char rdir[HV_PATH_MAX];
	int r = hv_vm_get(d, name, &dom, &props, e);

	if (r >= 0)
		r = check_startable(dom, &props, e);
	if (r >= 0 && props.template_for_dispvms)
		r = hv_dispvm_drain(d, name, e);
	if (r >= 0 && props.klass == VM_CLASS_DISPVM)
		r = hv_dispvm_fresh_volume(d, &props, e);
	if (r < 0)
		return r;
	if (hv_vm_runtime_dir(&d->paths, name, rdir, sizeof(rdir)) < 0 ||
	    hv_mkdir_p(rdir, 0700) < 0)
		return hv_error_set(e, -EIO, "Cannot create %s for VM '%s'", rdir, name);
	r = define_domain(d, &props, true, e);
	if (r < 0) {
		hv_boot_files_remove(&d->paths, name);
		return r;
	}
	rotate_console_log(d, name);
	hv_dbus_state_changed(d, name, "Starting");
	if (virDomainCreate(dom) < 0) {
		r = libvirt_failed(e, "start", name);
		hv_boot_files_remove(&d->paths, name);
		hv_dbus_state_changed(d, name, hv_vm_state(dom));
		return r;
	}
	hv_boot_files_started(&d->paths, name);
	log_info("Starting VM %s", name);
	/* Its broker link exists when Start returns, so `vmctl run` right after finds it. */
	hv_supervisor_vm_started(d, name, props.label, false);
	return 0;
}

static int get_running(struct bulkheadd *d, const char *name, virDomainPtr *dom, struct hv_error *e)
{
	int r = hv_vm_get(d, name, dom, NULL, e);

	if (r < 0)
		return r;
	if (virDomainIsActive(*dom) != 1) {
		virDomainFree(TAKE_PTR(*dom));
		return hv_error_set(e, -ESRCH, "VM '%s' is not running", name);
	}
	return 0;
}

/* The ACPI power button: the guest init powers off cleanly (its home volume unmounted). */
int hv_vm_shutdown(struct bulkheadd *d, const char *name, struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	int r = get_running(d, name, &dom, e);

	if (r < 0)
		return r;
	if (virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0)
		return libvirt_failed(e, "shut down", name);
	hv_dbus_state_changed(d, name, "Stopping");
	return 0;
}

int hv_vm_kill(struct bulkheadd *d, const char *name, struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	int r = get_running(d, name, &dom, e);

	if (r < 0)
		return r;
	return virDomainDestroy(dom) < 0 ? libvirt_failed(e, "kill", name) : 0;
}

int hv_vm_set_property(struct bulkheadd *d, const char *name, const char *key, const char *value,
		       struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_free_ char *xml = NULL;
	struct vm_props props;
	unsigned flags = VIR_DOMAIN_AFFECT_CONFIG;
	int r = hv_vm_get(d, name, &dom, &props, e);

	if (r < 0)
		return r;
	r = vm_props_set(&props, key, value);
	if (r == -ENOENT || r == -EPERM)
		return hv_error_set(e, -EINVAL, "VM '%s': '%s' is not a settable property", name,
				    key);
	if (r < 0 || (streq(key, "class") && props.klass == VM_CLASS_ADMINVM))
		return hv_error_set(e, -EINVAL, "VM '%s': invalid %s '%s'", name, key, value);
	if (vm_metadata_xml(&props, &xml) < 0)
		return hv_error_set(e, -ENOMEM, "Out of memory");
	if (virDomainIsActive(dom) == 1)
		flags |= VIR_DOMAIN_AFFECT_LIVE;
	if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, xml, BULKHEAD_XML_PREFIX,
				 BULKHEAD_XML_NS, flags) < 0)
		return libvirt_failed(e, "update", name);
	if (streq(key, "template_for_dispvms") || streq(key, "preload_dispvm_max"))
		hv_dispvm_pool_refill(d);
	/* The menu shows the label and the chosen applications. */
	if (streq(key, "menu") || streq(key, "label"))
		hv_menu_sync(&props);
	return 0;
}

void hv_vm_list_free(struct hv_vm_entry *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		virDomainFree(list[i].dom);
	free(list);
}

int hv_vm_list(struct bulkheadd *d, struct hv_vm_entry **ret, size_t *n)
{
	virDomainPtr *doms = NULL;
	int count = virConnectListAllDomains(d->conn, &doms, 0);
	struct hv_vm_entry *list;

	if (count < 0)
		return -EIO;
	list = calloc((size_t)count + 1, sizeof(*list));
	*n = 0;
	for (int i = 0; i < count; i++) {
		if (list && read_props(doms[i], &list[*n].props) >= 0)
			list[(*n)++].dom = doms[i];
		else
			virDomainFree(doms[i]);
	}
	free(doms);
	if (!list)
		return -ENOMEM;
	*ret = list;
	return 0;
}
