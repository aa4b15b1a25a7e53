/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hostile qrexec agent for tests: speaks just enough of the protocol to get past the hello,
 * then misbehaves in one way. Run in place of qrexec-agent (TB_AGENT_CMD):
 *
 *   hostile-agent MODE --channel SPEC [ignored...]
 *
 * MODE: garbage (random bytes), truncated (half a message, then EOF), oversize (a header
 * announcing 64 MiB), unknown-type (a message type that does not exist), flood (call requests
 * without end), window (data beyond the credit window of a call it made), overgrant (credit
 * for data it was never sent), double-eof (a stream ended twice), noread (hello, then never
 * read anything), hammer (calls within the protocol as fast as the broker refuses them: 300 at
 * once, beyond the 256 a VM may have in flight, then every refused id closed and asked again;
 * its counts go to stderr). Afterwards it sleeps, so only the daemon's reaction ends the link.
 */
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "msg.h"
#include "qrexec-proto.h"

static void send_hello(int fd)
{
	struct qrexec_hello h = { htole32(1), htole32(QREXEC_PROTOCOL_VERSION) };

	msg_write(fd, QREXEC_MSG_HELLO, 0, &h, sizeof(h));
}

static void garbage(int fd)
{
	uint8_t buf[4096];

	srand(42);
	for (int i = 0; i < 64; i++) {
		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)rand();
		if (write(fd, buf, sizeof(buf)) < 0)
			return;
	}
}

static void truncated(int fd)
{
	struct msg_header h;

	msg_header_encode(&h, QREXEC_MSG_CALL_REQUEST, 1, sizeof(struct qrexec_call_request));
	if (write(fd, &h, sizeof(h)) < 0)
		return;
	if (write(fd, "work", 4) < 0)
		return;
	shutdown(fd, SHUT_WR);
}

static void oversize(int fd)
{
	struct msg_header h;

	msg_header_encode(&h, QREXEC_MSG_DATA_STDIN, 1, 64u << 20);
	if (write(fd, &h, sizeof(h)) < 0)
		return;
}

static void call_request(int fd, uint32_t id, const char *target, const char *service)
{
	struct qrexec_call_request req = { 0 };

	strncpy(req.target, target, sizeof(req.target) - 1);
	strncpy(req.service, service, sizeof(req.service) - 1);
	msg_write(fd, QREXEC_MSG_CALL_REQUEST, id, &req, sizeof(req));
}

static void flood(int fd)
{
	for (uint32_t id = 1; id < 100000; id++)
		call_request(fd, id, "work", "test.Echo");
}

/* Make a call the policy allows and wait until it is connected. */
static int connected_call(int fd, uint32_t id, const char *service)
{
	struct msg_reader r;
	struct msg m;
	int found = 0;

	msg_reader_init(&r, QREXEC_MSG_MAX);
	call_request(fd, id, "work", service);
	while (!found && msg_reader_fill(&r, fd) > 0)
		while (!found && msg_reader_next(&r, &m) == 1)
			found = m.type == QREXEC_MSG_CONNECTED && m.id == id;
	msg_reader_finish(&r);
	return found ? 0 : -1;
}

static void hammer_count(const struct msg *m, unsigned long *policy, unsigned long *limited)
{
	struct qrexec_refused ref = { 0 };

	memcpy(&ref, m->payload, m->len < sizeof(ref) ? m->len : sizeof(ref));
	ref.reason[sizeof(ref.reason) - 1] = '\0';
	if (strstr(ref.reason, "too many"))
		++*limited;
	else
		++*policy;
	if ((*policy + *limited) % 1000 == 0 || *limited == 1)
		fprintf(stderr, "hammer: %lu refused by policy, %lu over the limit\n", *policy,
			*limited);
}

static void hammer(int fd)
{
	unsigned long policy = 0, limited = 0;
	struct msg_reader r;
	struct msg m;

	msg_reader_init(&r, QREXEC_MSG_MAX);
	for (uint32_t id = 1; id <= 300; id++)
		call_request(fd, id, "mail", "test.Denied");
	while (msg_reader_fill(&r, fd) > 0)
		while (msg_reader_next(&r, &m) == 1) {
			if (m.type != QREXEC_MSG_REFUSED)
				continue;
			hammer_count(&m, &policy, &limited);
			msg_write(fd, QREXEC_MSG_CLOSE, m.id, NULL, 0);
			call_request(fd, m.id, "mail", "test.Denied");
		}
	msg_reader_finish(&r);
}

/* More data than the window allows. */
static void window(int fd)
{
	static uint8_t data[QREXEC_DATA_MAX];

	if (connected_call(fd, 7, "test.Sink") < 0)
		return;
	for (int i = 0; i < 2 * QREXEC_WINDOW / QREXEC_DATA_MAX + 2; i++)
		msg_write(fd, QREXEC_MSG_DATA_STDIN, 7, data, sizeof(data));
}

/* Credit for data it was never sent: would overflow the service end's window. */
static void overgrant(int fd)
{
	uint32_t w = htole32(QREXEC_WINDOW);

	if (connected_call(fd, 8, "test.Echo") == 0)
		msg_write(fd, QREXEC_MSG_WINDOW, 8, &w, sizeof(w));
}

/* A stream ended twice: the service end's pump would refuse it. */
static void double_eof(int fd)
{
	if (connected_call(fd, 9, "test.Echo") < 0)
		return;
	msg_write(fd, QREXEC_MSG_DATA_STDIN, 9, NULL, 0);
	msg_write(fd, QREXEC_MSG_DATA_STDIN, 9, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[2], "--channel") != 0)
		return 2;
	int fd = channel_open(argv[3]);
	if (fd < 0)
		return 1;
	const char *mode = argv[1];
	if (strcmp(mode, "garbage") != 0)
		send_hello(fd);
	if (strcmp(mode, "garbage") == 0)
		garbage(fd);
	else if (strcmp(mode, "truncated") == 0)
		truncated(fd);
	else if (strcmp(mode, "oversize") == 0)
		oversize(fd);
	else if (strcmp(mode, "unknown-type") == 0)
		msg_write(fd, 0x7777, 3, "x", 1);
	else if (strcmp(mode, "flood") == 0)
		flood(fd);
	else if (strcmp(mode, "window") == 0)
		window(fd);
	else if (strcmp(mode, "overgrant") == 0)
		overgrant(fd);
	else if (strcmp(mode, "double-eof") == 0)
		double_eof(fd);
	else if (strcmp(mode, "hammer") == 0)
		hammer(fd);
	for (;;)
		pause();
}
