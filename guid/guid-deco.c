/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trusted decoration: each VM window is a host top-level "frame" window whose background is the
 * VM's label colour, with the VM's pixels confined to a child window inset by GUID_FRAME. X
 * clips the child, so nothing the VM sends can paint over the frame. The frame also carries
 * the VM's name and colour as properties (_BULKHEAD_VMNAME, _BULKHEAD_LABEL) and the title
 * "[vm] title", built here from a title parse-agent.c already sanitised.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <X11/Xatom.h>

#include "guid.h"
#include "gui-validate.h"
#include "label.h"
#include "log.h"
#include "strutil.h"
#include "validate.h"

static void intern_atoms(struct guid *g)
{
	static const char *names[] = {
		"WM_PROTOCOLS",
		"WM_DELETE_WINDOW",
		"_NET_WM_NAME",
		"UTF8_STRING",
		"_BULKHEAD_VMNAME",
		"_BULKHEAD_LABEL",
		"_NET_WM_STATE",
		"_NET_WM_STATE_FULLSCREEN",
		"_NET_WM_STATE_MAXIMIZED_VERT",
		"_NET_WM_STATE_MAXIMIZED_HORZ",
		"_NET_WM_PID",
	};
	Atom a[ELEMENTSOF(names)];

	XInternAtoms(g->dpy, (char **)names, ELEMENTSOF(names), False, a);
	g->atom.wm_protocols = a[0], g->atom.wm_delete = a[1], g->atom.net_wm_name = a[2];
	g->atom.utf8_string = a[3], g->atom.vmname = a[4], g->atom.label = a[5];
	g->atom.net_state = a[6], g->atom.state_fullscreen = a[7], g->atom.state_max_v = a[8];
	g->atom.state_max_h = a[9], g->atom.net_pid = a[10];
}

int guid_deco_init(struct guid *g)
{
	uint32_t rgb;
	XColor c;

	if (label_parse_rgb(g->cfg->label, &rgb) < 0)
		return log_error_errno(EINVAL, "Unknown label colour '%s'", g->cfg->label);
	snprintf(g->label_hex, sizeof(g->label_hex), "#%06x", rgb);
	c = (XColor){ .red = (rgb >> 16 & 0xff) * 257,
		      .green = (rgb >> 8 & 0xff) * 257,
		      .blue = (rgb & 0xff) * 257,
		      .flags = DoRed | DoGreen | DoBlue };
	if (!XAllocColor(g->dpy, DefaultColormap(g->dpy, g->screen), &c))
		return log_error_errno(EIO, "Cannot allocate the label colour %s", g->label_hex);
	g->label_pixel = c.pixel;
	intern_atoms(g);
	return 0;
}

static void set_string_prop(struct guid *g, Window win, Atom prop, const char *value)
{
	XChangeProperty(g->dpy, win, prop, g->atom.utf8_string, 8, PropModeReplace,
			(const unsigned char *)value, (int)strlen(value));
}

static void set_identity(struct guid *g, struct guid_window *w)
{
	XClassHint class = { .res_name = (char *)g->cfg->domain, .res_class = (char *)"Bulkhead" };
	long pid = getpid();

	set_string_prop(g, w->frame, g->atom.vmname, g->cfg->domain);
	set_string_prop(g, w->frame, g->atom.label, g->label_hex);
	XSetClassHint(g->dpy, w->frame, &class);
	XSetWMProtocols(g->dpy, w->frame, &g->atom.wm_delete, 1);
	XChangeProperty(g->dpy, w->frame, g->atom.net_pid, XA_CARDINAL, 32, PropModeReplace,
			(unsigned char *)&pid, 1);
	guid_deco_set_title(g, w, "");
}

Window guid_deco_create_frame(struct guid *g, struct guid_window *w)
{
	XSetWindowAttributes a = {
		.background_pixel = g->label_pixel,
		.override_redirect = w->override_redirect,
		.event_mask = StructureNotifyMask | KeyPressMask | KeyReleaseMask | FocusChangeMask,
	};
	const struct gui_rect *r = &w->host;

	w->frame = XCreateWindow(g->dpy, g->root, r->x - GUID_FRAME, r->y - GUID_FRAME,
				 r->w + 2 * GUID_FRAME, r->h + 2 * GUID_FRAME, 0, g->depth,
				 InputOutput, g->visual,
				 CWBackPixel | CWOverrideRedirect | CWEventMask, &a);
	a.event_mask = ExposureMask | ButtonPressMask | ButtonReleaseMask | PointerMotionMask |
		       EnterWindowMask | LeaveWindowMask;
	/* No background: exposed areas keep old pixels until the VM resends them. */
	w->content = XCreateWindow(g->dpy, w->frame, GUID_FRAME, GUID_FRAME, r->w, r->h, 0,
				   g->depth, InputOutput, g->visual, CWEventMask, &a);
	XMapWindow(g->dpy, w->content);
	XSaveContext(g->dpy, w->frame, g->ctx, (XPointer)w);
	XSaveContext(g->dpy, w->content, g->ctx, (XPointer)w);
	set_identity(g, w);
	return w->frame;
}

void guid_deco_set_title(struct guid *g, struct guid_window *w, const char *sane_title)
{
	char full[GUI_TITLE_SANE_MAX + VM_NAME_MAX + 4];

	snprintf(full, sizeof(full), "[%s] %s", g->cfg->domain, sane_title);
	set_string_prop(g, w->frame, g->atom.net_wm_name, full);
	/* WM_NAME is Latin-1 by ICCCM; UTF-8 there is what most clients do anyway. */
	XChangeProperty(g->dpy, w->frame, XA_WM_NAME, g->atom.utf8_string, 8, PropModeReplace,
			(const unsigned char *)full, (int)strlen(full));
}

/* Ask the host's window manager (EWMH) to add or remove up to two states of a mapped window. */
static void request_state(struct guid *g, struct guid_window *w, bool add, Atom s1, Atom s2)
{
	XEvent ev = { .xclient = { .type = ClientMessage,
				   .window = w->frame,
				   .message_type = g->atom.net_state,
				   .format = 32 } };

	ev.xclient.data.l[0] = add ? 1 : 0;
	ev.xclient.data.l[1] = (long)s1;
	ev.xclient.data.l[2] = (long)s2;
	ev.xclient.data.l[3] = 1; /* from an application */
	XSendEvent(g->dpy, g->root, False, SubstructureRedirectMask | SubstructureNotifyMask, &ev);
}

/* Fullscreen becomes maximised unless this VM may go fullscreen, so the frame stays visible.
 * Before mapping it is a property the window manager reads; afterwards, a request to it. */
void guid_deco_set_state(struct guid *g, struct guid_window *w)
{
	bool fs = w->flags & GUI_FLAG_FULLSCREEN, allow = g->cfg->allow_fullscreen;
	Atom state[2];
	int n = 0;

	if (w->mapped) {
		request_state(g, w, fs && allow, g->atom.state_fullscreen, None);
		request_state(g, w, fs && !allow, g->atom.state_max_v, g->atom.state_max_h);
		return;
	}
	if (fs && allow)
		state[n++] = g->atom.state_fullscreen;
	if (fs && !allow) {
		state[n++] = g->atom.state_max_v;
		state[n++] = g->atom.state_max_h;
	}
	XChangeProperty(g->dpy, w->frame, g->atom.net_state, XA_ATOM, 32, PropModeReplace,
			(unsigned char *)state, n);
}
