/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's caller side: qrexec-client-vm (or vm-open-url) connects to the local socket and
 * passes the call's stdin/stdout/stderr; the agent asks the host and then pumps those fds.
 *
 * Trust: local callers are this guest's own processes; the host's answers are trusted but
 * size-checked (a bad one ends the agent, see agent.c).
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "agent.h"
#include "log.h"
#include "macro.h"
#include "strutil.h"

static uint32_t next_call_id(struct agent *a)
{
	uint32_t id = a->next_id;

	a->next_id = a->next_id + 1 >= QREXEC_ID_HOST ? 1 : a->next_id + 1;
	return id;
}

/* Receive the request and its three fds; anything else closes every fd that came with it. */
static int recv_request(int fd, struct qrexec_call_request *req, int fds[3])
{
	struct {
		struct msg_header h;
		struct qrexec_call_request req;
	} __attribute__((packed)) m;
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;

	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(3 * sizeof(int)))
		return -EBADMSG;
	memcpy(fds, CMSG_DATA(c), 3 * sizeof(int));
	if (n != (ssize_t)sizeof(m) || (mh.msg_flags & MSG_CTRUNC) ||
	    le32toh(m.h.type) != QREXEC_MSG_LOCAL_CALL || le32toh(m.h.len) != sizeof(m.req)) {
		for (int i = 0; i < 3; i++)
			safe_close(fds[i]);
		return -EBADMSG;
	}
	*req = m.req;
	return 0;
}

static void refuse_local(int ctl, int code, const char *reason)
{
	struct qrexec_refused r;

	qrexec_refused_init(&r, code, reason);
	msg_write(ctl, QREXEC_MSG_REFUSED, 0, &r, sizeof(r));
}

/* Hand the passed fds to the pump, made private and non-blocking. */
static void take_fds(struct agent_call *c, int fds[3])
{
	bool sock;
	int fd;

	fd = qrexec_fd_prepare(fds[0], &sock);
	pump_set_src(&c->pump, 0, fd < 0 ? safe_close(fds[0]) : fd, sock);
	fd = qrexec_fd_prepare(fds[1], &sock);
	pump_set_dst(&c->pump, 0, fd < 0 ? safe_close(fds[1]) : fd, sock);
	fd = qrexec_fd_prepare(fds[2], &sock);
	pump_set_dst(&c->pump, 1, fd < 0 ? safe_close(fds[2]) : fd, sock);
}

static void start_call(struct agent *a, int ctl, const struct qrexec_call_request *req, int fds[3])
{
	struct qrexec_call_request wire = *req;
	struct agent_call *c = NULL;
	size_t n = 0;

	for (size_t i = 0; i < a->slots_top; i++)
		n += a->calls[i].used && !a->calls[i].service;
	if (n < AGENT_MAX_CLIENT_CALLS)
		c = agent_call_new(a, next_call_id(a), false);

	if (!c) {
		for (int i = 0; i < 3; i++)
			safe_close(fds[i]);
		refuse_local(ctl, QREXEC_EXIT_PROBLEM, "too many calls in flight");
		close(ctl);
		return;
	}
	c->ctl = ctl;
	take_fds(c, fds);
	agent_send(a, QREXEC_MSG_CALL_REQUEST, c->id, &wire, sizeof(wire));
}

void agent_client_accept(struct agent *a)
{
	struct timeval tv = { .tv_sec = 2 };
	struct qrexec_call_request req;
	int fds[3];
	_cleanup_close_ int ctl = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (ctl < 0)
		return;
	/* A local program that connects and says nothing must not stall the agent. */
	setsockopt(ctl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv_request(ctl, &req, fds) < 0)
		return;
	if (!memchr(req.target, 0, sizeof(req.target)) ||
	    !memchr(req.service, 0, sizeof(req.service)) || !qrexec_target_is_valid(req.target)) {
		for (int i = 0; i < 3; i++)
			safe_close(fds[i]);
		refuse_local(ctl, QREXEC_EXIT_PROBLEM, "invalid target or service name");
		return;
	}
	start_call(a, TAKE_FD(ctl), &req, fds);
}

static int on_refused(struct agent *a, struct agent_call *c, const struct msg *m)
{
	char reason[QREXEC_REASON_FIELD];
	int code;

	if (c->connected || c->got_final || qrexec_parse_refused(m, &code, reason) < 0)
		return log_error_errno(EBADMSG, "Bad refusal from the host.");
	if (c->ctl >= 0)
		refuse_local(c->ctl, code, reason);
	pump_abort(&c->pump);
	c->got_final = true;
	agent_call_maybe_done(a, c);
	return 0;
}

static int on_exit_msg(struct agent *a, struct agent_call *c, const struct msg *m)
{
	if (!c->connected || c->got_final || qrexec_parse_exit(m, &c->status) < 0)
		return log_error_errno(EBADMSG, "Bad exit message from the host.");
	c->got_final = true;
	c->pump.src[0] = safe_close(c->pump.src[0]);
	pump_peer_done(&c->pump);
	agent_call_maybe_done(a, c);
	return 0;
}

int agent_client_on_message(struct agent *a, struct agent_call *c, const struct msg *m)
{
	if (m->type == QREXEC_MSG_CONNECTED && !c->connected && !c->got_final) {
		c->connected = true;
		if (c->ctl >= 0)
			msg_write(c->ctl, QREXEC_MSG_CONNECTED, 0, NULL, 0);
		return 0;
	}
	if (m->type == QREXEC_MSG_REFUSED)
		return on_refused(a, c, m);
	if (m->type == QREXEC_MSG_EXIT)
		return on_exit_msg(a, c, m);
	if (!c->connected || c->got_final ||
	    pump_on_message(&c->pump, m->type, m->payload, m->len) < 0)
		return log_error_errno(EBADMSG, "Unexpected message 0x%x for call %u.", m->type,
				       m->id);
	agent_call_maybe_done(a, c);
	return 0;
}

/* The local caller hung up (or wrote, which it must not): abort the call. */
void agent_client_ctl_ready(struct agent *a, struct agent_call *c)
{
	c->ctl = safe_close(c->ctl);
	pump_abort(&c->pump);
	if (!c->sent_final) {
		agent_send(a, QREXEC_MSG_CLOSE, c->id, NULL, 0);
		c->sent_final = true;
	}
	agent_call_maybe_done(a, c);
}
