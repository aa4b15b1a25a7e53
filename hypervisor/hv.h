/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkheadd's internal interfaces, one section per file. bulkheadd.c wires them:
 *   paths.c       runtime/state dirs and each VM's files
 *   accel.c       KVM only where it really works, else TCG
 *   host-template.c  the `host` template: kernel, cached initramfs, private volume, domain XML
 *   spawn.c       running helper programs (qemu-img, mkfs, mkinitramfs) to completion
 *   libvirt-conn.c   the connection, the event loop, lifecycle events
 *   manager.c     the operations behind Manager1 (create, start, ...), with their errors
 *   supervisor.c  each running VM's qrexec-daemon (and later guid): spawn, reap, stop
 *   dbus-loop.c   libdbus watches and timeouts on libvirt's event loop
 *   dbus-service.c   org.bulkhead.Manager1
 *   menu.c        each VM's applications in the host's menu (desktop entries, a folder per VM)
 *   boot-files.c  each VM's own kernel and initramfs copies, emptied once QEMU has read them
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "macro.h"
#include "net.h"
#include "vm-config.h"

#define HV_PATH_MAX 4096

DEFINE_TRIVIAL_CLEANUP_FUNC(virDomainPtr, virDomainFree)

/* paths.c */
struct hv_paths {
	char state_dir[HV_PATH_MAX];
	char runtime_dir[HV_PATH_MAX];
	char uri[HV_PATH_MAX + 64];
	bool embedded;
};
int hv_paths_init(struct hv_paths *p, const char *state, const char *runtime, const char *uri);
/* <state>/vms/<name>, <runtime>/vms/<name>: a VM's volume and logs; its channel sockets. */
int hv_vm_state_dir(const struct hv_paths *p, const char *name, char *buf, size_t size);
int hv_vm_runtime_dir(const struct hv_paths *p, const char *name, char *buf, size_t size);
/* A file in the VM's runtime dir: the NIC's socket (QEMU listens), the compiled firewall
 * rules net-filter reads. */
#define HV_NET_GUEST_SOCKET "net.sock"
#define HV_NET_RULES "firewall.rules"
/* The file QEMU backs the VM's ivshmem-plain device with: window pixels shared with guid. */
#define HV_GUI_SHM "gui.shm"
#define HV_GUI_SHM_MIB 64
int hv_vm_runtime_file(const struct hv_paths *p, const char *name, const char *file, char *buf,
		       size_t size);
int hv_mkdir_p(const char *path, mode_t mode);
int hv_rm_rf(const char *path);

/* accel.c */
bool hv_kvm_usable(void);

/* spawn.c: run argv to completion, stdout/stderr to ours; 0 if it exited 0, else -EIO. */
int hv_run(const char *const *argv);
/* A helper program: $env if set, else dir/name. */
int hv_program_path(const char *env, const char *dir, const char *name, char *buf, size_t size);

/* host-template.c */
struct hv_host_files {
	char kernel[HV_PATH_MAX];
	char initrd[HV_PATH_MAX];
};
int hv_host_prepare_boot(const struct hv_paths *p, struct hv_host_files *ret);
/* The memory-saving settings (docs/memory.md) are on: unless $BULKHEAD_VM_LEAN=0. */
bool hv_host_lean(void);
/* VMs get an X server and the gui agent (what the domain's bulkhead.gui= says). */
bool hv_host_guest_gui(void);
int hv_host_create_volume(const struct hv_paths *p, const char *name);
/* uuid: the existing domain's when redefining, else NULL. */
int hv_host_domain_xml(const struct hv_paths *p, const struct hv_host_files *files,
		       const struct vm_props *props, const char *uuid, char **ret);

/* The daemon's state, shared by the files below. */
#define HV_MAX_VMS 256

/* The host daemons of one running VM (ARCHITECTURE.md: one process per VM per untrusted
 * stream). */
enum hv_daemon_kind {
	HV_DAEMON_QREXEC,    /* qrexec-daemon on the qrexec channel */
	HV_DAEMON_GUID,	     /* guid on the gui channel, when there is a host display */
	HV_DAEMON_PASST,     /* a nat VM's user-mode network stack */
	HV_DAEMON_NETFILTER, /* a nat VM's firewall, between its NIC and the passt it runs */
	HV_DAEMON_KINDS,
};

struct hv_daemon {
	char vm[VM_NAME_MAX + 1];
	char label[VM_LABEL_MAX + 1];
	pid_t pid[HV_DAEMON_KINDS];
	bool net; /* the VM has a NIC: run net-filter */
	int restarts;
	int respawn_timer; /* -1, or a pending restart of a daemon that died */
	bool disposable;   /* qrexec-daemon --disposable: the VM goes when its daemon does */
	bool gui_wanted;   /* a guid runs for it: the guest has a display and bulkheadd one */
	bool gui_ready;	   /* that guid's agent has connected */
	int gui_ready_fd;  /* read end of guid's --ready-fd pipe, or -1 */
	struct bulkheadd *owner;
	bool vm_running;
};

struct hv_pending; /* dbus-service.c: Shutdown(wait=true) calls awaiting the power-off */

/* dispvm.c: a disposable VM bulkheadd started, running or preloaded. */
#define HV_DISPVM_MAX 64
struct hv_dispvm {
	char name[VM_NAME_MAX + 1];
	char template_name[VM_NAME_MAX + 1];
	bool preload; /* in its template's pool, not yet taken */
	bool paused;  /* preloaded, its agent answered, paused until taken */
	/* "TEMPLATE hold": the requester's connection, whose end destroys the disposable
	 * (-1: none; watch: its event handle). */
	int hold_fd, hold_watch;
};

struct bulkheadd {
	struct hv_paths paths;
	virConnectPtr conn;
	int lifecycle_cb;
	struct DBusConnection *bus;
	int dispatch_timer;
	struct hv_daemon daemons[HV_MAX_VMS];
	struct hv_last_state {
		char vm[VM_NAME_MAX + 1];
		const char *state; /* a string literal */
	} last_state[HV_MAX_VMS];  /* StateChanged is sent on changes only */
	struct hv_pending *pending;
	struct hv_dispvm dispvms[HV_DISPVM_MAX];
	int dispvm_listen, dispvm_watch, dispvm_timer;
	unsigned dispvm_refill_ticks; /* pool ticks until the pool is refilled; 0: none pending */
	int boot_inotify, boot_watch; /* boot-files.c: <runtime>/qrexec watched for ready VMs */
	bool quit;
};

/* An operation's failure: -errno plus the message a user sees. The code picks the D-Bus error:
 * -ENOENT NoSuchVM, -EALREADY AlreadyRunning, -ESRCH NotRunning, -EINVAL InvalidArgument,
 * -ENOMEM NoMemory, anything else Failed. */
struct hv_error {
	int code;
	char message[512];
};
int hv_error_set(struct hv_error *e, int code, const char *fmt, ...) _printf_(3, 4);

/* libvirt-conn.c */
int hv_libvirt_open(struct bulkheadd *d);
void hv_libvirt_close(struct bulkheadd *d);
/* Re-attach to VMs that were running before bulkheadd (re)started; start autostart VMs. */
void hv_libvirt_adopt_running(struct bulkheadd *d);

/* manager.c: every operation names the VM in its error. */
int hv_vm_get(struct bulkheadd *d, const char *name, virDomainPtr *dom, struct vm_props *props,
	      struct hv_error *e);
const char *hv_vm_state(virDomainPtr dom);
int hv_vm_create(struct bulkheadd *d, const struct vm_props *props, struct hv_error *e);
int hv_vm_remove(struct bulkheadd *d, const char *name, struct hv_error *e);
int hv_vm_start(struct bulkheadd *d, const char *name, struct hv_error *e);
int hv_vm_shutdown(struct bulkheadd *d, const char *name, struct hv_error *e);
int hv_vm_kill(struct bulkheadd *d, const char *name, struct hv_error *e);
/* volume-copy.c: a running VM's private volume at this instant, copied into path (a new
 * qcow2 file beside it) by libvirt's backup job; the caller deletes it. _begin starts the
 * copy; _poll, every HV_COPY_POLL_MS, says 1 while QEMU copies, 0 once the copy is whole, or
 * -errno (and removes the file). */
#define HV_COPY_POLL_MS 50
int hv_vm_copy_volume_begin(struct bulkheadd *d, const char *name, char *path, size_t size,
			    struct hv_error *e);
int hv_vm_copy_volume_poll(struct bulkheadd *d, const char *name, const char *path, int waited_ms,
			   struct hv_error *e);
int hv_vm_set_property(struct bulkheadd *d, const char *name, const char *key, const char *value,
		       struct hv_error *e);
/* Every Bulkhead VM, in libvirt's order; *ret and each domain freed by the caller
 * (hv_vm_list_free). */
struct hv_vm_entry {
	virDomainPtr dom;
	struct vm_props props;
};
int hv_vm_list(struct bulkheadd *d, struct hv_vm_entry **ret, size_t *n);
uint64_t hv_mem_available_mib(void);
/* -ENOMEM with a message naming what p needs and what there is, if the host is short. */
int hv_vm_check_memory(const struct vm_props *p, struct hv_error *e);
void hv_vm_list_free(struct hv_vm_entry *list, size_t n);
/* POLICY.md's system info: {"domains": {...}}, the host as dom0 (AdminVM). */
int hv_system_info_json(struct bulkheadd *d, char **ret);

/* menu.c */
#define HV_APPS_MAX 512
struct hv_app {
	char id[VM_MENU_ID_MAX + 1]; /* the desktop file id, without .desktop */
	char name[128];
	char icon[128];
	bool terminal_emulator;
};
/* The applications the VM's template offers, sorted by id; *ret malloc'd. */
int hv_menu_list_apps(const struct vm_props *p, struct hv_app **ret, size_t *n);
/* A new VM with no menu gets its template's terminal, as a Qubes AppVM does. */
void hv_menu_default(struct vm_props *p);
/* Write the VM's folder and an entry per chosen application; drop entries no longer chosen. */
int hv_menu_sync(const struct vm_props *p);
int hv_menu_remove(const char *vm);

/* dispvm.c: disposable VMs (docs/disposables.md) */
/* The dispvm socket (<runtime>/dispvm.sock) and the pool timer, and a look for leftovers. */
int hv_dispvm_init(struct bulkheadd *d);
void hv_dispvm_finish(struct bulkheadd *d);
/* A disposable of template_name, running: a preloaded one resumed, else one started cold.
 * Its name into name. */
int hv_dispvm_take(struct bulkheadd *d, const char *template_name, char *name, size_t size,
		   struct hv_error *e);
/* Its last call ended (its qrexec-daemon exited): destroy it. */
void hv_dispvm_destroy(struct bulkheadd *d, const char *name);
/* A VM stopped: if it was a disposable, nothing of it is left (volume, logs, sockets). */
void hv_dispvm_stopped(struct bulkheadd *d, const char *name);
/* A disposable found running at start. */
void hv_dispvm_adopt(struct bulkheadd *d, const struct vm_props *p);
/* Keep each disposable template's pool at preload_dispvm_max, memory permitting. */
void hv_dispvm_pool_refill(struct bulkheadd *d);
/* Named disposables (class DispVM, defined): a valid disposable template, and at each start a
 * new throw-away overlay of its volume, so every start begins from the template's state. */
int hv_dispvm_check_named(struct bulkheadd *d, const struct vm_props *p, struct hv_error *e);
int hv_dispvm_fresh_volume(struct bulkheadd *d, const struct vm_props *p, struct hv_error *e);
/* Whether the VM is a transient disposable (ends with its last call), not a named one. */
bool hv_dispvm_is_transient(struct bulkheadd *d, const char *name);
/* Destroy the template's preloaded disposables (the template itself is about to start). */
int hv_dispvm_drain(struct bulkheadd *d, const char *template_name, struct hv_error *e);

/* boot-files.c: a VM boots from copies of the kernel and initramfs in its runtime dir, each
 * emptied once QEMU has read it (the file says why that is safe). */
/* Copy files (hv_host_prepare_boot's) for vm and point files at the copies; on failure, or
 * with BULKHEAD_VM_LEAN=0, files stay the shared ones. */
void hv_boot_files_copy(const struct hv_paths *p, const char *vm, struct hv_host_files *files);
/* virDomainCreate returned: QEMU has put the kernel in guest RAM. */
void hv_boot_files_started(const struct hv_paths *p, const char *vm);
void hv_boot_files_remove(const struct hv_paths *p, const char *vm);
/* Watch for agents' hellos (each empties its VM's initramfs copy); tidy what a crash left. */
int hv_boot_files_init(struct bulkheadd *d);
void hv_boot_files_finish(struct bulkheadd *d);

/* supervisor.c */
void hv_supervisor_vm_started(struct bulkheadd *d, const char *name, const char *label,
			      bool disposable);
/* The VM's firewall changed: its net-filter re-reads the compiled rules (SIGHUP). */
void hv_supervisor_reload_filter(struct bulkheadd *d, const char *name);
/* The VM's GUI is connected to its guid, or it has none: nothing of it is left to start. */
bool hv_supervisor_gui_ready(struct bulkheadd *d, const char *name);
void hv_supervisor_vm_stopped(struct bulkheadd *d, const char *name);
/* SIGCHLD: reap the daemons that exited; restart those whose VM still runs. */
void hv_supervisor_reap(struct bulkheadd *d);
void hv_supervisor_stop_all(struct bulkheadd *d);

/* firewall.c: a VM's rules, kept as text in its state dir ("firewall"), compiled (DNS names
 * resolved) into its runtime dir for net-filter. A VM without a rule file allows everything. */
int hv_firewall_get(struct bulkheadd *d, const char *name, struct net_ruleset *rs,
		    struct hv_error *e);
/* Validate every rule, save, and when the VM runs, recompile and reload its filter. */
int hv_firewall_set(struct bulkheadd *d, const char *name, const char *const *rules, size_t n,
		    struct hv_error *e);
int hv_firewall_compile(struct bulkheadd *d, const char *name);

/* dbus-loop.c: libdbus on libvirt's event loop. */
int hv_dbus_attach(struct bulkheadd *d);
/* dbus-service.c */
int hv_dbus_serve(struct bulkheadd *d);
void hv_dbus_state_changed(struct bulkheadd *d, const char *name, const char *state);
/* A VM stopped: answer the Shutdown(wait=true) calls waiting for it. */
void hv_dbus_vm_stopped(struct bulkheadd *d, const char *name);
