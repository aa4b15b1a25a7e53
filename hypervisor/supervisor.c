/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each running VM's host-side daemons: qrexec-daemon on the VM's qrexec channel, guid on
 * its gui channel when bulkheadd has a display, and for a VM with net nat the net-filter
 * between the VM's NIC and the passt it runs (ARCHITECTURE.md: one process per VM per
 * untrusted stream). They die with bulkheadd (PR_SET_PDEATHSIG), so a restarted bulkheadd
 * starts fresh ones for the VMs it finds running.
 *
 * Only the daemons' own pids are ever waited for: libvirt runs and waits for children of its
 * own in this process, and a waitpid(-1) here would steal them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "fdio.h"
#include "hv.h"
#include "log.h"
#include "paths.h"
#include "strutil.h"

#ifndef BULKHEAD_LIBEXECDIR
#define BULKHEAD_LIBEXECDIR "/usr/local/libexec/bulkhead"
#endif

#define MAX_RESTARTS 3
/* A daemon usually dies because its VM is going away; by the time this has passed, libvirt
 * has told us so, and only a daemon that died on its own is restarted. */
#define RESPAWN_DELAY_MS 2000

static const struct daemon_kind {
	const char *name, *env, *dir;
} kinds[HV_DAEMON_KINDS] = {
	[HV_DAEMON_QREXEC] = { "qrexec-daemon", "BULKHEAD_QREXEC_DAEMON", BULKHEAD_LIBEXECDIR },
	[HV_DAEMON_GUID] = { "guid", "BULKHEAD_GUID", BULKHEAD_LIBEXECDIR },
	[HV_DAEMON_NETFILTER] = { "net-filter", "BULKHEAD_NET_FILTER", BULKHEAD_LIBEXECDIR },
};

/* A daemon's command line and the strings it points into. */
struct spawn_args {
	char exe[HV_PATH_MAX], dir[HV_PATH_MAX], sock[HV_PATH_MAX], passt[HV_PATH_MAX];
	char rules[HV_PATH_MAX], shm[HV_PATH_MAX];
	const char *argv[32];
};

static struct hv_daemon *find(struct bulkheadd *d, const char *name, bool create)
{
	struct hv_daemon *free_slot = NULL;

	for (size_t i = 0; i < HV_MAX_VMS; i++) {
		if (streq(d->daemons[i].vm, name))
			return &d->daemons[i];
		if (!free_slot && !d->daemons[i].vm[0])
			free_slot = &d->daemons[i];
	}
	if (create && free_slot) {
		*free_slot =
			(struct hv_daemon){ .respawn_timer = -1, .gui_ready_fd = -1, .owner = d };
		str_copy(free_slot->vm, sizeof(free_slot->vm), name);
	}
	return create ? free_slot : NULL;
}

static void close_ready_pipe(struct hv_daemon *dm)
{
	if (dm->gui_ready_fd >= 0)
		close(dm->gui_ready_fd);
	dm->gui_ready_fd = -1;
}

/* The VM and all its daemons are gone: the slot is free. */
static void release(struct hv_daemon *dm)
{
	close_ready_pipe(dm);
	dm->vm[0] = '\0';
}

static bool any_alive(const struct hv_daemon *dm)
{
	for (size_t k = 0; k < HV_DAEMON_KINDS; k++)
		if (dm->pid[k] > 0)
			return true;
	return false;
}

/* The qrexec daemon's control socket is its to remove, but a daemon that was killed cannot. */
static void remove_control_socket(struct bulkheadd *d, const char *vm)
{
	char path[HV_PATH_MAX];

	if (str_printf(path, sizeof(path), "%s/qrexec/%s.sock", d->paths.runtime_dir, vm) >= 0)
		unlink(path);
	if (str_printf(path, sizeof(path), "%s/qrexec/%s.ready", d->paths.runtime_dir, vm) >= 0)
		unlink(path);
}

/* QEMU leaves its ivshmem file behind: a VM started later under the same name (a disposable's
 * is reused) must not find this one's pixels in it. guid's mapping outlives the name. */
static void remove_gui_region(struct bulkheadd *d, const char *vm)
{
	char path[HV_PATH_MAX];

	if (hv_vm_runtime_file(&d->paths, vm, HV_GUI_SHM, path, sizeof(path)) >= 0)
		unlink(path);
}

/* The one fd a daemon inherits becomes its fd 3: guid's --ready-fd pipe, qrexec-daemon's
 * --listen-fd socket. */
#define PASS_FD 3
#define PASS_FD_ARG "3"

static _noreturn_ void exec_daemon(const char *exe, const char *const argv[], int pass_fd)
{
	sigset_t none;

	/* dup2 onto another number drops O_CLOEXEC; onto itself it keeps it. */
	if (pass_fd >= 0 &&
	    (pass_fd == PASS_FD ? fcntl(pass_fd, F_SETFD, 0) : dup2(pass_fd, PASS_FD)) < 0)
		_exit(127);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	execv(exe, (char *const *)argv);
	log_error_errno(errno, "Cannot run %s: %m", exe);
	_exit(127);
}

/* guid only with a host display to draw on and a guest display to show; net-filter (which runs the VM's passt) only for a
 * VM with a NIC; qrexec-daemon always. */
static bool wanted(const struct hv_daemon *dm, enum hv_daemon_kind k, const char *exe)
{
	const char *display = getenv("DISPLAY");

	if (k == HV_DAEMON_GUID && (!display || !display[0] || !hv_host_guest_gui()))
		return false;
	if (k == HV_DAEMON_NETFILTER && !dm->net)
		return false;
	if (access(exe, X_OK) == 0)
		return true;
	/* Without its filter a nat VM's NIC stays unconnected: say why it has no network. */
	if (k == HV_DAEMON_NETFILTER)
		log_warning("VM %s has net nat but %s is missing: it has no network", dm->vm, exe);
	return false;
}

static void set_argv(struct spawn_args *a, const char *const *argv)
{
	size_t i = 0;

	for (; argv[i] && i + 1 < ELEMENTSOF(a->argv); i++)
		a->argv[i] = argv[i];
	a->argv[i] = NULL;
}

static int channel_argv(struct bulkheadd *d, struct hv_daemon *dm, enum hv_daemon_kind k,
			struct spawn_args *a)
{
	int r = str_printf(a->sock, sizeof(a->sock), "%s/%s", a->dir,
			   k == HV_DAEMON_QREXEC ? "qrexec.sock" : "gui.sock");

	if (r >= 0)
		r = str_printf(a->shm, sizeof(a->shm), "%s/%s", a->dir, HV_GUI_SHM);

	if (k == HV_DAEMON_QREXEC)
		set_argv(a, (const char *const[]){ a->exe, "--domain", dm->vm, "--channel", a->sock,
						   "--runtime-dir", d->paths.runtime_dir,
						   "--listen-fd", PASS_FD_ARG,
						   dm->disposable ? "--disposable" : NULL, NULL });
	else
		set_argv(a, (const char *const[]){ a->exe, "--domain", dm->vm, "--label", dm->label,
						   "--channel", a->sock, "--ready-fd", PASS_FD_ARG,
						   "--shm", a->shm, NULL });
	return r;
}

/* The rules are compiled first: a filter that finds none denies everything. */
static int filter_argv(struct bulkheadd *d, struct hv_daemon *dm, struct spawn_args *a)
{
	int r = hv_vm_runtime_file(&d->paths, dm->vm, HV_NET_GUEST_SOCKET, a->sock,
				   sizeof(a->sock));

	if (r >= 0)
		r = hv_program_path("BULKHEAD_PASST", "/usr/bin", "passt", a->passt,
				    sizeof(a->passt));
	if (r >= 0)
		r = hv_vm_runtime_file(&d->paths, dm->vm, HV_NET_RULES, a->rules, sizeof(a->rules));
	if (r < 0)
		return r;
	hv_firewall_compile(d, dm->vm);
	set_argv(a, (const char *const[]){ a->exe, "--domain", dm->vm, "--guest", a->sock,
					   "--passt", a->passt, "--rules", a->rules, NULL });
	return 0;
}

static int build_argv(struct bulkheadd *d, struct hv_daemon *dm, enum hv_daemon_kind k,
		      struct spawn_args *a)
{
	int r = hv_vm_runtime_dir(&d->paths, dm->vm, a->dir, sizeof(a->dir));

	if (r < 0)
		return r;
	switch (k) {
	case HV_DAEMON_NETFILTER:
		return filter_argv(d, dm, a);
	default:
		return channel_argv(d, dm, k, a);
	}
}

/* A new guid, a new pipe: whatever an earlier one said is of a GUI that is gone. */
static int open_ready_pipe(struct hv_daemon *dm, int ready[2])
{
	close_ready_pipe(dm);
	dm->gui_wanted = true;
	dm->gui_ready = false;
	if (pipe2(ready, O_CLOEXEC) < 0)
		return -errno;
	fd_set_nonblock(ready[0], true);
	dm->gui_ready_fd = ready[0];
	return 0;
}

/* The control socket is bound here, before the daemon runs, so it exists from the moment
 * the VM is reported started: `vmctl` and the other VMs' daemons look for it and would
 * otherwise race the daemon's own start (the call is queued in the backlog until it accepts). */
static int bind_control_socket(struct bulkheadd *d, const char *vm)
{
	char dir[HV_PATH_MAX], path[HV_PATH_MAX];
	int r = str_printf(dir, sizeof(dir), "%s/qrexec", d->paths.runtime_dir);

	if (r >= 0)
		r = str_printf(path, sizeof(path), "%s/%s.sock", dir, vm);
	if (r >= 0)
		r = mkdir_parents_private(dir);
	if (r >= 0)
		r = channel_listen(path);
	if (r < 0)
		log_error_errno(r, "Cannot listen on the qrexec socket of %s: %m", vm);
	return r;
}

static bool inherits_fd(enum hv_daemon_kind k)
{
	return k == HV_DAEMON_QREXEC || k == HV_DAEMON_GUID;
}

/* The fd the daemon of kind k (one that inherits_fd) gets as PASS_FD; of guid's ready pipe,
 * this process keeps the read end. */
static int passed_fd(struct bulkheadd *d, struct hv_daemon *dm, enum hv_daemon_kind k)
{
	int ready[2], r;

	if (k == HV_DAEMON_QREXEC)
		return bind_control_socket(d, dm->vm);
	r = open_ready_pipe(dm, ready);
	if (r < 0)
		return log_error_errno(r, "pipe for guid of %s: %m", dm->vm);
	return ready[1];
}

static void spawn(struct bulkheadd *d, struct hv_daemon *dm, enum hv_daemon_kind k)
{
	struct spawn_args a;
	int pass;
	pid_t pid;

	if (hv_program_path(kinds[k].env, kinds[k].dir, kinds[k].name, a.exe, sizeof(a.exe)) < 0 ||
	    !wanted(dm, k, a.exe) || build_argv(d, dm, k, &a) < 0)
		return;
	pass = inherits_fd(k) ? passed_fd(d, dm, k) : -1;
	if (inherits_fd(k) && pass < 0)
		return;
	pid = fork();
	if (pid == 0)
		exec_daemon(a.exe, a.argv, pass);
	if (pass >= 0)
		close(pass);
	if (pid < 0)
		return (void)log_error_errno(errno, "fork for %s of %s: %m", kinds[k].name, dm->vm);
	dm->pid[k] = pid;
	log_info("Started %s for %s (pid %d)", kinds[k].name, dm->vm, (int)pid);
}

/* A VM with net nat has a NIC, and net-filter guards it. */
static bool has_nic(struct bulkheadd *d, const char *name)
{
	struct hv_error e = { 0 };
	struct vm_props p;

	return hv_vm_get(d, name, NULL, &p, &e) >= 0 && p.net == VM_NET_NAT;
}

static void spawn_missing(struct bulkheadd *d, struct hv_daemon *dm)
{
	for (size_t k = 0; k < HV_DAEMON_KINDS; k++)
		if (dm->pid[k] <= 0)
			spawn(d, dm, (enum hv_daemon_kind)k);
}

void hv_supervisor_vm_started(struct bulkheadd *d, const char *name, const char *label,
			      bool disposable)
{
	struct hv_daemon *dm = find(d, name, true);

	if (!dm)
		return (void)log_error("Too many running VMs to supervise %s", name);
	str_copy(dm->label, sizeof(dm->label), label);
	dm->disposable |= disposable;
	dm->net = has_nic(d, name);
	dm->vm_running = true;
	dm->restarts = 0;
	spawn_missing(d, dm);
	if (!dm->pid[HV_DAEMON_QREXEC])
		log_notice("No qrexec-daemon: VM %s runs without the RPC broker", name);
}

void hv_supervisor_vm_stopped(struct bulkheadd *d, const char *name)
{
	struct hv_daemon *dm = find(d, name, false);

	if (!dm)
		return;
	dm->vm_running = false;
	remove_gui_region(d, dm->vm);
	if (dm->respawn_timer >= 0) {
		virEventRemoveTimeout(dm->respawn_timer);
		dm->respawn_timer = -1;
	}
	for (size_t k = 0; k < HV_DAEMON_KINDS; k++)
		if (dm->pid[k] > 0)
			kill(dm->pid[k], SIGTERM);
	if (!any_alive(dm)) {
		remove_control_socket(d, dm->vm);
		release(dm);
	}
	hv_supervisor_reap(d);
}

bool hv_supervisor_gui_ready(struct bulkheadd *d, const char *name)
{
	struct hv_daemon *dm = find(d, name, false);
	char buf[8];

	if (!dm)
		return false;
	if (!dm->gui_wanted || dm->gui_ready)
		return true;
	if (dm->gui_ready_fd >= 0 && read(dm->gui_ready_fd, buf, sizeof(buf)) > 0) {
		dm->gui_ready = true;
		close_ready_pipe(dm);
	}
	return dm->gui_ready;
}

void hv_supervisor_reload_filter(struct bulkheadd *d, const char *name)
{
	struct hv_daemon *dm = find(d, name, false);

	if (dm && dm->pid[HV_DAEMON_NETFILTER] > 0)
		kill(dm->pid[HV_DAEMON_NETFILTER], SIGHUP);
}

static void on_respawn(int timer, void *opaque)
{
	struct hv_daemon *dm = opaque;

	virEventRemoveTimeout(timer);
	dm->respawn_timer = -1;
	if (dm->vm_running)
		spawn_missing(dm->owner, dm);
	else if (!any_alive(dm))
		release(dm);
}

static void reap_one(struct bulkheadd *d, struct hv_daemon *dm, enum hv_daemon_kind k)
{
	int status;

	if (dm->pid[k] <= 0 || waitpid(dm->pid[k], &status, WNOHANG) <= 0)
		return;
	log_full_errno(dm->vm_running ? LOG_NOTICE : LOG_INFO, 0, "%s of %s exited (status %d)",
		       kinds[k].name, dm->vm, status);
	dm->pid[k] = 0;
	/* A disposable's broker ends with its last call: so does the disposable. */
	if (dm->vm_running && dm->disposable && k == HV_DAEMON_QREXEC) {
		hv_dispvm_destroy(d, dm->vm);
		return;
	}
	if (!dm->vm_running) {
		if (k == HV_DAEMON_QREXEC)
			remove_control_socket(d, dm->vm);
		if (!any_alive(dm) && dm->respawn_timer < 0)
			release(dm);
	} else if (dm->restarts++ < MAX_RESTARTS && dm->respawn_timer < 0) {
		dm->respawn_timer = virEventAddTimeout(RESPAWN_DELAY_MS, on_respawn, dm, NULL);
	}
}

void hv_supervisor_reap(struct bulkheadd *d)
{
	for (size_t i = 0; i < HV_MAX_VMS; i++)
		for (size_t k = 0; k < HV_DAEMON_KINDS && d->daemons[i].vm[0]; k++)
			reap_one(d, &d->daemons[i], (enum hv_daemon_kind)k);
}

/* bulkheadd exiting: the daemons go with it (the VMs keep running). */
void hv_supervisor_stop_all(struct bulkheadd *d)
{
	for (size_t i = 0; i < HV_MAX_VMS; i++) {
		struct hv_daemon *dm = &d->daemons[i];
		for (size_t k = 0; k < HV_DAEMON_KINDS; k++) {
			if (!dm->vm[0] || dm->pid[k] <= 0)
				continue;
			kill(dm->pid[k], SIGTERM);
			waitpid(dm->pid[k], NULL, 0);
			dm->pid[k] = 0;
		}
	}
}
