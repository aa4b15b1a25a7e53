/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <X11/Xlib-xcb.h>
#include <xcb/shm.h>

#include "x-shm-fd.h"

static bool server_has_attach_fd(xcb_connection_t *c)
{
	xcb_shm_query_version_reply_t *v =
		xcb_shm_query_version_reply(c, xcb_shm_query_version(c), NULL);
	bool ok = v && (v->major_version > 1 || (v->major_version == 1 && v->minor_version >= 2));

	free(v);
	return ok;
}

int x_shm_attach_fd(Display *dpy, int fd, void *addr, bool read_only, XShmSegmentInfo *shm)
{
	xcb_connection_t *c = XGetXCBConnection(dpy);
	xcb_generic_error_t *err;
	int dup = -1;

	if (!XShmQueryExtension(dpy) || !server_has_attach_fd(c))
		return -ENOTSUP;
	/* xcb closes the fd it sends. */
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return -errno;
	XSync(dpy, False); /* Xlib's queue out before xcb's request */
	*shm = (XShmSegmentInfo){
		.shmseg = xcb_generate_id(c), .shmid = -1, .shmaddr = addr, .readOnly = read_only
	};
	err = xcb_request_check(
		c, xcb_shm_attach_fd_checked(c, (xcb_shm_seg_t)shm->shmseg, dup, read_only));
	if (!err)
		return 0;
	free(err);
	shm->shmseg = 0;
	return -ENOTSUP;
}

void x_shm_detach(Display *dpy, XShmSegmentInfo *shm)
{
	if (shm->shmseg)
		XShmDetach(dpy, shm);
	shm->shmseg = 0;
}
