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
 * Output is TAP; every figure is a diag line, ratios against: a raw Unix-socket round trip,
 * fork+exec of /bin/true, raw Unix-socket throughput. Latencies are the best of 3 rounds of 100
 * (p50 and p99 of the round with the lowest p50), throughputs the best of 2, for the raw
 * transport as for calls: the build machines are shared.
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

/* --- latency --- */

static int one_call(const char *service)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), code;
	int fds[3] = { null, null, 2 };
	char reason[QREXEC_REASON_FIELD];
	int sock = qrexec_local_call_start(target, service, fds, &code, reason);

	close(null);
	return sock < 0 ? code : qrexec_local_call_wait(sock);
}

static double call_latency(const char *service, int want, double *p99)
{
	static double v[LAT_N];
	int bad = 0;

	for (int i = 0; i < LAT_N; i++) {
		double t0 = now_us();
		bad += one_call(service) != want;
		v[i] = now_us() - t0;
	}
	ok(bad == 0, "%d calls of %s returned %d", LAT_N, service, want);
	*p99 = percentile(v, LAT_N, 0.99);
	return percentile(v, LAT_N, 0.5);
}

static double raw_roundtrip(double *p99)
{
	static double v[LAT_N * 10];
	int sv[2];
	char c = 0;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		while (read(sv[1], &c, 1) == 1 && write(sv[1], &c, 1) == 1)
			;
		_exit(0);
	}
	for (size_t i = 0; i < ELEMENTSOF(v); i++) {
		double t0 = now_us();
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			break;
		v[i] = now_us() - t0;
	}
	close(sv[0]);
	close(sv[1]);
	waitpid(pid, NULL, 0);
	*p99 = percentile(v, ELEMENTSOF(v), 0.99);
	return percentile(v, ELEMENTSOF(v), 0.5);
}

static double fork_exec_true(double *p99)
{
	static double v[LAT_N];
	char *argv[] = { (char *)"/bin/true", NULL };

	for (int i = 0; i < LAT_N; i++) {
		pid_t pid;
		double t0 = now_us();
		posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
		waitpid(pid, NULL, 0);
		v[i] = now_us() - t0;
	}
	*p99 = percentile(v, LAT_N, 0.99);
	return percentile(v, LAT_N, 0.5);
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

/* A call whose stdin (in) or stdout (out) this process feeds or drains through a pipe. */
static double call_throughput(const char *service, bool in, size_t *moved)
{
	int p[2], code;
	char reason[QREXEC_REASON_FIELD];
	pthread_t t;

	if (pipe2(p, O_CLOEXEC) < 0)
		tap_bail_out("pipe");
	fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int fds[3] = { in ? p[0] : null, in ? null : p[1], 2 };
	struct pump_arg a = { in ? p[1] : p[0], in, in ? bulk_bytes : 0 };
	double t0 = now_us();
	int sock = qrexec_local_call_start(target, service, fds, &code, reason);
	close(in ? p[0] : p[1]);
	close(null);
	if (sock < 0)
		return close(a.fd), 0;
	pthread_create(&t, NULL, pump_thread, &a);
	int status = qrexec_local_call_wait(sock);
	pthread_join(t, NULL);
	*moved = in ? bulk_bytes : a.bytes;
	return status == 0 ? (double)*moved / (now_us() - t0) : 0;
}

enum measure { M_RAW_RTT, M_FORK_EXEC, M_EXEC, M_SOCKET, M_DENIED };

static double measure_once(enum measure m, double *p99)
{
	switch (m) {
	case M_RAW_RTT:
		return raw_roundtrip(p99);
	case M_FORK_EXEC:
		return fork_exec_true(p99);
	case M_EXEC:
		return call_latency("bench.True", 0, p99);
	case M_SOCKET:
		return call_latency("bench.Null", 0, p99);
	default:
		return call_latency("bench.Denied", 126, p99);
	}
}

/* p50 and p99 of the round with the lowest p50. */
static double best_of(enum measure m, double *p99)
{
	double best = 0, p;

	for (int r = 0; r < ROUNDS; r++) {
		double x = measure_once(m, &p);
		if (r == 0 || x < best)
			best = x, *p99 = p;
	}
	return best;
}

static void report_latency(void)
{
	double rr99, fe99, ex99, so99, de99;
	double rr = best_of(M_RAW_RTT, &rr99), fe = best_of(M_FORK_EXEC, &fe99);
	double ex = best_of(M_EXEC, &ex99), so = best_of(M_SOCKET, &so99);
	double de = best_of(M_DENIED, &de99);

	diag("raw Unix-socket round trip: p50 %.1f us, p99 %.1f us", rr, rr99);
	diag("fork+exec /bin/true:        p50 %.0f us, p99 %.0f us", fe, fe99);
	diag("call, exec'd service:       p50 %.0f us, p99 %.0f us  = %.1fx round trip, %.2fx "
	     "fork+exec (target p50 <= 2000 us: %s)",
	     ex, ex99, ex / rr, ex / fe, ex <= 2000 ? "met" : "NOT met");
	diag("call, socket service:       p50 %.0f us, p99 %.0f us  = %.1fx round trip"
	     " (target p50 <= 500 us: %s)",
	     so, so99, so / rr, so <= 500 ? "met" : "NOT met");
	diag("call, denied by policy:     p50 %.0f us, p99 %.0f us  = %.1fx round trip", de, de99,
	     de / rr);
}

static void report_throughput(double raw)
{
	size_t in_bytes = 0, out_bytes = 0;
	double in = MAX(call_throughput("bench.Sink", true, &in_bytes),
			call_throughput("bench.Sink", true, &in_bytes));
	double out = MAX(call_throughput("bench.Source", false, &out_bytes),
			 call_throughput("bench.Source", false, &out_bytes));

	ok(in > 0 && in_bytes == bulk_bytes, "%zu MiB into a service", bulk_bytes >> 20);
	ok(out > 0 && out_bytes == bulk_bytes, "%zu MiB out of a service", bulk_bytes >> 20);
	diag("raw Unix-socket stream:  %.0f MB/s", raw);
	diag("call, into the service:  %.0f MB/s = %.2fx raw (target >= 1000 MB/s: %s)", in,
	     in / raw, in >= 1000 ? "met" : "NOT met");
	diag("call, out of the service: %.0f MB/s = %.2fx raw (target >= 1000 MB/s: %s)", out,
	     out / raw, out >= 1000 ? "met" : "NOT met");
}

/* The same through exec'd services on pipes (cat >/dev/null, head -c N /dev/zero). */
static void report_exec_throughput(double raw)
{
	size_t in_bytes = 0, out_bytes = 0;
	double in = call_throughput("bench.ExecSink", true, &in_bytes);
	double out = call_throughput("bench.ExecSource", false, &out_bytes);

	ok(in > 0 && out > 0 && out_bytes == bulk_bytes, "the same with exec'd services");
	diag("exec'd services: in %.0f MB/s = %.2fx raw, out %.0f MB/s = %.2fx raw", in, in / raw,
	     out, out / raw);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		tap_bail_out("usage: qrexec-bench TARGET TARGET-RPC-DIR MIB");
	target = argv[1];
	bulk_bytes = (size_t)atoi(argv[3]) << 20;
	serve(argv[2], "bench.Null", serve_null);
	serve(argv[2], "bench.Sink", serve_sink);
	serve(argv[2], "bench.Source", serve_source);
	report_latency();
	double raw = MAX(raw_throughput(), raw_throughput());
	report_throughput(raw);
	report_exec_throughput(raw);
	return tap_done();
}
