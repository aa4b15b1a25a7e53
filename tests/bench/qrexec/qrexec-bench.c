/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrexec-bench: latency and throughput of qrexec calls between two process VMs, each next to
 * the raw transport measured in the same run. Run "inside" the calling VM (QREXEC_AGENT_SOCKET
 * set) by bench-qrexec.sh, which starts the test bed:
 *
 *   qrexec-bench TARGET TARGET-RPC-DIR MIB
 *
 * It serves the socket services bench.Null (reads the header, closes), bench.Sink and
 * bench.Source itself, in TARGET-RPC-DIR; bench.True must be an executable (/bin/true),
 * bench.ExecSink and bench.ExecSource exec'd services that drain / produce MIB MiB.
 * Output is TAP; every figure is a diag line with its ratio to a baseline measured right beside
 * it (the machines are shared; a burst of load then hits both): a raw Unix-socket round trip,
 * fork+exec of /bin/true, raw Unix-socket throughput, an exec'd service's own program on a
 * plain pipe. Latencies: 3 rounds of 100 calls, each after one baseline sample; the round with
 * the lowest call p50. Throughputs: 2 rounds of baseline then call; the faster call.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "local-call.h"
#include "macro.h"
#include "tap.h"

#define CHUNK (256 * 1024)
#define LAT_N 100
/* The machines are shared: each figure is the best of a few rounds, raw ones included. */
#define ROUNDS 3

extern char **environ;
static const char *target;
static size_t bulk_bytes;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(size_t)(p * (double)(n - 1))];
}

/* --- the socket services, served from threads of this process --- */

static int listen_at(const char *dir, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, name);
	unlink(sa.sun_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0)
		tap_bail_out("cannot listen for a socket service");
	return fd;
}

/* Skip the "Service+Arg SOURCE\0" header the agent sends first. */
static void skip_header(int fd)
{
	char c;

	while (read(fd, &c, 1) == 1 && c != '\0')
		;
}

static void *serve_null(void *arg)
{
	for (int l = *(int *)arg;;) {
		int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		skip_header(fd);
		close(fd);
	}
	return NULL;
}

static void *serve_sink(void *arg)
{
	static char buf[CHUNK];

	for (int l = *(int *)arg;;) {
		int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		skip_header(fd);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return NULL;
}

static void *serve_source(void *arg)
{
	static char buf[CHUNK];

	for (int l = *(int *)arg;;) {
		int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		skip_header(fd);
		for (size_t done = 0; done < bulk_bytes; done += sizeof(buf))
			if (write(fd, buf, sizeof(buf)) < 0)
				break;
		close(fd);
	}
	return NULL;
}

static void serve(const char *dir, const char *name, void *(*fn)(void *))
{
	static int fds[8], n;
	pthread_t t;

	fds[n] = listen_at(dir, name);
	pthread_create(&t, NULL, fn, &fds[n++]);
}

/* --- latency ---
 * Each call is timed right after one sample of its baseline, alternating: a burst of load from
 * the other users of the machine then hits both, and their ratio stays meaningful. */

static int echo_fd = -1; /* a socket to a child that echoes each byte: the raw round trip */

static void start_echo(void)
{
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		tap_bail_out("socketpair");
	if (fork() == 0) {
		close(sv[0]);
		while (read(sv[1], &c, 1) == 1 && write(sv[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(sv[1]);
	echo_fd = sv[0];
}

static int one_call(const char *service)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), code;
	int fds[3] = { null, null, 2 };
	char reason[QREXEC_REASON_FIELD];
	int sock = qrexec_local_call_start(target, service, fds, &code, reason);

	close(null);
	return sock < 0 ? code : qrexec_local_call_wait(sock);
}

/* What one sample measures: a baseline or a call (and the exit code the call must give). */
struct what {
	const char *service; /* NULL: a baseline */
	int want;
	bool fork_exec; /* baseline: fork+exec of /bin/true, else the raw round trip */
};

static bool sample(const struct what *w, double *us)
{
	char *argv[] = { (char *)"/bin/true", NULL }, c = 0;
	bool good = true;
	pid_t pid;
	double t0 = now_us();

	if (w->service) {
		good = one_call(w->service) == w->want;
	} else if (w->fork_exec) {
		good = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) == 0 &&
		       waitpid(pid, NULL, 0) == pid;
	} else {
		good = write(echo_fd, &c, 1) == 1 && read(echo_fd, &c, 1) == 1;
	}
	*us = now_us() - t0;
	return good;
}

struct lat {
	double p50, p99;
};

struct pair {
	struct lat base, call;
	int bad;
};

static struct lat summary(double *v)
{
	double p99 = percentile(v, LAT_N, 0.99);
	return (struct lat){ percentile(v, LAT_N, 0.5), p99 };
}

/* Rounds of LAT_N alternating samples; the round with the lowest call p50, with the baseline
 * measured beside it. */
static struct pair paired(const struct what *base, const struct what *call)
{
	static double vb[LAT_N], vc[LAT_N];
	struct pair best = { 0 };

	for (int r = 0; r < ROUNDS; r++) {
		int bad = 0;
		for (int i = 0; i < LAT_N; i++) {
			bad += !sample(base, &vb[i]);
			bad += !sample(call, &vc[i]);
		}
		struct pair p = { summary(vb), summary(vc), bad };
		if (r == 0 || p.call.p50 < best.call.p50)
			best = p;
		best.bad += r == 0 ? 0 : bad;
	}
	ok(best.bad == 0, "%d calls of %s returned %d (and their baselines worked)", ROUNDS * LAT_N,
	   call->service, call->want);
	return best;
}

static void report_latency(void)
{
	const struct what rtt = { NULL, 0, false }, fork_exec = { NULL, 0, true };
	const struct what exec = { "bench.True", 0, false }, sock = { "bench.Null", 0, false };
	const struct what denied = { "bench.Denied", 126, false };
	struct pair ex = paired(&fork_exec, &exec), so = paired(&rtt, &sock);
	struct pair de = paired(&rtt, &denied);
	double ratio = ex.call.p50 / ex.base.p50;

	diag("fork+exec /bin/true:        p50 %.0f us, p99 %.0f us", ex.base.p50, ex.base.p99);
	diag("call, exec'd service:       p50 %.0f us, p99 %.0f us  = %.2fx fork+exec beside it "
	     "(target <= 1.30x: %s)",
	     ex.call.p50, ex.call.p99, ratio, ratio <= 1.3 ? "met" : "NOT met");
	diag("raw Unix-socket round trip: p50 %.1f us, p99 %.1f us", so.base.p50, so.base.p99);
	diag("call, socket service:       p50 %.0f us, p99 %.0f us  = %.1fx round trip"
	     " (target p50 <= 500 us: %s)",
	     so.call.p50, so.call.p99, so.call.p50 / so.base.p50,
	     so.call.p50 <= 500 ? "met" : "NOT met");
	diag("call, denied by policy:     p50 %.0f us, p99 %.0f us  = %.1fx round trip",
	     de.call.p50, de.call.p99, de.call.p50 / de.base.p50);
}

/* --- throughput --- */

struct pump_arg {
	int fd;
	bool write;
	size_t bytes;
};

static void *pump_thread(void *p)
{
	static char wbuf[CHUNK], rbuf[CHUNK];
	struct pump_arg *a = p;

	if (a->write) {
		for (size_t done = 0; done < a->bytes; done += sizeof(wbuf))
			if (write(a->fd, wbuf, sizeof(wbuf)) != sizeof(wbuf))
				break;
	} else {
		for (ssize_t k; (k = read(a->fd, rbuf, sizeof(rbuf))) > 0;)
			a->bytes += (size_t)k;
	}
	close(a->fd);
	return NULL;
}

static double raw_throughput(void)
{
	int sv[2], size = 4 << 20;
	pthread_t t;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct pump_arg w = { sv[0], true, bulk_bytes }, r = { sv[1], false, 0 };
	double t0 = now_us();
	pthread_create(&t, NULL, pump_thread, &w);
	pump_thread(&r);
	pthread_join(t, NULL);
	return (double)r.bytes / (now_us() - t0); /* bytes per µs = MB/s */
}

/* Run the service's own program on the fds, without qrexec (the exec'd services' baseline):
 * -1, or what it exited with. */
static int run_direct(const char *path, const int fds[3])
{
	char *argv[] = { (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	int status = -1;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 3; i++)
		posix_spawn_file_actions_adddup2(&fa, fds[i], i);
	if (posix_spawn(&pid, path, &fa, NULL, argv, environ) == 0)
		waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A qrexec call (service a name) or the service program run directly (service a path), whose
 * stdin (in) or stdout (out) this process feeds or drains through a pipe. MB/s, 0 on failure. */
static double flow_throughput(const char *service, bool in, size_t *moved)
{
	int p[2], code, status;
	char reason[QREXEC_REASON_FIELD];
	pthread_t t;

	if (pipe2(p, O_CLOEXEC) < 0)
		tap_bail_out("pipe");
	fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int fds[3] = { in ? p[0] : null, in ? null : p[1], 2 };
	struct pump_arg a = { in ? p[1] : p[0], in, in ? bulk_bytes : 0 };
	double t0 = now_us();
	pthread_create(&t, NULL, pump_thread, &a);
	if (service[0] == '/') {
		status = run_direct(service, fds);
		close(in ? p[0] : p[1]);
	} else {
		int sock = qrexec_local_call_start(target, service, fds, &code, reason);
		close(in ? p[0] : p[1]);
		status = sock < 0 ? code : qrexec_local_call_wait(sock);
	}
	close(null);
	pthread_join(t, NULL);
	*moved = in ? bulk_bytes : a.bytes;
	return status == 0 ? (double)*moved / (now_us() - t0) : 0;
}

struct tput {
	double base, call;
	size_t moved;
};

/* Two rounds of the baseline (base: a service path, NULL: the raw socket) then the call, one
 * right after the other; the round with the fastest call. */
static struct tput tput_paired(const char *base, const char *service, bool in)
{
	struct tput best = { 0 };
	size_t ignored;

	for (int r = 0; r < 2; r++) {
		struct tput t;
		t.base = base ? flow_throughput(base, in, &ignored) : raw_throughput();
		t.call = flow_throughput(service, in, &t.moved);
		if (r == 0 || t.call > best.call)
			best = t;
	}
	return best;
}

static void report_throughput(void)
{
	struct tput in = tput_paired(NULL, "bench.Sink", true);
	struct tput out = tput_paired(NULL, "bench.Source", false);

	ok(in.call > 0 && in.moved == bulk_bytes, "%zu MiB into a service", bulk_bytes >> 20);
	ok(out.call > 0 && out.moved == bulk_bytes, "%zu MiB out of a service", bulk_bytes >> 20);
	diag("call, into a socket service:   %.0f MB/s = %.2fx the raw Unix socket beside it (%.0f "
	     "MB/s; target >= 0.40x: %s)",
	     in.call, in.call / in.base, in.base, in.call >= 0.4 * in.base ? "met" : "NOT met");
	diag("call, out of a socket service: %.0f MB/s = %.2fx the raw Unix socket beside it (%.0f "
	     "MB/s; target >= 0.40x: %s)",
	     out.call, out.call / out.base, out.base,
	     out.call >= 0.4 * out.base ? "met" : "NOT met");
}

/* Exec'd services on pipes (cat >/dev/null, head -c N /dev/zero): their baseline is the same
 * program on a plain pipe, which bounds what any transport can reach. */
static void report_exec_throughput(const char *rpc_dir)
{
	char sink[4096], source[4096];

	snprintf(sink, sizeof(sink), "%s/bench.ExecSink", rpc_dir);
	snprintf(source, sizeof(source), "%s/bench.ExecSource", rpc_dir);
	struct tput in = tput_paired(sink, "bench.ExecSink", true);
	struct tput out = tput_paired(source, "bench.ExecSource", false);

	ok(in.call > 0 && out.call > 0 && out.moved == bulk_bytes, "the same with exec'd services");
	diag("call, into an exec'd service:   %.0f MB/s = %.2fx its program on a plain pipe beside it "
	     "(%.0f MB/s; target >= 0.40x: %s)",
	     in.call, in.call / in.base, in.base, in.call >= 0.4 * in.base ? "met" : "NOT met");
	diag("call, out of an exec'd service: %.0f MB/s = %.2fx its program on a plain pipe beside "
	     "it (%.0f MB/s; target >= 0.40x: %s)",
	     out.call, out.call / out.base, out.base,
	     out.call >= 0.4 * out.base ? "met" : "NOT met");
}

int main(int argc, char **argv)
{
	if (argc != 4)
		tap_bail_out("usage: qrexec-bench TARGET TARGET-RPC-DIR MIB");
	target = argv[1];
	bulk_bytes = (size_t)atoi(argv[3]) << 20;
	start_echo();
	serve(argv[2], "bench.Null", serve_null);
	serve(argv[2], "bench.Sink", serve_sink);
	serve(argv[2], "bench.Source", serve_source);
	report_latency();
	report_throughput();
	report_exec_throughput(argv[2]);
	return tap_done();
}
