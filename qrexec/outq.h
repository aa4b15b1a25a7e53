/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A byte queue in front of a non-blocking fd: what could not be written at once waits here.
 * Its size is bounded by the caller (credit windows), never by the queue itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct outq {
	uint8_t *buf;
	size_t head; /* first unwritten byte */
	size_t tail; /* one past the last queued byte */
	size_t cap;
};

void outq_finish(struct outq *q);
static inline size_t outq_size(const struct outq *q)
{
	return q->tail - q->head;
}
static inline bool outq_empty(const struct outq *q)
{
	return q->tail == q->head;
}
/* Append bytes: 0 or -ENOMEM. */
int outq_push(struct outq *q, const void *data, size_t len);
/* Write as much as the fd takes: 0 (maybe partial), or -errno other than EAGAIN. With
 * is_socket, send(MSG_DONTWAIT|MSG_NOSIGNAL) is used so the fd's own flags don't matter. */
int outq_flush(struct outq *q, int fd, bool is_socket);
/* Write header+payload now as far as the fd takes it, queue the rest (never blocks). */
int outq_write_msg(struct outq *q, int fd, bool is_socket, uint32_t type, uint32_t id,
		   const void *payload, size_t len);
