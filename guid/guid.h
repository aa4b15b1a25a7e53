/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guid's private header: the daemon's state, shared by its files (one per concern: main loop,
 * dispatch, window table, window handlers, painter, decoration, input, clipboard keys, output
 * queue). One guid serves one VM; everything here belongs to that VM only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <X11/Xlib.h>
#include <X11/Xresource.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>

#include "clipboard.h"
#include "gui-proto.h"
#include "msg.h"

/* Width of the trusted frame guid draws around every window's content. */
#define GUID_FRAME 2
/* A VM whose unread output from guid exceeds this has stopped reading: drop it. */
#define GUID_OUTQ_MAX (1u << 20)

struct guid_config {
	const char *domain;
	const char *label;
	const char *display;
	const char *channel;
	bool allow_fullscreen;
	int ready_fd; /* --ready-fd: told "ready" once the agent's handshake is done, or -1 */
	const char *shm_path; /* --shm: the file behind the VM's ivshmem region, or NULL */
};

struct guid_window {
	uint32_t id;
	Window frame;		/* host top-level, painted in the label colour */
	Window content;		/* child at (GUID_FRAME, GUID_FRAME): the only place VM pixels go */
	struct gui_rect vm;	/* the content's geometry as the VM last set it (validated) */
	struct gui_rect host;	/* the content's geometry on the host as guid last knew it */
	bool override_redirect; /* as the host sees it (after demotion) */
	bool mapped;
	uint32_t flags;			/* GUI_FLAG_* */
	unsigned long configure_serial; /* request that last moved/resized the frame */
	struct gui_shm_buffer shm;	/* checked against the region; empty: pixels inline */
};

struct guid_table {
	struct guid_window **slots; /* open addressing on id, tombstones as TOMBSTONE */
	size_t cap, count, used;
};

struct guid_outq {
	uint8_t *buf;
	size_t len, cap;
	bool wipe; /* holds clipboard data: zero what has been written */
};

/* Copies asked of the agent and not yet answered, at most (more Ctrl+Shift+C are ignored). */
#define GUID_COPIES_PENDING_MAX 4

struct guid_clipboard {
	struct clipboard_limits limits;
	char *store_dir;     /* <runtime>/clipboard */
	char *policy_socket; /* <runtime>/policy.sock */
	struct notifier *notifier;
	unsigned copies_pending;
	/* A paste waiting for the policy daemon: its socket (-1 when none), when it started
	 * (CLOCK_MONOTONIC), and the entry the query is about. */
	int policy_fd;
	uint64_t paste_started_usec;
	struct clipboard_entry paste;
};

struct guid_painter {
	bool use_shm;
	bool shm_pending; /* XShmPutImage sent, not yet known to be done */
	XShmSegmentInfo shm;
	GC gc;
};

/* The VM's shared region of window pixels (guid-shm.c), mapped read-only. */
struct guid_shm {
	int fd;
	const uint8_t *base; /* NULL: no region, pixels inline */
	uint64_t size;
	bool offered;	 /* the agent was told the size (1.2): it may send SHM_* messages */
	bool x_attached; /* the host X server maps the file too: XShmPutImage from it */
	XShmSegmentInfo seg;
};

struct guid {
	const struct guid_config *cfg;
	Display *dpy;
	int screen;
	Window root;
	Visual *visual;
	int depth;
	uint32_t screen_w, screen_h;
	unsigned long label_pixel;
	char label_hex[8]; /* "#rrggbb" */
	XContext ctx;	   /* host Window -> struct guid_window */
	struct guid_table table;
	struct guid_painter painter;
	struct guid_shm shm;
	Cursor cursors[GUI_CURSOR_FONT_GLYPHS];
	uint32_t cursor_shape;
	int chan;
	int ready_fd; /* the config's --ready-fd until the handshake, then -1 */
	struct msg_reader reader;
	struct guid_outq outq;
	bool handshake_done;
	uint32_t version; /* agreed in the handshake */
	struct guid_clipboard clip;
	uint8_t consumed_keys[32]; /* keycodes whose press guid kept for itself */
	struct {
		Atom wm_protocols, wm_delete, net_wm_name, utf8_string, vmname, label, net_state,
			state_fullscreen, state_max_v, state_max_h, net_pid;
	} atom;
};

/* guid-table.c */
int guid_table_init(struct guid_table *t);
void guid_table_finish(struct guid_table *t);
struct guid_window *guid_table_get(const struct guid_table *t, uint32_t id);
int guid_table_add(struct guid_table *t, struct guid_window *w);
void guid_table_remove(struct guid_table *t, uint32_t id);

/* guid-outq.c: everything guid sends goes through here, never a blocking write. */
int guid_send(struct guid *g, uint32_t type, uint32_t id, const void *payload, size_t len);
/* The same for a payload made only of 32-bit fields, converted to little-endian. */
int guid_send32(struct guid *g, uint32_t type, uint32_t id, const void *payload, size_t len);
/* A clipboard paste: a header and up to GUI_CLIPBOARD_MAX bytes, allowed past GUID_OUTQ_MAX
 * (a VM that is reading takes it at once), and zeroed in the queue once written. */
int guid_send_clipboard(struct guid *g, uint32_t type, const struct gui_clipboard *head,
			const void *data, size_t len);
int guid_outq_flush(struct guid *g);
bool guid_outq_pending(const struct guid *g);

/* guid-deco.c */
int guid_deco_init(struct guid *g);
Window guid_deco_create_frame(struct guid *g, struct guid_window *w);
void guid_deco_set_title(struct guid *g, struct guid_window *w, const char *sane_title);
void guid_deco_set_state(struct guid *g, struct guid_window *w);

/* guid-window.c: handlers of validated window messages. */
struct gui_agent_msg;
int guid_window_handle(struct guid *g, const struct gui_agent_msg *m);
void guid_window_destroy_all(struct guid *g);
void guid_window_host_configured(struct guid *g, struct guid_window *w, const XConfigureEvent *ev);

/* guid-paint.c */
int guid_painter_init(struct guid *g);
void guid_painter_finish(struct guid *g);
int guid_paint_damage(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m);
/* An XImage over w x h pixels of the wire format at data (no copy). */
void guid_paint_image_init(struct guid *g, XImage *img, char *data, uint32_t w, uint32_t h);
/* Wait until the X server has read every MIT-SHM image sent: before reading into the buffer
 * again, and before the acks of those images leave. */
void guid_paint_sync(struct guid *g);
/* The VM's pointer shape (GUI_CURSOR_*), on one window or (w NULL) on all of them. */
void guid_paint_set_cursor(struct guid *g, struct guid_window *w, uint32_t shape);
void guid_paint_cursor_window(struct guid *g, struct guid_window *w);

/* guid-shm.c: pixels in the VM's shared region (protocol 1.2). */
void guid_shm_init(struct guid *g);
void guid_shm_finish(struct guid *g);
int guid_shm_offer(struct guid *g);
int guid_shm_on_buffer(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m);
int guid_shm_on_damage(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m);

/* guid-input.c: host X events for our windows. */
int guid_input_handle(struct guid *g, XEvent *ev);

/* guid-clipboard.c: the inter-VM clipboard (GUI-AND-CLIPBOARD.md), the copy half. */
int guid_clipboard_init(struct guid *g);
void guid_clipboard_finish(struct guid *g);
int guid_clipboard_copy_requested(struct guid *g, struct guid_window *w);
int guid_clipboard_data(struct guid *g, const struct gui_agent_msg *m);
/* A desktop notification (rate-limited, never waited for); failures are a debug line. */
void guid_clipboard_notify(struct guid *g, const char *summary, const char *body);
bool guid_clipboard_supported(struct guid *g);

/* guid-paste.c: the paste half, through a bulkhead.ClipboardPaste policy query. */
int guid_clipboard_paste_requested(struct guid *g, struct guid_window *w);
/* The policy daemon answered (its socket is readable). */
int guid_clipboard_policy_readable(struct guid *g);

/* guid-dispatch.c */
int guid_dispatch(struct guid *g, const struct msg *untrusted);
