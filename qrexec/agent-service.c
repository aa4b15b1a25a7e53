/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's service side: the host asks it to run Service+Arg for a source VM. Services are
 * files in the rpc directories: "Service+Arg" before "Service", in each directory in order.
 * An executable is spawned with its stdin/stdout/stderr on pipes; a Unix socket is connected
 * to (a "socket service": no exec, the latency path) after a header line, as in Qubes.
 *
 * Trust: exec requests come from the host and are re-validated anyway (names only from
 * common/validate.h reach a path); the environment tells a service who called
 * (QREXEC_REMOTE_DOMAIN), which the host, not the calling VM, decided.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <grp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "strutil.h"

extern char **environ;

/* Pipes big enough that a fast service and the channel rarely wait on each other. */
#define SERVICE_PIPE_SIZE (1024 * 1024)
/* QREXEC_* (4) and the identity (4). */
#define SERVICE_VARS 8

static const struct agent_user root_user = { .set = true, .name = "root", .home = "/root" };

struct service_file {
	char path[4096];
	bool socket;
};

static int service_lookup_one(struct agent *a, const char *name, struct service_file *ret)
{
	struct stat st;

	for (size_t i = 0; i < a->n_rpc_dirs; i++) {
		if (str_printf(ret->path, sizeof(ret->path), "%s/%s", a->rpc_dirs[i], name) < 0)
			continue;
		if (stat(ret->path, &st) < 0)
			continue;
		ret->socket = S_ISSOCK(st.st_mode);
		if (ret->socket || (S_ISREG(st.st_mode) && access(ret->path, X_OK) == 0))
			return 0;
	}
	return -ENOENT;
}

static int service_lookup(struct agent *a, const struct qrexec_call *call, struct service_file *ret)
{
	if (call->argument[0] && service_lookup_one(a, call->full, ret) == 0)
		return 0;
	return service_lookup_one(a, call->service, ret);
}

/* Variables the child gets from who it runs as, not from the agent's own environment. */
static bool is_identity_var(const char *v)
{
	static const char *const names[] = { "QREXEC_",
					     "HOME=", "USER=", "LOGNAME=", "XDG_RUNTIME_DIR=" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (str_startswith(v, names[i]))
			return true;
	return false;
}

/* environ, less identity, plus the QREXEC_* variables and who the child is; the strings live
 * in vars. */
static char **service_env(const struct qrexec_exec *e, const struct agent_user *u,
			  char vars[SERVICE_VARS][300])
{
	size_t n = 0, k = 0, v = 0;

	while (environ[n])
		n++;
	char **env = calloc(n + SERVICE_VARS + 1, sizeof(char *));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!is_identity_var(environ[i]) || (!u && !str_startswith(environ[i], "QREXEC_")))
			env[k++] = environ[i];
	snprintf(vars[v++], 300, "QREXEC_REMOTE_DOMAIN=%s", e->source);
	snprintf(vars[v++], 300, "QREXEC_SERVICE_ARGUMENT=%s", e->call.argument);
	snprintf(vars[v++], 300, "QREXEC_REQUESTED_TARGET=%s",
		 e->call.target[0] ? e->call.target : "@default");
	snprintf(vars[v++], 300, "QREXEC_SERVICE_FULL_NAME=%s", e->call.full);
	if (u) {
		snprintf(vars[v++], 300, "HOME=%s", u->home);
		snprintf(vars[v++], 300, "USER=%s", u->name);
		snprintf(vars[v++], 300, "LOGNAME=%s", u->name);
		snprintf(vars[v++], 300, "XDG_RUNTIME_DIR=/run/user/%u", (unsigned)u->uid);
	}
	for (size_t i = 0; i < v; i++)
		env[k++] = vars[i];
	return env;
}

/* Who a call's child runs as: the VM's user, unless the host asked for root for its command
 * (vmctl run -u root); NULL: as the agent itself (no --user, or not started as root). */
static const struct agent_user *run_as(const struct agent *a, const struct qrexec_exec *e)
{
	if (!a->user.set)
		return NULL;
	if ((e->flags & QREXEC_EXEC_COMMAND) && (e->flags & QREXEC_EXEC_AS_ROOT))
		return &root_user;
	return &a->user;
}

/* What the spawned child needs; it shares the agent's memory until it execs (see spawn_child),
 * so it reports a failure by writing err here rather than through a pipe. */
struct spawn_req {
	int (*p)[2];
	const struct agent_user *u;
	char **argv;
	char **env;
	volatile int err;
};

/* Raw system calls, not the libc wrappers: in a child that shares the agent's memory, glibc's
 * set*id wrappers could try to signal the agent's threads (there are none, but no need to
 * rely on it). Credentials are per task: the agent keeps its own. */
static int become(const struct agent_user *u)
{
	if (syscall(SYS_setgroups, (size_t)u->n_groups, u->groups) < 0 ||
	    syscall(SYS_setresgid, u->gid, u->gid, u->gid) < 0 ||
	    syscall(SYS_setresuid, u->uid, u->uid, u->uid) < 0)
		return -errno;
	return chdir(u->home) < 0 ? -errno : 0;
}

/* In the child: stdio from the pipes, default signals, the identity, exec. It runs on its own
 * stack in the agent's memory while the agent waits, so it only makes system calls. */
__attribute__((no_sanitize("address", "undefined"))) static int child_exec(void *arg)
{
	struct spawn_req *req = arg;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int r = 0;

	sigemptyset(&none);
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGCHLD, &dfl, NULL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(req->p[0][0], 0) < 0 || dup2(req->p[1][1], 1) < 0 || dup2(req->p[2][1], 2) < 0)
		r = -errno;
	if (r == 0 && req->u)
		r = become(req->u);
	if (r == 0) {
		execvpe(req->argv[0], req->argv, req->env);
		r = -errno;
	}
	req->err = r;
	_exit(127);
}

/* The child's stack: the agent is single threaded and waits while a child runs on it (until
 * exec), so one is enough. execvpe may need PATH_MAX-sized buffers on it. */
#define CHILD_STACK_SIZE (256 * 1024)

static void *child_stack(void)
{
	static void *stack;

	if (!stack) {
		void *s = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		stack = s == MAP_FAILED ? NULL : s;
	}
	return stack;
}

/* clone(CLONE_VM | CLONE_VFORK), as posix_spawn does, rather than fork: nothing of the agent's
 * memory is copied, and the agent resumes once the child has exec'd (or failed, with err set).
 * posix_spawn itself cannot change the user. This is most of what a call to an exec'd
 * service costs beyond the exec itself (docs/qrexec.md). 0, or the child's -errno. */
static int spawn_child(pid_t *pid, int p[3][2], const struct agent_user *u, char **argv, char **env)
{
	struct spawn_req req = { .p = p, .u = u, .argv = argv, .env = env, .err = 0 };
	char *stack = child_stack();

	if (!stack)
		return -ENOMEM;
	*pid = clone(child_exec, stack + CHILD_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, &req);
	if (*pid < 0)
		return -errno;
	if (req.err == 0)
		return 0;
	waitpid(*pid, NULL, 0);
	*pid = 0;
	return req.err;
}

static int make_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++) {
		p[i][0] = p[i][1] = -1;
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return -errno;
		/* Our ends are non-blocking; the child's stay as a program expects. */
		fd_set_nonblock(p[i][i == 0 ? 1 : 0], true);
		fcntl(p[i][0], F_SETPIPE_SZ, SERVICE_PIPE_SIZE);
	}
	return 0;
}

static void close_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			safe_close(p[i][j]);
}

/* argv: the command of a host request, or the service file with its argument as $1. */
static int spawn_argv(const struct qrexec_exec *e, const char *path, char **argv, size_t max)
{
	size_t n = 0;

	if (!(e->flags & QREXEC_EXEC_COMMAND)) {
		argv[n++] = (char *)path;
		if (e->call.argument[0])
			argv[n++] = (char *)e->call.argument;
		argv[n] = NULL;
		return 0;
	}
	if (e->command_len == 0 || e->command[e->command_len - 1] != '\0')
		return -EINVAL;
	for (size_t i = 0; i < e->command_len && n + 1 < max; i += strlen(e->command + i) + 1)
		argv[n++] = (char *)e->command + i;
	argv[n] = NULL;
	return n + 1 < max ? 0 : -E2BIG;
}

static int service_spawn(struct agent_call *c, const struct qrexec_exec *e, const char *path)
{
	char vars[SERVICE_VARS][300], *argv[64];
	const struct agent_user *u = run_as(c->agent, e);
	int p[3][2], r;
	_cleanup_free_ char **env = service_env(e, u, vars);

	if (!env)
		return -ENOMEM;
	r = spawn_argv(e, path, argv, ELEMENTSOF(argv));
	if (r >= 0)
		r = make_pipes(p);
	if (r < 0)
		return r;
	r = spawn_child(&c->pid, p, u, argv, env);
	if (r == -ENOENT && path) /* found a moment ago: a failure to start, not "not found" */
		r = -ENOEXEC;
	if (r == 0) {
		pump_set_dst(&c->pump, 0, TAKE_FD(p[0][1]), false);
		pump_set_src(&c->pump, 0, TAKE_FD(p[1][0]), false);
		pump_set_src(&c->pump, 1, TAKE_FD(p[2][0]), false);
	}
	close_pipes(p);
	return r;
}

/* A socket service reads "Service+Arg SOURCE\0" first, then the call's bytes. */
static int service_connect(struct agent_call *c, const struct qrexec_exec *e, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char header[256];

	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	int n = snprintf(header, sizeof(header), "%s %s", e->call.full, e->source);
	int r = fd_write_all(fd, header, (size_t)n + 1);
	if (r < 0)
		return r;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return -errno;
	pump_set_dst(&c->pump, 0, dup_fd, true);
	pump_set_src(&c->pump, 0, TAKE_FD(fd), true);
	return 0;
}

static void refuse(struct agent *a, struct agent_call *c, int code, const char *reason)
{
	struct qrexec_refused r;

	qrexec_refused_init(&r, code, reason);
	agent_send(a, QREXEC_MSG_REFUSED, c->id, &r, sizeof(r));
	c->sent_final = true;
}

static int service_start(struct agent_call *c, const struct qrexec_exec *e)
{
	struct service_file f;

	if (e->flags & QREXEC_EXEC_COMMAND)
		return service_spawn(c, e, NULL);
	if (service_lookup(c->agent, &e->call, &f) < 0)
		return -ENOENT;
	return f.socket ? service_connect(c, e, f.path) : service_spawn(c, e, f.path);
}

int agent_service_exec(struct agent *a, const struct msg *m)
{
	struct qrexec_exec e;
	struct agent_call *c = agent_call_new(a, m->id, true);

	if (!c)
		return log_error_errno(EBADMSG, "The host exceeded the call limit.");
	int r = qrexec_parse_exec_request(m, &e);
	if (r == -EBADMSG)
		return log_error_errno(r, "Malformed exec request from the host.");
	if (r >= 0 && a->refuse_reason) {
		log_warning("Refusing %s: %s", e.call.full, a->refuse_reason);
		refuse(a, c, QREXEC_EXIT_PROBLEM, a->refuse_reason);
		return 0;
	}
	if (r >= 0)
		r = service_start(c, &e);
	if (r == -ENOENT) {
		log_info("Service %s not found.", e.call.full);
		refuse(a, c, QREXEC_EXIT_NOT_FOUND, "service not found");
	} else if (r < 0) {
		log_warning_errno(r, "Cannot start %s: %m", e.call.full);
		refuse(a, c, QREXEC_EXIT_PROBLEM, "the service could not be started");
	} else {
		log_debug("Started %s for %s.", e.call.full, e.source);
		agent_send(a, QREXEC_MSG_CONNECTED, c->id, NULL, 0);
	}
	return 0;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* EXIT goes once the service has exited and its output is all sent. Its output usually ends
 * because it exited: reaping it right away lets EXIT go with the EOFs (one message to the host
 * rather than two rounds), without waiting for SIGCHLD to come round. */
void agent_service_maybe_exit(struct agent *a, struct agent_call *c)
{
	int status;

	if (c->sent_final || !pump_sources_done(&c->pump))
		return;
	if (c->pid > 0 && waitpid(c->pid, &status, WNOHANG) == c->pid)
		c->pid = 0, c->status = exit_code(status);
	if (c->pid > 0)
		return;
	struct qrexec_exit e = { (int32_t)htole32((uint32_t)c->status) };
	agent_send(a, QREXEC_MSG_EXIT, c->id, &e, sizeof(e));
	c->sent_final = true;
}

int agent_service_on_message(struct agent *a, struct agent_call *c, const struct msg *m)
{
	if (c->got_final)
		return log_error_errno(EBADMSG, "Message 0x%x after close, call %u.", m->type,
				       m->id);
	if (m->type == QREXEC_MSG_CLOSE && m->len == 0) {
		c->got_final = true;
		if (!c->sent_final)
			pump_abort(&c->pump); /* the caller is gone: so are the pipes */
	} else if (!c->sent_final && pump_on_message(&c->pump, m->type, m->payload, m->len) < 0) {
		return log_error_errno(EBADMSG, "Unexpected message 0x%x, call %u.", m->type,
				       m->id);
	}
	agent_service_maybe_exit(a, c);
	agent_call_maybe_done(a, c);
	return 0;
}

static struct agent_call *call_by_pid(struct agent *a, pid_t pid)
{
	for (size_t i = 0; i < a->slots_top; i++)
		if (a->calls[i].used && a->calls[i].service && a->calls[i].pid == pid)
			return &a->calls[i];
	return NULL;
}

void agent_service_reap(struct agent *a)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(a->sigfd, &si, sizeof(si)) == sizeof(si))
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct agent_call *c = call_by_pid(a, pid);
		if (!c)
			continue;
		c->pid = 0;
		c->status = exit_code(status);
		agent_service_maybe_exit(a, c);
		agent_call_maybe_done(a, c);
	}
}
