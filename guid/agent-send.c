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
	uint32_t words[16];

	if (len > sizeof(words) || len % 4)
		return -EINVAL;
	memcpy(words, payload, len);
	for (size_t i = 0; i < len / 4; i++)
		words[i] = htole32(words[i]);
	return agent_send(a, type, id, words, len);
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

int agent_send_damage(struct agent *a, uint32_t id, const struct gui_damage *d, const void *pixels)
{
	size_t bytes = (size_t)d->w * d->h * 4;
	struct gui_damage le = { htole32(d->x), htole32(d->y), htole32(d->w), htole32(d->h),
				 htole32(d->seq) };
	struct msg_header h;
	struct iovec vec[3] = { { &h, sizeof(h) }, { &le, sizeof(le) }, { (void *)pixels, bytes } };
	struct iovec *iov = vec;
	int n = 3;

	msg_header_encode(&h, GUI_MSG_DAMAGE, id, (uint32_t)(sizeof(le) + bytes));
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
