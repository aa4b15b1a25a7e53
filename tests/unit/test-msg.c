/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msg.h"
#include "tap.h"

static void test_roundtrip_over_socket(void)
{
	struct msg_reader r;
	struct msg m;
	int sv[2];

	ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	is_int(msg_write(sv[0], 7, 42, "hello", 5), 0, "write a message");
	is_int(msg_write(sv[0], 8, 0, NULL, 0), 0, "write an empty message");
	is_int(msg_reader_init(&r, 1024), 0, "reader init");
	ok(msg_reader_fill(&r, sv[1]) > 0, "fill from the socket");
	is_int(msg_reader_next(&r, &m), 1, "first message complete");
	ok(m.type == 7 && m.id == 42 && m.len == 5 && memcmp(m.payload, "hello", 5) == 0,
	   "type, id, length and payload survive");
	is_int(msg_reader_next(&r, &m), 1, "second message complete");
	ok(m.type == 8 && m.len == 0, "an empty payload is a message too");
	is_int(msg_reader_next(&r, &m), 0, "then nothing more");
	close(sv[0]);
	is_int(msg_reader_fill(&r, sv[1]), 0, "EOF reads as 0");
	msg_reader_finish(&r);
	close(sv[1]);
}

/* A message fed one byte at a time is returned exactly once, when its last byte arrives. */
static void test_byte_by_byte(void)
{
	struct msg_header h;
	uint8_t wire[sizeof(h) + 3];
	struct msg_reader r;
	struct msg m;
	int complete_at = -1;

	msg_header_encode(&h, 1, 2, 3);
	memcpy(wire, &h, sizeof(h));
	memcpy(wire + sizeof(h), "abc", 3);
	msg_reader_init(&r, 16);
	for (size_t i = 0; i < sizeof(wire); i++) {
		msg_reader_push(&r, wire + i, 1);
		if (msg_reader_next(&r, &m) == 1)
			complete_at = (int)i;
	}
	is_int(complete_at, (int)sizeof(wire) - 1, "complete only after the last byte");
	is_int(msg_reader_pending(&r), 0, "nothing left over");
	msg_reader_finish(&r);
}

static void test_oversize_rejected_before_buffering(void)
{
	struct msg_header h;
	struct msg_reader r;
	struct msg m;

	msg_reader_init(&r, 100);
	msg_header_encode(&h, 1, 0, 101);
	msg_reader_push(&r, &h, sizeof(h));
	is_int(msg_reader_next(&r, &m), -EMSGSIZE, "101 bytes over a 100-byte limit: EMSGSIZE");
	msg_reader_finish(&r);

	msg_reader_init(&r, 100);
	msg_header_encode(&h, 1, 0, 0xffffffffu);
	msg_reader_push(&r, &h, sizeof(h));
	is_int(msg_reader_next(&r, &m), -EMSGSIZE, "a 4 GiB announcement: EMSGSIZE at once");
	msg_reader_finish(&r);
}

static void test_truncated_stays_pending(void)
{
	struct msg_header h;
	struct msg_reader r;
	struct msg m;

	msg_reader_init(&r, 100);
	msg_header_encode(&h, 1, 0, 10);
	msg_reader_push(&r, &h, sizeof(h));
	msg_reader_push(&r, "abc", 3);
	is_int(msg_reader_next(&r, &m), 0, "a truncated message is not returned");
	is_int(msg_reader_pending(&r), sizeof(h) + 3, "its bytes are pending (truncation at EOF)");
	msg_reader_finish(&r);
}

/* Many messages larger than half the buffer force compaction; none may be corrupted. */
static void test_compaction(void)
{
	enum { SIZE = 40000, COUNT = 50 };
	static uint8_t payload[SIZE];
	struct msg_header h;
	struct msg_reader r;
	struct msg m;
	int good = 0;

	msg_reader_init(&r, SIZE);
	for (int i = 0; i < COUNT; i++) {
		memset(payload, i, sizeof(payload));
		msg_header_encode(&h, 5, (uint32_t)i, SIZE);
		msg_reader_push(&r, &h, sizeof(h));
		size_t off = 0;
		while (off < SIZE) {
			off += msg_reader_push(&r, payload + off, SIZE - off);
			while (msg_reader_next(&r, &m) == 1)
				good += m.id == (uint32_t)i && m.payload[0] == i &&
					m.payload[SIZE - 1] == i;
		}
	}
	is_int(good, COUNT, "every large message intact across buffer compaction");
	msg_reader_finish(&r);
}

int main(void)
{
	test_roundtrip_over_socket();
	test_byte_by_byte();
	test_oversize_rejected_before_buffering();
	test_truncated_stays_pending();
	test_compaction();
	return tap_done();
}
