/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages from guid: acknowledgements (flow control), input to inject with XTEST, host
 * moves/resizes, close requests and expose requests. The host is trusted by the VM, but every
 * message still has its exact size checked and names a window the agent knows, so a confused
 * peer cannot make the agent read past a payload or touch a window it does not manage.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <X11/extensions/XTest.h>

#include "agent.h"
#include "log.h"

typedef int (*input_handler_t)(struct agent *a, struct agent_window *w, const void *payload);

static void from_le32(void *dst, const void *src, size_t len)
{
	uint32_t *p = dst;

	memcpy(dst, src, len);
	for (size_t i = 0; i < len / 4; i++)
		p[i] = le32toh(p[i]);
}

static int on_ack(struct agent *a, struct agent_window *w, const void *payload)
{
	if (w->credits < GUI_WINDOW_CREDITS)
		w->credits++;
	return 0;
}

static void focus(struct agent *a, struct agent_window *w)
{
	if (a->focus == w->id || !w->mapped || w->override_redirect)
		return;
	XSetInputFocus(a->dpy, w->id, RevertToParent, CurrentTime);
	a->focus = w->id;
}

static int on_key(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_key k;

	from_le32(&k, payload, sizeof(k));
	if (k.keycode < 8 || k.keycode > 255)
		return 0;
	focus(a, w);
	XTestFakeKeyEvent(a->dpy, k.keycode, k.press != 0, CurrentTime);
	return 0;
}

static void pointer_to(struct agent *a, struct agent_window *w, int32_t x, int32_t y)
{
	XTestFakeMotionEvent(a->dpy, a->screen, w->x + w->bw + x, w->y + w->bw + y, CurrentTime);
}

static int on_button(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_button b;

	from_le32(&b, payload, sizeof(b));
	if (b.button < 1 || b.button > 255)
		return 0;
	pointer_to(a, w, b.x, b.y);
	if (b.press)
		focus(a, w);
	XTestFakeButtonEvent(a->dpy, b.button, b.press != 0, CurrentTime);
	return 0;
}

static int on_motion(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_motion m;

	from_le32(&m, payload, sizeof(m));
	pointer_to(a, w, m.x, m.y);
	return 0;
}

static int on_crossing(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_crossing c;

	from_le32(&c, payload, sizeof(c));
	if (c.enter)
		pointer_to(a, w, c.x, c.y);
	return 0;
}

static int on_focus(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_focus f;

	from_le32(&f, payload, sizeof(f));
	if (f.in)
		focus(a, w);
	else if (a->focus == w->id)
		a->focus = None; /* the next key or click takes it back */
	return 0;
}

/* Release keys the VM still holds that the host does not (released while elsewhere). */
static int on_keymap(struct agent *a, struct agent_window *w, const void *payload)
{
	const struct gui_keymap *host = payload;
	char vm[32];

	XQueryKeymap(a->dpy, vm);
	for (int code = 8; code < 256; code++) {
		bool vm_down = vm[code / 8] & (1 << (code % 8));
		bool host_down = host->keys[code / 8] & (1 << (code % 8));
		if (vm_down && !host_down)
			XTestFakeKeyEvent(a->dpy, (unsigned)code, False, CurrentTime);
	}
	return 0;
}

static int on_configure(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_configure c;

	from_le32(&c, payload, sizeof(c));
	if (c.r.w < 1 || c.r.h < 1 || c.r.w > GUI_MAX_WIDTH || c.r.h > GUI_MAX_HEIGHT)
		return 0;
	if (c.r.x - w->bw == w->x && c.r.y - w->bw == w->y && (int)c.r.w == w->w &&
	    (int)c.r.h == w->h)
		return 0;
	XMoveResizeWindow(a->dpy, w->id, c.r.x - w->bw, c.r.y - w->bw, c.r.w, c.r.h);
	return 0;
}

static int on_close(struct agent *a, struct agent_window *w, const void *payload)
{
	XEvent ev = { .xclient = { .type = ClientMessage,
				   .window = w->id,
				   .message_type = a->atom.wm_protocols,
				   .format = 32 } };

	if (!w->supports_delete) {
		/* What a window manager does for a window that cannot be asked. */
		XKillClient(a->dpy, w->id);
		return 0;
	}
	ev.xclient.data.l[0] = (long)a->atom.wm_delete;
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(a->dpy, w->id, False, NoEventMask, &ev);
	return 0;
}

static int on_expose(struct agent *a, struct agent_window *w, const void *payload)
{
	struct gui_rect r;

	from_le32(&r, payload, sizeof(r));
	if (w->mapped && r.w <= GUI_MAX_WIDTH && r.h <= GUI_MAX_HEIGHT)
		agent_damage_add(w, (struct agent_rect){ r.x, r.y, (int)r.w, (int)r.h });
	return 0;
}

static const struct {
	uint32_t len;
	input_handler_t handler;
} handlers[] = {
	[GUI_MSG_ACK] = { sizeof(struct gui_ack), on_ack },
	[GUI_MSG_KEY] = { sizeof(struct gui_key), on_key },
	[GUI_MSG_BUTTON] = { sizeof(struct gui_button), on_button },
	[GUI_MSG_MOTION] = { sizeof(struct gui_motion), on_motion },
	[GUI_MSG_CROSSING] = { sizeof(struct gui_crossing), on_crossing },
	[GUI_MSG_FOCUS] = { sizeof(struct gui_focus), on_focus },
	[GUI_MSG_KEYMAP] = { sizeof(struct gui_keymap), on_keymap },
	[GUI_MSG_CONFIGURE] = { sizeof(struct gui_configure), on_configure },
	[GUI_MSG_CLOSE] = { 0, on_close },
	[GUI_MSG_EXPOSE] = { sizeof(struct gui_rect), on_expose },
};

int agent_input_handle(struct agent *a, const struct msg *m)
{
	struct agent_window *w;

	/* The connection's messages (id 0), with payloads of their own sizes. */
	if (m->type == GUI_MSG_CLIPBOARD_REQUEST)
		return agent_clipboard_request(a, m);
	if (m->type == GUI_MSG_CLIPBOARD_PASTE)
		return agent_clipboard_paste(a, m);

	if (m->type >= ELEMENTSOF(handlers) || !handlers[m->type].handler)
		return log_error_errno(EPROTO, "Unexpected message type %u from guid", m->type);
	if (m->len != handlers[m->type].len)
		return log_error_errno(EPROTO, "Message type %u from guid has length %u", m->type,
				       m->len);
	w = agent_window_get(a, m->id);
	if (!w)
		return 0; /* destroyed since guid sent this */
	return handlers[m->type].handler(a, w, m->payload);
}
