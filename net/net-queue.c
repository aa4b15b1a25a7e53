/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded byte queue between two non-blocking sockets: net-filter's buffer in each direction.
 * A ring, read into and written from with readv/writev, so bytes are copied once in and once
 * out whatever the peers take per call, and a peer that takes part of a frame gets the rest
 * later: nothing is dropped or cut here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "net.h"

int net_queue_init(struct net_queue *q, size_t size)
{
	*q = (struct net_queue){ .data = malloc(size), .size = size };
	return q->data ? 0 : -ENOMEM;
}

void net_queue_free(struct net_queue *q)
{
	free(q->data);
	*q = (struct net_queue){ 0 };
}

/* The ring's bytes from offset START (relative to head), LEN of them, as at most two spans. */
static int spans(const struct net_queue *q, size_t start, size_t len, struct iovec iov[2])
{
	size_t at = (q->head + start) % q->size;
	size_t first = len < q->size - at ? len : q->size - at;

	iov[0] = (struct iovec){ q->data + at, first };
	iov[1] = (struct iovec){ q->data, len - first };
	return len == 0 ? 0 : first == len ? 1 : 2;
}

ssize_t net_queue_read(struct net_queue *q, int fd)
{
	struct iovec iov[2];
	int n = spans(q, q->len, net_queue_room(q), iov);
	ssize_t r;

	if (n == 0)
		return -ENOBUFS;
	r = readv(fd, iov, n);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	if (r == 0)
		return -ECONNRESET;
	q->len += (size_t)r;
	return r;
}

ssize_t net_queue_write(struct net_queue *q, int fd)
{
	struct iovec iov[2];
	int n = spans(q, 0, q->len, iov);
	ssize_t r;

	if (n == 0)
		return 0;
	r = writev(fd, iov, n);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	net_queue_consume(q, (size_t)r);
	return r;
}

int net_queue_push(struct net_queue *q, const void *p, size_t len)
{
	struct iovec iov[2];
	int n;

	if (len > net_queue_room(q))
		return -ENOBUFS;
	n = spans(q, q->len, len, iov);
	for (int i = 0; i < n; i++) {
		memcpy(iov[i].iov_base, p, iov[i].iov_len);
		p = (const uint8_t *)p + iov[i].iov_len;
	}
	q->len += len;
	return 0;
}

size_t net_queue_peek(const struct net_queue *q, void *p, size_t len)
{
	struct iovec iov[2];
	int n = spans(q, 0, len < q->len ? len : q->len, iov);
	size_t copied = 0;

	for (int i = 0; i < n; i++) {
		memcpy((uint8_t *)p + copied, iov[i].iov_base, iov[i].iov_len);
		copied += iov[i].iov_len;
	}
	return copied;
}

void net_queue_consume(struct net_queue *q, size_t len)
{
	if (len > q->len)
		len = q->len;
	q->head = q->len == len ? 0 : (q->head + len) % q->size;
	q->len -= len;
}
