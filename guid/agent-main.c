/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui-agent: the VM's side of the GUI proxy, an X client of the VM's own X server.
 *
 *   gui-agent --channel SPEC [--display DISPLAY] [--shm auto|none|PATH]
 *
 * It speaks first (the version), learns the host's screen size, then reports windows and
 * damage and injects the input guid sends. Exit status: 0 when guid closes the channel.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xcomposite.h>

#include "agent.h"
#include "channel.h"
#include "log.h"

struct agent_options {
	const char *channel;
	const char *display;
	const char *shm; /* "auto": the ivshmem device if there is one */
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: gui-agent --channel SPEC [--display DISPLAY] [--shm auto|none|PATH]\n"
		   "Show this VM's windows on the host through guid.\n");
}

static int parse_args(int argc, char **argv, struct agent_options *o)
{
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "display", required_argument, NULL, 'D' },
		{ "shm", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (c == 'c') {
			o->channel = optarg;
		} else if (c == 'D') {
			o->display = optarg;
		} else if (c == 's') {
			o->shm = optarg;
		} else if (c == 'h') {
			usage(stdout);
			exit(0);
		} else if (c == 'V') {
			printf("gui-agent %s (GUI protocol %u.%u)\n", BULKHEAD_VERSION,
			       GUI_PROTO_MAJOR, GUI_PROTO_MINOR);
			exit(0);
		} else {
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc || !o->channel) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* Windows vanish between an event and the request that follows it: expected, not fatal. */
static int x_error_handler(Display *dpy, XErrorEvent *ev)
{
	log_debug("X error %u (request %u.%u, resource 0x%lx)", ev->error_code, ev->request_code,
		  ev->minor_code, ev->resourceid);
	return 0;
}

static int open_display(struct agent *a, const char *display)
{
	int ev, err, major, minor;

	a->dpy = XOpenDisplay(display);
	if (!a->dpy)
		return log_error_errno(EIO, "Cannot open display %s", XDisplayName(display));
	XSetErrorHandler(x_error_handler);
	a->screen = DefaultScreen(a->dpy);
	a->root = RootWindow(a->dpy, a->screen);
	a->ctx = XUniqueContext();
	if (!XCompositeQueryExtension(a->dpy, &ev, &err))
		return log_error_errno(ENOTSUP, "The VM's X server has no Composite extension");
	if (!XTestQueryExtension(a->dpy, &ev, &err, &major, &minor))
		return log_error_errno(ENOTSUP, "The VM's X server has no XTEST extension");
	return 0;
}

static int open_channel(struct agent *a, const char *spec)
{
	int size = 4 << 20;

	a->chan = channel_open(spec);
	if (a->chan < 0)
		return log_error_errno(a->chan, "Cannot open channel %s: %m", spec);
	(void)setsockopt(a->chan, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)setsockopt(a->chan, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* Room for a clipboard paste, the largest message guid sends. */
	return msg_reader_init(&a->reader, GUI_MAX_PAYLOAD);
}

static int next_message(struct agent *a, struct msg *m)
{
	int r;

	while ((r = msg_reader_next(&a->reader, m)) == 0) {
		ssize_t k = msg_reader_fill(&a->reader, a->chan);
		if (k <= 0)
			return k == 0 ? -EPIPE : (int)k;
	}
	return r;
}

/* From 1.2 on, guid's SHM_OFFER follows HELLO at once. */
static int read_shm_offer(struct agent *a)
{
	struct gui_shm_offer offer;
	struct msg m;
	int r = next_message(a, &m);

	if (r < 0)
		return log_error_errno(r, "Handshake with guid: %m");
	if (m.type != GUI_MSG_SHM_OFFER || m.len != sizeof(offer))
		return log_error_errno(EPROTO, "guid sent type %u after its hello", m.type);
	memcpy(&offer, m.payload, sizeof(offer));
	agent_shm_offered(a, le32toh(offer.size));
	return 0;
}

static int handshake(struct agent *a)
{
	struct gui_version v = { htole32(GUI_PROTO_VERSION) };
	struct gui_hello hello;
	struct msg m;
	int r = agent_send(a, GUI_MSG_VERSION, 0, &v, sizeof(v));

	if (r < 0 || (r = next_message(a, &m)) < 0)
		return log_error_errno(r, "Handshake with guid: %m");
	if (m.type != GUI_MSG_HELLO || m.len != sizeof(hello))
		return log_error_errno(EPROTO, "guid answered the version with type %u", m.type);
	memcpy(&hello, m.payload, sizeof(hello));
	a->host_w = le32toh(hello.screen_w), a->host_h = le32toh(hello.screen_h);
	uint32_t agreed = le32toh(hello.version);
	log_info("Connected to guid, protocol %u.%u, host screen %ux%u", agreed >> 16,
		 agreed & 0xffff, a->host_w, a->host_h);
	return agreed >= (GUI_PROTO_MAJOR << 16 | 2) ? read_shm_offer(a) : 0;
}

static int handle_x_events(struct agent *a)
{
	XEvent ev;
	int r = 0;

	while (r >= 0 && XPending(a->dpy)) {
		XNextEvent(a->dpy, &ev);
		if (agent_clipboard_event(a, &ev))
			continue;
		if (ev.type == a->damage_event + XDamageNotify)
			agent_damage_event(a, &ev);
		else if (agent_cursor_is_event(a, &ev))
			r = agent_cursor_event(a, &ev);
		else
			r = agent_windows_handle(a, &ev);
	}
	return r;
}

/* Messages already buffered, then one read. 1 to go on, 0 at EOF. */
static int read_channel(struct agent *a)
{
	struct msg m;
	ssize_t k = msg_reader_fill(&a->reader, a->chan);
	int r;

	if (k == 0 || k == -ECONNRESET)
		return 0;
	if (k < 0 && k != -EAGAIN)
		return log_error_errno((int)k, "Reading from guid: %m");
	while ((r = msg_reader_next(&a->reader, &m)) == 1)
		if ((r = agent_input_handle(a, &m)) < 0)
			return r;
	return r < 0 ? log_error_errno(r, "Message from guid too large") : 1;
}

static int run(struct agent *a)
{
	struct pollfd p[2] = { { .fd = ConnectionNumber(a->dpy), .events = POLLIN },
			       { .fd = a->chan, .events = POLLIN } };
	int r;

	for (;;) {
		if ((r = handle_x_events(a)) < 0 || (r = agent_damage_flush(a)) < 0)
			return r;
		XFlush(a->dpy);
		if (XPending(a->dpy))
			continue;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return log_error_errno(errno, "poll: %m");
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			if ((r = read_channel(a)) <= 0)
				return r;
	}
}

int main(int argc, char **argv)
{
	struct agent_options o = { 0 };
	struct agent a = { .chan = -1 };
	int r;

	/* A VM that hangs up is an error return (EPIPE) to handle, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);
	log_parse_environment();
	log_set_ident("gui-agent");
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	if (open_display(&a, o.display) < 0 || agent_damage_init(&a) < 0 ||
	    agent_shm_init(&a, o.shm) < 0 || agent_clipboard_init(&a) < 0 ||
	    open_channel(&a, o.channel) < 0 || handshake(&a) < 0)
		return 1;
	XGrabServer(a.dpy); /* no window may appear between the listing and the redirect */
	r = agent_windows_init(&a);
	XUngrabServer(a.dpy);
	if (r >= 0)
		r = agent_cursor_init(&a);
	if (r >= 0)
		r = run(&a);
	if (r == 0)
		log_info("guid closed the channel");
	agent_clipboard_finish(&a);
	agent_windows_finish(&a);
	agent_shm_finish(&a);
	msg_reader_finish(&a.reader);
	XCloseDisplay(a.dpy);
	return r < 0 ? 1 : 0;
}
