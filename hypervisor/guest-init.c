/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's PID 1, from the initramfs Bulkhead generates (bulkhead-mkinitramfs). Statically
 * linked: nothing else exists in the guest until it has mounted the host's /usr.
 *
 *   1. proc, sys, devtmpfs; the modules in /modules, in file-name order (the generator numbers
 *      them in the order PLATFORM.md measured: virtio, virtio_pci, virtio_console, 9p, ...),
 *      and those in /modules/net only for a VM with a NIC (bulkhead.net=);
 *   2. a tmpfs root: the host's /usr over 9p (tag hostusr, read-only), bin/sbin/lib/lib64 as
 *      symlinks into it, Bulkhead's guest programs (tag bulkhead, read-only) at /opt/bulkhead,
 *      the private volume (/dev/vda, ext4) at /home/user, a generated /etc; lo up, and for
 *      a VM with bulkhead.net= its NIC's address, route and resolv.conf (guest-init-net.c);
 *   3. qrexec-agent on /dev/virtio-ports/org.bulkhead.qrexec.0 (and, for GUI VMs, Xvfb and the
 *      gui agent), restarted if they die; then reap children until the ACPI power button or
 *      SIGTERM/SIGPWR asks for a clean power-off.
 *
 * Trust: runs inside the VM and reads only what the host put on the kernel command line and
 * in the initramfs. Nothing here crosses to the host except the console and the agents' ports
 * (and a nat VM's NIC, which the host's net-filter guards whatever the guest does with it).
 *
 * Not built with sanitizers and not linked with libcommon (which may be): it must run alone.
 */
#include "guest-init.h"

int main(int argc, char **argv)
{
	struct init_config cfg = { 0 };
	double t0 = init_uptime(), t_mod, t_root, t_etc;

	init_early_mounts();
	init_read_cmdline(&cfg);
	init_load_modules("/modules");
	if (cfg.net[0])
		init_load_modules("/modules/net");
	t_mod = init_uptime();
	if (init_make_root(&cfg) < 0)
		init_fail("cannot build the root file system");
	t_root = init_uptime();
	init_write_etc(&cfg);
	init_setup_net(&cfg);
	init_create_port_links();
	t_etc = init_uptime();
	init_start_services(&cfg);
	/* The stages' costs, for the boot profile in docs/vm-boot.md. */
	init_log("ready in %.2f s (guest uptime %.2f s; modules %.2f, mounts %.2f, etc+net %.2f, "
		 "services %.2f)",
		 init_uptime() - t0, init_uptime(), t_mod - t0, t_root - t_mod, t_etc - t_root,
		 init_uptime() - t_etc);
	init_announce_ready(&cfg);
	init_trim_memory(&cfg);
	return init_supervise(&cfg);
}
