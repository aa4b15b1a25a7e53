/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer's system-call filter, loaded after its namespaces and mounts are set up and
 * before poppler runs (inherited across execve: no_new_privs is set). A deny list, so that
 * poppler, fontconfig and the C library run unchanged: what it refuses is what a parser of
 * documents never needs and an exploit likes to reach for: sockets, debugging other
 * processes, new namespaces and mounts, the keyring, BPF, perf, modules, io_uring,
 * userfaultfd. Each fails with EPERM (clone3 with ENOSYS, so the C library falls back to clone).
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>

#include "render-internal.h"

static const int denied[] = {
	SCMP_SYS(socket),
	SCMP_SYS(socketpair),
	SCMP_SYS(connect),
	SCMP_SYS(bind),
	SCMP_SYS(listen),
	SCMP_SYS(accept4),
	SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev),
	SCMP_SYS(mount),
	SCMP_SYS(umount2),
	SCMP_SYS(pivot_root),
	SCMP_SYS(chroot),
	SCMP_SYS(unshare),
	SCMP_SYS(setns),
	SCMP_SYS(keyctl),
	SCMP_SYS(add_key),
	SCMP_SYS(request_key),
	SCMP_SYS(bpf),
	SCMP_SYS(perf_event_open),
	SCMP_SYS(init_module),
	SCMP_SYS(finit_module),
	SCMP_SYS(delete_module),
	SCMP_SYS(kexec_load),
	SCMP_SYS(userfaultfd),
	SCMP_SYS(io_uring_setup),
	SCMP_SYS(open_by_handle_at),
	SCMP_SYS(name_to_handle_at),
	SCMP_SYS(fanotify_init),
	SCMP_SYS(personality),
	SCMP_SYS(reboot),
	SCMP_SYS(swapon),
	SCMP_SYS(syslog),
};

static const unsigned long new_namespaces[] = {
	CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWNET,    CLONE_NEWPID,
	CLONE_NEWIPC,  CLONE_NEWUTS, CLONE_NEWCGROUP,
};

static int add_rules(scmp_filter_ctx ctx)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(denied) / sizeof(denied[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* fork stays; a clone that asks for any new namespace does not. */
	for (size_t i = 0; r == 0 && i < sizeof(new_namespaces) / sizeof(new_namespaces[0]); i++)
		r = seccomp_rule_add(
			ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
			SCMP_A0(SCMP_CMP_MASKED_EQ, new_namespaces[i], new_namespaces[i]));
	return r;
}

int print_render_seccomp(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx)
		return -ENOMEM;
	int r = add_rules(ctx);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}
