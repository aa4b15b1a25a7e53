/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui-agent's private header. The agent runs inside the VM as an ordinary X client of the VM's
 * own X server: it redirects the top-level windows into off-screen pixmaps (Composite), watches
 * them (structure, properties, XDamage, XFixes cursor) and reports them to guid; input guid
 * sends back is injected with XTEST. The host is trusted by the VM; still, nothing guid sends
 * is used without a length check.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <X11/Xlib.h>
#include <X11/Xresource.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>

#include "gui-proto.h"
#include "msg.h"
#include "x11-selection.h"

#define AGENT_MAX_RECTS 8

struct agent_rect {
	int x, y, w, h;
};

struct agent_window {
	Window id;
	struct agent_window *next, *prev;
	int x, y;     /* outer top-left, root coordinates */
	int w, h, bw; /* inside size and border width */
	bool override_redirect;
	bool mapped;
	bool supports_delete;
	Visual *visual;
	int depth;
	Pixmap pixmap; /* Composite's backing pixmap while mapped */
	Damage damage;
	struct agent_rect dirty[AGENT_MAX_RECTS];
	int ndirty;
	/* The last capture: its request's serial and what it read. Damage the server reported
	 * before it processed that request is already in those pixels (agent-damage.c). */
	unsigned long captured_serial;
	struct agent_rect captured;
	unsigned credits; /* damage messages guid may still receive unacknowledged */
	uint32_t seq;
	struct gui_shm_buffer buf; /* its place in the shared region; empty: pixels inline */
	bool buf_sent;		   /* guid was told buf (non-empty) */
};

/* The shared region of window pixels (agent-shm.c): the ivshmem BAR, or a file in tests. */
struct agent_region {
	void *base; /* NULL: none */
	uint64_t size;
	XShmSegmentInfo seg; /* the VM's X server maps it too */
	bool active;	     /* guid offered a region of the same size */
};

/* What the agent owns CLIPBOARD and PRIMARY with after a paste. */
struct agent_clipboard {
	struct clipboard_limits limits;
	struct x11_selection_owner owner;
	uint8_t *data; /* sodium_malloc'd, wiped when ownership ends */
	size_t len;
};

struct agent {
	Display *dpy;
	int screen;
	Window root;
	int chan;
	struct msg_reader reader;
	int damage_event, damage_error, fixes_event, fixes_error;
	XContext ctx; /* Window -> struct agent_window */
	struct agent_window *windows;
	Window focus;
	bool use_shm;
	XShmSegmentInfo shm;
	struct agent_region region;
	uint32_t host_w, host_h;
	struct agent_clipboard clip;
	struct {
		Atom net_wm_name, utf8_string, wm_protocols, wm_delete, net_state, state_fullscreen,
			wm_change_state;
	} atom;
};

/* agent-send.c: blocking writes; the host always reads (guid never blocks). */
int agent_send(struct agent *a, uint32_t type, uint32_t id, const void *payload, size_t len);
int agent_send32(struct agent *a, uint32_t type, uint32_t id, const void *payload, size_t len);
int agent_send_damage(struct agent *a, uint32_t id, const struct gui_damage *d, const void *pixels);
/* GUI_MSG_CLIPBOARD_DATA: a gui_clipboard_type and its bytes (none for NONE/TOO_LARGE). */
int agent_send_clipboard(struct agent *a, uint32_t type, const void *data, size_t len);

/* agent-windows.c */
int agent_windows_init(struct agent *a);
void agent_windows_finish(struct agent *a);
int agent_windows_handle(struct agent *a, XEvent *ev);
struct agent_window *agent_window_get(struct agent *a, Window id);

/* agent-damage.c */
int agent_damage_init(struct agent *a);
void agent_damage_start(struct agent *a, struct agent_window *w);
void agent_damage_stop(struct agent *a, struct agent_window *w);
void agent_damage_add(struct agent_window *w, struct agent_rect r);
void agent_damage_all(struct agent_window *w);
void agent_damage_event(struct agent *a, XEvent *ev);
/* Before a capture request of r: remember its serial (call just before issuing it). */
void agent_damage_capturing(struct agent *a, struct agent_window *w, struct agent_rect r);
int agent_damage_flush(struct agent *a);

/* agent-shm.c: window pixels through the shared region (protocol 1.2). */
int agent_shm_init(struct agent *a, const char *spec);
void agent_shm_finish(struct agent *a);
void agent_shm_offered(struct agent *a, uint32_t size);
int agent_shm_prepare(struct agent *a, struct agent_window *w, uint32_t width, uint32_t height);
void agent_shm_release(struct agent_window *w);
int agent_shm_send_rect(struct agent *a, struct agent_window *w, struct agent_rect r);

/* agent-input.c: messages from guid. */
int agent_input_handle(struct agent *a, const struct msg *m);

/* agent-clipboard.c: guid's clipboard requests and pastes; the selections the agent owns. */
int agent_clipboard_init(struct agent *a);
void agent_clipboard_finish(struct agent *a);
int agent_clipboard_request(struct agent *a, const struct msg *m);
int agent_clipboard_paste(struct agent *a, const struct msg *m);
/* True if ev was for the agent's selection window (handled), which is not a VM window. */
bool agent_clipboard_event(struct agent *a, const XEvent *ev);
bool agent_clipboard_is_own_window(struct agent *a, Window w);

/* agent-cursor.c */
int agent_cursor_init(struct agent *a);
bool agent_cursor_is_event(struct agent *a, const XEvent *ev);
int agent_cursor_event(struct agent *a, XEvent *ev);

/* agent-meta.c: title, class, hints, flags; all at map time, or the one a property changed. */
int agent_meta_send(struct agent *a, struct agent_window *w);
int agent_meta_property(struct agent *a, struct agent_window *w, Atom atom);
/* A client's request to a window manager (there is none in the VM but the agent). */
int agent_meta_client_message(struct agent *a, struct agent_window *w, XClientMessageEvent *ev);
