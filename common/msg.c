/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the bytes buffered here come from a peer that may be hostile. Only the framing is
 * checked (the announced length against max_payload, before anything is buffered for it);
 * payloads are returned as they are, for the protocol's own validators.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "macro.h"
#include "msg.h"

/* Room for one largest message plus a header, and enough slack that a fill() after a large
 * message does not have to compact on every call. */
static size_t reader_capacity(size_t max_payload)
{
	size_t cap = sizeof(struct msg_header) + max_payload;
	return cap < 65536 ? 65536 : cap + cap / 4;
}

int msg_reader_init(struct msg_reader *r, size_t max_payload)
{
	*r = (struct msg_reader){ .max_payload = max_payload };
	r->cap = reader_capacity(max_payload);
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -ENOMEM;
}

void msg_reader_finish(struct msg_reader *r)
{
	free(r->buf);
	*r = (struct msg_reader){ 0 };
}

/* Move unparsed bytes to the front so the tail is free for the next read. */
static void reader_compact(struct msg_reader *r)
{
	if (r->start == 0)
		return;
	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->end -= r->start;
	r->start = 0;
}

static size_t reader_make_room(struct msg_reader *r)
{
	if (r->end == r->cap)
		reader_compact(r);
	return r->cap - r->end;
}

ssize_t msg_reader_fill(struct msg_reader *r, int fd)
{
	size_t room = reader_make_room(r);

	if (room == 0)
		return -ENOBUFS; /* cannot happen: next() returns before a full buffer */
	for (;;) {
		ssize_t k = read(fd, r->buf + r->end, room);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		r->end += (size_t)k;
		return k;
	}
}

size_t msg_reader_push(struct msg_reader *r, const void *data, size_t len)
{
	size_t n = MIN(len, reader_make_room(r));

	memcpy(r->buf + r->end, data, n);
	r->end += n;
	return n;
}

int msg_reader_next(struct msg_reader *r, struct msg *m)
{
	size_t avail = r->end - r->start;
	struct msg_header h;

	if (avail < sizeof(h))
		return 0;
	memcpy(&h, r->buf + r->start, sizeof(h));
	uint32_t len = le32toh(h.len);
	if (len > r->max_payload)
		return -EMSGSIZE;
	if (avail < sizeof(h) + len)
		return 0;

	*m = (struct msg){
		.type = le32toh(h.type),
		.id = le32toh(h.id),
		.len = len,
		.payload = r->buf + r->start + sizeof(h),
	};
	r->start += sizeof(h) + len;
	if (r->start == r->end)
		r->start = r->end = 0;
	return 1;
}

size_t msg_reader_pending(const struct msg_reader *r)
{
	return r->end - r->start;
}

void msg_header_encode(struct msg_header *h, uint32_t type, uint32_t id, uint32_t len)
{
	h->type = htole32(type);
	h->id = htole32(id);
	h->len = htole32(len);
}

int msg_write(int fd, uint32_t type, uint32_t id, const void *payload, size_t len)
{
	struct msg_header h;
	struct iovec iov[2];
	size_t total = sizeof(h) + len;
	size_t done = 0;

	if (len > UINT32_MAX)
		return -EMSGSIZE;
	msg_header_encode(&h, type, id, (uint32_t)len);

	while (done < total) {
		int n = 0;
		if (done < sizeof(h))
			iov[n++] = (struct iovec){ (char *)&h + done, sizeof(h) - done };
		size_t poff = done > sizeof(h) ? done - sizeof(h) : 0;
		if (len > poff)
			iov[n++] = (struct iovec){ (char *)payload + poff, len - poff };
		ssize_t k = writev(fd, iov, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		done += (size_t)k;
	}
	return 0;
}
