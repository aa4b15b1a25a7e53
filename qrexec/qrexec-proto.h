/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qrexec wire protocol: every struct that crosses a VM channel, a daemon-to-daemon link,
 * the policy socket or the agent's local socket. Prose: docs/qrexec-protocol.md.
 *
 * Version history:
 *   1  (issue 4) hello, call request/exec request, connected/refused, stdin/stdout/stderr data
 *      with empty-payload EOF, per-direction credit windows, exit, close; policy query/reply;
 *      local call with passed fds.
 *   1  (issue 12) QREXEC_EXEC_AS_ROOT: the host's command as root; everything else runs as the
 *      VM's user. Only host programs set exec flags (daemons accept links from their own uid).
 *
 * Framing is common/msg.h: a 12-byte little-endian header {type, id, len}. id is the call id on
 * a VM channel (0 = the connection), 0 on links and the local socket (one call per
 * connection), and the query id on the policy socket. Integers are little-endian; names are
 * NUL-padded fixed fields whose last byte must be NUL.
 */
#pragma once

#include <stdint.h>

#define QREXEC_PROTOCOL_VERSION 1

/* Largest payload of a data message; larger messages of any type are a protocol violation. */
#define QREXEC_DATA_MAX (256 * 1024)
#define QREXEC_MSG_MAX QREXEC_DATA_MAX
/* Bytes a sender may have in flight per direction of a call before it gets a WINDOW. */
#define QREXEC_WINDOW (1024 * 1024)
/* Calls a VM may have open at once in each direction (as caller, as service). */
#define QREXEC_MAX_CALLS 256
/* Call ids the host allocates have this bit set; the agent allocates the others (never 0). */
#define QREXEC_ID_HOST 0x80000000u

/* Exit codes as users of the reference know them. */
#define QREXEC_EXIT_REFUSED 126
#define QREXEC_EXIT_NOT_FOUND 127
#define QREXEC_EXIT_PROBLEM 125

#define QREXEC_NAME_FIELD 32	 /* a VM name: VM_NAME_MAX + NUL */
#define QREXEC_TARGET_FIELD 64	 /* a requested target: a name, "@default", "@dispvm:NAME" */
#define QREXEC_SERVICE_FIELD 128 /* "Service+Argument": SERVICE_FULL_MAX */
#define QREXEC_REASON_FIELD 124	 /* a refusal's text, for the caller's stderr */

enum qrexec_msg_type {
	/* VM channel, both directions, id 0 */
	QREXEC_MSG_HELLO = 0x100,
	/* agent -> daemon: the agent's caller wants a service elsewhere (agent id) */
	QREXEC_MSG_CALL_REQUEST = 0x101,
	/* daemon -> agent, and on a link the first message: run a service here (host id) */
	QREXEC_MSG_EXEC_REQUEST = 0x102,
	/* service end -> client end: the call is up / refused (then the id is free) */
	QREXEC_MSG_CONNECTED = 0x103,
	QREXEC_MSG_REFUSED = 0x104,
	/* call data; an empty payload is that stream's EOF */
	QREXEC_MSG_DATA_STDIN = 0x110,	/* client -> service */
	QREXEC_MSG_DATA_STDOUT = 0x111, /* service -> client */
	QREXEC_MSG_DATA_STDERR = 0x112, /* service -> client */
	QREXEC_MSG_WINDOW = 0x113,	/* receiver -> sender: this many more bytes may come */
	QREXEC_MSG_EXIT = 0x114,	/* service -> client: the service's exit status; final */
	QREXEC_MSG_CLOSE = 0x115,	/* client -> service: done or abort; final */
	/* policy socket: daemon <-> qrexec-policy-daemon, id = query id */
	QREXEC_MSG_POLICY_QUERY = 0x200,
	QREXEC_MSG_POLICY_REPLY = 0x201,
	/* agent's local socket: qrexec-client-vm -> agent, with SCM_RIGHTS stdin/stdout/stderr */
	QREXEC_MSG_LOCAL_CALL = 0x300,
};

struct qrexec_hello {
	uint32_t version_min;
	uint32_t version_max;
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_hello) == 8, "hello is 8 bytes");

struct qrexec_call_request {
	char target[QREXEC_TARGET_FIELD];
	char service[QREXEC_SERVICE_FIELD];
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_call_request) == 192, "call request is 192 bytes");

#define QREXEC_EXEC_COMMAND 1u /* followed by a NUL-separated argv to run (host callers only) */
#define QREXEC_EXEC_AS_ROOT 2u /* with COMMAND: run it as root, not as the VM's user (-u root) */

struct qrexec_exec_request {
	char source[QREXEC_NAME_FIELD];
	char target
		[QREXEC_TARGET_FIELD]; /* what the caller asked for, for QREXEC_REQUESTED_TARGET */
	char service[QREXEC_SERVICE_FIELD];
	uint32_t flags;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_exec_request) == 232, "exec request is 232 bytes");

struct qrexec_refused {
	int32_t code; /* 126 refused, 127 not found, 125 other */
	char reason[QREXEC_REASON_FIELD];
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_refused) == 128, "refused is 128 bytes");

struct qrexec_window {
	uint32_t bytes;
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_window) == 4, "window is 4 bytes");

struct qrexec_exit {
	int32_t status;
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_exit) == 4, "exit is 4 bytes");

struct qrexec_policy_query {
	char source[QREXEC_NAME_FIELD];
	char target[QREXEC_TARGET_FIELD];
	char service[QREXEC_SERVICE_FIELD];
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_policy_query) == 224, "policy query is 224 bytes");

struct qrexec_policy_reply {
	uint32_t allowed;
	char target[QREXEC_TARGET_FIELD];
	char reason[QREXEC_REASON_FIELD + 64];
} __attribute__((packed));
_Static_assert(sizeof(struct qrexec_policy_reply) == 256, "policy reply is 256 bytes");
