/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Painting a VM's damage into its host windows, and its pointer shape.
 *
 * Trust: the damage message was checked by parse-agent.c (length == w*h*4); here, with the
 * window table at hand, the rectangle must also lie inside the window the VM named, else it is
 * a protocol violation. Pixels only ever go into the content child window, never the frame.
 *
 * Speed: when the host display takes MIT-SHM, the channel's read buffer itself is a shared
 * segment, so a damage message's pixels are read from the VM straight into memory the X server
 * reads with XShmPutImage: no copy in guid. Small rectangles (and displays without MIT-SHM) go
 * with XPutImage straight from the message. The acks that let the agent send more leave only
 * after the server has the pixels (guid_paint_sync(), once per batch of messages read, before
 * the buffer is read into again): the per-window flow control that bounds both sides' memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/cursorfont.h>

#include "guid.h"
#include "log.h"
#include "parse-agent.h"

/* Below this many bytes XPutImage's copy into the request is cheaper than a round trip. */
#define SHM_THRESHOLD (64u << 10)

static bool shm_attach_failed;

static int shm_error_handler(Display *dpy, XErrorEvent *ev)
{
	shm_attach_failed = true;
	return 0;
}

/* A segment of the reader's size, attached by the X server; NULL if MIT-SHM is not usable
 * (a remote display, or no extension). */
static char *shm_create(struct guid *g, XShmSegmentInfo *shm, size_t size)
{
	int (*old)(Display *, XErrorEvent *);

	if (!XShmQueryExtension(g->dpy))
		return NULL;
	shm->shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (shm->shmid < 0)
		return NULL;
	shm->shmaddr = shmat(shm->shmid, NULL, 0);
	shm->readOnly = True;
	shmctl(shm->shmid, IPC_RMID, NULL); /* freed when both sides detach */
	if (shm->shmaddr == (char *)-1)
		return NULL;
	XSync(g->dpy, False);
	shm_attach_failed = false;
	old = XSetErrorHandler(shm_error_handler);
	XShmAttach(g->dpy, shm);
	XSync(g->dpy, False);
	XSetErrorHandler(old);
	if (!shm_attach_failed)
		return shm->shmaddr;
	shmdt(shm->shmaddr);
	return NULL;
}

/* msg_reader's buffer is a plain field: swap it for the segment (same capacity, still empty). */
static void painter_try_shm(struct guid *g)
{
	char *seg = shm_create(g, &g->painter.shm, g->reader.cap);

	if (!seg || g->reader.end != 0)
		return;
	free(g->reader.buf);
	g->reader.buf = (uint8_t *)seg;
	g->painter.use_shm = true;
}

/* The wire format is 32-bit 0x00RRGGBB; the host visual must be the same (any TrueColor
 * depth-24/32 screen on a little-endian server is). */
static int check_visual(struct guid *g)
{
	Visual *v = g->visual;

	if (v->class != TrueColor || v->red_mask != 0xff0000 || v->green_mask != 0xff00 ||
	    v->blue_mask != 0xff || (g->depth != 24 && g->depth != 32) ||
	    ImageByteOrder(g->dpy) != LSBFirst)
		return log_error_errno(ENOTSUP, "The host display needs a 24-bit TrueColor visual");
	return 0;
}

int guid_painter_init(struct guid *g)
{
	int r = check_visual(g);

	if (r < 0)
		return r;
	g->painter.gc = XCreateGC(g->dpy, g->root, 0, NULL);
	g->cursor_shape = GUI_CURSOR_DEFAULT;
	painter_try_shm(g);
	log_debug("Painting with %s", g->painter.use_shm ? "MIT-SHM" : "XPutImage");
	return 0;
}

void guid_painter_finish(struct guid *g)
{
	if (g->painter.gc)
		XFreeGC(g->dpy, g->painter.gc);
	if (g->painter.use_shm) {
		XShmDetach(g->dpy, &g->painter.shm);
		shmdt(g->painter.shm.shmaddr);
		g->reader.buf = NULL; /* it was the segment: not msg_reader_finish()'s to free */
	}
}

void guid_paint_image_init(struct guid *g, XImage *img, char *data, uint32_t w, uint32_t h)
{
	*img = (XImage){
		.width = (int)w,
		.height = (int)h,
		.format = ZPixmap,
		.data = data,
		.byte_order = LSBFirst,
		.bitmap_unit = 32,
		.bitmap_bit_order = LSBFirst,
		.bitmap_pad = 32,
		.depth = g->depth,
		.bytes_per_line = (int)w * 4,
		.bits_per_pixel = 32,
		.red_mask = 0xff0000,
		.green_mask = 0xff00,
		.blue_mask = 0xff,
	};
	XInitImage(img);
}

static void put_pixels(struct guid *g, Window dst, const struct gui_damage *d,
		       const uint8_t *pixels)
{
	size_t bytes = (size_t)d->w * d->h * 4;
	XImage img;

	if (g->painter.use_shm && bytes >= SHM_THRESHOLD) {
		/* pixels point into the reader's buffer, which is the segment. */
		guid_paint_image_init(g, &img, (char *)pixels, d->w, d->h);
		img.obdata = (char *)&g->painter.shm;
		XShmPutImage(g->dpy, dst, g->painter.gc, &img, 0, 0, (int)d->x, (int)d->y, d->w,
			     d->h, False);
		g->painter.shm_pending = true; /* guid_paint_sync() before the buffer is reused */
		return;
	}
	guid_paint_image_init(g, &img, (char *)pixels, d->w, d->h);
	XPutImage(g->dpy, dst, g->painter.gc, &img, 0, 0, (int)d->x, (int)d->y, d->w, d->h);
	XFlush(g->dpy);
}

int guid_paint_damage(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	const struct gui_damage *d = &m->u.damage.d;
	struct gui_ack ack = { .seq = d->seq };

	if (!gui_damage_is_inside(d, w->vm.w, w->vm.h))
		return log_error_errno(EPROTO,
				       "Protocol violation: damage %ux%u+%u+%u outside window "
				       "0x%x (%ux%u)",
				       d->w, d->h, d->x, d->y, w->id, w->vm.w, w->vm.h);
	put_pixels(g, w->content, d, m->u.damage.pixels);
	return guid_send32(g, GUI_MSG_ACK, w->id, &ack, sizeof(ack));
}

void guid_paint_sync(struct guid *g)
{
	if (!g->painter.shm_pending)
		return;
	XSync(g->dpy, False);
	g->painter.shm_pending = false;
}

static Cursor cursor_for(struct guid *g, uint32_t shape)
{
	if (shape == GUI_CURSOR_DEFAULT)
		return None; /* the parent's: the host's default pointer */
	if (!g->cursors[shape])
		g->cursors[shape] = XCreateFontCursor(g->dpy, shape);
	return g->cursors[shape];
}

void guid_paint_cursor_window(struct guid *g, struct guid_window *w)
{
	XDefineCursor(g->dpy, w->content, cursor_for(g, g->cursor_shape));
}

void guid_paint_set_cursor(struct guid *g, struct guid_window *w, uint32_t shape)
{
	g->cursor_shape = shape;
	if (w) {
		guid_paint_cursor_window(g, w);
		return;
	}
	for (size_t i = 0; i < g->table.cap; i++) {
		struct guid_window *x = g->table.slots[i];
		if (x && x != (struct guid_window *)1)
			guid_paint_cursor_window(g, x);
	}
}
