/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Message I/O of the print filter on its links (docs/qrexec-protocol.md, "Links"): one to the
 * caller's daemon (an inherited socket), one it makes to the target's daemon. Both peers are
 * host daemons, but the data they relay is a VM's: the reader's size bound holds for every
 * message, and the filter checks each type it accepts.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "filter-link.h"
#include "macro.h"
#include "qrexec.h"
#include "strutil.h"

int flink_init(struct flink *l, int fd)
{
	l->fd = fd;
	return msg_reader_init(&l->rd, QREXEC_MSG_MAX);
}

void flink_finish(struct flink *l)
{
	l->fd = safe_close(l->fd);
	msg_reader_finish(&l->rd);
}

int flink_next(struct flink *l, struct msg *m, int timeout_ms)
{
	for (;;) {
		int k = msg_reader_next(&l->rd, m);
		if (k != 0)
			return k < 0 ? k : 1;
		struct pollfd p = { l->fd, POLLIN, 0 };
		int r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ETIMEDOUT;
		ssize_t n = msg_reader_fill(&l->rd, l->fd);
		if (n == 0)
			return msg_reader_pending(&l->rd) ? -EPIPE : 0;
		if (n < 0 && n != -EAGAIN && n != -EINTR)
			return (int)n;
	}
}

int flink_send(struct flink *l, uint32_t type, const void *payload, size_t len)
{
	return msg_write(l->fd, type, 0, payload, len);
}

int flink_send_window(struct flink *l, uint32_t bytes)
{
	struct qrexec_window w = { htole32(bytes) };
	return flink_send(l, QREXEC_MSG_WINDOW, &w, sizeof(w));
}

int flink_send_exit(struct flink *l, int status)
{
	struct qrexec_exit e = { (int32_t)htole32((uint32_t)status) };
	return flink_send(l, QREXEC_MSG_EXIT, &e, sizeof(e));
}

int flink_send_stdin(struct flink *l, int fd, uint32_t *credit, bool *sent_eof)
{
	static uint8_t buf[64 * 1024];

	while (!*sent_eof && *credit > 0) {
		ssize_t n = read(fd, buf, MIN(sizeof(buf), (size_t)*credit));
		if (n < 0)
			return -errno;
		if (flink_send(l, QREXEC_MSG_DATA_STDIN, buf, (size_t)n) < 0)
			return -EPIPE;
		*credit -= (uint32_t)n;
		*sent_eof = n == 0;
	}
	return 0;
}

int flink_connect(struct flink *l, const char *runtime_dir, const char *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (str_printf(sa.sun_path, sizeof(sa.sun_path), "%s/qrexec/%s.sock", runtime_dir, vm) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return flink_init(l, TAKE_FD(fd));
}
