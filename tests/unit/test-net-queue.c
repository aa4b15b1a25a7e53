/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-filter's byte queue (net/net-queue.c): all or nothing on push, bytes in order across the
 * ring's wrap, and a stream moved through real sockets that take a little at a time arrives
 * whole: nothing dropped, nothing cut, nothing repeated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "tap.h"

static void test_push_peek(void)
{
	struct net_queue q;
	uint8_t out[8];

	is_int(net_queue_init(&q, 8), 0, "a queue of 8 bytes");
	is_int(net_queue_push(&q, "abcdef", 6), 0, "push 6 bytes");
	is_int(net_queue_push(&q, "xyz", 3), -ENOBUFS, "a push that does not fit is refused");
	is_int(q.len, 6, "  and adds nothing");
	net_queue_consume(&q, 4);
	is_int(net_queue_push(&q, "ghijk", 5), 0, "a push that wraps around the ring");
	is_int(net_queue_room(&q), 1, "  leaves the room it should");
	is_int(net_queue_peek(&q, out, sizeof(out)), 7, "peek sees every byte held");
	ok(memcmp(out, "efghijk", 7) == 0, "  in order across the wrap");
	net_queue_consume(&q, 100);
	is_int(q.len, 0, "consuming more than is held empties the queue");
	is_int(net_queue_write(&q, -1), 0, "writing an empty queue writes nothing");
	net_queue_free(&q);
}

/* A byte stream through queue -> socket (small buffer) -> queue, a few bytes per call. */
static void test_stream(void)
{
	enum { TOTAL = 1 << 20 };
	struct net_queue src, dst;
	static uint8_t sent[TOTAL], got[TOTAL];
	size_t pushed = 0, received = 0;
	int sv[2], small = 4096, spins = 0;

	for (size_t i = 0; i < TOTAL; i++)
		sent[i] = (uint8_t)(i * 7 + i / 251);
	ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0, "a socketpair");
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	net_queue_init(&src, 70001); /* odd sizes: the wrap falls anywhere */
	net_queue_init(&dst, 3001);
	while (received < TOTAL && spins++ < 1000000) {
		size_t n = net_queue_room(&src) < 65537 ? net_queue_room(&src) : 65537;
		if (n > TOTAL - pushed)
			n = TOTAL - pushed;
		if (net_queue_push(&src, sent + pushed, n) == 0)
			pushed += n;
		ssize_t w = net_queue_write(&src, sv[0]);
		ssize_t r = net_queue_read(&dst, sv[1]);
		if ((w < 0 && w != -EAGAIN) || (r < 0 && r != -EAGAIN && r != -ENOBUFS))
			break;
		received += net_queue_peek(&dst, got + received, dst.len);
		net_queue_consume(&dst, dst.len);
	}
	is_int(received, TOTAL, "1 MiB through a socket that takes 4 KiB at a time all arrives");
	ok(memcmp(sent, got, TOTAL) == 0, "  every byte in order");
	close(sv[0]);
	is_int(net_queue_read(&dst, sv[1]), -ECONNRESET, "end of stream is -ECONNRESET");
	close(sv[1]);
	net_queue_free(&src);
	net_queue_free(&dst);
}

int main(void)
{
	test_push_peek();
	test_stream();
	return tap_done();
}
