/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening a VM channel. Every Bulkhead protocol runs over one fd, and no component cares what
 * is behind it (ARCHITECTURE.md, "How bytes travel"). A channel is named by one string:
 *
 *   /dev/virtio-ports/org.bulkhead.qrexec.0   a character device (in a real VM): open O_RDWR
 *   /run/.../work.qrexec.sock                  a Unix stream socket (QEMU's host end, or a
 *                                              process VM's): connect
 *   fd:5                                       an inherited fd (socketpairs in tests)
 *
 * Programs take it as --channel SPEC.
 */
#pragma once

/* Returns an O_CLOEXEC fd, or -errno (-EINVAL for a malformed "fd:" spec). */
int channel_open(const char *spec);
/* Listen on a Unix stream socket at path (replacing a stale socket file), backlog 16. */
int channel_listen(const char *path);
