/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guid's output toward the VM: messages are queued and written without blocking, so a VM that
 * stops reading can never stall guid (and through it the host X server's event queue). A queue
 * over GUID_OUTQ_MAX means the VM stopped reading: a protocol violation, guid exits.
 *
 * A clipboard paste may take the queue past that bound by one clipboard message; what the
 * queue held of it is zeroed as soon as it is written, so no copy of pasted data stays in
 * guid after the global clipboard was wiped.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guid.h"
#include "log.h"

static int outq_reserve(struct guid_outq *q, size_t more, size_t limit)
{
	if (q->len + more > limit)
		return -ENOBUFS;
	if (q->len + more <= q->cap)
		return 0;
	size_t cap = MAX(q->cap * 2, MAX(q->len + more, (size_t)4096));
	/* Not realloc: it would free the old buffer with any clipboard data still in it. */
	uint8_t *p = malloc(cap);
	if (!p)
		return -ENOMEM;
	if (q->len)
		memcpy(p, q->buf, q->len);
	if (q->buf)
		explicit_bzero(q->buf, q->cap);
	free(q->buf);
	q->buf = p;
	q->cap = cap;
	return 0;
}

int guid_send(struct guid *g, uint32_t type, uint32_t id, const void *payload, size_t len)
{
	struct msg_header h;
	int r = outq_reserve(&g->outq, sizeof(h) + len, GUID_OUTQ_MAX);

	if (r == -ENOBUFS)
		return log_error_errno(r, "VM stopped reading (over %u bytes queued for it)",
				       GUID_OUTQ_MAX);
	if (r < 0)
		return log_oom();
	msg_header_encode(&h, type, id, (uint32_t)len);
	memcpy(g->outq.buf + g->outq.len, &h, sizeof(h));
	if (len)
		memcpy(g->outq.buf + g->outq.len + sizeof(h), payload, len);
	g->outq.len += sizeof(h) + len;
	return 0;
}

bool guid_outq_pending(const struct guid *g)
{
	return g->outq.len > 0;
}

int guid_outq_flush(struct guid *g)
{
	struct guid_outq *q = &g->outq;

	while (q->len > 0) {
		ssize_t k = write(g->chan, q->buf, q->len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN)
			return 0;
		if (k < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			/* The VM hung up; the read side reports how (EOF, truncation). */
			q->len = 0;
			return 0;
		}
		if (k < 0)
			return log_error_errno(errno, "Writing to the VM: %m");
		memmove(q->buf, q->buf + k, q->len - (size_t)k);
		if (q->wipe)
			explicit_bzero(q->buf + q->len - (size_t)k, (size_t)k);
		q->len -= (size_t)k;
	}
	q->wipe = false;
	return 0;
}

int guid_send_clipboard(struct guid *g, uint32_t type, const struct gui_clipboard *head,
			const void *data, size_t len)
{
	struct guid_outq *q = &g->outq;
	struct gui_clipboard le = { htole32(head->type), htole32(head->reserved) };
	struct msg_header h;
	size_t total = sizeof(h) + sizeof(le) + len;
	int r = len > GUI_CLIPBOARD_MAX
			? -EMSGSIZE
			: outq_reserve(q, total, GUID_OUTQ_MAX + sizeof(h) + GUI_MAX_PAYLOAD);

	if (r == -EMSGSIZE)
		return log_error_errno(r, "Clipboard data over %u bytes", GUI_CLIPBOARD_MAX);
	if (r == -ENOBUFS)
		return log_error_errno(r, "VM stopped reading (over %u bytes queued for it)",
				       GUID_OUTQ_MAX);
	if (r < 0)
		return log_oom();
	msg_header_encode(&h, type, 0, (uint32_t)(sizeof(le) + len));
	memcpy(q->buf + q->len, &h, sizeof(h));
	memcpy(q->buf + q->len + sizeof(h), &le, sizeof(le));
	memcpy(q->buf + q->len + sizeof(h) + sizeof(le), data, len);
	q->len += total;
	q->wipe = true;
	return 0;
}

int guid_send32(struct guid *g, uint32_t type, uint32_t id, const void *payload, size_t len)
{
	uint32_t words[GUI_PAYLOAD_WORDS_MAX];
	int r = gui_payload_to_le(words, payload, len);

	return r < 0 ? r : guid_send(g, type, id, words, len);
}
