/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrexec-client -d VM [--] SERVICE[+ARG] | -d VM [-u root] --command CMD...: the host runs a
 * service (or, as the admin, any command) in a VM through that VM's daemon, with our
 * stdin/stdout/stderr as the call's. No policy: the host user is the admin.
 *
 * Trust: the daemon is a host process; what it relays from the VM (output, the exit status)
 * is checked for size and window like any call data.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "paths.h"
#include "pump.h"
#include "qrexec.h"
#include "strutil.h"

#define ADMIN_VM "dom0"

struct client {
	int link;
	struct msg_reader rd;
	struct pump pump;
	bool connected, done;
	int status;
};

static int link_send(void *ctx, uint32_t type, const void *payload, size_t len)
{
	struct client *c = ctx;

	return msg_write(c->link, type, 0, payload, len);
}

static int connect_daemon(const char *vm)
{
	_cleanup_free_ char *rt = bulkhead_runtime_dir();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!rt || str_printf(sa.sun_path, sizeof(sa.sun_path), "%s/qrexec/%s.sock", rt, vm) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return TAKE_FD(fd);
}

/* The exec request, with a NUL-separated argv after it for --command. */
static int send_request(struct client *c, const char *vm, const char *service, char **cmd,
			bool as_root)
{
	size_t len = 0;
	for (size_t i = 0; cmd && cmd[i]; i++)
		len += strlen(cmd[i]) + 1;
	_cleanup_free_ uint8_t *buf = malloc(sizeof(struct qrexec_exec_request) + len);
	if (!buf)
		return -ENOMEM;
	struct qrexec_exec_request *req = (struct qrexec_exec_request *)buf;
	uint32_t flags = (cmd ? QREXEC_EXEC_COMMAND : 0) | (as_root ? QREXEC_EXEC_AS_ROOT : 0);
	int r = qrexec_exec_request_init(req, ADMIN_VM, vm, service, flags);
	if (r < 0)
		return r;
	size_t off = sizeof(*req);
	for (size_t i = 0; cmd && cmd[i]; i++) {
		memcpy(buf + off, cmd[i], strlen(cmd[i]) + 1);
		off += strlen(cmd[i]) + 1;
	}
	if (off > QREXEC_MSG_MAX)
		return -E2BIG;
	return msg_write(c->link, QREXEC_MSG_EXEC_REQUEST, 0, buf, off);
}

static void take_stdio(struct client *c)
{
	bool sock;
	int fd;

	fd = qrexec_fd_prepare(dup(0), &sock);
	pump_set_src(&c->pump, 0, fd, sock);
	fd = qrexec_fd_prepare(dup(1), &sock);
	pump_set_dst(&c->pump, 0, fd, sock);
	fd = qrexec_fd_prepare(dup(2), &sock);
	pump_set_dst(&c->pump, 1, fd, sock);
}

static int on_message(struct client *c, const struct msg *m)
{
	char reason[QREXEC_REASON_FIELD];

	if (m->type == QREXEC_MSG_CONNECTED && !c->connected) {
		c->connected = true;
		take_stdio(c);
		return 0;
	}
	if (m->type == QREXEC_MSG_REFUSED && !c->connected &&
	    qrexec_parse_refused(m, &c->status, reason) == 0) {
		fprintf(stderr, "qrexec-client: %s\n", reason);
		c->done = true;
		return 0;
	}
	if (m->type == QREXEC_MSG_EXIT && c->connected && qrexec_parse_exit(m, &c->status) == 0) {
		c->done = true;
		c->pump.src[0] = safe_close(c->pump.src[0]);
		pump_peer_done(&c->pump);
		return 0;
	}
	if (!c->connected)
		return -EBADMSG;
	return pump_on_message(&c->pump, m->type, m->payload, m->len);
}

static int link_readable(struct client *c)
{
	struct msg m;
	ssize_t n = msg_reader_fill(&c->rd, c->link);
	int k, r = 0;

	if (n <= 0)
		return n == -EAGAIN ? 0 : -EPIPE;
	while (r >= 0 && (k = msg_reader_next(&c->rd, &m)) == 1)
		r = on_message(c, &m);
	return r < 0 ? r : (k < 0 ? k : 0);
}

/* Until EXIT (or REFUSED) has come and our stdout/stderr hold all of it. */
static int run(struct client *c)
{
	while (!c->done || !pump_dsts_done(&c->pump)) {
		struct pollfd p[4] = {
			{ c->done ? -1 : c->link, POLLIN, 0 },
			{ c->pump.src[0], pump_src_events(&c->pump, 0), 0 },
			{ c->pump.dst[0], pump_dst_events(&c->pump, 0), 0 },
			{ c->pump.dst[1], pump_dst_events(&c->pump, 1), 0 },
		};
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents && link_readable(c) < 0)
			return -EPIPE;
		if (p[1].revents && c->pump.src[0] >= 0 && pump_src_ready(&c->pump, 0) < 0)
			return -EPIPE;
		for (int i = 0; i < 2; i++)
			if (p[2 + i].revents && c->pump.dst[i] >= 0)
				pump_dst_ready(&c->pump, i);
		if (c->done && !c->connected)
			break;
	}
	msg_write(c->link, QREXEC_MSG_CLOSE, 0, NULL, 0);
	return c->status;
}

static int usage(void)
{
	fprintf(stderr, "Usage: qrexec-client -d VM [--] SERVICE[+ARG]\n"
			"       qrexec-client -d VM [-u root|user] --command CMD [ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "command", no_argument, NULL, 'c' }, {} };
	static struct client c = { .link = -1 };
	const char *vm = NULL;
	bool command = false, as_root = false;
	int o;

	log_set_ident("qrexec-client");
	signal(SIGPIPE, SIG_IGN);
	while ((o = getopt_long(argc, argv, "+d:u:", opts, NULL)) >= 0) {
		if (o == 'd')
			vm = optarg;
		else if (o == 'c')
			command = true;
		else if (o == 'u' && (streq(optarg, "root") || streq(optarg, "user")))
			as_root = streq(optarg, "root");
		else
			return usage();
	}
	/* -u is for commands: a service runs as the VM's user, whatever the caller. */
	if (!vm || optind >= argc || (!command && optind + 1 != argc) || (as_root && !command))
		return usage();
	pump_init(&c.pump, false, link_send, &c);
	c.link = connect_daemon(vm);
	if (c.link < 0)
		return log_error_errno(c.link, "VM %s is not running: %m", vm), QREXEC_EXIT_PROBLEM;
	if (msg_reader_init(&c.rd, QREXEC_MSG_MAX) < 0 ||
	    send_request(&c, vm, command ? "qrexec.Command" : argv[optind],
			 command ? argv + optind : NULL, as_root) < 0)
		return QREXEC_EXIT_PROBLEM;
	int r = run(&c);
	return r < 0 ? QREXEC_EXIT_PROBLEM : r;
}
