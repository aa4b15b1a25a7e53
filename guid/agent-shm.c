/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Window pixels through shared memory (GUI protocol 1.2): the VM's ivshmem-plain device, whose
 * BAR 2 is memory the host's guid maps too. `--shm auto` finds the device in sysfs (its
 * resource2 file, which the guest init made the user's), `--shm PATH` names a file (tests),
 * `--shm none` keeps pixels inline. The agent gives the VM's X server the region (MIT-SHM 1.2
 * AttachFd), places one buffer per mapped window in it (first fit, page-aligned), and captures
 * damaged rows straight into the window's buffer with XShmGetImage: the damage message then
 * carries only the rectangle. A window whose buffer does not fit, or a guid that offered no
 * region of the same size, gets its pixels inline as before.
 *
 * Trust: guid's offer is only a size, compared with the region's own; nothing else from the
 * host decides where the agent writes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "shm-region.h"
#include "x-shm-fd.h"

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110

static bool sysfs_hex_is(const char *dir, const char *file, unsigned long want)
{
	char path[512], buf[32] = { 0 };
	int fd;
	ssize_t k;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return k > 0 && strtoul(buf, NULL, 16) == want;
}

/* BAR 2 of a device dir, write-combined where the kernel offers it. */
static int open_bar2(const char *dir)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/resource2_wc", dir);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(path, sizeof(path), "%s/resource2", dir);
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/* The first ivshmem device's BAR 2, -ENODEV if the VM has none. */
static int open_ivshmem(void)
{
	static const char devices[] = "/sys/bus/pci/devices";
	DIR *d = opendir(devices);
	struct dirent *e;
	char dir[512];
	int fd = -ENODEV;

	while (d && fd == -ENODEV && (e = readdir(d))) {
		snprintf(dir, sizeof(dir), "%s/%s", devices, e->d_name);
		if (e->d_name[0] != '.' && sysfs_hex_is(dir, "vendor", IVSHMEM_VENDOR) &&
		    sysfs_hex_is(dir, "device", IVSHMEM_DEVICE))
			fd = open_bar2(dir);
	}
	if (d)
		closedir(d);
	return fd;
}

static int map_region(struct agent *a, int fd)
{
	struct agent_region *s = &a->region;
	struct stat st;
	const char *why;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((why = gui_shm_region_check((uint64_t)st.st_size)))
		return log_warning_errno(EINVAL, "Shared region: %s", why);
	s->base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (s->base == MAP_FAILED) {
		s->base = NULL;
		return -errno;
	}
	s->size = (uint64_t)st.st_size;
	if (x_shm_attach_fd(a->dpy, fd, s->base, false, &s->seg) < 0)
		return log_warning_errno(ENOTSUP, "The VM's X server cannot map the shared region");
	return 0;
}

int agent_shm_init(struct agent *a, const char *spec)
{
	int fd, r;

	if (!spec || strcmp(spec, "none") == 0)
		return 0;
	fd = strcmp(spec, "auto") == 0 ? open_ivshmem() : open(spec, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (fd != -ENODEV)
			log_warning_errno(fd, "No shared region (%s: %m): pixels inline", spec);
		return 0;
	}
	r = map_region(a, fd);
	close(fd); /* the mapping and the X server's copy stay */
	if (r < 0)
		agent_shm_finish(a);
	return 0;
}

void agent_shm_finish(struct agent *a)
{
	struct agent_region *s = &a->region;

	x_shm_detach(a->dpy, &s->seg);
	if (s->base)
		munmap(s->base, s->size);
	*s = (struct agent_region){ 0 };
}

/* guid's SHM_OFFER: use the region only if guid maps one of the same size. */
void agent_shm_offered(struct agent *a, uint32_t size)
{
	a->region.active = a->region.base && size == a->region.size;
	if (a->region.active)
		log_info("Window pixels through the shared region (%" PRIu64 " MiB)",
			 a->region.size >> 20);
	else if (a->region.base)
		log_info("guid offers no shared region of %" PRIu64 " MiB: pixels inline",
			 a->region.size >> 20);
}

static uint64_t buffer_len(const struct gui_shm_buffer *b)
{
	uint64_t len = (uint64_t)b->w * b->h * 4;
	return (len + GUI_SHM_ALIGN - 1) / GUI_SHM_ALIGN * GUI_SHM_ALIGN;
}

static bool overlaps_any(struct agent *a, uint64_t off, uint64_t len)
{
	for (struct agent_window *w = a->windows; w; w = w->next) {
		if (gui_shm_buffer_is_empty(&w->buf))
			continue;
		if (off < w->buf.offset + buffer_len(&w->buf) && w->buf.offset < off + len)
			return true;
	}
	return false;
}

/* First fit: the region's start or the end of a buffer, wherever len bytes are free. */
static bool place(struct agent *a, uint64_t len, uint32_t *ret)
{
	if (len <= a->region.size && !overlaps_any(a, 0, len))
		return *ret = 0, true;
	for (struct agent_window *w = a->windows; w; w = w->next) {
		uint64_t off = w->buf.offset + buffer_len(&w->buf);
		if (gui_shm_buffer_is_empty(&w->buf) || off + len > a->region.size)
			continue;
		if (!overlaps_any(a, off, len))
			return *ret = (uint32_t)off, true;
	}
	return false;
}

static int send_buffer(struct agent *a, struct agent_window *w)
{
	w->buf_sent = !gui_shm_buffer_is_empty(&w->buf);
	return agent_send32(a, GUI_MSG_SHM_BUFFER, (uint32_t)w->id, &w->buf, sizeof(w->buf));
}

/* 1 if w's pixels go through the region (its buffer fits its size now, guid knows where), 0
 * if inline, -errno. */
int agent_shm_prepare(struct agent *a, struct agent_window *w, uint32_t width, uint32_t height)
{
	struct gui_shm_buffer want = { 0, width, height };
	uint32_t off;

	if (!a->region.active)
		return 0;
	if (w->buf.w == width && w->buf.h == height && w->buf_sent)
		return 1;
	w->buf = (struct gui_shm_buffer){ 0 };
	if (!place(a, buffer_len(&want), &off)) {
		log_debug("Window 0x%lx: no room in the shared region, pixels inline", w->id);
		return w->buf_sent ? send_buffer(a, w) : 0;
	}
	want.offset = off;
	w->buf = want;
	int r = send_buffer(a, w);
	return r < 0 ? r : 1;
}

/* The window is unmapped or gone: its buffer is free again, and guid is told anew next time. */
void agent_shm_release(struct agent_window *w)
{
	w->buf = (struct gui_shm_buffer){ 0 };
	w->buf_sent = false;
}

/* Capture whole rows (XShmGetImage has no stride: a full-width band lands where the window's
 * buffer keeps those rows) and send the rectangle. 1 if nothing could be captured. */
int agent_shm_send_rect(struct agent *a, struct agent_window *w, struct agent_rect r)
{
	char *rows = (char *)a->region.base + w->buf.offset + (size_t)r.y * w->buf.w * 4;
	XImage *img = XShmCreateImage(a->dpy, w->visual, w->depth, ZPixmap, rows, &a->region.seg,
				      w->buf.w, (unsigned)r.h);
	bool got;

	agent_damage_capturing(a, w, (struct agent_rect){ 0, r.y, (int)w->buf.w, r.h });
	got = img && img->bits_per_pixel == 32 && img->bytes_per_line == (int)w->buf.w * 4 &&
	      XShmGetImage(a->dpy, w->pixmap, img, w->bw, r.y + w->bw, AllPlanes);

	if (img) {
		img->data = NULL; /* the region is not the image's to free */
		XDestroyImage(img);
	}
	if (!got) {
		w->captured_serial = 0; /* nothing read: no damage may be taken as captured */
		return 1;
	}
	struct gui_damage d = { r.x, r.y, r.w, r.h, ++w->seq };
	w->credits--;
	return agent_send32(a, GUI_MSG_SHM_DAMAGE, (uint32_t)w->id, &d, sizeof(d));
}
