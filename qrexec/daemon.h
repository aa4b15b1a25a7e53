/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qrexec-daemon's private header: one daemon per VM, its calls and its links. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"
#include "outq.h"
#include "qrexec.h"

enum dcall_state {
	DC_LINK_HELLO, /* incoming: waiting for the link's exec request */
	DC_POLICY,     /* outgoing: waiting for the policy daemon */
	DC_DISPVM,   /* outgoing: waiting for bulkheadd to name a disposable (link = its socket) */
	DC_STARTING, /* waiting for CONNECTED/REFUSED from the service end */
	DC_RELAY,
};

/*
 * A call through this VM. Outgoing: the VM is the caller (agent-allocated id), the link is our
 * connection to the target's daemon. Incoming: the VM runs the service (host-allocated id), the
 * link is a connection another daemon or qrexec-client made to our socket. Each side of the
 * call (channel, link) ends when a final message has passed both ways.
 */
struct dcall {
	bool used;
	bool incoming;
	enum dcall_state state;
	uint32_t id; /* on the channel */
	uint32_t policy_qid;
	int link;
	struct msg_reader lrd;
	struct outq lq;
	uint32_t agent_credit; /* data bytes the VM may still send on this call */
	uint32_t vm_unacked;   /* data bytes sent to the VM that it has not granted back */
	bool vm_eof[3];	       /* the VM ended its stdin / stdout / stderr stream */
	bool chan_sent_final, chan_got_final;
	bool link_sent_final, link_got_final;
	struct qrexec_call call;
	char dispvm_reply[64]; /* DC_DISPVM: bulkheadd's answer line so far */
	size_t dispvm_len;
};

#define DAEMON_SLOTS (2 * QREXEC_MAX_CALLS + 64)

struct daemon {
	const char *domain;
	char *runtime_dir;
	int chan;
	struct msg_reader rd;
	struct outq cq; /* toward the VM */
	bool hello_done;
	int filter_spawner; /* daemon-filter.c's helper, -1 without one */
	bool is_spawner;    /* this process is that helper (--filter-spawner) */
	/* --disposable: the VM is a disposable; the daemon ends (and bulkheadd destroys the VM)
	 * when the last of its calls ends, once it has had one. */
	bool disposable;
	bool served;
	int listen_fd;
	int policy_fd;
	struct msg_reader prd;
	struct outq pq;
	uint32_t next_qid, next_host_id;
	struct dcall calls[DAEMON_SLOTS];
	/* Slots at or above this index are all free: the loops over calls stop here. */
	size_t slots_top;
};

/* daemon.c */
_Noreturn void daemon_violation(struct daemon *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void daemon_chan_send(struct daemon *d, uint32_t type, uint32_t id, const void *p, size_t len);
struct dcall *daemon_call_new(struct daemon *d, bool incoming);
void daemon_call_free(struct daemon *d, struct dcall *c);
void daemon_call_maybe_done(struct daemon *d, struct dcall *c);

/* daemon-call.c */
int dcall_link_send(struct dcall *c, uint32_t type, const void *p, size_t len);
void dcall_on_agent_message(struct daemon *d, const struct msg *m);
void dcall_link_readable(struct daemon *d, struct dcall *c);
void dcall_refuse(struct daemon *d, struct dcall *c, int code, const char *reason);
void dcall_accept_link(struct daemon *d);
void dcall_policy_answer(struct daemon *d, struct dcall *c, bool allowed, const char *target,
			 const char *reason);
/* Allowed to a running VM: link to its daemon and send the exec request. */
void dcall_connect_target(struct daemon *d, struct dcall *c, const char *target);

/* daemon-dispvm.c: "@dispvm:TEMPLATE" targets, through bulkheadd's dispvm socket */
void daemon_dispvm_request(struct daemon *d, struct dcall *c, const char *template);
void daemon_dispvm_readable(struct daemon *d, struct dcall *c);

/* daemon-filter.c: a host filter for the service (-ENOENT: none), else the link's fd. */
bool daemon_filter_wanted(const char *service);
int daemon_filter_connect(struct daemon *d, const struct dcall *c, const char *target);
/* Before the sandbox: the helper that starts filters for the daemon (it may not fork). */
int daemon_filter_spawner_start(struct daemon *d);
/* qrexec-daemon --filter-spawner: that helper, requests on fd 3. */
_Noreturn void daemon_filter_spawner_main(const struct daemon *d);

/* daemon-policy.c */
void daemon_policy_query(struct daemon *d, struct dcall *c);
void daemon_policy_readable(struct daemon *d);
void daemon_policy_writable(struct daemon *d);
