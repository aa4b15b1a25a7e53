/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Links: one Unix socket per call between this daemon and another host process, the same
 * messages as the channel with id 0. We connect to the target's daemon for the VM's calls
 * (allowed by policy), and accept connections for calls into the VM.
 *
 * Trust: link peers are host processes of our own uid (SO_PEERCRED on accept); their exec
 * requests are still validated, since they carry names a VM chose.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "strutil.h"

/* Big socket buffers: a link carries up to a window of data per direction. */
static void link_buffers(int fd)
{
	int size = QREXEC_WINDOW;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Never a blocking connect: a target daemon whose backlog is full is busy with its own calls,
 * perhaps blocked on ours (a ring of VMs calling each other deadlocked that way). A Unix stream
 * connect either completes at once or fails with EAGAIN. */
static int link_connect(struct daemon *d, const char *target)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (str_printf(sa.sun_path, sizeof(sa.sun_path), "%s/qrexec/%s.sock", d->runtime_dir,
		       target) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	link_buffers(fd);
	return TAKE_FD(fd);
}

static int link_start(struct daemon *d, struct dcall *c, int fd)
{
	struct qrexec_exec_request req;

	c->link = fd;
	if (msg_reader_init(&c->lrd, QREXEC_MSG_MAX) < 0)
		return -ENOMEM;
	qrexec_exec_request_init(&req, d->domain, c->call.target, c->call.full, 0);
	c->state = DC_STARTING;
	return dcall_link_send(c, QREXEC_MSG_EXEC_REQUEST, &req, sizeof(req));
}

void dcall_policy_answer(struct daemon *d, struct dcall *c, bool allowed, const char *target,
			 const char *reason)
{
	c->policy_qid = 0;
	if (!allowed) {
		log_info("%s -> %s %s: denied (%s)", d->domain, c->call.target, c->call.full,
			 reason);
		return dcall_refuse(d, c, QREXEC_EXIT_REFUSED, "request refused by policy");
	}
	if (streq(target, d->domain)) { /* the policy daemon refuses it too: never link to self */
		log_info("%s -> %s %s: loopback call not supported", d->domain, c->call.target,
			 c->call.full);
		return dcall_refuse(d, c, QREXEC_EXIT_REFUSED, "loopback call not supported");
	}
	const char *template = str_startswith(target, "@dispvm:");
	if (template)
		return daemon_dispvm_request(d, c, template);
	dcall_connect_target(d, c, target);
}

/* A concrete, running target; a service with a host filter goes through it instead
 * (daemon-filter.c), whatever the target, a disposable included. */
void dcall_connect_target(struct daemon *d, struct dcall *c, const char *target)
{
	bool filtered = daemon_filter_wanted(c->call.service);
	int fd = filtered ? daemon_filter_connect(d, c, target) : link_connect(d, target);
	if (fd >= 0 && filtered)
		fd_set_nonblock(fd, true), link_buffers(fd);
	if (fd < 0 && filtered) {
		log_error_errno(fd, "%s -> %s %s: cannot start the host filter: %m", d->domain,
				target, c->call.full);
		return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "the host filter could not start");
	}
	if (fd == -EAGAIN) {
		log_warning("%s -> %s %s: the target's daemon is busy", d->domain, target,
			    c->call.full);
		return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "the target VM is busy");
	}
	if (fd < 0) {
		log_warning_errno(fd, "%s -> %s %s: the target is not running: %m", d->domain,
				  target, c->call.full);
		return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "the target VM is not running");
	}
	log_info("%s -> %s %s: allowed, target %s", d->domain, c->call.target, c->call.full,
		 target);
	if (link_start(d, c, fd) < 0)
		dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "internal error");
}

static uint32_t host_id(struct daemon *d)
{
	for (;;) {
		d->next_host_id = (d->next_host_id + 1) & ~QREXEC_ID_HOST;
		uint32_t id = d->next_host_id | QREXEC_ID_HOST;
		bool used = false;
		for (size_t i = 0; i < d->slots_top && !used; i++)
			used = d->calls[i].used && d->calls[i].id == id;
		if (!used && d->next_host_id)
			return id;
	}
}

/* Refuse on a link that has no call slot: one small write, then close. */
static void link_refuse_fd(int fd, const char *reason)
{
	struct qrexec_refused r;

	qrexec_refused_init(&r, QREXEC_EXIT_PROBLEM, reason);
	msg_write(fd, QREXEC_MSG_REFUSED, 0, &r, sizeof(r));
	close(fd);
}

static bool peer_is_us(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == getuid();
}

void dcall_accept_link(struct daemon *d)
{
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	size_t incoming = 0;

	if (fd < 0)
		return;
	if (!peer_is_us(fd))
		return (void)close(fd);
	for (size_t i = 0; i < d->slots_top; i++)
		incoming += d->calls[i].used && d->calls[i].incoming;
	struct dcall *c = incoming < QREXEC_MAX_CALLS ? daemon_call_new(d, true) : NULL;
	if (!c)
		return link_refuse_fd(fd, "too many calls into this VM (at most 256)");
	link_buffers(fd);
	c->link = fd;
	c->state = DC_LINK_HELLO;
	if (msg_reader_init(&c->lrd, QREXEC_MSG_MAX) < 0)
		daemon_call_free(d, c);
}

static void link_exec(struct daemon *d, struct dcall *c, const struct msg *m)
{
	struct qrexec_exec e;
	struct qrexec_refused r;

	if (qrexec_parse_exec_request(m, &e) < 0) {
		qrexec_refused_init(&r, QREXEC_EXIT_PROBLEM, "malformed request");
		dcall_link_send(c, QREXEC_MSG_REFUSED, &r, sizeof(r));
		c->link_sent_final = true;
		c->chan_sent_final = c->chan_got_final = true; /* the VM never heard of it */
		return;
	}
	c->id = host_id(d);
	c->call = e.call;
	c->state = DC_STARTING;
	daemon_chan_send(d, QREXEC_MSG_EXEC_REQUEST, c->id, m->payload, m->len);
}

static void link_lost(struct daemon *d, struct dcall *c);

/* A WINDOW toward the VM is credit for the VM's own data on this call. */
static void link_credit(struct dcall *c, const struct msg *m)
{
	struct qrexec_window w = { 0 };

	memcpy(&w, m->payload, MIN(sizeof(w), (size_t)m->len));
	c->agent_credit = MIN(c->agent_credit + le32toh(w.bytes), (uint32_t)QREXEC_WINDOW);
}

/* A message from the link of a call into the VM (we are the service end there). */
static void link_msg_incoming(struct daemon *d, struct dcall *c, const struct msg *m)
{
	if (c->state == DC_LINK_HELLO && m->type == QREXEC_MSG_EXEC_REQUEST)
		return link_exec(d, c, m);
	if (c->state == DC_LINK_HELLO)
		return link_lost(d, c);
	if (c->link_got_final)
		return;
	if (m->type == QREXEC_MSG_CLOSE) {
		c->link_got_final = true;
		if (!c->chan_sent_final)
			daemon_chan_send(d, QREXEC_MSG_CLOSE, c->id, NULL, 0);
		c->chan_sent_final = true;
	} else if ((m->type == QREXEC_MSG_DATA_STDIN || m->type == QREXEC_MSG_WINDOW) &&
		   c->state == DC_RELAY && !c->chan_got_final) {
		if (m->type == QREXEC_MSG_WINDOW)
			link_credit(c, m);
		else
			c->vm_unacked += m->len;
		daemon_chan_send(d, m->type, c->id, m->payload, m->len);
	}
}

/* A message from the target's daemon for the VM's own call (we are the client end). */
static void link_msg_outgoing(struct daemon *d, struct dcall *c, const struct msg *m)
{
	if (c->link_got_final)
		return;
	if (m->type == QREXEC_MSG_CONNECTED && c->state == DC_STARTING) {
		c->state = DC_RELAY;
	} else if (m->type == QREXEC_MSG_REFUSED || m->type == QREXEC_MSG_EXIT) {
		c->link_got_final = true;
	} else if (c->state != DC_RELAY ||
		   (m->type != QREXEC_MSG_DATA_STDOUT && m->type != QREXEC_MSG_DATA_STDERR &&
		    m->type != QREXEC_MSG_WINDOW)) {
		return;
	}
	if (c->chan_sent_final)
		return;
	if (m->type == QREXEC_MSG_WINDOW)
		link_credit(c, m);
	else if (m->type == QREXEC_MSG_DATA_STDOUT || m->type == QREXEC_MSG_DATA_STDERR)
		c->vm_unacked += m->len;
	daemon_chan_send(d, m->type, c->id, m->payload, m->len);
	c->chan_sent_final = c->link_got_final;
}

/* The link ended before its final message: end the VM's side in its stead. */
static void link_lost(struct daemon *d, struct dcall *c)
{
	bool got = c->link_got_final;

	c->link = safe_close(c->link);
	outq_finish(&c->lq);
	if (got || c->chan_sent_final)
		return;
	if (c->incoming) {
		if (c->state != DC_LINK_HELLO)
			daemon_chan_send(d, QREXEC_MSG_CLOSE, c->id, NULL, 0);
		c->chan_sent_final = true;
		if (c->state == DC_LINK_HELLO)
			c->chan_got_final = true;
	} else if (c->state == DC_RELAY) {
		struct qrexec_exit e = { (int32_t)htole32(QREXEC_EXIT_PROBLEM) };
		daemon_chan_send(d, QREXEC_MSG_EXIT, c->id, &e, sizeof(e));
		c->chan_sent_final = true;
	} else {
		dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "the target went away");
	}
}

void dcall_link_readable(struct daemon *d, struct dcall *c)
{
	struct msg m;
	ssize_t n;
	int k;

	if (c->state == DC_DISPVM)
		return daemon_dispvm_readable(d, c);
	n = msg_reader_fill(&c->lrd, c->link);
	if (n == -EAGAIN)
		return;
	if (n <= 0)
		return link_lost(d, c);
	while (c->link >= 0 && (k = msg_reader_next(&c->lrd, &m)) == 1) {
		if (c->incoming)
			link_msg_incoming(d, c, &m);
		else
			link_msg_outgoing(d, c, &m);
	}
	if (c->link >= 0 && k < 0)
		link_lost(d, c);
}
