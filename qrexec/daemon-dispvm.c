/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A call the policy sent to "@dispvm:TEMPLATE": bulkheadd starts a disposable from TEMPLATE (a
 * preloaded one when it has one) and names it on <runtime>/dispvm.sock, one line each way:
 *
 *     -> TEMPLATE\n          <- OK disp1234\n  |  ERR reason\n
 *
 * (the request is dispvm-client.c's, shared with the print filter), and the call goes on to
 * that disposable like any other target. The disposable's own
 * qrexec-daemon (--disposable) ends when the call does, and bulkheadd destroys the VM then.
 * Only a name for a disposable crosses this socket: the daemon gets no other power over VMs.
 *
 * Trust: bulkheadd is a host process; its answer is still bounded and the name validated
 * before it becomes a socket path.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "dispvm-client.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "strutil.h"

void daemon_dispvm_request(struct daemon *d, struct dcall *c, const char *template)
{
	int fd = vm_name_is_valid(template) ? qrexec_dispvm_request(d->runtime_dir, template, false)
					    : -EINVAL;

	if (fd < 0) {
		log_warning_errno(fd, "%s -> @dispvm:%s %s: no disposable: %m", d->domain, template,
				  c->call.full);
		return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "no disposable VM could be started");
	}
	fd_set_nonblock(fd, true);
	c->link = fd;
	c->state = DC_DISPVM;
	c->dispvm_len = 0;
	log_info("%s -> @dispvm:%s %s: allowed, starting a disposable", d->domain, template,
		 c->call.full);
}

void daemon_dispvm_readable(struct daemon *d, struct dcall *c)
{
	size_t room = sizeof(c->dispvm_reply) - 1 - c->dispvm_len;
	ssize_t n = read(c->link, c->dispvm_reply + c->dispvm_len, room);
	const char *name, *why;
	char *nl;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	c->dispvm_len += n > 0 ? (size_t)n : 0;
	c->dispvm_reply[c->dispvm_len] = '\0';
	nl = strchr(c->dispvm_reply, '\n');
	if (!nl && n > 0 && (size_t)n < room)
		return; /* the rest of the line is on its way */
	if (nl)
		*nl = '\0';
	c->link = safe_close(c->link);
	why = nl ? qrexec_dispvm_reply_parse(c->dispvm_reply, &name)
		 : "bulkheadd closed the request";
	if (why) {
		log_warning("%s -> %s %s: no disposable: %s", d->domain, c->call.target,
			    c->call.full, why);
		return dcall_refuse(d, c, QREXEC_EXIT_PROBLEM, "no disposable VM could be started");
	}
	dcall_connect_target(d, c, name);
}
