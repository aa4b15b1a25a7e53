/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qrexec-agent's private header: the agent's state, shared by its files. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "msg.h"
#include "pump.h"
#include "qrexec.h"

struct agent;

struct agent_call {
	struct agent *agent;
	bool used;
	bool service; /* we run the service (host-allocated id), else we are the caller */
	uint32_t id;
	struct pump pump;
	bool sent_final; /* service: EXIT or REFUSED sent; client: CLOSE sent */
	bool got_final;	 /* service: CLOSE received; client: EXIT or REFUSED received */
	int status;	 /* client: the exit status to report; service: the child's */
	pid_t pid;	 /* service: the child, 0 for none or reaped */
	int ctl;	 /* client: qrexec-client-vm's socket */
	bool connected;
};

/* Room for twice the host's limit of our own calls (so the host, not the agent, refuses the one
 * too many) plus the calls into this guest. */
#define AGENT_SLOTS (3 * QREXEC_MAX_CALLS)
#define AGENT_MAX_CLIENT_CALLS (2 * QREXEC_MAX_CALLS)

struct agent {
	int chan;
	/* Splice into the channel only when it is a socket (process VMs): on a virtio-serial port
	 * spliced transfers of more than a few hundred KiB stalled under QEMU (tests/e2e). */
	bool chan_splice;
	/* Small messages wait here until the end of the poll round (agent_flush): a service's
	 * exit (its EOFs and status) then reaches the host in one write, one wakeup. */
	uint8_t out[4096];
	size_t out_len;
	struct msg_reader rd;
	int listen_fd;
	int sigfd;
	const char *domain;
	/* --user: who services and host commands run as; the agent itself stays root so that a
	 * host command may ask for root (vmctl run -u root). Unset: everything runs as the agent. */
	struct agent_user {
		bool set;
		uid_t uid;
		gid_t gid;
		gid_t groups[32];
		int n_groups;
		char name[32];
		char home[256];
	} user;
	char **rpc_dirs;
	size_t n_rpc_dirs;
	/* --refuse: every service call is refused with this reason (the guest init found the VM
	 * unfit to run anything, e.g. its private volume did not mount). NULL: serve. */
	const char *refuse_reason;
	uint32_t next_id;
	struct agent_call calls[AGENT_SLOTS];
	/* Slots at or above this index are all free: the loops over calls stop here, not at
	 * AGENT_SLOTS, as most of the time one or two calls run (issue 19). */
	size_t slots_top;
};

/* agent.c */
int agent_send(struct agent *a, uint32_t type, uint32_t id, const void *payload, size_t len);
/* Write out the small messages agent_send held back. */
void agent_flush(struct agent *a);
struct agent_call *agent_call_new(struct agent *a, uint32_t id, bool service);
void agent_call_free(struct agent_call *c);
/* Free the call when both finals have passed; report to the local caller first. */
void agent_call_maybe_done(struct agent *a, struct agent_call *c);

/* agent-client.c: calls the guest makes */
void agent_client_accept(struct agent *a);
int agent_client_on_message(struct agent *a, struct agent_call *c, const struct msg *m);
void agent_client_ctl_ready(struct agent *a, struct agent_call *c);

/* agent-service.c: calls into the guest */
int agent_service_exec(struct agent *a, const struct msg *m);
int agent_service_on_message(struct agent *a, struct agent_call *c, const struct msg *m);
void agent_service_reap(struct agent *a);
void agent_service_maybe_exit(struct agent *a, struct agent_call *c);
