/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gui-agent's writes toward guid: whole messages, pixels straight from the capture buffer. */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "agent.h"
#include "log.h"

int agent_send(struct agent *a, uint32_t type, uint32_t id, const void *payload, size_t len)
{
	return msg_write(a->chan, type, id, payload, len);
}

int agent_send32(struct agent *a, uint32_t type, uint32_t id, const void *payload, size_t len)
{
	uint32_t words[GUI_PAYLOAD_WORDS_MAX];
	int r = gui_payload_to_le(words, payload, len);

	return r < 0 ? r : agent_send(a, type, id, words, len);
}

/* Advance an iovec array past n written bytes. */
static void iov_advance(struct iovec **iov, int *n, size_t k)
{
	while (*n > 0 && k >= (*iov)->iov_len) {
		k -= (*iov)->iov_len;
		(*iov)++, (*n)--;
	}
	if (*n > 0) {
		(*iov)->iov_base = (char *)(*iov)->iov_base + k;
		(*iov)->iov_len -= k;
	}
}

static int send_iov(struct agent *a, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t k = writev(a->chan, iov, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		iov_advance(&iov, &n, (size_t)k);
	}
	return 0;
}

int agent_send_damage(struct agent *a, uint32_t id, const struct gui_damage *d, const void *pixels)
{
	size_t bytes = (size_t)d->w * d->h * 4;
	struct gui_damage le = { htole32(d->x), htole32(d->y), htole32(d->w), htole32(d->h),
				 htole32(d->seq) };
	struct msg_header h;
	struct iovec vec[3] = { { &h, sizeof(h) }, { &le, sizeof(le) }, { (void *)pixels, bytes } };

	msg_header_encode(&h, GUI_MSG_DAMAGE, id, (uint32_t)(sizeof(le) + bytes));
	return send_iov(a, vec, 3);
}

int agent_send_clipboard(struct agent *a, uint32_t type, const void *data, size_t len)
{
	struct gui_clipboard le = { htole32(type), 0 };
	struct msg_header h;
	struct iovec vec[3] = { { &h, sizeof(h) }, { &le, sizeof(le) }, { (void *)data, len } };

	if (len > GUI_CLIPBOARD_MAX)
		return -EMSGSIZE;
	msg_header_encode(&h, GUI_MSG_CLIPBOARD_DATA, 0, (uint32_t)(sizeof(le) + len));
	return send_iov(a, vec, len ? 3 : 2);
}
