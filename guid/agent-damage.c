/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Damage: XDamage reports what changed in each redirected window; the agent keeps a few dirty
 * rectangles per window (merging when there are more), and sends their pixels only while the
 * window has credits, i.e. while guid has acknowledged enough of what was sent before. A
 * window that changes faster than guid paints is coalesced here, so neither side's memory
 * grows: the agent holds at most AGENT_MAX_RECTS rectangles per window and one capture buffer.
 *
 * Pixels are read from Composite's backing pixmap (no visibility rules, unlike a window) with
 * MIT-SHM into one shared segment and written from there, or with XGetImage without MIT-SHM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xcomposite.h>

#include "agent.h"
#include "log.h"

#define AGENT_STRIP_BYTES (1u << 20)
_Static_assert(AGENT_STRIP_BYTES <= GUI_DAMAGE_MAX_BYTES, "a strip fits a message");

int agent_damage_init(struct agent *a)
{
	if (!XDamageQueryExtension(a->dpy, &a->damage_event, &a->damage_error))
		return log_error_errno(ENOTSUP, "The VM's X server has no DAMAGE extension");
	if (!XShmQueryExtension(a->dpy))
		return 0;
	a->shm.shmid = shmget(IPC_PRIVATE, GUI_DAMAGE_MAX_BYTES, IPC_CREAT | 0600);
	if (a->shm.shmid < 0)
		return 0;
	a->shm.shmaddr = shmat(a->shm.shmid, NULL, 0);
	a->shm.readOnly = False;
	if (a->shm.shmaddr != (char *)-1 && XShmAttach(a->dpy, &a->shm)) {
		XSync(a->dpy, False);
		a->use_shm = true;
	}
	shmctl(a->shm.shmid, IPC_RMID, NULL);
	return 0;
}

void agent_damage_start(struct agent *a, struct agent_window *w)
{
	w->pixmap = XCompositeNameWindowPixmap(a->dpy, w->id);
	if (!w->damage)
		w->damage = XDamageCreate(a->dpy, w->id, XDamageReportRawRectangles);
	agent_damage_all(w);
}

void agent_damage_stop(struct agent *a, struct agent_window *w)
{
	if (w->pixmap)
		XFreePixmap(a->dpy, w->pixmap);
	if (w->damage)
		XDamageDestroy(a->dpy, w->damage);
	w->pixmap = None;
	w->damage = None;
	w->ndirty = 0;
	agent_shm_release(w);
}

static struct agent_rect rect_union(struct agent_rect p, struct agent_rect q)
{
	int x0 = MIN(p.x, q.x), y0 = MIN(p.y, q.y);
	int x1 = MAX(p.x + p.w, q.x + q.w), y1 = MAX(p.y + p.h, q.y + q.h);
	return (struct agent_rect){ x0, y0, x1 - x0, y1 - y0 };
}

static bool rects_touch(struct agent_rect p, struct agent_rect q)
{
	return p.x <= q.x + q.w && q.x <= p.x + p.w && p.y <= q.y + q.h && q.y <= p.y + p.h;
}

void agent_damage_add(struct agent_window *w, struct agent_rect r)
{
	for (int i = 0; i < w->ndirty; i++)
		if (rects_touch(w->dirty[i], r)) {
			w->dirty[i] = rect_union(w->dirty[i], r);
			return;
		}
	if (w->ndirty < AGENT_MAX_RECTS) {
		w->dirty[w->ndirty++] = r;
		return;
	}
	for (int i = 1; i < w->ndirty; i++)
		r = rect_union(r, w->dirty[i]);
	w->dirty[0] = rect_union(r, w->dirty[0]);
	w->ndirty = 1;
}

void agent_damage_all(struct agent_window *w)
{
	w->ndirty = 0;
	agent_damage_add(w, (struct agent_rect){ 0, 0, w->w, w->h });
}

static bool rect_contains(struct agent_rect outer, struct agent_rect r)
{
	return r.x >= outer.x && r.y >= outer.y && r.x + r.w <= outer.x + outer.w &&
	       r.y + r.h <= outer.y + outer.h;
}

void agent_damage_capturing(struct agent *a, struct agent_window *w, struct agent_rect r)
{
	w->captured_serial = NextRequest(a->dpy);
	w->captured = r;
}

/* An event's serial is the last of the agent's requests the server had processed when it
 * reported the damage. Below the capture's serial, the drawing happened before the capture
 * read those pixels: sending them again would only repeat a frame guid already has. This is
 * what happens whenever a program draws while the agent waits for its capture: Xlib queues
 * the damage events that arrive ahead of the reply. */
static bool already_captured(const struct agent_window *w, const XDamageNotifyEvent *d,
			     struct agent_rect r)
{
	return d->serial < w->captured_serial && rect_contains(w->captured, r);
}

void agent_damage_event(struct agent *a, XEvent *ev)
{
	XDamageNotifyEvent *d = (XDamageNotifyEvent *)ev;
	struct agent_window *w = agent_window_get(a, d->drawable);
	struct agent_rect r = { d->area.x, d->area.y, d->area.width, d->area.height };

	if (!w || !w->mapped || already_captured(w, d, r))
		return;
	agent_damage_add(w, r);
}

/* The rectangle clipped to what guid accepts: inside the window, within the size limits. */
static bool clip(const struct agent_window *w, struct agent_rect *r)
{
	int ww = MIN(w->w, GUI_MAX_WIDTH), wh = MIN(w->h, GUI_MAX_HEIGHT);
	int x0 = MAX(r->x, 0), y0 = MAX(r->y, 0);
	int x1 = MIN(r->x + r->w, ww), y1 = MIN(r->y + r->h, wh);

	*r = (struct agent_rect){ x0, y0, x1 - x0, y1 - y0 };
	return r->w > 0 && r->h > 0;
}

static XImage *capture(struct agent *a, struct agent_window *w, struct agent_rect r)
{
	int x = r.x + w->bw, y = r.y + w->bw;

	agent_damage_capturing(a, w, r);
	if (!a->use_shm)
		return XGetImage(a->dpy, w->pixmap, x, y, r.w, r.h, AllPlanes, ZPixmap);
	XImage *img = XShmCreateImage(a->dpy, w->visual, w->depth, ZPixmap, a->shm.shmaddr, &a->shm,
				      r.w, r.h);
	if (img && !XShmGetImage(a->dpy, w->pixmap, img, x, y, AllPlanes)) {
		img->data = NULL;
		XDestroyImage(img);
		return NULL;
	}
	return img;
}

static void image_free(struct agent *a, XImage *img)
{
	if (a->use_shm)
		img->data = NULL; /* the shared segment is not the image's to free */
	XDestroyImage(img);
}

/* Send a captured chunk as strips of about AGENT_STRIP_BYTES, one credit each: guid paints
 * one strip while the next crosses the channel, so a large update arrives sooner than as one
 * message, without capturing more often. */
static int send_strips(struct agent *a, struct agent_window *w, struct agent_rect r,
		       const char *pixels, int strip_rows)
{
	for (int done = 0; done < r.h;) {
		int h = MIN(r.h - done, strip_rows);
		struct gui_damage d = { r.x, r.y + done, r.w, h, ++w->seq };
		int ret =
			agent_send_damage(a, (uint32_t)w->id, &d, pixels + (size_t)done * r.w * 4);
		if (ret < 0)
			return ret;
		w->credits--;
		done += h;
	}
	return 0;
}

/* One capture of as many rows as the credits can carry, sent as strips. 1 if nothing could be
 * captured (the window went away under us, its destroy event follows; or an unusable pixel
 * format): the caller drops the rectangle, no credit spent. */
static int send_chunk(struct agent *a, struct agent_window *w, struct agent_rect r, int strip_rows)
{
	XImage *img = capture(a, w, r);
	int ret = 1;

	if (!img) {
		w->captured_serial = 0; /* nothing read: no damage may be taken as captured */
		return 1;
	}
	if (img->bits_per_pixel == 32 && img->bytes_per_line == r.w * 4)
		ret = send_strips(a, w, r, img->data, strip_rows);
	else
		log_debug("Window 0x%lx: unsupported pixel format (%d bpp)", w->id,
			  img->bits_per_pixel);
	image_free(a, img);
	return ret;
}

/* Send as much of the first dirty rectangle as credits allow; keep the rest dirty. */
static int send_rect(struct agent *a, struct agent_window *w, struct agent_rect *r)
{
	size_t row_bytes = (size_t)r->w * 4;
	int strip_rows = (int)MAX(AGENT_STRIP_BYTES / row_bytes, (size_t)1);
	int max_rows = (int)(GUI_DAMAGE_MAX_BYTES / row_bytes); /* the capture buffer */

	while (r->h > 0 && w->credits > 0) {
		int rows = MIN(MIN(r->h, max_rows), (int)w->credits * strip_rows);
		struct agent_rect chunk = { r->x, r->y, r->w, rows };
		int ret = send_chunk(a, w, chunk, strip_rows);
		if (ret < 0)
			return ret;
		if (ret > 0)
			rows = r->h;
		r->y += rows, r->h -= rows;
	}
	return 0;
}

/* Through the shared region the whole rectangle is one message, one credit. */
static int send_shared(struct agent *a, struct agent_window *w, struct agent_rect *r)
{
	int ret = agent_shm_send_rect(a, w, *r);

	r->h = 0;
	return ret < 0 ? ret : 0;
}

static int flush_window(struct agent *a, struct agent_window *w)
{
	int shared = 0;

	if (w->ndirty > 0 && w->credits > 0)
		shared = agent_shm_prepare(a, w, (uint32_t)MIN(w->w, GUI_MAX_WIDTH),
					   (uint32_t)MIN(w->h, GUI_MAX_HEIGHT));
	if (shared < 0)
		return shared;
	while (w->ndirty > 0 && w->credits > 0) {
		struct agent_rect *r = &w->dirty[0];
		int ret;

		if (!clip(w, r)) {
			w->dirty[0] = w->dirty[--w->ndirty];
			continue;
		}
		if ((ret = shared ? send_shared(a, w, r) : send_rect(a, w, r)) < 0)
			return ret;
		if (r->h == 0)
			w->dirty[0] = w->dirty[--w->ndirty];
	}
	return 0;
}

int agent_damage_flush(struct agent *a)
{
	for (struct agent_window *w = a->windows; w; w = w->next) {
		if (!w->mapped || !w->pixmap)
			continue;
		int r = flush_window(a, w);
		if (r < 0)
			return log_error_errno(r, "Sending damage: %m");
	}
	return 0;
}
