/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guid: one VM's windows on the host display. Reads the VM's GUI channel (untrusted; parsed in
 * parse-agent.c) and the host X connection, and never blocks on either: the channel is
 * non-blocking and everything toward the VM is queued with a hard bound (guid-outq.c).
 *
 *   guid --domain NAME --label COLOUR --channel SPEC [--display DISPLAY] [--allow-fullscreen]
 *        [--ready-fd N] [--shm PATH]
 *
 * --ready-fd: bulkheadd pauses a preloaded disposable only once its GUI is connected, so that
 * taking one from the pool costs no X server start; guid writes "ready\n" there after the
 * handshake and closes it.
 *
 * --shm: the file QEMU backs the VM's ivshmem-plain device with. Window pixels then travel
 * through it (guid-shm.c) when the agent finds the device too; without it, or if it cannot be
 * mapped, they travel inline in the channel.
 *
 * Exit status: 0 when the VM closed the channel, 1 on a protocol violation or a fatal error.
 *
 * The clipboard (guid-clipboard.c, guid-paste.c) uses <runtime>/clipboard, <runtime>/policy.sock
 * and the session bus for notifications; BULKHEAD_CLIPBOARD_TEXT_MAX/_IMAGE_MAX set its limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "channel.h"
#include "fdio.h"
#include "guid.h"
#include "log.h"
#include "paths.h"
#include "sandbox.h"
#include "validate.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: guid --domain NAME --label COLOUR --channel SPEC [--display DISPLAY]\n"
		   "            [--allow-fullscreen] [--ready-fd N] [--shm PATH]\n"
		   "Show a VM's windows on the host display, framed in the VM's label colour.\n"
		   "COLOUR: red, orange, yellow, green, gray, blue, purple, black or #rrggbb.\n");
}

/* An fd the caller left open for us: a number, and open, or a clear error now. */
static int parse_ready_fd(const char *arg, int *ret)
{
	if (fd_parse_inherited(arg, ret) < 0)
		return log_error_errno(EBADF, "--ready-fd %s: not an open file descriptor", arg);
	return 0;
}

static int parse_args(int argc, char **argv, struct guid_config *cfg)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "label", required_argument, NULL, 'l' },
		{ "channel", required_argument, NULL, 'c' },
		{ "display", required_argument, NULL, 'D' },
		{ "allow-fullscreen", no_argument, NULL, 'f' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "shm", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (c) {
		case 'd':
			cfg->domain = optarg;
			break;
		case 'l':
			cfg->label = optarg;
			break;
		case 'c':
			cfg->channel = optarg;
			break;
		case 'D':
			cfg->display = optarg;
			break;
		case 'f':
			cfg->allow_fullscreen = true;
			break;
		case 'r':
			if (parse_ready_fd(optarg, &cfg->ready_fd) < 0)
				return -EINVAL;
			break;
		case 's':
			cfg->shm_path = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("guid %s (GUI protocol %u.%u)\n", BULKHEAD_VERSION, GUI_PROTO_MAJOR,
			       GUI_PROTO_MINOR);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc || !cfg->domain || !cfg->label || !cfg->channel) {
		usage(stderr);
		return -EINVAL;
	}
	if (!vm_name_is_valid(cfg->domain))
		return log_error_errno(EINVAL, "Invalid VM name '%s'", cfg->domain);
	return 0;
}

static int x_error_handler(Display *dpy, XErrorEvent *ev)
{
	char text[128];

	/* Asynchronous errors on our own windows are bugs worth a line, not worth exiting. */
	XGetErrorText(dpy, ev->error_code, text, sizeof(text));
	log_warning("X error: %s (request %u.%u, resource 0x%lx)", text, ev->request_code,
		    ev->minor_code, ev->resourceid);
	return 0;
}

static int open_display(struct guid *g)
{
	g->dpy = XOpenDisplay(g->cfg->display);
	if (!g->dpy)
		return log_error_errno(EIO, "Cannot open display %s",
				       XDisplayName(g->cfg->display));
	XSetErrorHandler(x_error_handler);
	g->screen = DefaultScreen(g->dpy);
	g->root = RootWindow(g->dpy, g->screen);
	g->visual = DefaultVisual(g->dpy, g->screen);
	g->depth = DefaultDepth(g->dpy, g->screen);
	g->screen_w = (uint32_t)DisplayWidth(g->dpy, g->screen);
	g->screen_h = (uint32_t)DisplayHeight(g->dpy, g->screen);
	g->ctx = XUniqueContext();
	return 0;
}

static int open_channel(struct guid *g)
{
	int size = 4 << 20;

	g->chan = channel_open(g->cfg->channel);
	if (g->chan < 0)
		return log_error_errno(g->chan, "Cannot open channel %s: %m", g->cfg->channel);
	/* Large socket buffers let a whole frame cross in few system calls (no-op on a tty). */
	(void)setsockopt(g->chan, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(g->chan, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	fd_set_nonblock(g->chan, true);
	return msg_reader_init(&g->reader, GUI_MAX_PAYLOAD);
}

/* Everything the channel has now. 1 to go on, 0 at EOF, -errno to stop. */
static int read_channel(struct guid *g)
{
	struct msg m;
	ssize_t k = msg_reader_fill(&g->reader, g->chan);
	int r;

	if (k == -EAGAIN)
		return 1;
	if (k == -ECONNRESET)
		k = 0; /* it hung up with our messages unread: still a hang-up */
	if (k < 0)
		return log_error_errno((int)k, "Reading the GUI channel: %m");
	if (k == 0 && msg_reader_pending(&g->reader) > 0)
		return log_error_errno(EPROTO, "Protocol violation: truncated message at EOF");
	if (k == 0)
		return 0;
	while ((r = msg_reader_next(&g->reader, &m)) == 1)
		if ((r = guid_dispatch(g, &m)) < 0)
			return r;
	guid_paint_sync(g);
	if (r == -EMSGSIZE)
		return log_error_errno(EPROTO, "Protocol violation: message over %zu bytes",
				       (size_t)GUI_MAX_PAYLOAD);
	return 1;
}

static int handle_x_events(struct guid *g)
{
	XEvent ev;
	int r;

	while (XPending(g->dpy)) {
		XNextEvent(g->dpy, &ev);
		if ((r = guid_input_handle(g, &ev)) < 0)
			return r;
	}
	return 0;
}

static int run(struct guid *g)
{
	struct pollfd p[3] = { { .fd = ConnectionNumber(g->dpy), .events = POLLIN },
			       { .fd = g->chan },
			       { .events = POLLIN } };
	int r;

	for (;;) {
		if ((r = handle_x_events(g)) < 0 || (r = guid_outq_flush(g)) < 0)
			return r;
		p[1].events = POLLIN | (guid_outq_pending(g) ? POLLOUT : 0);
		p[2].fd = g->clip.policy_fd; /* -1 (ignored by poll) unless a paste waits */
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return log_error_errno(errno, "poll: %m");
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read_channel(g);
			if (r <= 0)
				return r;
		}
		if (p[2].fd >= 0 && p[2].revents && (r = guid_clipboard_policy_readable(g)) < 0)
			return r;
	}
}

/* The display and the channel are open. Files: the global clipboard's directory (created now,
 * so it can be granted), read-only the X databases under /usr. */
static int enter_sandbox(struct guid *g)
{
	struct sandbox_path clip = { g->clip.store_dir,
				     SANDBOX_FS_READ | SANDBOX_FS_WRITE | SANDBOX_FS_CREATE };
	struct sandbox_status st;
	int r = mkdir_parents_private(g->clip.store_dir);

	if (r < 0)
		return log_error_errno(r, "Cannot create %s: %m", g->clip.store_dir);
	if ((r = sandbox_apply(&sandbox_profile_guid, &clip, 1, &st)) < 0)
		return log_error_errno(r, "Cannot enter the sandbox: %m");
	if (st.landlock_abi == 0)
		log_notice("This kernel has no Landlock: file access is limited by seccomp only.");
	return 0;
}

int main(int argc, char **argv)
{
	struct guid_config cfg = { .ready_fd = -1 };
	struct guid g = { .cfg = &cfg, .chan = -1, .shm = { .fd = -1 } };
	int r;

	/* A VM that hangs up is an error return (EPIPE) to handle, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);
	log_parse_environment();
	if (parse_args(argc, argv, &cfg) < 0)
		return 2;
	g.ready_fd = cfg.ready_fd;
	static char ident[VM_NAME_MAX + 8];
	snprintf(ident, sizeof(ident), "guid[%s]", cfg.domain);
	log_set_ident(ident);
	if (guid_clipboard_init(&g) < 0 || open_display(&g) < 0 || guid_deco_init(&g) < 0 ||
	    open_channel(&g) < 0 || guid_painter_init(&g) < 0 || guid_table_init(&g.table) < 0)
		return 1;
	guid_shm_init(&g);
	if (enter_sandbox(&g) < 0)
		return 1;
	r = run(&g);
	if (r == 0)
		log_info("The VM closed its GUI channel");
	guid_shm_finish(&g);
	guid_painter_finish(&g);
	guid_window_destroy_all(&g);
	guid_table_finish(&g.table);
	guid_clipboard_finish(&g);
	msg_reader_finish(&g.reader);
	free(g.outq.buf);
	XCloseDisplay(g.dpy);
	return r < 0 ? 1 : 0;
}
