/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrexec-daemon: the host's end of one VM's qrexec channel. It never evaluates policy (the
 * policy daemon does); it relays calls between the VM's agent and links to other daemons
 * (or host clients), with every call's credit window enforced so memory stays bounded.
 *
 * Trust: everything on the channel comes from the VM and is hostile. The VM's identity is this
 * daemon's --domain, never a field it wrote. Messages are parsed in parse-agent.c; a malformed
 * one, a window overrun, an unknown call id or a flood ends this daemon (daemon_violation):
 * that VM's link only. Links and the policy socket are host processes of the same user
 * (checked with SO_PEERCRED on accept).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "daemon.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "paths.h"
#include "sandbox.h"
#include "strutil.h"

/* Past this much unread output the VM is not reading: stop feeding it from links. */
#define CHAN_QUEUE_HIGH (4 * 1024 * 1024)
/* A VM that lets this much pile up is not going to read it: end the link. */
#define CHAN_QUEUE_MAX (64 * 1024 * 1024)
/* Channel reads per wakeup, so one busy call does not cost a poll() per 64 KiB. */
#define READS_PER_WAKEUP 16

_Noreturn void daemon_violation(struct daemon *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_error("Protocol violation by VM %s: %s Closing its channel.", d->domain, buf);
	exit(EXIT_FAILURE);
}

void daemon_chan_send(struct daemon *d, uint32_t type, uint32_t id, const void *p, size_t len)
{
	int r = outq_write_msg(&d->cq, d->chan, true, type, id, p, len);

	if (r == -ENOMEM)
		daemon_violation(d, "out of memory queueing for the VM.");
	if (r < 0) {
		log_notice_errno(r, "Writing to VM %s failed: %m", d->domain);
		exit(EXIT_FAILURE);
	}
	if (outq_size(&d->cq) > CHAN_QUEUE_MAX)
		daemon_violation(d, "the VM does not read its channel.");
}

struct dcall *daemon_call_new(struct daemon *d, bool incoming)
{
	for (size_t i = 0; i < DAEMON_SLOTS; i++) {
		struct dcall *c = &d->calls[i];
		if (c->used)
			continue;
		d->slots_top = MAX(d->slots_top, i + 1);
		*c = (struct dcall){ .used = true,
				     .incoming = incoming,
				     .link = -1,
				     .agent_credit = QREXEC_WINDOW };
		return c;
	}
	return NULL;
}

static bool any_call(const struct daemon *d)
{
	for (size_t i = 0; i < d->slots_top; i++)
		if (d->calls[i].used)
			return true;
	return false;
}

void daemon_call_free(struct daemon *d, struct dcall *c)
{
	c->link = safe_close(c->link);
	msg_reader_finish(&c->lrd);
	outq_finish(&c->lq);
	c->used = false;
	while (d->slots_top > 0 && !d->calls[d->slots_top - 1].used)
		d->slots_top--;
	d->served = true;
	if (d->disposable && !any_call(d)) {
		log_info("The last call of disposable %s ended.", d->domain);
		exit(EXIT_SUCCESS); /* bulkheadd destroys the VM */
	}
}

/* <runtime>/qrexec/<vm>.ready: the agent answered; bulkheadd pauses preloaded disposables
 * only then, so that taking one means a resume, never a boot. */
static void mark_ready(struct daemon *d)
{
	_cleanup_free_ char *path = str_new_printf("%s/qrexec/%s.ready", d->runtime_dir, d->domain);
	_cleanup_close_ int fd = path ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) : -1;

	if (fd < 0)
		log_warning_errno(errno, "Cannot write %s: %m", path ? path : "the ready file");
}

/* Free a call once both of its sides have ended; a link with output queued waits for it. */
void daemon_call_maybe_done(struct daemon *d, struct dcall *c)
{
	bool link_done = c->link < 0 || (c->link_sent_final && c->link_got_final);

	if (c->chan_sent_final && c->chan_got_final && link_done && outq_empty(&c->lq))
		daemon_call_free(d, c);
}

static void drain_channel(struct daemon *d)
{
	struct msg m;
	int k;

	while ((k = msg_reader_next(&d->rd, &m)) == 1) {
		uint32_t version;
		if (!d->hello_done) {
			if (m.type != QREXEC_MSG_HELLO || qrexec_parse_hello(&m, &version) < 0)
				daemon_violation(d, "no valid hello.");
			d->hello_done = true;
			mark_ready(d);
			continue;
		}
		dcall_on_agent_message(d, &m);
	}
	if (k < 0)
		daemon_violation(d, "a message over %u bytes.", QREXEC_MSG_MAX);
}

static void channel_readable(struct daemon *d)
{
	for (int i = 0; i < READS_PER_WAKEUP; i++) {
		ssize_t n = msg_reader_fill(&d->rd, d->chan);
		if (n == -EAGAIN)
			return;
		if (n == 0 && msg_reader_pending(&d->rd) > 0)
			daemon_violation(d, "the channel ended inside a message.");
		if (n <= 0) {
			log_notice("VM %s closed its channel.", d->domain);
			exit(n == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
		}
		drain_channel(d);
	}
}

static void channel_writable(struct daemon *d)
{
	int r = outq_flush(&d->cq, d->chan, true);

	if (r < 0) {
		log_notice_errno(r, "Writing to VM %s failed: %m", d->domain);
		exit(EXIT_FAILURE);
	}
}

enum watch_kind { W_CHAN, W_LISTEN, W_POLICY, W_LINK };

struct pollset {
	struct pollfd fds[3 + DAEMON_SLOTS];
	struct dcall *calls[3 + DAEMON_SLOTS];
	enum watch_kind kinds[3 + DAEMON_SLOTS];
	size_t n;
};

static void watch(struct pollset *ps, int fd, short ev, enum watch_kind kind, struct dcall *c)
{
	if (fd < 0 || ev == 0)
		return;
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = ev };
	ps->kinds[ps->n] = kind;
	ps->calls[ps->n++] = c;
}

static void prepare(struct daemon *d, struct pollset *ps)
{
	bool chan_full = outq_size(&d->cq) > CHAN_QUEUE_HIGH;

	ps->n = 0;
	watch(ps, d->chan, POLLIN | (outq_empty(&d->cq) ? 0 : POLLOUT), W_CHAN, NULL);
	watch(ps, d->listen_fd, POLLIN, W_LISTEN, NULL);
	watch(ps, d->policy_fd, POLLIN | (outq_empty(&d->pq) ? 0 : POLLOUT), W_POLICY, NULL);
	for (size_t i = 0; i < d->slots_top; i++) {
		struct dcall *c = &d->calls[i];
		if (!c->used || c->link < 0)
			continue;
		short ev = (chan_full ? 0 : POLLIN) | (outq_empty(&c->lq) ? 0 : POLLOUT);
		watch(ps, c->link, ev, W_LINK, c);
	}
}

static void link_ready(struct daemon *d, struct dcall *c, short revents)
{
	if (revents & POLLOUT) {
		if (outq_flush(&c->lq, c->link, true) < 0)
			outq_finish(&c->lq); /* the peer is gone; its EOF comes next */
	}
	if (c->used && (revents & (POLLIN | POLLHUP | POLLERR)))
		dcall_link_readable(d, c);
	if (c->used)
		daemon_call_maybe_done(d, c);
}

static void dispatch_one(struct daemon *d, enum watch_kind kind, struct dcall *c, int fd, short rev)
{
	bool in = rev & (POLLIN | POLLHUP | POLLERR);

	switch (kind) {
	case W_CHAN:
		if (rev & POLLOUT)
			channel_writable(d);
		if (in)
			channel_readable(d);
		break;
	case W_LISTEN:
		dcall_accept_link(d);
		break;
	case W_POLICY:
		if (rev & POLLOUT)
			daemon_policy_writable(d);
		if (in && d->policy_fd >= 0)
			daemon_policy_readable(d);
		break;
	case W_LINK:
		if (c->used && c->link == fd) /* not freed or replaced earlier in this round */
			link_ready(d, c, rev);
		break;
	}
}

static void dispatch(struct daemon *d, struct pollset *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->fds[i].revents)
			dispatch_one(d, ps->kinds[i], ps->calls[i], ps->fds[i].fd,
				     ps->fds[i].revents);
}

static _Noreturn void run(struct daemon *d)
{
	static struct pollset ps;

	for (;;) {
		prepare(d, &ps);
		if (poll(ps.fds, ps.n, -1) < 0 && errno != EINTR) {
			log_error_errno(errno, "poll: %m");
			exit(EXIT_FAILURE);
		}
		dispatch(d, &ps);
	}
}

/* bulkheadd binds the socket before it starts this daemon (--listen-fd), so that it is there
 * as soon as the VM is; run by hand, the daemon binds it itself. */
static int setup_socket(struct daemon *d, int inherited_fd)
{
	_cleanup_free_ char *dir = str_new_printf("%s/qrexec", d->runtime_dir);
	_cleanup_free_ char *path = str_new_printf("%s/qrexec/%s.sock", d->runtime_dir, d->domain);
	int listening = 0;
	socklen_t len = sizeof(listening);

	if (inherited_fd >= 0) {
		if (getsockopt(inherited_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
		    !listening)
			return log_error_errno(ENOTSOCK, "--listen-fd %d: not a listening socket",
					       inherited_fd);
		d->listen_fd = inherited_fd;
		return fd_set_nonblock(d->listen_fd, true);
	}
	if (!dir || !path)
		return log_oom();
	int r = mkdir_parents_private(dir);
	if (r < 0)
		return log_error_errno(r, "Cannot create %s: %m", dir);
	d->listen_fd = channel_listen(path);
	if (d->listen_fd < 0)
		return log_error_errno(d->listen_fd, "Cannot listen on %s: %m", path);
	fd_set_nonblock(d->listen_fd, true);
	return 0;
}

static int setup_channel(struct daemon *d, const char *spec)
{
	struct qrexec_hello h = { htole32(1), htole32(QREXEC_PROTOCOL_VERSION) };
	int bufsize = 4 * 1024 * 1024;

	d->chan = channel_open(spec);
	if (d->chan < 0)
		return log_error_errno(d->chan, "Cannot open channel %s: %m", spec);
	fd_set_nonblock(d->chan, true);
	setsockopt(d->chan, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	setsockopt(d->chan, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	if (msg_reader_init(&d->rd, QREXEC_MSG_MAX) < 0 ||
	    msg_reader_init(&d->prd, sizeof(struct qrexec_policy_reply)) < 0)
		return log_oom();
	daemon_chan_send(d, QREXEC_MSG_HELLO, 0, &h, sizeof(h));
	return 0;
}

struct daemon_args {
	const char *channel;
	int listen_fd;
};

static int parse_args(struct daemon *d, int argc, char **argv, struct daemon_args *a)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "channel", required_argument, NULL, 'c' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "disposable", no_argument, NULL, 'D' },
		{ "filter-spawner", no_argument, NULL, 'F' },
		{ "listen-fd", required_argument, NULL, 'L' },
		{},
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o == 'd')
			d->domain = optarg;
		else if (o == 'c')
			a->channel = optarg;
		else if (o == 'r')
			d->runtime_dir = strdup(optarg);
		else if (o == 'D')
			d->disposable = true;
		else if (o == 'F')
			d->is_spawner = true;
		else if (o == 'L' && fd_parse_inherited(optarg, &a->listen_fd) < 0)
			return log_error_errno(EBADF, "--listen-fd %s: not an open file descriptor",
					       optarg);
		else if (o != 'L')
			return -EINVAL;
	}
	if (!d->domain || !a->channel || optind < argc || !vm_name_is_valid(d->domain))
		return -EINVAL;
	if (!d->runtime_dir)
		d->runtime_dir = bulkhead_runtime_dir();
	return d->runtime_dir ? 0 : -ENOMEM;
}

/* Everything is open: the channel, the listening socket. From here on Unix sockets, and one
 * kind of file: the ready marker in <runtime>/qrexec (created, never removed). */
static int enter_sandbox(struct daemon *d)
{
	_cleanup_free_ char *dir = str_new_printf("%s/qrexec", d->runtime_dir);
	struct sandbox_path ready = { dir, SANDBOX_FS_MAKE_REG };
	struct sandbox_status st;
	int r = dir ? sandbox_apply(&sandbox_profile_qrexec_daemon, &ready, 1, &st) : -ENOMEM;

	if (r < 0)
		return log_error_errno(r, "Cannot enter the sandbox: %m");
	if (st.landlock_abi == 0)
		log_notice("This kernel has no Landlock: file access is limited by seccomp only.");
	return 0;
}

int main(int argc, char **argv)
{
	static struct daemon d = {
		.chan = -1, .listen_fd = -1, .policy_fd = -1, .filter_spawner = -1, .next_qid = 1
	};
	struct daemon_args args = { .listen_fd = -1 };

	log_parse_environment();
	if (parse_args(&d, argc, argv, &args) < 0) {
		fprintf(stderr, "Usage: qrexec-daemon --domain NAME --channel SPEC "
				"[--runtime-dir DIR] [--listen-fd FD] [--disposable]\n");
		return 2;
	}
	static char ident[64];
	snprintf(ident, sizeof(ident), "qrexec-daemon[%s]", d.domain);
	log_set_ident(ident);
	signal(SIGPIPE, SIG_IGN);
	if (d.is_spawner)
		daemon_filter_spawner_main(&d);
	if (setup_channel(&d, args.channel) < 0 || setup_socket(&d, args.listen_fd) < 0)
		return 1;
	if (daemon_filter_spawner_start(&d) < 0)
		log_warning("No host filters: services that need one will be refused");
	if (enter_sandbox(&d) < 0)
		return 1;
	run(&d);
}
