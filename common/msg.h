/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Framed, typed messages: the shape every Bulkhead protocol shares on its one fd.
 *
 *   struct msg_header { le32 type; le32 id; le32 len; }  then len bytes of payload.
 *
 * `id` names the stream the message belongs to (a qrexec call, a GUI window); 0 is the
 * connection itself. The reader enforces a hard maximum payload before it buffers anything,
 * so a peer that announces 4 GiB costs nothing but a protocol error.
 *
 * The reader is a byte buffer with no I/O of its own at its core (msg_reader_push/next), which
 * is what the fuzz target drives; msg_reader_fill() adds the read(2) for real fds.
 *
 * Trust: messages from a VM are untrusted; the reader checks only framing (length bound).
 * Each protocol validates the payload of each type in its own parser file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct msg_header {
	uint32_t type;
	uint32_t id;
	uint32_t len;
} __attribute__((packed));
_Static_assert(sizeof(struct msg_header) == 12, "msg_header is 12 bytes on the wire");

/* A message as handed out by the reader: payload points into the reader's buffer and stays
 * valid until the next msg_reader_fill()/msg_reader_push(). */
struct msg {
	uint32_t type;
	uint32_t id;
	uint32_t len;
	const uint8_t *payload;
};

struct msg_reader {
	uint8_t *buf;
	size_t cap;
	size_t start; /* first unparsed byte */
	size_t end;   /* one past the last buffered byte */
	size_t max_payload;
};

/* max_payload: the largest payload any message type of this protocol may carry. */
int msg_reader_init(struct msg_reader *r, size_t max_payload);
void msg_reader_finish(struct msg_reader *r);

/* One read(2) into free space. Returns bytes read (> 0), 0 at EOF, -EAGAIN, or -errno. */
ssize_t msg_reader_fill(struct msg_reader *r, int fd);
/* Append bytes (for tests and fuzzing). Returns bytes taken (may be < len when full). */
size_t msg_reader_push(struct msg_reader *r, const void *data, size_t len);
/* Next complete message: 1 and *m set, 0 if more bytes are needed, -EMSGSIZE if the peer
 * announced a payload over max_payload (a protocol violation: drop the peer). */
int msg_reader_next(struct msg_reader *r, struct msg *m);
/* Bytes buffered but not yet returned as messages (a partial message at EOF = truncation). */
size_t msg_reader_pending(const struct msg_reader *r);

/* Write one whole message (header + payload) with a single writev loop. 0 or -errno. */
int msg_write(int fd, uint32_t type, uint32_t id, const void *payload, size_t len);
/* Encode a header into wire order. */
void msg_header_encode(struct msg_header *h, uint32_t type, uint32_t id, uint32_t len);
