/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `host` template (ARCHITECTURE.md): the host's own Debian kernel, an initramfs Bulkhead
 * generates once per kernel version (and again whenever the guest init changes), the host's
 * /usr read-only, and a private qcow2 volume per VM for /home/user.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "domain-xml.h"
#include "elf-trim.h"
#include "hv.h"
#include "log.h"
#include "macro.h"
#include "strutil.h"

#ifndef BULKHEAD_LIBEXECDIR
#define BULKHEAD_LIBEXECDIR "/usr/local/libexec/bulkhead"
#endif
#ifndef BULKHEAD_GUEST_DIR
#define BULKHEAD_GUEST_DIR "/usr/local/lib/bulkhead/guest"
#endif

#define HOME_VOLUME_SIZE "2G"

/* Installed kernels in /boot with their modules present; the newest (by version sort) wins,
 * so a kernel upgrade reaches VMs at their next start. */
static int find_kernel_version(char *buf, size_t size)
{
	struct dirent **list = NULL;
	int n = scandir("/boot", &list, NULL, versionsort), r = -ENOENT;
	char mods[HV_PATH_MAX];

	for (int i = n - 1; i >= 0; i--) {
		const char *v = str_startswith(list[i]->d_name, "vmlinuz-");
		if (r < 0 && v &&
		    str_printf(mods, sizeof(mods), "/lib/modules/%s/modules.dep", v) >= 0 &&
		    access(mods, R_OK) == 0)
			r = str_copy(buf, size, v);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return r;
}

static bool is_older(const char *path, const char *than)
{
	struct stat a, b;

	if (stat(path, &a) < 0)
		return true;
	return stat(than, &b) == 0 && a.st_mtime < b.st_mtime;
}

static int make_initramfs(const char *kver, const char *out)
{
	char init[HV_PATH_MAX], tool[HV_PATH_MAX];

	hv_program_path("BULKHEAD_GUEST_INIT", BULKHEAD_LIBEXECDIR, "guest-init", init,
			sizeof(init));
	hv_program_path("BULKHEAD_MKINITRAMFS", BULKHEAD_LIBEXECDIR, "bulkhead-mkinitramfs", tool,
			sizeof(tool));
	/* Also when the host's alternatives changed: the initramfs carries a copy of them. */
	if (!is_older(out, init) && !is_older(out, tool) && !is_older(out, "/etc/alternatives"))
		return 0;
	log_info("Generating the guest initramfs for kernel %s", kver);
	return hv_run((const char *const[]){ tool, "--init", init, "--kernel-version", kver,
					     "--output", out, NULL });
}

/* The memory-saving settings are on unless $BULKHEAD_VM_LEAN=0: the memory benchmark's
 * baseline, measured in the same run (tests/bench/hypervisor/bench-memory.sh). */
bool hv_host_lean(void)
{
	const char *env = getenv("BULKHEAD_VM_LEAN");

	return !(env && streq(env, "0"));
}

/* The cached vmlinux without the zeros QEMU would map (elf-trim.h): on every start, as a
 * cache from before the trim is trimmed too, and trimming a trimmed file only reads its
 * headers and last bytes. A failure costs memory, not the boot. */
static void trim_vmlinux(const char *elf)
{
	_cleanup_close_ int fd = open(elf, O_RDWR | O_CLOEXEC);
	int r = fd < 0 ? -errno : hv_elf_trim_zero_tails(fd);

	if (r < 0)
		log_warning_errno(r, "Cannot trim %s, QEMU will map its zeros: %m", elf);
}

/* The uncompressed kernel for PVH boot, cached beside the initramfs; the compressed bzImage
 * when this kernel cannot boot that way. The benchmark's baseline keeps an untrimmed copy of
 * its own. */
static int pick_kernel(const char *kver, const char *dir, char *ret, size_t size)
{
	char bz[HV_PATH_MAX], config[HV_PATH_MAX], elf[HV_PATH_MAX], tool[HV_PATH_MAX];
	bool lean = hv_host_lean();

	if (str_printf(bz, sizeof(bz), "/boot/vmlinuz-%s", kver) < 0 ||
	    str_printf(config, sizeof(config), "/boot/config-%s", kver) < 0 ||
	    str_printf(elf, sizeof(elf), "%s/vmlinux-%s%s", dir, kver, lean ? "" : "-full") < 0)
		return -ENAMETOOLONG;
	hv_program_path("BULKHEAD_EXTRACT_VMLINUX", BULKHEAD_LIBEXECDIR, "bulkhead-extract-vmlinux",
			tool, sizeof(tool));
	if (!is_older(elf, bz) ||
	    hv_run((const char *const[]){ tool, bz, config, elf, NULL }) >= 0) {
		if (lean)
			trim_vmlinux(elf);
		return str_copy(ret, size, elf);
	}
	log_notice("Booting %s compressed: slower under emulation", bz);
	return str_copy(ret, size, bz);
}

int hv_host_prepare_boot(const struct hv_paths *p, struct hv_host_files *ret)
{
	char kver[256], dir[HV_PATH_MAX];
	int r = find_kernel_version(kver, sizeof(kver));

	if (r < 0)
		return log_error_errno(r, "No kernel in /boot with modules in /lib/modules "
					  "(install linux-image-amd64)");
	r = str_printf(dir, sizeof(dir), "%s/boot", p->state_dir);
	if (r >= 0)
		r = hv_mkdir_p(dir, 0700);
	if (r >= 0)
		r = str_printf(ret->initrd, sizeof(ret->initrd), "%s/initramfs-%s.img", dir, kver);
	if (r >= 0)
		r = pick_kernel(kver, dir, ret->kernel, sizeof(ret->kernel));
	if (r < 0)
		return log_error_errno(r, "Cannot prepare %s: %m", dir);
	return make_initramfs(kver, ret->initrd);
}

/* ext4 made on a sparse raw file (mkfs cannot write qcow2), then converted: both take
 * milliseconds, and the guest never formats anything under emulation. */
int hv_host_create_volume(const struct hv_paths *p, const char *name)
{
	char dir[HV_PATH_MAX], raw[HV_PATH_MAX], qcow[HV_PATH_MAX];
	int r = hv_vm_state_dir(p, name, dir, sizeof(dir));

	if (r >= 0)
		r = hv_mkdir_p(dir, 0700);
	if (r >= 0)
		r = str_printf(raw, sizeof(raw), "%s/private.raw", dir);
	if (r >= 0)
		r = str_printf(qcow, sizeof(qcow), "%s/private.qcow2", dir);
	if (r < 0)
		return log_error_errno(r, "Cannot prepare %s: %m", dir);
	r = hv_run((const char *const[]){ "truncate", "-s", HOME_VOLUME_SIZE, raw, NULL });
	if (r >= 0)
		r = hv_run((const char *const[]){ "mkfs.ext4", "-q", "-F", "-L", "home", "-E",
						  "root_owner=1000:1000", raw, NULL });
	if (r >= 0)
		r = hv_run((const char *const[]){ "qemu-img", "convert", "-q", "-O", "qcow2", raw,
						  qcow, NULL });
	unlink(raw);
	return r;
}

struct vm_files {
	char volume[HV_PATH_MAX], console[HV_PATH_MAX], qrexec[HV_PATH_MAX], gui[HV_PATH_MAX];
	char net[HV_PATH_MAX], gui_shm[HV_PATH_MAX];
};

static int vm_files(const struct hv_paths *p, const char *name, struct vm_files *f)
{
	char sdir[HV_PATH_MAX], rdir[HV_PATH_MAX];
	int r = hv_vm_state_dir(p, name, sdir, sizeof(sdir));

	if (r >= 0)
		r = hv_vm_runtime_dir(p, name, rdir, sizeof(rdir));
	if (r >= 0)
		r = str_printf(f->volume, sizeof(f->volume), "%s/private.qcow2", sdir);
	if (r >= 0)
		r = str_printf(f->console, sizeof(f->console), "%s/console.log", sdir);
	if (r >= 0)
		r = str_printf(f->qrexec, sizeof(f->qrexec), "%s/qrexec.sock", rdir);
	if (r >= 0)
		r = str_printf(f->gui, sizeof(f->gui), "%s/gui.sock", rdir);
	if (r >= 0)
		r = hv_vm_runtime_file(p, name, HV_NET_GUEST_SOCKET, f->net, sizeof(f->net));
	if (r >= 0)
		r = hv_vm_runtime_file(p, name, HV_GUI_SHM, f->gui_shm, sizeof(f->gui_shm));
	return r;
}

/* The guest dir: $BULKHEAD_GUEST_DIR (a build tree's build/guest), else the installed one. */
static const char *guest_dir(void)
{
	const char *env = getenv("BULKHEAD_GUEST_DIR");

	return env && env[0] ? env : BULKHEAD_GUEST_DIR;
}

/* A VM runs an X server and the gui agent when the guest dir has one, unless
 * $BULKHEAD_GUEST_GUI=0 (headless tests and demos: VMs without X boot faster). */
static bool guest_has_gui(const char *dir)
{
	const char *env = getenv("BULKHEAD_GUEST_GUI");
	char path[HV_PATH_MAX];

	if (env && streq(env, "0"))
		return false;
	return str_printf(path, sizeof(path), "%s/bin/gui-agent", dir) >= 0 &&
	       access(path, X_OK) == 0;
}

bool hv_host_guest_gui(void)
{
	return guest_has_gui(guest_dir());
}

/* Under /usr the guest sees the dir as it is; elsewhere its parent is shared over 9p. */
static int guest_dir_config(const char *dir, struct vm_host_config *h, char *parent, size_t size)
{
	const char *slash = strrchr(dir, '/');

	if (str_startswith(dir, "/usr/")) {
		h->guest_usr_path = dir;
		return 0;
	}
	if (!slash || slash == dir || str_copy(parent, size, dir) < 0)
		return -EINVAL;
	parent[slash - dir] = '\0';
	h->guest_share = parent;
	h->guest_sub = slash + 1;
	return 0;
}

int hv_host_domain_xml(const struct hv_paths *p, const struct hv_host_files *files,
		       const struct vm_props *props, const char *uuid, char **ret)
{
	struct vm_files f;
	char share[HV_PATH_MAX];
	const char *dir = guest_dir();
	struct vm_host_config h = {
		.uuid = uuid,
		.domain_type = hv_kvm_usable() ? "kvm" : "qemu",
		.emulator = "/usr/bin/qemu-system-x86_64",
		.machine = "q35",
		.kernel = files->kernel,
		.initrd = files->initrd,
		.usr_dir = "/usr",
		.gui = guest_has_gui(dir),
		.home_volume = f.volume,
		.qrexec_socket = f.qrexec,
		.gui_socket = f.gui,
		.console_log = f.console,
		.net_socket = props->net == VM_NET_NAT ? f.net : NULL,
		.lean = hv_host_lean(),
	};
	h.gui_shm = h.gui ? f.gui_shm : NULL;
	h.gui_shm_mib = HV_GUI_SHM_MIB;
	int r = vm_files(p, props->name, &f);

	if (r >= 0)
		r = guest_dir_config(dir, &h, share, sizeof(share));
	if (r < 0)
		return r;
	return vm_domain_xml(props, &h, ret);
}
