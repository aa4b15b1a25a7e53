/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's side of the policy socket: one connection, queries tagged with ids, answers in
 * any order (an ask may take a minute while other calls go on). No policy daemon, or one that
 * went away, means deny: the broker fails closed.
 *
 * Trust: the policy daemon is a host process; its answers are still size-checked, and a target
 * it names must be a valid VM name before it becomes a socket path.
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

static int policy_connect(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (str_printf(sa.sun_path, sizeof(sa.sun_path), "%s/policy.sock", d->runtime_dir) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	fd_set_nonblock(fd, true);
	return TAKE_FD(fd);
}

static void policy_lost(struct daemon *d)
{
	d->policy_fd = safe_close(d->policy_fd);
	outq_finish(&d->pq);
	msg_reader_finish(&d->prd);
	msg_reader_init(&d->prd, sizeof(struct qrexec_policy_reply));
	for (size_t i = 0; i < d->slots_top; i++) {
		struct dcall *c = &d->calls[i];
		if (c->used && c->state == DC_POLICY && c->policy_qid)
			dcall_policy_answer(d, c, false, "", "the policy daemon went away");
	}
}

void daemon_policy_query(struct daemon *d, struct dcall *c)
{
	struct qrexec_policy_query q = { 0 };

	if (d->policy_fd < 0)
		d->policy_fd = policy_connect(d);
	if (d->policy_fd < 0) {
		log_warning_errno(d->policy_fd, "Cannot reach the policy daemon: %m");
		return dcall_policy_answer(d, c, false, "", "no policy daemon");
	}
	c->policy_qid = d->next_qid++;
	if (d->next_qid == 0)
		d->next_qid = 1;
	str_copy(q.source, sizeof(q.source), d->domain);
	str_copy(q.target, sizeof(q.target), c->call.target);
	str_copy(q.service, sizeof(q.service), c->call.full);
	if (outq_write_msg(&d->pq, d->policy_fd, true, QREXEC_MSG_POLICY_QUERY, c->policy_qid, &q,
			   sizeof(q)) < 0)
		policy_lost(d);
}

static void policy_reply(struct daemon *d, const struct msg *m)
{
	struct qrexec_policy_reply r;
	char target[QREXEC_TARGET_FIELD], reason[sizeof(r.reason)];

	if (m->type != QREXEC_MSG_POLICY_REPLY || m->len != sizeof(r))
		return;
	memcpy(&r, m->payload, sizeof(r));
	if (qrexec_field_copy(target, r.target, sizeof(target)) < 0 ||
	    qrexec_field_copy(reason, r.reason, sizeof(reason)) < 0)
		return;
	for (size_t i = 0; i < d->slots_top; i++) {
		struct dcall *c = &d->calls[i];
		if (!c->used || c->state != DC_POLICY || c->policy_qid != m->id)
			continue;
		bool allowed = le32toh(r.allowed) == 1 && qrexec_target_is_valid(target) &&
			       target[0] != '@';
		allowed =
			allowed || (le32toh(r.allowed) == 1 && str_startswith(target, "@dispvm:"));
		return dcall_policy_answer(d, c, allowed, target, reason);
	}
}

void daemon_policy_readable(struct daemon *d)
{
	struct msg m;
	ssize_t n = msg_reader_fill(&d->prd, d->policy_fd);
	int k;

	if (n == -EAGAIN)
		return;
	if (n <= 0)
		return policy_lost(d);
	while ((k = msg_reader_next(&d->prd, &m)) == 1)
		policy_reply(d, &m);
	if (k < 0)
		policy_lost(d);
}

void daemon_policy_writable(struct daemon *d)
{
	if (outq_flush(&d->pq, d->policy_fd, true) < 0)
		policy_lost(d);
}
