/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-clipboard HOST VM-A VM-B WINDOW-A WINDOW-B: the inter-VM paste, timed from outside.
 * guid and gui-agent run for VM A ("work") and VM B ("personal"), the policy daemon allows
 * work -> personal; WINDOW-A/B are their host windows.
 *
 *   paste:    this program owns A's CLIPBOARD with n bytes of text (a fresh marker each round),
 *             presses Ctrl+Shift+C on A's host window (XTEST) and waits for the global
 *             clipboard to hold them; then presses Ctrl+Shift+V on B's window and times, from
 *             that key press to the moment the same bytes have been read back from B's
 *             CLIPBOARD on B's display (XFixes tells when B's agent took the selection; one
 *             X selection transfer then reads it, as an application in B would).
 *   baseline: the same bytes through one raw X selection transfer on B's display, in the same
 *             run: a child process is told to own CLIPBOARD with them (the agent's part), and
 *             the same XFixes wait and fetch follow.
 *
 * For 1 KiB and 256 KiB: p50, p99 and the ratio to the baseline. The target is a p50
 * under 50 ms; BENCH_STRICT=1 makes missing it a failure.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xfixes.h>
#include <X11/keysym.h>

#include "clipboard.h"
#include "macro.h"
#include "tap.h"
#include "x11-selection.h"

#define TIMEOUT_MS 5000
#define MAX_ROUNDS 100

struct bench {
	Display *host, *a, *b;
	Window win_a, win_b;
	int fixes_event;
	char *store_dir;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

static double percentile(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[(int)(p * (n - 1) + 0.5)];
}

/* Printable text of n bytes that differs from round to round. */
static void fill(char *buf, size_t n, int round)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + (size_t)round) % 26);
	char mark[32];
	int k = snprintf(mark, sizeof(mark), "round %06d ", round);
	memcpy(buf, mark, MIN((size_t)k, n)); /* without its NUL: text has no controls */
	buf[n - 1] = '\n';
}

/* Ctrl+Shift+<sym> on a host window, as a keyboard would: focus, then XTEST key events. */
static void press(Display *dpy, Window w, KeySym sym)
{
	KeyCode keys[3] = { XKeysymToKeycode(dpy, XK_Control_L), XKeysymToKeycode(dpy, XK_Shift_L),
			    XKeysymToKeycode(dpy, sym) };

	XSetInputFocus(dpy, w, RevertToParent, CurrentTime);
	for (int i = 0; i < 3; i++)
		XTestFakeKeyEvent(dpy, keys[i], True, CurrentTime);
	for (int i = 2; i >= 0; i--)
		XTestFakeKeyEvent(dpy, keys[i], False, CurrentTime);
	XFlush(dpy);
}

/* Serve A's selection until the global clipboard holds n bytes from work copied after t. */
static int copy_from_a(struct bench *bn, struct x11_selection_owner *o, size_t n, uint64_t t)
{
	for (double end = now_ms() + TIMEOUT_MS; now_ms() < end;) {
		struct clipboard_entry e = { 0 };
		while (XPending(bn->a)) {
			XEvent ev;
			XNextEvent(bn->a, &ev);
			x11_selection_owner_handle(o, &ev);
		}
		if (clipboard_store_peek(bn->store_dir, &e) == 0 && e.len == n && e.time_usec > t)
			return 0;
		struct pollfd p = { .fd = ConnectionNumber(bn->a), .events = POLLIN };
		poll(&p, 1, 1);
	}
	return -ETIMEDOUT;
}

/* Wait for a new CLIPBOARD owner on B, then read it until it is `want`. */
static int read_b(struct bench *bn, const char *want, size_t n)
{
	for (double end = now_ms() + TIMEOUT_MS; now_ms() < end;) {
		XEvent ev;
		struct clipboard_entry e = { 0 };
		if (!XCheckTypedEvent(bn->b, bn->fixes_event + XFixesSelectionNotify, &ev)) {
			struct pollfd p = { .fd = ConnectionNumber(bn->b), .events = POLLIN };
			poll(&p, 1, 5);
			continue;
		}
		if (x11_selection_fetch(bn->b, "CLIPBOARD", n, TIMEOUT_MS, &e) < 0)
			continue;
		bool same = e.len == n && memcmp(e.data, want, n) == 0;
		clipboard_entry_wipe(&e);
		if (same)
			return 0;
	}
	return -ETIMEDOUT;
}

static uint64_t realtime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One copy in A and one timed paste into B; the paste's milliseconds, or < 0. */
static double paste_round(struct bench *bn, char *buf, size_t n, int round)
{
	static const char *const sel[] = { "CLIPBOARD" };
	struct x11_selection_owner o;
	uint64_t before = realtime_usec();
	double t0, ms = -1;

	fill(buf, n, round);
	if (x11_selection_owner_start(&o, bn->a, sel, 1, CLIPBOARD_TEXT, (uint8_t *)buf, n) < 0)
		return -1;
	press(bn->host, bn->win_a, XK_c);
	if (copy_from_a(bn, &o, n, before) == 0) {
		t0 = now_ms();
		press(bn->host, bn->win_b, XK_v);
		if (read_b(bn, buf, n) == 0)
			ms = now_ms() - t0;
	}
	x11_selection_owner_finish(&o);
	XFlush(bn->a);
	return ms;
}

/* The baseline's owner: a separate process, as B's agent is, told by a pipe what to own. */
static _Noreturn void baseline_child(const char *display, int rfd, size_t n)
{
	static const char *const sel[] = { "CLIPBOARD" };
	Display *dpy = XOpenDisplay(display);
	struct x11_selection_owner o = { 0 };
	char *buf = malloc(n);
	int round;

	while (dpy && buf) {
		struct pollfd p[2] = { { .fd = rfd, .events = POLLIN },
				       { .fd = ConnectionNumber(dpy), .events = POLLIN } };
		while (XPending(dpy)) {
			XEvent ev;
			XNextEvent(dpy, &ev);
			x11_selection_owner_handle(&o, &ev);
		}
		poll(p, 2, -1);
		if (!p[0].revents)
			continue; /* readable or hung up: read() tells which */
		if (read(rfd, &round, sizeof(round)) != sizeof(round))
			break;
		x11_selection_owner_finish(&o);
		fill(buf, n, round);
		x11_selection_owner_start(&o, dpy, sel, 1, CLIPBOARD_TEXT, (uint8_t *)buf, n);
	}
	_exit(0);
}

static int run_baseline(struct bench *bn, const char *display, char *buf, size_t n, int rounds,
			double *ms)
{
	int fds[2], got = 0;

	if (pipe(fds) < 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[1]);
		baseline_child(display, fds[0], n);
	}
	close(fds[0]);
	/* Round -1 is not counted: it includes the child connecting to the X server. */
	for (int i = -1; pid > 0 && i < rounds; i++) {
		int round = 1000000 + i;
		fill(buf, n, round);
		double t0 = now_ms();
		if (write(fds[1], &round, sizeof(round)) != sizeof(round) || read_b(bn, buf, n) < 0)
			break;
		if (i >= 0)
			ms[got++] = now_ms() - t0;
	}
	close(fds[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return got;
}

static void report(const char *what, double *paste, int np, double *base, int nb, bool strict)
{
	if (np == 0 || nb == 0) {
		ok(false, "%s: %d pastes and %d baseline transfers completed", what, np, nb);
		return;
	}
	double p50 = percentile(paste, np, 0.5), p99 = percentile(paste, np, 0.99);
	double b50 = percentile(base, nb, 0.5), b99 = percentile(base, nb, 0.99);
	diag("%s: paste p50 %.2f ms, p99 %.2f ms (%d rounds); raw X selection transfer p50 %.2f "
	     "ms, p99 %.2f ms; ratio p50 %.1fx, p99 %.1fx",
	     what, p50, p99, np, b50, b99, p50 / b50, p99 / b99);
	printf("# BENCH clipboard %s p50_ms=%.2f p99_ms=%.2f base_p50_ms=%.2f base_p99_ms=%.2f "
	       "ratio_p50=%.2f\n",
	       what, p50, p99, b50, b99, p50 / b50);
	ok(!strict || p50 < 50, "%s: Ctrl+Shift+V to readable in B, p50 under 50 ms (%.2f ms)%s",
	   what, p50, strict ? "" : " # informational unless BENCH_STRICT=1");
}

static void bench_size(struct bench *bn, const char *display_b, size_t n, int rounds, bool strict)
{
	double paste[MAX_ROUNDS], base[MAX_ROUNDS];
	char *buf = malloc(n), what[32];
	int np = 0;

	for (int i = 0; buf && i < rounds; i++) {
		double ms = paste_round(bn, buf, n, i);
		if (getenv("BENCH_DEBUG"))
			fprintf(stderr, "round %d: %.2f ms\n", i, ms);
		if (ms >= 0)
			paste[np++] = ms;
	}
	int nb = buf ? run_baseline(bn, display_b, buf, n, rounds, base) : 0;
	snprintf(what, sizeof(what), "%zu KiB", n / 1024);
	ok(np == rounds, "%s: all %d pastes arrived in B intact (%d)", what, rounds, np);
	report(what, paste, np, base, nb, strict);
	free(buf);
}

int main(int argc, char **argv)
{
	struct bench bn = { 0 };
	int ev, err;

	if (argc != 6)
		return fprintf(stderr, "usage: bench-clipboard HOST VM-A VM-B WIN-A WIN-B\n"), 2;
	bn.host = XOpenDisplay(argv[1]), bn.a = XOpenDisplay(argv[2]), bn.b = XOpenDisplay(argv[3]);
	bn.win_a = strtoul(argv[4], NULL, 0), bn.win_b = strtoul(argv[5], NULL, 0);
	bn.store_dir = clipboard_store_default_dir();
	if (!bn.host || !bn.a || !bn.b || !XFixesQueryExtension(bn.b, &ev, &err))
		tap_skip_all("cannot open the displays (or no XFixes)");
	bn.fixes_event = ev;
	XFixesSelectSelectionInput(bn.b, DefaultRootWindow(bn.b),
				   XInternAtom(bn.b, "CLIPBOARD", False),
				   XFixesSetSelectionOwnerNotifyMask);
	bool strict = getenv("BENCH_STRICT") && strcmp(getenv("BENCH_STRICT"), "1") == 0;
	int rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 100;
	rounds = rounds < 2 ? 2 : rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
	bench_size(&bn, argv[3], 1024, rounds, strict);
	bench_size(&bn, argv[3], 256 * 1024, rounds / 2, strict);
	free(bn.store_dir);
	return tap_done();
}
