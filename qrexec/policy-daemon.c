/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrexec-policy-daemon: decides every qrexec request with libpolicy against the live policy
 * directories (reloaded on change through inotify; a policy that does not load denies
 * everything), asks the user for `ask` rules over D-Bus, notifies, and writes the audit log.
 *
 * Trust: clients are qrexec-daemons (host, same uid, checked with SO_PEERCRED). Their queries
 * carry names a VM chose, already validated by the daemon, and validated again here; the
 * source is the daemon's own VM, never something the VM wrote.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>
#include <dbus/dbus.h>

#include "channel.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "notify.h"
#include "paths.h"
#include "policy-daemon.h"
#include "qrexec.h"
#include "sandbox.h"
#include "strutil.h"

#define WATCH_MASK                                                                          \
	(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | \
	 IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)
#define NOTIFY_PER_MINUTE 10

static void policy_reload(struct pd *pd)
{
	struct policy *p = NULL;
	int r = policy_load((const char *const *)pd->dirs, pd->n_dirs, &p);

	if (r == -ENOMEM)
		log_oom(); /* keep nothing rather than a stale policy: NULL denies */
	for (size_t i = 0; p && i < policy_error_count(p); i++) {
		const struct policy_error *e = policy_error_get(p, i);
		log_error("%s:%u: %s", e->file, e->line, e->message);
	}
	if (r == -EINVAL)
		log_error("The policy has errors: every request is denied until they are fixed.");
	else if (p)
		log_info("Policy loaded: %zu rules in %zu files.", policy_rule_count(p),
			 policy_file_count(p));
	policy_free(pd->policy);
	pd->policy = p;
}

/* Watch each directory that exists; one that appears later is picked up by the next check. */
static bool watch_dirs(struct pd *pd)
{
	bool added = false;

	for (size_t i = 0; i < pd->n_dirs; i++) {
		if (pd->watches[i] >= 0)
			continue;
		pd->watches[i] = inotify_add_watch(pd->inotify_fd, pd->dirs[i], WATCH_MASK);
		added |= pd->watches[i] >= 0;
	}
	return added;
}

static void inotify_readable(struct pd *pd)
{
	_Alignas(struct inotify_event) char buf[8192];
	ssize_t n;

	while ((n = read(pd->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			for (size_t i = 0; i < pd->n_dirs; i++)
				if (pd->watches[i] == ev->wd && (ev->mask & IN_IGNORED))
					pd->watches[i] = -1;
			p += sizeof(*ev) + ev->len;
		}
	}
	watch_dirs(pd);
	policy_reload(pd);
}

void pd_reply(struct pd *pd, const struct pd_request *req, bool allowed, const char *target,
	      const char *reason)
{
	struct pd_client *c = &pd->clients[req->client];
	struct qrexec_policy_reply r = { .allowed = htole32(allowed ? 1 : 0) };

	if (c->fd < 0 || c->generation != req->generation)
		return; /* that daemon is gone */
	str_copy(r.target, sizeof(r.target), allowed && target ? target : "");
	strncpy(r.reason, reason ? reason : "", sizeof(r.reason) - 1);
	if (outq_write_msg(&c->q, c->fd, true, QREXEC_MSG_POLICY_REPLY, req->qid, &r, sizeof(r)) <
	    0)
		log_warning("Cannot answer a qrexec daemon.");
}

/* The policy may allow a VM to call itself (`vmctl policy eval` shows what the rules say), but
 * such a call is never run, as in Qubes: the broker has no loopback. */
static void refuse_loopback(const struct pd_request *req, struct policy_decision *dec)
{
	char *reason;

	if (dec->result != POLICY_ALLOW || !dec->target || !streq(dec->target, req->source))
		return;
	dec->result = POLICY_DENY;
	reason = strdup("loopback call not supported");
	if (!reason)
		return;
	free(dec->reason);
	dec->reason = reason;
}

void pd_finish_decision(struct pd *pd, const struct pd_request *req, struct policy_decision *dec,
			const char *answered_by)
{
	refuse_loopback(req, dec);
	bool allowed = dec->result == POLICY_ALLOW && dec->target;

	log_info("%s -> %s %s%s%s: %s%s%s (%s)", req->source,
		 req->target[0] ? req->target : "@default", req->service,
		 req->argument[0] ? "+" : "", req->argument, allowed ? "allow to " : "deny",
		 allowed ? dec->target : "", "", dec->reason ? dec->reason : "");
	pd_reply(pd, req, allowed, dec->target, dec->reason);
	pd_audit(pd, req, dec, answered_by);
	pd_notify(pd, req, dec);
}

/* Validate a query into a request: names from a VM, even though a daemon checked them. */
static int parse_query(const struct msg *m, struct pd_request *req)
{
	struct qrexec_policy_query q;
	char service[QREXEC_SERVICE_FIELD];

	if (m->len != sizeof(q))
		return -EBADMSG;
	memcpy(&q, m->payload, sizeof(q));
	if (qrexec_field_copy(req->source, q.source, sizeof(q.source)) < 0 ||
	    qrexec_field_copy(req->target, q.target, sizeof(q.target)) < 0 ||
	    qrexec_field_copy(service, q.service, sizeof(q.service)) < 0)
		return -EBADMSG;
	if (!vm_name_is_valid(req->source) || !qrexec_target_is_valid(req->target))
		return -EINVAL;
	return service_split(service, req->service, req->argument);
}

static void on_query(struct pd *pd, size_t client, const struct msg *m)
{
	struct pd_request req = { .client = client,
				  .generation = pd->clients[client].generation,
				  .qid = m->id };
	struct policy_decision dec = { 0 };

	if (m->type != QREXEC_MSG_POLICY_QUERY || parse_query(m, &req) < 0)
		return pd_reply(pd, &req, false, NULL, "malformed query");
	struct policy_request pr = { req.service, req.argument, req.source,
				     req.target[0] ? req.target : "@default" };
	if (policy_evaluate(pd->policy, &pr, pd_sysinfo_get(pd), &dec) < 0)
		log_oom();
	if (dec.result == POLICY_ASK && pd_ask_start(pd, &req, &dec) >= 0)
		return;
	const char *by = dec.result == POLICY_ASK ? "too many prompts" : "policy";
	if (dec.result == POLICY_ASK)
		dec.result = POLICY_DENY;
	pd_finish_decision(pd, &req, &dec, by);
	policy_decision_finish(&dec);
}

static void client_close(struct pd_client *c)
{
	c->fd = safe_close(c->fd);
	c->generation++;
	msg_reader_finish(&c->rd);
	outq_finish(&c->q);
}

static void client_readable(struct pd *pd, size_t i)
{
	struct pd_client *c = &pd->clients[i];
	ssize_t n = msg_reader_fill(&c->rd, c->fd);
	struct msg m;
	int k;

	if (n == -EAGAIN)
		return;
	if (n <= 0)
		return client_close(c);
	while (c->fd >= 0 && (k = msg_reader_next(&c->rd, &m)) == 1)
		on_query(pd, i, &m);
	if (c->fd >= 0 && k < 0)
		client_close(c);
}

static void accept_client(struct pd *pd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(pd->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid())
		return (void)close(fd);
	for (size_t i = 0; i < PD_CLIENTS; i++) {
		struct pd_client *c = &pd->clients[i];
		if (c->fd >= 0)
			continue;
		if (msg_reader_init(&c->rd, sizeof(struct qrexec_policy_query)) < 0)
			break;
		c->fd = fd;
		return;
	}
	log_warning("Too many qrexec daemons connected; dropping one.");
	close(fd);
}

static void loop_once(struct pd *pd)
{
	struct pollfd p[3 + PD_CLIENTS] = {
		{ pd->listen_fd, POLLIN, 0 },
		{ pd->inotify_fd, POLLIN, 0 },
		{ pd->ask_pipe[0], POLLIN, 0 },
	};

	for (size_t i = 0; i < PD_CLIENTS; i++)
		p[3 + i] =
			(struct pollfd){ pd->clients[i].fd,
					 POLLIN | (outq_empty(&pd->clients[i].q) ? 0 : POLLOUT) };
	int n = poll(p, ELEMENTSOF(p), 2000);
	if (n == 0 && watch_dirs(pd)) /* a policy directory appeared */
		policy_reload(pd);
	if (p[0].revents)
		accept_client(pd);
	if (p[1].revents)
		inotify_readable(pd);
	if (p[2].revents)
		pd_ask_readable(pd);
	for (size_t i = 0; i < PD_CLIENTS; i++) {
		if ((p[3 + i].revents & POLLOUT) &&
		    outq_flush(&pd->clients[i].q, pd->clients[i].fd, true) < 0)
			client_close(&pd->clients[i]);
		if (pd->clients[i].fd >= 0 && (p[3 + i].revents & (POLLIN | POLLHUP | POLLERR)))
			client_readable(pd, i);
	}
}

static int add_dir(struct pd *pd, const char *dir)
{
	char **d = realloc(pd->dirs, (pd->n_dirs + 2) * sizeof(char *));

	if (!d)
		return -ENOMEM;
	pd->dirs = d;
	pd->dirs[pd->n_dirs] = strdup(dir);
	pd->dirs[pd->n_dirs + 1] = NULL;
	return pd->dirs[pd->n_dirs++] ? 0 : -ENOMEM;
}

static int parse_option(struct pd *pd, int o)
{
	if (o == 'p')
		return add_dir(pd, optarg);
	if (o == 's')
		pd->sys.path = optarg;
	else if (o == 'S')
		pd->socket_path = optarg;
	else if (o == 'a')
		pd->audit_path = strdup(optarg);
	else if (o == 't')
		pd->ask_timeout_ms = atoi(optarg) * 1000;
	else
		return -EINVAL;
	return 0;
}

static int parse_args(struct pd *pd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy-dir", required_argument, NULL, 'p' },
		{ "system-info", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "audit-log", required_argument, NULL, 'a' },
		{ "ask-timeout", required_argument, NULL, 't' },
		{},
	};
	int o, r = 0;

	while (r >= 0 && (o = getopt_long(argc, argv, "", opts, NULL)) >= 0)
		r = parse_option(pd, o);
	if (r >= 0 && (optind < argc || pd->ask_timeout_ms <= 0))
		r = -EINVAL;
	if (r >= 0 && pd->n_dirs == 0) { /* the default directories (interfaces.md) */
		int n = policy_default_dirs(&pd->dirs);
		r = n < 0 ? n : 0;
		pd->n_dirs = n < 0 ? 0 : (size_t)n;
	}
	return r;
}

static int setup_paths(struct pd *pd)
{
	static char *sock;
	_cleanup_free_ char *rt = bulkhead_runtime_dir(), *state = bulkhead_state_dir();

	if (!rt || !state)
		return -ENOMEM;
	if (!pd->socket_path) {
		mkdir_parents_private(rt);
		pd->socket_path = sock = str_new_printf("%s/policy.sock", rt);
	}
	if (!pd->audit_path) {
		mkdir_parents_private(state);
		pd->audit_path = str_new_printf("%s/audit.log", state);
	}
	return pd->socket_path && pd->audit_path ? 0 : -ENOMEM;
}

static int setup(struct pd *pd)
{
	for (size_t i = 0; i < PD_CLIENTS; i++)
		pd->clients[i].fd = -1;
	pd->watches = malloc(pd->n_dirs * sizeof(int) + 1);
	for (size_t i = 0; pd->watches && i < pd->n_dirs; i++)
		pd->watches[i] = -1;
	pd->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (!pd->watches || pd->inotify_fd < 0 || setup_paths(pd) < 0 ||
	    notifier_new(NOTIFY_PER_MINUTE, &pd->notifier) < 0 ||
	    pipe2(pd->ask_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return log_error_errno(ENOMEM, "Setup failed.");
	watch_dirs(pd);
	policy_reload(pd);
	pd->listen_fd = channel_listen(pd->socket_path);
	if (pd->listen_fd < 0)
		return log_error_errno(pd->listen_fd, "Cannot listen on %s: %m", pd->socket_path);
	fd_set_nonblock(pd->listen_fd, true);
	return 0;
}

/* The audit log must exist before the sandbox: afterwards this process may append to that one
 * file, but create nothing in the state directory (it holds the VMs' volumes). */
static int audit_log_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);

	return fd < 0 ? negative_errno() : (close(fd), 0);
}

/* Reading: the policy directories (created now where we may, since Landlock grants only what
 * exists; else through the parent), the system-info file's directory (it is replaced by
 * rename), /etc/bulkhead for includes. */
static int enter_sandbox(struct pd *pd)
{
	_cleanup_free_ struct sandbox_path *paths = calloc(pd->n_dirs + 2, sizeof(*paths));
	_cleanup_free_ char *sys_dir = pd->sys.path ? strdup(pd->sys.path) : NULL;
	struct sandbox_status st;
	size_t n = 0;
	int r;

	if (!paths || (pd->sys.path && !sys_dir))
		return log_oom();
	for (size_t i = 0; i < pd->n_dirs; i++) {
		(void)mkdir_parents_private(pd->dirs[i]); /* /etc may refuse: then its parent */
		paths[n++] = (struct sandbox_path){ pd->dirs[i], SANDBOX_FS_READ };
	}
	if (sys_dir)
		paths[n++] = (struct sandbox_path){ dirname(sys_dir), SANDBOX_FS_READ };
	if ((r = audit_log_create(pd->audit_path)) < 0)
		log_warning_errno(r, "Cannot create the audit log %s: %m", pd->audit_path);
	paths[n++] = (struct sandbox_path){ pd->audit_path, SANDBOX_FS_WRITE };
	if ((r = sandbox_apply(&sandbox_profile_policy_daemon, paths, n, &st)) < 0)
		return log_error_errno(r, "Cannot enter the sandbox: %m");
	if (st.landlock_abi == 0)
		log_notice("This kernel has no Landlock: file access is not limited.");
	return 0;
}

int main(int argc, char **argv)
{
	static struct pd pd = { .ask_timeout_ms = 60000, .listen_fd = -1 };

	log_set_ident("qrexec-policy-daemon");
	log_parse_environment();
	signal(SIGPIPE, SIG_IGN);
	dbus_threads_init_default();
	if (parse_args(&pd, argc, argv) < 0) {
		fprintf(stderr, "Usage: qrexec-policy-daemon [--policy-dir DIR]... "
				"[--system-info FILE] [--socket PATH] [--audit-log FILE] "
				"[--ask-timeout SECONDS]\n");
		return 2;
	}
	if (setup(&pd) < 0 || enter_sandbox(&pd) < 0)
		return 1;
	for (;;)
		loop_once(&pd);
}
