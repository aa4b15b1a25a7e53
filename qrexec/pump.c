/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the messages handed to pump_on_message come from the other end of a call, through the
 * host. The pump checks that data arrive only within the window it granted and only on the
 * streams its role receives; anything else is -EBADMSG for the caller to act on.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "pump.h"
#include "qrexec-proto.h"

/* Grant credit back in batches, so a stream of small writes does not become a stream of
 * WINDOW messages. */
#define GRANT_BATCH (QREXEC_WINDOW / 8)

static uint8_t pump_buf[QREXEC_DATA_MAX];

void pump_init(struct pump *p, bool service, pump_send_fn send, void *ctx)
{
	*p = (struct pump){ .service = service, .send = send, .ctx = ctx };
	p->src[0] = p->src[1] = p->dst[0] = p->dst[1] = -1;
	p->credit = p->inflight = QREXEC_WINDOW;
}

void pump_set_src(struct pump *p, int i, int fd, bool is_socket)
{
	p->src[i] = fd;
	p->src_sock[i] = is_socket;
}

void pump_set_dst(struct pump *p, int i, int fd, bool is_socket)
{
	p->dst[i] = fd;
	p->dst_sock[i] = is_socket;
}

/* A socket shared by src and dst (a socket service) ends its write side with shutdown. */
static void dst_close(struct pump *p, int i)
{
	if (p->dst[i] < 0)
		return;
	if (p->dst_sock[i])
		shutdown(p->dst[i], SHUT_WR);
	p->dst[i] = safe_close(p->dst[i]);
	outq_finish(&p->q[i]);
}

void pump_abort(struct pump *p)
{
	for (int i = 0; i < 2; i++) {
		p->src[i] = safe_close(p->src[i]);
		dst_close(p, i);
	}
}

void pump_finish(struct pump *p)
{
	pump_abort(p);
}

short pump_src_events(const struct pump *p, int i)
{
	return p->src[i] >= 0 && p->credit > 0 ? POLLIN : 0;
}

short pump_dst_events(const struct pump *p, int i)
{
	return p->dst[i] >= 0 && !outq_empty(&p->q[i]) ? POLLOUT : 0;
}

static uint32_t src_type(const struct pump *p, int i)
{
	if (!p->service)
		return QREXEC_MSG_DATA_STDIN;
	return i == 0 ? QREXEC_MSG_DATA_STDOUT : QREXEC_MSG_DATA_STDERR;
}

static ssize_t src_read(struct pump *p, int i, size_t n)
{
	for (;;) {
		ssize_t k = p->src_sock[i] ? recv(p->src[i], pump_buf, n, MSG_DONTWAIT)
					   : read(p->src[i], pump_buf, n);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

/* A process-wide pipe that a socket's bytes pass through on their way to splice: it is always
 * drained at once, so one is enough. */
static const int *bounce_pipe(void)
{
	static int p[2] = { -1, -1 };

	if (p[0] < 0 && pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0)
		fcntl(p[0], F_SETPIPE_SZ, QREXEC_DATA_MAX);
	return p[0] < 0 ? NULL : p;
}

/* Move up to n bytes of a socket source into the bounce pipe; its read end, or -EAGAIN to let
 * the plain read path handle it (no data, EOF, errors). */
static int socket_to_pipe(struct pump *p, int i, size_t n, size_t *moved)
{
	const int *bp = bounce_pipe();

	if (!bp)
		return -EAGAIN;
	ssize_t k = splice(p->src[i], NULL, bp[1], NULL, n, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	if (k <= 0)
		return -EAGAIN;
	*moved = (size_t)k;
	return bp[0];
}

/* Bytes waiting in a pipe (or a socket, by way of the bounce pipe) go out by splice: no copy
 * through our memory. */
static int src_splice(struct pump *p, int i)
{
	size_t n = MIN((size_t)p->credit, sizeof(pump_buf));
	int avail = 0, fd = p->src[i];

	if (!p->send_spliced)
		return -EAGAIN;
	if (p->src_sock[i]) {
		size_t moved = 0;
		fd = socket_to_pipe(p, i, n, &moved);
		avail = (int)moved;
	} else if (ioctl(fd, FIONREAD, &avail) < 0) {
		return -EAGAIN;
	}
	if (fd < 0 || avail <= 0)
		return -EAGAIN;
	n = MIN((size_t)avail, n);
	p->credit -= (uint32_t)n;
	return p->send_spliced(p->ctx, src_type(p, i), fd, n);
}

/* Read once per wakeup up to the credit; EOF (or a read error) ends the stream. */
int pump_src_ready(struct pump *p, int i)
{
	int r = src_splice(p, i);

	if (r != -EAGAIN)
		return r;
	ssize_t k = src_read(p, i, MIN((size_t)p->credit, sizeof(pump_buf)));

	if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (k <= 0) {
		p->src[i] = safe_close(p->src[i]);
		return p->send(p->ctx, src_type(p, i), NULL, 0);
	}
	p->credit -= (uint32_t)k;
	return p->send(p->ctx, src_type(p, i), pump_buf, (size_t)k);
}

/* Bytes left our memory (written, or dropped because their reader is gone): grant them. */
static int pump_freed(struct pump *p, size_t n)
{
	p->freed += (uint32_t)n;
	if (p->freed < GRANT_BATCH)
		return 0;
	struct qrexec_window w = { htole32(p->freed) };
	p->inflight += p->freed;
	p->freed = 0;
	return p->send(p->ctx, QREXEC_MSG_WINDOW, &w, sizeof(w));
}

int pump_dst_ready(struct pump *p, int i)
{
	size_t before = outq_size(&p->q[i]);
	int r = outq_flush(&p->q[i], p->dst[i], p->dst_sock[i]);

	if (r < 0) { /* the local reader is gone: drop what it will never read */
		dst_close(p, i);
		return pump_freed(p, before);
	}
	if (outq_empty(&p->q[i]) && p->dst_eof[i])
		dst_close(p, i);
	return pump_freed(p, before - outq_size(&p->q[i]));
}

/* One non-blocking write of fresh data: bytes taken (0 when full), or -errno. */
static ssize_t dst_write(struct pump *p, int i, const uint8_t *data, size_t len)
{
	for (;;) {
		ssize_t k = p->dst_sock[i] ? send(p->dst[i], data, len, MSG_DONTWAIT | MSG_NOSIGNAL)
					   : write(p->dst[i], data, len);
		if (k >= 0)
			return k;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

static int dst_index(const struct pump *p, uint32_t type)
{
	if (p->service)
		return type == QREXEC_MSG_DATA_STDIN ? 0 : -1;
	if (type == QREXEC_MSG_DATA_STDOUT)
		return 0;
	return type == QREXEC_MSG_DATA_STDERR ? 1 : -1;
}

static int pump_on_data(struct pump *p, int i, const uint8_t *payload, size_t len)
{
	if (p->dst_eof[i] || len > p->inflight)
		return -EBADMSG;
	if (len == 0) {
		p->dst_eof[i] = true;
		if (outq_empty(&p->q[i]))
			dst_close(p, i);
		return 0;
	}
	p->inflight -= (uint32_t)len;
	if (p->dst[i] < 0)
		return pump_freed(p, len);
	ssize_t k = outq_empty(&p->q[i]) ? dst_write(p, i, payload, len) : 0;
	if (k < 0) { /* the local reader is gone: drop what it will never read */
		dst_close(p, i);
		return pump_freed(p, len);
	}
	/* Only what the fd did not take is copied, into the queue. */
	int r = (size_t)k < len ? outq_push(&p->q[i], payload + k, len - (size_t)k) : 0;
	if (r < 0)
		return r;
	r = pump_freed(p, (size_t)k);
	return r < 0 || (size_t)k < len ? r : pump_dst_ready(p, i);
}

int pump_on_message(struct pump *p, uint32_t type, const uint8_t *payload, size_t len)
{
	if (type == QREXEC_MSG_WINDOW) {
		struct qrexec_window w;
		if (len != sizeof(w))
			return -EBADMSG;
		memcpy(&w, payload, sizeof(w));
		uint32_t n = le32toh(w.bytes);
		if (n == 0 || n > QREXEC_WINDOW - p->credit)
			return -EBADMSG;
		p->credit += n;
		return 0;
	}
	int i = dst_index(p, type);
	return i < 0 ? -EBADMSG : pump_on_data(p, i, payload, len);
}

void pump_peer_done(struct pump *p)
{
	for (int i = 0; i < 2; i++) {
		p->dst_eof[i] = true;
		if (outq_empty(&p->q[i]))
			dst_close(p, i);
	}
}

bool pump_sources_done(const struct pump *p)
{
	return p->src[0] < 0 && p->src[1] < 0;
}

bool pump_dsts_done(const struct pump *p)
{
	return p->dst[0] < 0 && p->dst[1] < 0;
}

int qrexec_fd_prepare(int fd, bool *ret_is_socket)
{
	struct stat st;
	char path[64];

	*ret_is_socket = false;
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISSOCK(st.st_mode)) {
		*ret_is_socket = true;
		return fd;
	}
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return fd; /* never blocks for long; its offset must stay shared */
	int mode = fcntl(fd, F_GETFL);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int nfd =
		mode < 0 ? -1 : open(path, (mode & O_ACCMODE) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (nfd < 0) /* no /proc: fall back to the shared description */
		return fcntl(fd, F_SETFL, mode | O_NONBLOCK) < 0 ? negative_errno() : fd;
	close(fd);
	if (S_ISFIFO(st.st_mode)) /* a bigger pipe: fewer, larger messages (best effort) */
		fcntl(nfd, F_SETPIPE_SZ, 1024 * 1024);
	return nfd;
}
