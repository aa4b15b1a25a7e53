/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "macro.h"
#include "msg.h"
#include "outq.h"

void outq_finish(struct outq *q)
{
	free(q->buf);
	*q = (struct outq){ 0 };
}

/* Make room for len more bytes: slide the live bytes to the front first, grow if still short. */
static int outq_reserve(struct outq *q, size_t len)
{
	if (q->head > 0 && q->cap - q->tail < len) {
		memmove(q->buf, q->buf + q->head, q->tail - q->head);
		q->tail -= q->head;
		q->head = 0;
	}
	if (q->cap - q->tail >= len)
		return 0;
	size_t cap = MAX(q->cap * 2, q->tail + len);
	cap = MAX(cap, (size_t)4096);
	uint8_t *b = realloc(q->buf, cap);
	if (!b)
		return -ENOMEM;
	q->buf = b;
	q->cap = cap;
	return 0;
}

int outq_push(struct outq *q, const void *data, size_t len)
{
	int r = outq_reserve(q, len);

	if (r < 0)
		return r;
	memcpy(q->buf + q->tail, data, len);
	q->tail += len;
	return 0;
}

static ssize_t write_some(int fd, bool is_socket, const struct iovec *iov, int n)
{
	if (!is_socket)
		return writev(fd, iov, n);
	struct msghdr mh = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	return sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int outq_flush(struct outq *q, int fd, bool is_socket)
{
	while (!outq_empty(q)) {
		struct iovec iov = { q->buf + q->head, outq_size(q) };
		ssize_t k = write_some(fd, is_socket, &iov, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EAGAIN ? 0 : -errno;
		q->head += (size_t)k;
	}
	q->head = q->tail = 0;
	return 0;
}

int outq_write_msg(struct outq *q, int fd, bool is_socket, uint32_t type, uint32_t id,
		   const void *payload, size_t len)
{
	struct msg_header h;
	size_t done = 0, total = sizeof(h) + len;

	msg_header_encode(&h, type, id, (uint32_t)len);
	while (outq_empty(q) && done < total) {
		struct iovec iov[2];
		int n = 0;
		if (done < sizeof(h))
			iov[n++] = (struct iovec){ (uint8_t *)&h + done, sizeof(h) - done };
		size_t poff = done > sizeof(h) ? done - sizeof(h) : 0;
		if (len > poff)
			iov[n++] = (struct iovec){ (uint8_t *)payload + poff, len - poff };
		ssize_t k = write_some(fd, is_socket, iov, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno != EAGAIN)
			return -errno;
		if (k < 0)
			break;
		done += (size_t)k;
	}
	if (done < sizeof(h) && outq_push(q, (uint8_t *)&h + done, sizeof(h) - done) < 0)
		return -ENOMEM;
	size_t poff = done > sizeof(h) ? done - sizeof(h) : 0;
	return poff < len ? outq_push(q, (const uint8_t *)payload + poff, len - poff) : 0;
}
