/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A running VM's private volume as it is at one instant, for `vmctl backup`: libvirt's
 * push-mode backup job (virDomainBackupBegin) has QEMU copy the disk into a new qcow2 file
 * while the guest keeps running; what the guest writes meanwhile does not reach the copy.
 * No checkpoint is asked for, so libvirt keeps no metadata and the VM's own disk chain is
 * never touched; the copy, <state>/vms/<vm>/backup-copy.qcow2, is the caller's to delete
 * (and a copy left by a caller that died is deleted by the next one).
 *
 * bulkheadd's loop goes on while QEMU copies: the D-Bus reply waits (dbus-service.c) and the
 * job is polled, so other VMs are served meanwhile.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hv.h"
#include "log.h"
#include "strutil.h"

#define COPY_WAIT_MS (120 * 1000)

static int begin_copy(virDomainPtr dom, const char *name, const char *path, struct hv_error *e)
{
	_cleanup_free_ char *xml = NULL;

	/* Only vda, the private volume; the root is a read-only share, not a disk. */
	xml = str_new_printf("<domainbackup mode='push'><disks><disk name='vda' type='file'>"
			     "<driver type='qcow2'/><target file='%s'/></disk></disks>"
			     "</domainbackup>",
			     path);
	if (!xml)
		return hv_error_set(e, -ENOMEM, "Out of memory");
	if (virDomainBackupBegin(dom, xml, NULL, 0) < 0)
		return hv_error_set(e, -EIO, "VM '%s': cannot start the copy of its volume: %s",
				    name, virGetLastErrorMessage());
	return 0;
}

/* The job gone: whether it completed. */
static int copy_result(virDomainPtr dom, const char *name, struct hv_error *e)
{
	virTypedParameterPtr params = NULL;
	int type = VIR_DOMAIN_JOB_NONE, n = 0;

	if (virDomainGetJobStats(dom, &type, &params, &n, VIR_DOMAIN_JOB_STATS_COMPLETED) < 0)
		type = VIR_DOMAIN_JOB_FAILED;
	virTypedParamsFree(params, n);
	if (type != VIR_DOMAIN_JOB_COMPLETED)
		return hv_error_set(e, -EIO, "VM '%s': the copy of its volume failed", name);
	return 0;
}

static int job_state(virDomainPtr dom, const char *name, int waited_ms, struct hv_error *e)
{
	virDomainJobInfo info;

	if (!dom || virDomainGetJobInfo(dom, &info) < 0)
		return hv_error_set(e, -EIO, "VM '%s': the copy's job is lost: %s", name,
				    virGetLastErrorMessage());
	if (info.type == VIR_DOMAIN_JOB_NONE)
		return copy_result(dom, name, e);
	if (waited_ms < COPY_WAIT_MS)
		return 1;
	virDomainAbortJob(dom);
	return hv_error_set(e, -ETIMEDOUT, "VM '%s': the copy took over %d s", name,
			    COPY_WAIT_MS / 1000);
}

int hv_vm_copy_volume_poll(struct bulkheadd *d, const char *name, const char *path, int waited_ms,
			   struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, name);
	int r = job_state(dom, name, waited_ms, e);

	if (r < 0)
		unlink(path);
	else if (r == 0)
		log_info("VM '%s': consistent copy of its volume in %s", name, path);
	return r;
}

int hv_vm_copy_volume_begin(struct bulkheadd *d, const char *name, char *path, size_t size,
			    struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	char dir[HV_PATH_MAX];
	struct vm_props p;
	int r = hv_vm_get(d, name, &dom, &p, e);

	if (r < 0)
		return r;
	if (!streq(hv_vm_state(dom), "Running"))
		return hv_error_set(e, -ESRCH, "VM '%s' is not running: back up its volume itself",
				    name);
	if (hv_vm_state_dir(&d->paths, name, dir, sizeof(dir)) < 0 ||
	    str_printf(path, size, "%s/backup-copy.qcow2", dir) < 0)
		return hv_error_set(e, -ENAMETOOLONG, "VM '%s': path too long", name);
	if (strpbrk(path, "'\"<>&")) /* it goes into XML as it is */
		return hv_error_set(e, -EINVAL, "VM '%s': unusual characters in %s", name, path);
	if (unlink(path) < 0 && errno != ENOENT)
		return hv_error_set(e, -errno, "VM '%s': cannot remove %s: %m", name, path);
	r = begin_copy(dom, name, path, e);
	if (r < 0)
		unlink(path);
	return r;
}
