/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each VM boots from its own copy of the kernel and of the initramfs, in its runtime dir, and
 * each copy is emptied (truncated to 0) once QEMU no longer needs it (docs/memory.md).
 *
 * Why: QEMU maps both files for the VM's whole life, as the ROM it would copy into guest RAM
 * again at a reset (for PVH boot, the vmlinux's segments; the initramfs it hands the firmware
 * over fw_cfg). Every page of them it read counts in its PSS: ~33 MiB of kernel and 4 MiB of
 * initramfs, split between the VMs mapping the same file but never freed while one runs.
 * Truncating a file drops its pages beyond the new end from every mapping of it, MAP_PRIVATE
 * included, so QEMU's copy goes. The shared cache in <state>/boot is never truncated: other
 * VMs boot from it.
 *
 * Why it is safe: QEMU reads the kernel once, at the machine's first reset, inside its own
 * start-up (ROMs are written into guest RAM before the monitor answers libvirt), so it is in
 * guest RAM when virDomainCreate returns; the guest's firmware reads the initramfs over fw_cfg
 * before the kernel runs, and once the agent has said hello (the qrexec-daemon's
 * <runtime>/qrexec/<vm>.ready) the kernel has long unpacked it. QEMU would read them again
 * only at a reset, and a Bulkhead VM never resets: its on_reboot and on_crash are destroy
 * (domain-xml.c; libvirt sets QEMU's reboot action to shutdown with QMP set-action before the
 * CPUs first run, so a reset request, the guest's panic=-1 included, ends QEMU), and
 * bulkheadd never asks for one (no virDomainReset, save or migration). Were QEMU to read past
 * the new end anyway, it would fault and the VM stop: it could not boot something else.
 *
 * The copies go with the VM's runtime dir when it stops (libvirt-conn.c) and, left by a crash,
 * when bulkheadd starts. With BULKHEAD_VM_LEAN=0 (the memory benchmark's baseline) VMs boot
 * from the shared files, as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"
#include "log.h"
#include "strutil.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir)

/* Names that still say what they are in QEMU's smaps (the memory benchmark splits by them). */
#define KERNEL_COPY "vmlinux-boot"
#define INITRD_COPY "initramfs-boot.img"
#define COPY_CHUNK (256 * 1024)

static bool all_zero(const char *buf, size_t n)
{
	return n == 0 || (buf[0] == 0 && memcmp(buf, buf + 1, n - 1) == 0);
}

/* [at, end) of in into out at the same offsets, leaving holes where in has zeros: the
 * vmlinux's segments end in megabytes of zeros the loader never reads (elf-trim.h). */
static int copy_range(int in, int out, off_t at, off_t end, char *buf)
{
	while (at < end) {
		size_t want = (size_t)MIN((off_t)COPY_CHUNK, end - at);
		ssize_t n = pread(in, buf, want, at);

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		if (!all_zero(buf, (size_t)n) && pwrite(out, buf, (size_t)n, at) != n)
			return -EIO;
		at += n;
	}
	return 0;
}

/* Only in's data extents (SEEK_DATA/SEEK_HOLE), then out's size set to in's. */
static int copy_sparse(int in, int out, off_t size)
{
	_cleanup_free_ char *buf = malloc(COPY_CHUNK);
	off_t data = 0, hole;
	int r = buf ? 0 : -ENOMEM;

	while (r >= 0 && (data = lseek(in, data, SEEK_DATA)) >= 0) {
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		r = copy_range(in, out, data, hole, buf);
		data = hole;
	}
	if (r < 0 || (data < 0 && errno != ENXIO))
		return r < 0 ? r : -errno;
	return ftruncate(out, size) < 0 ? -errno : 0;
}

/* A reflink where the file system shares blocks (btrfs, XFS), else a sparse copy. A new inode
 * every time: nothing of an earlier boot's file is reused. */
static int copy_file(const char *from, const char *to)
{
	_cleanup_close_ int in = open(from, O_RDONLY | O_CLOEXEC), out = -1;
	struct stat st;
	int r;

	if (in < 0 || fstat(in, &st) < 0)
		return -errno;
	if (unlink(to) < 0 && errno != ENOENT)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	r = copy_sparse(in, out, st.st_size);
	if (r < 0)
		unlink(to);
	return r;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void hv_boot_files_copy(const struct hv_paths *p, const char *vm, struct hv_host_files *files)
{
	char dir[HV_PATH_MAX], kernel[HV_PATH_MAX], initrd[HV_PATH_MAX];
	double t0 = now_ms();
	int r;

	if (!hv_host_lean())
		return;
	r = hv_vm_runtime_dir(p, vm, dir, sizeof(dir));
	if (r >= 0)
		r = hv_mkdir_p(dir, 0700);
	if (r >= 0)
		r = hv_vm_runtime_file(p, vm, KERNEL_COPY, kernel, sizeof(kernel));
	if (r >= 0)
		r = hv_vm_runtime_file(p, vm, INITRD_COPY, initrd, sizeof(initrd));
	if (r >= 0)
		r = copy_file(files->kernel, kernel);
	if (r >= 0)
		r = copy_file(files->initrd, initrd);
	if (r < 0) {
		hv_boot_files_remove(p, vm);
		return (void)log_warning_errno(r,
					       "Cannot copy the boot files of VM %s, it boots "
					       "from the shared ones (they stay mapped): %m",
					       vm);
	}
	log_debug("Copied the boot files of VM %s in %.1f ms", vm, now_ms() - t0);
	str_copy(files->kernel, sizeof(files->kernel), kernel);
	str_copy(files->initrd, sizeof(files->initrd), initrd);
}

static void empty(const struct hv_paths *p, const char *vm, const char *file)
{
	char path[HV_PATH_MAX];

	if (hv_vm_runtime_file(p, vm, file, path, sizeof(path)) < 0)
		return;
	if (truncate(path, 0) < 0 && errno != ENOENT)
		log_warning_errno(errno, "Cannot empty %s: %m", path);
}

void hv_boot_files_started(const struct hv_paths *p, const char *vm)
{
	empty(p, vm, KERNEL_COPY);
}

void hv_boot_files_remove(const struct hv_paths *p, const char *vm)
{
	static const char *const files[] = { KERNEL_COPY, INITRD_COPY };
	char path[HV_PATH_MAX];

	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		if (hv_vm_runtime_file(p, vm, files[i], path, sizeof(path)) >= 0)
			unlink(path);
}

/* "<vm>.ready": that VM's agent said hello, its initramfs is unpacked. */
static void on_ready_file(struct bulkheadd *d, const char *file)
{
	char vm[VM_NAME_MAX + 1];
	const char *dot = strrchr(file, '.');

	if (!dot || !streq(dot, ".ready") || (size_t)(dot - file) >= sizeof(vm))
		return;
	memcpy(vm, file, (size_t)(dot - file));
	vm[dot - file] = '\0';
	if (vm_name_is_valid(vm))
		empty(&d->paths, vm, INITRD_COPY);
}

static void on_qrexec_dir(int watch, int fd, int events, void *opaque)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *at = buf; at < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)at;
			if (ev->len > 0)
				on_ready_file(opaque, ev->name);
			at += sizeof(*ev) + ev->len;
		}
	}
}

static int watch_ready_files(struct bulkheadd *d)
{
	char dir[HV_PATH_MAX];
	int r = str_printf(dir, sizeof(dir), "%s/qrexec", d->paths.runtime_dir);

	if (r >= 0)
		r = hv_mkdir_p(dir, 0700);
	if (r < 0)
		return r;
	d->boot_inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->boot_inotify < 0 || inotify_add_watch(d->boot_inotify, dir, IN_CREATE) < 0)
		return -errno;
	d->boot_watch = virEventAddHandle(d->boot_inotify, VIR_EVENT_HANDLE_READABLE, on_qrexec_dir,
					  d, NULL);
	return d->boot_watch < 0 ? -EIO : 0;
}

/* What a VM left before bulkheadd (re)started: a running VM's copies are emptied as far as
 * it is ready, a stopped VM's removed. */
static void tidy_one(struct bulkheadd *d, const char *vm)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, vm);
	char ready[HV_PATH_MAX];

	if (!dom || virDomainIsActive(dom) != 1)
		return hv_boot_files_remove(&d->paths, vm);
	hv_boot_files_started(&d->paths, vm);
	if (str_printf(ready, sizeof(ready), "%s/qrexec/%s.ready", d->paths.runtime_dir, vm) >= 0 &&
	    access(ready, F_OK) == 0)
		empty(&d->paths, vm, INITRD_COPY);
}

static void tidy_leftovers(struct bulkheadd *d)
{
	char vms[HV_PATH_MAX];
	_cleanup_(closedirp) DIR *dir = NULL;
	struct dirent *de;

	if (str_printf(vms, sizeof(vms), "%s/vms", d->paths.runtime_dir) < 0 ||
	    !(dir = opendir(vms)))
		return;
	while ((de = readdir(dir)))
		if (vm_name_is_valid(de->d_name))
			tidy_one(d, de->d_name);
}

int hv_boot_files_init(struct bulkheadd *d)
{
	int r = watch_ready_files(d);

	tidy_leftovers(d);
	if (r < 0)
		return log_warning_errno(r, "Cannot watch for ready VMs, their initramfs copies "
					    "stay mapped: %m");
	return 0;
}

void hv_boot_files_finish(struct bulkheadd *d)
{
	if (d->boot_watch >= 0)
		virEventRemoveHandle(d->boot_watch);
	d->boot_watch = -1;
	d->boot_inotify = safe_close(d->boot_inotify);
}
