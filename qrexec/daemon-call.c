/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The calls of one qrexec-daemon: requests from the VM (outgoing), requests for the VM arriving
 * on the daemon's socket (incoming), and the relay between the channel and each call's link.
 *
 * Trust: messages from the agent are hostile. Each type is accepted only in the call state and
 * direction where it belongs, data only within the credit the other end granted; anything else
 * is daemon_violation(). Names reach the policy daemon and logs only after parse-agent.c
 * validated them. Link peers are host processes (same uid, checked at accept).
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

int dcall_link_send(struct dcall *c, uint32_t type, const void *p, size_t len)
{
	if (c->link < 0)
		return -EPIPE;
	int r = outq_write_msg(&c->lq, c->link, true, type, 0, p, len);
	if (r < 0 && r != -ENOMEM) /* the peer is gone; its EOF comes through the reader */
		outq_finish(&c->lq);
	return r;
}

void dcall_refuse(struct daemon *d, struct dcall *c, int code, const char *reason)
{
	struct qrexec_refused r;

	qrexec_refused_init(&r, code, reason);
	daemon_chan_send(d, QREXEC_MSG_REFUSED, c->id, &r, sizeof(r));
	c->chan_sent_final = true;
	daemon_call_maybe_done(d, c);
}

static struct dcall *call_find(struct daemon *d, uint32_t id)
{
	for (size_t i = 0; i < d->slots_top; i++)
		if (d->calls[i].used && d->calls[i].id == id)
			return &d->calls[i];
	return NULL;
}

static size_t count_calls(struct daemon *d, bool incoming)
{
	size_t n = 0;

	for (size_t i = 0; i < d->slots_top; i++)
		n += d->calls[i].used && d->calls[i].incoming == incoming &&
		     !d->calls[i].chan_sent_final;
	return n;
}

static void on_call_request(struct daemon *d, const struct msg *m)
{
	char buf[LOG_UNTRUSTED_BUFSIZE];
	struct qrexec_call call;
	size_t in_flight = count_calls(d, false);
	int r = qrexec_parse_call_request(m, &call);

	if (r == -EBADMSG)
		daemon_violation(d, "malformed call request.");
	struct dcall *c = daemon_call_new(d, false);
	if (!c)
		daemon_violation(d, "a flood of call requests.");
	c->id = m->id;
	c->state = DC_POLICY;
	if (in_flight >= QREXEC_MAX_CALLS) {
		log_warning("VM %s has %u calls in flight; refusing another.", d->domain,
			    QREXEC_MAX_CALLS);
		return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM,
				    "too many calls in flight (at most 256 per VM)");
	}
	if (r < 0) {
		log_warning("VM %s asked for an invalid service or target: %s", d->domain,
			    log_untrusted(buf, m->payload, m->len));
		return dcall_refuse(d, c, QREXEC_EXIT_REFUSED, "invalid service or target name");
	}
	c->call = call;
	daemon_policy_query(d, c);
}

/* Data from the VM: within its credit, else it is overrunning the window; nothing after the
 * stream's EOF, so the other end never sees a stream its own rules forbid. */
static void agent_data(struct daemon *d, struct dcall *c, const struct msg *m)
{
	bool *eof = &c->vm_eof[m->type - QREXEC_MSG_DATA_STDIN];

	if (c->state != DC_RELAY)
		daemon_violation(d, "data before the call %u was connected.", m->id);
	if (m->len > c->agent_credit)
		daemon_violation(d, "data beyond the window on call %u.", m->id);
	if (*eof)
		daemon_violation(d, "data after the end of a stream on call %u.", m->id);
	*eof = m->len == 0;
	c->agent_credit -= m->len;
	if (!c->chan_sent_final)
		dcall_link_send(c, m->type, m->payload, m->len);
}

static void agent_window(struct daemon *d, struct dcall *c, const struct msg *m)
{
	uint32_t bytes;

	if (c->state != DC_RELAY || qrexec_parse_window(m, &bytes) < 0)
		daemon_violation(d, "bad window message on call %u.", m->id);
	/* Credit only for bytes the VM was sent: more would break the other end's window. */
	if (bytes > c->vm_unacked)
		daemon_violation(d, "a window for data never sent, call %u.", m->id);
	c->vm_unacked -= bytes;
	if (!c->chan_sent_final)
		dcall_link_send(c, m->type, m->payload, m->len);
}

/* The VM is the caller. */
static void agent_msg_outgoing(struct daemon *d, struct dcall *c, const struct msg *m)
{
	if (m->type == QREXEC_MSG_CLOSE && m->len == 0) {
		c->chan_got_final = true;
		if (c->state == DC_POLICY && !c->chan_sent_final) {
			c->policy_qid = 0; /* the answer, when it comes, is for nobody */
			return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "call aborted");
		}
		if (!c->link_sent_final && dcall_link_send(c, QREXEC_MSG_CLOSE, NULL, 0) >= 0)
			c->link_sent_final = true;
	} else if (m->type == QREXEC_MSG_DATA_STDIN) {
		agent_data(d, c, m);
	} else if (m->type == QREXEC_MSG_WINDOW) {
		agent_window(d, c, m);
	} else {
		daemon_violation(d, "message 0x%x not allowed from a caller (call %u).", m->type,
				 m->id);
	}
	daemon_call_maybe_done(d, c);
}

/* The VM's final answer to a call into it goes to the link; without a link, we close. */
static void agent_final(struct daemon *d, struct dcall *c, uint32_t type, const void *p, size_t len)
{
	c->chan_got_final = true;
	if (dcall_link_send(c, type, p, len) >= 0)
		c->link_sent_final = true;
	if (c->link < 0 && !c->chan_sent_final) {
		daemon_chan_send(d, QREXEC_MSG_CLOSE, c->id, NULL, 0);
		c->chan_sent_final = true;
	}
}

static void agent_refused(struct daemon *d, struct dcall *c, const struct msg *m)
{
	struct qrexec_refused wire;
	char reason[QREXEC_REASON_FIELD];
	int code;

	if (c->state != DC_STARTING || qrexec_parse_refused(m, &code, reason) < 0)
		daemon_violation(d, "bad refusal on call %u.", m->id);
	qrexec_refused_init(&wire, code, reason);
	agent_final(d, c, QREXEC_MSG_REFUSED, &wire, sizeof(wire));
}

static void agent_exit(struct daemon *d, struct dcall *c, const struct msg *m)
{
	int status;

	if (c->state != DC_RELAY || qrexec_parse_exit(m, &status) < 0)
		daemon_violation(d, "bad exit message on call %u.", m->id);
	agent_final(d, c, m->type, m->payload, m->len);
}

/* The VM runs the service. */
static void agent_msg_incoming(struct daemon *d, struct dcall *c, const struct msg *m)
{
	if (m->type == QREXEC_MSG_CONNECTED && m->len == 0 && c->state == DC_STARTING) {
		c->state = DC_RELAY;
		dcall_link_send(c, m->type, NULL, 0);
	} else if (m->type == QREXEC_MSG_REFUSED) {
		agent_refused(d, c, m);
	} else if (m->type == QREXEC_MSG_DATA_STDOUT || m->type == QREXEC_MSG_DATA_STDERR) {
		agent_data(d, c, m);
	} else if (m->type == QREXEC_MSG_WINDOW) {
		agent_window(d, c, m);
	} else if (m->type == QREXEC_MSG_EXIT) {
		agent_exit(d, c, m);
	} else {
		daemon_violation(d, "message 0x%x not allowed from a service (call %u).", m->type,
				 m->id);
	}
	daemon_call_maybe_done(d, c);
}

void dcall_on_agent_message(struct daemon *d, const struct msg *m)
{
	if (m->id == 0)
		daemon_violation(d, "message 0x%x on the connection's id.", m->type);
	struct dcall *c = call_find(d, m->id);
	if (!c && m->type == QREXEC_MSG_CALL_REQUEST && !(m->id & QREXEC_ID_HOST))
		return on_call_request(d, m);
	if (!c)
		daemon_violation(d, "message 0x%x for unknown call %u.", m->type, m->id);
	if (c->chan_got_final)
		daemon_violation(d, "message 0x%x after the end of call %u.", m->type, m->id);
	if (c->incoming)
		agent_msg_incoming(d, c, m);
	else
		agent_msg_outgoing(d, c, m);
}
