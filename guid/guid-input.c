/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host X events on a VM's windows, turned into input messages for that VM's agent. This is
 * the only path from the host to the VM's input: guid never grabs the keyboard or pointer for
 * a VM (the protocol has no way to ask), so no VM grab can ever reach the host. The inter-VM
 * clipboard keys (Ctrl+Shift+C / Ctrl+Shift+V) are consumed here and never forwarded.
 */
#include <X11/keysym.h>
#include <X11/XKBlib.h>

#include "guid.h"
#include "log.h"

#define CLIPBOARD_MODS (ControlMask | ShiftMask)
#define CHECKED_MODS (ControlMask | ShiftMask | Mod1Mask | Mod4Mask)

static struct guid_window *window_of(struct guid *g, Window xid)
{
	XPointer p;

	if (XFindContext(g->dpy, xid, g->ctx, &p) != 0)
		return NULL;
	return (struct guid_window *)p;
}

static bool key_is_consumed(struct guid *g, unsigned keycode)
{
	return keycode < 256 && (g->consumed_keys[keycode / 8] & (1u << (keycode % 8)));
}

static void key_set_consumed(struct guid *g, unsigned keycode, bool on)
{
	if (keycode >= 256)
		return;
	if (on)
		g->consumed_keys[keycode / 8] |= (uint8_t)(1u << (keycode % 8));
	else
		g->consumed_keys[keycode / 8] &= (uint8_t) ~(1u << (keycode % 8));
}

/* 1 when guid keeps this key event for itself (the clipboard keys, press and release), 0 when
 * it goes to the VM, or -errno. */
static int clipboard_key(struct guid *g, struct guid_window *w, XKeyEvent *ev)
{
	KeySym sym;

	if (ev->type == KeyRelease && key_is_consumed(g, ev->keycode)) {
		key_set_consumed(g, ev->keycode, false);
		return 1;
	}
	if (ev->type != KeyPress || (ev->state & CHECKED_MODS) != CLIPBOARD_MODS)
		return 0;
	sym = XkbKeycodeToKeysym(g->dpy, (KeyCode)ev->keycode, 0, 0);
	if (sym != XK_c && sym != XK_v)
		return 0;
	key_set_consumed(g, ev->keycode, true);
	int r = sym == XK_c ? guid_clipboard_copy_requested(g, w)
			    : guid_clipboard_paste_requested(g, w);
	return r < 0 ? r : 1;
}

static int on_key(struct guid *g, struct guid_window *w, XEvent *ev)
{
	struct gui_key k = { .press = ev->type == KeyPress,
			     .keycode = ev->xkey.keycode,
			     .state = ev->xkey.state };
	int r = clipboard_key(g, w, &ev->xkey);

	if (r != 0)
		return r < 0 ? r : 0;
	return guid_send32(g, GUI_MSG_KEY, w->id, &k, sizeof(k));
}

static int on_button(struct guid *g, struct guid_window *w, XEvent *ev)
{
	struct gui_button b = { .press = ev->type == ButtonPress,
				.button = ev->xbutton.button,
				.x = ev->xbutton.x,
				.y = ev->xbutton.y,
				.state = ev->xbutton.state };

	if (ev->xbutton.window != w->content)
		return 0; /* a click on the frame is the host's */
	return guid_send32(g, GUI_MSG_BUTTON, w->id, &b, sizeof(b));
}

static int on_motion(struct guid *g, struct guid_window *w, XEvent *ev)
{
	struct gui_motion mo;

	/* Only the latest position matters: drop the queued ones. */
	while (XCheckTypedWindowEvent(g->dpy, ev->xmotion.window, MotionNotify, ev))
		;
	mo = (struct gui_motion){ ev->xmotion.x, ev->xmotion.y, ev->xmotion.state };
	return guid_send32(g, GUI_MSG_MOTION, w->id, &mo, sizeof(mo));
}

static int on_crossing(struct guid *g, struct guid_window *w, XEvent *ev)
{
	struct gui_crossing c = { .enter = ev->type == EnterNotify,
				  .x = ev->xcrossing.x,
				  .y = ev->xcrossing.y,
				  .state = ev->xcrossing.state };

	if (ev->xcrossing.window != w->content)
		return 0;
	return guid_send32(g, GUI_MSG_CROSSING, w->id, &c, sizeof(c));
}

static int on_focus(struct guid *g, struct guid_window *w, XEvent *ev)
{
	struct gui_focus f = { .in = ev->type == FocusIn };
	struct gui_keymap km;
	int r;

	if (ev->xfocus.mode == NotifyGrab || ev->xfocus.mode == NotifyUngrab)
		return 0;
	r = guid_send32(g, GUI_MSG_FOCUS, w->id, &f, sizeof(f));
	if (r < 0 || !f.in)
		return r;
	/* Keys released while another window had the focus must not stay down in the VM. */
	XQueryKeymap(g->dpy, (char *)km.keys);
	return guid_send(g, GUI_MSG_KEYMAP, w->id, &km, sizeof(km));
}

static int on_expose(struct guid *g, struct guid_window *w, XEvent *ev)
{
	struct gui_rect r = { ev->xexpose.x, ev->xexpose.y, (uint32_t)ev->xexpose.width,
			      (uint32_t)ev->xexpose.height };

	return guid_send32(g, GUI_MSG_EXPOSE, w->id, &r, sizeof(r));
}

static int on_client_message(struct guid *g, struct guid_window *w, XEvent *ev)
{
	if (ev->xclient.message_type != g->atom.wm_protocols ||
	    (Atom)ev->xclient.data.l[0] != g->atom.wm_delete)
		return 0;
	return guid_send(g, GUI_MSG_CLOSE, w->id, NULL, 0);
}

static int on_configure(struct guid *g, struct guid_window *w, XEvent *ev)
{
	if (ev->xconfigure.window == w->frame)
		guid_window_host_configured(g, w, &ev->xconfigure);
	return 0;
}

int guid_input_handle(struct guid *g, XEvent *ev)
{
	struct guid_window *w;

	if (ev->type == MappingNotify) {
		XRefreshKeyboardMapping(&ev->xmapping);
		return 0;
	}
	w = window_of(g, ev->xany.window);
	if (!w)
		return 0;
	switch (ev->type) {
	case KeyPress:
	case KeyRelease:
		return on_key(g, w, ev);
	case ButtonPress:
	case ButtonRelease:
		return on_button(g, w, ev);
	case MotionNotify:
		return on_motion(g, w, ev);
	case EnterNotify:
	case LeaveNotify:
		return on_crossing(g, w, ev);
	case FocusIn:
	case FocusOut:
		return on_focus(g, w, ev);
	case Expose:
		return on_expose(g, w, ev);
	case ClientMessage:
		return on_client_message(g, w, ev);
	case ConfigureNotify:
		return on_configure(g, w, ev);
	}
	return 0;
}
