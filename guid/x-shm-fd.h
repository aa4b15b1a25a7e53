/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIT-SHM 1.2's AttachFd for Xlib programs (libXext has no call for it): the X server maps a
 * file the caller passes, here the shared region of window pixels, so XShmGetImage and
 * XShmPutImage work on it without a SysV segment. Used by guid and by the gui-agent.
 */
#pragma once

#include <stdbool.h>
#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>

/* Attach size bytes of fd (kept open by the caller; the server gets a duplicate) mapped at
 * addr in this process; *shm is then ready for XShm*Image with image data inside
 * [addr, addr + size). 0, or -ENOTSUP when the server cannot (no MIT-SHM 1.2, a remote
 * display, a refused mapping). */
int x_shm_attach_fd(Display *dpy, int fd, void *addr, bool read_only, XShmSegmentInfo *shm);
void x_shm_detach(Display *dpy, XShmSegmentInfo *shm);
