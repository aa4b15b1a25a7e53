/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrexec-agent: the guest's end of the VM channel. It runs services on the host's request and
 * carries the guest's own calls (from qrexec-client-vm on its local socket) to the host.
 *
 * Trust: the host daemon on the channel is trusted (it is the host); the agent still checks
 * sizes and windows, and treats a malformed message as the end of the link. Local callers are
 * processes of this guest.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/socket.h>

#include "agent.h"
#include "channel.h"
#include "fdio.h"
#include "log.h"
#include "local-call.h"
#include "macro.h"
#include "paths.h"
#include "strutil.h"

static _noreturn_ void channel_failed(int r)
{
	log_error_errno(r, "Writing to the channel failed: %m");
	exit(EXIT_FAILURE);
}

void agent_flush(struct agent *a)
{
	int r = a->out_len ? fd_write_all(a->chan, a->out, a->out_len) : 0;

	if (r < 0)
		channel_failed(r);
	a->out_len = 0;
}

/* Control messages and small data are held back until the round ends; bigger data goes out at
 * once, after what was held back. */
int agent_send(struct agent *a, uint32_t type, uint32_t id, const void *payload, size_t len)
{
	struct msg_header h;

	if (sizeof(h) + len > sizeof(a->out) - a->out_len)
		agent_flush(a);
	if (sizeof(h) + len > sizeof(a->out)) {
		int r = msg_write(a->chan, type, id, payload, len);
		if (r < 0)
			channel_failed(r);
		return 0;
	}
	msg_header_encode(&h, type, id, (uint32_t)len);
	memcpy(a->out + a->out_len, &h, sizeof(h));
	if (len)
		memcpy(a->out + a->out_len + sizeof(h), payload, len);
	a->out_len += sizeof(h) + len;
	return 0;
}

/* Header first, then the payload straight from the pipe. The header has promised len bytes,
 * so if splice is not possible here (a channel device without splice support) they are
 * copied instead; the pipe holds them already (FIONREAD), so neither way blocks on it. */
static int agent_send_spliced(struct agent *a, uint32_t type, uint32_t id, int fd, size_t len)
{
	static uint8_t buf[QREXEC_DATA_MAX];
	struct msg_header h;
	int r;

	agent_flush(a);
	msg_header_encode(&h, type, id, (uint32_t)len);
	r = fd_write_all(a->chan, &h, sizeof(h));
	while (r >= 0 && len > 0) {
		ssize_t k = splice(fd, NULL, a->chan, NULL, len, SPLICE_F_MOVE | SPLICE_F_MORE);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len -= (size_t)k;
	}
	if (r >= 0 && len > 0 && (r = fd_read_exact(fd, buf, len)) >= 0)
		r = fd_write_all(a->chan, buf, len);
	if (r < 0)
		channel_failed(r);
	return 0;
}

static int call_send_spliced(void *ctx, uint32_t type, int fd, size_t len)
{
	struct agent_call *c = ctx;

	if (c->sent_final)
		return 0;
	return agent_send_spliced(c->agent, type, c->id, fd, len);
}

static int call_send(void *ctx, uint32_t type, const void *payload, size_t len)
{
	struct agent_call *c = ctx;

	/* After our final message the id may already be free at the host: say nothing more. */
	if (c->sent_final)
		return 0;
	return agent_send(c->agent, type, c->id, payload, len);
}

struct agent_call *agent_call_new(struct agent *a, uint32_t id, bool service)
{
	for (size_t i = 0; i < AGENT_SLOTS; i++) {
		struct agent_call *c = &a->calls[i];
		if (c->used)
			continue;
		a->slots_top = MAX(a->slots_top, i + 1);
		*c = (struct agent_call){
			.agent = a, .used = true, .service = service, .id = id, .ctl = -1
		};
		pump_init(&c->pump, service, call_send, c);
		c->pump.send_spliced = a->chan_splice ? call_send_spliced : NULL;
		return c;
	}
	return NULL;
}

void agent_call_free(struct agent_call *c)
{
	pump_finish(&c->pump);
	c->ctl = safe_close(c->ctl);
	c->used = false;
	while (c->agent->slots_top > 0 && !c->agent->calls[c->agent->slots_top - 1].used)
		c->agent->slots_top--;
}

/* Both ends have sent their final message: the id may be reused. A caller hears its exit
 * status only once its stdout and stderr are written out, so "$(qrexec-client-vm ...)" sees
 * everything before the status. */
void agent_call_maybe_done(struct agent *a, struct agent_call *c)
{
	if (!c->service && c->got_final && !c->sent_final) {
		agent_send(a, QREXEC_MSG_CLOSE, c->id, NULL, 0);
		c->sent_final = true;
	}
	if (!c->sent_final || !c->got_final || !pump_dsts_done(&c->pump))
		return;
	if (!c->service && c->ctl >= 0 && c->connected) {
		struct qrexec_exit e = { (int32_t)htole32((uint32_t)c->status) };
		msg_write(c->ctl, QREXEC_MSG_EXIT, 0, &e, sizeof(e));
	}
	if (c->service && c->pid > 0)
		return; /* the child is still running: its status is not needed, but reap it */
	agent_call_free(c);
}

static struct agent_call *call_find(struct agent *a, uint32_t id)
{
	for (size_t i = 0; i < a->slots_top; i++)
		if (a->calls[i].used && a->calls[i].id == id)
			return &a->calls[i];
	return NULL;
}

static int on_call_message(struct agent *a, const struct msg *m)
{
	struct agent_call *c = call_find(a, m->id);

	if (!c) {
		if (m->type == QREXEC_MSG_EXEC_REQUEST && (m->id & QREXEC_ID_HOST))
			return agent_service_exec(a, m);
		return log_error_errno(EBADMSG, "Message 0x%x for unknown call %u.", m->type,
				       m->id);
	}
	return c->service ? agent_service_on_message(a, c, m) : agent_client_on_message(a, c, m);
}

static int drain_channel(struct agent *a)
{
	struct msg m;
	int k;

	while ((k = msg_reader_next(&a->rd, &m)) == 1) {
		int r = on_call_message(a, &m);
		if (r < 0)
			return r;
	}
	return k < 0 ? log_error_errno(k, "Oversized message on the channel.") : 0;
}

static int on_channel_readable(struct agent *a)
{
	ssize_t n = msg_reader_fill(&a->rd, a->chan);

	if (n == -EAGAIN)
		return 0;
	if (n <= 0)
		return log_notice_errno(n < 0 ? (int)n : EPIPE, "The channel closed: %m");
	return drain_channel(a);
}

static int hello(struct agent *a)
{
	struct qrexec_hello h = { htole32(1), htole32(QREXEC_PROTOCOL_VERSION) };
	struct msg m;
	uint32_t version;
	int k;

	agent_send(a, QREXEC_MSG_HELLO, 0, &h, sizeof(h));
	agent_flush(a);
	while ((k = msg_reader_next(&a->rd, &m)) == 0) {
		ssize_t n = msg_reader_fill(&a->rd, a->chan);
		if (n <= 0)
			return log_error_errno(n < 0 ? (int)n : EPIPE,
					       "No hello from the host: %m");
	}
	if (k < 0 || m.type != QREXEC_MSG_HELLO || qrexec_parse_hello(&m, &version) < 0)
		return log_error_errno(EPROTO, "Bad hello from the host.");
	log_debug("Protocol version %u.", version);
	return 0;
}

enum watch_kind { W_CHAN, W_LISTEN, W_SIGNAL, W_CTL, W_SRC0, W_SRC1, W_DST0, W_DST1 };

struct pollset {
	struct pollfd fds[3 + AGENT_SLOTS * 5];
	struct {
		enum watch_kind kind;
		struct agent_call *call;
	} refs[3 + AGENT_SLOTS * 5];
	size_t n;
};

static void watch(struct pollset *ps, int fd, short events, enum watch_kind kind,
		  struct agent_call *c)
{
	if (fd < 0 || events == 0)
		return;
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = events };
	ps->refs[ps->n].kind = kind;
	ps->refs[ps->n++].call = c;
}

static void watch_call(struct pollset *ps, struct agent_call *c)
{
	struct pump *p = &c->pump;

	watch(ps, c->ctl, POLLIN, W_CTL, c);
	if (!c->service && !c->connected)
		return;
	watch(ps, p->src[0], pump_src_events(p, 0), W_SRC0, c);
	watch(ps, p->src[1], pump_src_events(p, 1), W_SRC1, c);
	watch(ps, p->dst[0], pump_dst_events(p, 0), W_DST0, c);
	watch(ps, p->dst[1], pump_dst_events(p, 1), W_DST1, c);
}

static void prepare(struct agent *a, struct pollset *ps)
{
	ps->n = 0;
	watch(ps, a->chan, POLLIN, W_CHAN, NULL);
	watch(ps, a->listen_fd, POLLIN, W_LISTEN, NULL);
	watch(ps, a->sigfd, POLLIN, W_SIGNAL, NULL);
	for (size_t i = 0; i < a->slots_top; i++)
		if (a->calls[i].used)
			watch_call(ps, &a->calls[i]);
}

/* A local fd of a call is ready; the call may finish as a result. */
static void dispatch_call(struct agent *a, enum watch_kind kind, struct agent_call *c)
{
	if (!c->used)
		return; /* freed by an earlier event of this round */
	if (kind == W_CTL)
		agent_client_ctl_ready(a, c);
	else if (kind == W_SRC0 || kind == W_SRC1)
		pump_src_ready(&c->pump, kind - W_SRC0);
	else
		pump_dst_ready(&c->pump, kind - W_DST0);
	if (c->used && c->service)
		agent_service_maybe_exit(a, c);
	if (c->used)
		agent_call_maybe_done(a, c);
}

static int dispatch(struct agent *a, struct pollset *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->fds[i].revents)
			continue;
		enum watch_kind kind = ps->refs[i].kind;
		if (kind == W_CHAN) {
			int r = on_channel_readable(a);
			if (r < 0)
				return r;
		} else if (kind == W_LISTEN) {
			agent_client_accept(a);
		} else if (kind == W_SIGNAL) {
			agent_service_reap(a);
		} else {
			dispatch_call(a, kind, ps->refs[i].call);
		}
	}
	return 0;
}

static int run(struct agent *a)
{
	static struct pollset ps;
	int r = drain_channel(a);

	while (r >= 0) {
		prepare(a, &ps);
		agent_flush(a);
		if (poll(ps.fds, ps.n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return log_error_errno(errno, "poll: %m");
		}
		r = dispatch(a, &ps);
	}
	return r;
}

static int setup_channel(struct agent *a, const char *spec)
{
	int size = 4 * 1024 * 1024;

	a->chan = channel_open(spec);
	if (a->chan < 0)
		return log_error_errno(a->chan, "Cannot open channel %s: %m", spec);
	struct stat st;
	a->chan_splice = fstat(a->chan, &st) == 0 && S_ISSOCK(st.st_mode);
	/* A socket channel (process VMs): fewer, larger transfers. A device ignores this. */
	setsockopt(a->chan, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(a->chan, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

/* Started as root by the guest's init, the agent keeps root so that the host may run a command
 * as root; services and every other command run as the VM's user (agent-service.c drops to it
 * in the child), as in Qubes. Looked up once here: the children only call set*id(). */
static int lookup_user(struct agent *a, const char *name)
{
	struct agent_user *u = &a->user;
	struct passwd *pw = getpwnam(name);

	if (!pw)
		return log_error_errno(ENOENT, "No user %s.", name);
	u->n_groups = (int)ELEMENTSOF(u->groups);
	if (getgrouplist(pw->pw_name, pw->pw_gid, u->groups, &u->n_groups) < 0)
		return log_error_errno(E2BIG, "User %s is in too many groups.", name);
	if (str_copy(u->name, sizeof(u->name), pw->pw_name) < 0 ||
	    str_copy(u->home, sizeof(u->home), pw->pw_dir) < 0)
		return log_error_errno(ENAMETOOLONG, "User %s: name or home too long.", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->set = geteuid() == 0 && pw->pw_uid != 0;
	return 0;
}

/* Services start in $HOME, as they would from a login; no home is not an error. */
static void enter_home(const char *home)
{
	if (home && chdir(home) < 0)
		log_debug_errno(errno, "Cannot enter %s: %m", home);
}

static int setup_signals(struct agent *a)
{
	sigset_t mask;

	/* A reader that went away is an error return, not a death. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	a->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	return a->sigfd < 0 ? -errno : 0;
}

static int setup_listen(struct agent *a)
{
	_cleanup_free_ char *path = qrexec_agent_socket_path();

	if (!path)
		return log_oom();
	a->listen_fd = channel_listen(path);
	if (a->listen_fd < 0)
		return log_error_errno(a->listen_fd, "Cannot listen on %s: %m", path);
	/* Every program of this VM may call out, as in Qubes: the agent may run as root (guest
	 * init) while the user's programs do not. The VM is one security domain. */
	if (chmod(path, 0666) < 0)
		log_warning_errno(errno, "Cannot open %s to the VM's users: %m", path);
	return 0;
}

static int default_rpc_dirs(struct agent *a)
{
	const char *xdg = a->user.set ? NULL : getenv("XDG_CONFIG_HOME");
	const char *home = a->user.set ? a->user.home : getenv("HOME");

	/* The user's own services are theirs to add: their home, whoever the agent runs as. */
	a->rpc_dirs = calloc(3, sizeof(char *));
	if (!a->rpc_dirs)
		return log_oom();
	a->rpc_dirs[a->n_rpc_dirs++] = strdup("/etc/bulkhead/rpc");
	if (xdg && *xdg)
		a->rpc_dirs[a->n_rpc_dirs++] = str_new_printf("%s/bulkhead/rpc", xdg);
	else if (home)
		a->rpc_dirs[a->n_rpc_dirs++] = str_new_printf("%s/.config/bulkhead/rpc", home);
	a->rpc_dirs[a->n_rpc_dirs++] = strdup(BULKHEAD_GUEST_RPCDIR);
	for (size_t i = 0; i < a->n_rpc_dirs; i++)
		if (!a->rpc_dirs[i])
			return log_oom();
	return 0;
}

static int add_rpc_dir(struct agent *a, const char *dir)
{
	char **d = realloc(a->rpc_dirs, (a->n_rpc_dirs + 1) * sizeof(char *));

	if (!d)
		return log_oom();
	a->rpc_dirs = d;
	a->rpc_dirs[a->n_rpc_dirs] = strdup(dir);
	return a->rpc_dirs[a->n_rpc_dirs++] ? 0 : log_oom();
}

static int parse_args(struct agent *a, int argc, char **argv, const char **channel)
{
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "domain", required_argument, NULL, 'd' },
		{ "rpc-dir", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "refuse", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int o, r = 0;

	while (r >= 0 && (o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o == 'c')
			*channel = optarg;
		else if (o == 'd')
			a->domain = optarg;
		else if (o == 'r')
			r = add_rpc_dir(a, optarg);
		else if (o == 'u')
			r = lookup_user(a, optarg);
		else if (o == 'R' && optarg[0])
			a->refuse_reason = optarg;
		else
			r = -EINVAL;
	}
	if (r >= 0 && optind < argc)
		r = -EINVAL;
	if (!*channel) /* in a real guest: the virtio-serial port (docs/interfaces.md) */
		*channel = "/dev/virtio-ports/org.bulkhead.qrexec.0";
	if (r == -EINVAL)
		fprintf(stderr, "Usage: qrexec-agent [--channel SPEC] [--domain NAME] "
				"[--rpc-dir DIR]... [--user NAME] [--refuse REASON]\n");
	return r < 0 ? r : (a->n_rpc_dirs ? 0 : default_rpc_dirs(a));
}

int main(int argc, char **argv)
{
	static struct agent a = { .chan = -1, .listen_fd = -1, .sigfd = -1, .next_id = 1 };
	const char *channel = NULL;

	log_set_ident("qrexec-agent");
	log_parse_environment();
	if (parse_args(&a, argc, argv, &channel) < 0)
		return 2;
	if (setup_channel(&a, channel) < 0 || msg_reader_init(&a.rd, QREXEC_MSG_MAX) < 0 ||
	    setup_signals(&a) < 0 || setup_listen(&a) < 0 || hello(&a) < 0)
		return 1;
	enter_home(a.user.set ? a.user.home : getenv("HOME"));
	return run(&a) < 0 ? 1 : 0;
}
