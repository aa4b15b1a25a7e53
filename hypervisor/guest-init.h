/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest init's parts, one file per stage (guest-init-*.c). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#define INIT_NEWROOT "/newroot"
/* Bulkhead's guest programs ({bin,rpc}/): common/paths.h's BULKHEAD_GUEST_ROOT. A link to the
 * installed dir under /usr, or into the build tree's 9p share mounted at INIT_GUEST_SHARE. */
#define INIT_GUEST_DIR "/opt/bulkhead"
#define INIT_GUEST_SHARE "/opt/bulkhead-share"
#define INIT_QREXEC_AGENT INIT_GUEST_DIR "/bin/qrexec-agent"
#define INIT_GUI_AGENT INIT_GUEST_DIR "/bin/gui-agent"
#define INIT_PORT_DIR "/dev/virtio-ports"
#define INIT_QREXEC_PORT INIT_PORT_DIR "/org.bulkhead.qrexec.0"
#define INIT_GUI_PORT INIT_PORT_DIR "/org.bulkhead.gui.0"
#define INIT_USER_UID 1000
#define INIT_PATH_MAX 512

#define INIT_ARGS_MAX 8

struct init_service {
	const char *what;
	char argv_buf[INIT_ARGS_MAX][INIT_PATH_MAX];
	char *argv[INIT_ARGS_MAX + 1];
	const char *wait_for; /* a path that must exist before exec (the X socket) */
	pid_t pid;
	int restarts;
	bool as_user;
	bool on_demand; /* started when listen_fd has a connection; its exits are normal */
	int listen_fd;	/* handed over as fd 3, systemd-style (LISTEN_FDS) */
};

struct init_config {
	char name[64];	    /* bulkhead.name= */
	char guest[256];    /* bulkhead.guest=: /usr/... or share:SUBDIR */
	char gui[4];	    /* bulkhead.gui=1: start Xvfb and the gui agent */
	char disposable[4]; /* bulkhead.disposable=1: a disposable VM */
	char lean[4];	    /* bulkhead.lean=1: trim memory after boot (guest-init-mem.c) */
	bool have_agent;    /* the qrexec agent was found and started */
	char net[64];	    /* bulkhead.net=ADDR/PREFIX,GATEWAY,DNS; "" for no network */
	/* Why the private volume is not at /home/user ("" when it is): the agent then refuses
	 * every call with this reason, since what ran would write to a tmpfs and be lost. */
	char home_error[112];
	struct init_service svc[4]; /* qrexec-agent, Xvfb, gui-agent, cupsd */
	struct init_service *cups;  /* on demand, NULL without CUPS */
	int n_svc;
};

/* guest-init-util.c */
void init_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void init_fail(const char *what);
double init_uptime(void);
int init_write_file(const char *path, const char *content, mode_t mode);
int init_mkdir_p(const char *path, mode_t mode);
void init_symlink(const char *target, const char *path);
bool init_wait_path(const char *path, int timeout_ms);

/* guest-init-mount.c */
void init_early_mounts(void);
void init_read_cmdline(struct init_config *cfg);
void init_load_modules(const char *dir);
int init_make_root(struct init_config *cfg);
void init_create_port_links(void);

/* guest-init-etc.c */
void init_write_etc(const struct init_config *cfg);

/* guest-init-net.c: lo up; for a VM with a NIC, its address, default route, resolv.conf. */
void init_setup_net(const struct init_config *cfg);
/* guest-init-cups.c: CUPS's configuration, when the host has CUPS (docs/print.md). */
bool init_have_cups(void);
void init_write_cups(void);
/* cupsd's socket, listened on by init until the first client comes: -1 on failure. */
int init_cups_listen(void);

/* guest-init-mem.c: a few seconds after the agents start, give the host back free memory. */
void init_trim_memory(const struct init_config *cfg);

/* guest-init-run.c */
void init_start_services(struct init_config *cfg);
void init_announce_ready(const struct init_config *cfg);
int init_supervise(struct init_config *cfg);
