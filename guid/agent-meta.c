/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A window's metadata for guid: title, class, size hints, flags (fullscreen, urgency) and
 * whether it can be asked to close. Read from the VM's own clients' properties (which any VM
 * program may set to anything), clamped to what the protocol allows: titles cut at a character
 * boundary with "…", class names printable ASCII, sizes within the limits.
 */
#include <string.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>

#include "agent.h"
#include "log.h"

static int send_title(struct agent *a, struct agent_window *w)
{
	char title[GUI_TITLE_MAX];
	unsigned char *data = NULL;
	unsigned long n = 0, after;
	Atom type;
	int fmt;
	size_t len;

	if (XGetWindowProperty(a->dpy, w->id, a->atom.net_wm_name, 0, GUI_TITLE_MAX, False,
			       a->atom.utf8_string, &type, &fmt, &n, &after, &data) != Success ||
	    !data || fmt != 8 || n == 0) {
		XFree(data);
		data = NULL;
		if (XGetWindowProperty(a->dpy, w->id, XA_WM_NAME, 0, GUI_TITLE_MAX, False,
				       AnyPropertyType, &type, &fmt, &n, &after,
				       &data) != Success ||
		    !data || fmt != 8)
			n = 0;
	}
	len = MIN((size_t)n, sizeof(title));
	if (len)
		memcpy(title, data, len);
	XFree(data);
	if (len == sizeof(title) && (after || n > sizeof(title))) {
		/* Cut at a character boundary and say so with an ellipsis. */
		len = sizeof(title) - 3;
		while (len > 0 && ((unsigned char)title[len] & 0xc0) == 0x80)
			len--;
		memcpy(title + len, "\xe2\x80\xa6", 3);
		len += 3;
	}
	if (len == 0)
		return 0;
	return agent_send(a, GUI_MSG_TITLE, (uint32_t)w->id, title, len);
}

static void copy_class_field(char *dst, const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i < GUI_CLASS_MAX - 1; i++)
		dst[i] = src[i] >= 0x20 && src[i] <= 0x7e ? src[i] : '_';
	dst[i] = '\0';
}

static int send_class(struct agent *a, struct agent_window *w)
{
	XClassHint hint = { 0 };
	struct gui_class c = { 0 };

	if (!XGetClassHint(a->dpy, w->id, &hint))
		return 0;
	copy_class_field(c.res_class, hint.res_class);
	copy_class_field(c.res_name, hint.res_name);
	XFree(hint.res_class);
	XFree(hint.res_name);
	return agent_send(a, GUI_MSG_CLASS, (uint32_t)w->id, &c, sizeof(c));
}

static uint32_t clamp_dim(int v, uint32_t max)
{
	return v < 0 ? 0 : MIN((uint32_t)v, max);
}

static int send_hints(struct agent *a, struct agent_window *w)
{
	XSizeHints s;
	long supplied;
	struct gui_hints h = { 0 };

	if (!XGetWMNormalHints(a->dpy, w->id, &s, &supplied))
		return 0;
	if (s.flags & PMinSize)
		h.flags |= GUI_HINT_MIN, h.min_w = clamp_dim(s.min_width, GUI_MAX_WIDTH),
					 h.min_h = clamp_dim(s.min_height, GUI_MAX_HEIGHT);
	if (s.flags & PMaxSize)
		h.flags |= GUI_HINT_MAX, h.max_w = clamp_dim(s.max_width, GUI_MAX_WIDTH),
					 h.max_h = clamp_dim(s.max_height, GUI_MAX_HEIGHT);
	if (s.flags & PResizeInc)
		h.flags |= GUI_HINT_INC, h.inc_w = clamp_dim(s.width_inc, GUI_MAX_WIDTH),
					 h.inc_h = clamp_dim(s.height_inc, GUI_MAX_HEIGHT);
	if (s.flags & PBaseSize)
		h.flags |= GUI_HINT_BASE, h.base_w = clamp_dim(s.base_width, GUI_MAX_WIDTH),
					  h.base_h = clamp_dim(s.base_height, GUI_MAX_HEIGHT);
	return agent_send32(a, GUI_MSG_HINTS, (uint32_t)w->id, &h, sizeof(h));
}

static bool has_state(struct agent *a, Window id, Atom state)
{
	unsigned char *data = NULL;
	unsigned long n = 0, after;
	Atom type;
	int fmt;
	bool found = false;

	if (XGetWindowProperty(a->dpy, id, a->atom.net_state, 0, 32, False, XA_ATOM, &type, &fmt,
			       &n, &after, &data) == Success &&
	    data && fmt == 32)
		for (unsigned long i = 0; i < n; i++)
			found |= ((Atom *)data)[i] == state;
	XFree(data);
	return found;
}

static int send_flags(struct agent *a, struct agent_window *w)
{
	struct gui_flags f = { 0 };
	XWMHints *hints = XGetWMHints(a->dpy, w->id);

	if (has_state(a, w->id, a->atom.state_fullscreen))
		f.set |= GUI_FLAG_FULLSCREEN;
	else
		f.unset |= GUI_FLAG_FULLSCREEN;
	if (hints && (hints->flags & XUrgencyHint))
		f.set |= GUI_FLAG_URGENT;
	else
		f.unset |= GUI_FLAG_URGENT;
	f.unset |= GUI_FLAG_MINIMISE; /* minimising is a request (WM_CHANGE_STATE), not a state */
	XFree(hints);
	return agent_send32(a, GUI_MSG_FLAGS, (uint32_t)w->id, &f, sizeof(f));
}

static void read_protocols(struct agent *a, struct agent_window *w)
{
	Atom *protocols = NULL;
	int n = 0;

	w->supports_delete = false;
	if (XGetWMProtocols(a->dpy, w->id, &protocols, &n))
		for (int i = 0; i < n; i++)
			w->supports_delete |= protocols[i] == a->atom.wm_delete;
	XFree(protocols);
}

int agent_meta_send(struct agent *a, struct agent_window *w)
{
	int r;

	read_protocols(a, w);
	if ((r = send_title(a, w)) < 0 || (r = send_class(a, w)) < 0 ||
	    (r = send_hints(a, w)) < 0 || (r = send_flags(a, w)) < 0)
		return r;
	return 0;
}

int agent_meta_property(struct agent *a, struct agent_window *w, Atom atom)
{
	if (atom == XA_WM_NAME || atom == a->atom.net_wm_name)
		return send_title(a, w);
	if (atom == XA_WM_CLASS)
		return send_class(a, w);
	if (atom == XA_WM_NORMAL_HINTS)
		return send_hints(a, w);
	if (atom == XA_WM_HINTS || atom == a->atom.net_state)
		return send_flags(a, w);
	if (atom == a->atom.wm_protocols)
		read_protocols(a, w);
	return 0;
}

/* _NET_WM_STATE fullscreen add/remove/toggle: done the way a window manager would, by setting
 * the property, whose change then reaches guid like any other. */
static int net_state_request(struct agent *a, struct agent_window *w, XClientMessageEvent *ev)
{
	bool now = has_state(a, w->id, a->atom.state_fullscreen), want;

	if ((Atom)ev->data.l[1] != a->atom.state_fullscreen &&
	    (Atom)ev->data.l[2] != a->atom.state_fullscreen)
		return 0;
	want = ev->data.l[0] == 2 ? !now : ev->data.l[0] == 1;
	if (want == now)
		return 0;
	XChangeProperty(a->dpy, w->id, a->atom.net_state, XA_ATOM, 32, PropModeReplace,
			(unsigned char *)&a->atom.state_fullscreen, want ? 1 : 0);
	return 0;
}

int agent_meta_client_message(struct agent *a, struct agent_window *w, XClientMessageEvent *ev)
{
	struct gui_flags f = { .set = GUI_FLAG_MINIMISE };

	if (ev->message_type == a->atom.net_state && ev->format == 32)
		return net_state_request(a, w, ev);
	if (ev->message_type == a->atom.wm_change_state && ev->format == 32 &&
	    ev->data.l[0] == IconicState)
		return agent_send32(a, GUI_MSG_FLAGS, (uint32_t)w->id, &f, sizeof(f));
	return 0;
}
