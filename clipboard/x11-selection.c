/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: in a VM the selection owner is any program there, and on the host any host client;
 * what they hand over is bounded by `max` while it is read (INCR transfers included) and
 * validated by the clipboard checkers before anyone else sees it.
 */
#include <X11/Xatom.h>
#include <errno.h>
#include <poll.h>
#include <sodium.h>
#include <string.h>

#include "macro.h"
#include "strutil.h"
#include "x11-selection.h"

static Atom atom(Display *dpy, const char *name)
{
	return XInternAtom(dpy, name, False);
}

/* Wait for an event of `type` on window w; -ETIMEDOUT after timeout_ms. */
static int wait_event(Display *dpy, Window w, int type, int timeout_ms, XEvent *ev)
{
	for (int waited = 0;; waited += 10) {
		if (XCheckTypedWindowEvent(dpy, w, type, ev))
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = ConnectionNumber(dpy), .events = POLLIN };
		XFlush(dpy);
		poll(&p, 1, 10);
	}
}

struct transfer {
	uint8_t *buf;
	size_t len, max;
};

static int transfer_append(struct transfer *t, const uint8_t *data, size_t n)
{
	if (n > t->max - t->len)
		return -EMSGSIZE;
	if (!t->buf && !(t->buf = sodium_malloc(t->max ? t->max : 1)))
		return -ENOMEM;
	memcpy(t->buf + t->len, data, n);
	t->len += n;
	return 0;
}

/* Read and delete the property; *type is its type (INCR announces an incremental transfer). */
static int read_property(Display *dpy, Window w, Atom prop, struct transfer *t, Atom *type)
{
	unsigned long nitems, after;
	unsigned char *data = NULL;
	int format;

	if (XGetWindowProperty(dpy, w, prop, 0, (long)(t->max / 4 + 1), True, AnyPropertyType, type,
			       &format, &nitems, &after, &data) != Success)
		return -EIO;
	if (*type == None) { /* no such property (any more): nothing to read */
		XFree(data);
		return 0;
	}
	int r = after > 0 ? -EMSGSIZE : 0;
	/* Xlib hands 32-bit items (atom lists such as TARGETS) over as longs. */
	size_t item = format == 8 ? 1 : format == 32 ? sizeof(long) : 0;
	if (r == 0 && *type != atom(dpy, "INCR"))
		r = item ? transfer_append(t, data, nitems * item) : -EBADMSG;
	XFree(data);
	return r;
}

/* ICCCM INCR: the owner sends chunks, each after we delete the last; an empty one ends it. */
static int read_incr(Display *dpy, Window w, Atom prop, struct transfer *t, int timeout_ms)
{
	for (;;) {
		XEvent ev;
		Atom type;
		int r = wait_event(dpy, w, PropertyNotify, timeout_ms, &ev);
		if (r < 0)
			return r;
		if (ev.xproperty.atom != prop || ev.xproperty.state != PropertyNewValue)
			continue;
		size_t before = t->len;
		r = read_property(dpy, w, prop, t, &type);
		/* The notification of the INCR announcement itself can still be queued when
		 * the loop starts; that property is gone: wait for the first chunk. */
		if (r == 0 && type == None)
			continue;
		if (r < 0 || t->len == before)
			return r;
	}
}

/* Ask the owner to convert to `target` and collect the result. -ENOENT if refused. */
static int convert(Display *dpy, Window w, Atom sel, Atom target, struct transfer *t,
		   int timeout_ms)
{
	Atom prop = atom(dpy, "BULKHEAD_SELECTION"), type;
	XEvent ev;

	XConvertSelection(dpy, sel, target, prop, w, CurrentTime);
	int r = wait_event(dpy, w, SelectionNotify, timeout_ms, &ev);
	if (r < 0)
		return r;
	if (ev.xselection.property == None)
		return -ENOENT;
	r = read_property(dpy, w, prop, t, &type);
	if (r == 0 && type == atom(dpy, "INCR"))
		r = read_incr(dpy, w, prop, t, timeout_ms);
	return r;
}

static bool offers(Display *dpy, const struct transfer *targets, const char *name)
{
	Atom want = atom(dpy, name), a;

	for (size_t i = 0; i + sizeof(Atom) <= targets->len; i += sizeof(Atom)) {
		memcpy(&a, targets->buf + i, sizeof(a));
		if (a == want)
			return true;
	}
	return false;
}

/* Pick the type to ask for from the owner's TARGETS: text first, then PNG. */
static int choose_target(Display *dpy, Window w, Atom sel, int timeout_ms, Atom *target,
			 enum clipboard_type *type)
{
	struct transfer targets = { .max = 4096 * sizeof(Atom) };
	int r = convert(dpy, w, sel, atom(dpy, "TARGETS"), &targets, timeout_ms);

	*type = CLIPBOARD_TEXT;
	*target = atom(dpy, "UTF8_STRING");
	if (r == 0 && !offers(dpy, &targets, "UTF8_STRING") && offers(dpy, &targets, "image/png")) {
		*type = CLIPBOARD_PNG;
		*target = atom(dpy, "image/png");
	}
	if (targets.buf)
		sodium_free(targets.buf);
	return r == -ETIMEDOUT ? r : 0;
}

int x11_selection_fetch(Display *dpy, const char *selection, size_t max, int timeout_ms,
			struct clipboard_entry *e)
{
	Atom sel = atom(dpy, selection), target;
	struct transfer t = { .max = max };
	enum clipboard_type type;

	if (sodium_init() < 0)
		return -EIO;
	if (XGetSelectionOwner(dpy, sel) == None)
		return -ENOENT;
	Window w = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1, 1, 0, 0, 0);
	XSelectInput(dpy, w, PropertyChangeMask);
	int r = choose_target(dpy, w, sel, timeout_ms, &target, &type);
	if (r == 0)
		r = convert(dpy, w, sel, target, &t, timeout_ms);
	XDestroyWindow(dpy, w);
	XFlush(dpy);
	if (r < 0) {
		if (t.buf)
			sodium_free(t.buf);
		return r;
	}
	*e = (struct clipboard_entry){ .type = type, .data = t.buf, .len = t.len };
	return 0;
}

/* A server timestamp for XSetSelectionOwner, as ICCCM asks (never CurrentTime). */
static Time server_time(Display *dpy, Window w)
{
	XEvent ev;

	XChangeProperty(dpy, w, XA_WM_NAME, XA_STRING, 8, PropModeAppend, NULL, 0);
	if (wait_event(dpy, w, PropertyNotify, 2000, &ev) < 0)
		return CurrentTime;
	return ev.xproperty.time;
}

int x11_selection_owner_start(struct x11_selection_owner *o, Display *dpy,
			      const char *const *selections, size_t n, enum clipboard_type type,
			      const uint8_t *data, size_t len)
{
	*o = (struct x11_selection_owner){ .dpy = dpy, .type = type, .data = data, .len = len };
	o->window = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1, 1, 0, 0, 0);
	XSelectInput(dpy, o->window, PropertyChangeMask);
	Time now = server_time(dpy, o->window);
	for (size_t i = 0; i < n; i++) {
		Atom sel = atom(dpy, selections[i]);
		XSetSelectionOwner(dpy, sel, o->window, now);
		if (XGetSelectionOwner(dpy, sel) != o->window)
			return -EBUSY;
		o->owned++;
	}
	XFlush(dpy);
	return 0;
}

static size_t list_targets(Display *dpy, const struct x11_selection_owner *o, Atom out[8])
{
	size_t n = 0;

	out[n++] = atom(dpy, "TARGETS");
	if (o->type == CLIPBOARD_PNG) {
		out[n++] = atom(dpy, "image/png");
		return n;
	}
	out[n++] = atom(dpy, "UTF8_STRING");
	out[n++] = atom(dpy, "text/plain;charset=utf-8");
	out[n++] = atom(dpy, "TEXT");
	return n;
}

/* Write the requested target into the requestor's property; false if we cannot. */
static bool answer_request(struct x11_selection_owner *o, const XSelectionRequestEvent *req,
			   Atom property)
{
	Display *dpy = o->dpy;
	Atom targets[8];
	size_t n = list_targets(dpy, o, targets);

	if (req->target == targets[0]) {
		XChangeProperty(dpy, req->requestor, property, XA_ATOM, 32, PropModeReplace,
				(unsigned char *)targets, (int)n);
		return true;
	}
	/* Without INCR on the serving side, data must fit one request (16 MiB with BIG-REQUESTS). */
	long max = XExtendedMaxRequestSize(dpy) ?: XMaxRequestSize(dpy);
	for (size_t i = 1; i < n; i++)
		if (req->target == targets[i] && o->len + 1024 < (size_t)max * 4) {
			Atom type =
				o->type == CLIPBOARD_PNG ? targets[i] : atom(dpy, "UTF8_STRING");
			XChangeProperty(dpy, req->requestor, property, type, 8, PropModeReplace,
					o->data, (int)o->len);
			return true;
		}
	return false;
}

static void handle_request(struct x11_selection_owner *o, const XSelectionRequestEvent *req)
{
	/* Obsolete clients pass no property: ICCCM says use the target's name. */
	Atom property = req->property != None ? req->property : req->target;
	XEvent reply = { .xselection = {
				 .type = SelectionNotify,
				 .display = req->display,
				 .requestor = req->requestor,
				 .selection = req->selection,
				 .target = req->target,
				 .time = req->time,
			 } };

	reply.xselection.property = answer_request(o, req, property) ? property : None;
	XSendEvent(o->dpy, req->requestor, False, NoEventMask, &reply);
	XFlush(o->dpy);
}

bool x11_selection_owner_handle(struct x11_selection_owner *o, const XEvent *ev)
{
	if (ev->type == SelectionRequest && ev->xselectionrequest.owner == o->window) {
		handle_request(o, &ev->xselectionrequest);
		return true;
	}
	if (ev->type == SelectionClear && ev->xselectionclear.window == o->window) {
		if (o->owned > 0)
			o->owned--;
		return true;
	}
	return false;
}

void x11_selection_owner_finish(struct x11_selection_owner *o)
{
	if (o->dpy && o->window)
		XDestroyWindow(o->dpy, o->window);
	o->window = 0;
	o->owned = 0;
}
