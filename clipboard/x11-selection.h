/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * X11 selections (ICCCM) for the clipboard: fetch what an owner offers, and own a selection
 * with given data. Used on both sides of the trust boundary: the gui agent fetches its VM's
 * CLIPBOARD on Ctrl+Shift+C and owns CLIPBOARD and PRIMARY after a paste; `vmctl clipboard
 * from-host` and `to-host` do the same on the host's display.
 *
 * Waiting never blocks the caller's other X events: only events for the helper's own window
 * are taken from the queue.
 */
#pragma once

#include <X11/Xlib.h>
#include <stdbool.h>

#include "clipboard.h"

/* Fetch `selection` (e.g. "CLIPBOARD"): UTF-8 text if offered, else image/png. The data (at
 * most max bytes, else -EMSGSIZE) lands in e->data (sodium_malloc'd), e->type and e->len are
 * set; e->source is left for the caller. -ENOENT if nobody owns the selection or it offers
 * neither type, -ETIMEDOUT if the owner does not answer within timeout_ms. */
int x11_selection_fetch(Display *dpy, const char *selection, size_t max, int timeout_ms,
			struct clipboard_entry *e);

struct x11_selection_owner {
	Display *dpy;
	Window window;
	enum clipboard_type type;
	const uint8_t *data; /* not owned: must outlive the owner */
	size_t len;
	unsigned owned; /* how many selections we still own */
};

/* Own each of the named selections (e.g. "CLIPBOARD", "PRIMARY") with data. */
int x11_selection_owner_start(struct x11_selection_owner *o, Display *dpy,
			      const char *const *selections, size_t n, enum clipboard_type type,
			      const uint8_t *data, size_t len);
/* Handle ev if it concerns the owner (requests and losing ownership). Returns true if it did. */
bool x11_selection_owner_handle(struct x11_selection_owner *o, const XEvent *ev);
void x11_selection_owner_finish(struct x11_selection_owner *o);
