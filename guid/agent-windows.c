/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tracking the VM's top-level windows (children of the root, including override-redirect
 * menus and tooltips) and reporting their life cycle and metadata to guid. There is no window
 * manager in the VM: the agent is the only one watching, and guid (with the host's window
 * manager) decides where windows really go.
 *
 * Everything sent is clamped to what the protocol allows (sizes, coordinates, title length),
 * since guid treats anything outside the limits as a protocol violation.
 */
#include <stdlib.h>
#include <string.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xcomposite.h>

#include "agent.h"
#include "log.h"

struct agent_window *agent_window_get(struct agent *a, Window id)
{
	XPointer p;

	if (XFindContext(a->dpy, id, a->ctx, &p) != 0)
		return NULL;
	return (struct agent_window *)p;
}

static struct gui_rect wire_rect(const struct agent_window *w)
{
	return (struct gui_rect){
		.x = MAX(MIN(w->x + w->bw, GUI_COORD_MAX), -GUI_COORD_MAX),
		.y = MAX(MIN(w->y + w->bw, GUI_COORD_MAX), -GUI_COORD_MAX),
		.w = (uint32_t)MAX(MIN(w->w, GUI_MAX_WIDTH), 1),
		.h = (uint32_t)MAX(MIN(w->h, GUI_MAX_HEIGHT), 1),
	};
}

static int add_window(struct agent *a, Window id, const XWindowAttributes *attr)
{
	struct agent_window *w;
	struct gui_create c;

	if (agent_window_get(a, id))
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return log_oom();
	*w = (struct agent_window){ .id = id,
				    .x = attr->x,
				    .y = attr->y,
				    .w = attr->width,
				    .h = attr->height,
				    .bw = attr->border_width,
				    .override_redirect = attr->override_redirect,
				    .visual = attr->visual,
				    .depth = attr->depth,
				    .credits = GUI_WINDOW_CREDITS,
				    .next = a->windows };
	if (a->windows)
		a->windows->prev = w;
	a->windows = w;
	XSaveContext(a->dpy, id, a->ctx, (XPointer)w);
	XSelectInput(a->dpy, id, PropertyChangeMask);
	c = (struct gui_create){ .r = wire_rect(w), .override_redirect = w->override_redirect };
	return agent_send32(a, GUI_MSG_CREATE, (uint32_t)id, &c, sizeof(c));
}

static int map_window(struct agent *a, struct agent_window *w)
{
	Window transient = None;
	XWindowAttributes attr;
	struct gui_map m;
	int r;

	if (XGetWindowAttributes(a->dpy, w->id, &attr)) {
		w->visual = attr.visual;
		w->depth = attr.depth;
	}
	XGetTransientForHint(a->dpy, w->id, &transient);
	if ((r = agent_meta_send(a, w)) < 0)
		return r;
	m = (struct gui_map){ .transient_for = (uint32_t)transient,
			      .override_redirect = w->override_redirect };
	w->mapped = true;
	agent_damage_start(a, w);
	return agent_send32(a, GUI_MSG_MAP, (uint32_t)w->id, &m, sizeof(m));
}

static int remove_window(struct agent *a, struct agent_window *w)
{
	uint32_t id = (uint32_t)w->id;

	agent_damage_stop(a, w);
	XDeleteContext(a->dpy, w->id, a->ctx);
	if (w->prev)
		w->prev->next = w->next;
	else
		a->windows = w->next;
	if (w->next)
		w->next->prev = w->prev;
	if (a->focus == w->id)
		a->focus = None;
	free(w);
	return agent_send(a, GUI_MSG_DESTROY, id, NULL, 0);
}

static int on_create(struct agent *a, XCreateWindowEvent *ev)
{
	XWindowAttributes attr;

	/* The agent's own selection window is no VM window to show. */
	if (ev->parent != a->root || agent_clipboard_is_own_window(a, ev->window) ||
	    !XGetWindowAttributes(a->dpy, ev->window, &attr))
		return 0;
	return add_window(a, ev->window, &attr);
}

static int on_configure(struct agent *a, struct agent_window *w, XConfigureEvent *ev)
{
	struct gui_configure c;
	bool resized = ev->width != w->w || ev->height != w->h || ev->border_width != w->bw;

	w->x = ev->x, w->y = ev->y, w->w = ev->width, w->h = ev->height;
	w->bw = ev->border_width, w->override_redirect = ev->override_redirect;
	c = (struct gui_configure){ .r = wire_rect(w), .override_redirect = w->override_redirect };
	if (resized && w->mapped) {
		/* Composite gives a resized window a new pixmap. */
		XFreePixmap(a->dpy, w->pixmap);
		w->pixmap = XCompositeNameWindowPixmap(a->dpy, w->id);
		agent_damage_all(w);
	}
	return agent_send32(a, GUI_MSG_CONFIGURE, (uint32_t)w->id, &c, sizeof(c));
}

static int on_unmap(struct agent *a, struct agent_window *w)
{
	w->mapped = false;
	agent_damage_stop(a, w);
	return agent_send(a, GUI_MSG_UNMAP, (uint32_t)w->id, NULL, 0);
}

static int on_property(struct agent *a, struct agent_window *w, XPropertyEvent *ev)
{
	if (!w->mapped)
		return 0; /* all of it is sent at map time */
	return agent_meta_property(a, w, ev->atom);
}

static int on_reparent(struct agent *a, XReparentEvent *ev)
{
	struct agent_window *w = agent_window_get(a, ev->window);
	XWindowAttributes attr;
	int r;

	if (w && ev->parent != a->root)
		return remove_window(a, w);
	if (w || ev->parent != a->root || !XGetWindowAttributes(a->dpy, ev->window, &attr))
		return 0;
	if ((r = add_window(a, ev->window, &attr)) < 0 || attr.map_state != IsViewable)
		return r;
	return map_window(a, agent_window_get(a, ev->window));
}

/* For SubstructureNotify events xany.window is the root; the window concerned is elsewhere. */
static Window subject_of(const XEvent *ev)
{
	switch (ev->type) {
	case MapNotify:
		return ev->xmap.window;
	case UnmapNotify:
		return ev->xunmap.window;
	case ConfigureNotify:
		return ev->xconfigure.window;
	case DestroyNotify:
		return ev->xdestroywindow.window;
	}
	return ev->xany.window;
}

int agent_windows_handle(struct agent *a, XEvent *ev)
{
	struct agent_window *w;

	if (ev->type == CreateNotify)
		return on_create(a, &ev->xcreatewindow);
	if (ev->type == ReparentNotify)
		return on_reparent(a, &ev->xreparent);
	w = agent_window_get(a, subject_of(ev));
	if (!w)
		return 0;
	switch (ev->type) {
	case MapNotify:
		return w->mapped ? 0 : map_window(a, w);
	case UnmapNotify:
		return w->mapped ? on_unmap(a, w) : 0;
	case ConfigureNotify:
		return on_configure(a, w, &ev->xconfigure);
	case DestroyNotify:
		return remove_window(a, w);
	case PropertyNotify:
		return on_property(a, w, &ev->xproperty);
	case ClientMessage:
		return agent_meta_client_message(a, w, &ev->xclient);
	}
	return 0;
}

static void intern_atoms(struct agent *a)
{
	static const char *names[] = { "_NET_WM_NAME",	 "UTF8_STRING",
				       "WM_PROTOCOLS",	 "WM_DELETE_WINDOW",
				       "_NET_WM_STATE",	 "_NET_WM_STATE_FULLSCREEN",
				       "WM_CHANGE_STATE" };
	Atom at[ELEMENTSOF(names)];

	XInternAtoms(a->dpy, (char **)names, ELEMENTSOF(names), False, at);
	a->atom.net_wm_name = at[0], a->atom.utf8_string = at[1], a->atom.wm_protocols = at[2];
	a->atom.wm_delete = at[3], a->atom.net_state = at[4], a->atom.state_fullscreen = at[5];
	a->atom.wm_change_state = at[6];
}

static bool redirect_refused;

static int redirect_error_handler(Display *dpy, XErrorEvent *ev)
{
	redirect_refused = true;
	return 0;
}

/* Manual redirection makes the agent the VM's compositor: the X server keeps each top-level
 * window's pixels in its pixmap and no longer also copies every change onto the root window,
 * which nobody in the VM looks at (a full-window update is one 8 MiB copy less). Only one
 * client may redirect the root's children manually: if a compositor in the VM already does,
 * the server refuses (BadAccess) and the agent redirects automatically beside it, as before.
 * One request for all children, current and future: no window escapes it, none races it. */
static void redirect_windows(struct agent *a)
{
	int (*old)(Display *, XErrorEvent *);

	XSync(a->dpy, False);
	redirect_refused = false;
	old = XSetErrorHandler(redirect_error_handler);
	XCompositeRedirectSubwindows(a->dpy, a->root, CompositeRedirectManual);
	XSync(a->dpy, False);
	XSetErrorHandler(old);
	if (redirect_refused) {
		log_info("Another compositor runs in the VM: windows redirected automatically");
		XCompositeRedirectSubwindows(a->dpy, a->root, CompositeRedirectAutomatic);
	}
}

/* Redirect first, then list: a window created in between is reported by CreateNotify. */
int agent_windows_init(struct agent *a)
{
	Window root, parent, *children = NULL;
	unsigned n = 0;
	int r = 0;

	intern_atoms(a);
	redirect_windows(a);
	XSelectInput(a->dpy, a->root, SubstructureNotifyMask);
	if (!XQueryTree(a->dpy, a->root, &root, &parent, &children, &n))
		return 0;
	for (unsigned i = 0; i < n && r >= 0; i++) {
		XWindowAttributes attr;
		if (!XGetWindowAttributes(a->dpy, children[i], &attr))
			continue;
		r = add_window(a, children[i], &attr);
		if (r >= 0 && attr.map_state == IsViewable)
			r = map_window(a, agent_window_get(a, children[i]));
	}
	XFree(children);
	return r;
}

void agent_windows_finish(struct agent *a)
{
	while (a->windows) {
		struct agent_window *w = a->windows;
		a->windows = w->next;
		free(w);
	}
}
