/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Window pixels in shared memory (GUI protocol 1.2, docs/gui-protocol.md): the file QEMU backs
 * the VM's ivshmem-plain device with, which `--shm PATH` names. guid maps it read-only, offers
 * its size in the handshake, and paints SHM_DAMAGE rectangles from the window buffers the agent
 * declared with SHM_BUFFER: with XShmPutImage when the host X server can map the file itself
 * (MIT-SHM 1.2), else with XPutImage from guid's mapping. Without the file, or when the agent
 * declines, the inline path (guid-paint.c) is all there is.
 *
 * Trust: buffers and rectangles are the VM's, checked in shm-region.c against the region's
 * size, which is guid's own (fstat of the file it opened). The region's contents are read only
 * as pixels, copied by the X server or Xlib; the VM may change them meanwhile, which can only
 * change what it shows in its own window.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guid.h"
#include "log.h"
#include "parse-agent.h"
#include "shm-region.h"
#include "x-shm-fd.h"

static int map_region(struct guid_shm *s, const char *path)
{
	struct stat st;
	const char *why;

	s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (s->fd < 0 || fstat(s->fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((why = gui_shm_region_check((uint64_t)st.st_size)))
		return log_warning_errno(EINVAL, "%s: %s", path, why);
	s->base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, s->fd, 0);
	if (s->base == MAP_FAILED) {
		s->base = NULL;
		return -errno;
	}
	s->size = (uint64_t)st.st_size;
	return 0;
}

/* After the display is open, before the sandbox. Any failure leaves the inline path. */
void guid_shm_init(struct guid *g)
{
	struct guid_shm *s = &g->shm;
	int r;

	s->fd = -1;
	if (!g->cfg->shm_path)
		return;
	if ((r = map_region(s, g->cfg->shm_path)) < 0) {
		log_warning_errno(r, "No shared pixels (%s: %m): inline only", g->cfg->shm_path);
		guid_shm_finish(g);
		return;
	}
	s->x_attached = x_shm_attach_fd(g->dpy, s->fd, (void *)s->base, true, &s->seg) == 0;
	log_info("Shared region of %" PRIu64 " MiB, painted with %s", s->size >> 20,
		 s->x_attached ? "XShmPutImage" : "XPutImage");
}

void guid_shm_finish(struct guid *g)
{
	struct guid_shm *s = &g->shm;

	if (s->x_attached)
		x_shm_detach(g->dpy, &s->seg);
	if (s->base)
		munmap((void *)s->base, s->size);
	if (s->fd >= 0)
		close(s->fd);
	*s = (struct guid_shm){ .fd = -1 };
}

/* Right after HELLO, when 1.2 was agreed: the region's size, or 0 to keep pixels inline. */
int guid_shm_offer(struct guid *g)
{
	struct gui_shm_offer offer = { .size = 0 };

	if (g->version < (GUI_PROTO_MAJOR << 16 | 2))
		return 0;
	if (g->shm.base)
		offer.size = (uint32_t)g->shm.size;
	g->shm.offered = offer.size != 0;
	return guid_send32(g, GUI_MSG_SHM_OFFER, 0, &offer, sizeof(offer));
}

int guid_shm_on_buffer(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	const char *why;

	if (!g->shm.offered)
		return log_error_errno(EPROTO,
				       "Protocol violation: shared buffer without a region");
	why = gui_shm_buffer_check(&m->u.shm_buffer, g->shm.size, &w->shm);
	if (why)
		return log_error_errno(EPROTO, "Protocol violation: %s (window 0x%x, %ux%u at %u)",
				       why, w->id, m->u.shm_buffer.w, m->u.shm_buffer.h,
				       m->u.shm_buffer.offset);
	return 0;
}

static void put_from_region(struct guid *g, struct guid_window *w, const struct gui_damage *d)
{
	XImage img;

	/* The whole buffer is the image; the rectangle is its source area. */
	guid_paint_image_init(g, &img, (char *)g->shm.base + w->shm.offset, w->shm.w, w->shm.h);
	if (g->shm.x_attached) {
		img.obdata = (char *)&g->shm.seg;
		XShmPutImage(g->dpy, w->content, g->painter.gc, &img, (int)d->x, (int)d->y,
			     (int)d->x, (int)d->y, d->w, d->h, False);
		g->painter.shm_pending = true; /* the ack waits for guid_paint_sync() */
		return;
	}
	XPutImage(g->dpy, w->content, g->painter.gc, &img, (int)d->x, (int)d->y, (int)d->x,
		  (int)d->y, d->w, d->h);
	XFlush(g->dpy);
}

int guid_shm_on_damage(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	const struct gui_damage *d = &m->u.damage.d;
	struct gui_ack ack = { .seq = d->seq };
	uint64_t first, span;
	const char *why = NULL;

	if (!g->shm.offered)
		why = "shared damage without a region";
	else if (!gui_damage_is_inside(d, w->vm.w, w->vm.h))
		why = "damage outside the window";
	else
		why = gui_shm_damage_span(&w->shm, d, &first, &span);
	if (why)
		return log_error_errno(EPROTO, "Protocol violation: %s (%ux%u+%u+%u, window 0x%x)",
				       why, d->w, d->h, d->x, d->y, w->id);
	put_from_region(g, w, d);
	return guid_send32(g, GUI_MSG_ACK, w->id, &ack, sizeof(ack));
}
